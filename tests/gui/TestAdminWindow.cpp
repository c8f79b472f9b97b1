// The admin window against the real lab (tests/support/Lab: srad, private pcscd with the soft card, the
// remote's pcscd with the SRA driver), with real widgets on the offscreen platform. Widgets are found by object
// name; every dialog is window-modal and opened with open(), so the test answers it by clicking its buttons
// once it is visible, without nested event loops.
#include "core/session/KnownHosts.h"
#include "core/tls/Fingerprint.h"
#include "gui/AppSettings.h"
#include "gui/MainWindow.h"
#include "gui/PreferencesDialog.h"
#include "gui/vnc/VncView.h"
#include "support/Lab.h"
#include "support/Process.h"

#include <QComboBox>
#include <QDialog>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <memory>
#include <optional>

using sra::test::Lab;
using sra::test::ProcessResult;
using sra::test::runProcess;

namespace {

// The visible widget of type T with this object name, if any (closed dialogs may linger until deleteLater).
template <typename T>
T* visible(QWidget* root, const QString& name)
{
    const QList<T*> all = root->findChildren<T*>(name);
    for (T* widget : all) {
        if (widget->isVisible()) {
            return widget;
        }
    }
    return nullptr;
}

template <typename T>
T* child(QWidget* root, const QString& name)
{
    T* widget = root->findChild<T*>(name);
    if (!widget) {
        qWarning("no %s named %s", T::staticMetaObject.className(), qPrintable(name));
    }
    return widget;
}

// With SRA_GUI_SCREENSHOT_DIR set, saves a picture of `widget` as <dir>/<name>.png (for looking at the states).
void snapshot(QWidget* widget, const QString& name)
{
    const QString dir = QString::fromLocal8Bit(qgetenv("SRA_GUI_SCREENSHOT_DIR"));
    if (!dir.isEmpty() && widget) {
        QVERIFY(widget->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png")));
    }
}

QString labelText(QWidget* root, const QString& name)
{
    auto* label = root->findChild<QLabel*>(name);
    return label ? label->text() : QString();
}

} // namespace

class TestAdminWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void cardPanelShowsTheSoftCard();
    void firstConnectTrustPinAuthenticated();
    void insertAndRemoveCard();
    void relayedPinCheckIsAskedForAndLogged();
    void wrongPinCostsExactlyOneTry();
    void changedFingerprintIsAHardStop();
    void cancelWhileConnecting();
    void screenShareShowsTheRemote();
    void preferencesShowTheLicense();
    void preferencesImportLicense();
    void preferencesRemoveKnownHost();

private:
    QString target() const
    {
        return QStringLiteral("127.0.0.1:") + m_lab->env(QStringLiteral("SRAD_PORT"));
    }

    QString sradFingerprint() const;
    int cardTriesLeft() const;
    bool remoteReaderHasCard() const;
    // Asks the admin's card itself, from another program (opensc-tool through the admin's pcscd): is its PIN
    // verified right now (VERIFY without data answers 9000), so that any program here could use it unlocked?
    std::optional<bool> adminCardPinVerified() const;
    QProcessEnvironment remoteEnvironment() const;
    // Connect bar → (trust) → PIN → Authenticated.
    bool connectAndSignIn(const QString& pin, bool expectTrust);
    void disconnectSession();

    std::unique_ptr<Lab> m_lab;
    QTemporaryDir m_dir;
    std::unique_ptr<sra::gui::AppSettings> m_settings;
    std::unique_ptr<sra::gui::MainWindow> m_window;
};

void TestAdminWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_lab = std::make_unique<Lab>();
    QVERIFY2(m_lab->isUp(), qPrintable(m_lab->error()));
    // Before the first PC/SC call: pcsc-lite reads the socket name once per process.
    qputenv("PCSCLITE_CSOCK_NAME", m_lab->env(QStringLiteral("ADMIN_PCSCLITE_CSOCK_NAME")).toLocal8Bit());
}

void TestAdminWindow::cleanupTestCase()
{
    m_window.reset();
    m_lab.reset();
}

