// Screen sharing end to end, all real: the lab's srad starts x11vnc on the lab's Xvfb (sra-test-screen shows
// four known quadrants), AdminSession authenticates with the soft card through pcscd, ScreenTunnel opens the
// second TLS connection, and libvncclient reads the framebuffer over the tunnel's socketpair (on a thread of
// its own, as the GUI's view does). Then what must not work: a reused or expired ticket, a wrong VNC
// password, another server identity, hostile stream connections — and no x11vnc may survive its grant or
// ever listen on TCP.
#include "core/config/SradConfig.h"
#include "core/session/AdminSession.h"
#include "core/session/KnownHosts.h"
#include "core/session/ScreenGrant.h"
#include "core/session/ScreenTunnel.h"
#include "core/wire/Message.h"
#include "support/Lab.h"
#include "support/Process.h"
#include "support/RawSradClient.h"
#include "support/ScreenSupport.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using sra::core::AdminSession;
using sra::core::ScreenGrant;
using sra::core::ScreenTunnel;
using sra::test::Lab;
using sra::test::RawSradClient;
namespace wire = sra::wire;

using sra::test::listensOnTcp;
using sra::test::ScreenAdmin;
using sra::test::VncProbe;
using sra::test::VncResult;
using sra::test::waitProbe;

class TestScreenShare : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void quadrantsThroughTunnel();
    void expiredTicketRefused();
    void wrongVncPasswordRefused();
    void adminDisconnectEndsVncServer();
    void otherServerIdentityRefused();
    void hostileStreamConnections();
    void notSetUpGivesClearError();

private:
    std::unique_ptr<AdminSession> authenticate()
    {
        return m_admin->authenticate();
    }

    std::optional<ScreenGrant> requestScreen(AdminSession& session)
    {
        return m_admin->requestScreen(session);
    }

    bool setScreenConfig(const std::function<void(sra::core::SradConfig&)>& change)
    {
        return sra::test::changeSradConfig(*m_lab, change);
    }

    bool restartSrad()
    {
        return sra::test::restartSrad(*m_lab);
    }

    quint16 port() const
    {
        return m_lab->env(QStringLiteral("SRAD_PORT")).toUShort();
    }

    bool noVncServerWithin(int ms) const;

    static bool openTunnel(ScreenTunnel& tunnel, const AdminSession& session, const ScreenGrant& grant)
    {
        return ScreenAdmin::openTunnel(tunnel, session, grant);
    }

    std::unique_ptr<Lab> m_lab;
    QTemporaryDir m_work;
    std::unique_ptr<ScreenAdmin> m_admin;
    static constexpr int kTicketTtlMs = 3000;
};

void TestScreenShare::initTestCase()
{
    m_lab = std::make_unique<Lab>();
    QVERIFY2(m_lab->isUp(), qPrintable(m_lab->error()));
    QVERIFY(!m_lab->display().isEmpty());
    // Short tickets, so that expiry can be tested; every other test opens its tunnel at once.
    QVERIFY(setScreenConfig([](sra::core::SradConfig& c) { c.screenTicketTtlMs = kTicketTtlMs; }));
    QVERIFY(restartSrad());
    m_admin = std::make_unique<ScreenAdmin>(*m_lab, m_work.filePath(QStringLiteral("known_hosts")));
    QVERIFY2(m_admin->error().isEmpty(), qPrintable(m_admin->error()));
    VncProbe::quietLibraryLog();
}

void TestScreenShare::cleanupTestCase()
{
    m_admin.reset();
    if (m_lab) {
        QVERIFY(m_lab->down());
        QVERIFY(m_lab->vncServerPids().isEmpty());
    }
}

void TestScreenShare::init()
{
    QVERIFY2(m_lab->vncServerPids().isEmpty(), "an x11vnc of an earlier test is still running");
}

void TestScreenShare::cleanup()
{
    // Whatever a test did, its VNC server must be gone soon after.
    QVERIFY(noVncServerWithin(5000));
}

bool TestScreenShare::noVncServerWithin(int ms) const
{
    return sra::test::noVncServerWithin(*m_lab, ms);
}

