#include "core/session/KnownHosts.h"

#include "core/remote/TlsIdentity.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QSaveFile>
#include <QStandardPaths>

namespace sra::core {

namespace {
QString normalise(const QString& host)
{
    return host.trimmed().toLower();
}
} // namespace

QString KnownHosts::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
           + QStringLiteral("/secure-remote-access/known_hosts");
}

KnownHosts::KnownHosts(QString file)
    : m_file(std::move(file))
{
}

bool KnownHosts::load(QString* error, int* skipped)
{
    m_entries.clear();
    int bad = 0;
    if (skipped) {
        *skipped = 0;
    }
    QFile f(m_file);
    if (!f.exists()) {
        return true;
    }
    if (!f.open(QIODevice::ReadOnly) || f.size() > 1024 * 1024) {
        if (error) {
            *error = QStringLiteral("cannot read %1").arg(m_file);
        }
        return false;
    }
    while (!f.atEnd()) {
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#'))) {
            continue;
        }
        const QStringList parts = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        QString host;
        quint16 port = 0;
        const QByteArray fp = parts.size() == 2 ? parseFingerprint(parts.at(1)) : QByteArray();
        if (parts.size() != 2 || !parseHostPort(parts.at(0), host, port) || fp.size() != 32) {
            ++bad;
            continue;
        }
        set(host, port, fp);
    }
    if (skipped) {
        *skipped = bad;
    }
    return true;
}

bool KnownHosts::save(QString* error) const
{
    QDir().mkpath(QFileInfo(m_file).absolutePath());
    QSaveFile f(m_file);
    if (!f.open(QIODevice::WriteOnly)) {
        if (error) {
            *error = QStringLiteral("cannot write %1: %2").arg(m_file, f.errorString());
        }
        return false;
    }
    f.write("# Secure Remote Access: accepted srad identities (host:port SHA-256 fingerprint)\n");
    for (const auto& e : m_entries) {
        const QString host = e.host.contains(QLatin1Char(':')) ? QLatin1Char('[') + e.host + QLatin1Char(']') : e.host;
        f.write(QStringLiteral("%1:%2 %3\n").arg(host).arg(e.port).arg(formatFingerprint(e.sha256)).toUtf8());
    }
    if (!f.commit()) {
        if (error) {
            *error = QStringLiteral("cannot write %1: %2").arg(m_file, f.errorString());
        }
        return false;
    }
    return true;
}

std::optional<QByteArray> KnownHosts::find(const QString& host, quint16 port) const
{
    const QString h = normalise(host);
    for (const auto& e : m_entries) {
        if (e.host == h && e.port == port) {
            return e.sha256;
        }
    }
    return std::nullopt;
}

void KnownHosts::set(const QString& host, quint16 port, const QByteArray& sha256)
{
    const QString h = normalise(host);
    for (auto& e : m_entries) {
        if (e.host == h && e.port == port) {
            e.sha256 = sha256;
            return;
        }
    }
    m_entries.append({h, port, sha256});
}

bool KnownHosts::remove(const QString& host, quint16 port)
{
    const QString h = normalise(host);
    return m_entries.removeIf([&](const Entry& e) { return e.host == h && e.port == port; }) > 0;
}

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

} // namespace sra::core
