#pragma once

#include "core/base/Bytes.h"
#include "core/wire/Frame.h"
#include "core/wire/Message.h"
#include "remote-service/CardOwner.h"

#include <QByteArray>
#include <QHostAddress>
#include <QObject>
#include <QSslCertificate>
#include <QTimer>

#include <optional>

class QSslSocket;

namespace sra::srad {

class SradService;

// One admin connection on the server: TLS 1.3 handshake, then Hello → Challenge → AuthResponse → AuthOk.
// Everything it needs from the rest of the service (license, pairings, limits) it asks the SradService for
// at the moment it needs it, so a license or pairing installed while srad runs counts from the next attempt.
//
// Any violation — a malformed or oversized frame, a message out of order, the handshake deadline — gets a
// typed Error and the connection is closed; nothing a peer sends can affect other sessions.
//
// An authenticated session whose connection drops without an orderly end (no Bye, no Error: the link broke or
// went silent) is Suspended for [network] resume_grace_ms instead of closed: the card stays inserted, and a new
// connection whose first message is Resume{SessionId, ResumeToken} takes the session up again
// (docs/PROTOCOL.md, "Resuming a session"; the suspend/resume half is ServerSessionResume.cpp).
class ServerSession : public CardOwner
{
    Q_OBJECT

public:
    enum class State
    {
        TlsHandshake,
        AwaitHello,
        AwaitResponse,
        Authenticated,
        Suspended, // authenticated, the connection lost: held (with the card) for a Resume until the grace ends
        Closing,
    };

    // Takes ownership of the socket descriptor. `refuseWith` set: answer only that error after TLS (used for
    // connections beyond the unauthenticated limit).
    ServerSession(qintptr socketDescriptor,
                  SradService* service,
                  std::optional<wire::ErrorCode> refuseWith,
                  QObject* parent = nullptr);
    ~ServerSession() override;

    State state() const
    {
        return m_state;
    }

    bool isAuthenticated() const
    {
        return m_state == State::Authenticated;
    }

    // Authenticated, or suspended waiting for a Resume: a signed-in admin's session for the service's limits.
    bool holdsSession() const
    {
        return m_state == State::Authenticated || m_state == State::Suspended;
    }

    // Whether a Resume may take this session up: it holds a session and handed out a token for it.
    bool isResumable() const
    {
        return holdsSession() && !m_resumeToken.empty();
    }

    QHostAddress peerAddress() const
    {
        return m_peer;
    }

    QString account() const override
    {
        return m_account;
    }

    QString sessionId() const override
    {
        return m_sessionId;
    }

    // The card relay sends the admin a RelayVerifyPin or RelaySign through here. Dropped while suspended: the
    // relay keeps the request and sends it again after the resume (CardRelay::resendPending).
    void sendRelayRequest(const wire::Message& message) override;

    // Screen sharing sends the admin ScreenGrant / ScreenEnded through here.
    void sendScreenMessage(const wire::Message& message)
    {
        if (m_socket && m_state == State::Authenticated) {
            send(message);
        }
    }

    // Any other message for the admin of an authenticated session (CardLogin, …); dropped otherwise.
    void sendToAdmin(const wire::Message& message) override
    {
        sendScreenMessage(message);
    }

    QString describePeer() const;

    // srad is stopping: an authenticated admin is told with Bye (an orderly end, so it does not try to resume a
    // session that a stopped srad no longer holds), written out before the process goes.
    void sayGoodbye(const QString& reason);

    // A Resume names this session (ServerSessionResume.cpp). checkResume(): the token, then the admin's
    // certificate and pairing as they are now; the error to refuse the new connection with, `countsAsFailure`
    // set for a wrong token (this session stays as it was then), and this session ended when its certificate or
    // pairing no longer holds. takeOver(): this session continues on `socket` (any old connection of it is
    // aborted, without suspension or card removal) and answers AuthOk with a fresh token.
    struct ResumeRefusal
    {
        wire::ErrorCode code;
        QString detail;
        bool countsAsFailure;
    };

    std::optional<ResumeRefusal> checkResume(base::ByteView token);
    void takeOver(QSslSocket* socket, const QString& clientName);

Q_SIGNALS:
    void authenticated(sra::srad::ServerSession* session);
    void finished(sra::srad::ServerSession* session);

private:
    void attachSocket(QSslSocket* socket);
    QSslSocket* detachSocket();
    void onEncrypted();
    void onReadyRead();
    void onDisconnected();
    void handle(const wire::Message& message);
    // License and rate limit, as Hello and Resume both need them first; false when refused.
    bool admitted(bool checkLicense);
    void handleHello(const wire::Message& message);
    void handleAuthResponse(const wire::Message& message);
    void handleStreamOpen(const wire::Message& message);
    void handleResume(const wire::Message& message);
    void send(const wire::Message& message);
    void refuse(wire::ErrorCode code, const QString& logDetail, bool countsAsFailure, quint32 retryAfterMs = 0);
    // `cardReason`: why the inserted card leaves the remote, for the audit log and the removal policy.
    void close(const QString& cardReason = QStringLiteral("the admin's session ended"));
    void emitFinished();

    // ServerSessionResume.cpp
    // The connection went away without an orderly end: suspend (grace > 0 and a token was handed out), else close.
    void connectionLost(const QString& why);
    void suspend(const QString& why, int graceMs);
    void onGraceExpired();
    // A fresh single-use token for AuthOk (and the grace that goes with it), or nothing when resuming is off.
    void addResumeToken(wire::Message& authOk);
    void sendAuthOk();

    SradService* m_service;
    QSslSocket* m_socket = nullptr;
    QHostAddress m_peer;
    quint16 m_peerPort = 0;
    std::optional<wire::ErrorCode> m_refuseWith;
    wire::FrameDecoder m_decoder;
    State m_state = State::TlsHandshake;
    QTimer m_deadline;
    QTimer m_keepalive;
    qint64 m_lastHeardMs = 0;
    QByteArray m_clientNonce;
    QByteArray m_serverNonce;
    QSslCertificate m_adminCertificate;
    QString m_account;
    QString m_sessionId;
    bool m_finishedEmitted = false;

    base::SecureBytes m_resumeToken; // empty: no token handed out (resuming off); compared in constant time
    QTimer m_grace;
    int m_graceMs = 0;
    qint64 m_suspendedAtMs = 0;
};

} // namespace sra::srad
