#include "core/session/AdminSession.h"

#include "core/auth/AuthChallenge.h"
#include "core/card/CardErrors.h"
#include "core/net/QtBytes.h"
#include "core/session/KnownHosts.h"
#include "core/session/SessionErrors.h"
#include "core/tls/Fingerprint.h"
#include "core/tls/HostPort.h"
#include "core/tls/PinnedTls.h"

#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QSslConfiguration>
#include <QSslSocket>

#include <utility>

namespace sra::core {

Q_LOGGING_CATEGORY(lcSession, "sra.core.session", QtInfoMsg)

namespace {
constexpr std::uint32_t kMaxServerFrame = 64 * 1024; // nothing the server sends before or at auth is larger
// srad drops a session it has not heard from for 30 s, and sends its own keepalive every 10 s; so do we, and
// a server silent for as long counts as gone (a dead network otherwise goes unnoticed until TCP gives up,
// long after srad's grace for resuming is over).
constexpr int kKeepaliveIntervalMs = 10000;
constexpr qint64 kSilenceLimitMs = 3 * kKeepaliveIntervalMs;

} // namespace

AdminSession::AdminSession(AdminCard* card, KnownHosts* knownHosts, QObject* parent)
    : QObject(parent)
    , m_card(card)
    , m_knownHosts(knownHosts)
    , m_decoder(kMaxServerFrame)
{
    qRegisterMetaType<sra::base::Error>();
    qRegisterMetaType<sra::core::ScreenGrant>();
    m_clock.start();
    connect(&m_keepalive, &QTimer::timeout, this, [this] {
        if (m_clock.elapsed() - m_lastHeardMs > kSilenceLimitMs) {
            connectionDropped(tr("the remote machine stopped answering"));
            return;
        }
        sendMessage(wire::Message(wire::MessageType::Keepalive));
    });
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_state == State::Reconnecting) {
            resumeAttemptFailed(tr("no answer in time"));
            return;
        }
        fail(Failure::Timeout, tr("The remote machine did not answer in time. Check that srad is running there."));
    });
    m_resumeRetry.setSingleShot(true);
    connect(&m_resumeRetry, &QTimer::timeout, this, &AdminSession::startResumeAttempt);
}

AdminSession::~AdminSession()
{
    if (m_socket) {
        m_socket->abort();
    }
}

int AdminSession::pinTriesLeft() const
{
    return m_card ? m_card->pinTriesLeft() : -1;
}

void AdminSession::setState(State state)
{
    if (m_state == state) {
        return;
    }
    m_state = state;
    qCDebug(lcSession) << "state" << state;
    Q_EMIT stateChanged(state);
}

void AdminSession::fail(Failure failure, const QString& message)
{
    if (m_state == State::Closed) {
        return;
    }
    m_timer.stop();
    m_keepalive.stop();
    m_resumeRetry.stop();
    wipeResumeToken();
    m_outbox.clear();
    m_failure = failure;
    m_failureMessage = message;
    if (m_signTicket && m_card) {
        m_card->cancel(std::exchange(m_signTicket, 0)); // not begun yet: the PIN is wiped, the card not used
    }
    qCDebug(lcSession) << "session with" << m_host << "ended:" << failure << message;
    dropSocket();
    setState(State::Closed);
    Q_EMIT failed(failure, message);
    Q_EMIT closed();
}

void AdminSession::armTimeout()
{
    m_timer.start(m_networkTimeoutMs);
}

void AdminSession::dropSocket()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
}

QSslSocket* AdminSession::openSocket()
{
    m_decoder = wire::FrameDecoder(kMaxServerFrame);
    m_socket = new QSslSocket(this);
    // The server's identity is checked by fingerprint against known_hosts (trust on first use), not by a
    // public CA: the handshake must complete so we can show the fingerprint, and nothing is sent before
    // the check in onEncrypted().
    m_socket->setSslConfiguration(pinnedClientConfiguration());
    m_socket->setPeerVerifyName(m_host);
    connect(m_socket, &QSslSocket::encrypted, this, &AdminSession::onEncrypted);
    connect(m_socket, &QSslSocket::readyRead, this, &AdminSession::onReadyRead);
    // Queued: Qt's TLS backend reports handshake failures from inside its own processing; tearing the socket
    // down right there is unsafe (srad crashed that way on a TLS 1.2 client).
    connect(m_socket, &QSslSocket::errorOccurred, this, &AdminSession::onSocketError, Qt::QueuedConnection);
    connect(m_socket, &QSslSocket::sslErrors, m_socket, [this](const QList<QSslError>&) {
        // Self-signed identities are the normal case; trust is decided by fingerprint in onEncrypted().
        m_socket->ignoreSslErrors();
    });
    m_socket->connectToHostEncrypted(m_host, m_port);
    return m_socket;
}

