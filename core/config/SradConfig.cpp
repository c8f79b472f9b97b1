#include "core/config/SradConfig.h"

#include "core/config/IniEditor.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStringDecoder>

#include <array>

namespace sra::core {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("sra::core::SradConfig", text);
}

// srad.conf is a handful of lines; anything bigger is not a configuration file.
constexpr qint64 kMaxConfigSize = 64 * 1024;

struct KnownKey
{
    const char* section;
    const char* key;
};

constexpr std::array<KnownKey, 26> kKnownKeys{
    {
     {"network", "port"},
     {"network", "listen"},
     {"identity", "certificate"},
     {"identity", "key"},
     {"license", "directory"},
     {"auth", "pairings"},
     {"auth", "ca_bundle"},
     {"auth", "handshake_timeout_ms"},
     {"auth", "max_unauthenticated"},
     {"auth", "max_failures"},
     {"auth", "failure_window_s"},
     {"auth", "keepalive_interval_s"},
     {"service", "enabled"},
     {"screen", "backend"},
     {"screen", "display"},
     {"screen", "x11vnc"},
     {"screen", "xauthority"},
     {"screen", "ticket_ttl_ms"},
     {"screen", "max_streams"},
     {"screen", "agent_users"},
     {"relay", "socket"},
     {"relay", "allowed_slots"},
     {"relay", "request_timeout_ms"},
     {"login", "removal_policy"},
     {"login", "lock_command"},
     {"login", "logout_command"},
     }
};

bool knownSection(const QString& section)
{
    for (const KnownKey& k : kKnownKeys) {
        if (section == QLatin1String(k.section)) {
            return true;
        }
    }
    return false;
}

bool knownKey(const QString& section, const QString& key)
{
    for (const KnownKey& k : kKnownKeys) {
        if (section == QLatin1String(k.section) && key == QLatin1String(k.key)) {
            return true;
        }
    }
    return false;
}

struct Entry
{
    QString value;
    int line = 0;
};

// The value part of a "key = value" line: a ';' or '#' after white space starts a comment.
QString stripComment(const QString& value)
{
    for (qsizetype i = 1; i < value.size(); ++i) {
        if ((value.at(i) == QLatin1Char(';') || value.at(i) == QLatin1Char('#')) && value.at(i - 1).isSpace()) {
            return value.left(i).trimmed();
        }
    }
    return value.trimmed();
}

// Strict INI reader: known sections and keys only, each key at most once. Fills `entries` keyed
// "section/key".
bool parseIni(const QString& fileName, const QString& text, QHash<QString, Entry>& entries, QString& error)
{
    const QStringList lines = text.split(QLatin1Char('\n'));
    QString section;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNo = static_cast<int>(i + 1);
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char(';')) || line.startsWith(QLatin1Char('#'))) {
            continue;
        }
        if (line.startsWith(QLatin1Char('['))) {
            if (!line.endsWith(QLatin1Char(']'))) {
                error =
                    tr("%1 line %2: a section header must look like [name]; fix the line.").arg(fileName).arg(lineNo);
                return false;
            }
            section = line.mid(1, line.size() - 2).trimmed();
            if (!knownSection(section)) {
                error = tr("%1 line %2: unknown section [%3]; use network, identity, license, auth, service, screen, "
                           "relay or login.")
                            .arg(fileName)
                            .arg(lineNo)
                            .arg(section);
                return false;
            }
            continue;
        }
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            error = tr("%1 line %2: expected \"key = value\"; fix or remove the line.").arg(fileName).arg(lineNo);
            return false;
        }
        const QString key = line.left(eq).trimmed();
        if (section.isEmpty()) {
            error = tr("%1 line %2: key \"%3\" comes before any [section]; move it into its section.")
                        .arg(fileName)
                        .arg(lineNo)
                        .arg(key);
            return false;
        }
        if (!knownKey(section, key)) {
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
        entries.insert(id, Entry{stripComment(line.mid(eq + 1)), lineNo});
    }
    return true;
}

