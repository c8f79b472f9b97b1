#include "pcscd-driver/VirtualReader.h"

#include "core/piv/PivCardBackend.h"
#include "core/piv/PivCardEmulator.h"
#include "pcscd-driver/CardImage.h"
#include "pcscd-driver/IfdLog.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sra::ifd {

using namespace std::chrono_literals;
using piv::Bytes;
using piv::ByteView;

// ---------------------------------------------------------------------------------------------------------
// The inserted card: the emulator over a backend that relays PIN checks and signatures to srad.

class InsertedCard final : public piv::PivCardBackend
{
public:
    InsertedCard(VirtualReader& reader, std::uint32_t generation, CardImage image, int triesLeft)
        : m_reader(reader)
        , m_generation(generation)
        , m_keys(std::move(image.keys))
        , m_triesLeft(triesLeft)
        , m_emulator(*this)
    {
        for (auto& [tag, object] : image.objects) {
            m_emulator.setDataObject(tag, std::move(object));
        }
    }

    std::uint32_t generation() const
    {
        return m_generation;
    }

    piv::PivCardEmulator& emulator()
    {
        return m_emulator;
    }

    void setTriesLeft(int tries)
    {
        m_triesLeft.store(tries);
    }

    // Set when a relay failed as a removed card; the card never comes back (a reconnection makes a new one).
    std::atomic<bool> lost{false};
    bool powered = false;   // under VirtualReader::m_cardUse

    // Outcome of the last relayed request of the APDU in progress (under m_cardUse).
    std::optional<wire::RelayStatus> lastRelay;

    std::optional<piv::PivAlgorithm> keyAlgorithm(std::uint8_t slot) const override
    {
        const auto it = m_keys.find(slot);
        if (it == m_keys.end()) {
            return std::nullopt;
        }
        return it->second;
    }

    piv::PinCheck verifyPin(const piv::SecureBytes& pin) override
    {
        piv::PinCheck check;
        wire::Message request(wire::MessageType::LocalVerifyPin);
        request.set(wire::Field::Pin, ByteView(pin.data(), pin.size()));
        const VirtualReader::RelayReply reply = m_reader.relay(std::move(request), m_generation);
        // The request message held the PIN in an ordinary buffer; Message has no wipe, but it is gone here.
        lastRelay = reply.status;
        if (reply.pinTriesLeft) {
            m_triesLeft.store(static_cast<int>(std::min<std::uint32_t>(*reply.pinTriesLeft, 15)));
        }
        switch (reply.status) {
        case wire::RelayStatus::Ok:
            check.outcome = piv::PinCheck::Outcome::Verified;
            break;
        case wire::RelayStatus::WrongPin:
            if (!reply.pinTriesLeft) {
                m_triesLeft.store(std::max(0, m_triesLeft.load() - 1));
            }
            check.outcome = m_triesLeft.load() > 0 ? piv::PinCheck::Outcome::Wrong : piv::PinCheck::Outcome::Blocked;
            break;
        case wire::RelayStatus::PinBlocked:
            m_triesLeft.store(0);
            check.outcome = piv::PinCheck::Outcome::Blocked;
            break;
        default:
            check.outcome = piv::PinCheck::Outcome::Failed;   // mapped in transmit()
            break;
        }
        check.triesLeft = m_triesLeft.load();
        return check;
    }

    int pinTriesLeft() const override
    {
        return m_triesLeft.load();
    }

    piv::Result<Bytes> sign(std::uint8_t slot, piv::PivAlgorithm algorithm, ByteView input) override
    {
        wire::Message request(wire::MessageType::LocalSign);
        request.setU32(wire::Field::Slot, slot);
        request.setU32(wire::Field::Algorithm, static_cast<std::uint32_t>(algorithm));
        request.set(wire::Field::Input, input);
        VirtualReader::RelayReply reply = m_reader.relay(std::move(request), m_generation);
        lastRelay = reply.status;
        switch (reply.status) {
        case wire::RelayStatus::Ok:
            if (reply.data.empty()) {
                return piv::makeError(piv::ErrorCode::CardError, "empty signature");
            }
            return std::move(reply.data);
        case wire::RelayStatus::SecurityStatus:
        case wire::RelayStatus::RefusedByPolicy:
        case wire::RelayStatus::DeniedByAdmin:
            // 6982: the operation is not allowed in the current security state, which is what a refusal is.
            return piv::makeError(piv::ErrorCode::SecurityStatus, "refused");
        default:
            return piv::makeError(piv::ErrorCode::CardError, "relay failed");
        }
    }

private:
    VirtualReader& m_reader;
    std::uint32_t m_generation;
    std::map<std::uint8_t, piv::PivAlgorithm> m_keys;
    std::atomic<int> m_triesLeft;
    piv::PivCardEmulator m_emulator;
};

