#include "support/ScreenSupport.h"

#include "support/Process.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <rfb/rfbclient.h>

#include <cstring>

namespace sra::test {

namespace {
int kClientTag = 0;

char* probePassword(rfbClient* client)
{
    const auto* password = static_cast<const QByteArray*>(rfbClientGetClientData(client, &kClientTag));
    return strdup(password->constData()); // libvncclient frees it
}

bool colourAt(rfbClient* c, int x, int y, quint32 want)
{
    const auto* fb = reinterpret_cast<const quint32*>(c->frameBuffer);
    const quint32 p = fb[y * c->width + x];
    const auto channel = [&](int shift, int max) { return ((p >> shift) & max) * 255 / max; };
    const quint32 rgb = (quint32(channel(c->format.redShift, c->format.redMax)) << 16)
                        | (quint32(channel(c->format.greenShift, c->format.greenMax)) << 8)
                        | quint32(channel(c->format.blueShift, c->format.blueMax));
    return rgb == want;
}

void quietLog(const char*, ...) {}
} // namespace

VncProbe::VncProbe(int fd, QByteArray password, int timeoutMs, bool keepReading)
    : m_password(std::move(password))
    , m_keepReading(keepReading)
{
    m_thread = std::thread([this, fd, timeoutMs] { run(fd, timeoutMs); });
}

VncProbe::~VncProbe()
{
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void VncProbe::quietLibraryLog()
{
    rfbClientLog = &quietLog;
}

void VncProbe::run(int fd, int timeoutMs)
{
    rfbClient* client = rfbGetClient(8, 3, 4); // 32 bits per pixel, true colour
    rfbClientSetClientData(client, &kClientTag, &m_password);
    client->GetPassword = &probePassword;
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

bool waitProbe(const VncProbe& probe, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!probe.done() && clock.elapsed() < timeoutMs) {
        QTest::qWait(20);
    }
    return probe.done();
}

bool noVncServerWithin(const Lab& lab, int ms)
{
    QElapsedTimer clock;
    clock.start();
    while (!lab.vncServerPids().isEmpty()) {
        if (clock.elapsed() > ms) {
            return false;
        }
        QTest::qWait(50);
    }
    return true;
}

bool listensOnTcp(qint64 pid)
{
    const auto r = runProcess(QStringLiteral("ss"), {QStringLiteral("-ltnpH")});
    return r.out.contains(QStringLiteral("pid=%1,").arg(pid).toUtf8());
}

ScreenAdmin::ScreenAdmin(const Lab& lab, const QString& knownHostsFile)
    : m_lab(lab)
{
    qputenv("PCSCLITE_CSOCK_NAME", lab.env(QStringLiteral("ADMIN_PCSCLITE_CSOCK_NAME")).toUtf8());
    m_card = std::make_unique<core::CardWorker>(core::CardWorker::pcsc());
    auto opened = m_card->openAndWait();
    if (!opened.ok()) {
        m_error = QString::fromStdString(opened.error().detail);
    }
    m_knownHosts = std::make_unique<core::KnownHosts>(knownHostsFile);
}

std::unique_ptr<core::AdminSession> ScreenAdmin::authenticate()
{
    auto session = std::make_unique<core::AdminSession>(m_card.get(), m_knownHosts.get());
    const QByteArray pin = m_lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8();
    core::AdminSession* s = session.get();
    QObject::connect(s, &core::AdminSession::hostDecisionNeeded, s, [s] { s->acceptHost(); });
    QObject::connect(s, &core::AdminSession::pinRequested, s, [s, pin](int, const QString& reason) {
        if (!reason.isEmpty()) {
            s->cancel();
            return;
        }
        s->providePin(base::SecureBytes(pin.begin(), pin.end()));
    });
    s->connectToServer(QStringLiteral("127.0.0.1:%1").arg(m_lab.env(QStringLiteral("SRAD_PORT"))));
    QElapsedTimer clock;
    clock.start();
    while (s->state() != core::AdminSession::State::Authenticated && s->state() != core::AdminSession::State::Closed
           && clock.elapsed() < 30000) {
        QTest::qWait(10);
    }
    if (s->state() != core::AdminSession::State::Authenticated) {
        qWarning() << "authentication failed:" << s->failureMessage();
        return nullptr;
    }
    return session;
}

std::optional<core::ScreenGrant> ScreenAdmin::requestScreen(core::AdminSession& session)
{
    m_refusedCode.reset();
    QSignalSpy granted(&session, &core::AdminSession::screenGranted);
    QSignalSpy refused(&session, &core::AdminSession::screenRefused);
    if (!session.requestScreen()) {
        return std::nullopt;
    }
    QElapsedTimer clock;
    clock.start();
    while (granted.isEmpty() && refused.isEmpty() && clock.elapsed() < 15000) {
        QTest::qWait(10);
    }
    if (granted.isEmpty()) {
        if (!refused.isEmpty()) {
            m_refusedCode = refused.first().first().value<wire::ErrorCode>();
        }
        qWarning() << "no grant:" << (refused.isEmpty() ? QStringLiteral("timeout") : refused.first().at(1).toString());
        return std::nullopt;
    }
    return granted.first().first().value<core::ScreenGrant>();
}

bool ScreenAdmin::openTunnel(core::ScreenTunnel& tunnel,
                             const core::AdminSession& session,
                             const core::ScreenGrant& grant)
{
    tunnel.open(session, grant);
    QElapsedTimer clock;
    clock.start();
    while (tunnel.state() != core::ScreenTunnel::State::Open && tunnel.state() != core::ScreenTunnel::State::Closed
           && clock.elapsed() < 10000) {
        QTest::qWait(10);
    }
    return tunnel.state() == core::ScreenTunnel::State::Open;
}

bool changeSradConfig(const Lab& lab, const std::function<void(core::SradConfig&)>& change)
{
    core::SradPaths paths;
    paths.root = lab.env(QStringLiteral("SRAD_ROOT"));
    core::SradConfig config;
    QString error;
    if (!core::SradConfig::load(paths, QString(), config, error)) {
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

bool restartSrad(const Lab& lab)
{
    const auto stop = lab.runLab(QStringLiteral("srad-stop"));
    const auto start = lab.runLab(QStringLiteral("srad-start"));
    if (!stop.ok() || !start.ok()) {
        qWarning() << stop.describe() << start.describe();
        return false;
    }
    return true;
}

} // namespace sra::test
