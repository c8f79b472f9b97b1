#include "core/local/LocalChannelClient.h"
#include "core/wire/Frame.h"
#include "core/wire/Message.h"

#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <mutex>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;
using sra::base::Bytes;
using sra::base::ByteView;
using sra::local::CardSnapshot;
using sra::local::LocalChannelClient;
namespace wire = sra::wire;

namespace {

// srad's end of the local channel, played step by step by the test on its own thread (the client has its
// reader thread), so each test decides exactly what srad sends and when, including what srad never sends:
// broken frames, answers to unknown requests, a close in the middle of a request. tests/support's
// LocalCardServer answers from a real soft card and is used by the integration tests; here no card is
// needed, and its well-behaved frames could not test the client's defences.
class ScriptedServer
{
public:
    explicit ScriptedServer(std::string path)
        : m_path(std::move(path))
    {
        listen();
    }

    ~ScriptedServer()
    {
        dropClient();
        closeListener();
    }

    bool listen()
    {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, m_path.c_str(), m_path.size() + 1);
        ::unlink(m_path.c_str());
        m_listen = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        return m_listen >= 0 && ::bind(m_listen, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0
               && ::listen(m_listen, 4) == 0;
    }

    void closeListener()
    {
        if (m_listen >= 0) {
            ::close(m_listen);
            ::unlink(m_path.c_str());
            m_listen = -1;
        }
    }

    // Takes the next connection (dropping the current one).
    bool accept(std::chrono::milliseconds timeout = 5s)
    {
        dropClient();
        pollfd p{m_listen, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) {
            return false;
        }
        m_client = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
        m_decoder = wire::FrameDecoder();
        return m_client >= 0;
    }

    // accept() and the LocalHello every connection starts with.
    std::optional<wire::Message> acceptHello()
    {
        if (!accept()) {
            return std::nullopt;
        }
        auto hello = receive();
        if (!hello || hello->type() != wire::MessageType::LocalHello) {
            return std::nullopt;
        }
        return hello;
    }

    void dropClient()
    {
        if (m_client >= 0) {
            ::close(m_client);
            m_client = -1;
        }
    }

