#pragma once

#include "core/wire/Message.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

class QSslSocket;

namespace sra::srad {

class ScreenBackend;
class ScreenStream;
class ServerSession;

// One screen grant on srad: the VNC server started for one ScreenRequest, its one-time password and its
// single-use stream ticket, and — once the admin presents the ticket — the stream. It tells the admin
// (ScreenGrant when the server is ready, ScreenEnded when it is over) and writes the audit lines.
//
// Whatever ends first ends all of it: the VNC server stopping (x11vnc -once exits when the viewer leaves),
// the stream closing, the ticket expiring unused, the admin's session ending, or stop(). ended() comes once,
// after the VNC server is gone and the stream is closed.
class ScreenShare : public QObject
{
    Q_OBJECT

public:
    enum class State
    {
        Starting,  // VNC server starting
        Granted,   // ScreenGrant sent, ticket valid until its expiry
        Streaming, // ticket used: the stream runs
        Ending,
    };

    // Takes ownership of `backend`.
    ScreenShare(ServerSession* session,
                ScreenBackend* backend,
                const QString& display,
                int ticketTtlMs,
                QObject* parent = nullptr);
    ~ScreenShare() override;

    void start();
    // The ticket was accepted for a stream connection (see ScreenBroker::claim): take the socket.
    void attachStream(QSslSocket* tls, const QString& peer);
    void stop(const QString& reason);
    // The session is going away: stop, and send it nothing more.
    void detachSession(const QString& reason);

    State state() const
    {
        return m_state;
    }

    ServerSession* session() const
    {
        return m_session;
    }

    // SHA-256 of the ticket (empty before the grant); the broker indexes by it, so the ticket itself is not
    // kept as a lookup key.
    QByteArray ticketHash() const
    {
        return m_ticketHash;
    }

    bool ticketValid() const
    {
        return m_state == State::Granted && !m_ticketDeadline.hasExpired();
    }

    bool ticketUsed() const
    {
        return m_ticketUsed;
    }

    qint64 vncProcessId() const;

Q_SIGNALS:
    void granted(sra::srad::ScreenShare* share);
    void ended(sra::srad::ScreenShare* share);

private:
    void onBackendStarted(const QString& endpoint);
    void onBackendFinished(const QString& reason);
    void onStreamFinished(const QString& reason);
    void concludeIfDone();
    void sendToSession(const wire::Message& message);
    QString who() const;

    QPointer<ServerSession> m_session;
    QString m_account;
    QString m_sessionId;
    QString m_sessionPeer;
    ScreenBackend* m_backend;
    ScreenStream* m_stream = nullptr;
    QString m_display;
    int m_ticketTtlMs;
    QByteArray m_password;
    QByteArray m_ticketHash;
    QDeadlineTimer m_ticketDeadline;
    QTimer m_expiry;
    State m_state = State::Starting;
    QString m_reason;
    std::optional<wire::ErrorCode> m_failure;
    QString m_failureReason; // for the admin, when the backend refused with a reason of its own
    bool m_ticketUsed = false;
    bool m_backendDone = false;
    bool m_streamDone = false;
    bool m_concluded = false;
};

} // namespace sra::srad
