// srad --check of what srad.conf names: the configuration, license, TLS identity (and its key's access), pairings.
#include "core/license/License.h"
#include "core/remote/LocalAccounts.h"
#include "core/remote/PairingStore.h"
#include "core/remote/TlsIdentity.h"
#include "remote-service/SradCheck.h"
#include "remote-service/SradCheckSupport.h"
#include "remote-service/SradService.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSysInfo>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace sra::srad {

using namespace check;

namespace {

// An identity that expires within this many days is reported now, while there is time to hand admins the new
// fingerprint before every connection fails.
constexpr qint64 kExpiryWarningDays = 30;

QString ownershipText(const struct stat& st)
{
    return QStringLiteral("owner uid %1, group gid %2, mode %3")
        .arg(st.st_uid)
        .arg(st.st_gid)
        .arg(st.st_mode & 07777, 4, 8, QLatin1Char('0'));
}

// The groups a user belongs to (primary and supplementary), as the kernel will see them for srad.service.
QList<uint> groupsOf(const char* user, gid_t primary)
{
    int count = 32;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    while (::getgrouplist(user, primary, groups.data(), &count) < 0) {
        groups.resize(static_cast<std::size_t>(count) + 1); // count now says how many there are
        count = static_cast<int>(groups.size());
    }
    QList<uint> result;
    for (int i = 0; i < count; ++i) {
        result.append(groups[static_cast<std::size_t>(i)]);
    }
    return result;
}

} // namespace

CheckResult SradCheck::configuration()
{
    const QString item = QStringLiteral("configuration");
    const QString file = QFileInfo(m_configFile.isEmpty() ? m_paths.configFile() : m_configFile).absoluteFilePath();
    QString error;
    if (!core::SradConfig::load(m_paths, m_configFile, m_config, error)) {
        m_configError = error;
        return fail(item, error, QStringLiteral("correct the file; nothing else can be checked until it reads"));
    }
    const QString found =
        QFileInfo::exists(file) ? file : QStringLiteral("%1 does not exist (every key has its default)").arg(file);
    if (!m_config.enabled) {
        return fail(
            item,
            QStringLiteral("%1: [service] enabled = false").arg(found),
            QStringLiteral("activate the service: %1").arg(setupCommand(m_paths, realRoot(), QStringLiteral("-a"))));
    }
    return ok(item, found);
}

CheckResult SradCheck::license()
{
    const QString item = QStringLiteral("license");
    const core::LicenseStatus status = SradService::licenseStatus(m_config);
    if (status.isValid()) {
        return ok(item,
                  QStringLiteral("valid for %1 until %2 (customer %3, %4)")
                      .arg(QSysInfo::machineHostName(),
                           status.license.expires.toString(Qt::ISODate),
                           status.license.licensee,
                           status.source));
    }
    const QString where = status.source.isEmpty() ? m_config.licenseDir : status.source;
    const QString install =
        QStringLiteral("install the license file from your vendor: %1 (the vendor makes one with sra-license issue)")
            .arg(setupCommand(m_paths, realRoot(), QStringLiteral("license install FILE")));
    const QString fix = status.code == core::LicenseStatus::NotYetValid
                            ? QStringLiteral("check the clock (timedatectl), or %1").arg(install)
                            : install;
    return fail(item, QStringLiteral("%1 (%2)").arg(core::licenseStatusMessage(status), where), fix);
}

