// The real sra-setup binary on a scratch tree (--root): activation, identities, screen preparation,
// deactivation, pairings and rules, with the files it leaves and the lines it prints.
#include "core/config/SradConfig.h"
#include "core/remote/PairingStore.h"
#include "core/remote/TlsIdentity.h"
#include "support/Process.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using sra::test::ProcessResult;

namespace {

constexpr auto kGroupOther = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
                             | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;

QByteArray readAll(const QString& file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString& file, const QByteArray& bytes, QFileDevice::Permissions permissions = {})
{
    QDir().mkpath(QFileInfo(file).absolutePath());
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size()) {
        return false;
    }
    f.close();
    return permissions == QFileDevice::Permissions() || QFile::setPermissions(file, permissions);
}

QString opensslFingerprint(const QString& cert, const char* digest)
{
    const ProcessResult r = sra::test::runProcess(QStringLiteral("openssl"),
                                                  {QStringLiteral("x509"),
                                                   QStringLiteral("-noout"),
                                                   QStringLiteral("-fingerprint"),
                                                   QLatin1String(digest),
                                                   QStringLiteral("-in"),
                                                   cert});
    return r.ok() ? QString::fromLatin1(r.out).trimmed().section(QLatin1Char('='), 1) : QString();
}

bool makeCertificate(const QString& cert, const QString& key, const QString& subject, const QStringList& extra = {})
{
    QDir().mkpath(QFileInfo(cert).absolutePath());
    QDir().mkpath(QFileInfo(key).absolutePath());
    QStringList args{QStringLiteral("req"),
                     QStringLiteral("-x509"),
                     QStringLiteral("-newkey"),
                     QStringLiteral("ec"),
                     QStringLiteral("-pkeyopt"),
                     QStringLiteral("ec_paramgen_curve:P-256"),
                     QStringLiteral("-nodes"),
                     QStringLiteral("-keyout"),
                     key,
                     QStringLiteral("-out"),
                     cert,
                     QStringLiteral("-days"),
                     QStringLiteral("30"),
                     QStringLiteral("-subj"),
                     subject};
    args += extra;
    return sra::test::runProcess(QStringLiteral("openssl"), args).ok()
           && QFile::setPermissions(key, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

} // namespace

class TestSraSetup : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void usage_data();
    void usage();
    void activateAndGenerate();
    void activateKeepsSettings();
    void generateRefusesOverwrite();
    void installedCertificate();
    void installedCertificateErrors_data();
    void installedCertificateErrors();
    void systemdStandIn();
    void screen();
    void screenWithoutX11vnc();
    void deactivate();
    void pairListUnpair();
    void pairChecksAccounts();
    void rules();

private:
    ProcessResult run(const QStringList& args,
                      const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
    {
        return sra::test::runProcess(m_program, QStringList{QStringLiteral("--root"), m_root->path()} + args, env);
    }

    sra::core::SradConfig config()
    {
        sra::core::SradPaths paths;
        paths.root = m_root->path();
        sra::core::SradConfig c;
        QString error;
        if (!sra::core::SradConfig::load(paths, QString(), c, error)) {
            qWarning("%s", qPrintable(error));
        }
        return c;
    }

    QString path(const QString& relative) const
    {
        return m_root->filePath(relative);
    }

    QString m_program;
    std::unique_ptr<QTemporaryDir> m_root;
};

void TestSraSetup::initTestCase()
{
    m_program = sra::test::binaryDir() + QStringLiteral("/setup-tool/sra-setup");
    QVERIFY2(QFileInfo(m_program).isExecutable(), qPrintable(m_program));
}

void TestSraSetup::init()
{
    m_root = std::make_unique<QTemporaryDir>();
    QVERIFY(m_root->isValid());
}

void TestSraSetup::usage_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("mentions"); // in stdout + stderr

    QTest::addRow("nothing") << QStringList{} << 1 << "Nothing to do";
    QTest::addRow("help") << QStringList{QStringLiteral("--help")} << 0 << "Exit codes: 0 ok, 1 usage, 2 failure";
    QTest::addRow("version") << QStringList{QStringLiteral("--version")} << 0 << "sra-setup";
    QTest::addRow("unknown option") << QStringList{QStringLiteral("--frobnicate")} << 1 << "frobnicate";
    QTest::addRow("action and command") << QStringList{QStringLiteral("-a"), QStringLiteral("list")} << 1 << "not both";
    QTest::addRow("-g and -c") << QStringList{QStringLiteral("-g"), QStringLiteral("-c"), QStringLiteral("AB")} << 1
                               << "-g and -c";
    QTest::addRow("-d with -a") << QStringList{QStringLiteral("-a"), QStringLiteral("-d")} << 1 << "alone";
    QTest::addRow("unknown command") << QStringList{QStringLiteral("pear")} << 1 << "Unknown command \"pear\"";
    QTest::addRow("pair without cert") << QStringList{QStringLiteral("pair"),
                                                      QStringLiteral("--user"),
                                                      QStringLiteral("a")}
                                       << 1 << "--cert";
    QTest::addRow("unpair with both") << QStringList{QStringLiteral("unpair"),
                                                     QStringLiteral("--user"),
                                                     QStringLiteral("a"),
                                                     QStringLiteral("--cert"),
                                                     QStringLiteral("x.pem")}
                                      << 1 << "either";
    QTest::addRow("rule without verb") << QStringList{QStringLiteral("rule")} << 1 << "rule add";
    QTest::addRow("rule remove not a number")
        << QStringList{QStringLiteral("rule"), QStringLiteral("remove"), QStringLiteral("x")} << 1
        << "not a rule number";
    QTest::addRow("missing root") << QStringList{QStringLiteral("--root"),
                                                 QStringLiteral("/nonexistent/sra"),
                                                 QStringLiteral("list")}
                                  << 1 << "not a directory";
}

