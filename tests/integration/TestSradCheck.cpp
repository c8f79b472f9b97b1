// srad --check against real programs on a scratch tree (--root): a bare tree fails with the fixes; a tree set up
// with sra-setup, a license, a pairing, the reader.conf.d entry and the p11-kit module file (pointing at the built
// driver and module, copied into the tree) passes with srad running; a stopped srad, a program that is not srad,
// and another srad identity on the port each fail where they should; and the check never changes the tree.
#include "support/Process.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

using sra::test::ProcessResult;

namespace {

QString tool(const QString& relative)
{
    return sra::test::binaryDir() + QLatin1Char('/') + relative;
}

bool writeFile(const QString& file, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(file).absolutePath());
    QFile f(file);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

bool copyInto(const QString& from, const QString& to)
{
    QDir().mkpath(QFileInfo(to).absolutePath());
    QFile::remove(to);
    return QFile::copy(from, to);
}

// A pkg-config variable, so the tree is laid out where the build told srad --check to look.
QString pkgConfigVariable(const char* package, const char* variable)
{
    const ProcessResult r =
        sra::test::runProcess(QStringLiteral("pkg-config"),
                              {QStringLiteral("--variable=%1").arg(QLatin1String(variable)), QLatin1String(package)});
    return r.ok() ? QString::fromUtf8(r.out).trimmed() : QString();
}

// A loopback port nobody listens on right now.
quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

// Every file and directory of a tree with size and modification time: the check must leave it as it was.
QStringList snapshot(const QString& root)
{
    QStringList entries;
    QDirIterator it(
        root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        entries.append(QStringLiteral("%1 %2 %3")
                           .arg(info.filePath())
                           .arg(info.size())
                           .arg(info.lastModified().toMSecsSinceEpoch()));
    }
    entries.sort();
    return entries;
}

// srad --check's output: one line per item.
struct CheckOutput
{
    ProcessResult result;
    QStringList lines;

    // The line of an item ("license", "listening 127.0.0.1:4116"); empty when there is none.
    QString line(const QString& item) const
    {
        for (const QString& l : lines) {
            if (l.mid(5).startsWith(item + QLatin1Char(':'))) {
                return l;
            }
        }
        return {};
    }

    bool isOk(const QString& item) const
    {
        return line(item).startsWith(QLatin1String("OK   "));
    }

    // A FAIL line of the item that mentions `text` (the cause or the fix).
    bool fails(const QString& item, const QString& text) const
    {
        const QString l = line(item);
        return l.startsWith(QLatin1String("FAIL ")) && l.contains(text);
    }

    QString describe() const
    {
        return result.describe();
    }
};

CheckOutput fromResult(const ProcessResult& r)
{
    return CheckOutput{r, QString::fromUtf8(r.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts)};
}

} // namespace

class TestSradCheck : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cannotCheck_data();
    void cannotCheck();
    void bareRoot();
    void setUpAndRunning();
    void stopped();
    void anotherProgramOnThePort();
    void anotherIdentityOnThePort();
    void brokenRegistrations();

private:
    CheckOutput check(const QString& root, const QStringList& extra = {})
    {
        return fromResult(sra::test::runProcess(
            m_srad, QStringList{QStringLiteral("--check"), QStringLiteral("--root"), root} + extra));
    }

    // srad --check while this process's event loop runs (for a server of the test's own on the port).
    CheckOutput checkWithEventLoop(const QString& root)
    {
        QProcess p;
        p.start(m_srad, {QStringLiteral("--check"), QStringLiteral("--root"), root});
        ProcessResult r;
        r.started = p.waitForStarted();
        QElapsedTimer t;
        t.start();
        while (p.state() != QProcess::NotRunning && t.elapsed() < 30000) {
            QTest::qWait(50);
        }
        r.timedOut = p.state() != QProcess::NotRunning;
        if (r.timedOut) {
            p.kill();
            p.waitForFinished();
        }
        r.crashed = p.exitStatus() == QProcess::CrashExit;
        r.exitCode = p.exitCode();
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return fromResult(r);
    }

    ProcessResult setup(const QString& root, const QStringList& args)
    {
        return sra::test::runProcess(tool(QStringLiteral("setup-tool/sra-setup")),
                                     QStringList{QStringLiteral("--root"), root} + args);
    }

    // A tree with srad.conf on this test's port (loopback only) and a fresh identity.
    bool prepareRoot(const QString& root)
    {
        return writeFile(root + QStringLiteral("/etc/secure-remote-access/srad.conf"),
                         QStringLiteral("[network]\nport = %1\nlisten = 127.0.0.1\n").arg(m_port).toUtf8())
               && setup(root, {QStringLiteral("-a"), QStringLiteral("-g")}).ok();
    }

    // Starts srad on a tree and waits until it accepts connections on the port.
    bool startSrad(QProcess& srad, const QString& root)
    {
        srad.setProcessChannelMode(QProcess::MergedChannels);
        srad.start(m_srad, {QStringLiteral("--root"), root});
        if (!srad.waitForStarted()) {
            return false;
        }
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 10000 && srad.state() == QProcess::Running) {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, m_port);
            if (probe.waitForConnected(500)) {
                return true;
            }
            QTest::qWait(50);
        }
        return false;
    }

    static bool stopSrad(QProcess& srad)
    {
        if (srad.state() == QProcess::NotRunning) {
            return true;
        }
        ::kill(static_cast<pid_t>(srad.processId()), SIGTERM);
        return srad.waitForFinished(10000);
    }

    QString listeningItem() const
    {
        return QStringLiteral("listening 127.0.0.1:%1").arg(m_port);
    }

    QString m_srad;
    QTemporaryDir m_dir;
    QString m_root; // the tree srad --check looks at
    quint16 m_port = 0;
    QString m_readerConfDir;
    QString m_p11ModuleDir;
    QString m_p11ModulePath;
    QProcess m_sradProcess;
    QProcess m_otherSrad;
};

