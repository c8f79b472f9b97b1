#pragma once

#include "core/config/SradConfig.h"
#include "core/wire/Message.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>

#include <variant>

class QSslSocket;

namespace sra::srad {

class ScreenAgents;
class ScreenBackend;
class ScreenShare;
class ServerSession;

// srad's screen sharing: answers ScreenRequest from authenticated sessions (one screen per session at a time),
// keeps the live grants and their tickets, and admits stream connections.
//
// Tickets are single use: claim() takes one out of the table, and a ticket that was used or expired is
// remembered (as a SHA-256, for kRetiredKeepMs) so that its second presentation is told apart from a
// made-up one. At most `[screen] max_streams` streams run at once over all sessions.
class ScreenBroker : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kRetiredKeepMs = 10 * 60 * 1000;
    static constexpr int kRetiredMax = 4096;
    static constexpr int kAgentStartTimeoutMs = 10000;
    static constexpr const char* kNotSetUp = "screen sharing is not set up on this machine: run sra-setup -s";

    explicit ScreenBroker(const core::SradConfig& config, QObject* parent = nullptr);
    ~ScreenBroker() override;

    // A reloaded configuration (SIGHUP): applies to grants from now on; running shares keep their server.
    // Switching to backend = agent opens the agents' socket now.
    void reconfigure(const core::SradConfig& config);

    // At start-up: with [screen] backend = agent, the socket the desktop session agents connect to.
    bool listenForAgents(QString& error);

    ScreenAgents& agents()
    {
        return *m_agents;
    }

    // An authenticated session sent ScreenRequest: it is answered (ScreenGrant, or ScreenEnded with a code).
    void request(ServerSession* session);
    // The session is closing, or lost its connection: its screen (if any) stops.
    void sessionEnded(ServerSession* session, const QString& reason = QStringLiteral("the admin's session ended"));

    // A stream connection presented `ticket`: the grant it opens, or why not.
    std::variant<ScreenShare*, wire::ErrorCode> claim(const QByteArray& ticket);

    int streamCount() const;

    int shareCount() const
    {
        return static_cast<int>(m_shares.size());
    }

private:
    ScreenBackend* makeBackend();
    void refuse(ServerSession* session, wire::ErrorCode code, const char* reason);
    void onGranted(ScreenShare* share);
    void onEnded(ScreenShare* share);
    void retire(const QByteArray& ticketHash, wire::ErrorCode code);
    void pruneRetired();

    core::SradConfig m_config;
    ScreenAgents* m_agents;
    QList<ScreenShare*> m_shares;
    QHash<QByteArray, ScreenShare*> m_tickets; // SHA-256(ticket) → grant, while the ticket is unused

    struct Retired
    {
        wire::ErrorCode code;
        qint64 atMs;
    };

    QHash<QByteArray, Retired> m_retired;
    QElapsedTimer m_clock;
};

} // namespace sra::srad
