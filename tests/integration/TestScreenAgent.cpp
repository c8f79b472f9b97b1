// Screen sharing through sra-screen-agent, all real: the lab's srad runs with [screen] backend = agent (as under
// the sandboxed unit, where it cannot reach the display) and agent_users = this test's uid; sra-screen-agent runs
// x11vnc -inetd on the lab's Xvfb and passes srad its end of the socketpair; an authenticated admin reads the
// test screen's quadrants through the TLS tunnel. Then: no agent (the admin is told why), an agent of a user
// that is not allowed (refused, audit-logged), the agent killed during a share (the share ends, no x11vnc is
// left), and srad restarted (the agent reconnects and the next share works).
#include "core/session/AdminSession.h"
#include "core/session/ScreenTunnel.h"
#include "core/session/SessionErrors.h"
#include "core/wire/Message.h"
#include "support/Lab.h"
#include "support/Process.h"
#include "support/ScreenSupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using sra::core::AdminSession;
using sra::core::ScreenTunnel;
using sra::test::Lab;
using sra::test::ScreenAdmin;
using sra::test::VncProbe;
namespace wire = sra::wire;

class TestScreenAgent : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void noAgentGivesClearReason();
    void quadrantsThroughAgent();
    void agentOfOtherUserRefused();
    void agentKilledEndsShare();
    void sradRestartAgentReconnects();

private:
    QString runtimeDir() const
    {
        return m_lab->env(QStringLiteral("SRAD_ROOT")) + QStringLiteral("/run/secure-remote-access");
    }

    QString agentHome() const
    {
        // Under DIR/remote/run/, where Lab::vncServerPids() and `sra-lab down` look for x11vnc.
        return m_lab->env(QStringLiteral("SRAD_ROOT")) + QStringLiteral("/run/user-agent");
    }

    QByteArray sradLog() const;
    // Starts the agent (as nobody with `asNobody`) and, unless refused is expected, waits until srad has it ready.
    bool startAgent(QProcess& agent, bool asNobody = false);
    bool waitForLog(const QByteArray& needle, int atLeast, int timeoutMs = 10000) const;
    bool noVncServerWithin(int ms) const;
    // A share through the agent, read until the quadrants show: true when they did.
    bool shareShowsQuadrants(QString& detail);
    void stopAgent(QProcess& agent);

    std::unique_ptr<Lab> m_lab;
    QTemporaryDir m_work;
    std::unique_ptr<ScreenAdmin> m_admin;
    QProcess m_agent;
    QString m_agentProgram;
};

QByteArray TestScreenAgent::sradLog() const
{
    QFile log(m_lab->dir() + QStringLiteral("/srad.log"));
    return log.open(QIODevice::ReadOnly) ? log.readAll() : QByteArray();
}

bool TestScreenAgent::waitForLog(const QByteArray& needle, int atLeast, int timeoutMs) const
{
    QElapsedTimer clock;
    clock.start();
    while (sradLog().count(needle) < atLeast) {
        if (clock.elapsed() > timeoutMs) {
            return false;
        }
        QTest::qWait(50);
    }
    return true;
}

bool TestScreenAgent::noVncServerWithin(int ms) const
{
    return sra::test::noVncServerWithin(*m_lab, ms);
}

