#include "core/net/QtBytes.h"
#include "remote-service/CardOwner.h"
#include "remote-service/CardRelay.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>
#include <optional>
#include <unistd.h>
#include <vector>

using sra::core::RelayPolicy;
using sra::srad::CardOwner;
using sra::srad::CardRelay;
namespace wire = sra::wire;
using Status = wire::RelayStatus;

namespace {

constexpr int kTimeoutMs = 5000;
// A CHUID in its 53 wrapper: srad decodes InsertCard strictly (core/piv/InsertedCard) and passes the bytes on as sent.
const QByteArray kObjects("\x5F\xC1\x02\x05\x53\x03\x30\x01\x02", 9);
const QByteArray kAlgorithms("\x9A\x11\x9C\x11\x9E\x11", 6);
const QByteArray kPin("123456");

// The admin session that inserted the card, in-process: what the relay sends it is recorded, and the test
// answers in its place (ServerSession would send it over TLS to the admin's card).
class TestOwner : public CardOwner
{
public:
    explicit TestOwner(QString account)
        : m_account(std::move(account))
    {}

    QString account() const override
    {
        return m_account;
    }

    QString sessionId() const override
    {
        return QStringLiteral("session-of-") + m_account;
    }

    void sendRelayRequest(const wire::Message& message) override
    {
        requests.push_back(message);
    }

    void sendToAdmin(const wire::Message& message) override
    {
        toAdmin.push_back(message);
    }

    std::vector<wire::Message> requests;
    std::vector<wire::Message> toAdmin;

private:
    QString m_account;
};

// A local client (pcscd driver, PKCS#11 module) speaking raw frames on the relay's socket, driven from the
// test's event loop, which also runs the relay.
class Client
{
public:
    explicit Client(const QString& path)
    {
        m_socket.connectToServer(path);
        QObject::connect(&m_socket, &QLocalSocket::readyRead, [this] {
            m_decoder.feed(sra::core::asByteView(m_socket.readAll()));
            while (auto frame = m_decoder.next()) {
                auto message = wire::decodeMessage(*frame);
                m_received.push_back(message ? message.value() : wire::Message(wire::MessageType::Error));
            }
        });
    }

    bool isConnected() const
    {
        return m_socket.state() == QLocalSocket::ConnectedState;
    }

    void send(const wire::Message& message)
    {
        const auto frame = wire::encodeMessage(message);
        QVERIFY(frame);
        m_socket.write(reinterpret_cast<const char*>(frame->data()), static_cast<qint64>(frame->size()));
    }

    // LocalHello, and the CardStatus srad answers it with.
    std::optional<wire::Message> hello(wire::LocalRole role = wire::LocalRole::PcscDriver)
    {
        wire::Message m(wire::MessageType::LocalHello);
        m.setU32(wire::Field::Role, static_cast<std::uint32_t>(role));
        send(m);
        return next();
    }

    void verifyPin(quint32 id, std::optional<quint32> generation, const QByteArray& pin = kPin)
    {
        wire::Message m(wire::MessageType::LocalVerifyPin);
        m.setU32(wire::Field::RequestId, id);
        m.set(wire::Field::Pin, sra::core::asByteView(pin));
        if (generation) {
            m.setU32(wire::Field::Generation, *generation);
        }
        send(m);
    }

    void sign(quint32 id, quint32 slot, quint32 algorithm, const QByteArray& input, std::optional<quint32> generation)
    {
        wire::Message m(wire::MessageType::LocalSign);
        m.setU32(wire::Field::RequestId, id);
        m.setU32(wire::Field::Slot, slot);
        m.setU32(wire::Field::Algorithm, algorithm);
        m.set(wire::Field::Input, sra::core::asByteView(input));
        if (generation) {
            m.setU32(wire::Field::Generation, *generation);
        }
        send(m);
    }

    std::optional<wire::Message> next(int timeoutMs = kTimeoutMs)
    {
        if (!QTest::qWaitFor([this] { return !m_received.empty(); }, timeoutMs)) {
            return std::nullopt;
        }
        wire::Message m = m_received.front();
        m_received.erase(m_received.begin());
        return m;
    }

    // The RelayResult for a request (a status pushed meanwhile is skipped).
    std::optional<wire::Message> result(int timeoutMs = kTimeoutMs)
    {
        while (auto m = next(timeoutMs)) {
            if (m->type() == wire::MessageType::RelayResult) {
                return m;
            }
        }
        return std::nullopt;
    }

