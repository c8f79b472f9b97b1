#pragma once

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

    // The card relay sends the admin a RelayVerifyPin or RelaySign through here.
    void sendRelayRequest(const wire::Message& message) override
    {
        send(message);
    }

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

Q_SIGNALS:
    void authenticated(sra::srad::ServerSession* session);
    void finished(sra::srad::ServerSession* session);

private:
    void onEncrypted();
    void onReadyRead();
    void onDisconnected();
    void handle(const wire::Message& message);
    void handleHello(const wire::Message& message);
    void handleAuthResponse(const wire::Message& message);
    void handleStreamOpen(const wire::Message& message);
    void send(const wire::Message& message);
    void refuse(wire::ErrorCode code, const QString& logDetail, bool countsAsFailure, quint32 retryAfterMs = 0);
    void close();
    void emitFinished();

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
};

} // namespace sra::srad
