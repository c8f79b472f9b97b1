#pragma once

#include "core/base/Bytes.h"
#include "core/wire/Message.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace sra::local {

// The card as srad last described it (CardStatus), plus whether the channel is up at all.
struct CardSnapshot
{
    bool connected = false; // a connection to srad with a CardStatus received on it
    bool present = false;   // Present=1 in the last CardStatus (always false while not connected)
    std::uint32_t generation = 0;
    base::Bytes cardObjects;   // BER-TLV list: PIV object tag → object as GET DATA returns it
    base::Bytes keyAlgorithms; // pairs (key reference, PIV algorithm id)
    std::optional<std::uint32_t> pinTriesLeft;
    std::string account;
    std::uint64_t serial = 0; // increases with every change this client saw (status, connect, disconnect)
};

// The client side of srad's local channel (docs/PROTOCOL.md, "Local channel"), for the code that is loaded
// into other programs: the PKCS#11 module (ctk/) and the pcscd driver (pcscd-driver/VirtualReader).
//
// A background thread keeps a UNIX-socket connection to srad (SOCK_CLOEXEC; reconnecting with a doubling
// backoff, minBackoff → maxBackoff, when srad is not there or goes away), greets with LocalHello{Role}, and
// keeps the latest CardStatus. While it is not connected the card counts as absent. Every change is signalled
// through the status callback (called on the reader thread, without locks held) and to waitForChange().
//
// verifyPin()/sign() send one request with a fresh RequestId and wait for its RelayResult until the request
// deadline. A closed socket answers NoCard, the deadline Timeout. Nothing here throws across the interface
// (allocation failure aside, which callers at a C ABI catch); PINs are only held in zeroizing buffers and
// the frames that carried them are wiped.
class LocalChannelClient
{
public:
    struct Options
    {
        std::string socketPath;
        wire::LocalRole role = wire::LocalRole::Pkcs11Module;
        std::string clientName;
        std::chrono::milliseconds requestTimeout{35000}; // a little above srad's own relay deadline (30 s)
        std::chrono::milliseconds minBackoff{100};
        std::chrono::milliseconds maxBackoff{2000};
    };

    struct Reply
    {
        wire::RelayStatus status = wire::RelayStatus::NoCard;
        std::optional<std::uint32_t> pinTriesLeft;
        base::Bytes data;
    };

    using StatusCallback = std::function<void(const CardSnapshot&)>;

    explicit LocalChannelClient(Options options);
    ~LocalChannelClient(); // stops and joins the reader thread

    LocalChannelClient(const LocalChannelClient&) = delete;
    LocalChannelClient& operator=(const LocalChannelClient&) = delete;

    // Set before start(). Must not call back into this client's blocking calls.
    void setStatusCallback(StatusCallback callback);

    // Starts the reader thread; false when it cannot be created.
    bool start() noexcept;
    void stop() noexcept;

    // Waits until the first connection attempt has settled (a CardStatus arrived, or srad was not reachable),
    // at most `timeout`, so a caller's first look at the card is not a guess. True when connected.
    bool waitForFirstStatus(std::chrono::milliseconds timeout);

    std::shared_ptr<const CardSnapshot> snapshot() const;

    // Waits until snapshot()->serial differs from `seenSerial` or the timeout passes; returns the latest.
    std::shared_ptr<const CardSnapshot> waitForChange(std::uint64_t seenSerial, std::chrono::milliseconds timeout);

    // The request names the card it is meant for: `generation` when given (a caller that keeps its own view
    // of the card, like the pcscd driver), else the latest CardStatus's. srad refuses it (NoCard) when that
    // card has been replaced meanwhile, so a PIN typed for one card never reaches another.
    Reply verifyPin(base::ByteView pin, std::optional<std::uint32_t> generation = std::nullopt);
    Reply sign(std::uint8_t slot,
               std::uint8_t algorithm,
               base::ByteView input,
               std::optional<std::uint32_t> generation = std::nullopt);

    // Drops the connection (the reader thread reconnects and srad sends a fresh CardStatus). For a caller
    // that gave up on a request: its late answer is ignored either way, but the caller's view of the card
    // is rebuilt from srad's.
    void resync() noexcept;

private:
    void run();
    int connectSocket() const;
    bool sendFrame(const base::SecureBytes& frame);
    bool readLoop(int fd);
    void handleMessage(const wire::Message& message);
    void publish(std::shared_ptr<CardSnapshot> next);
    void closeConnection(int fd);
    Reply request(std::uint32_t id, const base::SecureBytes& frame);
    // Registers a request; false when not connected. Sets `generation` to the latest card's when unset.
    bool beginRequest(std::uint32_t& id, std::optional<std::uint32_t>& generation);

    Options m_options;
    StatusCallback m_callback;
    std::thread m_thread;
    int m_wakeFd = -1; // eventfd: stop

    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_stopping = false;
    bool m_firstSettled = false;
    int m_fd = -1;
    std::uint64_t m_epoch = 0; // increases with every connection and disconnection
    std::uint64_t m_serial = 0;
    std::shared_ptr<const CardSnapshot> m_snapshot;
    std::uint32_t m_nextRequestId = 0;
    std::map<std::uint32_t, std::optional<Reply>> m_pending;

    std::mutex m_writeMutex;
};

// The socket path the modules use: $SRA_LOCAL_SOCKET, else /run/secure-remote-access/local.sock. The variable is
// ignored in setuid/setgid programs (base::trustedGetenv).
std::string defaultSocketPath();

// A complete frame carrying `message`, in a zeroizing buffer (empty when the message does not encode).
base::SecureBytes encodeSecure(const wire::Message& message);

} // namespace sra::local