// ---------------------------------------------------------------------------------------------------------

VirtualReader::VirtualReader(Options options)
    : m_options(std::move(options))
{
}

VirtualReader::~VirtualReader()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_stopPolling = true;
    }
    m_presenceChanged.notify_all();
    m_replyArrived.notify_all();
    wake();
    if (m_thread.joinable()) {
        m_thread.join();
    }
    if (m_wakeFd >= 0) {
        ::close(m_wakeFd);
    }
}

bool VirtualReader::start()
{
    m_wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_wakeFd < 0) {
        return false;
    }
    try {
        m_thread = std::thread([this] { run(); });
    } catch (...) {
        return false;
    }
    return true;
}

void VirtualReader::wake()
{
    if (m_wakeFd >= 0) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_wakeFd, &one, sizeof one);
    }
}

bool VirtualReader::visibleLocked() const
{
    return m_card && !m_card->lost.load();
}

bool VirtualReader::present()
{
    std::lock_guard lock(m_mutex);
    bool result = visibleLocked();
    if (m_removalPending) {
        m_removalPending = false;
        result = false;
    }
    m_lastReported = result;
    return result;
}

void VirtualReader::waitForPresenceChange(int timeoutMs)
{
    std::unique_lock lock(m_mutex);
    const auto changed = [this] {
        return m_stopPolling || m_stopping || (m_removalPending && m_lastReported) || visibleLocked() != m_lastReported;
    };
    if (timeoutMs > 0) {
        m_presenceChanged.wait_for(lock, std::chrono::milliseconds(timeoutMs), changed);
    } else {
        m_presenceChanged.wait(lock, changed);
    }
    m_stopPolling = false;
}

void VirtualReader::stopPolling()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopPolling = true;
    }
    m_presenceChanged.notify_all();
}

std::optional<Bytes> VirtualReader::powerUp()
{
    std::lock_guard use(m_cardUse);
    std::shared_ptr<InsertedCard> card;
    {
        std::lock_guard lock(m_mutex);
        if (!visibleLocked()) {
            return std::nullopt;
        }
        card = m_card;
    }
    card->emulator().reset();
    card->powered = true;
    return piv::PivCardEmulator::answerToReset();
}

void VirtualReader::powerDown()
{
    std::lock_guard use(m_cardUse);
    std::shared_ptr<InsertedCard> card;
    {
        std::lock_guard lock(m_mutex);
        card = m_card;
    }
    if (card) {
        card->emulator().reset();
        card->powered = false;
    }
}

std::optional<Bytes> VirtualReader::atr()
{
    std::lock_guard use(m_cardUse);
    std::lock_guard lock(m_mutex);
    if (!visibleLocked() || !m_card->powered) {
        return std::nullopt;
    }
    return piv::PivCardEmulator::answerToReset();
}

VirtualReader::TransmitResult VirtualReader::transmit(ByteView command, Bytes& response)
{
    std::lock_guard use(m_cardUse);
    std::shared_ptr<InsertedCard> card;
    {
        std::lock_guard lock(m_mutex);
        if (!visibleLocked() || !m_card->powered) {
            return TransmitResult::NoCard;
        }
        card = m_card;
    }
    card->lastRelay.reset();
    response = card->emulator().process(command);
    if (card->lost.load()) {
        response.clear();
        return TransmitResult::CardLost;
    }
    if (card->lastRelay && command.size() >= 2 && command[1] == 0x20
        && (*card->lastRelay == wire::RelayStatus::RefusedByPolicy || *card->lastRelay == wire::RelayStatus::DeniedByAdmin
            || *card->lastRelay == wire::RelayStatus::SecurityStatus)) {
        // A refused PIN check: 6982 (security status not satisfied), the same answer a refused signature gets,
        // rather than the emulator's 6F00 for a backend that could not check; the counter was not touched.
        response = {0x69, 0x82};
    }
    if (logEnabled(LogLevel::Debug) && command.size() >= 4) {
        // Header and lengths only: VERIFY data is a PIN.
        logf(LogLevel::Debug, "APDU %02X %02X %02X %02X (%zu bytes) -> %zu bytes, SW %02X%02X", command[0],
             command[1], command[2], command[3], command.size(), response.size(),
             response.size() >= 2 ? response[response.size() - 2] : 0, response.size() >= 2 ? response.back() : 0);
    }
    return TransmitResult::Ok;
}

