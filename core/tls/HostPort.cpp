#include "core/tls/HostPort.h"

#include <QHostAddress>

namespace sra::core {

bool parseHostPort(const QString& text, QString& host, quint16& port, quint16 defaultPort)
{
    const QString t = text.trimmed();
    QString h;
    QString p;
    bool hasPort = false; // a port separator was given: then the port must be there
    if (t.startsWith(QLatin1Char('['))) {
        const qsizetype close = t.indexOf(QLatin1Char(']'));
        if (close < 0) {
            return false;
        }
        h = t.mid(1, close - 1);
        const QString rest = t.mid(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(QLatin1Char(':'))) {
                return false;
            }
            p = rest.mid(1);
            hasPort = true;
        }
        if (QHostAddress(h).protocol() != QAbstractSocket::IPv6Protocol) {
            return false;
        }
    } else if (t.count(QLatin1Char(':')) > 1) {
        h = t; // bare IPv6 address: no port possible
        if (QHostAddress(h).protocol() != QAbstractSocket::IPv6Protocol) {
            return false;
        }
    } else {
        const qsizetype colon = t.indexOf(QLatin1Char(':'));
        h = colon < 0 ? t : t.left(colon);
        if (colon >= 0) {
            p = t.mid(colon + 1);
            hasPort = true;
        }
    }
    // Checked as it will be stored: lower-casing can change the characters (U+0130 gains a combining mark).
    h = h.toLower();
    if (h.isEmpty() || h.size() > 253) {
        return false;
    }
    for (const QChar c : h) {
        if (!(c.isLetterOrNumber() || c == QLatin1Char('.') || c == QLatin1Char('-') || c == QLatin1Char(':')
              || c == QLatin1Char('_') || c == QLatin1Char('%'))) {
            return false;
        }
    }
    quint16 value = defaultPort;
    if (hasPort) {
        // Decimal digits only: toUInt() alone would also take "+80" and " 80".
        bool ok = !p.isEmpty() && p.size() <= 5;
        for (const QChar c : p) {
            ok = ok && c >= QLatin1Char('0') && c <= QLatin1Char('9');
        }
        const uint v = ok ? p.toUInt(&ok) : 0;
        if (!ok || v == 0 || v > 65535) {
            return false;
        }
        value = static_cast<quint16>(v);
    }
    port = value;
    host = h;
    return true;
}

QString formatHostPort(const QString& host, quint16 port, quint16 defaultPort)
{
    const QString h = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return port == defaultPort ? h : h + QLatin1Char(':') + QString::number(port);
}

} // namespace sra::core