void TestAdminWindow::init()
{
    if (!m_settings) {
        m_settings = std::make_unique<sra::gui::AppSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_settings->setKnownHostsFile(m_dir.filePath(QStringLiteral("known_hosts")));
        m_settings->setSradRoot(m_lab->env(QStringLiteral("SRAD_ROOT")));
    }
    if (!m_window) {
        m_window = std::make_unique<sra::gui::MainWindow>(m_settings.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }
}

void TestAdminWindow::cleanup()
{
    // Each test leaves the window idle for the next.
    if (m_window && m_window->session()) {
        m_window->disconnectFromHost();
        m_window->cancelConnect();
        QTRY_VERIFY(m_window->session() == nullptr);
    }
}

QString TestAdminWindow::sradFingerprint() const
{
    const ProcessResult r = runProcess(
        sra::test::binaryDir() + QStringLiteral("/remote-service/srad"),
        {QStringLiteral("--root"), m_lab->env(QStringLiteral("SRAD_ROOT")), QStringLiteral("--fingerprint")});
    return r.ok() ? QString::fromUtf8(r.out).trimmed() : QString();
}

int TestAdminWindow::cardTriesLeft() const
{
    const ProcessResult r = runProcess(sra::test::binaryDir() + QStringLiteral("/softcard/sra-softcard"),
                                       {QStringLiteral("status"), m_lab->env(QStringLiteral("SOFTCARD_DIR"))});
    const auto m = QRegularExpression(QStringLiteral("pin tries left: (\\d+)")).match(QString::fromUtf8(r.out));
    return m.hasMatch() ? m.captured(1).toInt() : -1;
}

QProcessEnvironment TestAdminWindow::remoteEnvironment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PCSCLITE_CSOCK_NAME"), m_lab->env(QStringLiteral("REMOTE_PCSCLITE_CSOCK_NAME")));
    return env;
}

bool TestAdminWindow::remoteReaderHasCard() const
{
    // The remote's own pcscd, asked by an independent PC/SC client.
    const ProcessResult r = runProcess(QStringLiteral("opensc-tool"), {QStringLiteral("-l")}, remoteEnvironment());
    return QRegularExpression(QStringLiteral("\\bYes\\s+SRA Virtual Card Reader"))
        .match(QString::fromUtf8(r.out))
        .hasMatch();
}

std::optional<bool> TestAdminWindow::adminCardPinVerified() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PCSCLITE_CSOCK_NAME"), m_lab->env(QStringLiteral("ADMIN_PCSCLITE_CSOCK_NAME")));
    const ProcessResult r = runProcess(QStringLiteral("opensc-tool"),
                                       {QStringLiteral("-r"),
                                        m_lab->env(QStringLiteral("LAB_READER")),
                                        QStringLiteral("-s"),
                                        QStringLiteral("00 A4 04 00 09 A0 00 00 03 08 00 00 10 00"),
                                        QStringLiteral("-s"),
                                        QStringLiteral("00 20 00 80")},
                                       env);
    const QString out = QString::fromUtf8(r.out);
    // The second answer is VERIFY's: 90 00 verified, 63 Cx not (x tries left).
    const auto answers =
        QRegularExpression(QStringLiteral("SW1=0x([0-9A-Fa-f]{2}), SW2=0x([0-9A-Fa-f]{2})")).globalMatch(out);
    QStringList sw;
    for (auto it = answers; it.hasNext();) {
        const auto m = it.next();
        sw << m.captured(1) + m.captured(2);
    }
    if (sw.size() != 2 || sw.at(0) != QLatin1String("9000")) {
        qWarning("opensc-tool: %s", qPrintable(out + QString::fromUtf8(r.err)));
        return std::nullopt;
    }
    return sw.at(1) == QLatin1String("9000");
}

bool TestAdminWindow::connectAndSignIn(const QString& pin, bool expectTrust)
{
    auto* combo = child<QComboBox>(m_window.get(), QStringLiteral("hostComboBox"));
    auto* connectButton = child<QPushButton>(m_window.get(), QStringLiteral("connectButton"));
    if (!combo || !connectButton) {
        return false;
    }
    combo->setEditText(target());
    QTest::mouseClick(connectButton, Qt::LeftButton);
    if (expectTrust) {
        QDialog* trust = nullptr;
        if (!QTest::qWaitFor([&] { return (trust = visible<QDialog>(m_window.get(), QStringLiteral("trustDialog"))); },
                             15000)) {
            qWarning("no trust dialog; status: %s", qPrintable(m_window->statusText()));
            return false;
        }
        QTest::mouseClick(child<QPushButton>(trust, QStringLiteral("trustButton")), Qt::LeftButton);
    }
    QDialog* pinDialog = nullptr;
    if (!QTest::qWaitFor([&] { return (pinDialog = visible<QDialog>(m_window.get(), QStringLiteral("pinDialog"))); },
                         15000)) {
        qWarning("no PIN dialog; status: %s", qPrintable(m_window->statusText()));
        return false;
    }
    auto* edit = child<QLineEdit>(pinDialog, QStringLiteral("pinLineEdit"));
    QTest::keyClicks(edit, pin);
    if (edit->text().contains(pin)) {
        qWarning("the PIN is in the line edit's text");
        return false;
    }
    QTest::mouseClick(child<QPushButton>(pinDialog, QStringLiteral("pinOkButton")), Qt::LeftButton);
    return QTest::qWaitFor([&] { return m_window->statusText().startsWith(QStringLiteral("Authenticated")); }, 15000);
}