void TestSradCheck::initTestCase()
{
    m_srad = tool(QStringLiteral("remote-service/srad"));
    QVERIFY2(QFileInfo(m_srad).isExecutable(), qPrintable(m_srad));
    QVERIFY(m_dir.isValid());
    m_root = m_dir.filePath(QStringLiteral("root"));
    QVERIFY(QDir().mkpath(m_root));
    m_port = freePort();
    QVERIFY(m_port != 0);
    m_readerConfDir = pkgConfigVariable("libpcsclite", "serialconfdir");
    m_p11ModuleDir = pkgConfigVariable("p11-kit-1", "p11_module_configs");
    m_p11ModulePath = pkgConfigVariable("p11-kit-1", "p11_module_path");
    QVERIFY(!m_readerConfDir.isEmpty() && !m_p11ModuleDir.isEmpty() && !m_p11ModulePath.isEmpty());
}

void TestSradCheck::cleanupTestCase()
{
    stopSrad(m_sradProcess);
    stopSrad(m_otherSrad);
}

void TestSradCheck::cannotCheck_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("configuration"); // written to the tree's srad.conf when not empty
    QTest::addColumn<QString>("reason");           // in stdout + stderr

    QTest::addRow("with --fingerprint") << QStringList{QStringLiteral("--fingerprint")} << QByteArray()
                                        << "--check takes only";
    QTest::addRow("unknown option") << QStringList{QStringLiteral("--frobnicate")} << QByteArray() << "frobnicate";
    QTest::addRow("invalid configuration") << QStringList{} << QByteArray("[network]\nport = 70000\n") << "port";
}

void TestSradCheck::cannotCheck()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, configuration);
    QFETCH(QString, reason);
    QTemporaryDir root;
    if (!configuration.isEmpty()) {
        QVERIFY(writeFile(root.filePath(QStringLiteral("etc/secure-remote-access/srad.conf")), configuration));
    }
    const CheckOutput out = check(root.path(), args);
    QCOMPARE(out.result.exitCode, 2);
    QVERIFY2(QString::fromUtf8(out.result.out + out.result.err).contains(reason), qPrintable(out.describe()));
    if (!configuration.isEmpty()) {
        QVERIFY2(out.fails(QStringLiteral("configuration"), reason), qPrintable(out.describe()));
        QCOMPARE(out.lines.size(), 1); // nothing else is checked
    }
}