VirtualReader::RelayReply VirtualReader::relay(wire::Message request, std::uint32_t generation)
{
    RelayReply reply;
    std::uint32_t id = 0;
    std::uint64_t epoch = 0;
    std::shared_ptr<InsertedCard> card;
    {
        std::lock_guard lock(m_mutex);
        if (m_fd < 0 || !m_card || m_card->generation() != generation || m_card->lost.load()) {
            reply.status = wire::RelayStatus::NoCard;
            if (m_card && m_card->generation() == generation) {
                m_card->lost.store(true);
            }
            return reply;
        }
        card = m_card;
        id = ++m_nextRequestId;
        epoch = m_epoch;
        m_pending.emplace(id, std::nullopt);
    }
    request.setU32(wire::Field::RequestId, id);
    const auto deadline = std::chrono::steady_clock::now() + m_options.relayTimeout;
    const bool sent = sendMessage(request);

    std::unique_lock lock(m_mutex);
    bool answered = false;
    if (sent) {
        answered = m_replyArrived.wait_until(lock, deadline, [&] {
            const auto it = m_pending.find(id);
            return m_stopping || m_epoch != epoch || (it != m_pending.end() && it->second.has_value());
        });
    }
    const auto it = m_pending.find(id);
    if (answered && it != m_pending.end() && it->second) {
        reply = std::move(*it->second);
    } else {
        reply.status = sent && m_epoch == epoch && !m_stopping ? wire::RelayStatus::Timeout : wire::RelayStatus::NoCard;
    }
    if (it != m_pending.end()) {
        m_pending.erase(it);
    }
    if (reply.status == wire::RelayStatus::NoCard || reply.status == wire::RelayStatus::Timeout) {
        logf(LogLevel::Error, "relayed request %u: %s; the card counts as removed", id,
             reply.status == wire::RelayStatus::Timeout ? "no answer before the deadline" : "no card");
        card->lost.store(true);
        m_removalPending = m_removalPending || m_lastReported;
        m_presenceChanged.notify_all();
        if (reply.status == wire::RelayStatus::Timeout && m_fd >= 0 && m_epoch == epoch) {
            // A late answer must not be taken for a new request: start a fresh connection, which also gets a
            // fresh CardStatus (the card comes back as a new card if srad still has it).
            ::shutdown(m_fd, SHUT_RDWR);
        }
    }
    return reply;
}

bool VirtualReader::sendMessage(const wire::Message& message)
{
    auto frame = wire::encodeMessage(message);
    if (!frame) {
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
    const Bytes& bytes = frame.value();
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            piv::secureZero(frame.value().data(), frame.value().size());
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    piv::secureZero(frame.value().data(), frame.value().size());   // it may hold a PIN
    return true;
}

int VirtualReader::connectSocket()
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
    // A write to srad never blocks pcscd for long, even if srad stops reading.
    timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    return fd;
}

void VirtualReader::run()
{
    auto backoff = m_options.minBackoff;
    bool loggedDown = false;
    for (;;) {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping) {
                return;
            }
        }
        const int fd = connectSocket();
        if (fd < 0) {
            if (!loggedDown) {
                logf(LogLevel::Info, "srad not reachable at %s; retrying", m_options.socketPath.c_str());
                loggedDown = true;
            }
            std::unique_lock lock(m_mutex);
            m_presenceChanged.wait_for(lock, backoff, [this] { return m_stopping; });
            backoff = std::min(backoff * 2, m_options.maxBackoff);
            continue;
        }
        loggedDown = false;
        backoff = m_options.minBackoff;
        {
            std::lock_guard lock(m_mutex);
            m_fd = fd;
            ++m_epoch;
        }
        logf(LogLevel::Info, "connected to srad at %s", m_options.socketPath.c_str());
        wire::Message hello(wire::MessageType::LocalHello);
        hello.setU32(wire::Field::Role, static_cast<std::uint32_t>(wire::LocalRole::PcscDriver));
        hello.set(wire::Field::ClientName, std::string_view("ifd-sra"));
        if (sendMessage(hello)) {
            readLoop(fd);
        }
        closeConnection(fd);
        logf(LogLevel::Info, "connection to srad closed");
    }
}

