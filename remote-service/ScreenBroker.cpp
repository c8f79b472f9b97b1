#include "remote-service/ScreenBroker.h"

#include "remote-service/AgentScreenBackend.h"
#include "remote-service/ScreenAgents.h"
#include "remote-service/ScreenShare.h"
#include "remote-service/ServerSession.h"
#include "remote-service/SradLogging.h"
#include "remote-service/X11VncBackend.h"

#include <QCryptographicHash>
#include <QDir>

namespace sra::srad {

ScreenBroker::ScreenBroker(const core::SradConfig& config, QObject* parent)
    : QObject(parent)
    , m_config(config)
    , m_agents(new ScreenAgents(config, this))
{
    m_clock.start();
}

void ScreenBroker::reconfigure(const core::SradConfig& config)
{
    m_config = config;
    m_agents->reconfigure(config);
    QString error;
    if (!listenForAgents(error)) {
        qCWarning(lcScreen).noquote() << error;
    }
}

bool ScreenBroker::listenForAgents(QString& error)
{
    if (m_config.screenBackend != QLatin1String("agent")) {
        return true;
    }
    return m_agents->listen(error);
}

ScreenBroker::~ScreenBroker() = default; // shares are children: their backends stop their servers

ScreenBackend* ScreenBroker::makeBackend()
{
    if (m_config.screenBackend == QLatin1String("x11vnc")) {
        X11VncBackend::Options options;
        options.program = m_config.screenX11vnc;
        options.xauthority = m_config.screenXauthority;
        options.runtimeDir = m_config.paths.runtimeDir();
        // A viewer that never comes: x11vnc gives up a little after the ticket has expired.
        options.idleTimeoutSeconds = m_config.screenTicketTtlMs / 1000 + 10;
        return new X11VncBackend(options);
    }
    if (m_config.screenBackend == QLatin1String("agent")) {
        return new AgentScreenBackend(m_agents, kAgentStartTimeoutMs);
    }
    return nullptr;
}

void ScreenBroker::refuse(ServerSession* session, wire::ErrorCode code, const char* reason)
{
    qCInfo(lcAudit).noquote() << "screen refused to account" << session->account() << "session" << session->sessionId()
                              << session->describePeer() << ":" << reason;
    wire::Message ended(wire::MessageType::ScreenEnded);
    ended.setU32(wire::Field::ErrorCode, static_cast<std::uint32_t>(code));
    ended.set(wire::Field::Reason, std::string_view(reason));
    session->sendScreenMessage(ended);
}

void ScreenBroker::request(ServerSession* session)
{
    if (m_config.screenBackend.isEmpty()) {
        refuse(session, wire::ErrorCode::ScreenNotSetUp, kNotSetUp);
        return;
    }
    for (ScreenShare* share : std::as_const(m_shares)) {
        if (share->session() == session) {
            refuse(session, wire::ErrorCode::ScreenBusy, "screen sharing is already running in this session");
            return;
        }
    }
    // The private directories of the VNC servers live under the runtime directory.
    if (!QDir().mkpath(m_config.paths.runtimeDir())) {
        qCWarning(lcScreen).noquote() << "cannot create" << m_config.paths.runtimeDir();
        refuse(session, wire::ErrorCode::ScreenFailed, "the VNC server could not be started");
        return;
    }
    ScreenBackend* backend = makeBackend();
    if (!backend) {
        refuse(session, wire::ErrorCode::ScreenFailed, "unknown screen backend");
        return;
    }
    auto* share = new ScreenShare(session, backend, m_config.screenDisplay, m_config.screenTicketTtlMs, this);
    connect(share, &ScreenShare::granted, this, &ScreenBroker::onGranted);
    connect(share, &ScreenShare::ended, this, &ScreenBroker::onEnded);
    m_shares.append(share);
    share->start();
}

void ScreenBroker::sessionEnded(ServerSession* session, const QString& reason)
{
    for (ScreenShare* share : std::as_const(m_shares)) {
        if (share->session() == session) {
            share->detachSession(reason);
        }
    }
}

void ScreenBroker::onGranted(ScreenShare* share)
{
    m_tickets.insert(share->ticketHash(), share);
}

void ScreenBroker::onEnded(ScreenShare* share)
{
    if (!share->ticketHash().isEmpty() && m_tickets.remove(share->ticketHash()) > 0) {
        // Never claimed: it ran out (or the session ended first); either way it is spent now.
        retire(share->ticketHash(), wire::ErrorCode::TicketExpired);
    }
    m_shares.removeOne(share);
    share->deleteLater();
}

std::variant<ScreenShare*, wire::ErrorCode> ScreenBroker::claim(const QByteArray& ticket)
{
    pruneRetired();
    const QByteArray hash = QCryptographicHash::hash(ticket, QCryptographicHash::Sha256);
    if (const auto it = m_retired.constFind(hash); it != m_retired.cend()) {
        return it->code;
    }
    ScreenShare* share = m_tickets.value(hash);
    if (!share) {
        return wire::ErrorCode::TicketUnknown;
    }
    if (!share->ticketValid()) {
        // Expired a moment ago and its timer has not fired yet.
        m_tickets.remove(hash);
        retire(hash, wire::ErrorCode::TicketExpired);
        share->stop(QStringLiteral("the stream ticket expired unused"));
        return wire::ErrorCode::TicketExpired;
    }
    if (streamCount() >= m_config.screenMaxStreams) {
        // The ticket stays valid: the admin may try again once another stream has ended.
        return wire::ErrorCode::TooManyConnections;
    }
    m_tickets.remove(hash);
    retire(hash, wire::ErrorCode::TicketUsed);
    return share;
}

int ScreenBroker::streamCount() const
{
    int n = 0;
    for (const ScreenShare* share : m_shares) {
        n += share->ticketUsed() ? 1 : 0;
    }
    return n;
}

void ScreenBroker::retire(const QByteArray& ticketHash, wire::ErrorCode code)
{
    if (m_retired.size() >= kRetiredMax) {
        pruneRetired();
    }
    if (m_retired.size() >= kRetiredMax) {
        // Still full of recent ones: drop the oldest (a dropped ticket then counts as unknown, still refused).
        auto oldest = m_retired.begin();
        for (auto it = m_retired.begin(); it != m_retired.end(); ++it) {
            if (it->atMs < oldest->atMs) {
                oldest = it;
            }
        }
        m_retired.erase(oldest);
    }
    m_retired.insert(ticketHash, Retired{code, m_clock.elapsed()});
}

void ScreenBroker::pruneRetired()
{
    const qint64 now = m_clock.elapsed();
    for (auto it = m_retired.begin(); it != m_retired.end();) {
        it = now - it->atMs > kRetiredKeepMs ? m_retired.erase(it) : std::next(it);
    }
}

} // namespace sra::srad