void TestSraSetup::usage()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, mentions);
    const ProcessResult r = run(args);
    QVERIFY2(r.started && !r.crashed && !r.timedOut, qPrintable(r.describe()));
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(QString::fromUtf8(r.out + r.err).contains(mentions), qPrintable(r.describe()));
    if (exitCode != 0 && !args.contains(QStringLiteral("--frobnicate"))) {
        QCOMPARE(r.err.count('\n'), 1); // one line
    }
    QVERIFY(!QFileInfo::exists(path(QStringLiteral("etc/secure-remote-access/srad.conf"))));
}

void TestSraSetup::activateAndGenerate()
{
    const ProcessResult r =
        run({QStringLiteral("-a"), QStringLiteral("-g"), QStringLiteral("--hostname"), QStringLiteral("remote.test")});
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    const QString cert = path(QStringLiteral("etc/secure-remote-access/identity.crt"));
    const QString key = path(QStringLiteral("etc/secure-remote-access/identity.key"));
    const QString fingerprint = opensslFingerprint(cert, "-sha256");
    QVERIFY(!fingerprint.isEmpty());
    QVERIFY2(r.out.contains(QByteArray("for comparison on first connect: " + fingerprint.toLatin1())),
             qPrintable(r.describe()));
    QVERIFY2(r.out.contains("start srad by other means"), qPrintable(r.describe()));
    QCOMPARE(QFileInfo(key).permissions() & kGroupOther, QFileDevice::Permissions());
    QCOMPARE(QFileInfo(path(QStringLiteral("var/lib/secure-remote-access"))).permissions() & kGroupOther,
             QFileDevice::Permissions());

    const QByteArray conf = readAll(path(QStringLiteral("etc/secure-remote-access/srad.conf")));
    QVERIFY2(conf.contains("[service]\nenabled = true\n"), conf.constData());
    QVERIFY2(conf.contains("certificate = identity.crt\n"), conf.constData());
    const auto c = config();
    QVERIFY(c.enabled);
    QCOMPARE(c.certificateFile, cert);
    QCOMPARE(c.keyFile, key);

    sra::core::TlsIdentity identity;
    QString error;
    QVERIFY2(sra::core::TlsIdentity::load(cert, key, identity, error), qPrintable(error));
    QCOMPARE(identity.certificate.subjectInfo(QSslCertificate::CommonName).value(0), QStringLiteral("remote.test"));
}

