// The address book: saved and recent remotes in AppSettings' INI file, recent first, one entry per host:port,
// the recents cap, the old connect history imported once, the identity column from a real known-hosts file, the
// search, IPv6 targets, and the dialog driven by the keyboard alone (offscreen).
#include "core/session/KnownHosts.h"
#include "core/tls/HostPort.h"
#include "gui/AddressBook.h"
#include "gui/AddressBookDialog.h"
#include "gui/AddressBookFilter.h"
#include "gui/AppSettings.h"
#include "gui/RemoteEditDialog.h"

#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using sra::gui::AddressBook;
using sra::gui::AddressBookDialog;
using sra::gui::AppSettings;
using sra::gui::SavedRemote;

namespace {
QDateTime at(int minutes)
{
    return QDateTime(QDate(2025, 3, 1), QTime(8, 0), Qt::UTC).addSecs(60LL * minutes);
}

SavedRemote named(const QString& name, const QString& host, quint16 port = 4116, const QString& note = {})
{
    return SavedRemote{name, host, port, {}, note};
}

// The key goes where the keyboard would send it: the dialog's focus widget.
void press(QWidget* window, Qt::Key key, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    QWidget* focus = window->focusWidget();
    QVERIFY2(focus, "nothing has the keyboard focus");
    QTest::keyClick(focus, key, modifiers);
}

// What a window manager does when a dialog on top closes: the window below gets the focus back (offscreen has no
// window manager to do it).
bool activate(QWidget* window)
{
    window->activateWindow();
    return QTest::qWaitForWindowActive(window);
}
} // namespace

class TestAddressBook : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void persistsAcrossSettingsInstances();
    void recentFirst();
    void touchAddsRecentAndCapDropsOldestRecent();
    void onePerHostPort();
    void importsHostHistoryOnce();
    void fingerprintStateFromKnownHosts();
    void searchFiltersNameHostNote();
    void ipv6Targets();
    void dialogByKeyboard();
    void dialogConnectsToTypedAddress();
    void dialogAddEditRemove();

private:
    QString iniFile() const
    {
        return m_dir->filePath(QStringLiteral("settings.ini"));
    }

    QString knownHostsFile() const
    {
        return m_dir->filePath(QStringLiteral("known_hosts"));
    }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestAddressBook::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestAddressBook::persistsAcrossSettingsInstances()
{
    {
        AppSettings settings(iniFile());
        AddressBook book(&settings, knownHostsFile());
        QVERIFY(book.addOrUpdate(named(QStringLiteral("Reception"),
                                       QStringLiteral("PC1.example.org"),
                                       4116,
                                       QStringLiteral("ground floor, ask for Anna"))));
        book.touch(QStringLiteral("pc2.example.org"), 4117, at(30));
        QCOMPARE(book.rowCount(), 2);
    }
    AppSettings settings(iniFile());
    AddressBook book(&settings, knownHostsFile());
    QCOMPARE(book.rowCount(), 2);
    const std::optional<SavedRemote> reception = book.lookup(QStringLiteral("pc1.example.org"));
    QVERIFY(reception);
    QCOMPARE(reception->name, QStringLiteral("Reception"));
    QCOMPARE(reception->host, QStringLiteral("pc1.example.org"));
    QCOMPARE(reception->note, QStringLiteral("ground floor, ask for Anna"));
    QVERIFY(!reception->lastUsed.isValid());
    const std::optional<SavedRemote> recent = book.lookup(QStringLiteral("pc2.example.org:4117"));
    QVERIFY(recent);
    QVERIFY(recent->name.isEmpty());
    QCOMPARE(recent->port, quint16(4117));
    QCOMPARE(recent->lastUsed, at(30));
    // The settings file holds no fingerprint or anything else beyond the five fields.
    QFile ini(iniFile());
    QVERIFY(ini.open(QIODevice::ReadOnly));
    const QByteArray text = ini.readAll();
    QVERIFY(text.contains("[addressBook]"));
    QVERIFY(!text.contains("sha256") && !text.contains("fingerprint"));
}

