#include "VncClientWorker.h"

#include "VncLogging.h"

#include <QCoreApplication>
#include <QFile>
#include <QThread>

#include <rfb/rfbclient.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace sra::gui {

namespace {

// Tag under which the worker pointer is stored in the rfbClient (only its address matters).
int kClientDataTag;

// libvncclient's last log line in this thread. It is shown as detail in error messages (e.g. the reason
// string a server gives for refusing a password); the error itself is classified from state, not from it.
thread_local QString t_lastLibraryMessage;

void forwardLibraryLog(const char* format, ...)
{
    char line[512];
    va_list args;
    va_start(args, format);
    std::vsnprintf(line, sizeof line, format, args);
    va_end(args);
    QString text = QString::fromLocal8Bit(line).trimmed();
    qCDebug(lcVnc).noquote() << "libvncclient:" << text;
    if (!text.isEmpty()) {
        t_lastLibraryMessage = std::move(text);
    }
}

void installLibraryLog()
{
    // The log hooks are process-wide function pointers: set them once, before any client exists.
    static std::once_flag once;
    std::call_once(once, [] {
        rfbClientLog = forwardLibraryLog;
        rfbClientErr = forwardLibraryLog;
    });
}

QString withDetail(const QString& sentence)
{
    if (t_lastLibraryMessage.isEmpty()) {
        return sentence;
    }
    return QCoreApplication::translate("sra::gui::VncClientWorker", "%1 (%2)").arg(sentence, t_lastLibraryMessage);
}

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

bool setNonBlocking(int fd)
{
    const int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

} // namespace

VncClientWorker::VncClientWorker(const VncTarget& target, QByteArray& password, QObject* parent)
    : QObject(parent)
    , m_target(target)
    , m_password(password.begin(), password.end())
{
    base::secureZero(password.data(), static_cast<std::size_t>(password.size()));
    password.clear();
    m_wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (target.kind == VncTarget::Kind::Socket) {
        m_socket = target.fd;
    }
}

VncClientWorker::~VncClientWorker()
{
    closeSocket();
    if (m_wakeFd >= 0) {
        ::close(m_wakeFd);
    }
    base::secureZero(m_password.data(), m_password.size());
}

// --- thread-safe input --------------------------------------------------------------------------------

void VncClientWorker::enqueue(Input input)
{
    if (m_viewOnly.load()) {
        return;
    }
    {
        QMutexLocker lock(&m_mutex);
        // Pointer motion is a state, not an event: only the latest position with the same buttons matters.
        if (input.type == Input::Type::Pointer && !m_inputs.empty() && m_inputs.back().type == Input::Type::Pointer
            && m_inputs.back().buttonMask == input.buttonMask) {
            m_inputs.back().position = input.position;
            return;
        }
        m_inputs.push_back(std::move(input));
    }
    wake();
}

void VncClientWorker::sendKey(std::uint32_t keysym, bool down)
{
    enqueue({Input::Type::Key, keysym, down, {}, 0, {}});
}

void VncClientWorker::sendPointer(QPoint position, int buttonMask)
{
    enqueue({Input::Type::Pointer, 0, false, position, buttonMask, {}});
}

void VncClientWorker::sendClipboard(const QString& text)
{
    // RFB 3.8 cut text is Latin-1; toLatin1() turns every other character into '?'.
    enqueue({Input::Type::Clipboard, 0, false, {}, 0, text.toLatin1()});
}

void VncClientWorker::sendCtrlAltDel()
{
    enqueue({Input::Type::CtrlAltDel, 0, false, {}, 0, {}});
}

void VncClientWorker::setViewOnly(bool viewOnly)
{
    // Filtered when queued, not when sent: releases the view queued just before switching still go out,
    // so nothing stays pressed on the remote.
    m_viewOnly = viewOnly;
}

void VncClientWorker::frameConsumed()
{
    if (m_framesInFlight.fetch_sub(1) > 0) {
        wake();
    } else {
        m_framesInFlight = 0;
    }
}

void VncClientWorker::requestStop()
{
    m_stop = true;
    {
        QMutexLocker lock(&m_mutex);
        if (m_socket >= 0) {
            // Acts on the socket, not on this descriptor: libvncclient's dup() sees end-of-file too, so a
            // read it is blocked in returns.
            ::shutdown(m_socket, SHUT_RDWR);
        }
    }
    wake();
}

void VncClientWorker::wake()
{
    const std::uint64_t one = 1;
    if (m_wakeFd >= 0) {
        [[maybe_unused]] const ssize_t written = ::write(m_wakeFd, &one, sizeof one);
    }
}

void VncClientWorker::drainWake()
{
    std::uint64_t count = 0;
    [[maybe_unused]] const ssize_t got = ::read(m_wakeFd, &count, sizeof count);
}

void VncClientWorker::closeSocket()
{
    QMutexLocker lock(&m_mutex);
    if (m_socket >= 0) {
        ::close(m_socket);
        m_socket = -1;
    }
}

// --- the connection -----------------------------------------------------------------------------------

void VncClientWorker::run()
{
    installLibraryLog();
    t_lastLibraryMessage.clear();
    Outcome outcome;
    if (m_wakeFd < 0) {
        outcome = {VncError::ConnectFailed, tr("Could not create an event descriptor: %1").arg(errnoText(errno))};
    } else {
        switch (m_target.kind) {
        case VncTarget::Kind::Socket:
            outcome = connectSocket();
            break;
        case VncTarget::Kind::Host:
            outcome = connectHost();
            break;
        case VncTarget::Kind::UnixSocket:
            outcome = connectUnix();
            break;
        }
        if (outcome.error == VncError::None && !m_stop) {
            outcome = handshake();
        }
        if (outcome.error == VncError::None && !m_stop) {
            outcome = serve();
        }
    }
    base::secureZero(m_password.data(), m_password.size());
    m_password.clear();
    if (m_client) {
        rfbClientCleanup(m_client); // closes libvncclient's dup of the socket
        m_client = nullptr;
    }
    closeSocket();
    if (m_stop) {
        outcome = {VncError::None, {}};
    }
    qCInfo(lcVnc).noquote() << "VNC connection ended:"
                            << (outcome.reason.isEmpty() ? QStringLiteral("stopped") : outcome.reason);
    // Hand the object back to the GUI thread, which deletes it after joining this one.
    QThread* thread = QThread::currentThread();
    if (thread != QCoreApplication::instance()->thread()) {
        moveToThread(QCoreApplication::instance()->thread());
    }
    Q_EMIT finished(outcome.error, outcome.reason);
    if (thread != QCoreApplication::instance()->thread()) {
        thread->quit();
    }
}

VncClientWorker::Outcome VncClientWorker::connectSocket()
{
    QMutexLocker lock(&m_mutex);
    if (m_socket < 0 || ::fcntl(m_socket, F_GETFD) < 0) {
        m_socket = -1;
        return {VncError::ConnectFailed, tr("The screen connection was not open.")};
    }
    return {};
}

VncClientWorker::Outcome VncClientWorker::connectHost()
{
    const QByteArray host = m_target.host.toUtf8();
    const QByteArray port = QByteArray::number(m_target.port);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* addresses = nullptr;
    // Blocking name resolution: stop waits for it (bounded by the resolver's own timeout).
    if (const int rc = ::getaddrinfo(host.constData(), port.constData(), &hints, &addresses); rc != 0) {
        return {VncError::ConnectFailed,
                tr("Could not find %1: %2").arg(m_target.host, QString::fromLocal8Bit(::gai_strerror(rc)))};
    }
    int lastError = ETIMEDOUT;
    for (addrinfo* address = addresses; address && !m_stop; address = address->ai_next) {
        const int fd =
            ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, address->ai_protocol);
        if (fd < 0) {
            lastError = errno;
            continue;
        }
        {
            QMutexLocker lock(&m_mutex);
            m_socket = fd;
        }
        if (::connect(fd, address->ai_addr, address->ai_addrlen) == 0) {
            ::freeaddrinfo(addresses);
            return {};
        }
        if (errno == EINPROGRESS) {
            // Wait for the connect, a stop, or the timeout; the eventfd makes a stop immediate.
            pollfd fds[2] = {
                {fd,       POLLOUT, 0},
                {m_wakeFd, POLLIN,  0}
            };
            const int ready = ::poll(fds, 2, kConnectTimeoutMs);
            int soError = ETIMEDOUT;
            socklen_t length = sizeof soError;
            if (ready > 0 && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP))
                && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length) == 0 && soError == 0) {
                ::freeaddrinfo(addresses);
                return {};
            }
            lastError = soError;
        } else {
            lastError = errno;
        }
        closeSocket();
    }
    ::freeaddrinfo(addresses);
    return {VncError::ConnectFailed,
            tr("Could not connect to %1 port %2: %3").arg(m_target.host).arg(m_target.port).arg(errnoText(lastError))};
}

