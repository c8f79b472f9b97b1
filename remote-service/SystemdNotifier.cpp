#include "remote-service/SystemdNotifier.h"

#include <QtGlobal>

#include <cstddef>
#include <cstring>
#include <ctime>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace sra::srad {

namespace {
class NoManager final : public ServiceManagerNotifier
{
public:
    void ready(const QString&) override {}

    void reloading() override {}

    void stopping() override {}
};
} // namespace

std::unique_ptr<ServiceManagerNotifier> ServiceManagerNotifier::forThisProcess()
{
    QByteArray address = qgetenv("NOTIFY_SOCKET");
    if (address.isEmpty()) {
        return std::make_unique<NoManager>();
    }
    return std::make_unique<SystemdNotifier>(std::move(address));
}

SystemdNotifier::SystemdNotifier(QByteArray socketAddress)
    : m_socketAddress(std::move(socketAddress))
{}

bool SystemdNotifier::send(const QByteArray& state) const
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (m_socketAddress.size() < 2 || static_cast<std::size_t>(m_socketAddress.size()) >= sizeof address.sun_path
        || (m_socketAddress[0] != '/' && m_socketAddress[0] != '@')) {
        return false;
    }
    std::memcpy(address.sun_path, m_socketAddress.constData(), static_cast<std::size_t>(m_socketAddress.size()));
    socklen_t length =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + static_cast<std::size_t>(m_socketAddress.size()));
    if (address.sun_path[0] == '@') {
        address.sun_path[0] = '\0'; // abstract namespace: no terminating NUL counted
    } else {
        length += 1;
    }
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    const ssize_t sent = ::sendto(fd,
                                  state.constData(),
                                  static_cast<std::size_t>(state.size()),
                                  MSG_NOSIGNAL,
                                  reinterpret_cast<const sockaddr*>(&address),
                                  length);
    ::close(fd);
    return sent == state.size();
}

void SystemdNotifier::ready(const QString& status)
{
    send("READY=1\nSTATUS=" + status.toUtf8().replace('\n', ' '));
}

void SystemdNotifier::reloading()
{
    // MONOTONIC_USEC lets systemd (≥ 253, Type=notify-reload) tell this reload from an earlier one; older
    // versions ignore it.
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const qint64 usec = qint64{now.tv_sec} * 1000000 + now.tv_nsec / 1000;
    send("RELOADING=1\nMONOTONIC_USEC=" + QByteArray::number(usec));
}

void SystemdNotifier::stopping()
{
    send("STOPPING=1");
}

} // namespace sra::srad
