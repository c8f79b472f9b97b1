#pragma once

#include "core/base/Bytes.h"
#include "core/wire/Frame.h"
#include "core/wire/Message.h"

#include <QObject>
#include <QString>

#include <deque>
#include <optional>
#include <sys/types.h>

class QSocketNotifier;

namespace sra::core {

// One end of a connected AF_UNIX stream socket that carries SRA frames (core/wire) and, with a frame, at most
// one file descriptor (SCM_RIGHTS). srad and sra-screen-agent talk over it: the agent hands srad its end of
// the VNC server's socketpair that way. QLocalSocket cannot be used here because it reads with read(2),
// which makes the kernel drop (close) every descriptor that was sent along.
//
// Non-blocking, driven by QSocketNotifiers. Received messages are decoded strictly with the shared schema
// (wire::decodeMessage); anything that does not decode, a frame above maxPayload, or more descriptors than
// kMaxQueuedFds waiting ends the connection. Received descriptors queue in arrival order (they travel with
// the first byte of their frame, so they are queued by the time that frame is complete) and are closed with
// the socket unless taken.
class UnixFrameSocket : public QObject
{
    Q_OBJECT

public:
    static constexpr int kMaxQueuedFds = 4;

    // Takes ownership of `fd` (a connected AF_UNIX stream socket).
    UnixFrameSocket(int fd, std::uint32_t maxPayload, QObject* parent = nullptr);
    ~UnixFrameSocket() override;

    UnixFrameSocket(const UnixFrameSocket&) = delete;
    UnixFrameSocket& operator=(const UnixFrameSocket&) = delete;

    // Connects to a UNIX socket path (SOCK_CLOEXEC; local, so effectively immediate). -1 with errno on failure.
    static int connectTo(const QString& path);

    // Queues `message` (and a duplicate of `passFd` with its first byte, when ≥ 0). The encoded frame lives in
    // a zeroizing buffer. False when the message does not encode or the connection is closed.
    bool send(const wire::Message& message, int passFd = -1);

    // The oldest received descriptor not taken yet (the caller owns it), or -1.
    int takeReceivedFd();

    // Closes the connection now (pending output is dropped); closed() follows once, queued.
    void close(const QString& reason);

    bool isOpen() const
    {
        return m_fd >= 0;
    }

    // Who is on the other end, from the kernel (SO_PEERCRED) at connect time; nullopt when unknown.
    std::optional<uid_t> peerUid() const
    {
        return m_peerUid;
    }

    qint64 peerPid() const
    {
        return m_peerPid;
    }

Q_SIGNALS:
    // The message is only valid during the call; fields carrying secrets are wiped afterwards.
    void messageReceived(const sra::wire::Message& message);
    void closed(const QString& reason);

private:
    void onReadable();
    void onWritable();
    void flush();

    struct Pending
    {
        base::SecureBytes bytes;
        std::size_t offset = 0;
        int fd = -1; // sent with the first byte, then closed here
    };

    int m_fd;
    wire::FrameDecoder m_decoder;
    QSocketNotifier* m_readNotifier;
    QSocketNotifier* m_writeNotifier;
    std::deque<Pending> m_out;
    std::deque<int> m_fds;
    std::optional<uid_t> m_peerUid;
    qint64 m_peerPid = 0;
};

} // namespace sra::core
