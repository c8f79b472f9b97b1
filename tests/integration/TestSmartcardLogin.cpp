// Logging in on the remote with the relayed card, end to end: `sra-setup smartcard-login enable` puts
// pam_pkcs11 into a PAM service of this test's own (/etc/pam.d/sra-test-<random>, removed afterwards), the
// admin inserts the lab's soft card with sra-connect, and pamtester authenticates against that service —
// pam_pkcs11 loads our PKCS#11 module (or OpenSC's over our virtual reader), srad relays the PIN check and the
// signature to the admin, whose card does them. Everything else lives in the lab's directory.
#include "core/config/SradConfig.h"
#include "support/Lab.h"
#include "support/Process.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <functional>

using sra::test::Lab;
using sra::test::ProcessResult;
using sra::test::runProcess;

namespace {
const QString kPamDir = QStringLiteral("/etc/pam.d");

QString setupTool()
{
    return sra::test::binaryDir() + QStringLiteral("/setup-tool/sra-setup");
}

ProcessResult sraSetup(const Lab& lab, QStringList args)
{
    args.prepend(lab.env(QStringLiteral("SRAD_ROOT")));
    args.prepend(QStringLiteral("--root"));
    return runProcess(setupTool(), args);
}

int triesLeft(const Lab& lab)
{
    const ProcessResult r = runProcess(lab.env(QStringLiteral("SOFTCARD_BIN")),
                                       {QStringLiteral("status"), lab.env(QStringLiteral("SOFTCARD_DIR"))});
    const auto m = QRegularExpression(QStringLiteral("pin tries left: (\\d+)")).match(QString::fromUtf8(r.out));
    return m.hasMatch() ? m.captured(1).toInt() : -1;
}

QByteArray sradLog(const Lab& lab)
{
    QFile f(lab.dir() + QStringLiteral("/srad.log"));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The test's own PAM service in /etc/pam.d: a password stack that always refuses, so only the card can
// authenticate. The destructor takes smart-card login out again and removes the file, whatever happened.
class TestService
{
public:
    explicit TestService(const Lab& lab)
        : m_lab(lab)
        , m_name(QStringLiteral("sra-test-%1").arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0')))
    {
        QFile f(file());
        m_ok = f.open(QIODevice::WriteOnly | QIODevice::NewOnly)
               && f.write("# sra integration test (TestSmartcardLogin); removed by the test\n"
                          "auth\trequired\tpam_deny.so\naccount\trequired\tpam_permit.so\n")
                      > 0;
    }

    ~TestService()
    {
        sraSetup(m_lab,
                 {QStringLiteral("smartcard-login"),
                  QStringLiteral("disable"),
                  QStringLiteral("--pam-dir"),
                  kPamDir,
                  QStringLiteral("--service"),
                  m_name});
        QFile::remove(file());
    }

    bool ok() const
    {
        return m_ok;
    }

    QString name() const
    {
        return m_name;
    }

    QString file() const
    {
        return kPamDir + QLatin1Char('/') + m_name;
    }

    ProcessResult enable(const QString& backend) const
    {
        QStringList args{QStringLiteral("smartcard-login"),
                         QStringLiteral("enable"),
                         QStringLiteral("--pam-dir"),
                         kPamDir,
                         QStringLiteral("--service"),
                         m_name,
                         QStringLiteral("--backend"),
                         backend};
        if (backend == QLatin1String("sra")) {
            args << QStringLiteral("--pkcs11-module") << m_lab.env(QStringLiteral("SRA_PKCS11_MODULE"));
        }
        return sraSetup(m_lab, args);
    }

    // pamtester SERVICE ACCOUNT authenticate with the PIN on its standard input; `ms` is how long it took.
    ProcessResult
    authenticate(const QString& account, const QByteArray& pin, const QString& backend, qint64* ms = nullptr) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        // Our module finds srad's socket here (the lab's, not /run/secure-remote-access); OpenSC finds the
        // remote's pcscd, whose virtual reader shows the relayed card.
        env.insert(QStringLiteral("SRA_LOCAL_SOCKET"), m_lab.env(QStringLiteral("SRAD_LOCAL_SOCKET")));
        if (backend == QLatin1String("opensc")) {
            env.insert(QStringLiteral("PCSCLITE_CSOCK_NAME"), m_lab.env(QStringLiteral("REMOTE_PCSCLITE_CSOCK_NAME")));
        }
        QElapsedTimer t;
        t.start();
        ProcessResult r = runProcess(
            QStringLiteral("pamtester"), {m_name, account, QStringLiteral("authenticate")}, env, pin + '\n', 30000);
        if (ms) {
            *ms = t.elapsed();
        }
        return r;
    }

private:
    const Lab& m_lab;
    QString m_name;
    bool m_ok = false;
};

// sra-connect --insert-card --approve session, with its output collected (stdout and the audit lines).
class Admin
{
public:
    explicit Admin(const Lab& lab)
        : m_lab(lab)
    {}

    ~Admin()
    {
        stop();
    }

    bool start()
    {
        m_out.clear();
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.setProcessEnvironment(m_lab.clientEnvironment());
        m_process.start(sra::test::binaryDir() + QStringLiteral("/admin-cli/sra-connect"),
                        {QStringLiteral("127.0.0.1:") + m_lab.env(QStringLiteral("SRAD_PORT")),
                         QStringLiteral("--known-hosts"),
                         m_lab.dir() + QStringLiteral("/kh"),
                         QStringLiteral("--accept-new"),
                         QStringLiteral("--pin-fd"),
                         QStringLiteral("0"),
                         QStringLiteral("--insert-card"),
                         QStringLiteral("--approve"),
                         QStringLiteral("session")});
        if (!m_process.waitForStarted()) {
            return false;
        }
        m_process.write(m_lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8() + '\n');
        return waitFor("The card logs in", 20000);
    }

    bool waitFor(const QByteArray& text, int ms)
    {
        QElapsedTimer t;
        t.start();
        while (!output().contains(text) && t.elapsed() < ms && m_process.state() == QProcess::Running) {
            m_process.waitForReadyRead(100);
        }
        return output().contains(text);
    }

    QByteArray output()
    {
        m_out += m_process.readAll();
        return m_out;
    }

    void signal(int sig)
    {
        ::kill(static_cast<pid_t>(m_process.processId()), sig);
    }

    void stop()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(10000)) {
                m_process.kill();
                m_process.waitForFinished(5000);
            }
        }
    }