    // No RelayResult arrives within `ms` (status pushes may).
    bool noResultWithin(int ms)
    {
        QTest::qWait(ms);
        const bool none = std::none_of(m_received.begin(), m_received.end(), [](const wire::Message& m) {
            return m.type() == wire::MessageType::RelayResult;
        });
        m_received.clear();
        return none;
    }

    bool quietFor(int ms)
    {
        QTest::qWait(ms);
        return m_received.empty();
    }

    bool closedWithin(int ms)
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QLocalSocket::UnconnectedState; }, ms);
    }

    QLocalSocket& socket()
    {
        return m_socket;
    }

private:
    QLocalSocket m_socket;
    wire::FrameDecoder m_decoder;
    std::vector<wire::Message> m_received;
};

wire::Message insertMessage(int triesLeft = 3)
{
    wire::Message m(wire::MessageType::InsertCard);
    m.set(wire::Field::CardObjects, sra::core::asByteView(kObjects));
    m.set(wire::Field::KeyAlgorithms, sra::core::asByteView(kAlgorithms));
    if (triesLeft >= 0) {
        m.setU32(wire::Field::PinTriesLeft, static_cast<std::uint32_t>(triesLeft));
    }
    return m;
}

wire::Message adminResult(quint32 relayId, Status status, const QByteArray& data = {}, int triesLeft = -1)
{
    wire::Message m(wire::MessageType::RelayResult);
    m.setU32(wire::Field::RequestId, relayId);
    m.setU32(wire::Field::Status, static_cast<std::uint32_t>(status));
    if (!data.isEmpty()) {
        m.set(wire::Field::Data, sra::core::asByteView(data));
    }
    if (triesLeft >= 0) {
        m.setU32(wire::Field::PinTriesLeft, static_cast<std::uint32_t>(triesLeft));
    }
    return m;
}

std::optional<Status> statusOf(const std::optional<wire::Message>& m)
{
    if (!m || m->type() != wire::MessageType::RelayResult) {
        return std::nullopt;
    }
    return static_cast<Status>(m->u32(wire::Field::Status).value_or(99));
}

QByteArray bytesOf(const wire::Message& m, wire::Field field)
{
    return sra::core::toQByteArray(m.bytes(field));
}

// srad's audit log (sra.srad.audit), captured for the checks on what is written and what never is.
QStringList g_audit;
QStringList g_allLogs;

void captureLogs(QtMsgType, const QMessageLogContext& context, const QString& text)
{
    g_allLogs << text;
    if (context.category && QByteArray(context.category) == "sra.srad.audit") {
        g_audit << text;
    }
}

} // namespace

// srad's side of the card relay, in-process with its real local socket: the status push, the checks a local
// request passes before it reaches the admin (card present, generation, PIN proved, allow-list, per-client
// bound), the deadline, and what happens when the card, the admin or the client goes away.
class TestCardRelay : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void socketIsOwnerAndGroupOnly();
    void helloGetsTheStatusAndChangesArePushed();
    void localChannelViolationsCloseTheClient_data();
    void localChannelViolationsCloseTheClient();
    void noCardOrOtherGeneration();
    void pinCheckIsRelayedAndAudited();
    void signNeedsAPinProvedByThisClient();
    void allowListIsApplied();
    void deadlineAnswersTimeout();
    void cardGoneAnswersPendingRequests();
    void anotherAdminReplacesTheCard();
    void resultsFromTheWrongSessionAreIgnored();
    void pendingRequestsPerClientAreBounded();
    void clientGoneMidRequest();
    void tooManyClients();
    void reinsertDoesNotCarryAPinCheckOver();

private:
    // A relay listening in a fresh directory, the card inserted by `owner`, and a greeted client.
    std::unique_ptr<Client> greetedClient()
    {
        auto client = std::make_unique<Client>(m_path);
        if (!QTest::qWaitFor([&] { return client->isConnected(); }, kTimeoutMs) || !client->hello()) {
            return nullptr;
        }
        return client;
    }

    // verifyPin through the admin with `status`; returns the client's RelayResult status.
    std::optional<Status> relayPinCheck(Client& client, TestOwner& owner, quint32 id, quint32 generation, Status status)
    {
        const std::size_t before = owner.requests.size();
        client.verifyPin(id, generation);
        if (!QTest::qWaitFor([&] { return owner.requests.size() > before; }, kTimeoutMs)) {
            return std::nullopt;
        }
        m_relay->relayResult(&owner, adminResult(*owner.requests.back().u32(wire::Field::RequestId), status));
        return statusOf(client.result());
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    std::unique_ptr<CardRelay> m_relay;
};