void TestSradCheck::bareRoot()
{
    const QStringList before = snapshot(m_root);
    const CheckOutput out = check(m_root);
    QVERIFY2(out.result.started && !out.result.crashed && !out.result.timedOut, qPrintable(out.describe()));
    QCOMPARE(out.result.exitCode, 1);
    for (const QString& line : out.lines) {
        QVERIFY2(line.startsWith(QLatin1String("OK   ")) || line.startsWith(QLatin1String("FAIL ")), qPrintable(line));
    }
    QVERIFY2(out.fails(QStringLiteral("configuration"), QStringLiteral("sra-setup --root %1 -a").arg(m_root)),
             qPrintable(out.describe()));
    QVERIFY2(out.fails(QStringLiteral("license"), QStringLiteral("license install FILE")), qPrintable(out.describe()));
    QVERIFY2(out.fails(QStringLiteral("TLS identity"), QStringLiteral("identity.crt does not exist")),
             qPrintable(out.describe()));
    QVERIFY2(out.line(QStringLiteral("TLS identity")).endsWith(QStringLiteral("sra-setup --root %1 -g").arg(m_root)),
             qPrintable(out.describe()));
    QVERIFY2(out.fails(QStringLiteral("paired accounts"), QStringLiteral("pair --user ACCOUNT --cert CERT.pem")),
             qPrintable(out.describe()));
    QVERIFY2(out.fails(QStringLiteral("pcscd driver"), QStringLiteral("apt install --reinstall sra-remote")),
             qPrintable(out.describe()));
    QVERIFY2(out.fails(QStringLiteral("PKCS#11 module"), QStringLiteral("apt install --reinstall sra-remote")),
             qPrintable(out.describe()));
    QVERIFY2(out.fails(QStringLiteral("local socket"), QStringLiteral("systemctl start srad")),
             qPrintable(out.describe()));
    QVERIFY2(out.isOk(QStringLiteral("screen sharing")), qPrintable(out.describe()));
    // It only looked: no srad.conf, no identity, no directory appeared.
    QCOMPARE(snapshot(m_root), before);
}