void TestAddressBook::recentFirst()
{
    AppSettings settings(iniFile());
    AddressBook book(&settings, knownHostsFile());
    QVERIFY(book.addOrUpdate(named(QStringLiteral("Zeta"), QStringLiteral("z.example.org"))));
    QVERIFY(book.addOrUpdate(named(QStringLiteral("alpha"), QStringLiteral("a.example.org"))));
    book.touch(QStringLiteral("old.example.org"), 4116, at(1));
    book.touch(QStringLiteral("new.example.org"), 4116, at(3));
    QVERIFY(book.addOrUpdate(SavedRemote{QStringLiteral("Mid"), QStringLiteral("mid.example.org"), 4116, at(2), {}}));
    // Last used descending; never used last, by name (case-insensitive).
    QCOMPARE(book.targets(),
             QStringList({QStringLiteral("new.example.org"),
                          QStringLiteral("mid.example.org"),
                          QStringLiteral("old.example.org"),
                          QStringLiteral("a.example.org"),
                          QStringLiteral("z.example.org")}));
    QCOMPARE(book.index(1, AddressBook::RemoteColumn).data().toString(), QStringLiteral("Mid — mid.example.org:4116"));
    QCOMPARE(book.index(0, AddressBook::RemoteColumn).data().toString(), QStringLiteral("new.example.org:4116"));

    // Using one moves it to the top, as a move (a view keeps its selection), and the completion model follows.
    QSignalSpy moved(&book, &QAbstractItemModel::rowsMoved);
    book.touch(QStringLiteral("z.example.org"), 4116, at(10));
    QCOMPARE(moved.size(), 1);
    QCOMPARE(book.targets().first(), QStringLiteral("z.example.org"));
    QCOMPARE(book.targetModel()->index(0, 0).data().toString(), QStringLiteral("z.example.org"));
    QCOMPARE(book.targetModel()->rowCount(), 5);
}

void TestAddressBook::touchAddsRecentAndCapDropsOldestRecent()
{
    AppSettings settings(iniFile());
    AddressBook book(&settings, knownHostsFile());
    // The named entry is the oldest of all: the cap must still not take it.
    QVERIFY(book.addOrUpdate(
        SavedRemote{QStringLiteral("Server room"), QStringLiteral("named.example.org"), 4116, at(0), {}}));
    for (int i = 1; i < AddressBook::kMaxEntries; ++i) {
        QVERIFY(book.touch(QStringLiteral("host%1.example.org").arg(i), at(i)));
    }
    QCOMPARE(book.rowCount(), AddressBook::kMaxEntries);
    QVERIFY(book.lookup(QStringLiteral("host1.example.org")));

    QVERIFY(book.touch(QStringLiteral("fresh.example.org:4200"), at(100)));
    QCOMPARE(book.rowCount(), AddressBook::kMaxEntries);
    QCOMPARE(book.targets().first(), QStringLiteral("fresh.example.org:4200"));
    QVERIFY(book.index(0, 0).data(AddressBook::RecentRole).toBool());
    QVERIFY2(!book.lookup(QStringLiteral("host1.example.org")), "the oldest recent should have been dropped");
    QVERIFY(book.lookup(QStringLiteral("host2.example.org")));
    QVERIFY2(book.lookup(QStringLiteral("named.example.org")), "a named entry was dropped by the cap");
    QCOMPARE(book.lookup(QStringLiteral("Server room"))->host, QStringLiteral("named.example.org"));

    // Touching a saved one adds nothing.
    book.touch(QStringLiteral("named.example.org"), 4116, at(200));
    QCOMPARE(book.rowCount(), AddressBook::kMaxEntries);
    QCOMPARE(book.targets().first(), QStringLiteral("named.example.org"));
    QVERIFY(book.lookup(QStringLiteral("host2.example.org")));
    // Nonsense is refused, not stored.
    QVERIFY(!book.touch(QStringLiteral("bad host:0")));
    QCOMPARE(book.rowCount(), AddressBook::kMaxEntries);
}