VncClientWorker::Outcome VncClientWorker::connectUnix()
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const QByteArray path = QFile::encodeName(m_target.path);
    if (path.isEmpty() || static_cast<std::size_t>(path.size()) >= sizeof address.sun_path) {
        return {VncError::ConnectFailed, tr("The socket path %1 is empty or too long.").arg(m_target.path)};
    }
    std::memcpy(address.sun_path, path.constData(), static_cast<std::size_t>(path.size()));
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return {VncError::ConnectFailed, tr("Could not create a socket: %1").arg(errnoText(errno))};
    }
    {
        QMutexLocker lock(&m_mutex);
        m_socket = fd;
    }
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const int error = errno;
        closeSocket();
        return {VncError::ConnectFailed, tr("Could not connect to %1: %2").arg(m_target.path, errnoText(error))};
    }
    return {};
}

VncClientWorker::Outcome VncClientWorker::handshake()
{
    // Non-blocking, so that libvncclient's read timeout applies to a server stalling mid-message.
    setNonBlocking(m_socket);
    const int libraryFd = ::fcntl(m_socket, F_DUPFD_CLOEXEC, 0);
    if (libraryFd < 0) {
        return {VncError::ConnectFailed, tr("Could not duplicate the socket: %1").arg(errnoText(errno))};
    }
    // 8 bits per sample, 3 samples, 4 bytes per pixel; shifts chosen so a pixel is 0x00RRGGBB in host
    // order, i.e. QImage::Format_RGB32 without conversion.
    m_client = rfbGetClient(8, 3, 4);
    if (!m_client) {
        ::close(libraryFd);
        return {VncError::ConnectFailed, tr("Out of memory.")};
    }
    m_client->format.redShift = 16;
    m_client->format.greenShift = 8;
    m_client->format.blueShift = 0;
    m_client->sock = libraryFd;
    m_client->listenSpecified = TRUE; // "already connected": rfbInitClient skips its own connect
    m_client->canHandleNewFBSize = TRUE;
    m_client->readTimeout = kReadTimeoutSeconds;
    m_client->MallocFrameBuffer = onMallocFrameBuffer;
    m_client->GotFrameBufferUpdate = onFrameBufferUpdate;
    m_client->GetPassword = onGetPassword;
    m_client->GotXCutText = onCutText;
    rfbClientSetClientData(m_client, &kClientDataTag, this);

    m_stage = Stage::Handshake;
    if (!rfbInitClient(m_client, nullptr, nullptr)) {
        m_client = nullptr; // rfbInitClient freed it (and closed libraryFd) on failure
        return handshakeFailure();
    }
    base::secureZero(m_password.data(), m_password.size());
    m_password.clear();
    m_stage = Stage::Running;
    const QSize size(m_client->width, m_client->height);
    const QString name = m_client->desktopName ? QString::fromUtf8(m_client->desktopName) : QString();
    qCInfo(lcVnc).noquote() << "VNC connected:" << size.width() << "x" << size.height() << name;
    Q_EMIT connected(size, name);
    return {};
}