void TestCardRelay::initTestCase()
{
    qInstallMessageHandler(captureLogs);
}

void TestCardRelay::init()
{
    g_audit.clear();
    g_allLogs.clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("local.sock"));
    RelayPolicy policy; // default: 9A only
    m_relay = std::make_unique<CardRelay>(policy, 10000);
    QString error;
    QVERIFY2(m_relay->listen(m_path, error), qPrintable(error));
}

void TestCardRelay::cleanup()
{
    m_relay.reset();
    m_dir.reset();
}

void TestCardRelay::socketIsOwnerAndGroupOnly()
{
    const QFileInfo socket(m_path);
    QVERIFY(socket.exists());
    QVERIFY(!(socket.permissions() & (QFile::WriteOther | QFile::ReadOther)));
    QVERIFY(socket.permissions() & QFile::WriteOwner);
}

void TestCardRelay::helloGetsTheStatusAndChangesArePushed()
{
    TestOwner owner(QStringLiteral("alice"));
    // The decoded card (LoginPolicy's input) is not a registered meta type: recorded by hand, not by a spy.
    QList<QPair<CardOwner*, sra::piv::InsertedCard>> inserted;
    connect(m_relay.get(), &CardRelay::cardInserted, this, [&](CardOwner* by, const sra::piv::InsertedCard& card) {
        inserted.append({by, card});
    });
    QSignalSpy removed(m_relay.get(), &CardRelay::cardRemoved);
    auto client = greetedClient();
    QVERIFY(client);
    Client silent(m_path); // connected, never greets: gets nothing pushed
    QVERIFY(QTest::qWaitFor([&] { return silent.isConnected(); }, kTimeoutMs));
    QVERIFY(!m_relay->cardPresent());

    m_relay->insertCard(&owner, insertMessage(3));
    QVERIFY(m_relay->cardPresent());
    const auto status = client->next();
    QVERIFY(status && status->type() == wire::MessageType::CardStatus);
    QCOMPARE(status->u32(wire::Field::Present), std::optional<std::uint32_t>(1));
    QCOMPARE(status->u32(wire::Field::Generation), std::optional<std::uint32_t>(1));
    QCOMPARE(bytesOf(*status, wire::Field::CardObjects), kObjects);
    QCOMPARE(bytesOf(*status, wire::Field::KeyAlgorithms), kAlgorithms);
    QCOMPARE(status->u32(wire::Field::PinTriesLeft), std::optional<std::uint32_t>(3));
    QCOMPARE(status->text(wire::Field::Account), std::string("alice"));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).first, &owner);
    // What srad decoded from the payload: the CHUID, and the three keys.
    QVERIFY(inserted.at(0).second.object(0x5FC102u));
    QCOMPARE(inserted.at(0).second.keys.size(), std::size_t(3));

    m_relay->removeCard(nullptr, QStringLiteral("not the owner")); // ignored
    QVERIFY(client->quietFor(50));
    m_relay->removeCard(&owner, QStringLiteral("removed by the admin"));
    const auto gone = client->next();
    QVERIFY(gone && gone->type() == wire::MessageType::CardStatus);
    QCOMPARE(gone->u32(wire::Field::Present), std::optional<std::uint32_t>(0));
    QVERIFY(!gone->has(wire::Field::CardObjects));
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(0).toString(), QStringLiteral("removed by the admin"));
    QVERIFY(silent.quietFor(50));
    QVERIFY(g_audit.join(u'\n').contains(QStringLiteral("card of alice inserted")));
}

