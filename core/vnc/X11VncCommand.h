#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace sra::core {

// How the VNC client reaches x11vnc.
enum class X11VncTransport
{
    UnixSocket, // srad: -unixsock in a private 0700 directory, and no TCP listener at all
    Inetd,      // the screen agent: the client is on stdin/stdout (one end of a socketpair)
};

struct X11VncCommand
{
    QString display;      // the X display, ":N"
    QString xauthority;   // -auth FILE; empty: x11vnc finds the display's cookie itself
    QString passwordFile; // -rfbauth FILE, written by writeVncPasswordFile(); the password is never an argument
    X11VncTransport transport = X11VncTransport::UnixSocket;
    QString unixSocket;                    // UnixSocket: where x11vnc listens
    std::optional<int> idleTimeoutSeconds; // -timeout: exit if no client connected by then
};

// The one x11vnc command line of the product (srad's X11VncBackend and sra-screen-agent's VncServer), so that
// the options that make a grant safe cannot drift apart between the two: VNC authentication with a one-time
// password file (-rfbauth, never -nopw or -passwd), one client and exit (-once), no listener on the network
// (-unixsock with -rfbport 0 and -rfbportv6 0 — without the latter x11vnc listens on [::]:5900 — or -inetd),
// no ~/.x11vncrc (-norc), no remote control (-noremote), no DNS (-nolookup), and -noxdamage (XDAMAGE misses
// updates on some X servers). Arguments only, without the program.
QStringList x11vncArguments(const X11VncCommand& command);

} // namespace sra::core
