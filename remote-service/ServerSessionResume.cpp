// ServerSession's half for dropped connections (docs/PROTOCOL.md, "Resuming a session"): suspending an
// authenticated session whose connection was lost, the single-use resume token, and taking the session up again
// on a new connection. Part of ServerSession (ServerSession.h).
#include "core/auth/AuthChallenge.h"
#include "core/remote/PairingStore.h"
#include "remote-service/CardRelay.h"
#include "remote-service/ScreenBroker.h"
#include "remote-service/ServerSession.h"
#include "remote-service/SradLogging.h"
#include "remote-service/SradService.h"

#include <QDateTime>
#include <QSslSocket>

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace sra::srad {

namespace {
QString seconds(int ms)
{
    return QString::number(ms / 1000.0);
}

// The admin program names itself; into the audit log only printable characters of it go.
QString printableName(const QString& name)
{
    QString out;
    for (const QChar c : name.left(64)) {
        out.append(c.isPrint() ? c : QChar(u'?'));
    }
    return out;
}
} // namespace

void ServerSession::sendRelayRequest(const wire::Message& message)
{
    if (m_state == State::Suspended) {
        // The relay keeps it and sends it again once the admin is back (CardRelay::resendPending).
        qCInfo(lcSession).noquote() << "session" << m_sessionId << "suspended: relay request"
                                    << message.u32(wire::Field::RequestId).value_or(0) << "kept for the resume";
        return;
    }
    if (m_state == State::Authenticated) {
        send(message);
    }
}

void ServerSession::connectionLost(const QString& why)
{
    if (m_state == State::Suspended || m_state == State::Closing) {
        return; // that connection was already let go
    }
    if (m_state != State::Authenticated) {
        close();
        return;
    }
    // Read now, not at sign-in: a reload applies to sessions suspended from then on. Without a token handed out
    // (resuming was off at sign-in) nobody could take the session up.
    const int graceMs = m_service->config().resumeGraceMs;
    if (graceMs <= 0 || m_resumeToken.empty()) {
        qCInfo(lcSession).noquote() << describePeer() << "session" << m_sessionId << "of" << m_account
                                    << "lost its connection (" << why << "); ending it";
        close();
        return;
    }
    suspend(why, graceMs);
}

void ServerSession::suspend(const QString& why, int graceMs)
{
    m_state = State::Suspended;
    m_keepalive.stop();
    if (QSslSocket* dead = detachSocket()) {
        dead->abort();
        dead->deleteLater();
    }
    // Whatever part of a frame came before the drop is no beginning for the next connection's bytes.
    m_decoder = wire::FrameDecoder(wire::kDefaultMaxPayload);
    // The screen's stream is a connection of its own, and it went down with the link anyway. The card stays: no
    // removeCard, no CardStatus to local clients, the generation unchanged.
    m_service->screens().sessionEnded(this, QStringLiteral("the admin's connection was lost"));
    m_graceMs = graceMs;
    m_suspendedAtMs = m_service->nowMs();
    qCInfo(lcAudit).noquote() << "session" << m_sessionId << "of account" << m_account << "suspended: connection from"
                              << describePeer() << QStringLiteral("lost (%1);").arg(why)
                              << (m_service->relay().ownsCard(this) ? "card kept for" : "session kept for") << graceMs
                              << "ms";
    m_grace.start(graceMs);
}

void ServerSession::onGraceExpired()
{
    if (m_state != State::Suspended) {
        return;
    }
    const QString reason =
        QStringLiteral("the admin's connection did not come back within %1 s").arg(seconds(m_graceMs));
    qCInfo(lcAudit).noquote() << "session" << m_sessionId << "of account" << m_account << "ended:" << reason;
    close(reason);
}

void ServerSession::addResumeToken(wire::Message& authOk)
{
    base::SecureBytes().swap(m_resumeToken); // single use: whatever was handed out before is dead now
    const int graceMs = m_service->config().resumeGraceMs;
    if (graceMs <= 0) {
        return;
    }
    base::SecureBytes token(wire::kResumeTokenSize);
    if (RAND_bytes(token.data(), static_cast<int>(token.size())) != 1) {
        qCWarning(lcSession).noquote() << "CSPRNG failure: session" << m_sessionId << "cannot be resumed";
        return;
    }
    m_resumeToken.swap(token);
    authOk.set(wire::Field::ResumeToken, base::ByteView(m_resumeToken.data(), m_resumeToken.size()));
    authOk.setU32(wire::Field::ResumeGraceMs, static_cast<std::uint32_t>(graceMs));
}

void ServerSession::sendAuthOk()
{
    wire::Message ok(wire::MessageType::AuthOk);
    ok.set(wire::Field::Account, m_account.toStdString());
    ok.set(wire::Field::SessionId, m_sessionId.toStdString());
    addResumeToken(ok);
    send(ok);
    ok.wipe();
}

void ServerSession::handleResume(const wire::Message& message)
{
    // The same gate as Hello: the license first, then the rate limit.
    if (!admitted(true)) {
        return;
    }
    const QString sessionId = QString::fromStdString(message.text(wire::Field::SessionId));
    ServerSession* held = m_service->findResumable(sessionId);
    if (!held || held == this) {
        // Not counted as a failed sign-in: session id and token are random (128 and 256 bits), nothing here can
        // be guessed, and an admin whose session just ended must not lock its own address out by asking.
        refuse(wire::ErrorCode::ResumeRefused,
               QStringLiteral("no session %1 to resume (unknown, ended, or its grace period is over)")
                   .arg(sessionId.left(64)),
               false);
        return;
    }
    if (const auto refusal = held->checkResume(message.bytes(wire::Field::ResumeToken))) {
        refuse(refusal->code, refusal->detail, refusal->countsAsFailure);
        return;
    }
    // Hand the connection over, as handleStreamOpen does: nothing past the Resume frame was read (onReadyRead
    // asks the decoder for exact sizes), so the held session reads the admin's next frame from the socket itself.
    QSslSocket* socket = detachSocket();
    m_state = State::Closing;
    m_deadline.stop();
    held->takeOver(socket, QString::fromStdString(message.text(wire::Field::ClientName)));
    QTimer::singleShot(0, this, &ServerSession::emitFinished);
}

std::optional<ServerSession::ResumeRefusal> ServerSession::checkResume(base::ByteView token)
{
    if (token.size() != m_resumeToken.size() || CRYPTO_memcmp(token.data(), m_resumeToken.data(), token.size()) != 0) {
        // This session is untouched: the real admin may still come with the right token.
        return ResumeRefusal{
            wire::ErrorCode::ResumeRefused,
            QStringLiteral("wrong resume token for session %1 of account %2").arg(m_sessionId, m_account),
            true};
    }
    // The token stands for the sign-in, so what the sign-in checked must still hold: the certificate's validity
    // (and chain) now, and a pairing that maps it to the same account (pairings may have changed meanwhile).
    QString detail;
    const auto check = core::checkAdminCertificate(
        m_adminCertificate, m_service->config().caBundleFile, QDateTime::currentDateTimeUtc(), &detail);
    if (check != core::AdminCertificateCheck::Ok) {
        const QString reason = QStringLiteral("the admin's certificate is no longer accepted (%1)").arg(detail);
        qCInfo(lcAudit).noquote() << "resume of session" << m_sessionId << "of account" << m_account
                                  << "refused:" << reason << "; session ended";
        close(reason);
        return ResumeRefusal{core::wireErrorFor(check), reason, false};
    }
    std::optional<core::AccountMatch> match;
    QString error;
    if (!m_service->matchPairing(m_adminCertificate, match, error)) {
        // Perhaps a moment's trouble: the session stays held, the admin may try again within the grace.
        qCWarning(lcService) << error;
        return ResumeRefusal{wire::ErrorCode::InternalError, QStringLiteral("pairings unreadable"), false};
    }
    if (!match || match->account != m_account) {
        const QString reason = match ? QStringLiteral("the admin's certificate is now paired with account %1, not %2")
                                           .arg(match->account, m_account)
                                     : QStringLiteral("the admin's certificate is no longer paired with an account");
        qCInfo(lcAudit).noquote() << "resume of session" << m_sessionId << "of account" << m_account
                                  << "refused:" << reason << "; session ended";
        close(reason);
        return ResumeRefusal{wire::ErrorCode::NotPaired, reason, false};
    }
    return std::nullopt;
}

void ServerSession::takeOver(QSslSocket* socket, const QString& clientName)
{
    const qint64 now = m_service->nowMs();
    QString previous;
    qint64 awayMs = 0;
    if (m_state == State::Authenticated) {
        // Half-open: the admin's link died and srad has not noticed yet. The old connection goes without
        // suspension or card removal; the screen ends as it would have with the suspension.
        previous = describePeer();
        if (QSslSocket* old = detachSocket()) {
            old->abort();
            old->deleteLater();
        }
        m_keepalive.stop();
        m_service->screens().sessionEnded(this, QStringLiteral("the admin's connection was replaced"));
    } else {
        awayMs = now - m_suspendedAtMs;
    }
    m_grace.stop();
    attachSocket(socket);
    m_peer = socket->peerAddress(); // may differ from the first one: NAT rebinding, roaming
    m_peerPort = socket->peerPort();
    m_decoder = wire::FrameDecoder(wire::kDefaultMaxPayload);
    m_state = State::Authenticated;
    m_service->limiter().recordSuccess(m_peer);
    sendAuthOk(); // with a fresh token: the one just used is dead
    qCInfo(lcAudit).noquote() << "resumed session" << m_sessionId << "of account" << m_account << "from"
                              << describePeer() << "after" << awayMs << "ms"
                              << (clientName.isEmpty()
                                      ? QString()
                                      : QStringLiteral("(client \"%1\")").arg(printableName(clientName)))
                              << (previous.isEmpty() ? QString()
                                                     : QStringLiteral("; its previous connection from %1 was still "
                                                                      "open and is closed")
                                                           .arg(previous));
    m_lastHeardMs = now;
    m_keepalive.start(m_service->config().keepaliveIntervalSeconds * 1000);
    m_service->relay().resendPending(this);
    // Frames the admin sent after Resume may already wait in the socket; readyRead will not say so again.
    QTimer::singleShot(0, this, &ServerSession::onReadyRead);
}

} // namespace sra::srad
