#pragma once

#include <QtGlobal>

#include <memory>

class QThread;

namespace sra::test {

class LinkProxyWorker;

// A TCP link between a client and a server on loopback that a test can cut and restore, for what a network drop
// does to a session: the client connects to port(); each connection is relayed byte for byte to the target port.
// Runs on a thread of its own, so a test thread that blocks (or a GUI thread under load) does not slow the link.
//
//   cut()      every relayed connection is reset at once, and new ones are accepted and reset (a router reboot,
//              a VPN reconnect: both ends see the connection die);
//   restore()  new connections are relayed again.
// All methods are thread-safe and return when the proxy thread has done what they ask.
class LinkProxy
{
public:
    explicit LinkProxy(quint16 targetPort);
    ~LinkProxy();

    LinkProxy(const LinkProxy&) = delete;
    LinkProxy& operator=(const LinkProxy&) = delete;

    quint16 port() const
    {
        return m_port;
    }

    void cut();
    void restore();
    // New connections go to this port from now on (another server behind the same address, as after a
    // reinstallation or a man in the middle).
    void setTargetPort(quint16 port);

private:
    std::unique_ptr<QThread> m_thread;
    LinkProxyWorker* m_worker = nullptr; // lives on m_thread
    quint16 m_port = 0;
};

} // namespace sra::test