void TestCardRelay::localChannelViolationsCloseTheClient_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("greetFirst");
    auto frameOf = [](const wire::Message& m) {
        const auto frame = wire::encodeMessage(m);
        return QByteArray(reinterpret_cast<const char*>(frame->data()), static_cast<qsizetype>(frame->size()));
    };
    wire::Message verify(wire::MessageType::LocalVerifyPin);
    verify.setU32(wire::Field::RequestId, 1);
    verify.set(wire::Field::Pin, sra::core::asByteView(kPin));
    QTest::newRow("request before LocalHello") << frameOf(verify) << false;
    QTest::newRow("admin-side message") << frameOf(insertMessage()) << true;
    QTest::newRow("not an SRA frame") << QByteArray("GET / HTTP/1.1\r\n\r\n") << true;
    // Local requests are small: a frame announcing more than 4 KiB is refused on its header.
    QTest::newRow("oversized") << QByteArray("SR\x01\x22\x00\x00\x10\x01", 8) << true;
    QTest::newRow("schema violation") << QByteArray("SR\x01\x22\x00\x00\x00\x00", 8) << true; // no RequestId
}

void TestCardRelay::localChannelViolationsCloseTheClient()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, greetFirst);
    TestOwner owner(QStringLiteral("alice"));
    m_relay->insertCard(&owner, insertMessage());
    std::unique_ptr<Client> client = greetFirst ? greetedClient() : std::make_unique<Client>(m_path);
    QVERIFY(client);
    QVERIFY(QTest::qWaitFor([&] { return client->isConnected(); }, kTimeoutMs));
    client->socket().write(bytes);
    QVERIFY2(client->closedWithin(kTimeoutMs), "srad kept a client that broke the protocol");
    QVERIFY(owner.requests.empty());
    auto other = greetedClient(); // the others are unaffected
    QVERIFY(other);
}

void TestCardRelay::noCardOrOtherGeneration()
{
    auto client = greetedClient();
    QVERIFY(client);
    client->verifyPin(11, std::nullopt);
    auto answer = client->result();
    QCOMPARE(statusOf(answer), Status::NoCard);
    QCOMPARE(answer->u32(wire::Field::RequestId), std::optional<std::uint32_t>(11)); // the client's own id
    client->sign(12, 0x9A, 0x11, QByteArray(32, 'x'), std::nullopt);
    QCOMPARE(statusOf(client->result()), Status::NoCard);

    TestOwner owner(QStringLiteral("alice"));
    m_relay->insertCard(&owner, insertMessage());
    client->verifyPin(13, 99); // typed for a card that is not this one
    QCOMPARE(statusOf(client->result()), Status::NoCard);
    client->sign(14, 0x9A, 0x11, QByteArray(32, 'x'), 99);
    QCOMPARE(statusOf(client->result()), Status::NoCard);
    QVERIFY(owner.requests.empty()); // none of it reached the admin
}

void TestCardRelay::pinCheckIsRelayedAndAudited()
{
    TestOwner owner(QStringLiteral("alice"));
    m_relay->insertCard(&owner, insertMessage(3));
    auto client = greetedClient();
    QVERIFY(client);
    client->verifyPin(77, 1);
    QVERIFY(QTest::qWaitFor([&] { return owner.requests.size() == 1; }, kTimeoutMs));
    const wire::Message& relayed = owner.requests.front();
    QCOMPARE(relayed.type(), wire::MessageType::RelayVerifyPin);
    QCOMPARE(bytesOf(relayed, wire::Field::Pin), kPin);
    // Who asks, from the kernel's peer credentials: this very process, with the role it greeted with.
    const QString requester = QString::fromStdString(relayed.text(wire::Field::Requester));
    QVERIFY2(requester.contains(QStringLiteral("pid %1 ").arg(::getpid())), qPrintable(requester));
    QVERIFY2(requester.endsWith(QStringLiteral("(pcscd driver)")), qPrintable(requester));
    QVERIFY(wire::encodeMessage(relayed)); // it fits the admin side's schema

    const quint32 relayId = *relayed.u32(wire::Field::RequestId);
    m_relay->relayResult(&owner, adminResult(relayId, Status::WrongPin, {}, 2));
    const auto answer = client->result();
    QCOMPARE(statusOf(answer), Status::WrongPin);
    QCOMPARE(answer->u32(wire::Field::RequestId), std::optional<std::uint32_t>(77));
    QCOMPARE(answer->u32(wire::Field::PinTriesLeft), std::optional<std::uint32_t>(2));
    QCOMPARE(m_relay->cardStatus().u32(wire::Field::PinTriesLeft), std::optional<std::uint32_t>(2));

    m_relay->relayResult(&owner, adminResult(relayId, Status::Ok)); // a second answer to the same request
    QVERIFY(client->quietFor(50));

    const QString audit = g_audit.join(u'\n');
    QVERIFY2(audit.contains(QStringLiteral("relayed PIN check for ") + requester + QStringLiteral(" -> 1")),
             qPrintable(audit));
    QVERIFY2(!g_allLogs.join(u'\n').contains(QString::fromLatin1(kPin)), "the PIN appeared in a log");
}