void TestScreenShare::quadrantsThroughTunnel()
{
    auto session = authenticate();
    QVERIFY(session);
    QSignalSpy ended(session.get(), &AdminSession::screenEnded);
    auto grant = requestScreen(*session);
    QVERIFY(grant);
    QCOMPARE(grant->password.size(), 8);
    QCOMPARE(grant->ticket.size(), 32);
    QCOMPARE(grant->expiresInMs, kTicketTtlMs);
    for (char c : std::as_const(grant->password)) {
        QVERIFY2(QChar::fromLatin1(c).isLetterOrNumber(), grant->password.constData());
    }

    // The VNC server of this grant runs, on its private UNIX socket only.
    const QList<qint64> vnc = m_lab->vncServerPids();
    QCOMPARE(vnc.size(), 1);
    QVERIFY2(!listensOnTcp(vnc.first()), "x11vnc listens on TCP");

    ScreenTunnel tunnel;
    QSignalSpy closed(&tunnel, &ScreenTunnel::closed);
    QVERIFY(openTunnel(tunnel, *session, *grant));
    const int fd = tunnel.takeViewerSocket();
    QVERIFY(fd >= 0);
    QCOMPARE(tunnel.takeViewerSocket(), -1);

    // The ticket is spent the moment it opened a stream.
    ScreenTunnel again;
    QVERIFY(!openTunnel(again, *session, *grant));
    QCOMPARE(again.failure(), ScreenTunnel::Failure::Refused);
    QCOMPARE(again.refusedCode(), std::optional(wire::ErrorCode::TicketUsed));

    {
        VncProbe probe(fd, grant->password);
        QVERIFY(waitProbe(probe));
        const VncResult& r = probe.result();
        QVERIFY2(r.connected, qPrintable(r.detail));
        QCOMPARE(QStringLiteral("%1x%2").arg(r.width).arg(r.height), QStringLiteral("1024x768"));
        QVERIFY2(r.quadrants, qPrintable(QStringLiteral("quadrant colours not seen: ") + r.detail));
        QVERIFY2(!listensOnTcp(vnc.first()), "x11vnc listens on TCP");
    }
    QVERIFY(tunnel.bytesFromServer() > 0 && tunnel.bytesToServer() > 0); // RFB crossed both ways

    // The viewer left: the stream, then x11vnc (-once) end, and the admin is told.
    QTRY_VERIFY_WITH_TIMEOUT(closed.size() == 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(ended.size() == 1, 10000);
    QVERIFY(noVncServerWithin(5000));

    // Still spent after the grant is gone.
    ScreenTunnel late;
    QVERIFY(!openTunnel(late, *session, *grant));
    QCOMPARE(late.refusedCode(), std::optional(wire::ErrorCode::TicketUsed));

    // The session is unharmed: a new request gets a new grant with a new password and ticket.
    auto second = requestScreen(*session);
    QVERIFY(second);
    QVERIFY(second->ticket != grant->ticket);
    QVERIFY(second->password != grant->password);
    session->disconnectFromServer();
}

void TestScreenShare::expiredTicketRefused()
{
    auto session = authenticate();
    QVERIFY(session);
    QSignalSpy ended(session.get(), &AdminSession::screenEnded);
    auto grant = requestScreen(*session);
    QVERIFY(grant);
    // Unused, the grant ends at its expiry: srad stops x11vnc and says so.
    QTRY_VERIFY_WITH_TIMEOUT(ended.size() == 1, kTicketTtlMs + 5000);
    QVERIFY2(ended.first().first().toString().contains(QStringLiteral("expired")),
             qPrintable(ended.first().first().toString()));
    QVERIFY(noVncServerWithin(3000));

    ScreenTunnel tunnel;
    QSignalSpy failed(&tunnel, &ScreenTunnel::failed);
    tunnel.open(*session, *grant);
    QTRY_VERIFY_WITH_TIMEOUT(failed.size() == 1, 10000);
    QCOMPARE(tunnel.refusedCode(), std::optional(wire::ErrorCode::TicketExpired));
    QVERIFY2(failed.first().at(1).toString().contains(QStringLiteral("expired")),
             qPrintable(failed.first().at(1).toString()));
    QCOMPARE(session->state(), AdminSession::State::Authenticated);
    session->disconnectFromServer();
}

void TestScreenShare::wrongVncPasswordRefused()
{
    auto session = authenticate();
    QVERIFY(session);
    QSignalSpy ended(session.get(), &AdminSession::screenEnded);
    auto grant = requestScreen(*session);
    QVERIFY(grant);
    ScreenTunnel tunnel;
    QVERIFY(openTunnel(tunnel, *session, *grant));

    QByteArray wrong = grant->password;
    wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
    VncProbe probe(tunnel.takeViewerSocket(), wrong);
    QVERIFY(waitProbe(probe));
    QVERIFY2(!probe.result().connected, "VNC authentication with a wrong password succeeded");
    // One attempt per grant: x11vnc is gone and the admin is told.
    QTRY_VERIFY_WITH_TIMEOUT(ended.size() == 1, 10000);
    QVERIFY(noVncServerWithin(5000));
    session->disconnectFromServer();
}

void TestScreenShare::adminDisconnectEndsVncServer()
{
    auto session = authenticate();
    QVERIFY(session);
    auto grant = requestScreen(*session);
    QVERIFY(grant);
    ScreenTunnel tunnel;
    QSignalSpy closed(&tunnel, &ScreenTunnel::closed);
    QVERIFY(openTunnel(tunnel, *session, *grant));
    // The viewer is connected and reading (longer than this test waits).
    VncProbe probe(tunnel.takeViewerSocket(), grant->password, 60000, true);
    QTest::qWait(500);
    QCOMPARE(m_lab->vncServerPids().size(), 1);

    session->disconnectFromServer();
    QVERIFY2(noVncServerWithin(5000), "x11vnc outlived the admin's session");
    QTRY_VERIFY_WITH_TIMEOUT(closed.size() == 1, 10000);
    QVERIFY(waitProbe(probe));
    QVERIFY(probe.result().connected);

    // Also when the session is lost without a Bye (the admin's program died): srad notices the dropped TLS
    // connection.
    auto dropped = authenticate();
    QVERIFY(dropped);
    QVERIFY(requestScreen(*dropped));
    QCOMPARE(m_lab->vncServerPids().size(), 1);
    dropped.reset(); // aborts the socket
    QVERIFY2(noVncServerWithin(5000), "x11vnc outlived a dropped session");
}

void TestScreenShare::otherServerIdentityRefused()
{
    auto session = authenticate();
    QVERIFY(session);
    auto grant = requestScreen(*session);
    QVERIFY(grant);
    ScreenTunnel tunnel;
    QSignalSpy failed(&tunnel, &ScreenTunnel::failed);
    // As if the second connection reached someone else: the pinned fingerprint does not match.
    tunnel.open(session->host(),
                session->port(),
                QCryptographicHash::hash("another server", QCryptographicHash::Sha256),
                grant->ticket);
    QTRY_VERIFY_WITH_TIMEOUT(failed.size() == 1, 10000);
    QCOMPARE(failed.first().first().value<ScreenTunnel::Failure>(), ScreenTunnel::Failure::IdentityMismatch);
    // Nothing was presented: the ticket still works with the right identity.
    ScreenTunnel right;
    QVERIFY(openTunnel(right, *session, *grant));
    session->disconnectFromServer();
}

void TestScreenShare::hostileStreamConnections()
{
    const auto errorOf = [](const std::optional<wire::Message>& m) -> std::optional<wire::ErrorCode> {
        if (!m || m->type() != wire::MessageType::Error) {
            return std::nullopt;
        }
        return static_cast<wire::ErrorCode>(m->u32(wire::Field::ErrorCode).value_or(0));
    };
    {
        // A made-up ticket, with no session anywhere.
        RawSradClient client;
        QVERIFY(client.connect(port()));
        wire::Message open(wire::MessageType::StreamOpen);
        const QByteArray ticket(32, '\x42');
        open.set(wire::Field::Ticket,
                 sra::base::ByteView(reinterpret_cast<const std::uint8_t*>(ticket.constData()), 32));
        QVERIFY(client.send(open));
        QCOMPARE(errorOf(client.receive()), std::optional(wire::ErrorCode::TicketUnknown));
        QVERIFY(client.waitClosed());
    }
    {
        // A StreamOpen whose ticket has the wrong length.
        RawSradClient client;
        QVERIFY(client.connect(port()));
        QByteArray payload;
        payload.append(char(wire::Field::Ticket));
        payload.append(QByteArray::fromHex("00000005"));
        payload.append("short");
        const auto frame =
            wire::encodeFrame(static_cast<std::uint8_t>(wire::MessageType::StreamOpen),
                              sra::base::ByteView(reinterpret_cast<const std::uint8_t*>(payload.constData()),
                                                  static_cast<std::size_t>(payload.size())));
        QVERIFY(client.sendRaw(
            QByteArray(reinterpret_cast<const char*>(frame.data()), static_cast<qsizetype>(frame.size()))));
        QCOMPARE(errorOf(client.receive()), std::optional(wire::ErrorCode::ProtocolViolation));
        QVERIFY(client.waitClosed());
    }
    {
        // Raw RFB (a VNC viewer pointed at the SRA port) instead of a frame.
        RawSradClient client;
        QVERIFY(client.connect(port()));
        QVERIFY(client.sendRaw("RFB 003.008\n"));
        QVERIFY(client.waitClosed());
    }
    {
        // StreamReady is srad's to send; from a client it is a violation.
        RawSradClient client;
        QVERIFY(client.connect(port()));
        QVERIFY(client.send(wire::Message(wire::MessageType::StreamReady)));
        QCOMPARE(errorOf(client.receive()), std::optional(wire::ErrorCode::ProtocolViolation));
    }
    {
        // ScreenRequest before authentication.
        RawSradClient client;
        QVERIFY(client.connect(port()));
        QVERIFY(client.send(wire::Message(wire::MessageType::ScreenRequest)));
        QCOMPARE(errorOf(client.receive()), std::optional(wire::ErrorCode::ProtocolViolation));
        QCOMPARE(m_lab->vncServerPids().size(), 0);
    }
    // srad is undisturbed: a session and a screen stream still work, and the refusals are not counted as
    // failed sign-ins (authenticate() would be rate-limited otherwise after enough of them).
    auto session = authenticate();
    QVERIFY(session);
    auto grant = requestScreen(*session);
    QVERIFY(grant);
    ScreenTunnel tunnel;
    QVERIFY(openTunnel(tunnel, *session, *grant));
    VncProbe probe(tunnel.takeViewerSocket(), grant->password, 3000);
    QVERIFY(waitProbe(probe));
    QVERIFY2(probe.result().quadrants, qPrintable(probe.result().detail));
    session->disconnectFromServer();
}

void TestScreenShare::notSetUpGivesClearError()
{
    QVERIFY(setScreenConfig([](sra::core::SradConfig& c) { c.screenBackend.clear(); }));
    QVERIFY(restartSrad());
    auto session = authenticate();
    QVERIFY(session);
    QSignalSpy refused(&session.operator*(), &AdminSession::screenRefused);
    QVERIFY(session->requestScreen());
    QVERIFY(!session->requestScreen()); // one at a time
    QTRY_VERIFY_WITH_TIMEOUT(refused.size() == 1, 10000);
    QCOMPARE(refused.first().first().value<wire::ErrorCode>(), wire::ErrorCode::ScreenNotSetUp);
    QVERIFY2(refused.first().at(1).toString().contains(QStringLiteral("sra-setup -s")),
             qPrintable(refused.first().at(1).toString()));
    // Refused, not disconnected.
    QCOMPARE(session->state(), AdminSession::State::Authenticated);
    QVERIFY(m_lab->vncServerPids().isEmpty());
    QFile log(m_lab->dir() + QStringLiteral("/srad.log"));
    QVERIFY(log.open(QIODevice::ReadOnly));
    QVERIFY(log.readAll().contains("screen sharing is not set up on this machine: run sra-setup -s"));
    session->disconnectFromServer();
}

QTEST_GUILESS_MAIN(TestScreenShare)
#include "TestScreenShare.moc"
