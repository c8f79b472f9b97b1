#pragma once

#include "core/base/Bytes.h"
#include "core/base/Result.h"
#include "core/card/AdminCard.h"
#include "core/session/ScreenGrant.h"
#include "core/wire/Frame.h"
#include "core/wire/Message.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QSslCertificate>
#include <QString>
#include <QTimer>

#include <optional>

class QSslSocket;

namespace sra::core {

class KnownHosts;

// A request from the remote machine for the admin's card (after Insert card).
struct RelayRequest
{
    enum class Kind
    {
        VerifyPin,
        Sign,
    };
    Kind kind = Kind::Sign;
    quint32 id = 0;
    QString requester;             // the process on the remote, from its peer credentials
    base::SecureBytes pin;         // VerifyPin
    bool lastTryAsked = false;     // VerifyPin: the card had one try left when it arrived, the admin is asked
    bool lastTryConfirmed = false; // VerifyPin: the admin allowed using the last try
    quint8 slot = 0;               // Sign
    quint32 algorithm = 0;         // Sign
    QByteArray input;              // Sign
};

// The admin side of an SRA session, shared by sra-connect and the admin window:
//
//   Idle → Connecting → (HostDecision) → Negotiating → PinEntry ⇄ Signing → Authenticating → Authenticated → Closed
//                                                                                 ⇅
//                                                                            Reconnecting
//
// Connecting covers TCP and the TLS 1.3 handshake. The server's certificate is then checked against the known
// hosts: a known, matching fingerprint goes on; an unknown one stops in HostDecision until acceptHost() or
// rejectHost(); a changed one is a hard stop (Closed, HostKeyChanged) with both fingerprints. Nothing is sent
// to a server before its identity is trusted. In PinEntry the owner asks the user and calls providePin(); a
// wrong PIN comes back to PinEntry with the tries left. cancel() works in every state. Every transition is
// reported by stateChanged(); the reason for Closed by failed() (not emitted after a clean disconnect()).
//
// A connection that drops while Authenticated (socket error, srad silent for 30 s) goes to Reconnecting when srad
// gave the session a resume token (docs/PROTOCOL.md, "Resuming a session"): new TLS connections with back-off
// (0.25 s doubling to 1 s) for as long as srad holds the session (its ResumeGraceMs), each checked against the
// session's own server fingerprint — a changed identity is the same hard stop as at connect — and `Resume` with
// the token instead of a new card sign-in (no PIN, no card). srad keeps the card inserted meanwhile and re-sends
// the relay requests that were in flight; those already answered here are answered again from a small cache,
// so no PIN check or signature runs twice. connectionLost() and resumed() tell the owner; grace over or
// ResumeRefused closes the session as a drop does without a token.
class AdminSession : public QObject
{
    Q_OBJECT

public:
    enum class State
    {
        Idle,
        Connecting,
        HostDecision,
        Negotiating,
        PinEntry,
        Signing,
        Authenticating,
        Authenticated,
        Reconnecting, // the connection dropped; taking the session up again on a new one
        Closed,
    };
    Q_ENUM(State)

    enum class Failure
    {
        None,
        Cancelled,
        InvalidAddress,
        ConnectFailed, // DNS, refused, unreachable
        TlsFailed,     // handshake failed (e.g. the server does not speak TLS 1.3)
        HostKeyChanged,
        HostKeyRejected,
        ServerError,   // the server sent a typed Error: serverError() says which
        ProtocolError, // the server broke the protocol
        CardError,     // the card failed (not a wrong PIN: that returns to PinEntry)
        Timeout,
        Disconnected, // the connection dropped
    };
    Q_ENUM(Failure)

    // `card` and `knownHosts` must outlive the session. The card signs the challenge asynchronously (Signing).
    AdminSession(AdminCard* card, KnownHosts* knownHosts, QObject* parent = nullptr);
    ~AdminSession() override;

    // Starts Connecting. `target` is host[:port] (default 4116). A parse error closes at once (InvalidAddress).
    void connectToServer(const QString& target);

    void acceptHost();                      // HostDecision: trust and remember this fingerprint, go on
    void rejectHost();                      // HostDecision: refuse (Closed, HostKeyRejected)
    void providePin(base::SecureBytes pin); // PinEntry: consumed and wiped
    void cancel();                          // any state: abort, Closed with Cancelled (unless already Closed)
    void disconnectFromServer();            // Authenticated: orderly Bye; Closed without failure

    // The card relay (Authenticated only). The owner reads the card and answers each relayRequested().
    void insertCard(const QByteArray& objects, const QByteArray& keyAlgorithms, int pinTriesLeft);
    void removeCard(const QString& reason);
    void answerRelay(quint32 id, wire::RelayStatus status, const QByteArray& data = {}, int pinTriesLeft = -1);

    // Screen sharing (Authenticated only): asks srad to start a VNC server for its display. Answered by
    // screenGranted() (then open a ScreenTunnel with the ticket and give the viewer the password) or
    // screenRefused() with a translated sentence; screenEnded() when srad's VNC server later stops.
    // One request at a time; false (and nothing sent) when not Authenticated or one is pending.
    bool requestScreen();

    State state() const
    {
        return m_state;
    }