private:
    const Lab& m_lab;
    QProcess m_process;
    QByteArray m_out;
};

// Changes srad.conf and restarts the lab's srad (the admin has to connect again).
bool configureSrad(Lab& lab, const std::function<void(sra::core::SradConfig&)>& change)
{
    sra::core::SradPaths paths;
    paths.root = lab.env(QStringLiteral("SRAD_ROOT"));
    sra::core::SradConfig config;
    QString error;
    if (!sra::core::SradConfig::load(paths, {}, config, error)) {
        qWarning() << error;
        return false;
    }
    change(config);
    if (!config.save({}, error)) {
        qWarning() << error;
        return false;
    }
    return lab.runLab(QStringLiteral("srad-stop")).ok() && lab.runLab(QStringLiteral("srad-start")).ok();
}

// Every file of a directory tree with its bytes and mode, for a byte-for-byte comparison.
QMap<QString, QByteArray> snapshot(const QString& dir)
{
    QMap<QString, QByteArray> files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        files.insert(QDir(dir).relativeFilePath(path),
                     QByteArray::number(static_cast<int>(f.permissions()), 16) + ':' + f.readAll());
    }
    return files;
}
} // namespace

class TestSmartcardLogin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void enableDisableRestoresBytes();
    void rsaCardLogsIn();
    void removalPolicyAndDroppedAdmin();
    void eccCardLogsInBothPaths();
};

void TestSmartcardLogin::initTestCase()
{
    if (QStandardPaths::findExecutable(QStringLiteral("pamtester")).isEmpty()
        || !QFile::exists(QStringLiteral("/lib/x86_64-linux-gnu/security/pam_pkcs11.so"))) {
        QFAIL("pamtester and libpam-pkcs11 are needed: run scripts/deps");
    }
}

