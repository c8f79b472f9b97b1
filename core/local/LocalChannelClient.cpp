#include "core/local/LocalChannelClient.h"

#include "core/base/BuildConfig.h"
#include "core/base/Environment.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace sra::local {

namespace {
constexpr const char* kDefaultSocket = SRA_LOCAL_SOCKET_PATH;

void appendU32(base::SecureBytes& out, std::uint32_t v)
{
    out.push_back(static_cast<std::uint8_t>(v >> 24));
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

// LocalVerifyPin{RequestId, Pin, Generation} written straight into a zeroizing buffer: the generic encoder
// builds the payload in plain vectors, which would leave copies of the PIN in freed memory. The generation
// names the card the PIN was typed for, so srad never passes it to a card that replaced it.
base::SecureBytes pinFrame(std::uint32_t id, base::ByteView pin, std::uint32_t generation)
{
    base::SecureBytes out;
    const std::size_t payload = 3 * 5 + 2 * 4 + pin.size();
    out.reserve(wire::kHeaderSize + payload);
    out.push_back(wire::kMagic0);
    out.push_back(wire::kMagic1);
    out.push_back(wire::kProtocolVersion);
    out.push_back(static_cast<std::uint8_t>(wire::MessageType::LocalVerifyPin));
    appendU32(out, static_cast<std::uint32_t>(payload));
    out.push_back(static_cast<std::uint8_t>(wire::Field::RequestId));
    appendU32(out, 4);
    appendU32(out, id);
    out.push_back(static_cast<std::uint8_t>(wire::Field::Pin));
    appendU32(out, static_cast<std::uint32_t>(pin.size()));
    out.insert(out.end(), pin.begin(), pin.end());
    out.push_back(static_cast<std::uint8_t>(wire::Field::Generation));
    appendU32(out, 4);
    appendU32(out, generation);
    return out;
}
} // namespace

std::string defaultSocketPath()
{
    // Not in setuid/setgid programs (base::trustedGetenv): there the caller could name a socket of their own and
    // receive the PIN typed into sudo or su.
    const char* env = base::trustedGetenv("SRA_LOCAL_SOCKET");
    return env && *env ? std::string(env) : std::string(kDefaultSocket);
}

base::SecureBytes encodeSecure(const wire::Message& message)
{
    return wire::encodeMessageSecure(message);
}

LocalChannelClient::LocalChannelClient(Options options)
    : m_options(std::move(options))
    , m_snapshot(std::make_shared<CardSnapshot>())
{}

LocalChannelClient::~LocalChannelClient()
{
    stop();
}

void LocalChannelClient::setStatusCallback(StatusCallback callback)
{
    m_callback = std::move(callback);
}

bool LocalChannelClient::start() noexcept
{
    if (m_thread.joinable()) {
        return true;
    }
    m_wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_wakeFd < 0) {
        return false;
    }
    try {
        m_thread = std::thread([this] { run(); });
    } catch (...) {
        ::close(m_wakeFd);
        m_wakeFd = -1;
        return false;
    }
    return true;
}

void LocalChannelClient::stop() noexcept
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    if (m_wakeFd >= 0) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_wakeFd, &one, sizeof one);
    }
    if (m_thread.joinable()) {
        m_thread.join();
    }
    if (m_wakeFd >= 0) {
        ::close(m_wakeFd);
        m_wakeFd = -1;
    }
}

bool LocalChannelClient::waitForFirstStatus(std::chrono::milliseconds timeout)
{
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, timeout, [this] { return m_firstSettled || m_stopping; });
    return m_snapshot->connected;
}

std::shared_ptr<const CardSnapshot> LocalChannelClient::snapshot() const
{
    std::lock_guard lock(m_mutex);
    return m_snapshot;
}

std::shared_ptr<const CardSnapshot> LocalChannelClient::waitForChange(std::uint64_t seenSerial,
                                                                      std::chrono::milliseconds timeout)
{
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, timeout, [&] { return m_snapshot->serial != seenSerial || m_stopping; });
    return m_snapshot;
}

