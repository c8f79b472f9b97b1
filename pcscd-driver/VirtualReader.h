#pragma once

#include "core/piv/Bytes.h"
#include "core/wire/Message.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace sra::ifd {

class InsertedCard;

// One virtual reader with one slot: the card that srad's local channel says is inserted. A connection thread
// keeps a UNIX-socket connection to srad (reconnecting with a 100 ms → 2 s backoff), sends
// LocalHello{Role=PcscDriver} and follows the CardStatus messages srad pushes. The card is present exactly
// while the last CardStatus says Present=1; a new Generation is a new card (removal + insertion). Every read
// is answered by a PivCardEmulator built from the card's objects; VERIFY and GENERAL AUTHENTICATE are relayed
// (LocalVerifyPin / LocalSign) and wait for their RelayResult at most the relay deadline. A relay that times
// out or reports NoCard, and a lost connection, take the card away.
//
// Locking: m_mutex guards the connection and card state and is only held briefly (never across I/O or a
// wait for the admin); m_cardUse serialises the card's users (power, transmit), as a card serves one command
// at a time; m_writeMutex guards writes to the socket and its closing.
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
    ~VirtualReader();   // stops and joins the connection thread

    VirtualReader(const VirtualReader&) = delete;
    VirtualReader& operator=(const VirtualReader&) = delete;

    bool start();   // starts the connection thread; false if it cannot

    // What IFDHICCPresence reports. After a removal (or a new card replacing the old one) the first call
    // reports absent even when a card is already back, so pcscd always sees removal + insertion.
    bool present();

    // TAG_IFD_POLLING_THREAD_WITH_TIMEOUT: returns when what present() would report differs from what it last
    // reported, when timeoutMs passes (≤ 0: no timeout), or when stopPolling() is called.
    void waitForPresenceChange(int timeoutMs);
    void stopPolling();

    // Power up/reset: resets the emulator (PIN state forgotten) and gives the ATR; nullopt when no card.
    std::optional<piv::Bytes> powerUp();
    void powerDown();
    std::optional<piv::Bytes> atr();   // the ATR while a card is powered

    enum class TransmitResult
    {
        Ok,
        NoCard,         // absent or not powered
        CardLost,       // the relay failed as a removed card (admin gone, timeout, srad gone)
    };
    TransmitResult transmit(piv::ByteView command, piv::Bytes& response);

    // For InsertedCard's relay backend: sends a request and waits for its RelayResult until the deadline.
    struct RelayReply
    {
        wire::RelayStatus status = wire::RelayStatus::NoCard;
        std::optional<std::uint32_t> pinTriesLeft;
        piv::Bytes data;
    };
    RelayReply relay(wire::Message request, std::uint32_t generation);

private:
    void run();
    int connectSocket();
    bool sendMessage(const wire::Message& message);
    bool readLoop(int fd);
    void handleMessage(const wire::Message& message);
    void applyCardStatus(const wire::Message& status);
    void dropCardLocked(const char* why);
    bool visibleLocked() const;
    void closeConnection(int fd);
    void wake();

    Options m_options;
    std::thread m_thread;
    int m_wakeFd = -1;   // eventfd: stop

    std::mutex m_mutex;
    std::condition_variable m_presenceChanged;
    std::condition_variable m_replyArrived;
    bool m_stopping = false;
    bool m_stopPolling = false;
    int m_fd = -1;
    std::uint64_t m_epoch = 0;   // increases with every connection and disconnection
    std::shared_ptr<InsertedCard> m_card;
    bool m_removalPending = false;   // a removal pcscd has not been told about yet
    bool m_lastReported = false;
    std::uint32_t m_nextRequestId = 0;
    std::map<std::uint32_t, std::optional<RelayReply>> m_pending;

    std::mutex m_writeMutex;
    std::mutex m_cardUse;
};

} // namespace sra::ifd