void AdminSession::connectToServer(const QString& target)
{
    if (m_state != State::Idle) {
        return;
    }
    if (!parseHostPort(target, m_host, m_port)) {
        m_host = target;
        fail(Failure::InvalidAddress, tr("\"%1\" is not a host name or address. Enter host or host:port.").arg(target));
        return;
    }
    if (!m_card || m_card->authenticationCertificate().isNull()) {
        fail(Failure::CardError, tr("No PIV card with an authentication certificate is available."));
        return;
    }
    setState(State::Connecting);
    armTimeout();
    qCDebug(lcSession) << "connecting to" << m_host << m_port;
    openSocket();
}

void AdminSession::onSocketError()
{
    if (!m_socket) {
        return;
    }
    const auto error = m_socket->error();
    const QString detail = m_socket->errorString();
    switch (m_state) {
    case State::Connecting:
        if (error == QAbstractSocket::SslHandshakeFailedError || error == QAbstractSocket::SslInternalError
            || error == QAbstractSocket::SslInvalidUserDataError) {
            fail(Failure::TlsFailed,
                 tr("The secure connection to %1 failed (%2). The remote must run srad with TLS 1.3.")
                     .arg(m_host, detail));
        } else {
            fail(Failure::ConnectFailed,
                 tr("Cannot connect to %1 port %2: %3. Check the address and that srad runs there.")
                     .arg(m_host)
                     .arg(m_port)
                     .arg(detail));
        }
        return;
    case State::Closed:
        return;
    case State::Reconnecting:
        resumeAttemptFailed(detail);
        return;
    case State::Authenticated:
        connectionDropped(detail);
        return;
    default:
        fail(Failure::Disconnected, tr("The connection to %1 was lost: %2.").arg(m_host, detail));
        return;
    }
}

void AdminSession::onEncrypted()
{
    if (m_state == State::Reconnecting) {
        onResumeEncrypted();
        return;
    }
    m_timer.stop();
    const QSslCertificate peer = m_socket->peerCertificate();
    if (peer.isNull()) {
        fail(Failure::TlsFailed, tr("%1 presented no certificate.").arg(m_host));
        return;
    }
    m_serverCertificateDer = peer.toDer();
    m_serverFingerprint = QCryptographicHash::hash(m_serverCertificateDer, QCryptographicHash::Sha256);
    const auto known = m_knownHosts ? m_knownHosts->find(m_host, m_port) : std::nullopt;
    if (known && *known == m_serverFingerprint) {
        startHandshakeMessages();
        return;
    }
    if (known) {
        m_knownFingerprint = *known;
        fail(Failure::HostKeyChanged,
             tr("The identity of %1 has CHANGED. Accepted before: %2. Presented now: %3. This can mean that someone "
                "is intercepting the connection. Compare with \"srad --fingerprint\" on the remote machine; only if "
                "the remote was reinstalled or its identity regenerated, remove the old entry from the known hosts "
                "and connect again.")
                 .arg(m_host, formatFingerprint(*known), formatFingerprint(m_serverFingerprint)));
        return;
    }
    setState(State::HostDecision);
    Q_EMIT hostDecisionNeeded(m_serverFingerprint);
}

void AdminSession::acceptHost()
{
    if (m_state != State::HostDecision) {
        return;
    }
    if (m_knownHosts) {
        m_knownHosts->set(m_host, m_port, m_serverFingerprint);
        QString error;
        if (!m_knownHosts->save(&error)) {
            qCWarning(lcSession) << "could not remember the host:" << error;
        }
    }
    startHandshakeMessages();
}

void AdminSession::rejectHost()
{
    if (m_state == State::HostDecision) {
        fail(Failure::HostKeyRejected, tr("You did not accept the identity of %1.").arg(m_host));
    }
}

