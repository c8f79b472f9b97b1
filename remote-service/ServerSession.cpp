#include "remote-service/ServerSession.h"

#include "core/auth/AuthChallenge.h"
#include "core/license/License.h"
#include "core/net/QtBytes.h"
#include "core/remote/PairingStore.h"
#include "remote-service/CardRelay.h"
#include "remote-service/LoginPolicy.h"
#include "remote-service/ScreenBroker.h"
#include "remote-service/ScreenShare.h"
#include "remote-service/SradLogging.h"
#include "remote-service/SradService.h"

#include <QDateTime>
#include <QPointer>
#include <QSslConfiguration>
#include <QSslSocket>

namespace sra::srad {

namespace {
// Before authentication nothing legitimate is larger than a Hello with a 16 KiB certificate.
constexpr std::uint32_t kMaxUnauthenticatedFrame = 32 * 1024;
constexpr int kRefusalDeadlineMs = 5000;

} // namespace

ServerSession::ServerSession(qintptr socketDescriptor,
                             SradService* service,
                             std::optional<wire::ErrorCode> refuseWith,
                             QObject* parent)
    : CardOwner(parent)
    , m_service(service)
    , m_refuseWith(refuseWith)
    , m_decoder(kMaxUnauthenticatedFrame)
{
    auto* socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        qCWarning(lcSession).noquote() << "cannot take over a connection:" << socket->errorString();
        m_socket = socket;
        QTimer::singleShot(0, this, [this] { close(); });
        return;
    }
    m_peer = socket->peerAddress();
    m_peerPort = socket->peerPort();

    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_3OrLater);         // TLS 1.2 and older are refused in the handshake
    tls.setPeerVerifyMode(QSslSocket::VerifyNone); // admins authenticate with the card, not a TLS client cert
    tls.setLocalCertificate(service->identity().certificate);
    tls.setPrivateKey(service->identity().key);
    socket->setSslConfiguration(tls);
    attachSocket(socket);

    // One deadline covers TLS, Hello and the PIN entry on the admin side: a connection that does not
    // authenticate in time is dropped, which is what bounds slow-loris peers.
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        refuse(wire::ErrorCode::Timeout, QStringLiteral("did not authenticate in time"), false);
    });
    m_deadline.start(m_refuseWith ? kRefusalDeadlineMs : m_service->config().handshakeTimeoutMs);

    connect(&m_keepalive, &QTimer::timeout, this, [this] {
        if (m_service->nowMs() - m_lastHeardMs > 3 * m_keepalive.interval()) {
            connectionLost(QStringLiteral("silent for %1 s").arg(3 * m_keepalive.interval() / 1000));
            return;
        }
        send(wire::Message(wire::MessageType::Keepalive));
    });
    m_grace.setSingleShot(true);
    connect(&m_grace, &QTimer::timeout, this, &ServerSession::onGraceExpired);

    qCDebug(lcSession).noquote() << describePeer() << "connected";
    m_socket->startServerEncryption();
}

ServerSession::~ServerSession() = default;

void ServerSession::sayGoodbye(const QString& reason)
{
    if (m_state != State::Authenticated || !m_socket) {
        return;
    }
    wire::Message bye(wire::MessageType::Bye);
    bye.set(wire::Field::Reason, reason.toStdString());
    send(bye);
    m_socket->flush();
}

QString ServerSession::describePeer() const
{
    return QStringLiteral("[%1]:%2").arg(m_peer.toString()).arg(m_peerPort);
}

void ServerSession::attachSocket(QSslSocket* socket)
{
    m_socket = socket;
    socket->setParent(this);
    connect(socket, &QSslSocket::encrypted, this, &ServerSession::onEncrypted);
    connect(socket, &QSslSocket::readyRead, this, &ServerSession::onReadyRead);
    connect(socket, &QSslSocket::disconnected, this, &ServerSession::onDisconnected);
    // Queued: Qt's TLS backend reports a failed handshake from inside its own processing and still uses its
    // state afterwards; closing the socket right there crashed srad (a TLS 1.2 client was enough). By the time
    // the call runs the socket may have been let go (suspended, handed over) or deleted: then it is not this
    // session's (a QPointer, so a new socket at the old one's address is not mistaken for it).
    connect(
        socket,
        &QSslSocket::errorOccurred,
        this,
        [this, socket = QPointer<QSslSocket>(socket)](QAbstractSocket::SocketError error) {
            if (!socket || socket != m_socket) {
                return;
            }
            const QString what = m_socket->errorString();
            if (error != QAbstractSocket::RemoteHostClosedError) {
                qCInfo(lcSession).noquote() << describePeer() << "connection error:" << what;
            }
            connectionLost(what);
        },
        Qt::QueuedConnection);
}

