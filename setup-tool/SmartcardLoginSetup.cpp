#include "setup-tool/SmartcardLoginSetup.h"

#include "core/base/BuildConfig.h"
#include "core/remote/PairingStore.h"
#include "core/remote/PamServiceFile.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cstdio>

namespace sra::srad {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("sra-setup", text);
}

constexpr qint64 kMaxPamFile = 256 * 1024;

// Where Debian and others put the two modules; --pkcs11-module names any other.
const QStringList kOpenScModules{QStringLiteral("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"),
                                 QStringLiteral("/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so"),
                                 QStringLiteral("/usr/lib64/opensc-pkcs11.so"),
                                 QStringLiteral("/usr/lib/opensc-pkcs11.so")};
const QStringList kPamModuleDirs{QStringLiteral("/lib/x86_64-linux-gnu/security"),
                                 QStringLiteral("/usr/lib/x86_64-linux-gnu/security"),
                                 QStringLiteral("/lib/security"),
                                 QStringLiteral("/lib64/security"),
                                 QStringLiteral("/usr/lib64/security")};

// A PAM argument and an scconf string cannot hold blanks or quotes.
bool isPlainPath(const QString& path)
{
    for (const QChar c : path) {
        if (c.isSpace() || c == QLatin1Char('"') || c == QLatin1Char('\\') || !c.isPrint()) {
            return false;
        }
    }
    return QDir::isAbsolutePath(path);
}

QByteArray sha256(const QByteArray& bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
}

bool readSmall(const QString& file, QByteArray& out, QString& error)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        error = tr("Cannot read %1 (%2).").arg(file, f.errorString());
        return false;
    }
    out = f.read(kMaxPamFile + 1);
    if (out.size() > kMaxPamFile) {
        error = tr("%1 is larger than %2 bytes, which no PAM service file is; it was not changed.")
                    .arg(file)
                    .arg(kMaxPamFile);
        return false;
    }
    return true;
}

// Writes a PAM file in place of the old one, atomically, with the old one's mode (0644 when new).
bool writePamFile(const QString& file, const QByteArray& bytes, QString& error)
{
    const QFileDevice::Permissions mode =
        QFileInfo::exists(file)
            ? QFile::permissions(file)
            : QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther;
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || !out.setPermissions(mode) || out.write(bytes) != bytes.size()
        || !out.commit()) {
        error = tr("Cannot write %1 (%2); check permissions (sra-setup normally runs as root).")
                    .arg(file, out.errorString());
        return false;
    }
    return true;
}
} // namespace

SmartcardLoginSetup::SmartcardLoginSetup(const core::SradConfig& config, const SmartcardLoginOptions& options)
    : m_config(config)
    , m_options(options)
    , m_login(config)
{}

int SmartcardLoginSetup::fail(const QString& message, int code) const
{
    std::fprintf(stderr, "sra-setup: %s\n", qPrintable(message));
    return code;
}

void SmartcardLoginSetup::say(const QString& message) const
{
    std::printf("%s\n", qPrintable(message));
    std::fflush(stdout);
}

QStringList SmartcardLoginSetup::defaultServices()
{
    // The display managers' smart-card services, the console, and screen lockers with their own service.
    return {QStringLiteral("gdm-smartcard"),
            QStringLiteral("lightdm"),
            QStringLiteral("sddm"),
            QStringLiteral("login"),
            QStringLiteral("xscreensaver"),
            QStringLiteral("mate-screensaver"),
            QStringLiteral("kde")};
}

QString SmartcardLoginSetup::pamDir() const
{
    return m_options.pamDir.isEmpty() ? QDir::cleanPath(m_config.paths.root + QStringLiteral("/etc/pam.d"))
                                      : QDir::cleanPath(QDir::current().absoluteFilePath(m_options.pamDir));
}

QString SmartcardLoginSetup::resolveModule(QString& error) const
{
    QString module = m_options.pkcs11Module;
    if (module.isEmpty()) {
        if (m_options.backend == QLatin1String("sra")) {
            module = QStringLiteral(SRA_PKCS11_MODULE_PATH);
        } else {
            for (const QString& candidate : kOpenScModules) {
                if (QFileInfo::exists(candidate)) {
                    module = candidate;
                    break;
                }
            }
            if (module.isEmpty()) {
                error = tr("OpenSC's PKCS#11 module was not found (%1); install the package opensc or name the module "
                           "with --pkcs11-module FILE.")
                            .arg(kOpenScModules.join(QStringLiteral(", ")));
                return {};
            }
        }
    }
    module = QDir::cleanPath(QDir::current().absoluteFilePath(module));
    if (!QFileInfo(module).isFile()) {
        error = tr("The PKCS#11 module %1 does not exist; install it (libsra-pkcs11.so comes with SRA, OpenSC's with "
                   "the package opensc) or name it with --pkcs11-module FILE.")
                    .arg(module);
        return {};
    }
    if (!isPlainPath(module)) {
        error = tr("The PKCS#11 module path %1 holds blanks or quotes, which pam_pkcs11's configuration cannot carry; "
                   "use a path without them.")
                    .arg(module);
        return {};
    }
    return module;
}