void TestAdminWindow::disconnectSession()
{
    QTest::mouseClick(child<QPushButton>(m_window.get(), QStringLiteral("disconnectButton")), Qt::LeftButton);
    QTRY_VERIFY(m_window->session() == nullptr);
}

void TestAdminWindow::cardPanelShowsTheSoftCard()
{
    QTRY_VERIFY_WITH_TIMEOUT(!labelText(m_window.get(), QStringLiteral("cardholderLabel")).isEmpty(), 10000);
    auto* certificates = child<QTreeWidget>(m_window.get(), QStringLiteral("certificateTreeWidget"));
    QVERIFY(certificates);
    QVERIFY(certificates->topLevelItemCount() >= 1);

    // The same card as an independent look with sra-card: cardholder and every certificate's fingerprint.
    const ProcessResult r = runProcess(sra::test::binaryDir() + QStringLiteral("/admin-cli/sra-card"),
                                       {QStringLiteral("list")},
                                       m_lab->clientEnvironment());
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    const QString listing = QString::fromUtf8(r.out);
    QVERIFY2(
        listing.contains(QStringLiteral("Cardholder: ") + labelText(m_window.get(), QStringLiteral("cardholderLabel"))),
        qPrintable(listing));
    QStringList expected;
    auto it = QRegularExpression(QStringLiteral("SHA-256: ([0-9A-F:]+)")).globalMatch(listing);
    while (it.hasNext()) {
        expected.append(it.next().captured(1));
    }
    QStringList shown;
    for (int i = 0; i < certificates->topLevelItemCount(); ++i) {
        shown.append(certificates->topLevelItem(i)->text(3));
    }
    QCOMPARE(shown, expected);
    // What is on screen: the selected certificate's fingerprint below the list, in two halves.
    auto* details = child<QLabel>(m_window.get(), QStringLiteral("certificateDetailsLabel"));
    for (int i = 0; i < certificates->topLevelItemCount(); ++i) {
        certificates->setCurrentItem(certificates->topLevelItem(i));
        const QStringList lines = details->text().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines.at(2) + lines.at(3), expected.at(i));
        QCOMPARE(lines.at(0), certificates->topLevelItem(i)->text(1));
    }
    certificates->setCurrentItem(certificates->topLevelItem(0));
    QVERIFY(certificates->topLevelItem(0)->text(0).startsWith(QStringLiteral("9A")));
    QVERIFY(labelText(m_window.get(), QStringLiteral("pinTriesLabel")).contains(QLatin1String("3")));
    QVERIFY(labelText(m_window.get(), QStringLiteral("cardStatusLabel"))
                .contains(m_lab->env(QStringLiteral("LAB_READER"))));
    snapshot(m_window.get(), QStringLiteral("card-present"));
}