void TestSraSetup::activateKeepsSettings()
{
    QVERIFY(writeFile(path(QStringLiteral("etc/secure-remote-access/srad.conf")),
                      "[network]\nport = 5000\n[auth]\nmax_failures = 3\n"));
    const ProcessResult r = run({QStringLiteral("-a")});
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QVERIFY2(r.out.contains("no TLS identity yet"), qPrintable(r.describe()));
    const auto c = config();
    QVERIFY(c.enabled);
    QCOMPARE(c.port, quint16(5000));
    QCOMPARE(c.maxFailures, 3);

    // A damaged srad.conf is reported with its key, and left alone.
    QVERIFY(writeFile(path(QStringLiteral("etc/secure-remote-access/srad.conf")), "[network]\nport = 0\n"));
    const ProcessResult bad = run({QStringLiteral("-a")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("[network] port"), qPrintable(bad.describe()));
    QCOMPARE(readAll(path(QStringLiteral("etc/secure-remote-access/srad.conf"))), QByteArray("[network]\nport = 0\n"));
}

void TestSraSetup::generateRefusesOverwrite()
{
    QVERIFY(run({QStringLiteral("-g")}).ok());
    const QString cert = path(QStringLiteral("etc/secure-remote-access/identity.crt"));
    const QString before = opensslFingerprint(cert, "-sha256");
    const ProcessResult again = run({QStringLiteral("-g")});
    QCOMPARE(again.exitCode, 2);
    QVERIFY2(again.err.contains("--force"), qPrintable(again.describe()));
    QCOMPARE(opensslFingerprint(cert, "-sha256"), before);
    const ProcessResult forced = run({QStringLiteral("-g"), QStringLiteral("--force")});
    QVERIFY2(forced.ok(), qPrintable(forced.describe()));
    QVERIFY(opensslFingerprint(cert, "-sha256") != before);
}

void TestSraSetup::installedCertificate()
{
    const QString cert = path(QStringLiteral("etc/ssl/certs/server.pem"));
    const QString key = path(QStringLiteral("etc/ssl/private/server.key"));
    QVERIFY(makeCertificate(cert, key, QStringLiteral("/CN=server.test")));
    QVERIFY(makeCertificate(path(QStringLiteral("etc/ssl/certs/other.pem")),
                            path(QStringLiteral("etc/ssl/private/other.key")),
                            QStringLiteral("/CN=other.test")));
    const QString sha256 = opensslFingerprint(cert, "-sha256");
    for (const QString& fp : {sha256, opensslFingerprint(cert, "-sha1")}) {
        const ProcessResult r = run({QStringLiteral("-c"), fp});
        QVERIFY2(r.ok(), qPrintable(r.describe()));
        QVERIFY2(r.out.contains(sha256.toLatin1()), qPrintable(r.describe()));
        const auto c = config();
        QCOMPARE(c.certificateFile, cert);
        QCOMPARE(c.keyFile, key);
    }
}

void TestSraSetup::installedCertificateErrors_data()
{
    QTest::addColumn<QString>("fingerprint"); // "server" = server.pem's SHA-256
    QTest::addColumn<QString>("prepare");     // "", "nokey", "unreadable"
    QTest::addColumn<QString>("mentions");
    QTest::addRow("unknown fingerprint") << QString(64, QLatin1Char('1')) << ""
                                         << "No certificate";
    QTest::addRow("not a fingerprint") << "server.pem"
                                       << ""
                                       << "not a SHA-256 or SHA-1 fingerprint";
    QTest::addRow("no key") << "server"
                            << "nokey"
                            << "private key in";
    QTest::addRow("key readable by all") << "server"
                                         << "open"
                                         << "every user";
}

void TestSraSetup::installedCertificateErrors()
{
    QFETCH(QString, fingerprint);
    QFETCH(QString, prepare);
    QFETCH(QString, mentions);
    const QString cert = path(QStringLiteral("etc/ssl/certs/server.pem"));
    const QString key = path(QStringLiteral("etc/ssl/private/server.key"));
    QVERIFY(makeCertificate(cert, key, QStringLiteral("/CN=server.test")));
    if (prepare == QLatin1String("nokey")) {
        QVERIFY(QFile::remove(key));
    } else if (prepare == QLatin1String("open")) {
        QVERIFY(QFile::setPermissions(key, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther));
    }
    if (fingerprint == QLatin1String("server")) {
        fingerprint = opensslFingerprint(cert, "-sha256");
    }
    const ProcessResult r = run({QStringLiteral("-c"), fingerprint});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(mentions.toUtf8()), qPrintable(r.describe()));
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY(!QFileInfo::exists(path(QStringLiteral("etc/secure-remote-access/srad.conf"))));
}