void TestCardRelay::signNeedsAPinProvedByThisClient()
{
    TestOwner owner(QStringLiteral("alice"));
    m_relay->insertCard(&owner, insertMessage());
    auto client = greetedClient();
    auto other = greetedClient();
    QVERIFY(client && other);
    const QByteArray digest(32, '\x42');

    client->sign(1, 0x9A, 0x11, digest, 1); // the admin's card may be unlocked, but this client never proved the PIN
    QCOMPARE(statusOf(client->result()), Status::SecurityStatus);
    QCOMPARE(relayPinCheck(*client, owner, 2, 1, Status::WrongPin), Status::WrongPin);
    client->sign(3, 0x9A, 0x11, digest, 1);
    QCOMPARE(statusOf(client->result()), Status::SecurityStatus);
    QVERIFY(g_audit.join(u'\n').contains(QStringLiteral("has not verified the PIN")));

    QCOMPARE(relayPinCheck(*client, owner, 4, 1, Status::Ok), Status::Ok);
    const std::size_t before = owner.requests.size();
    client->sign(5, 0x9A, 0x11, digest, 1);
    QVERIFY(QTest::qWaitFor([&] { return owner.requests.size() == before + 1; }, kTimeoutMs));
    const wire::Message& relayed = owner.requests.back();
    QCOMPARE(relayed.type(), wire::MessageType::RelaySign);
    QCOMPARE(relayed.u32(wire::Field::Slot), std::optional<std::uint32_t>(0x9A));
    QCOMPARE(relayed.u32(wire::Field::Algorithm), std::optional<std::uint32_t>(0x11));
    QCOMPARE(bytesOf(relayed, wire::Field::Input), digest);
    const QByteArray signature("\x30\x06\x02\x01\x01\x02\x01\x02", 8);
    m_relay->relayResult(&owner, adminResult(*relayed.u32(wire::Field::RequestId), Status::Ok, signature));
    const auto answer = client->result();
    QCOMPARE(statusOf(answer), Status::Ok);
    QCOMPARE(answer->u32(wire::Field::RequestId), std::optional<std::uint32_t>(5));
    QCOMPARE(bytesOf(*answer, wire::Field::Data), signature);

    other->sign(6, 0x9A, 0x11, digest, 1); // proving the PIN is per client
    QCOMPARE(statusOf(other->result()), Status::SecurityStatus);

    m_relay->insertCard(&owner, insertMessage()); // a new card (generation 2): proved again
    client->sign(7, 0x9A, 0x11, digest, 2);
    QCOMPARE(statusOf(client->result()), Status::SecurityStatus);
}

void TestCardRelay::allowListIsApplied()
{
    TestOwner owner(QStringLiteral("alice"));
    m_relay->insertCard(&owner, insertMessage());
    auto client = greetedClient();
    QVERIFY(client);
    QCOMPARE(relayPinCheck(*client, owner, 1, 1, Status::Ok), Status::Ok);
    const std::size_t before = owner.requests.size();

    client->sign(2, 0x9C, 0x11, QByteArray(32, 'x'), 1); // slot not in the allow-list (9A only)
    QCOMPARE(statusOf(client->result()), Status::RefusedByPolicy);
    client->sign(3, 0x9E, 0x11, QByteArray(32, 'x'), 1); // no PIN needed there, still not allowed
    QCOMPARE(statusOf(client->result()), Status::RefusedByPolicy);
    client->sign(4, 0x9A, 0x07, QByteArray(256, 'x'), 1); // RSA input that is no signature block: decryption
    QCOMPARE(statusOf(client->result()), Status::RefusedByPolicy);
    client->sign(5, 0x9A, 0x11, QByteArray(33, 'x'), 1); // longer than the P-256 field
    QCOMPARE(statusOf(client->result()), Status::RefusedByPolicy);
    client->sign(6, 0x19A, 0x11, QByteArray(32, 'x'), 1); // not a key reference at all
    QCOMPARE(statusOf(client->result()), Status::RefusedByPolicy);
    QCOMPARE(owner.requests.size(), before);
    QVERIFY(g_audit.join(u'\n').contains(QStringLiteral("refused private-key operation, slot 9c")));

    RelayPolicy wider;
    wider.allowedSlots = {0x9A, 0x9C};
    m_relay->reconfigure(wider, 10000); // SIGHUP: from the next request on
    client->sign(7, 0x9C, 0x11, QByteArray(32, 'x'), 1);
    QVERIFY(QTest::qWaitFor([&] { return owner.requests.size() == before + 1; }, kTimeoutMs));
}