void TestAdminWindow::firstConnectTrustPinAuthenticated()
{
    const QString fingerprint = sradFingerprint();
    QVERIFY(!fingerprint.isEmpty());
    QVERIFY(!QFile::exists(m_settings->knownHostsFile()));

    auto* combo = child<QComboBox>(m_window.get(), QStringLiteral("hostComboBox"));
    combo->setEditText(target());
    QTest::mouseClick(child<QPushButton>(m_window.get(), QStringLiteral("connectButton")), Qt::LeftButton);
    QDialog* trust = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((trust = visible<QDialog>(m_window.get(), QStringLiteral("trustDialog"))), 15000);
    QCOMPARE(labelText(trust, QStringLiteral("fingerprintLabel")), fingerprint);
    QVERIFY(labelText(trust, QStringLiteral("trustHowToLabel")).contains(QLatin1String("srad --fingerprint")));
    QVERIFY(trust->isModal() || trust->windowModality() != Qt::NonModal);
    snapshot(m_window.get(), QStringLiteral("connecting"));
    snapshot(trust, QStringLiteral("trust-dialog"));
    QTest::mouseClick(child<QPushButton>(trust, QStringLiteral("trustButton")), Qt::LeftButton);

    QDialog* pinDialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((pinDialog = visible<QDialog>(m_window.get(), QStringLiteral("pinDialog"))), 15000);
    QVERIFY(labelText(pinDialog, QStringLiteral("triesLabel")).contains(QLatin1String("3")));
    auto* edit = child<QLineEdit>(pinDialog, QStringLiteral("pinLineEdit"));
    QCOMPARE(edit->echoMode(), QLineEdit::Password);
    auto* ok = child<QPushButton>(pinDialog, QStringLiteral("pinOkButton"));
    const QString pin = m_lab->env(QStringLiteral("SOFTCARD_PIN"));
    QTest::keyClicks(edit, pin.left(3));
    QVERIFY(!ok->isEnabled()); // too short to be a PIN: not even sent to the card
    QTest::keyClicks(edit, pin.mid(3));
    QVERIFY(ok->isEnabled());
    QVERIFY(!edit->text().contains(pin)); // only filler characters in the widget
    snapshot(pinDialog, QStringLiteral("pin-dialog"));
    QCOMPARE(edit->text().size(), pin.size());
    QTest::mouseClick(ok, Qt::LeftButton);
    QCOMPARE(edit->text(), QString()); // handed over and wiped at once

    QTRY_VERIFY2_WITH_TIMEOUT(m_window->statusText().startsWith(QStringLiteral("Authenticated to 127.0.0.1")),
                              qPrintable(m_window->statusText()),
                              15000);
    QVERIFY(m_window->statusText().contains(m_lab->env(QStringLiteral("SRAD_ACCOUNT"))));
    QVERIFY(child<QPushButton>(m_window.get(), QStringLiteral("disconnectButton"))->isEnabled());
    QVERIFY(child<QPushButton>(m_window.get(), QStringLiteral("insertCardButton"))->isEnabled());
    QVERIFY(child<QPushButton>(m_window.get(), QStringLiteral("screenShareButton"))->isEnabled());
    QVERIFY(!child<QWidget>(m_window.get(), QStringLiteral("cancelConnectButton"))->isVisible());
    snapshot(m_window.get(), QStringLiteral("authenticated"));

    // Remembered: the known host (with the fingerprint compared above) and the history of the connect bar.
    sra::core::KnownHosts known(m_settings->knownHostsFile());
    QVERIFY(known.load());
    const auto stored = known.find(QStringLiteral("127.0.0.1"), m_lab->env(QStringLiteral("SRAD_PORT")).toUShort());
    QVERIFY(stored);
    QCOMPARE(sra::core::formatFingerprint(*stored), fingerprint);
    QCOMPARE(m_settings->hostHistory().value(0), target());
    QVERIFY(combo->findText(target()) >= 0);

    disconnectSession();
    QVERIFY2(m_window->statusText().startsWith(QStringLiteral("Disconnected")), qPrintable(m_window->statusText()));
}