// enable on a copy of the real /etc/pam.d (the default services, then su by name), then disable: every file is back
// byte for byte and with its mode, and nothing is left over.
void TestSmartcardLogin::enableDisableRestoresBytes()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString copy = dir.filePath(QStringLiteral("pam.d"));
    QVERIFY(runProcess(QStringLiteral("cp"), {QStringLiteral("-a"), kPamDir, copy}).ok());
    const auto before = snapshot(kPamDir);
    QCOMPARE(snapshot(copy), before);
    const QString root = dir.filePath(QStringLiteral("root"));
    QVERIFY(QDir().mkpath(root));
    const QString module = sra::test::binaryDir() + QStringLiteral("/ctk/libsra-pkcs11.so");
    const QStringList common{QStringLiteral("--root"), root, QStringLiteral("smartcard-login")};

    const ProcessResult enable = runProcess(setupTool(),
                                            common
                                                + QStringList{QStringLiteral("enable"),
                                                              QStringLiteral("--pam-dir"),
                                                              copy,
                                                              QStringLiteral("--pkcs11-module"),
                                                              module});
    QVERIFY2(enable.ok(), qPrintable(enable.describe()));
    QVERIFY(enable.out.contains("login: accepts the card now"));
    QVERIFY(!enable.out.contains("sudo")); // sudo only when asked
    const ProcessResult sudo = runProcess(setupTool(),
                                          common
                                              + QStringList{QStringLiteral("enable"),
                                                            QStringLiteral("--pam-dir"),
                                                            copy,
                                                            QStringLiteral("--pkcs11-module"),
                                                            module,
                                                            QStringLiteral("--service"),
                                                            QStringLiteral("su")});
    QVERIFY2(sudo.ok(), qPrintable(sudo.describe()));
    const ProcessResult status =
        runProcess(setupTool(), common + QStringList{QStringLiteral("status"), QStringLiteral("--pam-dir"), copy});
    QVERIFY(status.out.contains("  login: accepts the card"));
    QVERIFY(status.out.contains("  su: accepts the card"));
    QVERIFY(snapshot(copy) != before);

    const ProcessResult disable =
        runProcess(setupTool(), common + QStringList{QStringLiteral("disable"), QStringLiteral("--pam-dir"), copy});
    QVERIFY2(disable.ok(), qPrintable(disable.describe()));
    QCOMPARE(snapshot(copy), before);
    QVERIFY(!QFile::exists(root + QStringLiteral("/etc/secure-remote-access/smartcard-login")));
    QCOMPARE(snapshot(kPamDir), before); // the real one was never touched
}

