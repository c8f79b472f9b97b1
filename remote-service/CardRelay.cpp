#include "remote-service/CardRelay.h"

#include "core/net/QtBytes.h"
#include "core/piv/InsertedCard.h"
#include "core/piv/PivObjects.h"
#include "remote-service/SradLogging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocalSocket>

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sra::srad {

namespace {
constexpr std::uint32_t kMaxLocalFrame = 4096; // requests are small; the card status goes the other way
constexpr int kMaxLocalClients = 32;           // pcscd's driver, a few PKCS#11 users; more is an attack
constexpr int kMaxPendingPerClient = 4;        // a client cannot queue up signatures for the admin to approve
constexpr int kHelloDeadlineMs = 5000;
constexpr qint64 kMaxUnreadBytes = 1024 * 1024; // a client that never reads its card statuses is dropped

// The requester text travels to the admin and into audit logs: printable characters only (an executable path
// can hold newlines or terminal escapes), cut on a character boundary within the wire limit.
QString printable(const QString& text)
{
    QString out;
    for (const QChar c : text) {
        out.append(c.isPrint() ? c : QChar(u'?'));
    }
    while (out.toUtf8().size() > 500) {
        out.chop(1);
    }
    return out;
}

// Who is on the other end of a local socket, from the kernel (SO_PEERCRED), not from anything they say.
QString peerCredentials(qintptr fd)
{
    ucred cred{};
    socklen_t length = sizeof cred;
    if (::getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0) {
        return QStringLiteral("unknown peer");
    }
    const QString exe = QFileInfo(QStringLiteral("/proc/%1/exe").arg(cred.pid)).symLinkTarget();
    return printable(
        QStringLiteral("uid %1 pid %2 %3").arg(cred.uid).arg(cred.pid).arg(exe.isEmpty() ? QStringLiteral("?") : exe));
}

wire::Message relayResultMessage(quint32 requestId, wire::RelayStatus status, const QByteArray& data, int triesLeft)
{
    wire::Message m(wire::MessageType::RelayResult);
    m.setU32(wire::Field::RequestId, requestId);
    m.setU32(wire::Field::Status, static_cast<std::uint32_t>(status));
    if (!data.isEmpty()) {
        m.set(wire::Field::Data, core::asByteView(data));
    }
    if (triesLeft >= 0) {
        m.setU32(wire::Field::PinTriesLeft, static_cast<std::uint32_t>(triesLeft));
    }
    return m;
}
} // namespace

CardRelay::CardRelay(core::RelayPolicy policy, int requestTimeoutMs, QObject* parent)
    : QObject(parent)
    , m_policy(std::move(policy))
    , m_requestTimeoutMs(requestTimeoutMs)
{
    connect(&m_server, &QLocalServer::newConnection, this, &CardRelay::onNewConnection);
}

void CardRelay::reconfigure(core::RelayPolicy policy, int requestTimeoutMs)
{
    m_policy = std::move(policy);
    m_requestTimeoutMs = requestTimeoutMs;
}

CardRelay::~CardRelay()
{
    // Clients first, while the list they unregister from still exists.
    const QList<LocalClient*> clients = m_clients;
    m_clients.clear();
    qDeleteAll(clients);
    for (auto& [id, pending] : m_pending) {
        delete pending.deadline;
        pending.message.wipe();
    }
}

bool CardRelay::listen(const QString& socketPath, QString& error)
{
    QDir().mkpath(QFileInfo(socketPath).absolutePath());
    QLocalServer::removeServer(socketPath); // a stale socket file from a previous srad
    // Owner and group only: the local socket relays PIN checks and signatures, it must never be world-writable.
    m_server.setSocketOptions(QLocalServer::UserAccessOption | QLocalServer::GroupAccessOption);
    if (!m_server.listen(socketPath)) {
        error = tr("srad cannot create its local socket %1: %2. Check [relay] socket in srad.conf and that the "
                   "directory is writable by srad.")
                    .arg(socketPath, m_server.errorString());
        return false;
    }
    if (const group* g = ::getgrnam("sra-card")) {
        // Members of sra-card (e.g. the display manager's user) may use the relayed card.
        if (::chown(QFile::encodeName(socketPath).constData(), static_cast<uid_t>(-1), g->gr_gid) != 0) {
            qCWarning(lcService).noquote() << "cannot give the local socket to group sra-card";
        }
    }
    qCInfo(lcService).noquote() << "local card socket" << socketPath;
    return true;
}

void CardRelay::onNewConnection()
{
    while (QLocalSocket* socket = m_server.nextPendingConnection()) {
        if (m_clients.size() >= kMaxLocalClients) {
            qCWarning(lcSession).noquote() << "local client refused: too many connections";
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto* client = new LocalClient(socket, this);
        m_clients.append(client);
    }
}

wire::Message CardRelay::cardStatus() const
{
    wire::Message status(wire::MessageType::CardStatus);
    status.setU32(wire::Field::Present, m_owner ? 1 : 0);
    status.setU32(wire::Field::Generation, m_generation);
    if (m_owner) {
        status.set(wire::Field::CardObjects, core::asByteView(m_objects));
        status.set(wire::Field::KeyAlgorithms, core::asByteView(m_algorithms));
        status.set(wire::Field::Account, m_owner->account().toStdString());
        if (m_triesLeft >= 0) {
            status.setU32(wire::Field::PinTriesLeft, static_cast<std::uint32_t>(m_triesLeft));
        }
    }
    return status;
}

void CardRelay::broadcastStatus()
{
    const wire::Message status = cardStatus();
    const QList<LocalClient*> clients = m_clients; // send() may drop a client, which edits m_clients
    for (LocalClient* client : clients) {
        if (client->greeted()) {
            client->send(status);
        }
    }
}

void CardRelay::insertCard(CardOwner* owner, const wire::Message& insert)
{
    // Checked here, once, with the codec the drivers use: a payload they would refuse never reaches them, and
    // the admin learns why at once instead of seeing a card that never appears. Whatever was inserted before
    // stays as it was.
    auto card =
        piv::decodeInsertedCard(insert.bytes(wire::Field::CardObjects), insert.bytes(wire::Field::KeyAlgorithms));
    if (!card) {
        const QString detail = QString::fromStdString(card.error().detail);
        qCInfo(lcAudit).noquote() << "refused the card of" << owner->account() << "(session" << owner->sessionId()
                                  << "):" << wire::errorCodeName(wire::ErrorCode::CardInvalid) << detail;
        wire::Message refused(wire::MessageType::CardRefused);
        refused.setU32(wire::Field::ErrorCode, static_cast<std::uint32_t>(wire::ErrorCode::CardInvalid));
        refused.set(wire::Field::Reason, detail.left(1000).toStdString());
        owner->sendToAdmin(refused);
        return;
    }
    if (m_owner && m_owner != owner) {
        removeCard(m_owner, QStringLiteral("another admin inserted a card"));
    }
    m_owner = owner;
    // Passed on to the local clients byte for byte as the admin sent them.
    m_objects = core::toQByteArray(insert.bytes(wire::Field::CardObjects));
    m_algorithms = core::toQByteArray(insert.bytes(wire::Field::KeyAlgorithms));
    m_triesLeft = insert.has(wire::Field::PinTriesLeft) ? static_cast<int>(*insert.u32(wire::Field::PinTriesLeft)) : -1;
    ++m_generation;
    qCInfo(lcAudit).noquote() << "card of" << owner->account() << "inserted (session" << owner->sessionId()
                              << "generation" << m_generation << ")";
    broadcastStatus();
    Q_EMIT cardInserted(owner, card.value());
}

void CardRelay::removeCard(CardOwner* owner, const QString& reason)
{
    if (!m_owner || m_owner != owner) {
        return;
    }
    qCInfo(lcAudit).noquote() << "card of" << owner->account() << "removed:" << reason;
    m_owner = nullptr;
    m_objects.clear();
    m_algorithms.clear();
    // Whatever was waiting for this card will not get an answer from it.
    QList<quint32> ids;
    for (const auto& [id, pending] : m_pending) {
        ids.append(id);
    }
    for (const quint32 id : std::as_const(ids)) {
        finish(id, wire::RelayStatus::NoCard, {}, -1);
    }
    broadcastStatus();
    Q_EMIT cardRemoved(reason);
}

quint32 CardRelay::forward(LocalClient* client, quint32 clientRequestId, const QString& what, wire::Message&& message)
{
    const quint32 relayId = m_nextRelayId++;
    Pending pending;
    pending.client = client;
    pending.clientRequestId = clientRequestId;
    pending.what = what;
    pending.requester = client->describe();
    pending.isPinCheck = message.type() == wire::MessageType::RelayVerifyPin;
    pending.generation = m_generation;
    client->addPending(1);
    pending.deadline = new QTimer(this);
    pending.deadline->setSingleShot(true);
    connect(pending.deadline, &QTimer::timeout, this, [this, relayId] {
        finish(relayId, wire::RelayStatus::Timeout, {}, -1);
    });
    pending.deadline->start(m_requestTimeoutMs);
    message.setU32(wire::Field::RequestId, relayId);
    message.set(wire::Field::Requester, client->describe().toStdString());
    pending.message = std::move(message);
    const auto [it, inserted] = m_pending.emplace(relayId, std::move(pending));
    // While the owner's connection is down (a suspended session) this is dropped; resendPending() sends it then.
    m_owner->sendRelayRequest(it->second.message);
    return relayId;
}

void CardRelay::resendPending(CardOwner* owner)
{
    if (!m_owner || m_owner != owner) {
        return;
    }
    int resent = 0;
    for (const auto& [id, pending] : m_pending) {
        // An older card's requests (the same admin inserted again meanwhile) are not this card's to answer.
        if (pending.generation == m_generation) {
            owner->sendRelayRequest(pending.message);
            ++resent;
        }
    }
    if (resent > 0) {
        qCInfo(lcAudit).noquote() << "re-sent" << resent << "pending relay request(s) to" << owner->account()
                                  << "(session" << owner->sessionId() << ") after the resume";
    }
}

void CardRelay::verifyPin(LocalClient* client, const wire::Message& request)
{
    const quint32 id = request.u32(wire::Field::RequestId).value_or(0);
    if (!m_owner) {
        answer(client, id, wire::RelayStatus::NoCard);
        return;
    }
    if (client->pending() >= kMaxPendingPerClient) {
        answer(client, id, wire::RelayStatus::RefusedByPolicy);
        return;
    }
    if (request.has(wire::Field::Generation) && request.u32(wire::Field::Generation) != m_generation) {
        // Meant for a card that has since been removed or replaced (perhaps by another admin's): never pass
        // a PIN typed for one card to another.
        answer(client, id, wire::RelayStatus::NoCard);
        return;
    }
    // One try left needs the admin's confirmation, which only the admin side can give: srad forwards it.
    const auto verdict = m_policy.checkVerifyPin(request.bytes(wire::Field::Pin).size(), -1, false);
    if (verdict != core::RelayPolicy::Verdict::Allowed) {
        qCInfo(lcAudit).noquote() << "refused PIN check for" << client->describe() << ":"
                                  << core::RelayPolicy::verdictText(verdict);
        answer(client, id, wire::RelayStatus::RefusedByPolicy);
        return;
    }
    wire::Message relay(wire::MessageType::RelayVerifyPin);
    relay.set(wire::Field::Pin, request.bytes(wire::Field::Pin)); // never logged
    forward(client, id, QStringLiteral("PIN check"), std::move(relay));
}

void CardRelay::sign(LocalClient* client, const wire::Message& request)
{
    const quint32 id = request.u32(wire::Field::RequestId).value_or(0);
    const quint32 slot = request.u32(wire::Field::Slot).value_or(0);
    const quint32 algorithm = request.u32(wire::Field::Algorithm).value_or(0);
    const QString what = QStringLiteral("private-key operation, slot %1, algorithm %2")
                             .arg(slot, 2, 16, QLatin1Char('0'))
                             .arg(algorithm, 2, 16, QLatin1Char('0'));
    if (!m_owner) {
        answer(client, id, wire::RelayStatus::NoCard);
        return;
    }
    if (client->pending() >= kMaxPendingPerClient) {
        answer(client, id, wire::RelayStatus::RefusedByPolicy);
        return;
    }
    if (request.has(wire::Field::Generation) && request.u32(wire::Field::Generation) != m_generation) {
        answer(client, id, wire::RelayStatus::NoCard);
        return;
    }
    const auto* keySlot = slot <= 0xFF ? piv::findPivKeySlot(static_cast<std::uint8_t>(slot)) : nullptr;
    if (keySlot && keySlot->pinPolicy != piv::PinPolicy::Never && client->verifiedGeneration() != m_generation) {
        qCInfo(lcAudit).noquote() << "refused" << what << "for" << client->describe()
                                  << ": this client has not verified the PIN for the inserted card";
        answer(client, id, wire::RelayStatus::SecurityStatus);
        return;
    }
    const auto verdict =
        slot <= 0xFF ? m_policy.checkSign(static_cast<std::uint8_t>(slot), algorithm, request.bytes(wire::Field::Input))
                     : core::RelayPolicy::Verdict::SlotNotAllowed;
    if (verdict != core::RelayPolicy::Verdict::Allowed) {
        qCInfo(lcAudit).noquote() << "refused" << what << "for" << client->describe() << ":"
                                  << core::RelayPolicy::verdictText(verdict);
        answer(client, id, wire::RelayStatus::RefusedByPolicy);
        return;
    }
    wire::Message relay(wire::MessageType::RelaySign);
    relay.setU32(wire::Field::Slot, slot);
    relay.setU32(wire::Field::Algorithm, algorithm);
    relay.set(wire::Field::Input, request.bytes(wire::Field::Input));
    forward(client, id, what, std::move(relay));
}

void CardRelay::relayResult(CardOwner* owner, const wire::Message& result)
{
    const quint32 relayId = result.u32(wire::Field::RequestId).value_or(0);
    if (owner != m_owner || !m_pending.contains(relayId)) {
        qCInfo(lcSession).noquote() << "ignoring a relay result for an unknown request" << relayId;
        return;
    }
    const quint32 code = result.u32(wire::Field::Status).value_or(0xFFFFFFFF);
    const auto status = code <= static_cast<quint32>(wire::RelayStatus::CardError)
                            ? static_cast<wire::RelayStatus>(code)
                            : wire::RelayStatus::Malformed;
    const int tries =
        result.has(wire::Field::PinTriesLeft) ? static_cast<int>(*result.u32(wire::Field::PinTriesLeft)) : -1;
    if (tries >= 0) {
        m_triesLeft = tries;
    }
    finish(relayId, status, core::toQByteArray(result.bytes(wire::Field::Data)), tries);
}

void CardRelay::finish(quint32 relayId, wire::RelayStatus status, const QByteArray& data, int triesLeft)
{
    const auto it = m_pending.find(relayId);
    if (it == m_pending.end()) {
        return;
    }
    Pending pending = std::move(it->second);
    m_pending.erase(it);
    delete pending.deadline;
    pending.message.wipe();
    if (pending.client) {
        pending.client->addPending(-1);
        if (pending.isPinCheck) {
            // The generation the PIN was checked for, not the current one: the same admin may have inserted
            // another card meanwhile (no removeCard, so this request was still pending), and a PIN proved for
            // the old card must not let this client sign with the new one.
            pending.client->setVerifiedGeneration(status == wire::RelayStatus::Ok ? pending.generation : 0);
        }
    }
    qCInfo(lcAudit).noquote() << "relayed" << pending.what << "for" << pending.requester << "->"
                              << static_cast<int>(status);
    if (pending.client) {
        answer(pending.client, pending.clientRequestId, status, data, triesLeft);
    }
}

void CardRelay::answer(
    LocalClient* client, quint32 requestId, wire::RelayStatus status, const QByteArray& data, int triesLeft)
{
    client->send(relayResultMessage(requestId, status, data, triesLeft));
}

void CardRelay::clientGone(LocalClient* client)
{
    m_clients.removeOne(client);
}

LocalClient::LocalClient(QLocalSocket* socket, CardRelay* relay)
    : QObject(relay)
    , m_socket(socket)
    , m_relay(relay)
    , m_decoder(kMaxLocalFrame)
{
    m_socket->setParent(this);
    m_credentials = peerCredentials(m_socket->socketDescriptor());
    m_description = m_credentials;
    connect(m_socket, &QLocalSocket::readyRead, this, &LocalClient::onReadyRead);
    connect(m_socket, &QLocalSocket::disconnected, this, [this] {
        m_relay->clientGone(this);
        deleteLater();
    });
    qCInfo(lcSession).noquote() << "local client connected:" << m_credentials;
    m_helloDeadline.setSingleShot(true);
    connect(&m_helloDeadline, &QTimer::timeout, this, [this] { fail(QStringLiteral("no LocalHello in time")); });
    m_helloDeadline.start(kHelloDeadlineMs);
}

LocalClient::~LocalClient()
{
    m_relay->clientGone(this);
}

void LocalClient::send(const wire::Message& message)
{
    if (m_socket->bytesToWrite() > kMaxUnreadBytes) {
        fail(QStringLiteral("does not read what srad sends"));
        return;
    }
    auto frame = wire::encodeMessage(message);
    if (frame) {
        m_socket->write(reinterpret_cast<const char*>(frame->data()), static_cast<qint64>(frame->size()));
    }
}

void LocalClient::fail(const QString& why)
{
    qCInfo(lcSession).noquote() << "local client" << m_description << "closed:" << why;
    m_socket->abort();
}

void LocalClient::onReadyRead()
{
    m_decoder.feed(core::asByteView(m_socket->readAll()));
    while (auto frame = m_decoder.next()) {
        auto message = wire::decodeMessage(*frame);
        if (!message) {
            fail(QString::fromStdString(message.error().detail));
            return;
        }
        const wire::Message& m = message.value();
        if (!m_greeted) {
            if (m.type() != wire::MessageType::LocalHello) {
                fail(QStringLiteral("expected LocalHello"));
                return;
            }
            const auto role = static_cast<wire::LocalRole>(m.u32(wire::Field::Role).value_or(0));
            m_description = m_credentials
                            + (role == wire::LocalRole::PcscDriver     ? QStringLiteral(" (pcscd driver)")
                               : role == wire::LocalRole::Pkcs11Module ? QStringLiteral(" (PKCS#11 module)")
                                                                       : QStringLiteral(" (unknown role)"));
            m_greeted = true;
            m_helloDeadline.stop();
            send(m_relay->cardStatus());
            continue;
        }
        switch (m.type()) {
        case wire::MessageType::LocalVerifyPin:
            m_relay->verifyPin(this, m);
            break;
        case wire::MessageType::LocalSign:
            m_relay->sign(this, m);
            break;
        default:
            fail(QStringLiteral("message type %1 not allowed on the local channel").arg(static_cast<int>(m.type())));
            return;
        }
    }
    if (m_decoder.error() != wire::FrameError::None) {
        fail(QString::fromLatin1(wire::frameErrorName(m_decoder.error())));
    }
}

} // namespace sra::srad
