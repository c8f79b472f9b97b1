#include "gui/vnc/DirectVncDialog.h"
#include "gui/vnc/VncPasswordStore.h"

#include <QApplication>
#include <QCheckBox>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using sra::gui::DirectVncDialog;
using sra::gui::VncPasswordStore;

// VncPasswordStore and DirectVncDialog against a real Secret Service: a private D-Bus session bus with
// gnome-keyring-daemon (PLATFORM.md "Keychain"), both started here and stopped after, with their files in
// a temporary directory. SRA_VNC_KEYCHAIN=absent runs the no-keychain case instead (a bus address nobody
// listens on), which needs its own process because the bus connection is made once per process.
class TestVncPasswordStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void storeReadDelete();
    void dialogRemembersAndForgets();
    void unavailableKeychainIsSaid();

private:
    bool absentMode() const
    {
        return qEnvironmentVariable("SRA_VNC_KEYCHAIN") == QStringLiteral("absent");
    }

    QTemporaryDir m_dir;
    QProcess m_bus;
    QProcess m_keyring;
};

void TestVncPasswordStore::initTestCase()
{
    QVERIFY(m_dir.isValid());
    if (absentMode()) {
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + QFile::encodeName(m_dir.filePath(QStringLiteral("nobody"))));
        return;
    }
    for (const char* tool : {"dbus-daemon", "gnome-keyring-daemon"}) {
        if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty()) {
            // A missing tool is a broken set-up, not a reason to pass: scripts/deps always installs it.
            QFAIL(
                qPrintable(QStringLiteral("%1 is not installed (scripts/deps installs it)").arg(QLatin1String(tool))));
        }
    }
    const QString address = QStringLiteral("unix:path=") + m_dir.filePath(QStringLiteral("bus"));
    // Our own bus configuration: the stock session one would activate a second gnome-keyring-daemon
    // (without our unlocked login keyring) for the first client that asks before ours is up.
    QFile config(m_dir.filePath(QStringLiteral("bus.conf")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                 " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                 "<busconfig><type>session</type><listen>"
                 + address.toUtf8()
                 + "</listen>"
                   "<auth>EXTERNAL</auth><policy context=\"default\"><allow send_destination=\"*\"/><allow "
                   "receive_sender=\"*\"/>"
                   "<allow own=\"*\"/><allow user=\"*\"/></policy></busconfig>\n");
    config.close();
    m_bus.start(QStringLiteral("dbus-daemon"),
                {QStringLiteral("--config-file=") + config.fileName(),
                 QStringLiteral("--nofork"),
                 QStringLiteral("--nopidfile")});
    QVERIFY(m_bus.waitForStarted(5000));
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(m_dir.filePath(QStringLiteral("bus"))), 5000);
    qputenv("DBUS_SESSION_BUS_ADDRESS", address.toUtf8());

    // The keyring's files and control socket stay in the temporary directory, never in the real home.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), address);
    env.insert(QStringLiteral("HOME"), m_dir.path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_dir.path());
    m_keyring.setProcessEnvironment(env);
    m_keyring.start(
        QStringLiteral("gnome-keyring-daemon"),
        {QStringLiteral("--foreground"), QStringLiteral("--unlock"), QStringLiteral("--components=secrets")});
    QVERIFY(m_keyring.waitForStarted(5000));
    m_keyring.write("login-password");
    m_keyring.closeWriteChannel();

    // Ready once a read gets an answer from the Secret Service (EntryNotFound counts).
    VncPasswordStore probe;
    for (int attempt = 0; attempt < 50 && probe.availability() != VncPasswordStore::Availability::Available;
         ++attempt) {
        QSignalSpy changed(&probe, &VncPasswordStore::availabilityChanged);
        QSignalSpy failed(&probe, &VncPasswordStore::failed);
        probe.checkAvailability();
        QTRY_VERIFY_WITH_TIMEOUT(changed.count() + failed.count() > 0, 10000);
        if (probe.availability() != VncPasswordStore::Availability::Available) {
            QTest::qWait(100);
        }
    }
    QCOMPARE(probe.availability(), VncPasswordStore::Availability::Available);
}

void TestVncPasswordStore::cleanupTestCase()
{
    for (QProcess* process : {&m_keyring, &m_bus}) {
        if (process->state() != QProcess::NotRunning) {
            process->terminate();
            if (!process->waitForFinished(5000)) {
                process->kill();
                process->waitForFinished(2000);
            }
        }
    }
}