void TestAddressBook::onePerHostPort()
{
    AppSettings settings(iniFile());
    AddressBook book(&settings, knownHostsFile());
    book.touch(QStringLiteral("pc1.example.org"), 4116, at(5));
    QVERIFY(book.addOrUpdate(named(QStringLiteral("Reception"), QStringLiteral("PC1.Example.org"))));
    QCOMPARE(book.rowCount(), 1);
    QCOMPARE(book.remotes().first().name, QStringLiteral("Reception"));
    QCOMPARE(book.remotes().first().lastUsed, at(5)); // the update keeps the last use
    QVERIFY(book.touch(QStringLiteral("pc1.example.org:4116"), at(6)));
    QCOMPARE(book.rowCount(), 1);
    QCOMPARE(book.remotes().first().name, QStringLiteral("Reception"));
    // Another port is another entry.
    QVERIFY(book.addOrUpdate(named(QStringLiteral("Reception, second srad"), QStringLiteral("pc1.example.org"), 4117)));
    QCOMPARE(book.rowCount(), 2);
    // Editing one onto the other's address leaves one entry, the edited one.
    QVERIFY(book.update(QStringLiteral("pc1.example.org"),
                        4117,
                        named(QStringLiteral("Reception (moved)"), QStringLiteral("pc1.example.org"))));
    QCOMPARE(book.rowCount(), 1);
    QCOMPARE(book.remotes().first().name, QStringLiteral("Reception (moved)"));
    QCOMPARE(book.remotes().first().port, quint16(4116));
    // Invalid addresses are refused.
    QVERIFY(!book.addOrUpdate(named(QStringLiteral("x"), QStringLiteral("pc1:80"))));
    QVERIFY(!book.addOrUpdate(named(QStringLiteral("x"), QStringLiteral("pc1"), 0)));
    QVERIFY(!book.addOrUpdate(named(QStringLiteral("x"), QStringLiteral(""))));
    QCOMPARE(book.rowCount(), 1);
    QVERIFY(book.remove(QStringLiteral("PC1.example.org"), 4116));
    QCOMPARE(book.rowCount(), 0);
    QVERIFY(!book.remove(QStringLiteral("pc1.example.org"), 4116));
}

void TestAddressBook::importsHostHistoryOnce()
{
    {
        AppSettings settings(iniFile());
        settings.addHostToHistory(QStringLiteral("older.example.org:4117"));
        settings.addHostToHistory(QStringLiteral("not a host"));
        settings.addHostToHistory(QStringLiteral("newest.example.org"));
        AddressBook book(&settings, knownHostsFile());
        QCOMPARE(book.targets(),
                 QStringList({QStringLiteral("newest.example.org"), QStringLiteral("older.example.org:4117")}));
        QVERIFY(book.index(0, 0).data(AddressBook::RecentRole).toBool());
        QVERIFY(book.remove(QStringLiteral("older.example.org"), 4117));
        // The history itself stays as it was.
        QCOMPARE(settings.hostHistory().size(), 3);
    }
    AppSettings settings(iniFile());
    AddressBook book(&settings, knownHostsFile());
    QCOMPARE(book.targets(), QStringList({QStringLiteral("newest.example.org")}));
}