QSslSocket* ServerSession::detachSocket()
{
    QSslSocket* socket = m_socket;
    m_socket = nullptr;
    if (socket) {
        socket->disconnect(this);
    }
    return socket;
}

void ServerSession::onEncrypted()
{
    if (m_refuseWith) {
        refuse(*m_refuseWith, QStringLiteral("refused: too many unauthenticated connections"), false);
        return;
    }
    m_state = State::AwaitHello;
    onReadyRead();
}

void ServerSession::onReadyRead()
{
    if (m_state == State::TlsHandshake || m_state == State::Closing) {
        return;
    }
    while (m_socket && m_socket->bytesAvailable() > 0 && m_state != State::Closing) {
        // Read no more than the decoder needs, so an oversized announcement is refused before its body arrives.
        const qint64 want = std::max<qint64>(1, static_cast<qint64>(m_decoder.bytesWanted()));
        const QByteArray data = m_socket->read(std::min<qint64>(want, 64 * 1024));
        m_lastHeardMs = m_service->nowMs();
        m_decoder.feed(core::asByteView(data));
        while (auto frame = m_decoder.next()) {
            auto message = wire::decodeMessage(*frame);
            if (!message) {
                refuse(wire::ErrorCode::ProtocolViolation, QString::fromStdString(message.error().detail), false);
                return;
            }
            handle(message.value());
            if (m_state == State::Closing) {
                return;
            }
        }
        switch (m_decoder.error()) {
        case wire::FrameError::None:
            break;
        case wire::FrameError::TooLarge:
            refuse(wire::ErrorCode::FrameTooLarge, QStringLiteral("frame larger than allowed"), false);
            return;
        case wire::FrameError::UnsupportedVersion:
            refuse(wire::ErrorCode::UnsupportedVersion, QStringLiteral("unsupported protocol version"), false);
            return;
        case wire::FrameError::BadMagic:
            refuse(wire::ErrorCode::ProtocolViolation, QStringLiteral("not an SRA peer"), false);
            return;
        }
    }
}

void ServerSession::handle(const wire::Message& message)
{
    using wire::MessageType;
    switch (m_state) {
    case State::AwaitHello:
        if (message.type() == MessageType::Hello) {
            handleHello(message);
            return;
        }
        if (message.type() == MessageType::StreamOpen) {
            handleStreamOpen(message);
            return;
        }
        if (message.type() == MessageType::Resume) {
            handleResume(message);
            return;
        }
        break;
    case State::AwaitResponse:
        if (message.type() == MessageType::AuthResponse) {
            handleAuthResponse(message);
            return;
        }
        break;
    case State::Authenticated:
        if (message.type() == MessageType::Keepalive) {
            return;
        }
        if (message.type() == MessageType::InsertCard) {
            m_service->relay().insertCard(this, message);
            return;
        }
        if (message.type() == MessageType::RemoveCard) {
            m_service->relay().removeCard(this, QStringLiteral("removed by the admin"));
            return;
        }
        if (message.type() == MessageType::RelayResult) {
            m_service->relay().relayResult(this, message);
            return;
        }
        if (message.type() == MessageType::ScreenRequest) {
            m_service->screens().request(this);
            return;
        }
        if (message.type() == MessageType::Bye) {
            qCInfo(lcSession).noquote() << describePeer() << "session" << m_sessionId << "ended by the admin";
            close();
            return;
        }
        break;
    default:
        break;
    }
    if (message.type() == MessageType::Error) {
        qCInfo(lcSession).noquote() << describePeer() << "peer reported error"
                                    << message.u32(wire::Field::ErrorCode).value_or(0);
        close();
        return;
    }
    refuse(wire::ErrorCode::ProtocolViolation,
           QStringLiteral("message type %1 not allowed now").arg(static_cast<int>(message.type())),
           false);
}