void AdminSession::startHandshakeMessages()
{
    m_clientNonce = randomNonce();
    if (m_clientNonce.isEmpty()) {
        fail(Failure::ProtocolError, tr("The random number generator failed."));
        return;
    }
    wire::Message hello(wire::MessageType::Hello);
    hello.set(wire::Field::ClientNonce, asByteView(m_clientNonce));
    const QByteArray certificate = m_card->authenticationCertificate().toDer();
    hello.set(wire::Field::Certificate, asByteView(certificate));
    setState(State::Negotiating);
    armTimeout();
    sendMessage(hello);
    onReadyRead(); // anything that arrived while the user decided
}

void AdminSession::sendMessage(const wire::Message& message)
{
    if (m_state == State::Reconnecting && message.type() != wire::MessageType::Resume) {
        // No connection to send on: a removal must still reach srad (on the resumed connection); keepalives,
        // relay answers (re-sent from m_answers when srad asks again) and screen requests wait for nothing.
        if (message.type() == wire::MessageType::RemoveCard) {
            m_outbox.append(message);
        }
        return;
    }
    if (!m_socket) {
        return;
    }
    auto frame = wire::encodeMessage(message);
    if (!frame) {
        fail(Failure::ProtocolError,
             tr("Internal error: could not encode a message (%1).").arg(QString::fromStdString(frame.error().detail)));
        return;
    }
    m_socket->write(reinterpret_cast<const char*>(frame->data()), static_cast<qint64>(frame->size()));
}

void AdminSession::onReadyRead()
{
    // Before the host is trusted nothing the server says is read.
    while (m_socket && m_state != State::HostDecision && m_state != State::Connecting
           && m_socket->bytesAvailable() > 0) {
        const QByteArray data = m_socket->read(64 * 1024);
        m_lastHeardMs = m_clock.elapsed();
        m_decoder.feed(asByteView(data));
        while (auto frame = m_decoder.next()) {
            auto message = wire::decodeMessage(*frame);
            if (!message) {
                fail(Failure::ProtocolError,
                     tr("The remote machine sent an invalid message (%1).")
                         .arg(QString::fromStdString(message.error().detail)));
                return;
            }
            handleMessage(message.value());
            if (!m_socket) {
                return;
            }
        }
        if (m_decoder.error() != wire::FrameError::None) {
            fail(Failure::ProtocolError,
                 tr("The remote machine does not speak the SRA protocol (%1).")
                     .arg(QString::fromLatin1(wire::frameErrorName(m_decoder.error()))));
            return;
        }
    }
}