void TestSradCheck::setUpAndRunning()
{
    QVERIFY(prepareRoot(m_root));

    const QString license = m_dir.filePath(QStringLiteral("check.sralic"));
    const ProcessResult issued =
        sra::test::runProcess(tool(QStringLiteral("license-tool/sra-license")),
                              {QStringLiteral("issue"),
                               QStringLiteral("--key"),
                               sra::test::sourceDir() + QStringLiteral("/tests/data/license/test-license-key.pem"),
                               QStringLiteral("--licensee"),
                               QStringLiteral("Example GmbH"),
                               QStringLiteral("--seats"),
                               QStringLiteral("1"),
                               QStringLiteral("--expires"),
                               QDate::currentDate().addYears(1).toString(Qt::ISODate),
                               QStringLiteral("--out"),
                               license});
    QVERIFY2(issued.ok(), qPrintable(issued.describe()));
    const ProcessResult installed = setup(m_root, {QStringLiteral("license"), QStringLiteral("install"), license});
    QVERIFY2(installed.ok(), qPrintable(installed.describe()));

    // An admin certificate for the account alice, who exists in the tree's passwd.
    const QString passwd = m_root + QStringLiteral("/etc/passwd");
    QVERIFY(writeFile(passwd, "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n"));
    const QString adminCert = m_dir.filePath(QStringLiteral("alice.pem"));
    const ProcessResult made = sra::test::runProcess(QStringLiteral("openssl"),
                                                     {QStringLiteral("req"),
                                                      QStringLiteral("-x509"),
                                                      QStringLiteral("-newkey"),
                                                      QStringLiteral("ec"),
                                                      QStringLiteral("-pkeyopt"),
                                                      QStringLiteral("ec_paramgen_curve:P-256"),
                                                      QStringLiteral("-nodes"),
                                                      QStringLiteral("-keyout"),
                                                      m_dir.filePath(QStringLiteral("alice.key")),
                                                      QStringLiteral("-out"),
                                                      adminCert,
                                                      QStringLiteral("-days"),
                                                      QStringLiteral("5"),
                                                      QStringLiteral("-subj"),
                                                      QStringLiteral("/CN=Alice Admin")});
    QVERIFY2(made.ok(), qPrintable(made.describe()));
    const ProcessResult paired = setup(m_root,
                                       {QStringLiteral("pair"),
                                        QStringLiteral("--user"),
                                        QStringLiteral("alice"),
                                        QStringLiteral("--cert"),
                                        adminCert,
                                        QStringLiteral("--passwd"),
                                        passwd});
    QVERIFY2(paired.ok(), qPrintable(paired.describe()));

    // The package's registrations, pointing at the built driver and module copied into the tree. The module file
    // names the library relative to p11-kit's module directory, as some distributions' files do.
    const QString ifdPath = QStringLiteral("/usr/lib/pcsc/drivers/serial/libifd-sra.so");
    QVERIFY(copyInto(qEnvironmentVariable("SRA_IFD_MODULE"), m_root + ifdPath));
    QVERIFY(copyInto(qEnvironmentVariable("SRA_PKCS11_MODULE"),
                     m_root + m_p11ModulePath + QStringLiteral("/libsra-pkcs11.so")));
    QVERIFY(writeFile(
        m_root + m_readerConfDir + QStringLiteral("/sra"),
        "# another reader first\nFRIENDLYNAME \"Serial\"\nDEVICENAME /dev/null\nLIBPATH "
        "/usr/lib/pcsc/drivers/serial/other.so\n"
        "CHANNELID 1\n\nFRIENDLYNAME \"SRA Virtual Card Reader\"\nDEVICENAME sra:/run/secure-remote-access/local.sock\n"
        "LIBPATH "
            + ifdPath.toUtf8() + "\nCHANNELID 0\n"));
    QVERIFY(writeFile(m_root + m_p11ModuleDir + QStringLiteral("/sra-pkcs11.module"),
                      "module: libsra-pkcs11.so\ntrust-policy: no\n"));

    QVERIFY2(startSrad(m_sradProcess, m_root), m_sradProcess.readAll().constData());
    const ProcessResult fingerprint =
        sra::test::runProcess(m_srad, {QStringLiteral("--root"), m_root, QStringLiteral("--fingerprint")});
    QVERIFY2(fingerprint.ok(), qPrintable(fingerprint.describe()));

    const QStringList before = snapshot(m_root);
    const CheckOutput out = check(m_root);
    QVERIFY2(out.result.ok(), qPrintable(out.describe()));
    QCOMPARE(out.lines.size(), 9); // the nine items; an existing paired account has no line of its own
    for (const QString& line : out.lines) {
        QVERIFY2(line.startsWith(QLatin1String("OK   ")), qPrintable(out.describe()));
    }
    QVERIFY2(out.line(QStringLiteral("TLS identity"))
                 .contains(QStringLiteral("SHA-256 %1,").arg(QString::fromUtf8(fingerprint.out).trimmed())),
             qPrintable(out.describe()));
    QVERIFY2(out.line(QStringLiteral("license")).contains(QStringLiteral("customer Example GmbH")),
             qPrintable(out.describe()));
    QVERIFY2(out.line(listeningItem()).contains(QStringLiteral("srad is listening on 127.0.0.1:%1").arg(m_port)),
             qPrintable(out.describe()));
    QVERIFY2(out.line(QStringLiteral("paired accounts")).contains(QStringLiteral("1 paired certificate(s) (alice)")),
             qPrintable(out.describe()));
    QVERIFY2(out.line(QStringLiteral("pcscd driver")).contains(ifdPath), qPrintable(out.describe()));
    QVERIFY2(out.line(QStringLiteral("PKCS#11 module"))
                 .contains(m_root + m_p11ModulePath + QStringLiteral("/libsra-pkcs11.so")),
             qPrintable(out.describe()));
    QCOMPARE(snapshot(m_root), before);
    QCOMPARE(m_sradProcess.state(), QProcess::Running);

    // An account that the tree does not have fails on a line of its own.
    const ProcessResult bob = setup(m_root,
                                    {QStringLiteral("pair"),
                                     QStringLiteral("--user"),
                                     QStringLiteral("bob"),
                                     QStringLiteral("--cert"),
                                     adminCert,
                                     QStringLiteral("--allow-unknown-user")});
    QVERIFY2(bob.ok(), qPrintable(bob.describe()));
    const CheckOutput withBob = check(m_root);
    QCOMPARE(withBob.result.exitCode, 1);
    QVERIFY2(withBob.fails(QStringLiteral("paired account bob"), QStringLiteral("no such account in %1").arg(passwd)),
             qPrintable(withBob.describe()));
    QVERIFY2(withBob.line(QStringLiteral("paired account bob")).contains(QStringLiteral("unpair --user bob")),
             qPrintable(withBob.describe()));
    QVERIFY(setup(m_root, {QStringLiteral("unpair"), QStringLiteral("--user"), QStringLiteral("bob")}).ok());
    // (pairing bob replaced alice's pairing of the same key; pair alice again for the next steps)
    QVERIFY(setup(m_root,
                  {QStringLiteral("pair"),
                   QStringLiteral("--user"),
                   QStringLiteral("alice"),
                   QStringLiteral("--cert"),
                   adminCert,
                   QStringLiteral("--passwd"),
                   passwd})
                .ok());
    QVERIFY2(check(m_root).result.ok(), "the tree is back to all OK");
}

