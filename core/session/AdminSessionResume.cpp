// Taking up an authenticated session again after its connection dropped (docs/PROTOCOL.md, "Resuming a
// session"). Part of AdminSession (AdminSession.h); the sign-in and the messages are in AdminSession.cpp.
#include "core/net/QtBytes.h"
#include "core/session/AdminSession.h"
#include "core/session/SessionErrors.h"
#include "core/tls/Fingerprint.h"

#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QSslSocket>

#include <algorithm>
#include <array>

namespace sra::core {

Q_DECLARE_LOGGING_CATEGORY(lcSession)

namespace {
// Back-off between attempts: quick at first (a Wi-Fi hand-over or a restarted router comes back within seconds),
// then once a second, so a link that returns is used within about a second while the grace lasts.
constexpr std::array<int, 4> kRetryDelaysMs{0, 250, 500, 1000};
// One attempt may not eat the grace: a link that still drops packets is tried again instead.
constexpr int kAttemptTimeoutMs = 3000;
} // namespace

void AdminSession::wipeResumeToken()
{
    base::secureZero(m_resumeToken.data(), static_cast<std::size_t>(m_resumeToken.size()));
    m_resumeToken.clear();
}

void AdminSession::takeResumeToken(const wire::Message& authOk)
{
    wipeResumeToken();
    const wire::ByteView token = authOk.bytes(wire::Field::ResumeToken);
    const auto grace = authOk.u32(wire::Field::ResumeGraceMs).value_or(0);
    if (token.empty() || grace == 0) { // the schema admits only wire::kResumeTokenSize bytes
        m_resumeGraceMs = 0;           // srad does not hold this session after a drop
        return;
    }
    m_resumeToken = toQByteArray(token);
    m_resumeGraceMs = static_cast<int>(std::min<std::uint32_t>(grace, 600000));
}

void AdminSession::connectionDropped(const QString& reason)
{
    if (m_resumeToken.isEmpty()) {
        fail(Failure::Disconnected, tr("The connection to %1 was lost: %2.").arg(m_host, reason));
        return;
    }
    qCInfo(lcSession) << "connection to" << m_host << "lost:" << reason << "- resuming for up to" << m_resumeGraceMs
                      << "ms";
    dropSocket();
    m_timer.stop();
    m_keepalive.stop();
    m_screenPending = false; // srad ends the screen of a dropped connection
    m_lostAtMs = m_clock.elapsed();
    m_resumeAttempts = 0;
    setState(State::Reconnecting);
    Q_EMIT connectionLost(reason, m_resumeGraceMs);
    scheduleResumeAttempt();
}

void AdminSession::scheduleResumeAttempt()
{
    const qint64 remaining = m_resumeGraceMs - (m_clock.elapsed() - m_lostAtMs);
    if (remaining <= 0) {
        fail(Failure::Disconnected,
             tr("The connection to %1 was lost and did not come back within %2 s, as long as the remote machine "
                "keeps the session; the card was removed there. Check the network, then connect again.")
                 .arg(m_host)
                 .arg(m_resumeGraceMs / 1000));
        return;
    }
    const int delay = kRetryDelaysMs[std::min<std::size_t>(m_resumeAttempts, kRetryDelaysMs.size() - 1)];
    ++m_resumeAttempts;
    m_resumeRetry.start(static_cast<int>(std::min<qint64>(delay, remaining)));
}

void AdminSession::startResumeAttempt()
{
    if (m_state != State::Reconnecting) {
        return;
    }
    qCDebug(lcSession) << "resume attempt" << m_resumeAttempts << "to" << m_host << m_port;
    m_timer.start(std::min(m_networkTimeoutMs, kAttemptTimeoutMs));
    openSocket();
}

void AdminSession::resumeAttemptFailed(const QString& why)
{
    qCDebug(lcSession) << "resume attempt failed:" << why;
    m_timer.stop();
    dropSocket();
    scheduleResumeAttempt();
}

void AdminSession::onResumeEncrypted()
{
    const QSslCertificate peer = m_socket->peerCertificate();
    const QByteArray fingerprint =
        peer.isNull() ? QByteArray() : QCryptographicHash::hash(peer.toDer(), QCryptographicHash::Sha256);
    if (fingerprint != m_serverFingerprint) {
        // The token goes only to the server this session signed in to; anyone else is the same hard stop as at
        // connect, and the session ends here.
        m_knownFingerprint = m_serverFingerprint;
        fail(Failure::HostKeyChanged,
             tr("The identity of %1 CHANGED while reconnecting. Accepted before: %2. Presented now: %3. This can mean "
                "that someone is intercepting the connection; the session was closed and nothing was sent. Compare "
                "with \"srad --fingerprint\" on the remote machine.")
                 .arg(m_host,
                      formatFingerprint(m_serverFingerprint),
                      fingerprint.isEmpty() ? tr("no certificate") : formatFingerprint(fingerprint)));
        return;
    }
    wire::Message resume(wire::MessageType::Resume);
    resume.set(wire::Field::SessionId, m_sessionId.toStdString());
    resume.set(wire::Field::ResumeToken, asByteView(m_resumeToken));
    // Single use: srad answers with a new one, or the session is over either way.
    wipeResumeToken();
    m_timer.start(std::min(m_networkTimeoutMs, kAttemptTimeoutMs));
    sendMessage(resume);
    resume.wipe();
    onReadyRead();
}

void AdminSession::onResumed(const wire::Message& authOk)
{
    m_timer.stop();
    if (QString::fromStdString(authOk.text(wire::Field::SessionId)) != m_sessionId
        || QString::fromStdString(authOk.text(wire::Field::Account)) != m_account) {
        fail(Failure::ProtocolError, tr("The remote machine resumed a different session; it was closed."));
        return;
    }
    takeResumeToken(authOk);
    const int downtime = static_cast<int>(m_clock.elapsed() - m_lostAtMs);
    qCInfo(lcSession) << "session" << m_sessionId << "with" << m_host << "resumed after" << downtime << "ms";
    setState(State::Authenticated);
    m_lastHeardMs = m_clock.elapsed();
    m_keepalive.start(); // the interval it ran with before the drop
    for (const wire::Message& queued : std::exchange(m_outbox, {})) {
        sendMessage(queued);
    }
    Q_EMIT resumed(downtime);
}

} // namespace sra::core