void TestSraSetup::systemdStandIn()
{
    // A stand-in systemctl records its arguments; systemd "runs" because <root>/run/systemd/system exists.
    QVERIFY(QDir().mkpath(path(QStringLiteral("run/systemd/system"))));
    const QString log = path(QStringLiteral("systemctl.log"));
    const QString script = path(QStringLiteral("bin/systemctl"));
    QVERIFY(writeFile(script,
                      QStringLiteral("#!/bin/sh\necho \"$@\" >> '%1'\nexit ${FAKE_EXIT:-0}\n").arg(log).toUtf8(),
                      QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SRA_SETUP_SYSTEMCTL"), script);

    ProcessResult r = run({QStringLiteral("-a")}, env);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QVERIFY2(r.out.contains("srad.service is enabled and started"), qPrintable(r.describe()));
    r = run({QStringLiteral("-d")}, env);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QCOMPARE(readAll(log), QByteArray("enable --now srad.service\ndisable --now srad.service\n"));

    env.insert(QStringLiteral("FAKE_EXIT"), QStringLiteral("1"));
    r = run({QStringLiteral("-a")}, env);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("systemctl enable --now srad.service failed"), qPrintable(r.describe()));

    // Without systemd in the tree, the stand-in is not called.
    QVERIFY(QDir(path(QStringLiteral("run/systemd"))).removeRecursively());
    env.remove(QStringLiteral("FAKE_EXIT"));
    r = run({QStringLiteral("-a")}, env);
    QVERIFY2(r.ok() && r.out.contains("by other means"), qPrintable(r.describe()));
    QCOMPARE(readAll(log).count('\n'), 3);
}

void TestSraSetup::screen()
{
    // A stand-in x11vnc on PATH, so the test does not depend on the package being installed.
    const QString bin = path(QStringLiteral("bin"));
    QVERIFY(writeFile(bin + QStringLiteral("/x11vnc"),
                      "#!/bin/sh\nexit 0\n",
                      QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATH"), bin);
    ProcessResult r = run({QStringLiteral("-s")}, env);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QVERIFY2(r.out.contains("Restart srad to apply"), qPrintable(r.describe()));
    auto c = config();
    // The default is the session agent: it is what works under the packaged, sandboxed unit.
    QCOMPARE(c.screenBackend, QStringLiteral("agent"));
    QVERIFY2(r.out.contains("sra-screen-agent"), qPrintable(r.describe()));
    QCOMPARE(c.screenX11vnc, bin + QStringLiteral("/x11vnc"));
    QCOMPARE(c.screenDisplay, QStringLiteral(":0"));

    r = run({QStringLiteral("-s"),
             QStringLiteral("--screen-backend"),
             QStringLiteral("x11vnc"),
             QStringLiteral("--display"),
             QStringLiteral(":1.0")},
            env);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QCOMPARE(config().screenBackend, QStringLiteral("x11vnc"));
    QCOMPARE(config().screenDisplay, QStringLiteral(":1.0"));

    r = run({QStringLiteral("-s"), QStringLiteral("--screen-backend"), QStringLiteral("wayvnc")}, env);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("--screen-backend"), qPrintable(r.describe()));
    QCOMPARE(config().screenBackend, QStringLiteral("x11vnc"));

    r = run({QStringLiteral("-s"), QStringLiteral("--display"), QStringLiteral("1")}, env);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("--display"), qPrintable(r.describe()));
    QCOMPARE(config().screenDisplay, QStringLiteral(":1.0"));
}

void TestSraSetup::screenWithoutX11vnc()
{
    QVERIFY(QDir().mkpath(path(QStringLiteral("empty-bin"))));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATH"), path(QStringLiteral("empty-bin")));
    const ProcessResult r = run({QStringLiteral("-s")}, env);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("install the package x11vnc"), qPrintable(r.describe()));
    QVERIFY(r.out.isEmpty());
    QVERIFY(!QFileInfo::exists(path(QStringLiteral("etc/secure-remote-access/srad.conf"))));
}

void TestSraSetup::deactivate()
{
    QVERIFY(run({QStringLiteral("-a"), QStringLiteral("-g")}).ok());
    QVERIFY(writeFile(path(QStringLiteral("etc/secure-remote-access/pairings.json")), "{\"version\":1}"));
    const ProcessResult r = run({QStringLiteral("-d")});
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QVERIFY2(r.out.contains("The identity, pairings and license stay"), qPrintable(r.describe()));
    QVERIFY(!config().enabled);
    QVERIFY(QFileInfo::exists(path(QStringLiteral("etc/secure-remote-access/identity.crt"))));
    QVERIFY(QFileInfo::exists(path(QStringLiteral("etc/secure-remote-access/identity.key"))));
    QVERIFY(QFileInfo::exists(path(QStringLiteral("etc/secure-remote-access/pairings.json"))));
}