void TestSmartcardLogin::rsaCardLogsIn()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    TestService service(lab);
    QVERIFY(service.ok());
    const ProcessResult enable = service.enable(QStringLiteral("sra"));
    QVERIFY2(enable.ok(), qPrintable(enable.describe()));
    const QString account = lab.env(QStringLiteral("SRAD_ACCOUNT"));
    const QByteArray pin = lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8();

    // No card inserted: refused at once, the password stack (pam_deny) decides.
    qint64 ms = 0;
    ProcessResult r = service.authenticate(account, pin, QStringLiteral("sra"), &ms);
    QVERIFY2(!r.ok(), qPrintable(r.describe()));
    QVERIFY2(ms < 2000, qPrintable(QString::number(ms)));
    qInfo("no card: refused in %lld ms", ms);

    Admin admin(lab);
    QVERIFY2(admin.start(), admin.output().constData());
    QVERIFY2(admin.output().contains(QByteArray(QByteArray("The card logs in on the remote as ") + account.toUtf8())),
             admin.output().constData());

    // The paired account with the right PIN: the signature comes from the admin's card, as both audit logs say.
    r = service.authenticate(account, pin, QStringLiteral("sra"), &ms);
    QVERIFY2(r.ok() && r.out.contains("successfully authenticated"), qPrintable(r.describe()));
    qInfo("paired account, right PIN: authenticated in %lld ms", ms);
    QVERIFY2(admin.waitFor("Relayed: signature with slot 9A (PIV Authentication) for uid 0 pid", 5000),
             admin.output().constData());
    QVERIFY(
        QRegularExpression(QStringLiteral("Relayed: signature with slot 9A \\(PIV Authentication\\) for uid 0 pid \\d+ "
                                          "/usr/bin/pamtester \\(PKCS#11 module\\): status 0"))
            .match(QString::fromUtf8(admin.output()))
            .hasMatch());
    QVERIFY(QRegularExpression(QStringLiteral("relayed private-key operation, slot 9a, algorithm 07 for uid 0 pid \\d+ "
                                              "/usr/bin/pamtester \\(PKCS#11 module\\) -> 0"))
                .match(QString::fromUtf8(sradLog(lab)))
                .hasMatch());

    // A wrong PIN: refused, the admin is told how many tries are left, and the card spent exactly one.
    const int before = triesLeft(lab);
    QVERIFY(before >= 2);
    r = service.authenticate(account, "999999", QStringLiteral("sra"));
    QVERIFY2(!r.ok() && QByteArray(r.out + r.err).contains("Wrong smartcard PIN"), qPrintable(r.describe()));
    QCOMPARE(triesLeft(lab), before - 1);
    const QByteArray triesText = QStringLiteral("Wrong PIN (%1 tries left)").arg(before - 1).toUtf8();
    QVERIFY2(admin.waitFor(triesText, 5000), admin.output().constData());
    // The right PIN resets the counter.
    QVERIFY(service.authenticate(account, pin, QStringLiteral("sra")).ok());
    QCOMPARE(triesLeft(lab), before);

    // An account the card is not paired with.
    r = service.authenticate(QStringLiteral("daemon"), pin, QStringLiteral("sra"));
    QVERIFY2(!r.ok() && QByteArray(r.out + r.err).contains("No matching certificate found"), qPrintable(r.describe()));

    // unpair removes the login too; pair --from-session brings it back from the admin connected now.
    QVERIFY(sraSetup(lab, {QStringLiteral("unpair"), QStringLiteral("--user"), account}).ok());
    QVERIFY(!service.authenticate(account, pin, QStringLiteral("sra")).ok());
    const ProcessResult fromSession =
        sraSetup(lab, {QStringLiteral("pair"), QStringLiteral("--user"), account, QStringLiteral("--from-session")});
    QVERIFY2(fromSession.ok(), qPrintable(fromSession.describe()));
    QVERIFY(service.authenticate(account, pin, QStringLiteral("sra")).ok());
    // The record pair --from-session used is srad's and root's only.
    const QString admins = lab.env(QStringLiteral("SRAD_ROOT")) + QStringLiteral("/run/secure-remote-access/admins");
    QCOMPARE((QFile::permissions(admins) & 0x0077).toInt(), 0);

    // OpenSC's module over our virtual reader, same service, same card.
    QVERIFY(service.enable(QStringLiteral("opensc")).ok());
    r = service.authenticate(account, pin, QStringLiteral("opensc"));
    QVERIFY2(r.ok() && r.out.contains("successfully authenticated"), qPrintable(r.describe()));
    QVERIFY2(admin.waitFor("/usr/sbin/pcscd (pcscd driver): status 0", 5000), admin.output().constData());

    admin.stop();
    QTRY_VERIFY_WITH_TIMEOUT(QDir(admins).isEmpty(), 5000); // the admin is gone from the record too
}

