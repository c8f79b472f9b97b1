#pragma once

#include <QtGlobal>

#include <memory>

class QThread;

namespace sra::test {

class LinkProxyWorker;

// A TCP link between a client and a server on loopback that a test can cut and restore, for what a network drop
// does to a session: the client connects to port(); each connection is relayed byte for byte to targetPort.
// Runs on a thread of its own, so a test thread that blocks (or a GUI thread under load) does not slow the link.
//
//   cut(Reset)      every relayed connection is reset at once, and new ones are accepted and reset (a router
//                   reboot, a VPN reconnect: both ends see the connection die);
//   cut(Blackhole)  bytes are no longer passed and new connections are held unanswered (a cable pulled, a Wi-Fi
//                   that left: nobody notices until a timeout);
//   restore()       new connections are relayed again; blackholed ones stay dead (TCP state is gone after an
//                   outage in real networks too) and are reset.
// All methods are thread-safe and return when the proxy thread has done what they ask.
class LinkProxy
{
public:
    enum class Cut
    {
        Reset,
        Blackhole,
    };

    explicit LinkProxy(quint16 targetPort);
    ~LinkProxy();

    LinkProxy(const LinkProxy&) = delete;
    LinkProxy& operator=(const LinkProxy&) = delete;

    quint16 port() const
    {
        return m_port;
    }

    void cut(Cut how = Cut::Reset);
    void restore();
    // New connections go to this port from now on (another server behind the same address, as after a
    // reinstallation or a man in the middle).
    void setTargetPort(quint16 port);

    int connectionsAccepted() const; // since the start, relayed or not
    int connectionsOpen() const;     // relayed right now

private:
    std::unique_ptr<QThread> m_thread;
    LinkProxyWorker* m_worker = nullptr; // lives on m_thread
    quint16 m_port = 0;
};

} // namespace sra::test
