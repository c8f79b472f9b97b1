#include "core/vnc/X11VncCommand.h"

namespace sra::core {

QStringList x11vncArguments(const X11VncCommand& command)
{
    QStringList args;
    if (command.transport == X11VncTransport::Inetd) {
        args << QStringLiteral("-inetd"); // the client is on stdin/stdout
    }
    args << QStringLiteral("-display") << command.display;
    if (!command.xauthority.isEmpty()) {
        args << QStringLiteral("-auth") << command.xauthority;
    }
    args << QStringLiteral("-rfbauth") << command.passwordFile; // VNC authentication with the one-time password
    if (command.transport == X11VncTransport::UnixSocket) {
        args << QStringLiteral("-unixsock") << command.unixSocket    // the only way in
             << QStringLiteral("-rfbport") << QStringLiteral("0")    // no TCP listener on IPv4 ...
             << QStringLiteral("-rfbportv6") << QStringLiteral("0"); // ... nor on IPv6 (else [::]:5900)
    }
    args << QStringLiteral("-once"); // one client, then exit
    if (command.idleTimeoutSeconds) {
        args << QStringLiteral("-timeout") << QString::number(*command.idleTimeoutSeconds);
    }
    args << QStringLiteral("-norc")       // no ~/.x11vncrc can add options
         << QStringLiteral("-noremote")   // no remote-control commands
         << QStringLiteral("-nolookup")   // no DNS
         << QStringLiteral("-noxdamage"); // XDAMAGE misses updates on some servers
    return args;
}

} // namespace sra::core
