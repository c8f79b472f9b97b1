#pragma once

#include "core/wire/Message.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <optional>

namespace sra::srad {

// A VNC server for one screen grant, behind an interface so that x11vnc (X11) can be joined by GNOME Remote
// Desktop or wayvnc (Wayland) later. An implementation must:
//  - listen only on a local endpoint nobody else can reach (a UNIX socket in a private directory, or
//    loopback), never on the network;
//  - accept only `password` (VNC authentication), for exactly one client;
//  - emit started(endpoint) once it accepts connections, or finished(reason) if it cannot start (refuse()
//    when the cause is one the admin must be told, such as "nobody is logged in");
//  - either accept connections on endpoint(), or hand over one connected socket through takeStreamSocket()
//    (a server that is not srad's child, like the screen agent's, cannot be reached by path);
//  - emit finished(reason) exactly once when the server is gone — on its own (the client left) or after
//    stop() — having removed every file it made.
// One object serves one grant; it is not restarted.
class ScreenBackend : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    // `password` is the one-time VNC password (8 printable characters); the backend may wipe its copy.
    virtual void start(const QString& display, const QByteArray& password) = 0;
    virtual void stop() = 0;

    // The local socket the server listens on (a UNIX socket path), once started.
    virtual QString endpoint() const = 0;
    // The server's process id while it runs (0 otherwise), for logs and tests.
    virtual qint64 processId() const = 0;

    // A socket already connected to the server, handed over once (the caller owns it), or -1: connect to
    // endpoint() instead.
    virtual int takeStreamSocket()
    {
        return -1;
    }

    // Set when start failed for a reason the admin is told in ScreenEnded (with this code), not just logged.
    std::optional<wire::ErrorCode> refusalCode() const
    {
        return m_refusalCode;
    }

Q_SIGNALS:
    void started(const QString& endpoint);
    void finished(const QString& reason);

protected:
    // Start failed and the admin gets `reason` (English, as all Reasons) with `code`; emits finished(reason).
    void refuse(wire::ErrorCode code, const QString& reason)
    {
        m_refusalCode = code;
        Q_EMIT finished(reason);
    }

private:
    std::optional<wire::ErrorCode> m_refusalCode;
};

} // namespace sra::srad