    // The next frame from the client, as it arrived (nullopt: timeout, EOF or a broken frame).
    std::optional<wire::Frame> receiveFrame(std::chrono::milliseconds timeout = 5s)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            if (auto frame = m_decoder.next()) {
                return frame;
            }
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            pollfd p{m_client, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1) {
                return std::nullopt;
            }
            std::uint8_t buffer[4096];
            const ssize_t n = ::recv(m_client, buffer, sizeof buffer, 0);
            if (n <= 0) {
                return std::nullopt;
            }
            m_decoder.feed(ByteView(buffer, static_cast<std::size_t>(n)));
        }
    }

    std::optional<wire::Message> receive(std::chrono::milliseconds timeout = 5s)
    {
        auto frame = receiveFrame(timeout);
        if (!frame) {
            return std::nullopt;
        }
        auto message = wire::decodeMessage(*frame);
        if (!message) {
            return std::nullopt;
        }
        return message.value();
    }

    // True when the client closed its end (EOF) within the timeout.
    bool clientClosed(std::chrono::milliseconds timeout = 5s)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{m_client, POLLIN, 0};
            if (::poll(&p, 1, 50) == 1) {
                std::uint8_t buffer[4096];
                const ssize_t n = ::recv(m_client, buffer, sizeof buffer, 0);
                if (n == 0 || (n < 0 && errno == ECONNRESET)) {
                    return true;
                }
            }
        }
        return false;
    }

    void send(const wire::Message& message)
    {
        auto frame = wire::encodeMessage(message);
        QVERIFY(frame);
        sendRaw(frame.value());
    }

    void sendRaw(const Bytes& bytes)
    {
        QCOMPARE(::send(m_client, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
    }

private:
    std::string m_path;
    int m_listen = -1;
    int m_client = -1;
    wire::FrameDecoder m_decoder;
};

const Bytes kObjects{0x5F, 0xC1, 0x02, 0x03, 0x30, 0x01, 0x02}; // any bytes: the client does not parse them
const Bytes kAlgorithms{0x9A, 0x07, 0x9C, 0x11};
const Bytes kPin{'1', '2', '3', '4', '5', '6'};

wire::Message cardStatus(bool present, std::uint32_t generation)
{
    wire::Message m(wire::MessageType::CardStatus);
    m.setU32(wire::Field::Present, present ? 1 : 0);
    m.setU32(wire::Field::Generation, generation);
    if (present) {
        m.set(wire::Field::CardObjects, ByteView(kObjects));
        m.set(wire::Field::KeyAlgorithms, ByteView(kAlgorithms));
        m.setU32(wire::Field::PinTriesLeft, 3);
        m.set(wire::Field::Account, std::string_view("alice"));
    }
    return m;
}

wire::Message relayResult(std::uint32_t id, wire::RelayStatus status, const Bytes& data = {})
{
    wire::Message m(wire::MessageType::RelayResult);
    m.setU32(wire::Field::RequestId, id);
    m.setU32(wire::Field::Status, static_cast<std::uint32_t>(status));
    if (!data.empty()) {
        m.set(wire::Field::Data, ByteView(data));
    }
    return m;
}

Bytes header(std::uint8_t magic0, std::uint8_t version, std::uint8_t type, std::uint32_t length)
{
    return {magic0,
            wire::kMagic1,
            version,
            type,
            static_cast<std::uint8_t>(length >> 24),
            static_cast<std::uint8_t>(length >> 16),
            static_cast<std::uint8_t>(length >> 8),
            static_cast<std::uint8_t>(length)};
}

// Snapshots the status callback saw, from the reader thread.
struct CallbackLog
{
    std::mutex mutex;
    std::vector<CardSnapshot> seen;

    void add(const CardSnapshot& s)
    {
        std::lock_guard lock(mutex);
        seen.push_back(s);
    }

    std::vector<CardSnapshot> all()
    {
        std::lock_guard lock(mutex);
        return seen;
    }

    // The callback runs after waiters are woken, so a test that saw the snapshot change waits for it too.
    std::vector<CardSnapshot> atLeast(std::size_t count)
    {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (all().size() < count && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(1ms);
        }
        return all();
    }
};

} // namespace

Q_DECLARE_METATYPE(sra::base::Bytes)

// The Qt-free client of srad's local channel that the pcscd driver and the PKCS#11 module load, against a
// scripted srad on a UNIX socket in a temporary directory.
class TestLocalChannelClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void noServerMeansNoCard();
    void helloAndCardStatus();
    void verifyPinRoundTrip();
    void signRoundTrip();
    void concurrentRequestsGetTheirOwnAnswers();
    void deadlineAndLateAnswer();
    void serverGoneMidRequest();
    void brokenFramesEndTheConnection_data();
    void brokenFramesEndTheConnection();
    void otherMessagesAreIgnored();
    void reconnectsAfterSradRestarts();
    void resyncReconnects();
    void stopAnswersAWaitingRequest();

private:
    LocalChannelClient::Options options(std::chrono::milliseconds requestTimeout = 5s) const
    {
        LocalChannelClient::Options o;
        o.socketPath = m_path;
        o.role = wire::LocalRole::PcscDriver;
        o.clientName = "unit test";
        o.requestTimeout = requestTimeout;
        o.minBackoff = 10ms;
        o.maxBackoff = 50ms;
        return o;
    }

    // A client connected to `server`, with a present card of `generation` received.
    std::unique_ptr<LocalChannelClient>
    connected(ScriptedServer& server, std::uint32_t generation = 7, std::chrono::milliseconds requestTimeout = 5s)
    {
        auto client = std::make_unique<LocalChannelClient>(options(requestTimeout));
        if (!client->start() || !server.acceptHello()) {
            return nullptr;
        }
        server.send(cardStatus(true, generation));
        if (!client->waitForFirstStatus(5s)) {
            return nullptr;
        }
        return client;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::string m_path;
};