void VirtualReader::closeConnection(int fd)
{
    {
        std::lock_guard lock(m_mutex);
        m_fd = -1;
        ++m_epoch;
        dropCardLocked("connection to srad lost");
    }
    {
        std::lock_guard write(m_writeMutex);
        ::close(fd);
    }
    m_presenceChanged.notify_all();
    m_replyArrived.notify_all();
}

bool VirtualReader::readLoop(int fd)
{
    wire::FrameDecoder decoder;
    Bytes buffer(64 * 1024);
    for (;;) {
        pollfd fds[2] = {{fd, POLLIN, 0}, {m_wakeFd, POLLIN, 0}};
        const int n = ::poll(fds, 2, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        if (fds[1].revents != 0) {
            return false;   // stopping
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
        decoder.feed(ByteView(buffer.data(), static_cast<std::size_t>(got)));
        while (auto frame = decoder.next()) {
            auto message = wire::decodeMessage(*frame);
            if (!message) {
                logf(LogLevel::Error, "malformed message from srad: %s", message.error().detail.c_str());
                return false;
            }
            handleMessage(message.value());
        }
        if (decoder.error() != wire::FrameError::None) {
            logf(LogLevel::Error, "bad frame from srad: %s", wire::frameErrorName(decoder.error()));
            return false;
        }
    }
}

void VirtualReader::handleMessage(const wire::Message& message)
{
    switch (message.type()) {
    case wire::MessageType::CardStatus:
        applyCardStatus(message);
        break;
    case wire::MessageType::RelayResult: {
        RelayReply reply;
        reply.status = static_cast<wire::RelayStatus>(message.u32(wire::Field::Status).value_or(8));
        reply.pinTriesLeft = message.u32(wire::Field::PinTriesLeft);
        const ByteView data = message.bytes(wire::Field::Data);
        reply.data.assign(data.begin(), data.end());
        const std::uint32_t id = message.u32(wire::Field::RequestId).value_or(0);
        {
            std::lock_guard lock(m_mutex);
            const auto it = m_pending.find(id);
            if (it == m_pending.end()) {
                logf(LogLevel::Info, "answer to unknown request %u ignored", id);
                return;
            }
            it->second = std::move(reply);
        }
        m_replyArrived.notify_all();
        break;
    }
    default:
        logf(LogLevel::Info, "message type %u from srad ignored", static_cast<unsigned>(message.type()));
        break;
    }
}

void VirtualReader::dropCardLocked(const char* why)
{
    if (m_card) {
        logf(LogLevel::Info, "card removed (%s)", why);
        m_removalPending = m_removalPending || m_lastReported;
        m_card.reset();
    }
}

void VirtualReader::applyCardStatus(const wire::Message& status)
{
    const bool present = status.u32(wire::Field::Present).value_or(0) == 1;
    const std::uint32_t generation = status.u32(wire::Field::Generation).value_or(0);
    const int tries = static_cast<int>(std::min<std::uint32_t>(status.u32(wire::Field::PinTriesLeft).value_or(3), 15));
    {
        std::lock_guard lock(m_mutex);
        if (!present) {
            dropCardLocked("srad says no card");
        } else if (m_card && !m_card->lost.load() && m_card->generation() == generation) {
            if (status.has(wire::Field::PinTriesLeft)) {
                m_card->setTriesLeft(tries);
            }
        } else {
            dropCardLocked("a new card");
            auto image = parseCardImage(status.bytes(wire::Field::CardObjects), status.bytes(wire::Field::KeyAlgorithms));
            if (!image) {
                logf(LogLevel::Error, "card refused: %s", image.error().detail.c_str());
            } else {
                m_card = std::make_shared<InsertedCard>(*this, generation, std::move(image.value()), tries);
                logf(LogLevel::Info, "card inserted (generation %u, %zu objects)", generation,
                     m_card->emulator().dataObjects().size());
            }
        }
    }
    m_presenceChanged.notify_all();
}

} // namespace sra::ifd
