// srad.conf reader (SradConfig::load) and the in-place editor sra-setup saves through (applyIniSettings): any
// input is either refused with a sentence, or it loads, and changing keys and saving over it gives a file that
// loads again with the changed values and whose second save is a fixed point. Every line of the input also goes
// through the lexer both use (lexIniLine), whose positions must lie inside the line and whose settings must
// read back as written.

#include "core/config/IniLexer.h"
#include "core/config/SradConfig.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>

using sra::core::IniLine;
using sra::core::IniLineKind;
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

void checkLexer(const QString& text)
{
    for (const QString& raw : text.split(QLatin1Char('\n'))) {
        const IniLine line = sra::core::lexIniLine(raw);
        check(line.indent >= 0 && line.indent <= raw.size());
        check(line.value == line.value.trimmed());
        if (line.kind != IniLineKind::Setting) {
            check(line.value.isEmpty() && line.commentStart == -1);
            check(line.kind != IniLineKind::Section || raw.trimmed().endsWith(QLatin1Char(']')));
            continue;
        }
        check(!line.name.isEmpty() && raw.contains(line.name));
        check(line.commentStart == -1
              || (line.commentStart > raw.indexOf(QLatin1Char('=')) && line.commentStart < raw.size()));
        // What the editor writes for this key and value is read as the same key and value.
        if (sra::core::iniValueReadsBack(line.value)) {
            const IniLine again = sra::core::lexIniLine(sra::core::formatIniSetting(line.name, line.value));
            check(again.kind == IniLineKind::Setting && again.name == line.name && again.value == line.value);
        }
    }
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
    checkLexer(QString::fromUtf8(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size)));
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
