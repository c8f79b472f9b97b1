// Screen sharing end to end, all real: the lab's srad starts x11vnc on the lab's Xvfb (sra-test-screen shows
// four known quadrants), AdminSession authenticates with the soft card through pcscd, ScreenTunnel opens the
// second TLS connection, and libvncclient reads the framebuffer over the tunnel's socketpair (on a thread of
// its own, as the GUI's view does). Then what must not work: a reused or expired ticket, a wrong VNC
// password, another server identity, hostile stream connections — and no x11vnc may survive its grant or
// ever listen on TCP.
#include "core/remote/SradConfig.h"
#include "core/session/AdminSession.h"
#include "core/session/KnownHosts.h"
#include "core/session/PcscSessionSigner.h"
#include "core/session/ScreenGrant.h"
#include "core/session/ScreenTunnel.h"
#include "core/wire/Message.h"
#include "support/Lab.h"
#include "support/Process.h"
#include "support/RawSradClient.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <rfb/rfbclient.h>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include <unistd.h>

using sra::core::AdminSession;
using sra::core::ScreenGrant;
using sra::core::ScreenTunnel;
using sra::test::Lab;
using sra::test::RawSradClient;
namespace wire = sra::wire;

namespace {

// What a VNC client saw through the tunnel.
struct VncResult
{
    bool connected = false;   // rfbInitClient succeeded (RFB handshake and VNC authentication)
    bool quadrants = false;   // the four colours were seen at the four quadrant centres
    int width = 0;
    int height = 0;
    QString detail;
};

// libvncclient on a socket we hold (PLATFORM.md: client->sock + listenSpecified), run on its own thread like
// the GUI's worker. It keeps handling updates until the quadrants show (the first update can be black) or
// `timeoutMs` passed, then closes the connection (rfbClientCleanup closes the socket).
class VncProbe
{
public:
    // keepReading: stay connected for all of timeoutMs even after the quadrants were seen (a viewer that is
    // still watching when the test pulls something else away).
    VncProbe(int fd, QByteArray password, int timeoutMs = 6000, bool keepReading = false)
        : m_password(std::move(password))
        , m_keepReading(keepReading)
    {
        m_thread = std::thread([this, fd, timeoutMs] { run(fd, timeoutMs); });
    }

    ~VncProbe()
    {
        if (m_thread.joinable()) {
            m_thread.join();
        }
    }

    bool done() const
    {
        return m_done.load();
    }

    // Only after done().
    const VncResult& result() const
    {
        return m_result;
    }

private:
    static char* getPassword(rfbClient* client)
    {
        auto* self = static_cast<VncProbe*>(rfbClientGetClientData(client, &kTag));
        return strdup(self->m_password.constData()); // libvncclient frees it
    }

    static bool colourAt(rfbClient* c, int x, int y, quint32 want)
    {
        const auto* fb = reinterpret_cast<const quint32*>(c->frameBuffer);
        const quint32 p = fb[y * c->width + x];
        const auto channel = [&](int shift, int max) { return ((p >> shift) & max) * 255 / max; };
        const quint32 rgb = (quint32(channel(c->format.redShift, c->format.redMax)) << 16)
                            | (quint32(channel(c->format.greenShift, c->format.greenMax)) << 8)
                            | quint32(channel(c->format.blueShift, c->format.blueMax));
        return rgb == want;
    }

    void run(int fd, int timeoutMs)
    {
        rfbClient* client = rfbGetClient(8, 3, 4); // 32 bits per pixel, true colour
        rfbClientSetClientData(client, &kTag, this);
        client->GetPassword = &VncProbe::getPassword;
        client->sock = fd;
        client->listenSpecified = TRUE;
        int argc = 0;
        if (!rfbInitClient(client, &argc, nullptr)) { // frees the client (and closes fd) on failure
            m_result.detail = QStringLiteral("rfbInitClient failed");
            m_done = true;
            return;
        }
        m_result.connected = true;
        m_result.width = client->width;
        m_result.height = client->height;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < timeoutMs) {
            const int n = WaitForMessage(client, 100 * 1000);
            if (n < 0) {
                m_result.detail = QStringLiteral("WaitForMessage failed");
                break;
            }
            if (n > 0 && !HandleRFBServerMessage(client)) {
                m_result.detail = QStringLiteral("HandleRFBServerMessage failed");
                break;
            }
            const int w = client->width;
            const int h = client->height;
            if (colourAt(client, w / 4, h / 4, 0xff0000) && colourAt(client, 3 * w / 4, h / 4, 0x00ff00)
                && colourAt(client, w / 4, 3 * h / 4, 0x0000ff) && colourAt(client, 3 * w / 4, 3 * h / 4, 0xffffff)) {
                m_result.quadrants = true;
                if (!m_keepReading) {
                    break;
                }
            }
        }
        rfbClientCleanup(client);
        m_done = true;
    }