void TestScreenAgent::initTestCase()
{
    m_lab = std::make_unique<Lab>();
    QVERIFY2(m_lab->isUp(), qPrintable(m_lab->error()));
    QVERIFY(!m_lab->display().isEmpty());
    // The lab configures the x11vnc backend (srad there may reach the display); this test is about the agent.
    QVERIFY(sra::test::changeSradConfig(*m_lab, [](sra::core::SradConfig& c) {
        c.screenBackend = QStringLiteral("agent");
        c.screenAgentUsers = {QString::number(::getuid())};
    }));
    QVERIFY(sra::test::restartSrad(*m_lab));
    QVERIFY2(QFileInfo(runtimeDir() + QStringLiteral("/screen-agent.sock")).exists(),
             sradLog().right(2000).constData());
    QVERIFY(QDir().mkpath(agentHome()));
    QVERIFY(
        QFile::setPermissions(agentHome(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));

    // The agent program from a place every user can run it from (the nobody case), under the lab directory.
    m_agentProgram = m_lab->dir() + QStringLiteral("/sra-screen-agent");
    QVERIFY(QFile::copy(sra::test::binaryDir() + QStringLiteral("/screen-agent/sra-screen-agent"), m_agentProgram));
    QVERIFY(QFile::setPermissions(m_agentProgram,
                                  QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                      | QFileDevice::ReadOther | QFileDevice::ExeOther | QFileDevice::ReadGroup
                                      | QFileDevice::ExeGroup));

    m_admin = std::make_unique<ScreenAdmin>(*m_lab, m_work.filePath(QStringLiteral("known_hosts")));
    QVERIFY2(m_admin->error().isEmpty(), qPrintable(m_admin->error()));
    VncProbe::quietLibraryLog();
}

void TestScreenAgent::cleanupTestCase()
{
    stopAgent(m_agent);
    m_admin.reset();
    if (m_lab) {
        QVERIFY(m_lab->down());
        QVERIFY(m_lab->vncServerPids().isEmpty());
    }
}

void TestScreenAgent::cleanup()
{
    QVERIFY2(noVncServerWithin(5000), "an x11vnc outlived its share");
}

void TestScreenAgent::stopAgent(QProcess& agent)
{
    if (agent.state() != QProcess::NotRunning) {
        agent.terminate();
        if (!agent.waitForFinished(5000)) {
            agent.kill();
            agent.waitForFinished(2000);
        }
    }
}

bool TestScreenAgent::startAgent(QProcess& agent, bool asNobody)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("TMPDIR"));
    if (asNobody) {
        env.remove(QStringLiteral("XDG_RUNTIME_DIR")); // its files then go to /tmp
    } else {
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), agentHome());
    }
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("sra.*.debug=true"));
    agent.setProcessEnvironment(env);
    agent.setProcessChannelMode(QProcess::MergedChannels);
    agent.setStandardOutputFile(m_lab->dir()
                                    + (asNobody ? QStringLiteral("/agent-nobody.log") : QStringLiteral("/agent.log")),
                                QIODevice::Append);
    const QStringList args{QStringLiteral("--socket"),
                           runtimeDir() + QStringLiteral("/screen-agent.sock"),
                           QStringLiteral("--display"),
                           m_lab->display()};
    if (asNobody) {
        agent.start(QStringLiteral("setpriv"),
                    QStringList{QStringLiteral("--reuid=65534"),
                                QStringLiteral("--regid=65534"),
                                QStringLiteral("--clear-groups"),
                                m_agentProgram}
                        + args);
    } else {
        agent.start(m_agentProgram, args);
    }
    return agent.waitForStarted(5000);
}

bool TestScreenAgent::shareShowsQuadrants(QString& detail)
{
    auto session = m_admin->authenticate();
    if (!session) {
        detail = QStringLiteral("no session");
        return false;
    }
    auto grant = m_admin->requestScreen(*session);
    if (!grant) {
        detail = QStringLiteral("no grant");
        return false;
    }
    ScreenTunnel tunnel;
    if (!ScreenAdmin::openTunnel(tunnel, *session, *grant)) {
        detail = QStringLiteral("no tunnel");
        return false;
    }
    VncProbe probe(tunnel.takeViewerSocket(), grant->password);
    if (!sra::test::waitProbe(probe)) {
        detail = QStringLiteral("the VNC client did not finish");
        return false;
    }
    detail = probe.result().detail;
    session->disconnectFromServer();
    return probe.result().quadrants;
}

