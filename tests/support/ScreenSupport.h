#pragma once

#include "core/card/CardWorker.h"
#include "core/config/SradConfig.h"
#include "core/session/AdminSession.h"
#include "core/session/KnownHosts.h"
#include "core/session/ScreenGrant.h"
#include "core/session/ScreenTunnel.h"
#include "support/Lab.h"

#include <QByteArray>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

namespace sra::test {

// What a VNC client saw through the tunnel.
struct VncResult
{
    bool connected = false; // rfbInitClient succeeded (RFB handshake and VNC authentication)
    bool quadrants = false; // the four colours were seen at the four quadrant centres
    int width = 0;
    int height = 0;
    QString detail;
};

// libvncclient on a socket we hold (client->sock + listenSpecified), run on its own thread like the GUI's
// worker. It keeps handling updates until the quadrants of sra-test-screen show (the first update can be black)
// or `timeoutMs` passed, then closes the connection (rfbClientCleanup closes the socket).
class VncProbe
{
public:
    // keepReading: stay connected for all of timeoutMs even after the quadrants were seen (a viewer that is
    // still watching when the test pulls something else away).
    VncProbe(int fd, QByteArray password, int timeoutMs = 6000, bool keepReading = false);
    ~VncProbe();
    VncProbe(const VncProbe&) = delete;
    VncProbe& operator=(const VncProbe&) = delete;

    bool done() const
    {
        return m_done.load();
    }

    // Only after done().
    const VncResult& result() const
    {
        return m_result;
    }

    // Silences libvncclient's chatter (failures show in the results); call once per test program.
    static void quietLibraryLog();

private:
    void run(int fd, int timeoutMs);

    QByteArray m_password;
    bool m_keepReading;
    VncResult m_result;
    std::atomic<bool> m_done{false};
    std::thread m_thread;
};

// Waits in the event loop until `probe` is done (the tunnel needs the loop to move bytes).
bool waitProbe(const VncProbe& probe, int timeoutMs = 15000);

// Waits (in the event loop) until no x11vnc of the lab runs (Lab::vncServerPids()); false after `ms`.
bool noVncServerWithin(const Lab& lab, int ms);

// True when the process listens on any TCP port (ss -ltnp).
bool listensOnTcp(qint64 pid);

// The admin side of a screen share against a lab's srad: the soft card through the lab's pcscd (sets
// PCSCLITE_CSOCK_NAME for this process), known hosts in a file of its own.
class ScreenAdmin
{
public:
    ScreenAdmin(const Lab& lab, const QString& knownHostsFile);

    // Empty when the card channel could not be opened; the reason then.
    QString error() const
    {
        return m_error;
    }

    // An authenticated session (host accepted, PIN from the lab) or nullptr.
    std::unique_ptr<core::AdminSession> authenticate();
    // ScreenRequest and its answer: the grant, or nullopt (the refusal then in refusedCode/refusedMessage).
    std::optional<core::ScreenGrant> requestScreen(core::AdminSession& session);

    std::optional<wire::ErrorCode> refusedCode() const
    {
        return m_refusedCode;
    }

    // Opens `tunnel` for the grant and waits until it is open (true) or has failed (false).
    static bool
    openTunnel(core::ScreenTunnel& tunnel, const core::AdminSession& session, const core::ScreenGrant& grant);

private:
    const Lab& m_lab;
    std::unique_ptr<core::CardWorker> m_card;
    std::unique_ptr<core::KnownHosts> m_knownHosts;
    std::optional<wire::ErrorCode> m_refusedCode;
    QString m_error;
};

// Loads the lab's srad.conf, applies `change` and writes it back (srad reads it at its next start).
bool changeSradConfig(const Lab& lab, const std::function<void(core::SradConfig&)>& change);
// sra-lab srad-stop + srad-start.
bool restartSrad(const Lab& lab);

} // namespace sra::test
