#include "core/session/KnownHosts.h"

#include "core/tls/Fingerprint.h"
#include "core/tls/HostPort.h"

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
{}

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

} // namespace sra::core