QList<CheckResult> SradCheck::identity()
{
    const QString item = QStringLiteral("TLS identity");
    const QString regenerate = setupCommand(m_paths, realRoot(), QStringLiteral("-g --force"));
    for (const QString& file : {m_config.certificateFile, m_config.keyFile}) {
        if (!QFileInfo::exists(file)) {
            return {fail(item,
                         QStringLiteral("%1 does not exist").arg(file),
                         QStringLiteral("generate the identity: %1")
                             .arg(setupCommand(m_paths, realRoot(), QStringLiteral("-g"))))};
        }
    }
    core::TlsIdentity identity;
    QString error;
    if (!core::TlsIdentity::load(m_config.certificateFile, m_config.keyFile, identity, error)) {
        return {
            fail(item,
                 error,
                 QStringLiteral("do as it says, or make a new identity: %1 (admins then confirm its new fingerprint)")
                     .arg(regenerate))};
    }
    m_fingerprint = identity.sha256Fingerprint();
    const QDateTime expiry = identity.certificate.expiryDate().toUTC();
    const qint64 daysLeft = QDateTime::currentDateTimeUtc().daysTo(expiry);
    const QString renew =
        QStringLiteral("make a new identity: %1 and give admins the new fingerprint (srad --fingerprint)")
            .arg(regenerate);
    QList<CheckResult> results;
    if (expiry <= QDateTime::currentDateTimeUtc()) {
        results.append(fail(
            item, QStringLiteral("SHA-256 %1, expired on %2").arg(m_fingerprint, expiry.toString(Qt::ISODate)), renew));
    } else if (daysLeft <= kExpiryWarningDays) {
        results.append(fail(item,
                            QStringLiteral("SHA-256 %1, expires on %2, in %3 days")
                                .arg(m_fingerprint, expiry.toString(Qt::ISODate))
                                .arg(daysLeft),
                            renew));
    } else {
        results.append(
            ok(item, QStringLiteral("SHA-256 %1, valid until %2").arg(m_fingerprint, expiry.toString(Qt::ISODate))));
    }

    // Whether srad.service (User=sra-srad) can read the key: only root can tell for another user, and only the
    // real machine has that user's groups.
    if (!realRoot() || ::geteuid() != 0) {
        return results;
    }
    const passwd* pw = ::getpwnam(core::kServiceAccount);
    if (!pw) {
        return results;
    }
    const uint uid = pw->pw_uid;
    const QList<uint> groups = groupsOf(core::kServiceAccount, pw->pw_gid);
    const QString keyItem = QStringLiteral("TLS key access");
    const QString key = QFileInfo(m_config.keyFile).absoluteFilePath();
    // Every directory on the way must let the user through, then the file must let it read.
    QStringList steps;
    for (QString dir = QFileInfo(key).absolutePath(); dir != QLatin1String("/"); dir = QFileInfo(dir).absolutePath()) {
        steps.prepend(dir);
    }
    steps.append(key);
    for (const QString& path : steps) {
        struct stat st
        {};

        if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
            results.append(fail(keyItem,
                                QStringLiteral("cannot look at %1").arg(path),
                                QStringLiteral("check the path of [identity] key")));
            return results;
        }
        const FileOwnership ownership{st.st_uid, st.st_gid, st.st_mode};
        const bool isKey = path == key;
        if (!userMay(ownership, uid, groups, isKey ? Access::Read : Access::Search)) {
            const QString fix =
                isKey ? QStringLiteral("chgrp %1 %2 && chmod 640 %2").arg(QLatin1String(core::kServiceAccount), key)
                      : QStringLiteral("chmod 755 %1").arg(path);
            results.append(fail(keyItem,
                                QStringLiteral("%1 cannot %2 %3 (%4)")
                                    .arg(QLatin1String(core::kServiceAccount),
                                         isKey ? QStringLiteral("read") : QStringLiteral("enter"),
                                         path,
                                         ownershipText(st)),
                                fix));
            return results;
        }
    }
    results.append(ok(keyItem, QStringLiteral("%1 may read %2").arg(QLatin1String(core::kServiceAccount), key)));
    return results;
}

QList<CheckResult> SradCheck::pairings()
{
    const QString item = QStringLiteral("paired accounts");
    const QString pair =
        QStringLiteral("pair an admin's certificate: %1")
            .arg(setupCommand(m_paths, realRoot(), QStringLiteral("pair --user ACCOUNT --cert CERT.pem")));
    core::PairingStore store;
    QString error;
    if (!core::PairingStore::load(m_config.pairingsFile, store, error)) {
        return {fail(
            item, error, QStringLiteral("correct the file (docs/CONFIGURATION.md), or move it away and %1").arg(pair))};
    }
    QStringList accounts;
    for (const core::KeyPairing& key : store.keys()) {
        if (!accounts.contains(key.account)) {
            accounts.append(key.account);
        }
    }
    // Rules apply only to certificates that chain to the CA bundle (PairingStore::match), so without one they
    // let nobody in.
    const bool rulesApply = !m_config.caBundleFile.isEmpty();
    const QString found =
        QStringLiteral("%1 paired certificate(s)%2, %3 rule(s)%4 in %5")
            .arg(store.keys().size())
            .arg(accounts.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(accounts.join(QStringLiteral(", "))))
            .arg(store.rules().size())
            .arg(store.rules().isEmpty() || rulesApply ? QString() : QStringLiteral(" (inactive: no [auth] ca_bundle)"))
            .arg(m_config.pairingsFile);
    QList<CheckResult> results;
    if (store.keys().isEmpty() && (store.rules().isEmpty() || !rulesApply)) {
        results.append(fail(item, found, pair));
    } else {
        results.append(ok(item, found));
    }
    const QString passwdFile = underRoot(QStringLiteral("/etc/passwd"));
    for (const QString& account : accounts) {
        const QString accountItem = QStringLiteral("paired account %1").arg(account);
        const QString fix =
            QStringLiteral("create the account (adduser %1) or remove the pairing: %2")
                .arg(account, setupCommand(m_paths, realRoot(), QStringLiteral("unpair --user %1").arg(account)));
        if (realRoot()) {
            if (!core::systemAccountExists(account)) {
                results.append(fail(accountItem, QStringLiteral("there is no such account on this machine"), fix));
            }
            continue;
        }
        switch (core::lookUpPasswdFile(passwdFile, account, error)) {
        case core::PasswdLookup::Found:
            break;
        case core::PasswdLookup::NotFound:
            results.append(fail(accountItem, QStringLiteral("there is no such account in %1").arg(passwdFile), fix));
            break;
        case core::PasswdLookup::Unreadable:
            results.append(fail(accountItem, error, fix));
            break;
        }
    }
    return results;
}

} // namespace sra::srad