void TestAddressBook::fingerprintStateFromKnownHosts()
{
    const QByteArray sha256 = QByteArray::fromHex("0123456789abcdef00112233445566778899aabbccddeeff0011223344556677");
    sra::core::KnownHosts hosts(knownHostsFile());
    hosts.set(QStringLiteral("trusted.example.org"), 4116, sha256);
    hosts.set(QStringLiteral("2001:db8::7"), 4117, sha256);
    QString error;
    QVERIFY2(hosts.save(&error), qPrintable(error));

    AppSettings settings(iniFile());
    AddressBook book(&settings, knownHostsFile());
    QVERIFY(book.addOrUpdate(named(QStringLiteral("Trusted"), QStringLiteral("trusted.example.org"))));
    QVERIFY(book.addOrUpdate(named(QStringLiteral("Other port"), QStringLiteral("trusted.example.org"), 4200)));
    QVERIFY(book.touch(QStringLiteral("[2001:db8::7]:4117"), at(1)));
    const auto rowOf = [&book](const QString& target) {
        QString host;
        quint16 port = 0;
        return sra::core::parseHostPort(target, host, port) ? book.indexOf(host, port) : -1;
    };
    const QModelIndex trusted = book.index(rowOf(QStringLiteral("trusted.example.org")), AddressBook::IdentityColumn);
    QVERIFY(trusted.data(AddressBook::FingerprintKnownRole).toBool());
    QCOMPARE(trusted.data().toString(), QStringLiteral("known (01:23:45:67:89:AB:CD:EF…)"));
    QCOMPARE(trusted.data(AddressBook::FingerprintRole).toString(),
             QStringLiteral("01:23:45:67:89:AB:CD:EF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:"
                            "44:55:66:77"));
    QVERIFY(
        book.index(rowOf(QStringLiteral("[2001:db8::7]:4117")), 0).data(AddressBook::FingerprintKnownRole).toBool());
    const QModelIndex other =
        book.index(rowOf(QStringLiteral("trusted.example.org:4200")), AddressBook::IdentityColumn);
    QVERIFY(!other.data(AddressBook::FingerprintKnownRole).toBool());
    QCOMPARE(other.data().toString(), QStringLiteral("not yet trusted"));
    QVERIFY(other.data(AddressBook::FingerprintRole).toString().isEmpty());

    // Forgetting the identity (Preferences) shows after a reload.
    QVERIFY(hosts.remove(QStringLiteral("trusted.example.org"), 4116));
    QVERIFY(hosts.save(&error));
    QSignalSpy changed(&book, &QAbstractItemModel::dataChanged);
    book.reloadKnownHosts();
    QVERIFY(!changed.isEmpty());
    QCOMPARE(trusted.data().toString(), QStringLiteral("not yet trusted"));
}

void TestAddressBook::searchFiltersNameHostNote()
{
    AppSettings settings(iniFile());
    AddressBook book(&settings, knownHostsFile());
    QVERIFY(book.addOrUpdate(named(QStringLiteral("Reception"), QStringLiteral("pc1.example.org"))));
    QVERIFY(book.addOrUpdate(named(QStringLiteral("Lab"),
                                   QStringLiteral("build7.corp.test"),
                                   4116,
                                   QStringLiteral("Printer next to it is BROKEN"))));
    book.touch(QStringLiteral("10.1.2.3"), 4117, at(1));
    sra::gui::AddressBookFilter filter;
    filter.setSourceModel(&book);
    QCOMPARE(filter.rowCount(), 3);
    const auto shown = [&filter] {
        QStringList targets;
        for (int row = 0; row < filter.rowCount(); ++row) {
            targets.append(filter.index(row, 0).data(AddressBook::TargetRole).toString());
        }
        return targets;
    };
    filter.setSearchText(QStringLiteral("cEPt")); // name
    QCOMPARE(shown(), QStringList({QStringLiteral("pc1.example.org")}));
    filter.setSearchText(QStringLiteral("CORP")); // host
    QCOMPARE(shown(), QStringList({QStringLiteral("build7.corp.test")}));
    filter.setSearchText(QStringLiteral("broken")); // note
    QCOMPARE(shown(), QStringList({QStringLiteral("build7.corp.test")}));
    filter.setSearchText(QStringLiteral("10.1.2.3:4117")); // target
    QCOMPARE(shown(), QStringList({QStringLiteral("10.1.2.3:4117")}));
    filter.setSearchText(QStringLiteral("example"));
    QCOMPARE(shown(), QStringList({QStringLiteral("pc1.example.org")}));
    filter.setSearchText(QStringLiteral("nowhere"));
    QCOMPARE(filter.rowCount(), 0);
    filter.setSearchText(QString());
    QCOMPARE(filter.rowCount(), 3);
}