void TestLocalChannelClient::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("local.sock")).toStdString();
}

void TestLocalChannelClient::cleanup()
{
    m_dir.reset();
}

void TestLocalChannelClient::noServerMeansNoCard()
{
    LocalChannelClient client(options());
    QVERIFY(client.start());
    const auto started = std::chrono::steady_clock::now();
    QVERIFY(!client.waitForFirstStatus(5s));
    QVERIFY2(std::chrono::steady_clock::now() - started < 2s, "the first failed attempt did not settle the wait");
    QVERIFY(!client.snapshot()->connected);
    QVERIFY(!client.snapshot()->present);
    const auto reply = client.verifyPin(ByteView(kPin));
    QCOMPARE(reply.status, wire::RelayStatus::NoCard);
    QCOMPARE(client.sign(0x9A, 0x11, ByteView(kObjects)).status, wire::RelayStatus::NoCard);
}

void TestLocalChannelClient::helloAndCardStatus()
{
    ScriptedServer server(m_path);
    CallbackLog log;
    LocalChannelClient client(options());
    client.setStatusCallback([&](const CardSnapshot& s) { log.add(s); });
    QVERIFY(client.start());
    const auto hello = server.acceptHello();
    QVERIFY(hello);
    QCOMPARE(hello->u32(wire::Field::Role), static_cast<std::uint32_t>(wire::LocalRole::PcscDriver));
    QCOMPARE(hello->text(wire::Field::ClientName), std::string("unit test"));
    // Connected, but srad has not described the card yet: not "connected" for the caller.
    QVERIFY(!client.waitForFirstStatus(100ms));

    server.send(cardStatus(true, 7));
    QVERIFY(client.waitForFirstStatus(5s));
    auto s = client.snapshot();
    QVERIFY(s->connected);
    QVERIFY(s->present);
    QCOMPARE(s->generation, 7u);
    QVERIFY(s->cardObjects == kObjects);
    QVERIFY(s->keyAlgorithms == kAlgorithms);
    QCOMPARE(s->pinTriesLeft, std::optional<std::uint32_t>(3));
    QCOMPARE(s->account, std::string("alice"));

    // Removed: still connected, no card, nothing of the old card kept.
    const std::uint64_t serial = s->serial;
    wire::Message removed = cardStatus(false, 7);
    removed.set(wire::Field::CardObjects, ByteView(kObjects)); // a card that is absent has no objects
    server.send(removed);
    s = client.waitForChange(serial, 5s);
    QVERIFY(s->serial > serial);
    QVERIFY(s->connected);
    QVERIFY(!s->present);
    QVERIFY(s->cardObjects.empty());
    QVERIFY(!s->pinTriesLeft);

    const auto seen = log.atLeast(2);
    QCOMPARE(seen.size(), std::size_t(2));
    QVERIFY(seen[0].present && seen[0].generation == 7 && seen[0].cardObjects == kObjects);
    QVERIFY(seen[1].connected && !seen[1].present);
    QVERIFY(seen[0].serial < seen[1].serial);
}

