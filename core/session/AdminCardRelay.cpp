#include "core/session/AdminCardRelay.h"

#include "core/card/CardErrors.h"

#include <QLoggingCategory>

namespace sra::core {

Q_LOGGING_CATEGORY(lcRelayAudit, "sra.core.relay.audit", QtInfoMsg)

namespace {
wire::RelayStatus statusFor(const base::Error& error)
{
    switch (error.code) {
    case base::ErrorCode::WrongPin:
    case base::ErrorCode::InvalidPinFormat:
        return wire::RelayStatus::WrongPin;
    case base::ErrorCode::PinBlocked:
        return wire::RelayStatus::PinBlocked;
    case base::ErrorCode::SecurityStatus:
        return wire::RelayStatus::SecurityStatus;
    case base::ErrorCode::LastPinTry:
        return wire::RelayStatus::RefusedByPolicy;
    case base::ErrorCode::NoCard:
    case base::ErrorCode::CardRemoved:
    case base::ErrorCode::NoReader:
    case base::ErrorCode::NoService:
        return wire::RelayStatus::NoCard;
    default:
        return wire::RelayStatus::CardError;
    }
}
} // namespace

AdminCardRelay::AdminCardRelay(
    AdminSession* session, AdminCard* card, RelayPolicy policy, Approval approval, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_card(card)
    , m_policy(std::move(policy))
    , m_approval(approval)
{
    connect(m_session, &AdminSession::relayRequested, this, &AdminCardRelay::onRequest, Qt::DirectConnection);
    m_clock.start();
}

AdminCardRelay::~AdminCardRelay()
{
    for (auto& request : m_waiting) {
        base::secureZero(request.pin.data(), request.pin.size());
    }
}

void AdminCardRelay::insert()
{
    if (m_inserted || m_inserting) {
        return;
    }
    m_inserting = true;
    m_card->readRelayCard(this, [this](base::Result<RelayCardContents> contents) {
        m_inserting = false;
        if (!contents) {
            Q_EMIT insertFailed(contents.error());
            return;
        }
        if (m_session->state() != AdminSession::State::Authenticated) {
            return; // the session ended while the card was read
        }
        m_session->insertCard(contents->objects, contents->keyAlgorithms, m_card->pinTriesLeft());
        m_inserted = true;
        m_remoteVerifiedPin = false;
        qCInfo(lcRelayAudit).noquote() << "card inserted into" << m_session->host() << "as" << m_session->account();
        Q_EMIT insertSucceeded();
    });
}

void AdminCardRelay::remove(const QString& reason)
{
    if (!m_inserted) {
        return;
    }
    m_inserted = false;
    ++m_insertion;
    m_remoteVerifiedPin = false;
    for (auto& request : m_waiting) {
        base::secureZero(request.pin.data(), request.pin.size());
    }
    m_waiting.clear();
    m_session->removeCard(reason);
    m_card->resetPinState(this, {}); // a PIN the remote verified does not outlive the insertion
    qCInfo(lcRelayAudit).noquote() << "card removed from" << m_session->host() << ":" << reason;
}

QString AdminCardRelay::describe(const RelayRequest& request) const
{
    if (request.kind == RelayRequest::Kind::VerifyPin) {
        return tr("PIN check for %1").arg(request.requester);
    }
    const auto* slot = piv::findPivKeySlot(request.slot);
    return tr("signature with slot %1 (%2) for %3")
        .arg(QString::number(request.slot, 16).toUpper(),
             QString::fromLatin1(slot ? slot->name : "?"),
             request.requester);
}

void AdminCardRelay::finish(
    const RelayRequest& request, wire::RelayStatus status, const QByteArray& data, int triesLeft, const QString& note)
{
    m_session->answerRelay(request.id, status, data, triesLeft);
    const QString line = QStringLiteral("%1: status %2%3")
                             .arg(describe(request))
                             .arg(static_cast<int>(status))
                             .arg(note.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(note));
    qCInfo(lcRelayAudit).noquote() << "relayed" << line;
    Q_EMIT relayed(line);
    Q_EMIT finished(
        RelayLogEntry{QDateTime::currentDateTimeUtc(), request.requester, request.kind, request.slot, status, note});
}

void AdminCardRelay::onRequest(RelayRequest& request)
{
    if (!m_inserted) {
        finish(request, wire::RelayStatus::NoCard, {}, -1, QStringLiteral("card not inserted"));
        return;
    }
    // The allow-list again, here where the card is.
    RelayPolicy::Verdict verdict = RelayPolicy::Verdict::Allowed;
    if (request.kind == RelayRequest::Kind::Sign) {
        verdict = m_policy.checkSign(request.slot,
                                     request.algorithm,
                                     base::ByteView(reinterpret_cast<const std::uint8_t*>(request.input.constData()),
                                                    static_cast<std::size_t>(request.input.size())));
    } else {
        verdict = m_policy.checkVerifyPin(request.pin.size(), m_card->pinTriesLeft(), false);
    }
    // The card may still be unlocked from another use; a signature for the remote needs the remote to have
    // proved the PIN itself (srad checks this per client as well).
    if (verdict == RelayPolicy::Verdict::Allowed && request.kind == RelayRequest::Kind::Sign && !m_remoteVerifiedPin) {
        const auto* slot = piv::findPivKeySlot(request.slot);
        if (slot && slot->pinPolicy != piv::PinPolicy::Never) {
            finish(
                request, wire::RelayStatus::SecurityStatus, {}, -1, QStringLiteral("no PIN verified from the remote"));
            return;
        }
    }
    const bool needsConfirmation = verdict == RelayPolicy::Verdict::NeedsConfirmation;
    if (verdict != RelayPolicy::Verdict::Allowed && !needsConfirmation) {
        finish(request,
               wire::RelayStatus::RefusedByPolicy,
               {},
               -1,
               QString::fromLatin1(RelayPolicy::verdictText(verdict)));
        return;
    }
    if (m_approval == Approval::Session && !needsConfirmation) {
        perform(request);
        return;
    }
    const quint32 id = request.id;
    QString description = describe(request);
    if (needsConfirmation) {
        description += tr(" — the card has ONE PIN try left");
        request.lastTryAsked = true;
    }
    m_waiting.insert(id, std::move(request));
    m_arrived.insert(id, m_clock.elapsed());
    Q_EMIT approvalNeeded(id, description, needsConfirmation);
}

void AdminCardRelay::approve(quint32 id, bool allow, bool forSession)
{
    auto it = m_waiting.find(id);
    if (it == m_waiting.end()) {
        return;
    }
    RelayRequest request = std::move(it.value());
    m_waiting.erase(it);
    const qint64 waited = m_clock.elapsed() - m_arrived.take(id);
    if (waited > m_approvalTimeoutMs) {
        base::secureZero(request.pin.data(), request.pin.size());
        finish(request, wire::RelayStatus::Timeout, {}, -1, QStringLiteral("approved too late"));
        return;
    }
    if (!allow) {
        base::secureZero(request.pin.data(), request.pin.size());
        finish(request, wire::RelayStatus::DeniedByAdmin, {}, -1, QStringLiteral("denied"));
        return;
    }
    if (forSession) {
        m_approval = Approval::Session;
    }
    request.lastTryConfirmed = request.lastTryAsked; // this very question named the last try
    perform(request);
}

void AdminCardRelay::perform(RelayRequest& request)
{
    // The card answers later; what the answer needs of the request is kept without its PIN.
    RelayRequest pending = request;
    pending.pin = {};
    const quint64 insertion = m_insertion;
    auto stillInserted = [this, insertion] { return m_inserted && m_insertion == insertion; };
    if (request.kind == RelayRequest::Kind::VerifyPin) {
        // The card reads its tries again right before the VERIFY (CardSession::verifyPin): requests queued while
        // it had more pass the check made at arrival, and must not spend the last try unconfirmed.
        const bool confirmed = request.lastTryConfirmed;
        m_card->verifyPin(
            std::move(request.pin), confirmed, this, [this, pending, stillInserted](base::Status verified) {
                if (!stillInserted()) {
                    return; // removed meanwhile: srad dropped the request with the card
                }
                m_remoteVerifiedPin = verified.ok();
                if (!verified) {
                    finish(pending,
                           statusFor(verified.error()),
                           {},
                           verified.error().triesLeft,
                           cardErrorMessage(verified.error()));
                    return;
                }
                finish(pending, wire::RelayStatus::Ok);
            });
        base::secureZero(request.pin.data(), request.pin.size());
        return;
    }
    const auto algorithm = piv::pivAlgorithmFromByte(static_cast<std::uint8_t>(request.algorithm));
    m_card->generalAuthenticate(
        request.slot,
        *algorithm,
        request.input,
        this,
        [this, pending, stillInserted](base::Result<QByteArray> signature) {
            if (!stillInserted()) {
                return;
            }
            if (!signature) {
                finish(pending, statusFor(signature.error()), {}, -1, cardErrorMessage(signature.error()));
                return;
            }
            finish(pending, wire::RelayStatus::Ok, signature.value());
        });
}

} // namespace sra::core
