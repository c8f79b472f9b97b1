#include "core/config/SradConfigSchema.h"

#include "core/base/BuildConfig.h"

#include <QCoreApplication>
#include <QDir>
#include <QProcess>
#include <QRegularExpression>

#include <array>

namespace sra::core {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("sra::core::SradConfig", text);
}

constexpr std::array<const char*, 3> kScreenBackends{"", "agent", "x11vnc"};
constexpr std::array<const char*, 3> kRemovalPolicies{"none", "lock", "logout"};

using T = SradValueType;
using C = SradConfig;

// Every key srad.conf has, in the order sra-setup writes them and the shipped file lists them.
// clang-format off
const std::array<SradKey, 27> kSchema{{
    {"network", "port", T::Port, "4116", "TCP port admins connect to", &C::port, 1, 65535},
    {"network", "listen", T::Addresses, "0.0.0.0, ::", "addresses srad listens on", &C::listen},
    {"network", "resume_grace_ms", T::Integer, "30000",
     "how long a session and its card are held after the connection dropped (0: not at all)", &C::resumeGraceMs, 0,
     600 * 1000},
    {"identity", "certificate", T::Path, "identity.crt", "the TLS certificate srad presents", &C::certificateFile},
    {"identity", "key", T::Path, "identity.key", "the certificate's private key", &C::keyFile},
    {"license", "directory", T::Path, ".", "where the license file or profile is looked for", &C::licenseDir},
    {"auth", "pairings", T::Path, "pairings.json", "certificate-to-account pairings and rules", &C::pairingsFile},
    {"auth", "ca_bundle", T::OptionalPath, "", "CA bundle admin certificates must chain to (empty: none)",
     &C::caBundleFile},
    {"auth", "handshake_timeout_ms", T::Integer, "60000", "time an unauthenticated connection has to sign in",
     &C::handshakeTimeoutMs, 1, 3600 * 1000},
    {"auth", "max_unauthenticated", T::Integer, "16", "connections still authenticating at once",
     &C::maxUnauthenticated, 1, 100000},
    {"auth", "max_failures", T::Integer, "5", "failed sign-ins per source within failure_window_s",
     &C::maxFailures, 1, 1000000},
    {"auth", "failure_window_s", T::Integer, "300", "the window max_failures is counted over",
     &C::failureWindowSeconds, 1, 30 * 24 * 3600},
    {"auth", "keepalive_interval_s", T::Integer, "10", "keepalive period; silence for 3x this closes a session",
     &C::keepaliveIntervalSeconds, 1, 3600},
    {"service", "enabled", T::Boolean, "false", "whether the service is activated (sra-setup -a / -d)", &C::enabled},
    {"screen", "backend", T::Choice, "", "screen sharing: empty (off), agent or x11vnc", &C::screenBackend, 0, 0,
     kScreenBackends},
    {"screen", "display", T::Display, ":0", "the X display that is shared", &C::screenDisplay},
    {"screen", "x11vnc", T::OptionalPath, "", "the x11vnc program (empty: from PATH)", &C::screenX11vnc},
    {"screen", "xauthority", T::OptionalPath, "", "X authority file of the display (empty: x11vnc's default)",
     &C::screenXauthority},
    {"screen", "ticket_ttl_ms", T::Integer, "30000", "how long a screen grant's stream ticket is valid",
     &C::screenTicketTtlMs, 1000, 300 * 1000},
    {"screen", "max_streams", T::Integer, "4", "screen streams open at once", &C::screenMaxStreams, 1, 64},
    {"screen", "agent_users", T::Users, "", "users whose screen agent is accepted besides seat0's",
     &C::screenAgentUsers},
    {"relay", "socket", T::Path, SRA_LOCAL_SOCKET_PATH, "the local socket of the relayed card", &C::relaySocket},
    {"relay", "allowed_slots", T::Slots, "9a", "PIV key slots local programs may use", &C::relayAllowedSlots},
    {"relay", "request_timeout_ms", T::Integer, "30000", "how long srad waits for the admin's answer",
     &C::relayRequestTimeoutMs, 100, 600 * 1000},
    {"login", "removal_policy", T::Choice, "none", "what happens when the card leaves: none, lock or logout",
     &C::loginRemovalPolicy, 0, 0, kRemovalPolicies},
    {"login", "lock_command", T::Command, "loginctl lock-sessions", "the command for lock", &C::loginLockCommand},
    {"login", "logout_command", T::Command, "loginctl terminate-user %u", "the command for logout (%u: the account)",
     &C::loginLogoutCommand},
}};