void TestLocalChannelClient::verifyPinRoundTrip()
{
    ScriptedServer server(m_path);
    auto client = connected(server, 7);
    QVERIFY(client);
    auto pending = std::async(std::launch::async, [&] { return client->verifyPin(ByteView(kPin)); });
    const auto frame = server.receiveFrame();
    QVERIFY(frame);
    const auto request = wire::decodeMessage(*frame);
    QVERIFY(request);
    QCOMPARE(request.value().type(), wire::MessageType::LocalVerifyPin);
    const std::uint32_t id = request.value().u32(wire::Field::RequestId).value_or(0);
    QVERIFY(id != 0);
    QCOMPARE(request.value().u32(wire::Field::Generation), std::optional<std::uint32_t>(7)); // the latest card's
    // The PIN frame is built by hand in zeroizing memory: it must be exactly what the schema's encoder makes.
    wire::Message expected(wire::MessageType::LocalVerifyPin);
    expected.setU32(wire::Field::RequestId, id);
    expected.set(wire::Field::Pin, ByteView(kPin));
    expected.setU32(wire::Field::Generation, 7);
    QVERIFY(wire::encodeFrame(frame->type, frame->payload) == wire::encodeMessage(expected).value());

    wire::Message answer = relayResult(id, wire::RelayStatus::WrongPin);
    answer.setU32(wire::Field::PinTriesLeft, 2);
    server.send(answer);
    QCOMPARE(pending.wait_for(5s), std::future_status::ready);
    const auto reply = pending.get();
    QCOMPARE(reply.status, wire::RelayStatus::WrongPin);
    QCOMPARE(reply.pinTriesLeft, std::optional<std::uint32_t>(2));

    // A second request gets a fresh id.
    pending = std::async(std::launch::async, [&] { return client->verifyPin(ByteView(kPin), 9u); });
    const auto second = server.receive();
    QVERIFY(second);
    QVERIFY(second->u32(wire::Field::RequestId).value_or(0) != id);
    QCOMPARE(second->u32(wire::Field::Generation), std::optional<std::uint32_t>(9)); // the caller's view wins
    server.send(relayResult(*second->u32(wire::Field::RequestId), wire::RelayStatus::Ok));
    QCOMPARE(pending.get().status, wire::RelayStatus::Ok);
}

void TestLocalChannelClient::signRoundTrip()
{
    ScriptedServer server(m_path);
    auto client = connected(server, 3);
    QVERIFY(client);
    const Bytes input(32, 0xAB);
    auto pending = std::async(std::launch::async, [&] { return client->sign(0x9C, 0x11, ByteView(input), 2u); });
    const auto request = server.receive();
    QVERIFY(request);
    QCOMPARE(request->type(), wire::MessageType::LocalSign);
    QCOMPARE(request->u32(wire::Field::Slot), std::optional<std::uint32_t>(0x9C));
    QCOMPARE(request->u32(wire::Field::Algorithm), std::optional<std::uint32_t>(0x11));
    QCOMPARE(request->u32(wire::Field::Generation), std::optional<std::uint32_t>(2));
    const ByteView sent = request->bytes(wire::Field::Input);
    QVERIFY(Bytes(sent.begin(), sent.end()) == input);
    const Bytes signature{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02};
    server.send(relayResult(*request->u32(wire::Field::RequestId), wire::RelayStatus::Ok, signature));
    const auto reply = pending.get();
    QCOMPARE(reply.status, wire::RelayStatus::Ok);
    QVERIFY(reply.data == signature);
    QVERIFY(!reply.pinTriesLeft);
}

// The PKCS#11 module may be used by several threads of one application at once.
void TestLocalChannelClient::concurrentRequestsGetTheirOwnAnswers()
{
    ScriptedServer server(m_path);
    auto client = connected(server);
    QVERIFY(client);
    const Bytes inputA(32, 0x0A);
    const Bytes inputB(32, 0x0B);
    auto a = std::async(std::launch::async, [&] { return client->sign(0x9A, 0x11, ByteView(inputA)); });
    auto b = std::async(std::launch::async, [&] { return client->sign(0x9A, 0x11, ByteView(inputB)); });
    const auto first = server.receive();
    const auto second = server.receive();
    QVERIFY(first && second);
    // Answer in the opposite order, each with its own input echoed as "signature".
    for (const auto* request : {&*second, &*first}) {
        const ByteView input = request->bytes(wire::Field::Input);
        server.send(relayResult(
            *request->u32(wire::Field::RequestId), wire::RelayStatus::Ok, Bytes(input.begin(), input.end())));
    }
    QVERIFY(a.get().data == inputA);
    QVERIFY(b.get().data == inputB);
}