void TestAdminWindow::insertAndRemoveCard()
{
    m_settings->setRelayApproval(sra::gui::AppSettings::Approval::Ask);
    QVERIFY(!remoteReaderHasCard());
    QVERIFY(connectAndSignIn(m_lab->env(QStringLiteral("SOFTCARD_PIN")), false));
    auto* insert = child<QPushButton>(m_window.get(), QStringLiteral("insertCardButton"));
    auto* remove = child<QPushButton>(m_window.get(), QStringLiteral("removeCardButton"));
    QVERIFY(!remove->isEnabled());
    QTest::mouseClick(insert, Qt::LeftButton);
    // The card is read on its worker thread: the status follows when it is done.
    QTRY_VERIFY2_WITH_TIMEOUT(
        m_window->statusText().startsWith(QStringLiteral("Card inserted")), qPrintable(m_window->statusText()), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(remoteReaderHasCard(), 10000);
    QVERIFY(remove->isEnabled());
    QVERIFY(!insert->isEnabled());
    // srad says which account the card logs in as there (or why none), and the window shows it.
    QTRY_VERIFY2_WITH_TIMEOUT(
        m_window->statusText().contains(QStringLiteral("logs in as")), qPrintable(m_window->statusText()), 10000);
    qInfo("after Insert card: %s", qPrintable(m_window->statusText()));

    QTest::mouseClick(remove, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!remoteReaderHasCard(), 10000);
    QVERIFY(insert->isEnabled());
    disconnectSession();
}

void TestAdminWindow::relayedPinCheckIsAskedForAndLogged()
{
    m_settings->setRelayApproval(sra::gui::AppSettings::Approval::Ask);
    QVERIFY(connectAndSignIn(m_lab->env(QStringLiteral("SOFTCARD_PIN")), false));
    // Signed in, the card is not left unlocked for other programs on this machine (issue 19).
    QTRY_COMPARE_WITH_TIMEOUT(adminCardPinVerified(), std::optional<bool>(false), 5000);
    QTest::mouseClick(child<QPushButton>(m_window.get(), QStringLiteral("insertCardButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(remoteReaderHasCard(), 10000);
    const int before = cardTriesLeft();

    // A program on the remote checks the PIN through OpenSC and the remote's pcscd; it waits for our answer.
    QProcess remote;
    remote.setProcessEnvironment(remoteEnvironment());
    remote.start(QStringLiteral("pkcs11-tool"),
                 {QStringLiteral("--module"),
                  QStringLiteral("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"),
                  QStringLiteral("--login"),
                  QStringLiteral("--pin"),
                  m_lab->env(QStringLiteral("SOFTCARD_PIN")),
                  QStringLiteral("--list-objects"),
                  QStringLiteral("--type"),
                  QStringLiteral("privkey")});
    QVERIFY(remote.waitForStarted());
    QDialog* approval = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((approval = visible<QDialog>(m_window.get(), QStringLiteral("approvalDialog"))), 20000);
    // The requester is the process that holds the local channel: here the remote's pcscd (the SRA driver runs
    // inside it), named from its peer credentials.
    const QString question = labelText(approval, QStringLiteral("approvalTextLabel"));
    QVERIFY2(question.contains(QLatin1String("PIN check")) && question.contains(QLatin1String("pcscd")),
             qPrintable(question));
    snapshot(approval, QStringLiteral("approval-dialog"));
    QTest::mouseClick(child<QPushButton>(approval, QStringLiteral("allowOnceButton")), Qt::LeftButton);

    auto* log = child<QTreeWidget>(m_window.get(), QStringLiteral("relayLogTreeWidget"));
    QTRY_VERIFY_WITH_TIMEOUT(log->topLevelItemCount() >= 1, 10000);
    QTreeWidgetItem* entry = log->topLevelItem(log->topLevelItemCount() - 1);
    QCOMPARE(entry->text(2), QStringLiteral("PIN check"));
    QVERIFY2(entry->text(1).contains(QLatin1String("pcscd")) && question.contains(entry->text(1)),
             qPrintable(entry->text(1)));
    QCOMPARE(entry->text(3), QStringLiteral("done"));
    QVERIFY(!entry->text(0).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(remote.state() == QProcess::NotRunning, 20000);
    snapshot(m_window.get(), QStringLiteral("card-inserted-relay-log"));
    QCOMPARE(cardTriesLeft(), before); // a right PIN: the counter is full again
    // The remote's VERIFY holds for its signatures while the card is inserted there ("PIN once")...
    QCOMPARE(adminCardPinVerified(), std::optional<bool>(true));

    QTest::mouseClick(child<QPushButton>(m_window.get(), QStringLiteral("removeCardButton")), Qt::LeftButton);
    // ...and no longer once it has left: nothing on this machine finds the card unlocked.
    QTRY_COMPARE_WITH_TIMEOUT(adminCardPinVerified(), std::optional<bool>(false), 5000);
    disconnectSession();
}

void TestAdminWindow::wrongPinCostsExactlyOneTry()
{
    const int before = cardTriesLeft();
    QVERIFY(before >= 2);
    auto* combo = child<QComboBox>(m_window.get(), QStringLiteral("hostComboBox"));
    combo->setEditText(target());
    QTest::mouseClick(child<QPushButton>(m_window.get(), QStringLiteral("connectButton")), Qt::LeftButton);
    QDialog* first = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((first = visible<QDialog>(m_window.get(), QStringLiteral("pinDialog"))), 15000);
    QVERIFY(!visible<QDialog>(m_window.get(), QStringLiteral("trustDialog"))); // known host: no question
    const QString wrong = m_lab->env(QStringLiteral("SOFTCARD_PIN")) == QStringLiteral("999999")
                              ? QStringLiteral("888888")
                              : QStringLiteral("999999");
    QTest::keyClicks(child<QLineEdit>(first, QStringLiteral("pinLineEdit")), wrong);
    QTest::mouseClick(child<QPushButton>(first, QStringLiteral("pinOkButton")), Qt::LeftButton);

    QDialog* second = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (second = visible<QDialog>(m_window.get(), QStringLiteral("pinDialog"))) && second != first, 15000);
    QVERIFY2(labelText(second, QStringLiteral("triesLabel")).contains(QString::number(before - 1)),
             qPrintable(labelText(second, QStringLiteral("triesLabel"))));
    QVERIFY(!labelText(second, QStringLiteral("pinReasonLabel")).isEmpty());
    QCOMPARE(cardTriesLeft(), before - 1); // exactly one try spent
    snapshot(second, QStringLiteral("pin-dialog-wrong-pin"));
    QVERIFY(labelText(m_window.get(), QStringLiteral("pinTriesLabel")).contains(QString::number(before - 1)));

    // The right PIN then signs in and gives the card its tries back.
    QTest::keyClicks(child<QLineEdit>(second, QStringLiteral("pinLineEdit")),
                     m_lab->env(QStringLiteral("SOFTCARD_PIN")));
    QTest::mouseClick(child<QPushButton>(second, QStringLiteral("pinOkButton")), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(
        m_window->statusText().startsWith(QStringLiteral("Authenticated")), qPrintable(m_window->statusText()), 15000);
    QCOMPARE(cardTriesLeft(), before);
    disconnectSession();
}

void TestAdminWindow::changedFingerprintIsAHardStop()
{
    const quint16 port = m_lab->env(QStringLiteral("SRAD_PORT")).toUShort();
    sra::core::KnownHosts known(m_settings->knownHostsFile());
    QVERIFY(known.load());
    const QByteArray real = known.find(QStringLiteral("127.0.0.1"), port).value_or(QByteArray());
    QCOMPARE(real.size(), 32);
    const QByteArray other = QByteArray(32, '\x5A');
    known.set(QStringLiteral("127.0.0.1"), port, other);
    QVERIFY(known.save());

    const int before = cardTriesLeft();
    auto* combo = child<QComboBox>(m_window.get(), QStringLiteral("hostComboBox"));
    combo->setEditText(target());
    QTest::mouseClick(child<QPushButton>(m_window.get(), QStringLiteral("connectButton")), Qt::LeftButton);
    QDialog* stop = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((stop = visible<QDialog>(m_window.get(), QStringLiteral("hostKeyChangedDialog"))), 15000);
    QCOMPARE(labelText(stop, QStringLiteral("knownFingerprintLabel")), sra::core::formatFingerprint(other));
    QCOMPARE(labelText(stop, QStringLiteral("presentedFingerprintLabel")), sradFingerprint());
    QVERIFY(labelText(stop, QStringLiteral("hostKeyExplanationLabel")).contains(QLatin1String("intercepting")));
    QVERIFY(labelText(stop, QStringLiteral("hostKeyFixLabel")).contains(QLatin1String("srad --fingerprint")));
    // No way on: the session is gone, no PIN was asked, no trust question, and the stored identity is unchanged.
    QTRY_VERIFY(m_window->session() == nullptr);
    QVERIFY(!visible<QDialog>(m_window.get(), QStringLiteral("pinDialog")));
    QVERIFY(!visible<QDialog>(m_window.get(), QStringLiteral("trustDialog")));
    QVERIFY(m_window->statusText().contains(QLatin1String("changed"))
            || m_window->statusText().contains(QLatin1String("identity")));
    QCOMPARE(cardTriesLeft(), before);
    QVERIFY(stop->findChildren<QPushButton*>().size() == 1); // Close only
    snapshot(stop, QStringLiteral("host-key-changed"));
    QTest::mouseClick(child<QPushButton>(stop, QStringLiteral("hostKeyCloseButton")), Qt::LeftButton);
    QTRY_VERIFY(!visible<QDialog>(m_window.get(), QStringLiteral("hostKeyChangedDialog")));
    sra::core::KnownHosts after(m_settings->knownHostsFile());
    QVERIFY(after.load());
    QCOMPARE(after.find(QStringLiteral("127.0.0.1"), port).value_or(QByteArray()), other);

    known.set(QStringLiteral("127.0.0.1"), port, real);
    QVERIFY(known.save());
}

void TestAdminWindow::cancelWhileConnecting()
{
    // A listener that accepts and then never says anything: the TLS handshake waits forever.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    QList<QTcpSocket*> accepted;
    connect(&silent, &QTcpServer::newConnection, this, [&] { accepted.append(silent.nextPendingConnection()); });

    auto* combo = child<QComboBox>(m_window.get(), QStringLiteral("hostComboBox"));
    combo->setEditText(QStringLiteral("127.0.0.1:%1").arg(silent.serverPort()));
    QTest::mouseClick(child<QPushButton>(m_window.get(), QStringLiteral("connectButton")), Qt::LeftButton);
    auto* cancel = child<QPushButton>(m_window.get(), QStringLiteral("cancelConnectButton"));
    QTRY_VERIFY(cancel->isVisible());
    QVERIFY(child<QWidget>(m_window.get(), QStringLiteral("connectProgressBar"))->isVisible());
    QTRY_VERIFY(!accepted.isEmpty());
    QVERIFY(m_window->session());
    QCOMPARE(m_window->session()->state(), sra::core::AdminSession::State::Connecting);
    QVERIFY(!child<QPushButton>(m_window.get(), QStringLiteral("connectButton"))->isEnabled());

    QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_VERIFY(m_window->session() == nullptr);
    QVERIFY2(m_window->statusText().contains(QLatin1String("cancelled")), qPrintable(m_window->statusText()));
    QVERIFY(!cancel->isVisible());
    QVERIFY(child<QPushButton>(m_window.get(), QStringLiteral("connectButton"))->isEnabled());
    QVERIFY(child<QComboBox>(m_window.get(), QStringLiteral("hostComboBox"))->isEnabled());
    // Cancelling closed our side of the connection.
    QTRY_COMPARE(accepted.first()->state(), QAbstractSocket::UnconnectedState);
}

namespace {
// The lab's test screen: red, green, blue and white quadrants (tests/support/test-screen).
bool showsTheTestScreen(const QImage& image)
{
    if (image.width() < 4 || image.height() < 4) {
        return false;
    }
    const int w = image.width();
    const int h = image.height();
    const auto rgb = [&](int x, int y) { return image.pixel(x, y) & 0xffffffu; };
    return rgb(w / 4, h / 4) == 0xff0000u && rgb(3 * w / 4, h / 4) == 0x00ff00u && rgb(w / 4, 3 * h / 4) == 0x0000ffu
           && rgb(3 * w / 4, 3 * h / 4) == 0xffffffu;
}
} // namespace

void TestAdminWindow::screenShareShowsTheRemote()
{
    QVERIFY(connectAndSignIn(m_lab->env(QStringLiteral("SOFTCARD_PIN")), false));
    auto* share = child<QPushButton>(m_window.get(), QStringLiteral("screenShareButton"));
    QVERIFY(share->isEnabled());
    QTest::mouseClick(share, Qt::LeftButton);

    // Through srad's one-time VNC server and the ticketed TLS stream, into the embedded view.
    sra::gui::VncView* view = nullptr;
    QTRY_VERIFY2_WITH_TIMEOUT((view = m_window->findChild<sra::gui::VncView*>(QStringLiteral("remoteView")))
                                  && view->state() == sra::gui::VncView::State::Connected,
                              qPrintable(m_window->statusText()),
                              20000);
    QCOMPARE(m_window->remoteViewArea()->currentWidget(), view);
    QVERIFY(!share->isEnabled()); // one screen per session at a time
    // x11vnc's first update can be black: the picture settles within a few seconds.
    QTRY_VERIFY_WITH_TIMEOUT(showsTheTestScreen(view->framebuffer()), 15000);
    QCOMPARE(view->frameSize(), QSize(1024, 768));
    snapshot(m_window.get(), QStringLiteral("screen-share"));

    // Input reaches the remote: a typed string and Ctrl-Alt-Del, as the test screen recorded them (X keysyms).
    QFile log(m_lab->env(QStringLiteral("LAB_SCREEN_INPUT_LOG")));
    const auto logged = [&log] {
        if (!log.open(QIODevice::ReadOnly)) {
            return QByteArray();
        }
        const QByteArray text = log.readAll();
        log.close();
        return text;
    };
    const qsizetype start = logged().size();
    view->setFocus();
    QTest::keyClicks(view, QStringLiteral("sra"));
    view->sendCtrlAltDel();
    QTRY_VERIFY_WITH_TIMEOUT(logged().mid(start).contains("press keysym=0xffff text=%7F mods=ctrl,alt")
                                 || logged().mid(start).contains("press keysym=0xffff text= mods=ctrl,alt"),
                             10000);
    const QByteArray typed = logged().mid(start);
    QVERIFY2(typed.indexOf("press keysym=0x73 ") < typed.indexOf("press keysym=0x72 ")
                 && typed.indexOf("press keysym=0x72 ") < typed.indexOf("press keysym=0x61 ")
                 && typed.indexOf("press keysym=0x73 ") >= 0,
             typed.constData());

    // Disconnecting ends the view and srad's VNC server.
    disconnectSession();
    QTRY_COMPARE_WITH_TIMEOUT(m_window->remoteViewArea()->currentIndex(), 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_lab->vncServerPids().isEmpty(), 10000);
}

void TestAdminWindow::preferencesShowTheLicense()
{
    m_window->openPreferences();
    QDialog* preferences = nullptr;
    QTRY_VERIFY((preferences = visible<QDialog>(m_window.get(), QStringLiteral("preferencesDialog"))));
    QCOMPARE(labelText(preferences, QStringLiteral("licenseVerdictLabel")), QStringLiteral("Valid"));
    QVERIFY(!labelText(preferences, QStringLiteral("licenseeLabel")).isEmpty());
    QVERIFY(!labelText(preferences, QStringLiteral("licenseExpiryLabel")).isEmpty());
    QVERIFY(
        labelText(preferences, QStringLiteral("licenseFileLabel")).startsWith(m_lab->env(QStringLiteral("SRAD_ROOT"))));
    snapshot(preferences, QStringLiteral("preferences-license-valid"));
    preferences->reject();

    // A machine without a license: not valid, and the reason with the fix.
    QTemporaryDir emptyRoot;
    m_settings->setSradRoot(emptyRoot.path());
    m_window->openPreferences();
    QTRY_VERIFY((preferences = visible<QDialog>(m_window.get(), QStringLiteral("preferencesDialog"))));
    QCOMPARE(labelText(preferences, QStringLiteral("licenseVerdictLabel")), QStringLiteral("Not valid"));
    QVERIFY2(labelText(preferences, QStringLiteral("licenseStatusLabel")).contains(QLatin1String("no license")),
             qPrintable(labelText(preferences, QStringLiteral("licenseStatusLabel"))));
    QVERIFY(labelText(preferences, QStringLiteral("licenseeLabel")).isEmpty());
    snapshot(preferences, QStringLiteral("preferences-license-missing"));
    preferences->reject();
    m_settings->setSradRoot(m_lab->env(QStringLiteral("SRAD_ROOT")));
}

void TestAdminWindow::preferencesImportLicense()
{
    QTemporaryDir root;
    m_settings->setSradRoot(root.path());
    auto* preferences = new sra::gui::PreferencesDialog(m_settings.get(), m_window.get());
    preferences->setAttribute(Qt::WA_DeleteOnClose);
    preferences->open();
    QCOMPARE(preferences->licenseStatus().code, sra::core::LicenseStatus::Missing);

    // Not a license: refused with the reason, nothing installed.
    const QString junk = root.filePath(QStringLiteral("junk.sralic"));
    QFile junkFile(junk);
    QVERIFY(junkFile.open(QIODevice::WriteOnly));
    junkFile.write("not a license\n");
    junkFile.close();
    QVERIFY(!preferences->importLicenseFile(junk));
    QVERIFY(labelText(preferences, QStringLiteral("licenseImportResultLabel"))
                .contains(QLatin1String("was not installed")));
    QCOMPARE(preferences->licenseStatus().code, sra::core::LicenseStatus::Missing);

    // The lab's license file, as sra-setup license install would take it.
    QVERIFY(preferences->importLicenseFile(m_lab->dir() + QStringLiteral("/lab-license.sralic")));
    QCOMPARE(preferences->licenseStatus().code, sra::core::LicenseStatus::Valid);
    QCOMPARE(labelText(preferences, QStringLiteral("licenseVerdictLabel")), QStringLiteral("Valid"));
    QVERIFY(QFile::exists(root.filePath(QStringLiteral("etc/secure-remote-access/license.sralic"))));
    preferences->reject();
    m_settings->setSradRoot(m_lab->env(QStringLiteral("SRAD_ROOT")));
}

void TestAdminWindow::preferencesRemoveKnownHost()
{
    m_window->openPreferences();
    QDialog* preferences = nullptr;
    QTRY_VERIFY((preferences = visible<QDialog>(m_window.get(), QStringLiteral("preferencesDialog"))));
    auto* hosts = child<QTreeWidget>(preferences, QStringLiteral("knownHostsTreeWidget"));
    QCOMPARE(hosts->topLevelItemCount(), 1);
    QCOMPARE(hosts->topLevelItem(0)->text(0), QStringLiteral("127.0.0.1"));
    QCOMPARE(hosts->topLevelItem(0)->text(1), m_lab->env(QStringLiteral("SRAD_PORT")));
    QCOMPARE(hosts->topLevelItem(0)->text(2), sradFingerprint());
    auto* remove = child<QPushButton>(preferences, QStringLiteral("removeKnownHostButton"));
    QVERIFY(!remove->isEnabled());
    hosts->setCurrentItem(hosts->topLevelItem(0));
    QVERIFY(remove->isEnabled());
    QTest::mouseClick(remove, Qt::LeftButton);
    QCOMPARE(hosts->topLevelItemCount(), 0);
    sra::core::KnownHosts known(m_settings->knownHostsFile());
    QVERIFY(known.load());
    QVERIFY(known.entries().isEmpty());

    // The relay policy and language are saved with OK.
    auto* slot9c = child<QWidget>(preferences, QStringLiteral("slot9CCheckBox"));
    QVERIFY(slot9c);
    preferences->accept();
}

QTEST_MAIN(TestAdminWindow)
#include "TestAdminWindow.moc"
