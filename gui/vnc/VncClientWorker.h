#pragma once

#include "VncError.h"
#include "VncFrameUpdate.h"
#include "core/base/Bytes.h"

#include <QMutex>
#include <QObject>
#include <QPoint>
#include <QRegion>
#include <QString>

#include <atomic>
#include <cstdint>
#include <deque>

struct _rfbClient;

namespace sra::gui {

// Where a VNC connection goes.
struct VncTarget
{
    enum class Kind
    {
        Socket,
        Host,
        UnixSocket
    };
    Kind kind = Kind::Socket;
    int fd = -1;      // Socket: an already-connected stream socket (e.g. one end of the srad tunnel)
    QString host;     // Host: name or address
    quint16 port = 0; // Host
    QString path;     // UnixSocket

    static VncTarget socket(int fd)
    {
        return {Kind::Socket, fd, {}, 0, {}};
    }

    static VncTarget tcp(const QString& host, quint16 port)
    {
        return {Kind::Host, -1, host, port, {}};
    }

    static VncTarget unixSocket(const QString& path)
    {
        return {Kind::UnixSocket, -1, {}, 0, path};
    }
};

// The one owner of a libvncclient `rfbClient`. It lives in a thread of its own: run() connects, shakes
// hands and then waits in poll() on the RFB socket and an eventfd until the server sends something, the GUI
// queued input, the GUI took the last frame, or stop was requested. Nothing else ever calls libvncclient,
// so the library needs no locking and the GUI never blocks on the network.
//
// To the GUI: queued signals only. Frame updates carry copies of the changed rectangles, coalesced over
// message rounds, with at most kMaxFramesInFlight not yet taken by the GUI (frameConsumed()); while the GUI
// is behind, changes accumulate as one region and the pixels are copied when it catches up, so a slow view
// drops intermediate frames instead of queueing memory.
// From the GUI: the thread-safe send*() / requestStop() below, which queue and wake the worker.
class VncClientWorker : public QObject
{
    Q_OBJECT

public:
    // Hostile-server bounds: a framebuffer is at most this wide/high and this many pixels (8K UHD fits).
    static constexpr int kMaxFramebufferSide = 16384;
    static constexpr qint64 kMaxFramebufferPixels = 40'000'000;
    static constexpr int kMaxFramesInFlight = 2;
    static constexpr int kConnectTimeoutMs = 15000;
    static constexpr int kReadTimeoutSeconds = 30; // a server silent in the middle of a message

    // Takes ownership of target.fd (closed when the worker ends, also on failure). The password is copied
    // into wiped memory and `password` itself overwritten; it is never logged.
    VncClientWorker(const VncTarget& target, QByteArray& password, QObject* parent = nullptr);
    ~VncClientWorker() override;

    // --- thread-safe, from any thread ---
    void sendKey(std::uint32_t keysym, bool down);
    void sendPointer(QPoint position, int buttonMask);
    void sendClipboard(const QString& text); // sent as Latin-1 (RFB 3.8); other characters become '?'
    void sendCtrlAltDel();
    // In view-only mode input is dropped here too, not only in the view.
    void setViewOnly(bool viewOnly);
    // The GUI has applied one frameUpdated(); the worker may send the next one.
    void frameConsumed();
    // Ends run() soon: sets the flag, shuts the socket down (a read blocked inside libvncclient returns)
    // and wakes poll(). run() then reports finished(VncError::None).
    void requestStop();

public Q_SLOTS:
    // Runs the whole connection in the calling (worker) thread and returns when it ended; quits that
    // thread's event loop on the way out.
    void run();

Q_SIGNALS:
    void connected(QSize frameSize, const QString& desktopName);
    void frameUpdated(const sra::gui::VncFrameUpdate& update);
    void remoteClipboard(const QString& text);
    void finished(sra::gui::VncError error, const QString& reason);

private:
    struct Input
    {
        enum class Type
        {
            Key,
            Pointer,
            Clipboard,
            CtrlAltDel
        } type;
        std::uint32_t keysym = 0;
        bool down = false;
        QPoint position;
        int buttonMask = 0;
        QByteArray text;
    };
    enum class Stage
    {
        Connecting,
        Handshake,
        Authenticating,
        Initialising,
        Running
    };

    struct Outcome
    {
        VncError error = VncError::None;
        QString reason;
    };

    Outcome connectSocket();
    Outcome connectHost();
    Outcome connectUnix();
    Outcome handshake();
    Outcome serve();
    Outcome handshakeFailure() const;
    void enqueue(Input input);
    void wake();
    void drainWake();
    bool sendQueuedInput();
    void flushFrame();
    void closeSocket();

    // libvncclient callbacks (static shims that find the worker through the client data).
    static VncClientWorker* self(_rfbClient* client);
    static signed char onMallocFrameBuffer(_rfbClient* client);
    static void onFrameBufferUpdate(_rfbClient* client, int x, int y, int w, int h);
    static char* onGetPassword(_rfbClient* client);
    static void onCutText(_rfbClient* client, const char* text, int length);

    VncTarget m_target;
    base::SecureBytes m_password;

    _rfbClient* m_client = nullptr;
    QImage m_framebuffer; // the client's frameBuffer memory; only the worker thread touches it
    QRegion m_dirty;      // changed since the last frameUpdated()
    Stage m_stage = Stage::Connecting;
    bool m_passwordAsked = false;
    bool m_passwordMissing = false;
    bool m_framebufferRefused = false;
    QSize m_refusedSize;

    int m_wakeFd = -1; // eventfd: input queued, frame consumed, stop
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_viewOnly{false};
    std::atomic<int> m_framesInFlight{0};

    QMutex m_mutex; // guards m_inputs and m_socket (requestStop shuts the socket down)
    std::deque<Input> m_inputs;
    int m_socket = -1; // ours; libvncclient gets a dup() and closes that one itself
};

} // namespace sra::gui