bool SmartcardLoginSetup::enableService(const QString& service, core::SmartcardLoginState& state, QString& error)
{
    const QString file = pamDir() + QLatin1Char('/') + service;
    if (state.find(pamDir(), service)) {
        say(tr("%1: already accepts the card.").arg(service));
        return true;
    }
    const QFileInfo info(file);
    if (info.isSymLink()) {
        error = tr("%1 is a symbolic link; change its target instead (it was not changed).").arg(file);
        return false;
    }
    if (!info.isFile()) {
        error = tr("There is no PAM service %1 (%2); name services that exist with --service.").arg(service, file);
        return false;
    }
    QByteArray original;
    if (!readSmall(file, original, error)) {
        return false;
    }
    const auto parsed = core::PamServiceFile::parse(original);
    if (parsed.hasEntryFor(m_login.pamConfigFile())) {
        say(tr("%1: already has the smart-card line (added by hand?); left as it is.").arg(service));
        return true;
    }
    if (parsed.usesPamPkcs11()) {
        say(tr("%1: note: it already uses pam_pkcs11 with another configuration; the relayed card is tried first.")
                .arg(service));
    }
    const QByteArray changed = parsed.withEntry(m_login.pamConfigFile());
    // The state first: if writing the PAM file fails, disable still knows the original.
    core::SmartcardLoginService entry{pamDir(), service, original, sha256(changed)};
    state.services.append(entry);
    if (!m_login.saveState(state, error)) {
        state.services.removeLast();
        return false;
    }
    if (!writePamFile(file, changed, error)) {
        return false;
    }
    say(tr("%1: accepts the card now (%2).").arg(service, file));
    return true;
}

int SmartcardLoginSetup::enable()
{
    if (m_options.backend != QLatin1String("sra") && m_options.backend != QLatin1String("opensc")) {
        return fail(tr("--backend \"%1\" is not sra or opensc.").arg(m_options.backend), 1);
    }
    for (const QString& service : m_options.services) {
        if (!core::SmartcardLoginState::isValidServiceName(service)) {
            return fail(tr("\"%1\" is not a PAM service name (a file name in %2).").arg(service, pamDir()), 1);
        }
    }
    if (!QFileInfo(pamDir()).isDir()) {
        return fail(tr("%1 is not a directory; give the PAM configuration directory with --pam-dir.").arg(pamDir()), 1);
    }
    QString error;
    const QString module = resolveModule(error);
    if (module.isEmpty()) {
        return fail(error);
    }
    if (!isPlainPath(m_login.pamConfigFile())) {
        return fail(tr("The configuration directory %1 holds blanks or quotes, which a PAM line cannot carry.")
                        .arg(m_login.directory()));
    }
    bool pamModule = false;
    for (const QString& dir : kPamModuleDirs) {
        pamModule = pamModule || QFileInfo::exists(dir + QStringLiteral("/pam_pkcs11.so"));
    }
    if (!pamModule) {
        say(tr("Note: pam_pkcs11.so was not found; install the package libpam-pkcs11 (apt install libpam-pkcs11), "
               "or the services will refuse every login through it."));
    }
    QStringList services = m_options.services;
    if (services.isEmpty()) {
        for (const QString& candidate : defaultServices()) {
            if (QFileInfo(pamDir() + QLatin1Char('/') + candidate).isFile()) {
                services.append(candidate);
            }
        }
        if (services.isEmpty()) {
            return fail(tr("None of the usual services (%1) is in %2; name the services with --service NAME.")
                            .arg(defaultServices().join(QStringLiteral(", ")), pamDir()),
                        1);
        }
    }

    core::PairingStore store;
    core::SmartcardLoginState state;
    bool exists = false;
    if (!core::PairingStore::load(m_config.pairingsFile, store, error) || !m_login.loadState(state, exists, error)) {
        return fail(error);
    }
    if (!QDir().mkpath(m_login.directory())) {
        return fail(
            tr("Cannot create %1; check permissions (sra-setup normally runs as root).").arg(m_login.directory()));
    }
    state.backend = m_options.backend;
    state.pkcs11Module = module;
    const QString description = m_options.backend == QLatin1String("sra")
                                    ? QStringLiteral("Secure Remote Access relayed card")
                                    : QStringLiteral("OpenSC over the SRA virtual reader");
    QSaveFile conf(m_login.pamConfigFile());
    const QByteArray confText = core::SmartcardLogin::pamPkcs11Config(module, description, m_login.mapFile());
    if (!conf.open(QIODevice::WriteOnly) || conf.write(confText) != confText.size() || !conf.commit()
        || !m_login.refreshMapfile(store, error) || !m_login.saveState(state, error)) {
        return fail(error.isEmpty() ? tr("Cannot write %1 (%2).").arg(conf.fileName(), conf.errorString()) : error);
    }
    say(tr("pam_pkcs11 configuration: %1 (PKCS#11 module %2).").arg(m_login.pamConfigFile(), module));
    for (const QString& service : services) {
        if (!enableService(service, state, error)) {
            return fail(error);
        }
    }
    const int entries = static_cast<int>(m_login.mapfileText(store).count("\n") - 2);
    say(tr("%1 paired certificate(s) log in (%2). Pair more with \"sra-setup pair\".")
            .arg(entries)
            .arg(m_login.mapFile()));
    if (services.contains(QStringLiteral("sudo"))) {
        say(tr("sudo accepts the card: whoever holds it and its PIN runs commands as root there."));
    }
    return 0;
}