void TestCardRelay::deadlineAnswersTimeout()
{
    m_relay->reconfigure(RelayPolicy{}, 200);
    TestOwner owner(QStringLiteral("alice"));
    m_relay->insertCard(&owner, insertMessage());
    auto client = greetedClient();
    QVERIFY(client);
    QElapsedTimer clock;
    clock.start();
    client->verifyPin(9, 1);
    const auto answer = client->result();
    QCOMPARE(statusOf(answer), Status::Timeout);
    QVERIFY(clock.elapsed() >= 190);
    QCOMPARE(answer->u32(wire::Field::RequestId), std::optional<std::uint32_t>(9));
    // The admin answers too late: nothing more reaches the client.
    m_relay->relayResult(&owner, adminResult(*owner.requests.front().u32(wire::Field::RequestId), Status::Ok));
    QVERIFY(client->quietFor(50));
    QVERIFY(g_audit.join(u'\n').contains(QStringLiteral("-> 7")));
}

void TestCardRelay::cardGoneAnswersPendingRequests()
{
    TestOwner owner(QStringLiteral("alice"));
    m_relay->insertCard(&owner, insertMessage());
    auto client = greetedClient();
    QVERIFY(client);
    client->verifyPin(21, 1);
    QVERIFY(QTest::qWaitFor([&] { return owner.requests.size() == 1; }, kTimeoutMs));
    m_relay->removeCard(&owner, QStringLiteral("the admin's session ended"));
    const auto answer = client->next();
    QCOMPARE(statusOf(answer), Status::NoCard); // at once, before the status push
    QCOMPARE(answer->u32(wire::Field::RequestId), std::optional<std::uint32_t>(21));
    const auto status = client->next();
    QVERIFY(status && status->type() == wire::MessageType::CardStatus);
    QCOMPARE(status->u32(wire::Field::Present), std::optional<std::uint32_t>(0));
    QVERIFY(client->quietFor(50));
}

void TestCardRelay::anotherAdminReplacesTheCard()
{
    TestOwner alice(QStringLiteral("alice"));
    TestOwner bob(QStringLiteral("bob"));
    QSignalSpy removed(m_relay.get(), &CardRelay::cardRemoved);
    m_relay->insertCard(&alice, insertMessage());
    auto client = greetedClient();
    QVERIFY(client);
    client->verifyPin(31, 1);
    QVERIFY(QTest::qWaitFor([&] { return alice.requests.size() == 1; }, kTimeoutMs));

    m_relay->insertCard(&bob, insertMessage());
    QCOMPARE(statusOf(client->result()), Status::NoCard); // alice's card will not answer it
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(0).toString(), QStringLiteral("another admin inserted a card"));
    const auto status = m_relay->cardStatus();
    QCOMPARE(status.u32(wire::Field::Generation), std::optional<std::uint32_t>(2));
    QCOMPARE(status.text(wire::Field::Account), std::string("bob"));
    // alice's late answer is not bob's
    m_relay->relayResult(&alice, adminResult(*alice.requests.front().u32(wire::Field::RequestId), Status::Ok));
    QVERIFY(client->noResultWithin(50));
    QVERIFY(bob.requests.empty());
}

void TestCardRelay::resultsFromTheWrongSessionAreIgnored()
{
    TestOwner owner(QStringLiteral("alice"));
    TestOwner stranger(QStringLiteral("mallory"));
    m_relay->insertCard(&owner, insertMessage());
    auto client = greetedClient();
    QVERIFY(client);
    client->verifyPin(41, 1);
    QVERIFY(QTest::qWaitFor([&] { return owner.requests.size() == 1; }, kTimeoutMs));
    const quint32 relayId = *owner.requests.front().u32(wire::Field::RequestId);
    m_relay->relayResult(&stranger, adminResult(relayId, Status::Ok));     // another session guessing the id
    m_relay->relayResult(&owner, adminResult(relayId + 1000, Status::Ok)); // an id never handed out
    QVERIFY(client->quietFor(50));
    m_relay->relayResult(&owner, adminResult(relayId, static_cast<Status>(1234))); // not a status
    QCOMPARE(statusOf(client->result()), Status::Malformed);
}