bool ServerSession::admitted(bool checkLicense)
{
    // The license comes first: without one, nothing else is looked at.
    if (checkLicense) {
        const core::LicenseStatus license = m_service->licenseStatus();
        if (license.code != core::LicenseStatus::Code::Valid) {
            refuse(core::wireErrorFor(license.code),
                   QStringLiteral("refused: license %1").arg(core::licenseStatusCodeName(license.code)),
                   false);
            return false;
        }
    }
    if (const qint64 wait = m_service->limiter().retryAfterMs(m_peer, m_service->nowMs()); wait > 0) {
        refuse(wire::ErrorCode::RateLimited, QStringLiteral("rate limited"), false, static_cast<quint32>(wait));
        return false;
    }
    return true;
}

void ServerSession::handleHello(const wire::Message& message)
{
    if (!admitted(true)) {
        return;
    }
    m_clientNonce = core::toQByteArray(message.bytes(wire::Field::ClientNonce));
    const QByteArray certificateDer = core::toQByteArray(message.bytes(wire::Field::Certificate));
    m_adminCertificate = QSslCertificate(certificateDer, QSsl::Der);
    if (m_adminCertificate.isNull() || m_adminCertificate.toDer() != certificateDer) {
        refuse(wire::ErrorCode::CertificateInvalid, QStringLiteral("Hello certificate is not DER X.509"), true);
        return;
    }
    QString detail;
    const auto check = core::checkAdminCertificate(
        m_adminCertificate, m_service->config().caBundleFile, QDateTime::currentDateTimeUtc(), &detail);
    if (check != core::AdminCertificateCheck::Ok) {
        refuse(core::wireErrorFor(check),
               QStringLiteral("admin certificate \"%1\" refused (%2) %3")
                   .arg(m_adminCertificate.subjectDisplayName())
                   .arg(static_cast<int>(check))
                   .arg(detail),
               true);
        return;
    }
    m_serverNonce = core::randomNonce();
    if (m_serverNonce.isEmpty()) {
        refuse(wire::ErrorCode::InternalError, QStringLiteral("CSPRNG failure"), false);
        return;
    }
    wire::Message challenge(wire::MessageType::Challenge);
    challenge.set(wire::Field::ServerNonce, core::asByteView(m_serverNonce));
    m_state = State::AwaitResponse;
    send(challenge);
}

void ServerSession::handleAuthResponse(const wire::Message& message)
{
    const QByteArray signature = core::toQByteArray(message.bytes(wire::Field::Signature));
    // The certificate this connection's TLS presented, not the service's current one: a reload (SIGHUP) may
    // have changed the identity since the handshake.
    const QByteArray digest = core::authChallengeDigest(m_socket->sslConfiguration().localCertificate().toDer(),
                                                        m_clientNonce,
                                                        m_serverNonce,
                                                        m_adminCertificate.toDer());
    const QString subject = m_adminCertificate.subjectDisplayName();
    if (!core::verifyAuthSignature(m_adminCertificate, digest, signature)) {
        refuse(wire::ErrorCode::BadSignature, QStringLiteral("signature by \"%1\" does not verify").arg(subject), true);
        return;
    }
    std::optional<core::AccountMatch> match;
    QString error;
    if (!m_service->matchPairing(m_adminCertificate, match, error)) {
        qCWarning(lcService) << error;
        refuse(wire::ErrorCode::InternalError, QStringLiteral("pairings unreadable"), false);
        return;
    }
    if (!match) {
        refuse(wire::ErrorCode::NotPaired,
               QStringLiteral("certificate \"%1\" (key SHA-256 %2) is not paired with an account")
                   .arg(subject, QString::fromLatin1(core::PairingStore::publicKeySha256(m_adminCertificate).toHex())),
               true);
        return;
    }
    m_account = match->account;
    m_sessionId = QString::fromLatin1(core::randomNonce().left(16).toHex());
    m_deadline.stop();
    m_service->limiter().recordSuccess(m_peer);
    m_state = State::Authenticated;
    m_decoder = wire::FrameDecoder(wire::kDefaultMaxPayload);
    qCInfo(lcAudit).noquote() << "authenticated" << describePeer() << "certificate"
                              << QStringLiteral("\"%1\"").arg(subject) << "as account" << m_account << "by"
                              << match->how << "session" << m_sessionId;
    sendAuthOk();
    m_lastHeardMs = m_service->nowMs();
    m_keepalive.start(m_service->config().keepaliveIntervalSeconds * 1000);
    m_service->login().adminSignedIn(this, m_adminCertificate);
    Q_EMIT authenticated(this);
}

