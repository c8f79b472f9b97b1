#include "core/config/SradConfig.h"

#include "core/base/BuildConfig.h"
#include "core/config/IniEditor.h"
#include "core/config/IniLexer.h"
#include "core/config/SradConfigSchema.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStringDecoder>

namespace sra::core {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("sra::core::SradConfig", text);
}

// srad.conf is a handful of lines; anything bigger is not a configuration file.
constexpr qint64 kMaxConfigSize = 64 * 1024;

const SradKey* findKey(const QString& section, const QString& key)
{
    for (const SradKey& k : sradConfigSchema()) {
        if (section == QLatin1String(k.section) && key == QLatin1String(k.key)) {
            return &k;
        }
    }
    return nullptr;
}

bool knownSection(const QString& section)
{
    for (const SradKey& k : sradConfigSchema()) {
        if (section == QLatin1String(k.section)) {
            return true;
        }
    }
    return false;
}

// "network, identity, ... or login": the sections of the schema, for the unknown-section sentence.
QString sectionList()
{
    QStringList sections;
    for (const SradKey& k : sradConfigSchema()) {
        if (!sections.contains(QLatin1String(k.section))) {
            sections.append(QLatin1String(k.section));
        }
    }
    const QString last = sections.takeLast();
    return sections.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last;
}

struct Entry
{
    QString value;
    int line = 0;
};

// Strict INI reader: known sections and keys only, each key at most once. Fills `entries` keyed
// "section/key".
bool parseIni(const QString& fileName, const QString& text, QHash<QString, Entry>& entries, QString& error)
{
    const QStringList lines = text.split(QLatin1Char('\n'));
    QString section;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNo = static_cast<int>(i + 1);
        const IniLine line = lexIniLine(lines.at(i));
        switch (line.kind) {
        case IniLineKind::Blank:
        case IniLineKind::Comment:
            continue;
        case IniLineKind::Malformed:
            if (line.problem == IniLineProblem::UnclosedSection) {
                error =
                    tr("%1 line %2: a section header must look like [name]; fix the line.").arg(fileName).arg(lineNo);
            } else {
                error = tr("%1 line %2: expected \"key = value\"; fix or remove the line.").arg(fileName).arg(lineNo);
            }
            return false;
        case IniLineKind::Section:
            section = line.name;
            if (!knownSection(section)) {
                error = tr("%1 line %2: unknown section [%3]; use %4.")
                            .arg(fileName)
                            .arg(lineNo)
                            .arg(section, sectionList());
                return false;
            }
            continue;
        case IniLineKind::Setting:
            break;
        }
        const QString& key = line.name;
        if (section.isEmpty()) {
            error = tr("%1 line %2: key \"%3\" comes before any [section]; move it into its section.")
                        .arg(fileName)
                        .arg(lineNo)
                        .arg(key);
            return false;
        }
        if (!findKey(section, key)) {
            error = tr("%1 line %2: unknown key \"%3\" in [%4]; check its spelling against docs/CONFIGURATION.md.")
                        .arg(fileName)
                        .arg(lineNo)
                        .arg(key, section);
            return false;
        }
        const QString id = section + QLatin1Char('/') + key;
        if (entries.contains(id)) {
            error = tr("%1 line %2: [%3] %4 is set twice (first on line %5); keep one.")
                        .arg(fileName)
                        .arg(lineNo)
                        .arg(section, key)
                        .arg(entries.value(id).line);
            return false;
        }
        entries.insert(id, Entry{line.value, lineNo});
    }
    return true;
}

QString joinRoot(const QString& root, const char* absolute)
{
    return QDir::cleanPath(root + QLatin1Char('/') + QLatin1String(absolute));
}

// Reads srad.conf as text: bounded, UTF-8, no NUL.
bool readConfigText(QFile& f, QString& text, QString& error)
{
    const QString fileName = f.fileName();
    if (!f.open(QIODevice::ReadOnly)) {
        error = tr("Cannot read %1 (%2); check that it exists and that this user may read it.")
                    .arg(fileName, f.errorString());
        return false;
    }
    const QByteArray raw = f.read(kMaxConfigSize + 1);
    if (raw.size() > kMaxConfigSize) {
        error = tr("%1 is larger than %2 bytes, which no srad.conf is; point to the right file.")
                    .arg(fileName)
                    .arg(kMaxConfigSize);
        return false;
    }
    QStringDecoder decoder(QStringDecoder::Utf8);
    text = decoder(raw);
    if (decoder.hasError() || text.contains(QChar(0))) {
        error = tr("%1 is not UTF-8 text; save it as UTF-8.").arg(fileName);
        return false;
    }
    return true;
}

// Every key of `c` as sra-setup writes it, in the schema's order; paths inside `baseDir` relative.
QStringList valueTexts(const SradConfig& c, const QString& baseDir)
{
    QStringList values;
    for (const SradKey& key : sradConfigSchema()) {
        values.append(sradConfigValueText(key, c, baseDir));
    }
    return values;
}

} // namespace

QString SradPaths::configDir() const
{
    return joinRoot(root, SRA_CONFIG_DIR);
}

QString SradPaths::configFile() const
{
    return configDir() + QStringLiteral("/srad.conf");
}

QString SradPaths::stateDir() const
{
    return joinRoot(root, SRA_STATE_DIR);
}