void TestScreenAgent::noAgentGivesClearReason()
{
    auto session = m_admin->authenticate();
    QVERIFY(session);
    QSignalSpy refused(session.get(), &AdminSession::screenRefused);
    QVERIFY(!m_admin->requestScreen(*session));
    QCOMPARE(m_admin->refusedCode(), std::optional(wire::ErrorCode::ScreenNoSession));
    // The admin's sentence says what to do on the remote.
    QCOMPARE(refused.size(), 1);
    const QString message = refused.first().at(1).toString();
    QVERIFY2(message.contains(QStringLiteral("log in on its console"))
                 && message.contains(QStringLiteral("sra-screen-agent")),
             qPrintable(message));
    // srad sent (and logged) the reason itself.
    QVERIFY(
        sradLog().contains("no desktop session agent is connected: log in on the console (the agent starts with the "
                           "session) or run sra-screen-agent"));
    QCOMPARE(session->state(), AdminSession::State::Authenticated); // refused, not disconnected
    QVERIFY(m_lab->vncServerPids().isEmpty());
    session->disconnectFromServer();
}

void TestScreenAgent::quadrantsThroughAgent()
{
    const QByteArray ready = "screen agent ready: uid " + QByteArray::number(::getuid());
    QVERIFY(startAgent(m_agent));
    QVERIFY2(waitForLog(ready, 1), sradLog().right(2000).constData());

    auto session = m_admin->authenticate();
    QVERIFY(session);
    QSignalSpy ended(session.get(), &AdminSession::screenEnded);
    auto grant = m_admin->requestScreen(*session);
    QVERIFY(grant);
    // The agent's x11vnc: one, for this grant, and on no TCP port.
    const QList<qint64> vnc = m_lab->vncServerPids();
    QCOMPARE(vnc.size(), 1);
    QVERIFY2(!sra::test::listensOnTcp(vnc.first()), "x11vnc listens on TCP");
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(vnc.first()));
    QVERIFY(cmdline.open(QIODevice::ReadOnly));
    const QByteArray args = cmdline.readAll();
    QVERIFY(args.contains("-inetd") && args.contains(m_lab->display().toUtf8()));
    QVERIFY(!args.contains(grant->password));

    ScreenTunnel tunnel;
    QSignalSpy closed(&tunnel, &ScreenTunnel::closed);
    QVERIFY(ScreenAdmin::openTunnel(tunnel, *session, *grant));
    {
        VncProbe probe(tunnel.takeViewerSocket(), grant->password);
        QVERIFY(sra::test::waitProbe(probe));
        QVERIFY2(probe.result().connected, qPrintable(probe.result().detail));
        QCOMPARE(QStringLiteral("%1x%2").arg(probe.result().width).arg(probe.result().height),
                 QStringLiteral("1024x768"));
        QVERIFY2(probe.result().quadrants,
                 qPrintable(QStringLiteral("quadrant colours not seen: ") + probe.result().detail));
    }
    QVERIFY(tunnel.bytesFromServer() > 0 && tunnel.bytesToServer() > 0);
    // The viewer left: x11vnc (-once) ends, the agent reports it, the admin is told, nothing is left behind —
    // not even the password file in the agent's private directory.
    QTRY_VERIFY_WITH_TIMEOUT(closed.size() == 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(ended.size() == 1, 10000);
    QVERIFY(noVncServerWithin(5000));
    QTRY_VERIFY_WITH_TIMEOUT(QDir(agentHome())
                                 .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)
                                 .filter(QStringLiteral("sra-vnc-"))
                                 .isEmpty(),
                             5000);
    QCOMPARE(m_agent.state(), QProcess::Running);
    session->disconnectFromServer();
}