void TestVncPasswordStore::storeReadDelete()
{
    if (absentMode()) {
        QSKIP("needs the Secret Service (runs in the other test process)");
    }
    QCOMPARE(VncPasswordStore::keyFor(QStringLiteral(" Host.Example "), 5901), QStringLiteral("vnc:host.example:5901"));
    QCOMPARE(VncPasswordStore::keyFor(QStringLiteral("::1"), 5900), QStringLiteral("vnc:[::1]:5900"));
    VncPasswordStore store;
    QSignalSpy stored(&store, &VncPasswordStore::storeFinished);
    QSignalSpy read(&store, &VncPasswordStore::readFinished);
    QSignalSpy removed(&store, &VncPasswordStore::removeFinished);
    QSignalSpy failed(&store, &VncPasswordStore::failed);

    store.store(QStringLiteral("vnc.example"), 5900, QByteArrayLiteral("p\xc3\xa4ss w0rd"));
    QTRY_VERIFY_WITH_TIMEOUT(stored.count() + failed.count() > 0, 10000);
    QVERIFY2(
        failed.isEmpty(),
        qPrintable(failed.value(0).value(1).toString() + QString::fromLocal8Bit(m_keyring.readAllStandardError())));
    QCOMPARE(stored.count(), 1);
    QCOMPARE(stored.first().first().toString(), QStringLiteral("vnc:vnc.example:5900"));

    store.read(QStringLiteral("VNC.example"), 5900);
    QTRY_COMPARE_WITH_TIMEOUT(read.count(), 1, 10000);
    QCOMPARE(read.first().at(1).toByteArray(), QByteArrayLiteral("p\xc3\xa4ss w0rd"));
    QVERIFY(read.first().at(2).toBool());

    // Another port is another entry.
    store.read(QStringLiteral("vnc.example"), 5901);
    QTRY_COMPARE_WITH_TIMEOUT(read.count(), 2, 10000);
    QVERIFY(!read.at(1).at(2).toBool());

    store.remove(QStringLiteral("vnc.example"), 5900);
    QTRY_COMPARE_WITH_TIMEOUT(removed.count(), 1, 10000);
    store.read(QStringLiteral("vnc.example"), 5900);
    QTRY_COMPARE_WITH_TIMEOUT(read.count(), 3, 10000);
    QVERIFY(!read.at(2).at(2).toBool());
    QVERIFY(read.at(2).at(1).toByteArray().isEmpty());
    QCOMPARE(failed.count(), 0);
}

void TestVncPasswordStore::dialogRemembersAndForgets()
{
    if (absentMode()) {
        QSKIP("needs the Secret Service (runs in the other test process)");
    }
    VncPasswordStore store;
    QSignalSpy stored(&store, &VncPasswordStore::storeFinished);
    QSignalSpy removed(&store, &VncPasswordStore::removeFinished);
    {
        DirectVncDialog dialog(&store);
        dialog.setHost(QStringLiteral("helpdesk-pc"), 5902);
        dialog.findChild<QLineEdit*>(QStringLiteral("password"))->setText(QStringLiteral("secret12"));
        dialog.findChild<QCheckBox*>(QStringLiteral("remember"))->setChecked(true);
        QTRY_VERIFY(dialog.findChild<QCheckBox*>(QStringLiteral("remember"))->isEnabled());
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }
    QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, 10000);

    // Reconnecting: the dialog fills in the remembered password.
    {
        DirectVncDialog dialog(&store);
        dialog.setHost(QStringLiteral("helpdesk-pc"), 5902);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.password(), QByteArrayLiteral("secret12"), 10000);
        QVERIFY(dialog.rememberPassword());
        // Unticking forgets it.
        dialog.findChild<QCheckBox*>(QStringLiteral("remember"))->setChecked(false);
        dialog.accept();
    }
    QTRY_COMPARE_WITH_TIMEOUT(removed.count(), 1, 10000);
    {
        DirectVncDialog dialog(&store);
        QSignalSpy read(&store, &VncPasswordStore::readFinished);
        dialog.setHost(QStringLiteral("helpdesk-pc"), 5902);
        QTRY_COMPARE_WITH_TIMEOUT(read.count(), 1, 10000);
        QVERIFY(dialog.password().isEmpty());
        QVERIFY(!dialog.rememberPassword());
    }
}

void TestVncPasswordStore::unavailableKeychainIsSaid()
{
    if (!absentMode()) {
        QSKIP("runs with SRA_VNC_KEYCHAIN=absent (the other test process)");
    }
    VncPasswordStore store;
    DirectVncDialog dialog(&store);
    auto* remember = dialog.findChild<QCheckBox*>(QStringLiteral("remember"));
    QTRY_COMPARE_WITH_TIMEOUT(store.availability(), VncPasswordStore::Availability::Unavailable, 20000);
    QVERIFY(!remember->isEnabled());
    QVERIFY(!dialog.rememberPassword());
    QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("status"))->text().contains(QStringLiteral("not available")));
    // Nothing is written anywhere: accepting with a password only connects.
    QSignalSpy stored(&store, &VncPasswordStore::storeFinished);
    dialog.setHost(QStringLiteral("somewhere"), 5900);
    dialog.findChild<QLineEdit*>(QStringLiteral("password"))->setText(QStringLiteral("pw"));
    dialog.accept();
    QTest::qWait(200);
    QCOMPARE(stored.count(), 0);
}

QTEST_MAIN(TestVncPasswordStore)
#include "TestVncPasswordStore.moc"