void TestAddressBook::ipv6Targets()
{
    QCOMPARE(AddressBook::targetString(QStringLiteral("2001:db8::1"), 4116), QStringLiteral("[2001:db8::1]"));
    QCOMPARE(AddressBook::targetString(QStringLiteral("2001:db8::1"), 4117), QStringLiteral("[2001:db8::1]:4117"));
    QCOMPARE(AddressBook::targetString(QStringLiteral("pc1"), 4116), QStringLiteral("pc1"));
    QCOMPARE(AddressBook::targetString(QStringLiteral("pc1"), 4117), QStringLiteral("pc1:4117"));
    QCOMPARE(AddressBook::addressString(QStringLiteral("2001:db8::1"), 4116), QStringLiteral("[2001:db8::1]:4116"));

    AppSettings settings(iniFile());
    AddressBook book(&settings, knownHostsFile());
    QVERIFY(book.touch(QStringLiteral("[2001:DB8::1]:4117"), at(2)));
    QVERIFY(book.addOrUpdate(named(QStringLiteral("v6 default port"), QStringLiteral("2001:db8::2"))));
    QCOMPARE(book.targets(), QStringList({QStringLiteral("[2001:db8::1]:4117"), QStringLiteral("[2001:db8::2]")}));
    QCOMPARE(book.index(0, 0).data(AddressBook::HostRole).toString(), QStringLiteral("2001:db8::1"));
    QCOMPARE(book.index(0, 0).data().toString(), QStringLiteral("[2001:db8::1]:4117"));
    QCOMPARE(book.index(1, 0).data().toString(), QStringLiteral("v6 default port — [2001:db8::2]:4116"));
    // What the book hands out parses back to the same host and port.
    for (const QString& target : book.targets()) {
        QString host;
        quint16 port = 0;
        QVERIFY(sra::core::parseHostPort(target, host, port));
        QVERIFY(book.indexOf(host, port) >= 0);
    }
    QCOMPARE(book.resolve(QStringLiteral("V6 DEFAULT PORT")), QStringLiteral("[2001:db8::2]"));
    QCOMPARE(book.resolve(QStringLiteral(" unsaved.example.org ")), QStringLiteral("unsaved.example.org"));
}