// clang-format on

template <typename Value>
Value& fieldOf(const SradKey& key, SradConfig& config)
{
    return config.*std::get<Value SradConfig::*>(key.field);
}

template <typename Value>
const Value& fieldOf(const SradKey& key, const SradConfig& config)
{
    return config.*std::get<Value SradConfig::*>(key.field);
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

bool readInteger(const SradKey& key, const QString& text, qint64& out, QString& problem)
{
    bool ok = false;
    out = text.toLongLong(&ok, 10);
    if (!ok || out < key.min || out > key.max) {
        problem = tr("is not a whole number from %1 to %2").arg(key.min).arg(key.max);
        return false;
    }
    return true;
}

bool readBoolean(const QString& text, bool& out, QString& problem)
{
    const QString v = text.toLower();
    if (v == QLatin1String("true") || v == QLatin1String("yes") || v == QLatin1String("on")
        || v == QLatin1String("1")) {
        out = true;
    } else if (v == QLatin1String("false") || v == QLatin1String("no") || v == QLatin1String("off")
               || v == QLatin1String("0")) {
        out = false;
    } else {
        problem = tr("is not true or false");
        return false;
    }
    return true;
}

bool readAddresses(const QString& text, QList<QHostAddress>& out, QString& problem)
{
    QList<QHostAddress> result;
    for (const QString& part : text.split(QLatin1Char(','))) {
        QHostAddress address;
        if (!address.setAddress(part.trimmed())) {
            problem = tr("holds \"%1\", which is not an IPv4 or IPv6 address").arg(part.trimmed());
            return false;
        }
        if (result.contains(address)) {
            problem = tr("lists %1 twice").arg(address.toString());
            return false;
        }
        result.append(address);
    }
    out = result;
    return true;
}

// "9a, 9c": PIV key references that the relay may use for private-key operations.
bool readSlots(const QString& text, QList<quint8>& out, QString& problem)
{
    QList<quint8> parsed;
    for (const QString& item : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const uint value = item.trimmed().toUInt(&ok, 16);
        if (!ok || (value != 0x9A && value != 0x9C && value != 0x9D && value != 0x9E)) {
            problem = tr("must list PIV key slots from 9a, 9c, 9d, 9e, separated by commas");
            return false;
        }
        if (!parsed.contains(static_cast<quint8>(value))) {
            parsed.append(static_cast<quint8>(value));
        }
    }
    out = parsed;
    return true;
}

// "alice, 1000": accounts by name (the POSIX portable set) or by uid; resolved when used, so an account created
// later counts.
bool readUsers(const QString& text, QStringList& out, QString& problem)
{
    static const QRegularExpression name(QStringLiteral("^([A-Za-z_][A-Za-z0-9_.-]{0,31}|[0-9]{1,10})$"));
    QStringList parsed;
    for (const QString& item : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString user = item.trimmed();
        if (!name.match(user).hasMatch()) {
            problem = tr("must list user names or numeric uids, separated by commas");
            return false;
        }
        if (!parsed.contains(user)) {
            parsed.append(user);
        }
    }
    out = parsed;
    return true;
}

// A path; relative ones are resolved against the file's directory.
bool readPath(const SradKey& key, const QString& text, const QString& baseDir, QString& out, QString& problem)
{
    if (text.isEmpty()) {
        if (key.type == SradValueType::Path) {
            problem = tr("is empty; it needs a file or directory name");
            return false;
        }
        out.clear();
        return true;
    }
    out = QDir::cleanPath(QDir(baseDir).absoluteFilePath(text));
    return true;
}

bool readChoice(const SradKey& key, const QString& text, QString& out, QString& problem)
{
    QStringList allowed;
    for (const char* choice : key.choices) {
        allowed.append(QLatin1String(choice));
    }
    if (!allowed.contains(text)) {
        problem = tr("must be one of: %1").arg(allowed.join(QStringLiteral(", ")));
        return false;
    }
    out = text;
    return true;
}

} // namespace