QString SradPaths::runtimeDir() const
{
    return joinRoot(root, SRA_RUNTIME_DIR);
}

QString SradPaths::screenAgentSocket() const
{
    return joinRoot(root, SRA_AGENT_SOCKET_PATH);
}

QString SradPaths::activeSeatFile() const
{
    return joinRoot(root, "/run/systemd/seats/seat0");
}

QString SradPaths::pairingsFile() const
{
    return configDir() + QStringLiteral("/pairings.json");
}

QString SradPaths::identityCertificate() const
{
    return configDir() + QStringLiteral("/identity.crt");
}

QString SradPaths::identityKey() const
{
    return configDir() + QStringLiteral("/identity.key");
}

QString SradPaths::certificateStoreDir() const
{
    return joinRoot(root, "/etc/ssl/certs");
}

QString SradPaths::privateKeyStoreDir() const
{
    return joinRoot(root, "/etc/ssl/private");
}

bool SradConfig::isValidDisplay(const QString& display)
{
    static const QRegularExpression pattern(QStringLiteral("^:[0-9]{1,4}(\\.[0-9]{1,3})?$"));
    return pattern.match(display).hasMatch();
}

bool SradConfig::load(const SradPaths& paths, const QString& file, SradConfig& out, QString& error)
{
    const QString fileName = file.isEmpty() ? paths.configFile() : file;
    const QString baseDir = QFileInfo(fileName).absolutePath();

    SradConfig config = sradConfigDefaults(paths, baseDir);

    QFile f(fileName);
    if (!f.exists()) {
        out = config;
        return true;
    }
    QString text;
    if (!readConfigText(f, text, error)) {
        return false;
    }

    QHash<QString, Entry> entries;
    if (!parseIni(fileName, text, entries, error)) {
        return false;
    }
    // In the schema's order, so that of several bad values the same one is reported every time.
    for (const SradKey& key : sradConfigSchema()) {
        const auto it = entries.constFind(QLatin1String(key.section) + QLatin1Char('/') + QLatin1String(key.key));
        if (it == entries.constEnd()) {
            continue;
        }
        QString problem;
        if (!readSradConfigValue(key, it->value, baseDir, config, problem)) {
            error = tr("%1 line %2: [%3] %4 = \"%5\" %6; correct the value or remove the line for the default.")
                        .arg(fileName)
                        .arg(it->line)
                        .arg(QLatin1String(key.section), QLatin1String(key.key), it->value, problem);
            return false;
        }
    }
    out = config;
    return true;
}

bool SradConfig::save(const QString& file, QString& error) const
{
    const QString fileName = file.isEmpty() ? paths.configFile() : file;
    const QString baseDir = QFileInfo(fileName).absolutePath();
    const std::span<const SradKey> schema = sradConfigSchema();
    const QStringList values = valueTexts(*this, baseDir);
    const QStringList defaults = valueTexts(sradConfigDefaults(paths, baseDir), baseDir);

    for (qsizetype i = 0; i < values.size(); ++i) {
        // A value that would not read back the same (a comment marker, a line break, or surrounding blanks) is
        // refused rather than written differently.
        if (!iniValueReadsBack(values.at(i))) {
            error = tr("[%1] %2 = \"%3\" cannot be written to srad.conf (a ';' or '#' after a space, a line break "
                       "or surrounding blanks); choose a path without them.")
                        .arg(QLatin1String(schema[i].section), QLatin1String(schema[i].key), values.at(i));
            return false;
        }
    }

    QString text;
    QFile existing(fileName);
    if (existing.exists()) {
        // A file that is there (the package's commented default, or one an administrator edited) keeps its
        // comments and layout: only the lines of changed keys are touched.
        if (!readConfigText(existing, text, error)) {
            return false;
        }
        QList<IniSetting> settings;
        for (qsizetype i = 0; i < values.size(); ++i) {
            settings.append({QLatin1String(schema[i].section),
                             QLatin1String(schema[i].key),
                             values.at(i),
                             values.at(i) == defaults.at(i)});
        }
        text = applyIniSettings(text, settings);
    } else {
        // A new file states every key, so that what srad will do can be read off it.
        text = QStringLiteral("; srad.conf of Secure Remote Access, written by sra-setup. Keys: srad.conf(5)\n");
        QString section;
        for (qsizetype i = 0; i < values.size(); ++i) {
            if (section != QLatin1String(schema[i].section)) {
                section = QLatin1String(schema[i].section);
                text += QStringLiteral("\n[%1]\n").arg(section);
            }
            text += formatIniSetting(QLatin1String(schema[i].key), values.at(i)) + QLatin1Char('\n');
        }
    }

    QSaveFile out(fileName);
    if (!out.open(QIODevice::WriteOnly)) {
        error = tr("Cannot write %1 (%2); check that its directory exists and is writable.")
                    .arg(fileName, out.errorString());
        return false;
    }
    out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                       | QFileDevice::ReadOther);
    const QByteArray bytes = text.toUtf8();
    if (out.write(bytes) != bytes.size() || !out.commit()) {
        error = tr("Cannot write %1 (%2); check free space and permissions.").arg(fileName, out.errorString());
        return false;
    }
    return true;
}

} // namespace sra::core
