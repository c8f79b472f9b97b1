// srad's life under a service manager: it reports READY only once it listens, re-reads its configuration on
// SIGHUP (RELOADING, then READY) without dropping an authenticated session, keeps running on a broken
// configuration, says which changes need a restart, and reports STOPPING on SIGTERM. The manager's side of
// systemd's notify protocol is a datagram socket of this test's own ($NOTIFY_SOCKET), so no systemd is needed.
#include "support/Lab.h"
#include "support/Process.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstring>
#include <memory>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using sra::test::Lab;

namespace {

QString tool(const QString& relative)
{
    return sra::test::binaryDir() + QLatin1Char('/') + relative;
}

// The manager's end of the notify protocol: a bound datagram socket.
class NotifySocket
{
public:
    bool bind(const QString& path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const QByteArray p = QFile::encodeName(path);
        if (m_fd < 0 || static_cast<std::size_t>(p.size()) >= sizeof address.sun_path) {
            return false;
        }
        std::memcpy(address.sun_path, p.constData(), static_cast<std::size_t>(p.size()) + 1);
        return ::bind(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    }

    ~NotifySocket()
    {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }

    // The next notification, or empty after timeoutMs.
    QByteArray next(int timeoutMs)
    {
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) != 1) {
            return {};
        }
        char buffer[4096];
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        return n > 0 ? QByteArray(buffer, static_cast<int>(n)) : QByteArray();
    }

private:
    int m_fd = -1;
};

// How long srad takes to close a TCP connection that never starts TLS (its handshake deadline), in ms; gives
// up waiting after maxMs.
qint64 silentConnectionLifetime(quint16 port, int maxMs = 5000)
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(3000)) {
        return -1;
    }
    QElapsedTimer t;
    t.start();
    while (socket.state() == QAbstractSocket::ConnectedState && t.elapsed() < maxMs) {
        socket.waitForDisconnected(200);
    }
    return t.elapsed();
}

} // namespace

class TestSradLifecycle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void readyOnlyWhenListening();
    void reloadKeepsSessions();
    void brokenConfigurationKeepsTheRunningOne();
    void stoppingOnTerm();

private:
    QString confPath() const
    {
        return m_lab->env(QStringLiteral("SRAD_CONFIG_DIR")) + QStringLiteral("/srad.conf");
    }

    quint16 port() const
    {
        return static_cast<quint16>(m_lab->env(QStringLiteral("SRAD_PORT")).toUInt());
    }

    QByteArray sradOutput()
    {
        m_log += m_srad.readAll();
        return m_log;
    }

    std::unique_ptr<Lab> m_lab;
    QTemporaryDir m_dir;
    NotifySocket m_notify;
    QProcess m_srad;
    QProcess m_admin;
    QByteArray m_log;
};

void TestSradLifecycle::initTestCase()
{
    m_lab = std::make_unique<Lab>();
    QVERIFY2(m_lab->isUp(), qPrintable(m_lab->error()));
    QVERIFY(m_lab->runLab(QStringLiteral("srad-stop")).ok());
    QVERIFY(m_dir.isValid());
    QVERIFY(m_notify.bind(m_dir.filePath(QStringLiteral("notify"))));
}

void TestSradLifecycle::cleanupTestCase()
{
    for (QProcess* p : {&m_admin, &m_srad}) {
        if (p->state() == QProcess::Running) {
            p->kill();
            p->waitForFinished();
        }
    }
    m_lab.reset();
}