void TestSraSetup::pairListUnpair()
{
    const QString alice = path(QStringLiteral("admin/alice.pem"));
    const QString bob = path(QStringLiteral("admin/bob.pem"));
    QVERIFY(makeCertificate(alice, path(QStringLiteral("admin/alice.key")), QStringLiteral("/CN=Alice Admin")));
    QVERIFY(makeCertificate(bob, path(QStringLiteral("admin/bob.key")), QStringLiteral("/CN=Bob Admin")));
    const QString bobDer = path(QStringLiteral("admin/bob.der"));
    QVERIFY(sra::test::runProcess(QStringLiteral("openssl"),
                                  {QStringLiteral("x509"),
                                   QStringLiteral("-in"),
                                   bob,
                                   QStringLiteral("-outform"),
                                   QStringLiteral("DER"),
                                   QStringLiteral("-out"),
                                   bobDer})
                .ok());
    QSslCertificate aliceCert = QSslCertificate::fromPath(alice).value(0);
    const QByteArray aliceHash = sra::core::PairingStore::publicKeySha256(aliceCert).toHex();

    ProcessResult r = run(
        {QStringLiteral("pair"), QStringLiteral("--user"), QStringLiteral("alice"), QStringLiteral("--cert"), alice});
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QVERIFY2(r.out.contains(aliceHash), qPrintable(r.describe()));
    QVERIFY2(r.out.contains("not checked"), qPrintable(r.describe())); // --root without --passwd
    r = run(
        {QStringLiteral("pair"), QStringLiteral("--user"), QStringLiteral("bob"), QStringLiteral("--cert"), bobDer});
    QVERIFY2(r.ok(), qPrintable(r.describe()));

    r = run({QStringLiteral("list")});
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QVERIFY2(r.out.contains(QByteArray("alice  " + aliceHash + "  CN=Alice Admin")), qPrintable(r.describe()));
    QVERIFY2(r.out.contains("bob  "), qPrintable(r.describe()));
    QVERIFY2(r.out.contains("Rules: none"), qPrintable(r.describe()));

    sra::core::PairingStore store;
    QString error;
    QVERIFY2(
        sra::core::PairingStore::load(path(QStringLiteral("etc/secure-remote-access/pairings.json")), store, error),
        qPrintable(error));
    QCOMPARE(store.match(aliceCert)->account, QStringLiteral("alice"));

    // The same key for another account replaces the pairing, and says so.
    r = run(
        {QStringLiteral("pair"), QStringLiteral("--user"), QStringLiteral("admin"), QStringLiteral("--cert"), alice});
    QVERIFY2(r.ok() && r.out.contains("was paired with account alice before"), qPrintable(r.describe()));

    r = run({QStringLiteral("unpair"), QStringLiteral("--cert"), alice});
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    r = run({QStringLiteral("unpair"), QStringLiteral("--cert"), alice});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("not paired"), qPrintable(r.describe()));
    r = run({QStringLiteral("unpair"), QStringLiteral("--user"), QStringLiteral("bob")});
    QVERIFY2(r.ok() && r.out.contains("Removed 1 key pairing"), qPrintable(r.describe()));
    r = run({QStringLiteral("unpair"), QStringLiteral("--user"), QStringLiteral("bob")});
    QCOMPARE(r.exitCode, 2);
    r = run({QStringLiteral("list")});
    QVERIFY2(r.out.contains("Key pairings: none"), qPrintable(r.describe()));

    // Unreadable or not-a-certificate input, invalid account names, a damaged pairings file.
    r = run({QStringLiteral("pair"),
             QStringLiteral("--user"),
             QStringLiteral("alice"),
             QStringLiteral("--cert"),
             path(QStringLiteral("admin/missing.pem"))});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("Cannot read"), qPrintable(r.describe()));
    r = run({QStringLiteral("pair"),
             QStringLiteral("--user"),
             QStringLiteral("alice"),
             QStringLiteral("--cert"),
             path(QStringLiteral("admin/alice.key"))});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("no X.509 certificate"), qPrintable(r.describe()));
    r = run(
        {QStringLiteral("pair"), QStringLiteral("--user"), QStringLiteral("al ice"), QStringLiteral("--cert"), alice});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(writeFile(path(QStringLiteral("etc/secure-remote-access/pairings.json")), "{\"version\":1,\"keys\":[{}]}"));
    r = run({QStringLiteral("list")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("keys[0] lacks \"account\""), qPrintable(r.describe()));
}