void TestCardRelay::pendingRequestsPerClientAreBounded()
{
    TestOwner owner(QStringLiteral("alice"));
    m_relay->insertCard(&owner, insertMessage());
    auto client = greetedClient();
    auto other = greetedClient();
    QVERIFY(client && other);
    for (quint32 id = 1; id <= 4; ++id) {
        client->verifyPin(id, 1);
    }
    QVERIFY(QTest::qWaitFor([&] { return owner.requests.size() == 4; }, kTimeoutMs));
    client->verifyPin(5, 1); // a client cannot queue up more prompts for the admin
    const auto refused = client->result();
    QCOMPARE(statusOf(refused), Status::RefusedByPolicy);
    QCOMPARE(refused->u32(wire::Field::RequestId), std::optional<std::uint32_t>(5));
    QCOMPARE(owner.requests.size(), std::size_t(4));
    other->verifyPin(1, 1); // per client: another one still gets through
    QVERIFY(QTest::qWaitFor([&] { return owner.requests.size() == 5; }, kTimeoutMs));
    // An answer frees a place.
    m_relay->relayResult(&owner, adminResult(*owner.requests.front().u32(wire::Field::RequestId), Status::Ok));
    QCOMPARE(statusOf(client->result()), Status::Ok);
    client->verifyPin(6, 1);
    QVERIFY(QTest::qWaitFor([&] { return owner.requests.size() == 6; }, kTimeoutMs));
}

void TestCardRelay::clientGoneMidRequest()
{
    TestOwner owner(QStringLiteral("alice"));
    m_relay->insertCard(&owner, insertMessage());
    auto client = greetedClient();
    auto other = greetedClient();
    QVERIFY(client && other);
    client->verifyPin(51, 1);
    QVERIFY(QTest::qWaitFor([&] { return owner.requests.size() == 1; }, kTimeoutMs));
    client->socket().abort();
    client.reset();
    QTest::qWait(50); // srad sees the close and deletes its LocalClient
    m_relay->relayResult(&owner, adminResult(*owner.requests.front().u32(wire::Field::RequestId), Status::Ok));
    QVERIFY(g_audit.join(u'\n').contains(QStringLiteral("relayed PIN check"))); // still audited
    QCOMPARE(relayPinCheck(*other, owner, 52, 1, Status::Ok), Status::Ok);
}

void TestCardRelay::tooManyClients()
{
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 32; ++i) {
        clients.push_back(greetedClient());
        QVERIFY(clients.back());
    }
    Client extra(m_path);
    QVERIFY2(extra.closedWithin(kTimeoutMs), "the 33rd local connection was kept");
    clients.pop_back();
    QTest::qWait(50);         // srad sees the close
    QVERIFY(greetedClient()); // a place freed is a place again
}

// The same admin inserts again (a new card, generation 2) while a PIN check for the old one is with the admin.
// That answer proves the PIN of the old card only: it must not let this client sign with the new one.
void TestCardRelay::reinsertDoesNotCarryAPinCheckOver()
{
    TestOwner owner(QStringLiteral("alice"));
    m_relay->insertCard(&owner, insertMessage());
    auto client = greetedClient();
    QVERIFY(client);
    client->verifyPin(61, 1);
    QVERIFY(QTest::qWaitFor([&] { return owner.requests.size() == 1; }, kTimeoutMs));
    m_relay->insertCard(&owner, insertMessage());
    m_relay->relayResult(&owner, adminResult(*owner.requests.front().u32(wire::Field::RequestId), Status::Ok));
    QVERIFY(client->result());
    client->sign(62, 0x9A, 0x11, QByteArray(32, 'x'), 2);
    QCOMPARE(statusOf(client->result()), Status::SecurityStatus);
    QCOMPARE(owner.requests.size(), std::size_t(1));
}

QTEST_GUILESS_MAIN(TestCardRelay)
#include "TestCardRelay.moc"