void TestAddressBook::dialogByKeyboard()
{
    AppSettings settings(iniFile());
    AddressBook book(&settings, knownHostsFile());
    QVERIFY(book.addOrUpdate(named(QStringLiteral("Reception"), QStringLiteral("pc1.example.org"))));
    QVERIFY(book.addOrUpdate(named(QStringLiteral("Reception v6"), QStringLiteral("2001:db8::5"), 4117)));
    book.touch(QStringLiteral("other.example.org"), 4116, at(1));
    AddressBookDialog dialog(&book);
    QSignalSpy requested(&dialog, &AddressBookDialog::connectRequested);
    dialog.open();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QCOMPARE(dialog.objectName(), QStringLiteral("addressBookDialog"));
    auto* search = dialog.findChild<QLineEdit*>(QStringLiteral("addressBookSearch"));
    auto* view = dialog.findChild<QTreeView*>(QStringLiteral("addressBookView"));
    QVERIFY(search && view);
    QCOMPARE(dialog.focusWidget(), search);

    QTest::keyClicks(dialog.focusWidget(), QStringLiteral("recep"));
    QCOMPARE(view->model()->rowCount(), 2);
    press(&dialog, Qt::Key_Down);
    QCOMPARE(dialog.focusWidget(), view);
    QCOMPARE(view->currentIndex().row(), 0);
    press(&dialog, Qt::Key_Down); // the list's own Down: the second match
    QCOMPARE(view->currentIndex().data(AddressBook::TargetRole).toString(), QStringLiteral("[2001:db8::5]:4117"));
    press(&dialog, Qt::Key_Return);
    QCOMPARE(requested.size(), 1); // once: the list and the default button do not both fire
    QCOMPARE(requested.first().first().toString(), QStringLiteral("[2001:db8::5]:4117"));
    QVERIFY(!dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Accepted));

    // Open again: a new look-up (the search empty, every entry shown) with the focus in the search; Enter takes
    // the first match.
    dialog.open();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QCOMPARE(dialog.focusWidget(), search);
    QVERIFY(search->text().isEmpty());
    QCOMPARE(view->model()->rowCount(), 3);
    QTest::keyClicks(dialog.focusWidget(), QStringLiteral("OTHER"));
    QCOMPARE(search->text(), QStringLiteral("OTHER"));
    press(&dialog, Qt::Key_Enter);
    QCOMPARE(requested.size(), 2);
    QCOMPARE(requested.last().first().toString(), QStringLiteral("other.example.org"));

    // Every button has a mnemonic.
    for (const char* name :
         {"addressBookConnect", "addressBookAdd", "addressBookEdit", "addressBookRemove", "addressBookClose"}) {
        auto* button = dialog.findChild<QPushButton*>(QLatin1String(name));
        QVERIFY2(button, name);
        QVERIFY2(button->text().contains(QLatin1Char('&')), name);
    }
    QVERIFY(dialog.findChild<QPushButton*>(QStringLiteral("addressBookConnect"))->isDefault());
}

void TestAddressBook::dialogConnectsToTypedAddress()
{
    AppSettings settings(iniFile());
    AddressBook book(&settings, knownHostsFile());
    QVERIFY(book.addOrUpdate(named(QStringLiteral("Reception"), QStringLiteral("pc1.example.org"))));
    AddressBookDialog dialog(&book);
    QSignalSpy requested(&dialog, &AddressBookDialog::connectRequested);
    dialog.open();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto* connectButton = dialog.findChild<QPushButton*>(QStringLiteral("addressBookConnect"));
    QTest::keyClicks(dialog.focusWidget(), QStringLiteral("no such thing"));
    QVERIFY(!connectButton->isEnabled());
    press(&dialog, Qt::Key_Return);
    QVERIFY(requested.isEmpty());
    QVERIFY(dialog.isVisible());
    auto* search = dialog.findChild<QLineEdit*>(QStringLiteral("addressBookSearch"));
    search->clear();
    QTest::keyClicks(search, QStringLiteral("[2001:DB8::9]:4120"));
    QVERIFY(connectButton->isEnabled());
    press(&dialog, Qt::Key_Return);
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.first().first().toString(), QStringLiteral("[2001:db8::9]:4120"));
}

