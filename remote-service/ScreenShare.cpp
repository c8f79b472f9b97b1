#include "remote-service/ScreenShare.h"

#include "core/auth/AuthChallenge.h"
#include "core/net/QtBytes.h"
#include "remote-service/ScreenBackend.h"
#include "remote-service/ScreenStream.h"
#include "remote-service/ServerSession.h"
#include "remote-service/SradLogging.h"

#include <QCryptographicHash>
#include <QSslSocket>

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace sra::srad {

namespace {
// VNC authentication uses the first 8 characters of a password; 8 from 62 letters and digits ≈ 47.6 bits,
// and one attempt per ticket (one x11vnc, -once).
constexpr int kPasswordLength = 8;
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr int kAlphabetSize = sizeof kAlphabet - 1;

// Uniform over the alphabet: bytes ≥ 248 (= 4 × 62) are drawn again instead of folded (no modulo bias).
QByteArray randomPassword()
{
    QByteArray password;
    while (password.size() < kPasswordLength) {
        unsigned char buffer[16];
        if (RAND_bytes(buffer, sizeof buffer) != 1) {
            return {};
        }
        for (unsigned char b : buffer) {
            if (b < 4 * kAlphabetSize && password.size() < kPasswordLength) {
                password.append(kAlphabet[b % kAlphabetSize]);
            }
        }
        OPENSSL_cleanse(buffer, sizeof buffer);
    }
    return password;
}

void wipe(QByteArray& secret)
{
    if (!secret.isEmpty()) {
        OPENSSL_cleanse(secret.data(), static_cast<std::size_t>(secret.size()));
    }
    secret.clear();
}
} // namespace

ScreenShare::ScreenShare(
    ServerSession* session, ScreenBackend* backend, const QString& display, int ticketTtlMs, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_account(session->account())
    , m_sessionId(session->sessionId())
    , m_sessionPeer(session->describePeer())
    , m_backend(backend)
    , m_display(display)
    , m_ticketTtlMs(ticketTtlMs)
{
    m_backend->setParent(this);
    connect(m_backend, &ScreenBackend::started, this, &ScreenShare::onBackendStarted);
    connect(m_backend, &ScreenBackend::finished, this, &ScreenShare::onBackendFinished);
    m_expiry.setSingleShot(true);
    connect(&m_expiry, &QTimer::timeout, this, [this] {
        if (m_state == State::Granted) {
            stop(QStringLiteral("the stream ticket expired unused"));
        }
    });
}

ScreenShare::~ScreenShare()
{
    wipe(m_password);
}

QString ScreenShare::who() const
{
    return QStringLiteral("account %1 session %2 %3").arg(m_account, m_sessionId, m_sessionPeer);
}

qint64 ScreenShare::vncProcessId() const
{
    return m_backend->processId();
}

void ScreenShare::start()
{
    m_password = randomPassword();
    if (m_password.size() != kPasswordLength) {
        m_failure = wire::ErrorCode::InternalError;
        stop(QStringLiteral("CSPRNG failure"));
        return;
    }
    m_backend->start(m_display, m_password);
}

void ScreenShare::onBackendStarted(const QString& endpoint)
{
    Q_UNUSED(endpoint);
    if (m_state != State::Starting) {
        return;
    }
    const QByteArray ticket = core::randomNonce(); // 32 bytes from the CSPRNG
    if (ticket.size() != 32) {
        m_failure = wire::ErrorCode::InternalError;
        stop(QStringLiteral("CSPRNG failure"));
        return;
    }
    m_ticketHash = QCryptographicHash::hash(ticket, QCryptographicHash::Sha256);
    m_ticketDeadline = QDeadlineTimer(m_ticketTtlMs);
    m_expiry.start(m_ticketTtlMs);
    m_state = State::Granted;

    wire::Message grant(wire::MessageType::ScreenGrant);
    grant.set(wire::Field::VncPassword,
              std::string_view(m_password.constData(), static_cast<std::size_t>(m_password.size())));
    grant.set(wire::Field::Ticket, core::asByteView(ticket));
    grant.setU32(wire::Field::ExpiresInMs, static_cast<std::uint32_t>(m_ticketTtlMs));
    sendToSession(grant);
    // The password now lives in the VNC server's file (and the admin's hands) only.
    wipe(m_password);
    qCInfo(lcAudit).noquote() << "screen granted to" << who() << "display" << m_display << "vnc pid"
                              << m_backend->processId() << "ticket valid" << m_ticketTtlMs << "ms";
    Q_EMIT granted(this);
}

void ScreenShare::attachStream(QSslSocket* tls, const QString& peer)
{
    if (m_state != State::Granted) {
        tls->abort();
        tls->deleteLater();
        return;
    }
    m_state = State::Streaming;
    m_ticketUsed = true;
    m_expiry.stop();
    // The agent backend hands over a connected socket; x11vnc run by srad itself is reached by its path.
    const int connected = m_backend->takeStreamSocket();
    m_stream = connected >= 0 ? new ScreenStream(tls, connected, peer, this)
                              : new ScreenStream(tls, m_backend->endpoint(), peer, this);
    connect(m_stream, &ScreenStream::opened, this, [this, peer] {
        qCInfo(lcAudit).noquote() << "screen opened for" << who() << "stream from" << peer;
    });
    connect(m_stream, &ScreenStream::finished, this, &ScreenShare::onStreamFinished);
    m_stream->start();
}

void ScreenShare::stop(const QString& reason)
{
    if (m_state == State::Ending) {
        return;
    }
    m_state = State::Ending;
    m_reason = reason;
    m_expiry.stop();
    if (m_stream) {
        m_stream->close(reason);
    }
    m_backend->stop();
}

void ScreenShare::detachSession(const QString& reason)
{
    m_session = nullptr;
    stop(reason);
}

void ScreenShare::onBackendFinished(const QString& reason)
{
    m_backendDone = true;
    if (m_state == State::Starting) {
        if (const auto code = m_backend->refusalCode()) {
            // A cause the admin can act on (nobody is logged in): the admin is told exactly this.
            m_failure = *code;
            m_failureReason = reason;
            qCInfo(lcScreen).noquote() << "screen for" << who() << "refused:" << reason;
        } else {
            // Never granted: the admin gets a typed failure; the details stay in srad's log.
            m_failure = wire::ErrorCode::ScreenFailed;
            qCWarning(lcScreen).noquote() << "the VNC server for" << who() << "did not start:" << reason;
        }
    }
    if (m_state != State::Ending) {
        m_state = State::Ending;
        m_reason = reason;
        m_expiry.stop();
        if (m_stream) {
            m_stream->close(reason);
        }
    }
    concludeIfDone();
}

void ScreenShare::onStreamFinished(const QString& reason)
{
    m_streamDone = true;
    if (m_state != State::Ending) {
        stop(reason);
    }
    concludeIfDone();
}

void ScreenShare::concludeIfDone()
{
    if (m_concluded || !m_backendDone || (m_stream && !m_streamDone)) {
        return;
    }
    m_concluded = true;
    wire::Message message(wire::MessageType::ScreenEnded);
    if (m_failure) {
        message.setU32(wire::Field::ErrorCode, static_cast<std::uint32_t>(*m_failure));
        message.set(wire::Field::Reason,
                    m_failureReason.isEmpty() ? std::string("the VNC server could not be started")
                                              : m_failureReason.left(512).toStdString());
    } else {
        message.set(wire::Field::Reason, m_reason.left(512).toStdString());
    }
    sendToSession(message);
    qCInfo(lcAudit).noquote() << "screen ended for" << who() << ":" << m_reason;
    Q_EMIT ended(this);
}

void ScreenShare::sendToSession(const wire::Message& message)
{
    if (m_session && m_session->isAuthenticated()) {
        m_session->sendScreenMessage(message);
    }
}

} // namespace sra::srad
