// srad.conf reader (SradConfig::load) and the in-place editor sra-setup saves through (applyIniSettings): any
// input is either refused with a sentence, or it loads, and changing keys and saving over it gives a file that
// loads again with the changed values and whose second save is a fixed point.

#include "core/config/SradConfig.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>

using sra::core::SradConfig;
using sra::core::SradPaths;

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
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static QTemporaryDir root;
    check(root.isValid());
    SradPaths paths;
    paths.root = root.path();
    QDir().mkpath(paths.configDir());
    const QString file = paths.configFile();
    {
        QFile f(file);
        check(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        check(f.write(reinterpret_cast<const char*>(data), static_cast<qint64>(size)) == static_cast<qint64>(size));
    }
    SradConfig config;
    QString error;
    if (!SradConfig::load(paths, QString(), config, error)) {
        check(!error.isEmpty());
        return 0;
    }
    // What sra-setup -a and a port change would do.
    config.enabled = !config.enabled;
    config.port = config.port == 4116 ? 4117 : 4116;
    config.maxFailures = config.maxFailures == 7 ? 8 : 7;
    if (!config.save(QString(), error)) {
        check(!error.isEmpty()); // a value that would not read back the same is refused, not mangled
        return 0;
    }
    SradConfig back;
    check(SradConfig::load(paths, QString(), back, error));
    check(back.enabled == config.enabled && back.port == config.port && back.maxFailures == config.maxFailures);
    check(back.certificateFile == config.certificateFile && back.screenDisplay == config.screenDisplay);
    const QByteArray once = readAll(file);
    check(back.save(QString(), error));
    check(readAll(file) == once);
    return 0;
}