void TestSraSetup::pairChecksAccounts()
{
    const QString cert = path(QStringLiteral("admin/a.pem"));
    QVERIFY(makeCertificate(cert, path(QStringLiteral("admin/a.key")), QStringLiteral("/CN=A")));
    const QString passwd = path(QStringLiteral("etc/passwd"));
    QVERIFY(writeFile(passwd, "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n"));

    ProcessResult r = run({QStringLiteral("pair"),
                           QStringLiteral("--user"),
                           QStringLiteral("alice"),
                           QStringLiteral("--cert"),
                           cert,
                           QStringLiteral("--passwd"),
                           passwd});
    QVERIFY2(r.ok() && !r.out.contains("not checked"), qPrintable(r.describe()));
    r = run({QStringLiteral("pair"),
             QStringLiteral("--user"),
             QStringLiteral("ali"),
             QStringLiteral("--cert"),
             cert,
             QStringLiteral("--passwd"),
             passwd});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("no account \"ali\""), qPrintable(r.describe()));
    r = run({QStringLiteral("pair"),
             QStringLiteral("--user"),
             QStringLiteral("ali"),
             QStringLiteral("--cert"),
             cert,
             QStringLiteral("--passwd"),
             passwd,
             QStringLiteral("--allow-unknown-user")});
    QVERIFY2(r.ok(), qPrintable(r.describe()));
}

void TestSraSetup::rules()
{
    ProcessResult r = run({QStringLiteral("rule"),
                           QStringLiteral("add"),
                           QStringLiteral("--attribute"),
                           QStringLiteral("upn"),
                           QStringLiteral("--pattern"),
                           QStringLiteral("(.+)@corp\\.example"),
                           QStringLiteral("--account"),
                           QStringLiteral("\\1")});
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QVERIFY2(r.out.contains("ca_bundle"), qPrintable(r.describe())); // rules need a CA bundle at srad
    r = run({QStringLiteral("rule"),
             QStringLiteral("add"),
             QStringLiteral("--attribute"),
             QStringLiteral("cn"),
             QStringLiteral("--pattern"),
             QStringLiteral("Operator"),
             QStringLiteral("--account"),
             QStringLiteral("operator")});
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    r = run({QStringLiteral("list")});
    QVERIFY2(r.out.contains("1. upn  (.+)@corp\\.example  ->  \\1"), qPrintable(r.describe()));
    QVERIFY2(r.out.contains("2. cn  Operator  ->  operator"), qPrintable(r.describe()));

    const QList<std::pair<QStringList, QByteArray>> refused{
        {{QStringLiteral("--attribute"),
          QStringLiteral("dn"),
          QStringLiteral("--pattern"),
          QStringLiteral("x"),
          QStringLiteral("--account"),
          QStringLiteral("x")},
         "not cn, upn or email"          },
        {{QStringLiteral("--attribute"),
          QStringLiteral("cn"),
          QStringLiteral("--pattern"),
          QStringLiteral("(x"),
          QStringLiteral("--account"),
          QStringLiteral("x")},
         "not a valid regular expression"},
        {{QStringLiteral("--attribute"),
          QStringLiteral("cn"),
          QStringLiteral("--pattern"),
          QStringLiteral("(x)"),
          QStringLiteral("--account"),
          QStringLiteral("\\2")},
         "group \\2"                     },
    };
    for (const auto& [args, mentions] : refused) {
        r = run(QStringList{QStringLiteral("rule"), QStringLiteral("add")} + args);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(mentions), qPrintable(r.describe()));
    }

    r = run({QStringLiteral("rule"), QStringLiteral("remove"), QStringLiteral("1")});
    QVERIFY2(r.ok() && r.out.contains("Removed rule 1: upn"), qPrintable(r.describe()));
    r = run({QStringLiteral("list")});
    QVERIFY2(r.out.contains("1. cn  Operator"), qPrintable(r.describe()));
    r = run({QStringLiteral("rule"), QStringLiteral("remove"), QStringLiteral("2")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("There is no rule 2 (there are 1)"), qPrintable(r.describe()));
}

QTEST_GUILESS_MAIN(TestSraSetup)
#include "TestSraSetup.moc"
