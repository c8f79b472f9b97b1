#include "SocketPairRelay.h"

#include <QFile>

#include <cstring>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

SocketPairRelay::~SocketPairRelay()
{
    if (m_thread.joinable()) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const ssize_t written = ::write(m_stopFd, &one, sizeof one);
        m_thread.join();
    }
    for (const int fd : {m_relayEnd, m_server, m_stopFd}) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
}

int SocketPairRelay::start(const QString& serverSocketPath)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const QByteArray path = QFile::encodeName(serverSocketPath);
    if (size_t(path.size()) >= sizeof address.sun_path) {
        return -1;
    }
    std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
    m_server = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_server < 0 || ::connect(m_server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        return -1;
    }
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        return -1;
    }
    m_relayEnd = pair[1];
    m_stopFd = ::eventfd(0, EFD_CLOEXEC);
    m_thread = std::thread([this] { run(); });
    return pair[0];
}

void SocketPairRelay::run()
{
    char buffer[65536];
    for (;;) {
        pollfd fds[3] = {
            {m_relayEnd, POLLIN, 0},
            {m_server,   POLLIN, 0},
            {m_stopFd,   POLLIN, 0}
        };
        if (::poll(fds, 3, -1) < 0 || fds[2].revents) {
            return;
        }
        for (int i = 0; i < 2; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
            const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
            if (got <= 0) {
                ::shutdown(fds[1 - i].fd, SHUT_RDWR); // one side left: the other sees the end too
                return;
            }
            for (ssize_t sent = 0; sent < got;) {
                const ssize_t n = ::write(fds[1 - i].fd, buffer + sent, size_t(got - sent));
                if (n <= 0) {
                    return;
                }
                sent += n;
            }
        }
    }
}