void LocalChannelClient::publish(std::shared_ptr<CardSnapshot> next)
{
    std::shared_ptr<const CardSnapshot> published;
    {
        std::lock_guard lock(m_mutex);
        next->serial = ++m_serial;
        m_snapshot = std::move(next);
        published = m_snapshot;
    }
    m_changed.notify_all();
    if (m_callback) {
        m_callback(*published);
    }
}

int LocalChannelClient::connectSocket() const
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (m_options.socketPath.empty() || m_options.socketPath.size() >= sizeof address.sun_path) {
        return -1;
    }
    std::memcpy(address.sun_path, m_options.socketPath.c_str(), m_options.socketPath.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    // A write to srad never blocks the host application for long, even if srad stops reading.
    timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    return fd;
}

void LocalChannelClient::run()
{
    auto backoff = m_options.minBackoff;
    for (;;) {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping) {
                return;
            }
        }
        const int fd = connectSocket();
        if (fd < 0) {
            {
                std::lock_guard lock(m_mutex);
                m_firstSettled = true;
            }
            m_changed.notify_all();
            // Sleep for the backoff, or until stop() wakes us.
            pollfd wake{m_wakeFd, POLLIN, 0};
            ::poll(&wake, 1, static_cast<int>(backoff.count()));
            backoff = std::min(backoff * 2, m_options.maxBackoff);
            continue;
        }
        backoff = m_options.minBackoff;
        {
            std::lock_guard lock(m_mutex);
            m_fd = fd;
            ++m_epoch;
        }
        wire::Message hello(wire::MessageType::LocalHello);
        hello.setU32(wire::Field::Role, static_cast<std::uint32_t>(m_options.role));
        if (!m_options.clientName.empty()) {
            hello.set(wire::Field::ClientName, std::string_view(m_options.clientName).substr(0, 200));
        }
        if (sendFrame(encodeSecure(hello))) {
            readLoop(fd);
        }
        closeConnection(fd);
    }
}

void LocalChannelClient::closeConnection(int fd)
{
    bool wasConnected = false;
    {
        std::lock_guard lock(m_mutex);
        m_fd = -1;
        ++m_epoch; // waiting requests see it and answer NoCard
        wasConnected = m_snapshot->connected;
        m_firstSettled = true;
    }
    {
        std::lock_guard write(m_writeMutex);
        ::close(fd);
    }
    m_changed.notify_all();
    if (wasConnected) {
        publish(std::make_shared<CardSnapshot>()); // srad gone: no card
    }
}

bool LocalChannelClient::readLoop(int fd)
{
    wire::FrameDecoder decoder; // CardStatus carries certificates: the default (256 KiB) maximum
    base::Bytes buffer(64 * 1024);
    for (;;) {
        pollfd fds[2] = {
            {fd,       POLLIN, 0},
            {m_wakeFd, POLLIN, 0}
        };
        const int n = ::poll(fds, 2, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        if (fds[1].revents != 0) {
            return false; // stopping
        }
        if (fds[0].revents == 0) {
            continue;
        }
        const ssize_t got = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return false;
        }
        decoder.feed(base::ByteView(buffer.data(), static_cast<std::size_t>(got)));
        while (auto frame = decoder.next()) {
            auto message = wire::decodeMessage(*frame);
            if (!message) {
                return false; // srad speaks the schema: anything else ends the connection
            }
            handleMessage(message.value());
        }
        if (decoder.error() != wire::FrameError::None) {
            return false;
        }
    }
}