void TestSradLifecycle::readyOnlyWhenListening()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NOTIFY_SOCKET"), m_dir.filePath(QStringLiteral("notify")));
    m_srad.setProcessEnvironment(env);
    m_srad.setProcessChannelMode(QProcess::MergedChannels);
    m_srad.start(tool(QStringLiteral("remote-service/srad")),
                 {QStringLiteral("--root"), m_lab->dir() + QStringLiteral("/remote")});
    QVERIFY(m_srad.waitForStarted());
    const QByteArray ready = m_notify.next(10000);
    QVERIFY2(ready.startsWith("READY=1\n"), qPrintable(QString::fromUtf8(ready + sradOutput())));
    const QByteArray status = QByteArray("STATUS=listening on port ").append(QByteArray::number(port()));
    QVERIFY2(ready.contains(status), ready.constData());
    // READY means it listens: a connection succeeds at once.
    QTcpSocket probe;
    probe.connectToHost(QStringLiteral("127.0.0.1"), port());
    QVERIFY(probe.waitForConnected(1000));
}

void TestSradLifecycle::reloadKeepsSessions()
{
    QByteArray seen;
    QVERIFY2(sra::test::startLabAdmin(m_admin, *m_lab, {QStringLiteral("--stay")}, "Authenticated", &seen),
             seen.constData());

    const qint64 before = silentConnectionLifetime(port(), 3000);
    QVERIFY2(before > 2500, qPrintable(QString::number(before))); // the lab's deadline is longer than 3 s

    // A shorter handshake deadline applies at once; a new port only on restart, and srad says so.
    QVERIFY(m_lab->setSradConfig({
        {QStringLiteral("auth"),    QStringLiteral("handshake_timeout_ms"), QStringLiteral("1000")     },
        {QStringLiteral("network"), QStringLiteral("port"),                 QString::number(port() + 1)}
    }));
    QCOMPARE(::kill(static_cast<pid_t>(m_srad.processId()), SIGHUP), 0);
    const QByteArray reloading = m_notify.next(5000);
    QVERIFY2(reloading.startsWith("RELOADING=1\nMONOTONIC_USEC="), reloading.constData());
    const QByteArray readyAgain = m_notify.next(5000);
    QVERIFY2(readyAgain.startsWith("READY=1\n"), readyAgain.constData());
    QTRY_VERIFY_WITH_TIMEOUT(sradOutput().contains("configuration reloaded"), 3000);
    QVERIFY2(sradOutput().contains("restart srad to apply"), m_log.constData());

    const qint64 after = silentConnectionLifetime(port());
    QVERIFY2(after >= 800 && after < 2500, qPrintable(QString::number(after)));
    QCOMPARE(m_admin.state(), QProcess::Running);
    QCOMPARE(m_srad.state(), QProcess::Running);
}

void TestSradLifecycle::brokenConfigurationKeepsTheRunningOne()
{
    QFile conf(confPath());
    QVERIFY(conf.open(QIODevice::Append));
    conf.write("\n[auth]\nmax_failures = many\n");
    conf.close();
    QCOMPARE(::kill(static_cast<pid_t>(m_srad.processId()), SIGHUP), 0);
    QVERIFY(m_notify.next(5000).startsWith("RELOADING=1"));
    QVERIFY(m_notify.next(5000).startsWith("READY=1"));
    QTRY_VERIFY_WITH_TIMEOUT(sradOutput().contains("configuration not reloaded"), 3000);
    QCOMPARE(m_srad.state(), QProcess::Running);
    // Still the configuration of the last good reload.
    const qint64 lifetime = silentConnectionLifetime(port());
    QVERIFY2(lifetime >= 800 && lifetime < 2500, qPrintable(QString::number(lifetime)));
    QCOMPARE(m_admin.state(), QProcess::Running);
}

void TestSradLifecycle::stoppingOnTerm()
{
    QCOMPARE(::kill(static_cast<pid_t>(m_srad.processId()), SIGTERM), 0);
    QCOMPARE(m_notify.next(5000), QByteArray("STOPPING=1"));
    QVERIFY(m_srad.waitForFinished(10000));
    QCOMPARE(m_srad.exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_srad.exitCode(), 0);
    // The admin's session ends with the service, and it says so.
    QVERIFY(m_admin.waitForFinished(10000));
}

QTEST_GUILESS_MAIN(TestSradLifecycle)
#include "TestSradLifecycle.moc"