// Reads the typed values out of the parsed entries, each with a sentence naming its key on error.
class ValueReader
{
public:
    ValueReader(const QString& fileName, const QHash<QString, Entry>& entries, const QString& baseDir)
        : m_fileName(fileName)
        , m_entries(entries)
        , m_baseDir(baseDir)
    {}

    QString error() const
    {
        return m_error;
    }

    bool ok() const
    {
        return m_error.isEmpty();
    }

    void integer(const char* section, const char* key, qint64 min, qint64 max, int& out)
    {
        const Entry* e = find(section, key);
        if (!e) {
            return;
        }
        bool ok = false;
        const qint64 v = e->value.toLongLong(&ok, 10);
        if (!ok || v < min || v > max) {
            fail(e, section, key, tr("is not a whole number from %1 to %2").arg(min).arg(max));
            return;
        }
        out = static_cast<int>(v);
    }

    void port(const char* section, const char* key, quint16& out)
    {
        int v = out;
        integer(section, key, 1, 65535, v);
        out = static_cast<quint16>(v);
    }

    void boolean(const char* section, const char* key, bool& out)
    {
        const Entry* e = find(section, key);
        if (!e) {
            return;
        }
        const QString v = e->value.toLower();
        if (v == QLatin1String("true") || v == QLatin1String("yes") || v == QLatin1String("on")
            || v == QLatin1String("1")) {
            out = true;
        } else if (v == QLatin1String("false") || v == QLatin1String("no") || v == QLatin1String("off")
                   || v == QLatin1String("0")) {
            out = false;
        } else {
            fail(e, section, key, tr("is not true or false"));
        }
    }

    void addresses(const char* section, const char* key, QList<QHostAddress>& out)
    {
        const Entry* e = find(section, key);
        if (!e) {
            return;
        }
        QList<QHostAddress> result;
        for (const QString& part : e->value.split(QLatin1Char(','))) {
            QHostAddress address;
            if (!address.setAddress(part.trimmed())) {
                fail(e, section, key, tr("holds \"%1\", which is not an IPv4 or IPv6 address").arg(part.trimmed()));
                return;
            }
            if (result.contains(address)) {
                fail(e, section, key, tr("lists %1 twice").arg(address.toString()));
                return;
            }
            result.append(address);
        }
        out = result;
    }

    // A path; relative ones are resolved against the file's directory. `optional`: empty is allowed.
    void path(const char* section, const char* key, bool optional, QString& out)
    {
        const Entry* e = find(section, key);
        if (!e) {
            return;
        }
        if (e->value.isEmpty()) {
            if (optional) {
                out.clear();
            } else {
                fail(e, section, key, tr("is empty; it needs a file or directory name"));
            }
            return;
        }
        out = QDir::cleanPath(QDir(m_baseDir).absoluteFilePath(e->value));
    }

    void choice(const char* section, const char* key, const QStringList& allowed, QString& out)
    {
        const Entry* e = find(section, key);
        if (!e) {
            return;
        }
        if (!allowed.contains(e->value)) {
            fail(e, section, key, tr("must be one of: %1").arg(allowed.join(QStringLiteral(", "))));
            return;
        }
        out = e->value;
    }

    // "9a, 9c": PIV key references that the relay may use for private-key operations.
    void slots(const char* section, const char* key, QList<quint8>& out)
    {
        const Entry* e = find(section, key);
        if (!e) {
            return;
        }
        QList<quint8> parsed;
        for (const QString& item : e->value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            bool ok = false;
            const uint value = item.trimmed().toUInt(&ok, 16);
            if (!ok || (value != 0x9A && value != 0x9C && value != 0x9D && value != 0x9E)) {
                fail(e, section, key, tr("must list PIV key slots from 9a, 9c, 9d, 9e, separated by commas"));
                return;
            }
            if (!parsed.contains(static_cast<quint8>(value))) {
                parsed.append(static_cast<quint8>(value));
            }
        }
        out = parsed;
    }

