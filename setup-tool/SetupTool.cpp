#include "setup-tool/SetupTool.h"

#include "core/license/License.h"
#include "core/license/LicenseInstall.h"
#include "core/remote/ConnectedAdmins.h"
#include "core/remote/LocalAccounts.h"
#include "core/remote/SmartcardLogin.h"
#include "core/remote/TlsIdentity.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSaveFile>
#include <QStandardPaths>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sra::srad {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("sra-setup", text);
}

constexpr int kSystemctlTimeoutMs = 120 * 1000;

QString firstLine(const QByteArray& text)
{
    const QString s = QString::fromUtf8(text).trimmed();
    return s.section(QLatin1Char('\n'), 0, 0);
}

} // namespace

SetupTool::SetupTool(const core::SradPaths& paths)
    : m_paths(paths)
{}

int SetupTool::fail(const QString& message, int code) const
{
    std::fprintf(stderr, "sra-setup: %s\n", qPrintable(message));
    return code;
}

void SetupTool::say(const QString& message) const
{
    std::printf("%s\n", qPrintable(message));
    std::fflush(stdout);
}

int SetupTool::init()
{
    if (!QFileInfo(m_paths.root).isDir()) {
        return fail(tr("The root %1 is not a directory; give an existing directory with --root.").arg(m_paths.root),
                    kSetupUsage);
    }
    QString error;
    if (!core::SradConfig::load(m_paths, m_paths.configFile(), m_config, error)) {
        return fail(error);
    }
    return kSetupOk;
}

bool SetupTool::makeDirectory(const QString& dir, bool privateToRoot, QString& error) const
{
    if (!QDir().mkpath(dir)) {
        error = tr("Cannot create the directory %1; check permissions (sra-setup normally runs as root).").arg(dir);
        return false;
    }
    if (privateToRoot
        && !QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner)) {
        error = tr("Cannot make %1 private (mode 700); check permissions.").arg(dir);
        return false;
    }
    return true;
}