void TestSradCheck::stopped()
{
    QVERIFY(stopSrad(m_sradProcess));
    const CheckOutput out = check(m_root);
    QCOMPARE(out.result.exitCode, 1);
    QVERIFY2(out.fails(listeningItem(), QStringLiteral("nothing listens on 127.0.0.1:%1").arg(m_port)),
             qPrintable(out.describe()));
    QVERIFY2(out.fails(listeningItem(), QStringLiteral("systemctl start srad (why it stopped: journalctl -u srad)")),
             qPrintable(out.describe()));
    QVERIFY2(out.fails(QStringLiteral("local socket"), QStringLiteral("systemctl start srad")),
             qPrintable(out.describe()));
    // Everything that does not need the running service stays OK.
    for (const char* item : {"configuration",
                             "license",
                             "TLS identity",
                             "paired accounts",
                             "pcscd driver",
                             "PKCS#11 module",
                             "screen sharing"}) {
        QVERIFY2(out.isOk(QLatin1String(item)), qPrintable(out.describe()));
    }
}

void TestSradCheck::anotherProgramOnThePort()
{
    // Something that is not TLS at all, as an SSH server would answer.
    QTcpServer other;
    QVERIFY(other.listen(QHostAddress::LocalHost, m_port));
    connect(&other, &QTcpServer::newConnection, &other, [&other] {
        while (QTcpSocket* socket = other.nextPendingConnection()) {
            socket->write("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
        }
    });
    const CheckOutput out = checkWithEventLoop(m_root);
    QCOMPARE(out.result.exitCode, 1);
    QVERIFY2(out.fails(listeningItem(), QStringLiteral("another program answers on 127.0.0.1:%1").arg(m_port)),
             qPrintable(out.describe()));
    QVERIFY2(out.fails(listeningItem(), QStringLiteral("ss -ltnp")), qPrintable(out.describe()));
}

void TestSradCheck::anotherIdentityOnThePort()
{
    // A second srad of another tree (another identity) on the same port.
    const QString otherRoot = m_dir.filePath(QStringLiteral("other"));
    QVERIFY(prepareRoot(otherRoot));
    QVERIFY2(startSrad(m_otherSrad, otherRoot), m_otherSrad.readAll().constData());
    const CheckOutput out = check(m_root);
    QVERIFY(stopSrad(m_otherSrad));
    QCOMPARE(out.result.exitCode, 1);
    QVERIFY2(out.fails(listeningItem(),
                       QStringLiteral("another program (or another identity) answers on 127.0.0.1:%1").arg(m_port)),
             qPrintable(out.describe()));
    // The local socket of this tree is still missing: the other srad has its own.
    QVERIFY2(out.fails(QStringLiteral("local socket"), QStringLiteral("does not exist")), qPrintable(out.describe()));
}

void TestSradCheck::brokenRegistrations()
{
    // The reader entry names another socket, and the module file a library that is not there.
    QVERIFY(writeFile(m_root + m_readerConfDir + QStringLiteral("/sra"),
                      "FRIENDLYNAME SRA\nDEVICENAME /run/elsewhere.sock\nLIBPATH "
                      "/usr/lib/pcsc/drivers/serial/libifd-sra.so\nCHANNELID 0\n"));
    QVERIFY(writeFile(m_root + m_p11ModuleDir + QStringLiteral("/sra-pkcs11.module"),
                      "module: /opt/nowhere/libsra-pkcs11.so\n"));
    CheckOutput out = check(m_root);
    QCOMPARE(out.result.exitCode, 1);
    QVERIFY2(out.fails(QStringLiteral("pcscd driver"), QStringLiteral("DEVICENAME /run/elsewhere.sock")),
             qPrintable(out.describe()));
    QVERIFY2(out.fails(QStringLiteral("pcscd driver"), QStringLiteral("systemctl restart pcscd")),
             qPrintable(out.describe()));
    QVERIFY2(out.fails(QStringLiteral("PKCS#11 module"),
                       QStringLiteral("/opt/nowhere/libsra-pkcs11.so, which does not exist")),
             qPrintable(out.describe()));

    // An entry without LIBPATH registers nothing.
    QVERIFY(writeFile(m_root + m_readerConfDir + QStringLiteral("/sra"),
                      "FRIENDLYNAME SRA\nDEVICENAME /run/secure-remote-access/local.sock\nCHANNELID 0\n"));
    out = check(m_root);
    QVERIFY2(out.fails(QStringLiteral("pcscd driver"), QStringLiteral("a reader without LIBPATH")),
             qPrintable(out.describe()));
}

QTEST_GUILESS_MAIN(TestSradCheck)
#include "TestSradCheck.moc"
