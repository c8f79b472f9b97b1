// host[:port] parser (parseHostPort): an accepted input yields a lower-case host of at most 253 characters and
// the port the text spells (1..65535, or the default when it spells none); the result formatted back as
// host:port or [host]:port parses to the same values. A refused input leaves the outputs alone.

#include "core/session/KnownHosts.h"
#include "core/tls/HostPort.h"

#include <cstddef>
#include <cstdint>

namespace {

void check(bool condition)
{
    if (!condition) {
        __builtin_trap();
    }
}

constexpr quint16 kDefaultPort = 4116;
constexpr quint16 kUntouched = 7;

// The port spelled after `colon` in `t`: digits only, 1..65535, else -1. Leading zeros are allowed by design.
long spelledPort(const QString& t, qsizetype colon)
{
    const QString digits = t.mid(colon + 1);
    if (digits.isEmpty()) {
        return -1;
    }
    long value = 0;
    for (const QChar c : digits) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9')) {
            return -1;
        }
        value = value * 10 + (c.unicode() - u'0');
        if (value > 65535) {
            return -1;
        }
    }
    return value == 0 ? -1 : value;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));
    QString host = QStringLiteral("untouched");
    quint16 port = kUntouched;
    if (!sra::core::parseHostPort(text, host, port, kDefaultPort)) {
        check(host == QLatin1String("untouched") && port == kUntouched);
        return 0;
    }
    check(port != 0);
    check(!host.isEmpty() && host.size() <= 253 && host == host.toLower());
    for (const QChar c : host) {
        check(!c.isSpace() && c.category() != QChar::Other_Control && c != QLatin1Char('[') && c != QLatin1Char(']'));
    }

    // The port is the one the text spells, or the default.
    const QString t = text.trimmed();
    if (t.startsWith(QLatin1Char('['))) {
        const qsizetype close = t.indexOf(QLatin1Char(']'));
        check(close > 0);
        check(close + 1 == t.size() ? port == kDefaultPort
                                    : (t.at(close + 1) == QLatin1Char(':') && spelledPort(t, close + 1) == port));
        check(host.contains(QLatin1Char(':'))); // only IPv6 goes in brackets
    } else if (t.count(QLatin1Char(':')) == 1) {
        check(spelledPort(t, t.indexOf(QLatin1Char(':'))) == port);
        check(!host.contains(QLatin1Char(':')));
    } else {
        check(port == kDefaultPort);
    }

    // Formatted back, with the port and without, it parses to the same values.
    const QString bracketed = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    QString host2;
    quint16 port2 = 0;
    check(sra::core::parseHostPort(bracketed + QLatin1Char(':') + QString::number(port), host2, port2, kDefaultPort));
    check(host2 == host && port2 == port);
    check(sra::core::parseHostPort(bracketed, host2, port2, 1));
    check(host2 == host && port2 == 1);
    return 0;
}
