#pragma once

#include "core/piv/PivCardEmulator.h"

#include <QString>

#include <atomic>
#include <cstdint>

namespace sra::softcard {

// Presents a PivCardEmulator to vsmartcard's vpcd reader driver. vpcd listens; the card connects. Every message
// in both directions is a 2-byte big-endian length and a payload. vpcd always speaks first: a 1-byte payload is
// a control code (0 power off, 1 power on, 2 reset, 4 get ATR → reply with the ATR), anything longer is a
// command APDU to be answered with a response APDU. Closing the connection is how a card leaves the reader.
class VpcdCardLink
{
public:
    VpcdCardLink(piv::PivCardEmulator& emulator, QString host, std::uint16_t port);

    // Connects, serves until vpcd closes the connection or stop() is called, and reconnects after a drop
    // (a restarted pcscd comes back with a new vpcd). Returns 0 after stop(), non-zero on a fatal error.
    int run();

    // Async-signal-safe: may be called from a signal handler.
    void stop() noexcept;

    // Answer each PIN check and private-key operation only after `ms` (0: at once), as a real card's 100-500 ms
    // RSA signature does: for tests that the admin's window stays responsive while the card works.
    void setOperationDelayMs(int ms)
    {
        m_operationDelayMs = ms;
    }

private:
    bool serveConnection(int fd);

    piv::PivCardEmulator& m_emulator;
    QString m_host;
    std::uint16_t m_port;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_fd{-1};
    int m_operationDelayMs = 0;
};

} // namespace sra::softcard