void AdminSession::handleMessage(const wire::Message& message)
{
    using wire::MessageType;
    if (message.type() == MessageType::Error) {
        const auto code = static_cast<wire::ErrorCode>(message.u32(wire::Field::ErrorCode).value_or(0));
        m_serverError = code;
        qCInfo(lcSession) << "server error" << wire::errorCodeName(code)
                          << QString::fromStdString(message.text(wire::Field::ErrorText));
        if (m_state == State::Reconnecting && code == wire::ErrorCode::TooManyConnections) {
            resumeAttemptFailed(serverErrorMessage(code)); // a busy srad is worth another try within the grace
            return;
        }
        fail(Failure::ServerError, serverErrorMessage(code, message.u32(wire::Field::RetryAfterMs).value_or(0)));
        return;
    }
    switch (m_state) {
    case State::Negotiating:
        if (message.type() == MessageType::Challenge) {
            m_timer.stop();
            m_serverNonce = toQByteArray(message.bytes(wire::Field::ServerNonce));
            setState(State::PinEntry);
            Q_EMIT pinRequested(pinTriesLeft(), QString());
            return;
        }
        break;
    case State::Authenticating:
        if (message.type() == MessageType::AuthOk) {
            m_timer.stop();
            m_account = QString::fromStdString(message.text(wire::Field::Account));
            m_sessionId = QString::fromStdString(message.text(wire::Field::SessionId));
            qCDebug(lcSession) << "authenticated to" << m_host << "as" << m_account << "session" << m_sessionId;
            takeResumeToken(message);
            setState(State::Authenticated);
            m_lastHeardMs = m_clock.elapsed();
            m_keepalive.start(kKeepaliveIntervalMs);
            Q_EMIT authenticated(m_account, m_sessionId);
            return;
        }
        break;
    case State::Reconnecting:
        if (message.type() == MessageType::AuthOk) {
            onResumed(message);
            return;
        }
        break;
    case State::Authenticated:
        if (message.type() == MessageType::Keepalive) {
            // Answered, so srad's liveness check holds whatever interval it runs with (it does not answer ours:
            // no ping-pong).
            sendMessage(wire::Message(MessageType::Keepalive));
            return;
        }
        if (message.type() == MessageType::RelayVerifyPin || message.type() == MessageType::RelaySign) {
            handleRelayRequest(message);
            return;
        }
        if (message.type() == MessageType::CardLogin) {
            // The reason is srad's English sentence: shown as information, never as an error explanation.
            Q_EMIT cardLogin(QString::fromStdString(message.text(wire::Field::Account)),
                             QString::fromStdString(message.text(wire::Field::Reason)));
            return;
        }
        if (message.type() == MessageType::CardRefused) {
            const auto code = static_cast<wire::ErrorCode>(message.u32(wire::Field::ErrorCode).value_or(0));
            qCInfo(lcSession) << "card refused:" << wire::errorCodeName(code)
                              << QString::fromStdString(message.text(wire::Field::Reason));
            Q_EMIT cardRefused(code, serverErrorMessage(code));
            return;
        }
        if (message.type() == MessageType::Bye) {
            fail(Failure::Disconnected, tr("The remote machine ended the session."));
            return;
        }
        if (message.type() == MessageType::ScreenGrant && m_screenPending) {
            m_screenPending = false;
            ScreenGrant grant;
            grant.password = toQByteArray(message.bytes(wire::Field::VncPassword));
            grant.ticket = toQByteArray(message.bytes(wire::Field::Ticket));
            grant.expiresInMs = static_cast<int>(
                std::min<std::uint32_t>(message.u32(wire::Field::ExpiresInMs).value_or(0), 3600 * 1000));
            Q_EMIT screenGranted(grant);
            grant.wipe();
            return;
        }
        if (message.type() == MessageType::ScreenEnded) {
            const QString reason = QString::fromStdString(message.text(wire::Field::Reason));
            if (m_screenPending) {
                m_screenPending = false;
                const auto code = static_cast<wire::ErrorCode>(
                    message.u32(wire::Field::ErrorCode)
                        .value_or(static_cast<std::uint32_t>(wire::ErrorCode::ScreenFailed)));
                qCInfo(lcSession) << "screen refused:" << wire::errorCodeName(code) << reason;
                Q_EMIT screenRefused(code, serverErrorMessage(code));
            } else {
                qCInfo(lcSession) << "screen ended:" << reason;
                Q_EMIT screenEnded(reason);
            }
            return;
        }
        break;
    default:
        break;
    }
    fail(Failure::ProtocolError, tr("The remote machine sent an unexpected message."));
}

void AdminSession::handleRelayRequest(const wire::Message& message)
{
    RelayRequest request;
    request.id = message.u32(wire::Field::RequestId).value_or(0);
    qCDebug(lcSession) << "relay request" << request.id << "from" << m_host;
    // srad re-sends what was in flight when the connection dropped: the card does each request once.
    if (m_relayInProgress.contains(request.id)) {
        return;
    }
    for (const auto& [id, answer] : std::as_const(m_answers)) {
        if (id == request.id) {
            sendMessage(answer);
            return;
        }
    }
    m_relayInProgress.append(request.id);
    request.requester = QString::fromStdString(message.text(wire::Field::Requester));
    if (message.type() == wire::MessageType::RelayVerifyPin) {
        request.kind = RelayRequest::Kind::VerifyPin;
        const auto pin = message.bytes(wire::Field::Pin);
        request.pin.assign(pin.begin(), pin.end());
    } else {
        request.kind = RelayRequest::Kind::Sign;
        request.slot = static_cast<quint8>(message.u32(wire::Field::Slot).value_or(0));
        request.algorithm = message.u32(wire::Field::Algorithm).value_or(0);
        request.input = toQByteArray(message.bytes(wire::Field::Input));
    }
    Q_EMIT relayRequested(request);
    base::secureZero(request.pin.data(), request.pin.size());
}

void AdminSession::providePin(base::SecureBytes pin)
{
    if (m_state != State::PinEntry || !m_card) {
        base::secureZero(pin.data(), pin.size());
        return;
    }
    const QByteArray digest = authChallengeDigest(
        m_serverCertificateDer, m_clientNonce, m_serverNonce, m_card->authenticationCertificate().toDer());
    setState(State::Signing);
    // The card answers later, on this thread; a session that is gone by then takes the answer with it.
    m_signTicket = m_card->signChallenge(digest, std::move(pin), this, [this](base::Result<QByteArray> signature) {
        m_signTicket = 0;
        if (signature) {
            onSignatureReady(signature.value());
        } else {
            onSignatureFailed(signature.error());
        }
    });
}