    static inline int kTag = 0;
    QByteArray m_password;
    bool m_keepReading;
    VncResult m_result;
    std::atomic<bool> m_done{false};
    std::thread m_thread;
};

// Waits in the event loop until `probe` is done (the tunnel needs the loop to move bytes).
bool waitProbe(const VncProbe& probe, int timeoutMs = 15000)
{
    QElapsedTimer clock;
    clock.start();
    while (!probe.done() && clock.elapsed() < timeoutMs) {
        QTest::qWait(20);
    }
    return probe.done();
}

void quietLog(const char*, ...) {}

bool listensOnTcp(qint64 pid)
{
    const auto r = sra::test::runProcess(QStringLiteral("ss"), {QStringLiteral("-ltnpH")});
    return r.out.contains(QStringLiteral("pid=%1,").arg(pid).toUtf8());
}

} // namespace

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
    // An authenticated session (host accepted, PIN from the lab) or nullptr.
    std::unique_ptr<AdminSession> authenticate();
    std::optional<ScreenGrant> requestScreen(AdminSession& session);
    bool setScreenConfig(const std::function<void(sra::core::SradConfig&)>& change);
    bool restartSrad();
    quint16 port() const
    {
        return m_lab->env(QStringLiteral("SRAD_PORT")).toUShort();
    }
    bool noVncServerWithin(int ms) const;
    // Opens `tunnel` for the grant and waits until it is open (true) or has failed (false).
    static bool openTunnel(ScreenTunnel& tunnel, const AdminSession& session, const ScreenGrant& grant);

    std::unique_ptr<Lab> m_lab;
    QTemporaryDir m_work;
    std::unique_ptr<sra::core::PcscSessionSigner> m_signer;
    std::unique_ptr<sra::core::KnownHosts> m_knownHosts;
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
    qputenv("PCSCLITE_CSOCK_NAME", m_lab->env(QStringLiteral("ADMIN_PCSCLITE_CSOCK_NAME")).toUtf8());
    m_signer = std::make_unique<sra::core::PcscSessionSigner>();
    auto opened = m_signer->open();
    QVERIFY2(opened.ok(), opened.ok() ? "" : opened.error().detail.c_str());
    m_knownHosts = std::make_unique<sra::core::KnownHosts>(m_work.filePath(QStringLiteral("known_hosts")));
    rfbClientLog = &quietLog; // libvncclient's chatter; failures show in the results
}

void TestScreenShare::cleanupTestCase()
{
    m_signer.reset();
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
    QElapsedTimer clock;
    clock.start();
    while (!m_lab->vncServerPids().isEmpty()) {
        if (clock.elapsed() > ms) {
            return false;
        }
        QTest::qWait(50);
    }
    return true;
}

bool TestScreenShare::openTunnel(ScreenTunnel& tunnel, const AdminSession& session, const ScreenGrant& grant)
{
    tunnel.open(session, grant);
    QElapsedTimer clock;
    clock.start();
    while (tunnel.state() != ScreenTunnel::State::Open && tunnel.state() != ScreenTunnel::State::Closed
           && clock.elapsed() < 10000) {
        QTest::qWait(10);
    }
    return tunnel.state() == ScreenTunnel::State::Open;
}