void TestLocalChannelClient::deadlineAndLateAnswer()
{
    ScriptedServer server(m_path);
    auto client = connected(server, 7, 300ms);
    QVERIFY(client);
    const auto started = std::chrono::steady_clock::now();
    auto pending = std::async(std::launch::async, [&] { return client->verifyPin(ByteView(kPin)); });
    const auto request = server.receive();
    QVERIFY(request);
    QCOMPARE(pending.wait_for(5s), std::future_status::ready);
    QCOMPARE(pending.get().status, wire::RelayStatus::Timeout);
    QVERIFY(std::chrono::steady_clock::now() - started >= 300ms);

    // The admin answers after all: ignored, and the connection and the next request are unaffected, also by
    // an answer to a request that never existed.
    server.send(relayResult(*request->u32(wire::Field::RequestId), wire::RelayStatus::Ok));
    server.send(relayResult(4242, wire::RelayStatus::Ok));
    pending = std::async(std::launch::async, [&] { return client->verifyPin(ByteView(kPin)); });
    const auto next = server.receive();
    QVERIFY(next);
    server.send(relayResult(*next->u32(wire::Field::RequestId), wire::RelayStatus::DeniedByAdmin));
    QCOMPARE(pending.get().status, wire::RelayStatus::DeniedByAdmin);
    QVERIFY(client->snapshot()->connected);
}

void TestLocalChannelClient::serverGoneMidRequest()
{
    ScriptedServer server(m_path);
    CallbackLog log;
    auto client = std::make_unique<LocalChannelClient>(options(30s));
    client->setStatusCallback([&](const CardSnapshot& s) { log.add(s); });
    QVERIFY(client->start());
    QVERIFY(server.acceptHello());
    server.send(cardStatus(true, 7));
    QVERIFY(client->waitForFirstStatus(5s));

    const auto started = std::chrono::steady_clock::now();
    auto pending = std::async(std::launch::async, [&] { return client->verifyPin(ByteView(kPin)); });
    QVERIFY(server.receive());
    server.dropClient(); // srad dies with the request in hand
    server.closeListener();
    QCOMPARE(pending.wait_for(5s), std::future_status::ready);
    QCOMPARE(pending.get().status, wire::RelayStatus::NoCard); // at once, not after the 30 s deadline
    QVERIFY(std::chrono::steady_clock::now() - started < 5s);
    const auto s = client->waitForChange(log.atLeast(1).back().serial, 5s);
    QVERIFY(!s->connected);
    QVERIFY(!s->present);
    const auto seen = log.atLeast(2); // told through the callback too
    QCOMPARE(seen.size(), std::size_t(2));
    QVERIFY(!seen.back().connected);
    QCOMPARE(client->verifyPin(ByteView(kPin)).status, wire::RelayStatus::NoCard);
}

void TestLocalChannelClient::brokenFramesEndTheConnection_data()
{
    QTest::addColumn<Bytes>("bytes");
    QTest::newRow("bad magic") << header('X', wire::kProtocolVersion, 0x21, 0);
    QTest::newRow("other version") << header(wire::kMagic0, wire::kProtocolVersion + 1, 0x21, 0);
    // Announced beyond the channel maximum: refused on the header, before the client buffers anything.
    QTest::newRow("oversized") << header(wire::kMagic0, wire::kProtocolVersion, 0x21, wire::kDefaultMaxPayload + 1);
    // A well-formed frame whose CardStatus lacks its required Present field.
    QTest::newRow("schema violation") << wire::encodeFrame(static_cast<std::uint8_t>(wire::MessageType::CardStatus),
                                                           {});
    QTest::newRow("unknown type") << wire::encodeFrame(0xEE, {});
}