// srad runs as the system user sra-srad (packaging/systemd/srad.service) and must read the key it generated as
// root: the key becomes root:sra-srad 0640. Only on the real system, as root, once the package has made the user;
// elsewhere (--root, a hand-started srad) the key stays 0600 for whoever runs srad.
bool SetupTool::shareKeyWithService(const QString& key, QString& error) const
{
    const group* service = ::getgrnam(core::kServiceAccount);
    if (QDir(m_paths.root).canonicalPath() != QLatin1String("/") || ::geteuid() != 0 || !service) {
        return true;
    }
    const QByteArray path = QFile::encodeName(key);
    if (::chown(path.constData(), 0, service->gr_gid) != 0 || ::chmod(path.constData(), 0640) != 0) {
        error = tr("Cannot give the group %1 read access to %2 (%3); run: chgrp %1 %2 && chmod 640 %2")
                    .arg(QLatin1String(core::kServiceAccount), key, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    return true;
}

bool SetupTool::saveConfig(QString& error)
{
    return makeDirectory(m_paths.configDir(), false, error) && m_config.save(m_paths.configFile(), error);
}

bool SetupTool::loadPairings(core::PairingStore& store, QString& error) const
{
    return core::PairingStore::load(m_config.pairingsFile, store, error);
}

bool SetupTool::savePairings(const core::PairingStore& store, QString& error) const
{
    return makeDirectory(QFileInfo(m_config.pairingsFile).absolutePath(), false, error)
           && store.save(m_config.pairingsFile, error);
}

int SetupTool::generateIdentity(const QString& hostName, bool force)
{
    const QString certificate = m_paths.identityCertificate();
    const QString key = m_paths.identityKey();
    for (const QString& file : {certificate, key}) {
        if (QFileInfo::exists(file) && !force) {
            return fail(tr("An identity already exists (%1); add --force to replace it (admins who trusted its "
                           "fingerprint will then see a changed-fingerprint warning).")
                            .arg(file));
        }
    }
    QString error;
    if (!makeDirectory(m_paths.configDir(), false, error)
        || !core::TlsIdentity::generateSelfSigned(hostName, certificate, key, error)
        || !shareKeyWithService(key, error)) {
        return fail(error);
    }
    core::TlsIdentity identity;
    if (!core::TlsIdentity::load(certificate, key, identity, error)) {
        return fail(error);
    }
    m_config.certificateFile = certificate;
    m_config.keyFile = key;
    if (!saveConfig(error)) {
        return fail(error);
    }
    say(tr("Generated a self-signed identity for %1: %2 (key %3, mode %4).")
            .arg(hostName,
                 certificate,
                 key,
                 QString::number(QFileInfo(key).permissions() & QFileDevice::ReadGroup ? 640 : 600)));
    say(tr("SHA-256 fingerprint, for comparison on first connect: %1").arg(identity.sha256Fingerprint()));
    return kSetupOk;
}

int SetupTool::useInstalledIdentity(const QString& fingerprint)
{
    QString certificate;
    QString key;
    QString error;
    if (!core::TlsIdentity::findInstalled(
            fingerprint, m_paths.certificateStoreDir(), m_paths.privateKeyStoreDir(), certificate, key, error)) {
        return fail(error);
    }
    core::TlsIdentity identity;
    if (!core::TlsIdentity::load(certificate, key, identity, error)) {
        return fail(error);
    }
    m_config.certificateFile = certificate;
    m_config.keyFile = key;
    if (!saveConfig(error)) {
        return fail(error);
    }
    say(tr("srad will present %1 (key %2).").arg(certificate, key));
    say(tr("SHA-256 fingerprint, for comparison on first connect: %1").arg(identity.sha256Fingerprint()));
    return kSetupOk;
}

int SetupTool::prepareScreenSharing(const QString& display, const QString& backend)
{
    if (!display.isEmpty() && !core::SradConfig::isValidDisplay(display)) {
        return fail(tr("--display \"%1\" is not an X display; give one such as :0 or :1.0.").arg(display), kSetupUsage);
    }
    if (backend != QLatin1String("agent") && backend != QLatin1String("x11vnc")) {
        return fail(tr("--screen-backend \"%1\" is not known; give agent or x11vnc.").arg(backend), kSetupUsage);
    }
    // Both back-ends run x11vnc: srad itself (x11vnc) or the screen agent in the desktop session (agent).
    const QString x11vnc = QStandardPaths::findExecutable(QStringLiteral("x11vnc"));
    if (x11vnc.isEmpty()) {
        return fail(tr("x11vnc is not installed; install the package x11vnc (apt install x11vnc) and run sra-setup -s "
                       "again."));
    }
    m_config.screenBackend = backend;
    // The program checked here is the one srad runs, whatever PATH srad gets from its service manager.
    m_config.screenX11vnc = x11vnc;
    if (!display.isEmpty()) {
        m_config.screenDisplay = display;
    }
    QString error;
    if (!saveConfig(error)) {
        return fail(error);
    }
    if (backend == QLatin1String("agent")) {
        say(tr("Screen sharing prepared: the screen agent of the desktop session shares display %1 ([screen] in %2).")
                .arg(m_config.screenDisplay, m_paths.configFile()));
        say(tr("The agent (sra-screen-agent) starts with each graphical session and runs x11vnc there when an "
               "authenticated admin asks; srad stays in its sandbox. Restart srad to apply."));
    } else {
        say(tr("Screen sharing prepared: %1 on display %2 ([screen] in %3).")
                .arg(x11vnc, m_config.screenDisplay, m_paths.configFile()));
        say(tr("srad starts one x11vnc per granted screen request, on a private socket only, and stops it with the "
               "admin's session. This needs srad to reach the display (not under the packaged, sandboxed unit). "
               "Restart srad to apply."));
    }
    return kSetupOk;
}

int SetupTool::activate()
{
    QString error;
    if (!makeDirectory(m_paths.configDir(), false, error) || !makeDirectory(m_paths.stateDir(), true, error)) {
        return fail(error);
    }
    m_config.enabled = true;
    if (!saveConfig(error)) {
        return fail(error);
    }
    say(tr("Activated: [service] enabled = true in %1.").arg(m_paths.configFile()));
    if (!QFileInfo::exists(m_config.certificateFile) || !QFileInfo::exists(m_config.keyFile)) {
        say(tr("There is no TLS identity yet (%1); run sra-setup -g or sra-setup -c FINGERPRINT before srad can start.")
                .arg(m_config.certificateFile));
    }
    return serviceControl(QStringLiteral("enable"));
}

int SetupTool::deactivate()
{
    QString error;
    m_config.enabled = false;
    if (!saveConfig(error)) {
        return fail(error);
    }
    say(tr("Deactivated: [service] enabled = false in %1. The identity, pairings and license stay in %2.")
            .arg(m_paths.configFile(), m_paths.configDir()));
    return serviceControl(QStringLiteral("disable"));
}

int SetupTool::serviceControl(const QString& verb)
{
    // The real systemctl only acts on the running system, so it is used for root "/" alone. Tests name a
    // stand-in with SRA_SETUP_SYSTEMCTL, which is then used under any root.
    QString systemctl = qEnvironmentVariable("SRA_SETUP_SYSTEMCTL");
    const bool standIn = !systemctl.isEmpty();
    const bool realRoot = QDir(m_paths.root).canonicalPath() == QLatin1String("/");
    const bool systemd = QFileInfo(QDir(m_paths.root).filePath(QStringLiteral("run/systemd/system"))).isDir();
    if (!systemd || (!realRoot && !standIn)) {
        if (verb == QLatin1String("enable")) {
            say(tr("systemd does not manage this system (or --root is set): start srad by other means, e.g. "
                   "\"srad --config %1\".")
                    .arg(m_paths.configFile()));
        } else {
            say(tr("systemd does not manage this system (or --root is set): stop a running srad by other means."));
        }
        return kSetupOk;
    }
    if (!standIn) {
        systemctl = QStringLiteral("systemctl");
    }
    const QStringList args{verb, QStringLiteral("--now"), QStringLiteral("srad.service")};
    QProcess process;
    process.start(systemctl, args);
    if (!process.waitForStarted(10000)) {
        return fail(tr("Cannot run %1 (%2); the configuration is written, %3 srad.service by hand.")
                        .arg(systemctl, process.errorString(), verb));
    }
    if (!process.waitForFinished(kSystemctlTimeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        return fail(tr("%1 %2 did not finish within %3 s; check \"systemctl status srad.service\".")
                        .arg(systemctl, args.join(QLatin1Char(' ')))
                        .arg(kSystemctlTimeoutMs / 1000));
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        return fail(tr("systemctl %1 failed (exit %2: %3); the configuration is written, see \"systemctl status "
                       "srad.service\".")
                        .arg(args.join(QLatin1Char(' ')))
                        .arg(process.exitCode())
                        .arg(firstLine(process.readAllStandardError())));
    }
    say(verb == QLatin1String("enable") ? tr("srad.service is enabled and started.")
                                        : tr("srad.service is stopped and disabled."));
    return kSetupOk;
}

bool SetupTool::accountExists(const QString& account, const AccountCheck& check, QString& error) const
{
    if (check.allowUnknown) {
        return true;
    }
    if (!check.passwdFile.isEmpty()) {
        switch (core::lookUpPasswdFile(check.passwdFile, account, error)) {
        case core::PasswdLookup::Found:
            return true;
        case core::PasswdLookup::Unreadable:
            return false;
        case core::PasswdLookup::NotFound:
            break;
        }
        error = tr("There is no account \"%1\" in %2; create the account first or add --allow-unknown-user.")
                    .arg(account, check.passwdFile);
        return false;
    }
    if (QDir(m_paths.root).canonicalPath() != QLatin1String("/")) {
        say(tr("Account \"%1\" not checked: --root is set and no --passwd FILE was given.").arg(account));
        return true;
    }
    if (!core::systemAccountExists(account)) {
        error = tr("There is no local account \"%1\"; create it first, or add --allow-unknown-user for accounts of a "
                   "directory service that is not reachable now.")
                    .arg(account);
        return false;
    }
    return true;
}

int SetupTool::checkAccountName(const QString& account) const
{
    if (!core::PairingStore::isValidAccountName(account)) {
        return fail(tr("\"%1\" is not a valid account name; use 1 to 32 letters, digits, '_', '.' or '-', starting "
                       "with a letter or '_'.")
                        .arg(account),
                    kSetupUsage);
    }
    return kSetupOk;
}

int SetupTool::pair(const QString& account, const QString& certificateFile, const AccountCheck& check)
{
    if (const int rc = checkAccountName(account); rc != kSetupOk) {
        return rc;
    }
    QString error;
    QSslCertificate certificate;
    if (!core::loadCertificateFile(certificateFile, certificate, error)) {
        return fail(error);
    }
    return pairCertificate(account, certificate, certificateFile, check);
}

int SetupTool::pairFromSession(const QString& account, const QString& sessionId, const AccountCheck& check)
{
    if (const int rc = checkAccountName(account); rc != kSetupOk) {
        return rc;
    }
    const core::ConnectedAdmins admins(m_paths);
    QList<core::ConnectedAdmin> connected = admins.list();
    if (!sessionId.isEmpty()) {
        connected.removeIf([&](const core::ConnectedAdmin& a) { return a.sessionId != sessionId; });
    }
    if (connected.isEmpty()) {
        return fail(sessionId.isEmpty()
                        ? tr("No admin is signed in to srad now (%1 is empty); pair while the admin is connected, or "
                             "use --cert FILE.")
                              .arg(admins.directory())
                        : tr("There is no session %1 now; \"sra-setup pair --from-session\" without --session lists "
                             "the sessions.")
                              .arg(sessionId));
    }
    if (connected.size() > 1) {
        QStringList lines;
        for (const core::ConnectedAdmin& a : connected) {
            lines.append(QStringLiteral("%1 (%2, \"%3\", from %4)")
                             .arg(a.sessionId, a.account, a.certificate.subjectDisplayName(), a.peer));
        }
        return fail(tr("%1 admins are signed in; choose one with --session ID: %2")
                        .arg(connected.size())
                        .arg(lines.join(QStringLiteral("; "))),
                    kSetupUsage);
    }
    const core::ConnectedAdmin& admin = connected.first();
    say(tr("The admin connected from %1 (session %2, signed in as %3) uses \"%4\".")
            .arg(admin.peer, admin.sessionId, admin.account, admin.certificate.subjectDisplayName()));
    return pairCertificate(account, admin.certificate, tr("the session's certificate"), check);
}

bool SetupTool::updateLoginMapping(const core::PairingStore& store, const QSslCertificate* paired)
{
    // One pairing for both uses: smart-card login maps whole certificates (pam_pkcs11's digest mapper), so the
    // paired certificate is kept and the mapping regenerated from pairings.json on every change.
    const core::SmartcardLogin login(m_config);
    QString error;
    if (paired && !login.keepCertificate(*paired, error)) {
        return fail(error) == kSetupOk;
    }
    login.forgetUnpaired(store);
    core::SmartcardLoginState state;
    bool enabled = false;
    if (!login.loadState(state, enabled, error) || (enabled && !login.refreshMapfile(store, error))) {
        return fail(tr("The pairing is saved, but smart-card login's mapping was not updated: %1").arg(error))
               == kSetupOk;
    }
    if (enabled) {
        say(tr("Smart-card login mapping updated (%1).").arg(login.mapFile()));
    }
    return true;
}

int SetupTool::pairCertificate(const QString& account,
                               const QSslCertificate& certificate,
                               const QString& source,
                               const AccountCheck& check)
{
    QString error;
    const QString certificateFile = source;
    const QByteArray hash = core::PairingStore::publicKeySha256(certificate);
    if (hash.isEmpty()) {
        return fail(tr("The public key of %1 cannot be read; export the certificate again.").arg(certificateFile));
    }
    if (!accountExists(account, check, error)) {
        return fail(error);
    }
    core::PairingStore store;
    if (!loadPairings(store, error)) {
        return fail(error);
    }
    QString previous;
    for (const core::KeyPairing& key : store.keys()) {
        if (key.publicKeySha256 == hash) {
            previous = key.account;
        }
    }
    store.pair(account, certificate);
    if (!savePairings(store, error)) {
        return fail(error);
    }
    if (!updateLoginMapping(store, &certificate)) {
        return kSetupFailed;
    }
    say(tr("Paired account %1 with the public key SHA-256 %2 (%3).")
            .arg(account, QString::fromLatin1(hash.toHex()), store.keys().last().subject));
    if (!previous.isEmpty() && previous != account) {
        say(tr("This key was paired with account %1 before; that pairing is replaced.").arg(previous));
    }
    if (certificate.expiryDate() < QDateTime::currentDateTimeUtc()) {
        say(tr("Note: the certificate expired on %1; srad refuses it until it is renewed.")
                .arg(certificate.expiryDate().toUTC().toString(Qt::ISODate)));
    }
    return kSetupOk;
}

int SetupTool::unpairAccount(const QString& account)
{
    QString error;
    core::PairingStore store;
    if (!loadPairings(store, error)) {
        return fail(error);
    }
    const int removed = store.unpairAccount(account);
    if (removed == 0) {
        return fail(tr("Account %1 has no key pairing; \"sra-setup list\" shows the pairings.").arg(account));
    }
    if (!savePairings(store, error)) {
        return fail(error);
    }
    if (!updateLoginMapping(store, nullptr)) {
        return kSetupFailed;
    }
    say(tr("Removed %1 key pairing(s) of account %2.").arg(removed).arg(account));
    return kSetupOk;
}

int SetupTool::unpairCertificate(const QString& certificateFile)
{
    QString error;
    QSslCertificate certificate;
    if (!core::loadCertificateFile(certificateFile, certificate, error)) {
        return fail(error);
    }
    core::PairingStore store;
    if (!loadPairings(store, error)) {
        return fail(error);
    }
    const int removed = store.unpairCertificate(certificate);
    if (removed == 0) {
        return fail(tr("The key of %1 is not paired; \"sra-setup list\" shows the pairings.").arg(certificateFile));
    }
    if (!savePairings(store, error)) {
        return fail(error);
    }
    if (!updateLoginMapping(store, nullptr)) {
        return kSetupFailed;
    }
    say(tr("Removed the pairing of %1 (public key SHA-256 %2).")
            .arg(certificateFile, QString::fromLatin1(core::PairingStore::publicKeySha256(certificate).toHex())));
    return kSetupOk;
}

void SetupTool::noteRulesWithoutCa() const
{
    if (m_config.caBundleFile.isEmpty()) {
        say(tr("Note: srad applies attribute rules only to certificates that chain to [auth] ca_bundle, which is not "
               "set in %1.")
                .arg(m_paths.configFile()));
    }
}

int SetupTool::list()
{
    QString error;
    core::PairingStore store;
    if (!loadPairings(store, error)) {
        return fail(error);
    }
    say(tr("Pairings file: %1").arg(m_config.pairingsFile));
    if (store.keys().isEmpty()) {
        say(tr("Key pairings: none"));
    } else {
        say(tr("Key pairings (account, public key SHA-256, subject, added):"));
        for (const core::KeyPairing& key : store.keys()) {
            say(QStringLiteral("  %1  %2  %3  %4")
                    .arg(key.account,
                         QString::fromLatin1(key.publicKeySha256.toHex()),
                         key.subject,
                         key.added.isValid() ? key.added.toUTC().toString(Qt::ISODate) : QStringLiteral("-")));
        }
    }
    if (store.rules().isEmpty()) {
        say(tr("Rules: none"));
        return kSetupOk;
    }
    say(tr("Rules, tried in order after the key pairings (number, attribute, pattern -> account):"));
    for (qsizetype i = 0; i < store.rules().size(); ++i) {
        const core::AttributeRule& rule = store.rules().at(i);
        say(QStringLiteral("  %1. %2  %3  ->  %4")
                .arg(i + 1)
                .arg(core::PairingStore::attributeName(rule.attribute), rule.pattern, rule.account));
    }
    noteRulesWithoutCa();
    return kSetupOk;
}

int SetupTool::addRule(const QString& attribute, const QString& pattern, const QString& account)
{
    const auto mapped = core::PairingStore::attributeFromName(attribute);
    if (!mapped) {
        return fail(tr("--attribute \"%1\" is not cn, upn or email; use one of those.").arg(attribute), kSetupUsage);
    }
    core::AttributeRule rule;
    rule.attribute = *mapped;
    rule.pattern = pattern;
    rule.account = account;
    QString error;
    if (!core::PairingStore::checkRule(rule, error)) {
        return fail(tr("Rule refused: %1").arg(error), kSetupUsage);
    }
    core::PairingStore store;
    if (!loadPairings(store, error)) {
        return fail(error);
    }
    store.addRule(rule);
    if (!savePairings(store, error)) {
        return fail(error);
    }
    say(tr("Added rule %1: %2 %3 -> %4.").arg(store.rules().size()).arg(attribute, pattern, account));
    noteRulesWithoutCa();
    return kSetupOk;
}

int SetupTool::removeRule(const QString& number)
{
    bool ok = false;
    const int n = number.toInt(&ok);
    if (!ok || n < 1) {
        return fail(tr("\"%1\" is not a rule number; give the number \"sra-setup list\" shows (from 1).").arg(number),
                    kSetupUsage);
    }
    QString error;
    core::PairingStore store;
    if (!loadPairings(store, error)) {
        return fail(error);
    }
    if (n > store.rules().size()) {
        return fail(
            tr("There is no rule %1 (there are %2); \"sra-setup list\" shows them.").arg(n).arg(store.rules().size()));
    }
    const core::AttributeRule removed = store.rules().at(n - 1);
    store.removeRule(n - 1);
    if (!savePairings(store, error)) {
        return fail(error);
    }
    say(tr("Removed rule %1: %2 %3 -> %4.")
            .arg(n)
            .arg(core::PairingStore::attributeName(removed.attribute), removed.pattern, removed.account));
    return kSetupOk;
}

int SetupTool::installLicense(const QString& file)
{
    const QDate today = QDateTime::currentDateTimeUtc().date();
    const core::LicenseInstallResult result = core::installLicenseFile(file, m_config.licenseDir, today);
    if (!result.ok) {
        return fail(result.error);
    }
    say(tr("Installed %1 as %2.").arg(file, result.target));
    say(core::licenseStatusMessage(result.installed));
    return kSetupOk;
}

int SetupTool::showLicense()
{
    const core::LicenseStatus status =
        core::loadInstalledLicense(m_config.licenseDir, QDateTime::currentDateTimeUtc().date());
    say(core::licenseStatusMessage(status));
    return status.isValid() ? kSetupOk : kSetupFailed;
}

} // namespace sra::srad
