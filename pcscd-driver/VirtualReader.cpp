#include "pcscd-driver/VirtualReader.h"

#include "core/piv/InsertedCard.h"
#include "core/piv/PivCardBackend.h"
#include "core/piv/PivCardEmulator.h"
#include "pcscd-driver/IfdLog.h"

#include <algorithm>

namespace sra::ifd {

using namespace std::chrono_literals;
using base::Bytes;
using base::ByteView;

// ---------------------------------------------------------------------------------------------------------
// The inserted card: the emulator over a backend that relays PIN checks and signatures to srad.

class InsertedCard final : public piv::PivCardBackend
{
public:
    InsertedCard(VirtualReader& reader, std::uint32_t generation, piv::InsertedCard image, int triesLeft)
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
    bool powered = false; // under VirtualReader::m_cardUse

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

    piv::PinCheck verifyPin(const base::SecureBytes& pin) override
    {
        piv::PinCheck check;
        const auto reply = m_reader.relay(*this, [&](local::LocalChannelClient& channel) {
            return channel.verifyPin(ByteView(pin.data(), pin.size()), m_generation);
        });
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
            check.outcome = piv::PinCheck::Outcome::Failed; // mapped in transmit()
            break;
        }
        check.triesLeft = m_triesLeft.load();
        return check;
    }

    int pinTriesLeft() const override
    {
        return m_triesLeft.load();
    }

    base::Result<Bytes> sign(std::uint8_t slot, piv::PivAlgorithm algorithm, ByteView input) override
    {
        auto reply = m_reader.relay(*this, [&](local::LocalChannelClient& channel) {
            return channel.sign(slot, static_cast<std::uint8_t>(algorithm), input, m_generation);
        });
        lastRelay = reply.status;
        switch (reply.status) {
        case wire::RelayStatus::Ok:
            if (reply.data.empty()) {
                return base::makeError(base::ErrorCode::CardError, "empty signature");
            }
            return std::move(reply.data);
        case wire::RelayStatus::SecurityStatus:
        case wire::RelayStatus::RefusedByPolicy:
        case wire::RelayStatus::DeniedByAdmin:
            // 6982: the operation is not allowed in the current security state, which is what a refusal is.
            return base::makeError(base::ErrorCode::SecurityStatus, "refused");
        default:
            return base::makeError(base::ErrorCode::CardError, "relay failed");
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

namespace {
local::LocalChannelClient::Options channelOptions(const VirtualReader::Options& options)
{
    local::LocalChannelClient::Options channel;
    channel.socketPath = options.socketPath;
    channel.role = wire::LocalRole::PcscDriver;
    channel.clientName = "ifd-sra";
    channel.requestTimeout = options.relayTimeout;
    channel.minBackoff = options.minBackoff;
    channel.maxBackoff = options.maxBackoff;
    return channel;
}
} // namespace

VirtualReader::VirtualReader(Options options)
    : m_options(std::move(options))
    , m_client(channelOptions(m_options))
{
    m_client.setStatusCallback([this](const local::CardSnapshot& snapshot) { applySnapshot(snapshot); });
}

VirtualReader::~VirtualReader()
{
    m_client.stop(); // no more snapshots after this
    {
        std::lock_guard lock(m_mutex);
        m_stopPolling = true;
    }
    m_presenceChanged.notify_all();
}

bool VirtualReader::start()
{
    logf(LogLevel::Info, "connecting to srad at %s", m_options.socketPath.c_str());
    return m_client.start();
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
        return m_stopPolling || (m_removalPending && m_lastReported) || visibleLocked() != m_lastReported;
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
        && (*card->lastRelay == wire::RelayStatus::RefusedByPolicy
            || *card->lastRelay == wire::RelayStatus::DeniedByAdmin
            || *card->lastRelay == wire::RelayStatus::SecurityStatus)) {
        // A refused PIN check: 6982 (security status not satisfied), the same answer a refused signature gets,
        // rather than the emulator's 6F00 for a backend that could not check; the counter was not touched.
        response = {0x69, 0x82};
    }
    if (logEnabled(LogLevel::Debug) && command.size() >= 4) {
        // Header and lengths only: VERIFY data is a PIN.
        logf(LogLevel::Debug,
             "APDU %02X %02X %02X %02X (%zu bytes) -> %zu bytes, SW %02X%02X",
             command[0],
             command[1],
             command[2],
             command[3],
             command.size(),
             response.size(),
             response.size() >= 2 ? response[response.size() - 2] : 0,
             response.size() >= 2 ? response.back() : 0);
    }
    return TransmitResult::Ok;
}

local::LocalChannelClient::Reply
VirtualReader::relay(InsertedCard& card,
                     const std::function<local::LocalChannelClient::Reply(local::LocalChannelClient&)>& send)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_card.get() != &card || card.lost.load()) {
            card.lost.store(true);
            return {}; // NoCard: another card (or none) is inserted now
        }
    }
    local::LocalChannelClient::Reply reply = send(m_client);
    if (reply.status == wire::RelayStatus::NoCard || reply.status == wire::RelayStatus::Timeout) {
        logf(LogLevel::Error,
             "relayed request: %s; the card counts as removed",
             reply.status == wire::RelayStatus::Timeout ? "no answer before the deadline" : "no card");
        {
            std::lock_guard lock(m_mutex);
            card.lost.store(true);
            m_removalPending = m_removalPending || m_lastReported;
        }
        m_presenceChanged.notify_all();
        if (reply.status == wire::RelayStatus::Timeout) {
            // Rebuild our view of the card from a fresh CardStatus: if srad still has it, it comes back as a
            // new card, which pcscd sees as removal + insertion.
            m_client.resync();
        }
    }
    return reply;
}

void VirtualReader::dropCardLocked(const char* why)
{
    if (m_card) {
        logf(LogLevel::Info, "card removed (%s)", why);
        m_removalPending = m_removalPending || m_lastReported;
        m_card.reset();
    }
}

void VirtualReader::applySnapshot(const local::CardSnapshot& snapshot)
{
    const int tries = static_cast<int>(std::min<std::uint32_t>(snapshot.pinTriesLeft.value_or(3), 15));
    {
        std::lock_guard lock(m_mutex);
        if (snapshot.connected != m_connected) {
            m_connected = snapshot.connected;
            logf(LogLevel::Info, snapshot.connected ? "connected to srad" : "connection to srad lost; reconnecting");
        }
        if (!snapshot.present) {
            dropCardLocked(snapshot.connected ? "srad says no card" : "connection to srad lost");
        } else if (m_card && !m_card->lost.load() && m_card->generation() == snapshot.generation) {
            if (snapshot.pinTriesLeft) {
                m_card->setTriesLeft(tries);
            }
        } else {
            dropCardLocked("a new card");
            auto image = piv::decodeInsertedCard(snapshot.cardObjects, snapshot.keyAlgorithms);
            if (!image) {
                logf(LogLevel::Error, "card refused: %s", image.error().detail.c_str());
            } else {
                m_card = std::make_shared<InsertedCard>(*this, snapshot.generation, std::move(image.value()), tries);
                logf(LogLevel::Info,
                     "card inserted (generation %u, %zu objects)",
                     snapshot.generation,
                     m_card->emulator().dataObjects().size());
            }
        }
    }
    m_presenceChanged.notify_all();
}

} // namespace sra::ifd
