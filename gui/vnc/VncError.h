#pragma once

#include <QMetaType>

namespace sra::gui {

// Why a VNC connection ended (or never started). Derived from where in the handshake it failed and from
// return values, never from libvncclient's log text.
enum class VncError
{
    None,                // ended by the caller (disconnectFromHost / stop)
    ConnectFailed,       // no socket to the server (refused, no such host or path, timeout)
    HandshakeFailed,     // not a VNC server, or no security type both sides support
    PasswordRequired,    // the server asked for a password and none was given
    AuthFailed,          // the server refused the password
    FramebufferTooLarge, // the server announced a screen larger than the view accepts (or an empty one)
    ServerClosed,        // the connection ended while running, or the server sent a malformed message
};

} // namespace sra::gui

Q_DECLARE_METATYPE(sra::gui::VncError)
