#pragma once

#include "core/base/Bytes.h"
#include "core/local/LocalChannelClient.h"
#include "core/wire/Message.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace sra::ifd {

class InsertedCard;

// One virtual reader with one slot: the card that srad's local channel says is inserted. The channel itself
// (connection, reconnection with backoff, LocalHello{Role=PcscDriver}, requests and their deadlines) is
// core/local's LocalChannelClient, shared with the PKCS#11 module; this class turns its card snapshots into
// what pcscd sees. The card is present exactly while the last CardStatus says Present=1; a new Generation is
// a new card (removal + insertion). Every read is answered by a PivCardEmulator built from the card's
// objects; VERIFY and GENERAL AUTHENTICATE are relayed for that card's generation and wait for their
// RelayResult at most the relay deadline. A relay that times out or reports NoCard, and a lost connection,
// take the card away.
//
// Locking: m_mutex guards the card and presence state and is only held briefly (never across I/O or a wait
// for the admin); m_cardUse serialises the card's users (power, transmit), as a card serves one command at a
// time.
class VirtualReader
{
public:
    struct Options
    {
        std::string socketPath;
        std::chrono::milliseconds relayTimeout{30000};
        std::chrono::milliseconds minBackoff{100};
        std::chrono::milliseconds maxBackoff{2000};
    };

    explicit VirtualReader(Options options);
    ~VirtualReader(); // stops the channel's thread

    VirtualReader(const VirtualReader&) = delete;
    VirtualReader& operator=(const VirtualReader&) = delete;

    bool start(); // starts the channel's thread; false if it cannot

    // What IFDHICCPresence reports. After a removal (or a new card replacing the old one) the first call
    // reports absent even when a card is already back, so pcscd always sees removal + insertion.
    bool present();

    // TAG_IFD_POLLING_THREAD_WITH_TIMEOUT: returns when what present() would report differs from what it last
    // reported, when timeoutMs passes (≤ 0: no timeout), or when stopPolling() is called.
    void waitForPresenceChange(int timeoutMs);
    void stopPolling();

    // Power up/reset: resets the emulator (PIN state forgotten) and gives the ATR; nullopt when no card.
    std::optional<base::Bytes> powerUp();
    void powerDown();
    std::optional<base::Bytes> atr(); // the ATR while a card is powered

    enum class TransmitResult
    {
        Ok,
        NoCard,   // absent or not powered
        CardLost, // the relay failed as a removed card (admin gone, timeout, srad gone)
    };
    TransmitResult transmit(base::ByteView command, base::Bytes& response);

    // For InsertedCard's relay backend: runs one request of `card` on the channel, unless that card is no
    // longer the inserted one; a NoCard or Timeout answer marks it lost.
    local::LocalChannelClient::Reply
    relay(InsertedCard& card, const std::function<local::LocalChannelClient::Reply(local::LocalChannelClient&)>& send);

private:
    void applySnapshot(const local::CardSnapshot& snapshot);
    void dropCardLocked(const char* why);
    bool visibleLocked() const;

    Options m_options;

    std::mutex m_mutex;
    std::condition_variable m_presenceChanged;
    bool m_stopPolling = false;
    bool m_connected = false;
    std::shared_ptr<InsertedCard> m_card;
    bool m_removalPending = false; // a removal pcscd has not been told about yet
    bool m_lastReported = false;

    std::mutex m_cardUse;

    // Last member: destroyed (and its thread, which calls applySnapshot, joined) before the state above.
    local::LocalChannelClient m_client;
};

} // namespace sra::ifd