void TestAddressBook::dialogAddEditRemove()
{
    AppSettings settings(iniFile());
    AddressBook book(&settings, knownHostsFile());
    book.touch(QStringLiteral("recent.example.org"), 4116, at(1));
    AddressBookDialog dialog(&book);
    dialog.open();
    QVERIFY(QTest::qWaitForWindowActive(&dialog));

    // Add… by its mnemonic; the form starts at the address.
    press(&dialog, Qt::Key_A, Qt::AltModifier);
    sra::gui::RemoteEditDialog* form = nullptr;
    QTRY_VERIFY((form = dialog.findChild<sra::gui::RemoteEditDialog*>()) && form->isVisible());
    QVERIFY(QTest::qWaitForWindowActive(form));
    auto* save = form->findChild<QPushButton*>(QStringLiteral("remoteSaveButton"));
    QCOMPARE(form->focusWidget()->objectName(), QStringLiteral("remoteAddressEdit"));
    QTest::keyClicks(form->focusWidget(), QStringLiteral("pc1:99999"));
    QVERIFY(!save->isEnabled());
    QVERIFY(!form->findChild<QLabel*>(QStringLiteral("remoteProblemLabel"))->text().isEmpty());
    press(form, Qt::Key_Backspace);
    QVERIFY(save->isEnabled());
    press(form, Qt::Key_Tab);
    QTest::keyClicks(form->focusWidget(), QStringLiteral("Branch office"));
    press(form, Qt::Key_N, Qt::AltModifier);
    QTest::keyClicks(form->focusWidget(), QStringLiteral("Head office"));
    press(form, Qt::Key_Return);
    QTRY_VERIFY(!dialog.findChild<sra::gui::RemoteEditDialog*>());
    std::optional<SavedRemote> added = book.lookup(QStringLiteral("pc1:9999"));
    QVERIFY(added);
    QCOMPARE(added->name, QStringLiteral("Head office"));
    QCOMPARE(added->note, QStringLiteral("Branch office"));

    // Edit… the entry the dialog selected after saving: it renames, no second entry.
    auto* view = dialog.findChild<QTreeView*>(QStringLiteral("addressBookView"));
    QCOMPARE(view->currentIndex().data(AddressBook::TargetRole).toString(), QStringLiteral("pc1:9999"));
    QVERIFY(activate(&dialog));
    press(&dialog, Qt::Key_E, Qt::AltModifier);
    QTRY_VERIFY((form = dialog.findChild<sra::gui::RemoteEditDialog*>()) && form->isVisible());
    QVERIFY(QTest::qWaitForWindowActive(form));
    QCOMPARE(form->focusWidget()->objectName(), QStringLiteral("remoteNameEdit"));
    press(form, Qt::Key_End);
    QTest::keyClicks(form->focusWidget(), QStringLiteral(" 2"));
    press(form, Qt::Key_Return);
    QTRY_VERIFY(!dialog.findChild<sra::gui::RemoteEditDialog*>());
    QCOMPARE(book.rowCount(), 2);
    QCOMPARE(book.lookup(QStringLiteral("pc1:9999"))->name, QStringLiteral("Head office 2"));

    // Remove asks first; Enter keeps the entry (Cancel is the default), the Remove button removes it.
    QVERIFY(activate(&dialog));
    press(&dialog, Qt::Key_R, Qt::AltModifier);
    QMessageBox* confirm = nullptr;
    QTRY_VERIFY((confirm = dialog.findChild<QMessageBox*>(QStringLiteral("addressBookRemoveConfirm")))
                && confirm->isVisible());
    QVERIFY(confirm->text().contains(QStringLiteral("Head office 2")));
    QVERIFY(QTest::qWaitForWindowActive(confirm));
    press(confirm, Qt::Key_Return);
    QTRY_VERIFY(!dialog.findChild<QMessageBox*>(QStringLiteral("addressBookRemoveConfirm")));
    QCOMPARE(book.rowCount(), 2);
    QVERIFY(activate(&dialog));
    press(&dialog, Qt::Key_R, Qt::AltModifier);
    QTRY_VERIFY((confirm = dialog.findChild<QMessageBox*>(QStringLiteral("addressBookRemoveConfirm")))
                && confirm->isVisible());
    QVERIFY(QTest::qWaitForWindowActive(confirm));
    press(confirm, Qt::Key_R, Qt::AltModifier);
    QTRY_VERIFY(!dialog.findChild<QMessageBox*>(QStringLiteral("addressBookRemoveConfirm")));
    QCOMPARE(book.rowCount(), 1);
    QVERIFY(!book.lookup(QStringLiteral("pc1:9999")));
    QVERIFY(dialog.isVisible());

    // Close by its mnemonic: no connection asked for.
    QVERIFY(activate(&dialog));
    press(&dialog, Qt::Key_O, Qt::AltModifier);
    QTRY_VERIFY(!dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
}

QTEST_MAIN(TestAddressBook)
#include "TestAddressBook.moc"