void ServerSession::handleStreamOpen(const wire::Message& message)
{
    // A stream connection: the ticket from a ScreenGrant is the whole authentication (it is single use, short
    // lived and was handed to an authenticated admin over TLS). A 256-bit ticket cannot be guessed, so a refused
    // one is logged but not counted as a failed sign-in: a confused viewer must not lock its admin's address out.
    if (!admitted(false)) {
        return;
    }
    const auto claim = m_service->screens().claim(core::toQByteArray(message.bytes(wire::Field::Ticket)));
    if (const auto* code = std::get_if<wire::ErrorCode>(&claim)) {
        refuse(*code, QStringLiteral("stream ticket refused"), false);
        return;
    }
    // Hand the connection over: from here the ScreenShare owns the socket and this session is done with it.
    // Nothing past the StreamOpen frame was read (onReadyRead asks the decoder for exact sizes).
    QSslSocket* socket = detachSocket();
    m_state = State::Closing;
    m_deadline.stop();
    std::get<ScreenShare*>(claim)->attachStream(socket, describePeer());
    QTimer::singleShot(0, this, &ServerSession::emitFinished);
}

void ServerSession::send(const wire::Message& message)
{
    if (!m_socket) {
        return; // suspended or closing: nobody to send to
    }
    // Zeroizing: relay requests carry PINs, AuthOk the resume token.
    const base::SecureBytes frame = wire::encodeMessageSecure(message);
    if (frame.empty()) {
        qCWarning(lcSession).noquote() << describePeer() << "cannot encode a message";
        close();
        return;
    }
    m_socket->write(reinterpret_cast<const char*>(frame.data()), static_cast<qint64>(frame.size()));
}

void ServerSession::refuse(wire::ErrorCode code, const QString& logDetail, bool countsAsFailure, quint32 retryAfterMs)
{
    if (m_state == State::Closing) {
        return;
    }
    if (countsAsFailure) {
        m_service->limiter().recordFailure(m_peer, m_service->nowMs());
    }
    qCInfo(countsAsFailure ? lcAudit() : lcSession()).noquote()
        << "refused" << describePeer() << wire::errorCodeName(code) << logDetail;
    wire::Message error = wire::makeError(code, wire::errorCodeName(code));
    if (retryAfterMs) {
        error.setU32(wire::Field::RetryAfterMs, retryAfterMs);
    }
    if (m_socket && m_socket->isEncrypted()) {
        send(error);
    }
    close();
}

void ServerSession::close(const QString& cardReason)
{
    if (m_state == State::Closing) {
        return;
    }
    const bool wasAuthenticated = holdsSession();
    m_state = State::Closing;
    m_deadline.stop();
    m_grace.stop();
    base::SecureBytes().swap(m_resumeToken); // freed through the zeroizing allocator
    if (wasAuthenticated) {
        m_service->relay().removeCard(this, cardReason);
        m_service->screens().sessionEnded(this);
        m_service->login().adminLeft(this);
    }
    m_keepalive.stop();
    if (m_socket && m_socket->isEncrypted() && m_socket->state() == QAbstractSocket::ConnectedState) {
        // Let the last Error frame go out, then close; abort after a grace period if the peer does not read.
        m_socket->disconnectFromHost();
        QTimer::singleShot(2000, this, [this] {
            if (m_socket) {
                m_socket->abort();
            }
            emitFinished();
        });
        return;
    }
    if (m_socket) {
        m_socket->abort(); // no TLS session to close politely
    }
    QTimer::singleShot(0, this, &ServerSession::emitFinished);
}

void ServerSession::emitFinished()
{
    if (!m_finishedEmitted) {
        m_finishedEmitted = true;
        Q_EMIT finished(this);
    }
}

void ServerSession::onDisconnected()
{
    if (m_state != State::Closing) {
        connectionLost(QStringLiteral("disconnected"));
        return;
    }
    QTimer::singleShot(0, this, &ServerSession::emitFinished);
}

} // namespace sra::srad