    Failure failure() const
    {
        return m_failure;
    }

    std::optional<wire::ErrorCode> serverError() const
    {
        return m_serverError;
    }

    QString failureMessage() const
    {
        return m_failureMessage;
    }

    QString host() const
    {
        return m_host;
    }

    quint16 port() const
    {
        return m_port;
    }

    QByteArray serverFingerprint() const // SHA-256 of the server certificate, once known
    {
        return m_serverFingerprint;
    }

    QByteArray knownFingerprint() const // for HostKeyChanged: the one we had accepted
    {
        return m_knownFingerprint;
    }

    int pinTriesLeft() const;

    // How long srad holds this session after its connection drops, as its last AuthOk said (ms; 0: it does not,
    // a drop ends the session).
    int resumeGraceMs() const
    {
        return m_resumeGraceMs;
    }

    QString account() const
    {
        return m_account;
    }

    QString sessionId() const
    {
        return m_sessionId;
    }

    // Timeouts (ms) for what the session waits on by itself; user input (host decision, PIN) has none here:
    // the server's handshake deadline bounds it.
    void setNetworkTimeout(int ms)
    {
        m_networkTimeoutMs = ms;
    }

Q_SIGNALS:
    void stateChanged(sra::core::AdminSession::State state);
    void hostDecisionNeeded(const QByteArray& sha256Fingerprint);
    void pinRequested(int triesLeft, const QString& reason); // reason: empty, or why the previous PIN failed
    void authenticated(const QString& account, const QString& sessionId);
    void failed(sra::core::AdminSession::Failure failure, const QString& message);
    void closed();
    // Direct connections only: the request holds a PIN in zeroizing memory, which must not be copied around.
    void relayRequested(sra::core::RelayRequest& request);
    // After insertCard(): the account the card logs in as on the remote (empty: none) and srad's sentence saying
    // why none, or which of the remote's services accept the card.
    void cardLogin(const QString& account, const QString& detail);
    // After insertCard(), instead of cardLogin(): srad refused the payload (CardInvalid), so no card appeared
    // on the remote; the session goes on. message is a translated sentence with the fix.
    void cardRefused(sra::wire::ErrorCode code, const QString& message);
    void screenGranted(const sra::core::ScreenGrant& grant);
    void screenRefused(sra::wire::ErrorCode code, const QString& message);
    void screenEnded(const QString& reason);
    // Authenticated → Reconnecting: why the connection dropped and how long srad holds the session (ms).
    void connectionLost(const QString& reason, int graceMs);
    // Reconnecting → Authenticated on a new connection, after downtimeMs.
    void resumed(int downtimeMs);

private:
    void setState(State state);
    void fail(Failure failure, const QString& message);
    void onEncrypted();
    void onReadyRead();
    void onSocketError();
    void onSignatureReady(const QByteArray& signature);
    void onSignatureFailed(const base::Error& error);
    void sendMessage(const wire::Message& message);
    void handleMessage(const wire::Message& message);
    void handleRelayRequest(const wire::Message& message);
    void startHandshakeMessages();
    void armTimeout();
    QSslSocket* openSocket(); // TCP + TLS 1.3 to m_host:m_port with the pinned configuration
    void dropSocket();
    // AdminSessionResume.cpp
    void takeResumeToken(const wire::Message& authOk);
    void connectionDropped(const QString& reason);
    void scheduleResumeAttempt();
    void startResumeAttempt();
    void resumeAttemptFailed(const QString& why);
    void onResumeEncrypted();
    void onResumed(const wire::Message& authOk);
    void wipeResumeToken();

    QPointer<AdminCard> m_card;
    AdminCard::Ticket m_signTicket = 0; // the sign-in signature while it waits for the card
    KnownHosts* m_knownHosts;
    QSslSocket* m_socket = nullptr;
    QTimer m_timer;
    QTimer m_keepalive; // Authenticated: our keepalives, and the check that the server still talks
    qint64 m_lastHeardMs = 0;
    QElapsedTimer m_clock;
    wire::FrameDecoder m_decoder;
    State m_state = State::Idle;
    Failure m_failure = Failure::None;
    std::optional<wire::ErrorCode> m_serverError;
    QString m_failureMessage;
    QString m_host;
    quint16 m_port = 0;
    QByteArray m_serverFingerprint;
    QByteArray m_knownFingerprint;
    QByteArray m_serverCertificateDer;
    QByteArray m_clientNonce;
    QByteArray m_serverNonce;
    QString m_account;
    QString m_sessionId;
    int m_networkTimeoutMs = 20000;
    bool m_screenPending = false;

    // Resuming (AdminSessionResume.cpp).
    QByteArray m_resumeToken; // single use, wiped when replaced or the session ends
    int m_resumeGraceMs = 0;
    qint64 m_lostAtMs = 0;
    int m_resumeAttempts = 0;
    QTimer m_resumeRetry;
    QList<wire::Message> m_outbox;                  // RemoveCard asked for while Reconnecting: sent on resume
    QList<quint32> m_relayInProgress;               // relay requests handed to the owner, not yet answered
    QList<QPair<quint32, wire::Message>> m_answers; // the last relay answers, for requests srad re-sends
};

} // namespace sra::core