VncClientWorker::Outcome VncClientWorker::handshakeFailure() const
{
    if (m_stop) {
        return {};
    }
    if (m_framebufferRefused) {
        return {VncError::FramebufferTooLarge,
                tr("The server announced a %1×%2 screen, which is empty or larger than this viewer accepts.")
                    .arg(m_refusedSize.width())
                    .arg(m_refusedSize.height())};
    }
    if (m_passwordMissing) {
        return {VncError::PasswordRequired, tr("The VNC server requires a password.")};
    }
    switch (m_stage) {
    case Stage::Authenticating:
        return {VncError::AuthFailed, withDetail(tr("The VNC server refused the password."))};
    case Stage::Initialising:
        return {VncError::HandshakeFailed, withDetail(tr("The VNC server ended the connection while starting."))};
    default:
        return {VncError::HandshakeFailed,
                withDetail(tr("The other side did not complete a VNC handshake (not a VNC server, or no "
                              "security type both support)."))};
    }
}

VncClientWorker::Outcome VncClientWorker::serve()
{
    while (!m_stop) {
        if (!sendQueuedInput()) {
            return {VncError::ServerClosed, tr("The connection to the VNC server was lost while sending.")};
        }
        flushFrame();
        if (m_client->buffered == 0) {
            pollfd fds[2] = {
                {m_socket, POLLIN, 0},
                {m_wakeFd, POLLIN, 0}
            };
            if (::poll(fds, 2, -1) < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return {VncError::ServerClosed, tr("Waiting for the VNC server failed: %1").arg(errnoText(errno))};
            }
            if (fds[1].revents & POLLIN) {
                drainWake();
            }
            if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
        }
        if (m_stop) {
            break;
        }
        // One round: this message and whatever libvncclient has already buffered behind it. The changed
        // rectangles of the whole round go out as one frameUpdated().
        do {
            if (!HandleRFBServerMessage(m_client)) {
                if (m_framebufferRefused) {
                    return handshakeFailure();
                }
                return {VncError::ServerClosed, withDetail(tr("The VNC server closed the connection."))};
            }
        } while (m_client->buffered > 0 && !m_stop);
    }
    return {};
}