std::span<const SradKey> sradConfigSchema()
{
    return kSchema;
}

bool readSradConfigValue(
    const SradKey& key, const QString& text, const QString& baseDir, SradConfig& config, QString& problem)
{
    switch (key.type) {
    case SradValueType::Port:
    case SradValueType::Integer: {
        qint64 value = 0;
        if (!readInteger(key, text, value, problem)) {
            return false;
        }
        if (key.type == SradValueType::Port) {
            fieldOf<quint16>(key, config) = static_cast<quint16>(value);
        } else {
            fieldOf<int>(key, config) = static_cast<int>(value);
        }
        return true;
    }
    case SradValueType::Boolean:
        return readBoolean(text, fieldOf<bool>(key, config), problem);
    case SradValueType::Addresses:
        return readAddresses(text, fieldOf<QList<QHostAddress>>(key, config), problem);
    case SradValueType::Path:
    case SradValueType::OptionalPath:
        return readPath(key, text, baseDir, fieldOf<QString>(key, config), problem);
    case SradValueType::Choice:
        return readChoice(key, text, fieldOf<QString>(key, config), problem);
    case SradValueType::Display:
        if (!SradConfig::isValidDisplay(text)) {
            problem = tr("is not an X display such as :0 or :1.0");
            return false;
        }
        fieldOf<QString>(key, config) = text;
        return true;
    case SradValueType::Slots:
        return readSlots(text, fieldOf<QList<quint8>>(key, config), problem);
    case SradValueType::Users:
        return readUsers(text, fieldOf<QStringList>(key, config), problem);
    case SradValueType::Command:
        // A program and its arguments, split as a shell would split words (no shell runs it).
        if (QProcess::splitCommand(text).isEmpty()) {
            problem = tr("is empty; it needs a program and its arguments");
            return false;
        }
        fieldOf<QString>(key, config) = text;
        return true;
    }
    return false;
}

QString sradConfigValueText(const SradKey& key, const SradConfig& config, const QString& baseDir)
{
    switch (key.type) {
    case SradValueType::Port:
        return QString::number(fieldOf<quint16>(key, config));
    case SradValueType::Integer:
        return QString::number(fieldOf<int>(key, config));
    case SradValueType::Boolean:
        return fieldOf<bool>(key, config) ? QStringLiteral("true") : QStringLiteral("false");
    case SradValueType::Addresses: {
        QStringList parts;
        for (const QHostAddress& address : fieldOf<QList<QHostAddress>>(key, config)) {
            parts.append(address.toString());
        }
        return parts.join(QStringLiteral(", "));
    }
    case SradValueType::Path:
    case SradValueType::OptionalPath:
        return pathForFile(baseDir, fieldOf<QString>(key, config));
    case SradValueType::Choice:
    case SradValueType::Display:
    case SradValueType::Command:
        return fieldOf<QString>(key, config);
    case SradValueType::Slots: {
        QStringList parts;
        for (const quint8 slot : fieldOf<QList<quint8>>(key, config)) {
            parts.append(QString::number(slot, 16));
        }
        return parts.join(QStringLiteral(", "));
    }
    case SradValueType::Users:
        return fieldOf<QStringList>(key, config).join(QStringLiteral(", "));
    }
    return {};
}

SradConfig sradConfigDefaults(const SradPaths& paths, const QString& baseDir)
{
    SradConfig config;
    config.paths = paths;
    for (const SradKey& key : kSchema) {
        const QString value = QLatin1String(key.defaultValue);
        if (key.type == SradValueType::Path && QDir::isAbsolutePath(value)) {
            fieldOf<QString>(key, config) = QDir::cleanPath(paths.root + QLatin1Char('/') + value);
            continue;
        }
        QString problem;
        // The table's defaults are valid (the unit test reads each one); a bad one would leave the field as
        // SradConfig's initializer has it.
        readSradConfigValue(key, value, baseDir, config, problem);
    }
    return config;
}

} // namespace sra::core
