#include "core/net/UnixFrameSocket.h"

#include <QFile>
#include <QPointer>
#include <QSocketNotifier>
#include <QTimer>

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace sra::core {

namespace {
constexpr std::size_t kReadChunk = 16 * 1024;

void closeFd(int fd)
{
    if (fd >= 0) {
        ::close(fd);
    }
}
} // namespace

UnixFrameSocket::UnixFrameSocket(int fd, std::uint32_t maxPayload, QObject* parent)
    : QObject(parent)
    , m_fd(fd)
    , m_decoder(maxPayload)
    , m_readNotifier(new QSocketNotifier(fd, QSocketNotifier::Read, this))
    , m_writeNotifier(new QSocketNotifier(fd, QSocketNotifier::Write, this))
{
    const int flags = ::fcntl(fd, F_GETFL);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    m_writeNotifier->setEnabled(false);
    // The credentials the kernel recorded at connect time; kept, as the descriptor goes with close().
    ucred cred{};
    socklen_t length = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) == 0) {
        m_peerUid = cred.uid;
        m_peerPid = cred.pid;
    }
    connect(m_readNotifier, &QSocketNotifier::activated, this, &UnixFrameSocket::onReadable);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &UnixFrameSocket::onWritable);
}

UnixFrameSocket::~UnixFrameSocket()
{
    m_readNotifier->setEnabled(false);
    m_writeNotifier->setEnabled(false);
    for (Pending& p : m_out) {
        closeFd(p.fd);
    }
    for (int fd : m_fds) {
        closeFd(fd);
    }
    closeFd(m_fd);
}

int UnixFrameSocket::connectTo(const QString& path)
{
    const QByteArray name = QFile::encodeName(path);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (name.isEmpty() || static_cast<std::size_t>(name.size()) >= sizeof address.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    std::memcpy(address.sun_path, name.constData(), static_cast<std::size_t>(name.size()) + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const int saved = errno;
        ::close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

bool UnixFrameSocket::send(const wire::Message& message, int passFd)
{
    if (m_fd < 0) {
        return false;
    }
    Pending pending;
    pending.bytes = wire::encodeMessageSecure(message);
    if (pending.bytes.empty()) {
        return false;
    }
    if (passFd >= 0) {
        pending.fd = ::fcntl(passFd, F_DUPFD_CLOEXEC, 0);
        if (pending.fd < 0) {
            return false;
        }
    }
    m_out.push_back(std::move(pending));
    flush();
    return true;
}

void UnixFrameSocket::flush()
{
    while (m_fd >= 0 && !m_out.empty()) {
        Pending& p = m_out.front();
        iovec iov{p.bytes.data() + p.offset, p.bytes.size() - p.offset};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int))> control{};
        if (p.fd >= 0 && p.offset == 0) {
            msg.msg_control = control.data();
            msg.msg_controllen = control.size();
            cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
            cmsg->cmsg_level = SOL_SOCKET;
            cmsg->cmsg_type = SCM_RIGHTS;
            cmsg->cmsg_len = CMSG_LEN(sizeof(int));
            std::memcpy(CMSG_DATA(cmsg), &p.fd, sizeof(int));
        }
        const ssize_t n = ::sendmsg(m_fd, &msg, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            m_writeNotifier->setEnabled(true);
            return;
        }
        if (n <= 0) {
            close(QStringLiteral("write failed: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
            return;
        }
        if (p.fd >= 0) {
            closeFd(p.fd); // the peer has its own copy now
            p.fd = -1;
        }
        p.offset += static_cast<std::size_t>(n);
        if (p.offset == p.bytes.size()) {
            m_out.pop_front();
        }
    }
    m_writeNotifier->setEnabled(false);
}

void UnixFrameSocket::onWritable()
{
    flush();
}

void UnixFrameSocket::onReadable()
{
    base::SecureBytes buffer(kReadChunk);
    for (;;) {
        if (m_fd < 0) {
            return;
        }
        iovec iov{buffer.data(), buffer.size()};
        alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int) * kMaxQueuedFds)> control{};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.data();
        msg.msg_controllen = control.size();
        const ssize_t n = ::recvmsg(m_fd, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        }
        // Descriptors first: they arrive with the first byte of their frame.
        for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
            if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) {
                continue;
            }
            const std::size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (std::size_t i = 0; i < count; ++i) {
                int fd = -1;
                std::memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
                m_fds.push_back(fd);
            }
        }
        if ((msg.msg_flags & MSG_CTRUNC) != 0 || m_fds.size() > static_cast<std::size_t>(kMaxQueuedFds)) {
            close(QStringLiteral("the peer sent more descriptors than it may"));
            return;
        }
        if (n == 0) {
            close(QStringLiteral("the peer closed the connection"));
            return;
        }
        if (n < 0) {
            close(QStringLiteral("read failed: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
            return;
        }
        m_decoder.feed(base::ByteView(buffer.data(), static_cast<std::size_t>(n)));
        while (auto frame = m_decoder.next()) {
            auto message = wire::decodeMessage(*frame);
            base::secureZero(frame->payload.data(), frame->payload.size());
            if (!message) {
                close(QString::fromStdString(message.error().detail));
                return;
            }
            // A slot may close or delete this socket: only touch members again while it is open.
            QPointer<UnixFrameSocket> self(this);
            Q_EMIT messageReceived(message.value());
            message.value().wipe();
            if (!self || m_fd < 0) {
                return;
            }
        }
        if (m_decoder.error() != wire::FrameError::None) {
            close(QString::fromLatin1(wire::frameErrorName(m_decoder.error())));
            return;
        }
    }
}

int UnixFrameSocket::takeReceivedFd()
{
    if (m_fds.empty()) {
        return -1;
    }
    const int fd = m_fds.front();
    m_fds.pop_front();
    return fd;
}

void UnixFrameSocket::close(const QString& reason)
{
    if (m_fd < 0) {
        return;
    }
    m_readNotifier->setEnabled(false);
    m_writeNotifier->setEnabled(false);
    for (Pending& p : m_out) {
        closeFd(p.fd);
    }
    m_out.clear();
    for (int fd : m_fds) {
        closeFd(fd);
    }
    m_fds.clear();
    ::close(m_fd);
    m_fd = -1;
    QTimer::singleShot(0, this, [this, reason] { Q_EMIT closed(reason); });
}

} // namespace sra::core
