#pragma once

#include <QString>

namespace sra::core {

// srad's registered-by-convention port; admins type host alone and get this.
inline constexpr quint16 kDefaultSradPort = 4116;

// "host", "host:port", "[v6]", "[v6]:port", bare IPv6 → host (lower-cased) and port (default 4116). False on
// nonsense, on port 0 and on ports with anything but decimal digits.
bool parseHostPort(const QString& text, QString& host, quint16& port, quint16 defaultPort = kDefaultSradPort);

// The other way round, what parseHostPort reads back: "host" when `port` is `defaultPort`, else "host:port";
// IPv6 addresses in brackets. defaultPort 0: the port is always written.
QString formatHostPort(const QString& host, quint16 port, quint16 defaultPort = kDefaultSradPort);

} // namespace sra::core