void TestScreenAgent::agentOfOtherUserRefused()
{
    if (::getuid() != 0) {
        QSKIP("starting an agent as another user (nobody) needs root; CI runs the tests as root");
    }
    // The path to the socket must be open to others, as /run and RuntimeDirectoryMode=0751 make it on a real
    // system; the lab's temporary directory is 0700.
    const QStringList path{m_lab->dir(),
                           m_lab->dir() + QStringLiteral("/remote"),
                           m_lab->env(QStringLiteral("SRAD_ROOT")) + QStringLiteral("/run"),
                           runtimeDir()};
    for (const QString& dir : path) {
        QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0711) == 0);
    }
    QVERIFY(m_agent.state() == QProcess::Running);
    const QByteArray refused = "screen agent refused: uid 65534";
    const int before = static_cast<int>(sradLog().count(refused));
    QProcess nobody;
    QVERIFY(startAgent(nobody, true));
    QVERIFY2(waitForLog(refused, before + 1), sradLog().right(2000).constData());
    QVERIFY(sradLog().contains("is neither the active user of seat0 nor listed in [screen] agent_users"));
    // The refused agent did not displace the allowed one: the next share is served, by this test's user.
    auto session = m_admin->authenticate();
    QVERIFY(session);
    QVERIFY(m_admin->requestScreen(*session));
    const QList<qint64> vnc = m_lab->vncServerPids();
    QCOMPARE(vnc.size(), 1);
    QFile status(QStringLiteral("/proc/%1/status").arg(vnc.first()));
    QVERIFY(status.open(QIODevice::ReadOnly));
    QVERIFY2(status.readAll().contains(QStringLiteral("\nUid:\t%1\t").arg(::getuid()).toUtf8()),
             "x11vnc of the wrong user");
    session->disconnectFromServer();
    stopAgent(nobody);
}

void TestScreenAgent::agentKilledEndsShare()
{
    QVERIFY(m_agent.state() == QProcess::Running);
    auto session = m_admin->authenticate();
    QVERIFY(session);
    QSignalSpy ended(session.get(), &AdminSession::screenEnded);
    auto grant = m_admin->requestScreen(*session);
    QVERIFY(grant);
    ScreenTunnel tunnel;
    QSignalSpy closed(&tunnel, &ScreenTunnel::closed);
    QVERIFY(ScreenAdmin::openTunnel(tunnel, *session, *grant));
    // A viewer that is watching (longer than this test waits).
    VncProbe probe(tunnel.takeViewerSocket(), grant->password, 60000, true);
    QTest::qWait(1000);
    QCOMPARE(m_lab->vncServerPids().size(), 1);

    ::kill(static_cast<pid_t>(m_agent.processId()), SIGKILL);
    QVERIFY(m_agent.waitForFinished(5000));
    QVERIFY2(noVncServerWithin(5000), "x11vnc outlived the agent");
    QTRY_VERIFY_WITH_TIMEOUT(ended.size() == 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(closed.size() == 1, 10000);
    QVERIFY(sra::test::waitProbe(probe));
    QVERIFY(probe.result().connected);
    QCOMPARE(session->state(), AdminSession::State::Authenticated);
    // Without an agent the next request is refused with the reason again.
    QVERIFY(!m_admin->requestScreen(*session));
    QCOMPARE(m_admin->refusedCode(), std::optional(wire::ErrorCode::ScreenNoSession));
    session->disconnectFromServer();
}

void TestScreenAgent::sradRestartAgentReconnects()
{
    const QByteArray ready = "screen agent ready: uid " + QByteArray::number(::getuid());
    const int before = static_cast<int>(sradLog().count(ready));
    QVERIFY(startAgent(m_agent));
    QVERIFY2(waitForLog(ready, before + 1), sradLog().right(2000).constData());

    QVERIFY(sra::test::restartSrad(*m_lab));
    // The agent notices, keeps trying, and is in again (its backoff is at most a few seconds).
    QVERIFY2(waitForLog(ready, before + 2, 15000), sradLog().right(2000).constData());
    QCOMPARE(m_agent.state(), QProcess::Running);
    QString detail;
    QVERIFY2(shareShowsQuadrants(detail), qPrintable(detail));
}

QTEST_GUILESS_MAIN(TestScreenAgent)
#include "TestScreenAgent.moc"