bool SmartcardLoginSetup::disableService(const core::SmartcardLoginService& entry, QString& error)
{
    const QString file = entry.pamDir + QLatin1Char('/') + entry.service;
    if (!QFileInfo::exists(file)) {
        if (entry.original) {
            say(tr("%1: the file is gone; restoring the original.").arg(file));
            return writePamFile(file, *entry.original, error);
        }
        return true;
    }
    QByteArray current;
    if (!readSmall(file, current, error)) {
        return false;
    }
    if (sha256(current) == entry.writtenSha256) {
        if (!entry.original) {
            if (!QFile::remove(file)) {
                error = tr("Cannot remove %1; check permissions.").arg(file);
                return false;
            }
            return true;
        }
        return writePamFile(file, *entry.original, error);
    }
    // Edited since enable: keep the other edits, take only our lines out.
    say(tr("%1 was changed since smart-card login was enabled; only the smart-card lines are removed.").arg(file));
    return writePamFile(file, core::PamServiceFile::parse(current).withoutEntry(m_login.pamConfigFile()), error);
}

int SmartcardLoginSetup::disable()
{
    core::SmartcardLoginState state;
    bool exists = false;
    QString error;
    if (!m_login.loadState(state, exists, error)) {
        return fail(error);
    }
    if (!exists) {
        say(tr("Smart-card login is not enabled (no %1); nothing to do.").arg(m_login.stateFile()));
        return 0;
    }
    QList<core::SmartcardLoginService> keep;
    const QList<core::SmartcardLoginService> entries = state.services; // state.services shrinks in the loop
    for (const core::SmartcardLoginService& entry : entries) {
        const bool chosen = m_options.services.isEmpty() || m_options.services.contains(entry.service);
        if (!chosen || (!m_options.pamDir.isEmpty() && entry.pamDir != pamDir())) {
            keep.append(entry);
            continue;
        }
        if (!disableService(entry, error)) {
            return fail(error);
        }
        say(tr("%1: restored; it no longer accepts the card.").arg(entry.service));
        // Saved after each file, so a failure later leaves a state that matches the files.
        state.services.removeIf([&](const core::SmartcardLoginService& s) {
            return s.pamDir == entry.pamDir && s.service == entry.service;
        });
        if (!m_login.saveState(state, error)) {
            return fail(error);
        }
    }
    if (!keep.isEmpty()) {
        return 0;
    }
    for (const QString& file : {m_login.pamConfigFile(), m_login.mapFile()}) {
        QFile::remove(file);
    }
    if (!m_login.removeState(error)) {
        return fail(error);
    }
    QDir().rmdir(m_login.directory());
    say(tr("Smart-card login is disabled; the paired certificates stay in %1.").arg(m_login.certificatesDir()));
    return 0;
}

int SmartcardLoginSetup::status()
{
    core::SmartcardLoginState state;
    bool exists = false;
    QString error;
    if (!m_login.loadState(state, exists, error)) {
        return fail(error);
    }
    if (exists) {
        say(tr("Smart-card login: enabled, backend %1, PKCS#11 module %2").arg(state.backend, state.pkcs11Module));
        say(tr("pam_pkcs11 configuration: %1; mapping: %2").arg(m_login.pamConfigFile(), m_login.mapFile()));
    } else {
        say(tr("Smart-card login: not enabled (sra-setup smartcard-login enable)."));
    }
    QStringList services;
    for (const core::SmartcardLoginService& entry : state.services) {
        if (entry.pamDir == pamDir()) {
            services.append(entry.service);
        }
    }
    for (const QString& candidate : defaultServices() + QStringList{QStringLiteral("sudo")} + m_options.services) {
        if (!services.contains(candidate) && QFileInfo(pamDir() + QLatin1Char('/') + candidate).isFile()) {
            services.append(candidate);
        }
    }
    say(tr("PAM services in %1:").arg(pamDir()));
    for (const QString& service : services) {
        QByteArray text;
        QString readError;
        const QString file = pamDir() + QLatin1Char('/') + service;
        if (!QFileInfo::exists(file) || !readSmall(file, text, readError)) {
            say(tr("  %1: missing").arg(service));
            continue;
        }
        const auto parsed = core::PamServiceFile::parse(text);
        if (parsed.hasEntryFor(m_login.pamConfigFile())) {
            say(tr("  %1: accepts the card").arg(service));
        } else if (parsed.usesPamPkcs11()) {
            say(tr("  %1: uses pam_pkcs11 set up outside sra-setup").arg(service));
        } else {
            say(tr("  %1: does not accept the card").arg(service));
        }
    }
    return 0;
}

} // namespace sra::srad