// [login] removal_policy: lock when the admin's card is pulled, logout (with %u) when the admin's session
// ends; and an admin who stops answering in the middle of a login makes it fail by the relay's deadline.
void TestSmartcardLogin::removalPolicyAndDroppedAdmin()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    TestService service(lab);
    QVERIFY(service.ok());
    QVERIFY(service.enable(QStringLiteral("sra")).ok());
    const QString lockMarker = lab.dir() + QStringLiteral("/locked");
    const QString logoutMarker = lab.dir() + QStringLiteral("/logged-out-") + lab.env(QStringLiteral("SRAD_ACCOUNT"));
    constexpr int kRelayTimeoutMs = 1500;
    QVERIFY(configureSrad(lab, [&](sra::core::SradConfig& c) {
        c.loginRemovalPolicy = QStringLiteral("lock");
        c.loginLockCommand = QStringLiteral("touch ") + lockMarker;
        c.loginLogoutCommand = QStringLiteral("touch ") + lab.dir() + QStringLiteral("/logged-out-%u");
        c.relayRequestTimeoutMs = kRelayTimeoutMs;
    }));
    const QString account = lab.env(QStringLiteral("SRAD_ACCOUNT"));
    const QByteArray pin = lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8();

    {
        Admin admin(lab);
        QVERIFY2(admin.start(), admin.output().constData());
        QVERIFY(!QFile::exists(lockMarker));
        QElapsedTimer pulled;
        QVERIFY(lab.cardStop());
        pulled.start();
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(lockMarker), 3000);
        qInfo("card pulled from the admin's reader: lock command ran %lld ms later", pulled.elapsed());
        QVERIFY2(pulled.elapsed() < 1000, qPrintable(QString::number(pulled.elapsed())));
        QVERIFY(lab.cardStart());
    }

    // Resuming off: the session of a program that dies ends at once (with it on, after [network] resume_grace_ms).
    QVERIFY(configureSrad(lab, [](sra::core::SradConfig& c) {
        c.loginRemovalPolicy = QStringLiteral("logout");
        c.resumeGraceMs = 0;
    }));
    {
        Admin admin(lab);
        QVERIFY2(admin.start(), admin.output().constData());
        // The admin freezes in the middle of a login: the PIN check waits for an answer that never comes.
        admin.signal(SIGSTOP);
        qint64 ms = 0;
        const ProcessResult r = service.authenticate(account, pin, QStringLiteral("sra"), &ms);
        QVERIFY2(!r.ok(), qPrintable(r.describe()));
        qInfo("admin frozen mid-login: refused after %lld ms ([relay] request_timeout_ms = %d)", ms, kRelayTimeoutMs);
        QVERIFY2(ms < kRelayTimeoutMs + 1000, qPrintable(QString::number(ms)));
        // Then the admin's program dies: the session ends, and the removal policy logs the card's account out.
        QElapsedTimer gone;
        admin.signal(SIGKILL);
        gone.start();
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(logoutMarker), 3000);
        qInfo("admin's session ended: logout command ran %lld ms later", gone.elapsed());
        QVERIFY2(gone.elapsed() < 1000, qPrintable(QString::number(gone.elapsed())));
    }
    // The admin reconnects and inserts again: the next login succeeds.
    Admin again(lab);
    QVERIFY2(again.start(), again.output().constData());
    const ProcessResult r = service.authenticate(account, pin, QStringLiteral("sra"));
    QVERIFY2(r.ok() && r.out.contains("successfully authenticated"), qPrintable(r.describe()));
}

// ECDSA P-256: pam_pkcs11 0.6.12 verifies ECDSA signatures too, through our module and through OpenSC.
void TestSmartcardLogin::eccCardLogsInBothPaths()
{
    Lab lab({.key = QStringLiteral("p256")});
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    TestService service(lab);
    QVERIFY(service.ok());
    Admin admin(lab);
    QVERIFY2(admin.start(), admin.output().constData());
    // Not enabled yet: the admin is told why the card logs in nowhere.
    QVERIFY2(admin.output().contains("The card logs in as no account on the remote: smart-card login is not enabled"),
             admin.output().constData());
    const QString account = lab.env(QStringLiteral("SRAD_ACCOUNT"));
    const QByteArray pin = lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8();
    for (const QString& backend : {QStringLiteral("sra"), QStringLiteral("opensc")}) {
        QVERIFY(service.enable(backend).ok());
        const ProcessResult r = service.authenticate(account, pin, backend);
        QVERIFY2(r.ok() && r.out.contains("successfully authenticated"),
                 qPrintable(backend + QLatin1Char(' ') + r.describe()));
    }
    QVERIFY(QRegularExpression(QStringLiteral("relayed private-key operation, slot 9a, algorithm 11 for uid 0 pid \\d+ "
                                              "/usr/bin/pamtester \\(PKCS#11 module\\) -> 0"))
                .match(QString::fromUtf8(sradLog(lab)))
                .hasMatch());
}

QTEST_GUILESS_MAIN(TestSmartcardLogin)
#include "TestSmartcardLogin.moc"