    // A program and its arguments, split as a shell would split words (no shell runs it).
    void command(const char* section, const char* key, QString& out)
    {
        const Entry* e = find(section, key);
        if (!e) {
            return;
        }
        if (QProcess::splitCommand(e->value).isEmpty()) {
            fail(e, section, key, tr("is empty; it needs a program and its arguments"));
            return;
        }
        out = e->value;
    }

    // "alice, 1000": accounts by name (the POSIX portable set) or by uid; resolved when used, so an account
    // created later counts.
    void users(const char* section, const char* key, QStringList& out)
    {
        const Entry* e = find(section, key);
        if (!e) {
            return;
        }
        static const QRegularExpression name(QStringLiteral("^([A-Za-z_][A-Za-z0-9_.-]{0,31}|[0-9]{1,10})$"));
        QStringList parsed;
        for (const QString& item : e->value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString user = item.trimmed();
            if (!name.match(user).hasMatch()) {
                fail(e, section, key, tr("must list user names or numeric uids, separated by commas"));
                return;
            }
            if (!parsed.contains(user)) {
                parsed.append(user);
            }
        }
        out = parsed;
    }

    void display(const char* section, const char* key, QString& out)
    {
        const Entry* e = find(section, key);
        if (!e) {
            return;
        }
        if (!SradConfig::isValidDisplay(e->value)) {
            fail(e, section, key, tr("is not an X display such as :0 or :1.0"));
            return;
        }
        out = e->value;
    }

private:
    const Entry* find(const char* section, const char* key) const
    {
        if (!ok()) {
            return nullptr; // report the first error only
        }
        auto it = m_entries.constFind(QLatin1String(section) + QLatin1Char('/') + QLatin1String(key));
        return it == m_entries.constEnd() ? nullptr : &it.value();
    }

    void fail(const Entry* e, const char* section, const char* key, const QString& problem)
    {
        m_error = tr("%1 line %2: [%3] %4 = \"%5\" %6; correct the value or remove the line for the default.")
                      .arg(m_fileName)
                      .arg(e->line)
                      .arg(QLatin1String(section), QLatin1String(key), e->value, problem);
    }

    QString m_fileName;
    const QHash<QString, Entry>& m_entries;
    QString m_baseDir;
    QString m_error;
};

QString joinRoot(const QString& root, const char* relative)
{
    return QDir::cleanPath(root + QLatin1Char('/') + QLatin1String(relative));
}

// How a path is written back: relative when it lies inside the file's directory, absolute otherwise.
QString pathForFile(const QString& baseDir, const QString& path)
{
    if (path.isEmpty()) {
        return path;
    }
    const QString relative = QDir(baseDir).relativeFilePath(path);
    if (relative == QLatin1String("..") || relative.startsWith(QLatin1String("../"))
        || QDir::isAbsolutePath(relative)) {
        return QDir::cleanPath(path);
    }
    return relative;
}