bool VncClientWorker::sendQueuedInput()
{
    std::deque<Input> inputs;
    {
        QMutexLocker lock(&m_mutex);
        inputs.swap(m_inputs);
    }
    for (Input& input : inputs) {
        bool ok = true;
        switch (input.type) {
        case Input::Type::Key:
            ok = SendKeyEvent(m_client, input.keysym, input.down ? TRUE : FALSE);
            break;
        case Input::Type::Pointer: {
            const int x = qBound(0, input.position.x(), qMax(0, m_client->width - 1));
            const int y = qBound(0, input.position.y(), qMax(0, m_client->height - 1));
            ok = SendPointerEvent(m_client, x, y, input.buttonMask);
            break;
        }
        case Input::Type::Clipboard:
            ok = SendClientCutText(m_client, input.text.data(), static_cast<int>(input.text.size()));
            break;
        case Input::Type::CtrlAltDel:
            // Pressed in the order a person would, released in reverse.
            ok = SendKeyEvent(m_client, 0xffe3, TRUE) && SendKeyEvent(m_client, 0xffe9, TRUE)
                 && SendKeyEvent(m_client, 0xffff, TRUE) && SendKeyEvent(m_client, 0xffff, FALSE)
                 && SendKeyEvent(m_client, 0xffe9, FALSE) && SendKeyEvent(m_client, 0xffe3, FALSE);
            break;
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

void VncClientWorker::flushFrame()
{
    if (m_dirty.isEmpty() || m_framesInFlight.load() >= kMaxFramesInFlight) {
        return;
    }
    VncFrameUpdate update;
    update.frameSize = m_framebuffer.size();
    // Many small rectangles cost more in per-rectangle overhead than their bounding box costs in pixels.
    const QList<QRect> rects =
        m_dirty.rectCount() > 32 ? QList<QRect>{m_dirty.boundingRect()} : QList<QRect>(m_dirty.begin(), m_dirty.end());
    m_dirty = QRegion();
    for (const QRect& rect : rects) {
        QImage pixels(rect.size(), QImage::Format_RGB32);
        for (int row = 0; row < rect.height(); ++row) {
            const auto* source =
                reinterpret_cast<const quint32*>(m_framebuffer.constScanLine(rect.y() + row)) + rect.x();
            auto* target = reinterpret_cast<quint32*>(pixels.scanLine(row));
            // The server leaves the unused top byte 0; Format_RGB32 wants it 0xff.
            for (int column = 0; column < rect.width(); ++column) {
                target[column] = source[column] | 0xff000000u;
            }
        }
        update.rects.append({rect, std::move(pixels)});
    }
    ++m_framesInFlight;
    Q_EMIT frameUpdated(update);
}

// --- libvncclient callbacks ----------------------------------------------------------------------------
// Each is a dispatcher: find the worker that owns this client, then act on it.

VncClientWorker* VncClientWorker::self(rfbClient* client)
{
    return static_cast<VncClientWorker*>(rfbClientGetClientData(client, &kClientDataTag));
}

rfbBool VncClientWorker::onMallocFrameBuffer(rfbClient* client)
{
    VncClientWorker* worker = self(client);
    const int width = client->width;
    const int height = client->height;
    if (worker->m_stage < Stage::Initialising) {
        worker->m_stage = Stage::Initialising; // ServerInit arrived: authentication is behind us
    }
    if (width <= 0 || height <= 0 || width > kMaxFramebufferSide || height > kMaxFramebufferSide
        || qint64(width) * height > kMaxFramebufferPixels) {
        worker->m_framebufferRefused = true;
        worker->m_refusedSize = QSize(width, height);
        return FALSE;
    }
    if (client->format.bitsPerPixel != 32) {
        return FALSE; // we asked for 32; anything else would overrun the QImage
    }
    QImage framebuffer(width, height, QImage::Format_RGB32);
    if (framebuffer.isNull()) {
        worker->m_framebufferRefused = true;
        worker->m_refusedSize = QSize(width, height);
        return FALSE;
    }
    framebuffer.fill(Qt::black);
    worker->m_framebuffer = std::move(framebuffer);
    client->frameBuffer = worker->m_framebuffer.bits();
    // A resize invalidates everything the GUI had; it learns the new size from the next update.
    worker->m_dirty = QRegion(0, 0, width, height);
    return TRUE;
}

void VncClientWorker::onFrameBufferUpdate(rfbClient* client, int x, int y, int w, int h)
{
    VncClientWorker* worker = self(client);
    worker->m_dirty += QRect(x, y, w, h).intersected(worker->m_framebuffer.rect());
}

char* VncClientWorker::onGetPassword(rfbClient* client)
{
    VncClientWorker* worker = self(client);
    worker->m_passwordAsked = true;
    worker->m_stage = Stage::Authenticating;
    if (worker->m_password.empty()) {
        worker->m_passwordMissing = true;
        return nullptr;
    }
    // libvncclient frees this after use and wipes strlen() bytes of it, after cutting it at 8 (all VNC
    // authentication uses). Handing over at most 8 bytes means everything it got is wiped.
    const std::size_t length = qMin<std::size_t>(worker->m_password.size(), 8);
    auto* copy = static_cast<char*>(std::calloc(length + 1, 1));
    if (copy) {
        std::memcpy(copy, worker->m_password.data(), length);
    }
    base::secureZero(worker->m_password.data(), worker->m_password.size());
    worker->m_password.clear();
    return copy;
}

void VncClientWorker::onCutText(rfbClient* client, const char* text, int length)
{
    if (length < 0 || !text) {
        return;
    }
    Q_EMIT self(client)->remoteClipboard(QString::fromLatin1(text, length));
}

} // namespace sra::gui