bool TestScreenShare::setScreenConfig(const std::function<void(sra::core::SradConfig&)>& change)
{
    sra::core::SradPaths paths;
    paths.root = m_lab->env(QStringLiteral("SRAD_ROOT"));
    sra::core::SradConfig config;
    QString error;
    if (!sra::core::SradConfig::load(paths, QString(), config, error)) {
        qWarning() << error;
        return false;
    }
    change(config);
    if (!config.save(QString(), error)) {
        qWarning() << error;
        return false;
    }
    return true;
}

bool TestScreenShare::restartSrad()
{
    const auto stop = m_lab->runLab(QStringLiteral("srad-stop"));
    const auto start = m_lab->runLab(QStringLiteral("srad-start"));
    if (!stop.ok() || !start.ok()) {
        qWarning() << stop.describe() << start.describe();
        return false;
    }
    return true;
}

std::unique_ptr<AdminSession> TestScreenShare::authenticate()
{
    auto session = std::make_unique<AdminSession>(m_signer.get(), m_knownHosts.get());
    const QByteArray pin = m_lab->env(QStringLiteral("SOFTCARD_PIN")).toUtf8();
    connect(session.get(), &AdminSession::hostDecisionNeeded, session.get(), [s = session.get()] { s->acceptHost(); });
    connect(session.get(), &AdminSession::pinRequested, session.get(), [s = session.get(), pin](int, const QString& reason) {
        if (!reason.isEmpty()) {
            s->cancel();
            return;
        }
        s->providePin(sra::piv::SecureBytes(pin.begin(), pin.end()));
    });
    session->connectToServer(QStringLiteral("127.0.0.1:%1").arg(port()));
    QElapsedTimer clock;
    clock.start();
    while (session->state() != AdminSession::State::Authenticated && session->state() != AdminSession::State::Closed
           && clock.elapsed() < 30000) {
        QTest::qWait(10);
    }
    if (session->state() != AdminSession::State::Authenticated) {
        qWarning() << "authentication failed:" << session->failureMessage();
        return nullptr;
    }
    return session;
}

std::optional<ScreenGrant> TestScreenShare::requestScreen(AdminSession& session)
{
    QSignalSpy granted(&session, &AdminSession::screenGranted);
    QSignalSpy refused(&session, &AdminSession::screenRefused);
    if (!session.requestScreen()) {
        return std::nullopt;
    }
    QElapsedTimer clock;
    clock.start();
    while (granted.isEmpty() && refused.isEmpty() && clock.elapsed() < 15000) {
        QTest::qWait(10);
    }
    if (granted.isEmpty()) {
        qWarning() << "no grant:" << (refused.isEmpty() ? QStringLiteral("timeout") : refused.first().at(1).toString());
        return std::nullopt;
    }
    return granted.first().first().value<ScreenGrant>();
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
    QVERIFY2(ended.first().first().toString().contains(QStringLiteral("expired")), qPrintable(ended.first().first().toString()));
    QVERIFY(noVncServerWithin(3000));

    ScreenTunnel tunnel;
    QSignalSpy failed(&tunnel, &ScreenTunnel::failed);
    tunnel.open(*session, *grant);
    QTRY_VERIFY_WITH_TIMEOUT(failed.size() == 1, 10000);
    QCOMPARE(tunnel.refusedCode(), std::optional(wire::ErrorCode::TicketExpired));
    QVERIFY2(failed.first().at(1).toString().contains(QStringLiteral("expired")), qPrintable(failed.first().at(1).toString()));
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
    tunnel.open(session->host(), session->port(), QCryptographicHash::hash("another server", QCryptographicHash::Sha256),
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
        open.set(wire::Field::Ticket, sra::piv::ByteView(reinterpret_cast<const std::uint8_t*>(ticket.constData()), 32));
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
        const auto frame = wire::encodeFrame(static_cast<std::uint8_t>(wire::MessageType::StreamOpen),
                                             sra::piv::ByteView(reinterpret_cast<const std::uint8_t*>(payload.constData()),
                                                                static_cast<std::size_t>(payload.size())));
        QVERIFY(client.sendRaw(QByteArray(reinterpret_cast<const char*>(frame.data()), static_cast<qsizetype>(frame.size()))));
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
    QVERIFY2(refused.first().at(1).toString().contains(QStringLiteral("sra-setup -s")), qPrintable(refused.first().at(1).toString()));
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