void AdminSession::onSignatureReady(const QByteArray& signature)
{
    if (m_state != State::Signing) {
        return;
    }
    wire::Message response(wire::MessageType::AuthResponse);
    response.set(wire::Field::Signature, asByteView(signature));
    setState(State::Authenticating);
    armTimeout();
    sendMessage(response);
}

void AdminSession::onSignatureFailed(const base::Error& error)
{
    if (m_state != State::Signing) {
        return;
    }
    if (error.code == base::ErrorCode::WrongPin || error.code == base::ErrorCode::InvalidPinFormat) {
        setState(State::PinEntry);
        Q_EMIT pinRequested(pinTriesLeft(), cardErrorMessage(error));
        return;
    }
    fail(Failure::CardError, cardErrorMessage(error));
}

void AdminSession::insertCard(const QByteArray& objects, const QByteArray& keyAlgorithms, int pinTriesLeft)
{
    if (m_state != State::Authenticated) {
        return;
    }
    wire::Message insert(wire::MessageType::InsertCard);
    insert.set(wire::Field::CardObjects, asByteView(objects));
    insert.set(wire::Field::KeyAlgorithms, asByteView(keyAlgorithms));
    if (pinTriesLeft >= 0) {
        insert.setU32(wire::Field::PinTriesLeft, static_cast<std::uint32_t>(pinTriesLeft));
    }
    sendMessage(insert);
}

void AdminSession::removeCard(const QString& reason)
{
    if (m_state != State::Authenticated && m_state != State::Reconnecting) {
        return;
    }
    wire::Message remove(wire::MessageType::RemoveCard);
    remove.set(wire::Field::Reason, reason.left(512).toStdString());
    sendMessage(remove); // Reconnecting: queued for the resumed connection
    if (m_socket && m_state == State::Authenticated) {
        m_socket->flush();
    }
}

void AdminSession::answerRelay(quint32 id, wire::RelayStatus status, const QByteArray& data, int pinTriesLeft)
{
    if (m_state != State::Authenticated && m_state != State::Reconnecting) {
        return;
    }
    wire::Message result(wire::MessageType::RelayResult);
    result.setU32(wire::Field::RequestId, id);
    result.setU32(wire::Field::Status, static_cast<std::uint32_t>(status));
    if (!data.isEmpty()) {
        result.set(wire::Field::Data, asByteView(data));
    }
    if (pinTriesLeft >= 0) {
        result.setU32(wire::Field::PinTriesLeft, static_cast<std::uint32_t>(pinTriesLeft));
    }
    // Kept for a re-send by srad after a resume (its answer may be lost with the connection). A RelayResult holds
    // no secret: a status, a signature or the tries left.
    m_relayInProgress.removeAll(id);
    constexpr qsizetype kRememberedAnswers = 32;
    if (m_answers.size() >= kRememberedAnswers) {
        m_answers.removeFirst();
    }
    m_answers.append({id, result});
    if (m_state == State::Authenticated) {
        sendMessage(result);
    }
}

bool AdminSession::requestScreen()
{
    if (m_state != State::Authenticated || m_screenPending) {
        return false;
    }
    m_screenPending = true;
    sendMessage(wire::Message(wire::MessageType::ScreenRequest));
    return true;
}

void AdminSession::cancel()
{
    fail(Failure::Cancelled, tr("Cancelled."));
}

void AdminSession::disconnectFromServer()
{
    if (m_state == State::Closed) {
        return;
    }
    if (m_state != State::Authenticated || !m_socket) {
        cancel();
        return;
    }
    wire::Message bye(wire::MessageType::Bye);
    sendMessage(bye);
    m_socket->flush(); // hand the Bye to the kernel now: the owner may leave the event loop on closed()
    m_socket->disconnect(this);
    m_socket->disconnectFromHost();
    m_socket->deleteLater();
    m_socket = nullptr;
    m_timer.stop();
    m_keepalive.stop();
    wipeResumeToken();
    setState(State::Closed);
    Q_EMIT closed();
}

} // namespace sra::core