// The built-in defaults; paths are resolved against `baseDir`, the directory of the file being read.
SradConfig defaultConfig(const SradPaths& paths, const QString& baseDir)
{
    SradConfig config;
    config.paths = paths;
    config.certificateFile = baseDir + QStringLiteral("/identity.crt");
    config.keyFile = baseDir + QStringLiteral("/identity.key");
    config.licenseDir = baseDir;
    config.pairingsFile = baseDir + QStringLiteral("/pairings.json");
    config.relaySocket = paths.runtimeDir() + QStringLiteral("/local.sock");
    return config;
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

// One key of srad.conf as sra-setup writes it, in file order.
struct ConfigLine
{
    const char* section;
    const char* key;
    QString value;
};

// Every key of `c` as text; paths inside `baseDir` relative, others absolute.
QList<ConfigLine> configLines(const SradConfig& c, const QString& baseDir)
{
    QStringList listenText;
    for (const QHostAddress& address : c.listen) {
        listenText.append(address.toString());
    }
    QStringList slotList;
    for (const quint8 slot : c.relayAllowedSlots) {
        slotList.append(QString::number(slot, 16));
    }
    const QString slotsText = slotList.join(QStringLiteral(", "));
    return {
        {"network",            "port",                                  QString::number(c.port)                 },
        {"network",            "listen",                                listenText.join(QStringLiteral(", "))   },
        {"identity",           "certificate",                           pathForFile(baseDir,                      c.certificateFile)},
        {"identity",                    "key",                                                  pathForFile(baseDir,                                                                  c.keyFile)},
        {"license",          "directory",                                                 pathForFile(baseDir,                c.licenseDir)},
        {"auth", "pairings",pathForFile(baseDir,    c.pairingsFile)},
        {"auth",          "ca_bundle",                                                    pathForFile(baseDir,                                                                          c.caBundleFile)},
        {"auth",               "handshake_timeout_ms",                                  QString::number(c.handshakeTimeoutMs)   },
        {"auth",                    "max_unauthenticated",                                                      QString::number(c.maxUnauthenticated)                                                         },
        {"auth",                    "max_failures",                                                      QString::number(c.maxFailures)                                                  },
        {"auth",                    "failure_window_s",                                                      QString::number(c.failureWindowSeconds)   },
        {"auth",                    "keepalive_interval_s",                                                      QString::number(c.keepaliveIntervalSeconds)      },
        {"service",                    "enabled",                                                      c.enabled ? QStringLiteral("true") : QStringLiteral("false")                                                 },
        {"screen",                    "backend",                                                   c.screenBackend                                                        },
        {"screen",                    "display",                                                    c.screenDisplay              },
        {"screen",                    "x11vnc",                                                    pathForFile(baseDir,        c.screenX11vnc)},
        {"screen",                    "xauthority",                                                    pathForFile(baseDir,                                                   c.screenXauthority)},
        {"screen",     "ticket_ttl_ms",                                            QString::number(c.screenTicketTtlMs)                                                                     },
        {"screen", "max_streams",QString::number(c.screenMaxStreams)},
        {"screen", "agent_users",c.screenAgentUsers.join(QStringLiteral(", "))},
        {"relay",       "socket",                                          pathForFile(baseDir,                                                                                                                           c.relaySocket)},
        {"relay",       "allowed_slots",                                         slotsText                                                                                                                                                     },
        {"relay",      "request_timeout_ms",QString::number(c.relayRequestTimeoutMs)},
        {"login",              "removal_policy",                                c.loginRemovalPolicy                      },
        {"login",              "lock_command",                            c.loginLockCommand                                           },
        {"login",              "logout_command",                        c.loginLogoutCommand            },
    };
}

} // namespace

QString SradPaths::configDir() const
{
    return joinRoot(root, "etc/secure-remote-access");
}

QString SradPaths::configFile() const
{
    return configDir() + QStringLiteral("/srad.conf");
}

QString SradPaths::stateDir() const
{
    return joinRoot(root, "var/lib/secure-remote-access");
}

QString SradPaths::runtimeDir() const
{
    return joinRoot(root, "run/secure-remote-access");
}

QString SradPaths::activeSeatFile() const
{
    return joinRoot(root, "run/systemd/seats/seat0");
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
    return joinRoot(root, "etc/ssl/certs");
}

