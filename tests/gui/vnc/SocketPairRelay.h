#pragma once

#include <QString>

#include <thread>

// Stands in for the srad screen tunnel until it lands: a socketpair whose one end is handed to the view
// (VncView::connectToFd) while a thread copies bytes between the other end and x11vnc's UNIX socket.
class SocketPairRelay
{
public:
    SocketPairRelay() = default;
    ~SocketPairRelay(); // stops the copying thread and closes its descriptors
    SocketPairRelay(const SocketPairRelay&) = delete;
    SocketPairRelay& operator=(const SocketPairRelay&) = delete;

    // Connects to the server socket and returns the client's end of the pair (the caller owns it), or -1.
    int start(const QString& serverSocketPath);

private:
    void run();

    int m_relayEnd = -1;
    int m_server = -1;
    int m_stopFd = -1;
    std::thread m_thread;
};