// srad speaks the schema; anything else from the socket ends that connection (the card counts as gone) and
// the client starts over with a fresh connection.
void TestLocalChannelClient::brokenFramesEndTheConnection()
{
    QFETCH(Bytes, bytes);
    ScriptedServer server(m_path);
    auto client = connected(server, 7, 30s);
    QVERIFY(client);
    const std::uint64_t serial = client->snapshot()->serial;
    auto pending = std::async(std::launch::async, [&] { return client->verifyPin(ByteView(kPin)); });
    QVERIFY(server.receive());

    server.sendRaw(bytes);
    QVERIFY2(server.clientClosed(), "the client kept a connection that sent garbage");
    QCOMPARE(pending.wait_for(5s), std::future_status::ready);
    QCOMPARE(pending.get().status, wire::RelayStatus::NoCard);
    const auto s = client->waitForChange(serial, 5s);
    QVERIFY(!s->connected);
    QVERIFY(!s->present);

    QVERIFY(server.acceptHello()); // and reconnects
    server.send(cardStatus(true, 8));
    QVERIFY(client->waitForChange(s->serial, 5s)->present);
    QCOMPARE(client->snapshot()->generation, 8u);
}

void TestLocalChannelClient::otherMessagesAreIgnored()
{
    ScriptedServer server(m_path);
    auto client = connected(server);
    QVERIFY(client);
    server.send(wire::Message(wire::MessageType::Keepalive)); // valid, but not for local clients
    QVERIFY(!server.clientClosed(200ms));
    auto pending = std::async(std::launch::async, [&] { return client->verifyPin(ByteView(kPin)); });
    const auto request = server.receive();
    QVERIFY(request);
    server.send(relayResult(*request->u32(wire::Field::RequestId), wire::RelayStatus::Ok));
    QCOMPARE(pending.get().status, wire::RelayStatus::Ok);
}

void TestLocalChannelClient::reconnectsAfterSradRestarts()
{
    auto server = std::make_unique<ScriptedServer>(m_path);
    auto client = connected(*server);
    QVERIFY(client);
    const std::uint64_t serial = client->snapshot()->serial;
    server.reset(); // srad stops: socket closed and its file removed
    const auto gone = client->waitForChange(serial, 5s);
    QVERIFY(!gone->connected);

    QTest::qWait(150); // a few failed attempts, so the backoff is in play
    server = std::make_unique<ScriptedServer>(m_path);
    const auto hello = server->acceptHello();
    QVERIFY2(hello, "no reconnection after srad came back");
    QCOMPARE(hello->u32(wire::Field::Role), static_cast<std::uint32_t>(wire::LocalRole::PcscDriver));
    server->send(cardStatus(true, 1));
    const auto back = client->waitForChange(gone->serial, 5s);
    QVERIFY(back->connected && back->present);
    QCOMPARE(back->generation, 1u);
}

void TestLocalChannelClient::resyncReconnects()
{
    ScriptedServer server(m_path);
    auto client = connected(server);
    QVERIFY(client);
    client->resync();
    QVERIFY(server.clientClosed());
    QVERIFY(server.acceptHello());
    server.send(cardStatus(false, 7));
    QVERIFY(client->waitForChange(client->snapshot()->serial, 5s)->connected);
}

void TestLocalChannelClient::stopAnswersAWaitingRequest()
{
    ScriptedServer server(m_path);
    auto client = connected(server, 7, 30s);
    QVERIFY(client);
    auto pending = std::async(std::launch::async, [&] { return client->verifyPin(ByteView(kPin)); });
    QVERIFY(server.receive());
    client->stop(); // the module is unloaded while a thread waits for the admin
    QCOMPARE(pending.wait_for(5s), std::future_status::ready);
    QCOMPARE(pending.get().status, wire::RelayStatus::NoCard);
    QVERIFY(server.clientClosed());
}

QTEST_GUILESS_MAIN(TestLocalChannelClient)
#include "TestLocalChannelClient.moc"