QString SradPaths::privateKeyStoreDir() const
{
    return joinRoot(root, "etc/ssl/private");
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

    SradConfig config = defaultConfig(paths, baseDir);

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
    ValueReader r(fileName, entries, baseDir);
    r.port("network", "port", config.port);
    r.addresses("network", "listen", config.listen);
    r.path("identity", "certificate", false, config.certificateFile);
    r.path("identity", "key", false, config.keyFile);
    r.path("license", "directory", false, config.licenseDir);
    r.path("auth", "pairings", false, config.pairingsFile);
    r.path("auth", "ca_bundle", true, config.caBundleFile);
    r.integer("auth", "handshake_timeout_ms", 1, 3600 * 1000, config.handshakeTimeoutMs);
    r.integer("auth", "max_unauthenticated", 1, 100000, config.maxUnauthenticated);
    r.integer("auth", "max_failures", 1, 1000000, config.maxFailures);
    r.integer("auth", "failure_window_s", 1, 30 * 24 * 3600, config.failureWindowSeconds);
    r.integer("auth", "keepalive_interval_s", 1, 3600, config.keepaliveIntervalSeconds);
    r.boolean("service", "enabled", config.enabled);
    r.choice("screen", "backend", {QString(), QStringLiteral("agent"), QStringLiteral("x11vnc")}, config.screenBackend);
    r.display("screen", "display", config.screenDisplay);
    r.path("screen", "x11vnc", true, config.screenX11vnc);
    r.path("screen", "xauthority", true, config.screenXauthority);
    r.integer("screen", "ticket_ttl_ms", 1000, 300 * 1000, config.screenTicketTtlMs);
    r.integer("screen", "max_streams", 1, 64, config.screenMaxStreams);
    r.users("screen", "agent_users", config.screenAgentUsers);
    r.path("relay", "socket", false, config.relaySocket);
    r.slots("relay", "allowed_slots", config.relayAllowedSlots);
    r.integer("relay", "request_timeout_ms", 100, 600 * 1000, config.relayRequestTimeoutMs);
    r.choice("login",
             "removal_policy",
             {QStringLiteral("none"), QStringLiteral("lock"), QStringLiteral("logout")},
             config.loginRemovalPolicy);
    r.command("login", "lock_command", config.loginLockCommand);
    r.command("login", "logout_command", config.loginLogoutCommand);
    if (!r.ok()) {
        error = r.error();
        return false;
    }
    out = config;
    return true;
}

bool SradConfig::save(const QString& file, QString& error) const
{
    const QString fileName = file.isEmpty() ? paths.configFile() : file;
    const QString baseDir = QFileInfo(fileName).absolutePath();
    const QList<ConfigLine> lines = configLines(*this, baseDir);
    const QList<ConfigLine> defaults = configLines(defaultConfig(paths, baseDir), baseDir);

    for (const ConfigLine& line : lines) {
        // A value that would not read back the same (a comment marker after a space, a line break, or
        // surrounding blanks) is refused rather than written differently.
        if (stripComment(line.value) != line.value || line.value.contains(QLatin1Char('\n'))
            || line.value.contains(QLatin1Char('\r'))) {
            error = tr("[%1] %2 = \"%3\" cannot be written to srad.conf (a ';' or '#' after a space, a line break "
                       "or surrounding blanks); choose a path without them.")
                        .arg(QLatin1String(line.section), QLatin1String(line.key), line.value);
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
        for (qsizetype i = 0; i < lines.size(); ++i) {
            settings.append({QLatin1String(lines.at(i).section),
                             QLatin1String(lines.at(i).key),
                             lines.at(i).value,
                             lines.at(i).value == defaults.at(i).value});
        }
        text = applyIniSettings(text, settings);
    } else {
        // A new file states every key, so that what srad will do can be read off it.
        text = QStringLiteral("; srad.conf of Secure Remote Access, written by sra-setup. Keys: srad.conf(5)\n");
        QString section;
        for (const ConfigLine& line : lines) {
            if (section != QLatin1String(line.section)) {
                section = QLatin1String(line.section);
                text += QStringLiteral("\n[%1]\n").arg(section);
            }
            text += line.value.isEmpty() ? QStringLiteral("%1 =\n").arg(QLatin1String(line.key))
                                         : QStringLiteral("%1 = %2\n").arg(QLatin1String(line.key), line.value);
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
