// known_hosts loader (KnownHosts::load): the input is written to a file and loaded. Loading never fails for a
// readable file of at most 1 MiB, every entry it keeps is well-formed, and what it keeps saves, loads back to
// the same entries with nothing skipped, and saves again to the same bytes.

#include "core/session/KnownHosts.h"
#include "core/tls/HostPort.h"

#include <QFile>
#include <QSet>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using sra::core::KnownHosts;

namespace {

void check(bool condition)
{
    if (!condition) {
        __builtin_trap();
    }
}

QByteArray readAll(const QString& file)
{
    QFile f(file);
    check(f.open(QIODevice::ReadOnly));
    return f.readAll();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static QTemporaryDir dir; // one per process, removed at exit
    check(dir.isValid());
    const QString input = dir.filePath(QStringLiteral("input"));
    const QString saved = dir.filePath(QStringLiteral("saved"));
    {
        QFile f(input);
        check(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        check(f.write(reinterpret_cast<const char*>(data), qint64(size)) == qint64(size));
    }

    KnownHosts hosts(input);
    hosts.set(QStringLiteral("stale.example"), 1, QByteArray(32, 'x')); // load() must forget it
    QString error;
    int skipped = -1;
    const bool loaded = hosts.load(&error, &skipped);
    if (size > 1024 * 1024) {
        check(!loaded && !error.isEmpty() && hosts.entries().isEmpty());
        return 0;
    }
    check(loaded);
    check(skipped >= 0);

    QSet<QString> seen;
    for (const auto& e : hosts.entries()) {
        check(e.port != 0);
        check(e.sha256.size() == 32);
        check(!e.host.isEmpty() && e.host.size() <= 253 && e.host == e.host.toLower());
        QString host;
        quint16 port = 0;
        const QString formatted =
            (e.host.contains(QLatin1Char(':')) ? QLatin1Char('[') + e.host + QLatin1Char(']') : e.host)
            + QLatin1Char(':') + QString::number(e.port);
        check(sra::core::parseHostPort(formatted, host, port) && host == e.host && port == e.port);
        const QString id = e.host + QLatin1Char(' ') + QString::number(e.port);
        check(!seen.contains(id)); // one entry per host and port
        seen.insert(id);
        check(hosts.find(e.host, e.port) == e.sha256);
    }
    if (hosts.entries().isEmpty()) {
        check(!hosts.find(QStringLiteral("stale.example"), 1).has_value());
    }

    // Save, load back: the same entries in the same order, none skipped; saving again gives the same bytes.
    KnownHosts copy(saved);
    for (const auto& e : hosts.entries()) {
        copy.set(e.host, e.port, e.sha256);
    }
    check(copy.save(&error));
    KnownHosts again(saved);
    int skippedAgain = -1;
    check(again.load(&error, &skippedAgain));
    check(skippedAgain == 0);
    check(again.entries().size() == hosts.entries().size());
    for (qsizetype i = 0; i < hosts.entries().size(); ++i) {
        const auto& a = hosts.entries().at(i);
        const auto& b = again.entries().at(i);
        check(a.host == b.host && a.port == b.port && a.sha256 == b.sha256);
    }
    const QByteArray first = readAll(saved);
    check(again.save(&error));
    check(readAll(saved) == first);
    return 0;
}