void LocalChannelClient::handleMessage(const wire::Message& message)
{
    switch (message.type()) {
    case wire::MessageType::CardStatus: {
        auto next = std::make_shared<CardSnapshot>();
        next->connected = true;
        next->present = message.u32(wire::Field::Present).value_or(0) != 0;
        next->generation = message.u32(wire::Field::Generation).value_or(0);
        if (next->present) {
            const auto objects = message.bytes(wire::Field::CardObjects);
            const auto algorithms = message.bytes(wire::Field::KeyAlgorithms);
            next->cardObjects.assign(objects.begin(), objects.end());
            next->keyAlgorithms.assign(algorithms.begin(), algorithms.end());
            next->pinTriesLeft = message.u32(wire::Field::PinTriesLeft);
            next->account = message.text(wire::Field::Account);
        }
        {
            std::lock_guard lock(m_mutex);
            m_firstSettled = true;
        }
        publish(std::move(next));
        break;
    }
    case wire::MessageType::RelayResult: {
        Reply reply;
        reply.status = static_cast<wire::RelayStatus>(message.u32(wire::Field::Status).value_or(8));
        reply.pinTriesLeft = message.u32(wire::Field::PinTriesLeft);
        const auto data = message.bytes(wire::Field::Data);
        reply.data.assign(data.begin(), data.end());
        const std::uint32_t id = message.u32(wire::Field::RequestId).value_or(0);
        {
            std::lock_guard lock(m_mutex);
            const auto it = m_pending.find(id);
            if (it == m_pending.end()) {
                return; // a late answer to a request that already gave up
            }
            it->second = std::move(reply);
        }
        m_changed.notify_all();
        break;
    }
    default:
        break; // nothing else is sent to local clients; ignore rather than fail
    }
}

bool LocalChannelClient::sendFrame(const base::SecureBytes& frame)
{
    if (frame.empty()) {
        return false;
    }
    std::lock_guard write(m_writeMutex);
    int fd = -1;
    {
        std::lock_guard lock(m_mutex);
        fd = m_fd;
    }
    if (fd < 0) {
        return false;
    }
    std::size_t done = 0;
    while (done < frame.size()) {
        const ssize_t n = ::send(fd, frame.data() + done, frame.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

LocalChannelClient::Reply LocalChannelClient::request(std::uint32_t id, const base::SecureBytes& frame)
{
    Reply reply;
    std::uint64_t epoch = 0;
    {
        std::lock_guard lock(m_mutex);
        epoch = m_epoch;
    }
    const auto deadline = std::chrono::steady_clock::now() + m_options.requestTimeout;
    const bool sent = sendFrame(frame);
    std::unique_lock lock(m_mutex);
    bool answered = false;
    if (sent) {
        answered = m_changed.wait_until(lock, deadline, [&] {
            const auto it = m_pending.find(id);
            return m_stopping || m_epoch != epoch || (it != m_pending.end() && it->second.has_value());
        });
    }
    const auto it = m_pending.find(id);
    if (answered && it != m_pending.end() && it->second) {
        reply = std::move(*it->second);
    } else if (sent && m_epoch == epoch && !m_stopping) {
        reply.status = wire::RelayStatus::Timeout;
    } else {
        reply.status = wire::RelayStatus::NoCard; // not connected, or the connection closed meanwhile
    }
    if (it != m_pending.end()) {
        m_pending.erase(it);
    }
    return reply;
}

bool LocalChannelClient::beginRequest(std::uint32_t& id, std::optional<std::uint32_t>& generation)
{
    std::lock_guard lock(m_mutex);
    if (m_fd < 0) {
        return false;
    }
    id = ++m_nextRequestId;
    m_pending.emplace(id, std::nullopt);
    if (!generation) {
        generation = m_snapshot->generation;
    }
    return true;
}

LocalChannelClient::Reply LocalChannelClient::verifyPin(base::ByteView pin, std::optional<std::uint32_t> generation)
{
    std::uint32_t id = 0;
    if (!beginRequest(id, generation)) {
        return {};
    }
    return request(id, pinFrame(id, pin, *generation));
}

LocalChannelClient::Reply LocalChannelClient::sign(std::uint8_t slot,
                                                   std::uint8_t algorithm,
                                                   base::ByteView input,
                                                   std::optional<std::uint32_t> generation)
{
    std::uint32_t id = 0;
    if (!beginRequest(id, generation)) {
        return {};
    }
    wire::Message m(wire::MessageType::LocalSign);
    m.setU32(wire::Field::Generation, *generation);
    m.setU32(wire::Field::RequestId, id);
    m.setU32(wire::Field::Slot, slot);
    m.setU32(wire::Field::Algorithm, algorithm);
    m.set(wire::Field::Input, input);
    return request(id, encodeSecure(m));
}

void LocalChannelClient::resync() noexcept
{
    std::lock_guard lock(m_mutex);
    if (m_fd >= 0) {
        ::shutdown(m_fd, SHUT_RDWR); // the reader thread sees EOF, closes and reconnects
    }
}

} // namespace sra::local
