#include "remote-service/SradCheck.h"

#include "core/license/License.h"
#include "core/remote/LocalAccounts.h"
#include "core/remote/PairingStore.h"
#include "core/remote/TlsIdentity.h"
#include "core/tls/Fingerprint.h"
#include "remote-service/SradService.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocalSocket>
#include <QSet>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QSysInfo>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace sra::srad {

namespace {

// An identity that expires within this many days is reported now, while there is time to hand admins the new
// fingerprint before every connection fails.
constexpr qint64 kExpiryWarningDays = 30;
// reader.conf.d and p11-kit files are a few lines; anything larger is not one of them.
constexpr qint64 kMaxSmallConfigFile = 64 * 1024;
// The package that installs the driver, the module and their registrations.
constexpr char kPackage[] = "sra-remote";

QString startFix()
{
    return QStringLiteral("start the service: systemctl start srad (why it stopped: journalctl -u srad)");
}

QString reinstallFix()
{
    return QStringLiteral("reinstall the package: apt install --reinstall %1").arg(QLatin1String(kPackage));
}

CheckResult ok(const QString& item, const QString& found)
{
    return CheckResult{true, item, found, {}};
}

CheckResult fail(const QString& item, const QString& found, const QString& fix)
{
    return CheckResult{false, item, found, fix};
}

QByteArray readSmallFile(const QString& file, QString& error)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        error = QStringLiteral("cannot read %1 (%2)").arg(file, f.errorString());
        return {};
    }
    const QByteArray bytes = f.read(kMaxSmallConfigFile + 1);
    if (bytes.size() > kMaxSmallConfigFile) {
        error = QStringLiteral("%1 is larger than %2 bytes").arg(file).arg(kMaxSmallConfigFile);
        return {};
    }
    return bytes;
}

// The readable form of an address and port: [v6]:port, v4:port.
QString endpoint(const QHostAddress& address, quint16 port)
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(address.toString())
                             : address.toString();
    return QStringLiteral("%1:%2").arg(host).arg(port);
}

// A wildcard address is reached through the loopback of its family; any other address as it is.
QHostAddress connectTarget(const QHostAddress& address)
{
    if (address == QHostAddress(QHostAddress::AnyIPv4)) {
        return QHostAddress(QHostAddress::LocalHost);
    }
    if (address == QHostAddress(QHostAddress::AnyIPv6)) {
        return QHostAddress(QHostAddress::LocalHostIPv6);
    }
    return address;
}

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

// sra-setup as the fix for this tree: with --root when the check looks at one.
QString setupCommand(const core::SradPaths& paths, bool realRoot, const QString& arguments)
{
    return realRoot ? QStringLiteral("sra-setup %1").arg(arguments)
                    : QStringLiteral("sra-setup --root %1 %2").arg(paths.root, arguments);
}

// The keywords a reader entry still lacks, for the line that says why pcscd ignores it.
QString missingKeywords(const ReaderConfEntry& entry)
{
    QStringList missing;
    for (const auto& [value, keyword] : {
             std::pair{&entry.friendlyName, "FRIENDLYNAME"},
             std::pair{&entry.deviceName,   "DEVICENAME"  },
             std::pair{&entry.libPath,      "LIBPATH"     },
             std::pair{&entry.channelId,    "CHANNELID"   }
    }) {
        if (value->isEmpty()) {
            missing.append(QLatin1String(keyword));
        }
    }
    return missing.join(QStringLiteral(", "));
}

} // namespace

QString CheckResult::line() const
{
    QString text =
        ok ? QStringLiteral("OK   %1: %2").arg(item, found) : QStringLiteral("FAIL %1: %2 — %3").arg(item, found, fix);
    // Messages from elsewhere (OpenSSL, Qt, a file name) must not break the one-line-per-item promise.
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    return text;
}

ReaderConf parseReaderConf(const QByteArray& text)
{
    ReaderConf result;
    ReaderConfEntry entry;
    bool started = false;
    const QList<QByteArray> lines = text.split('\n');
    QByteArray pendingKey; // a keyword whose value has not come yet
    int pendingLine = 0;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNo = static_cast<int>(i + 1);
        const QByteArray& line = lines.at(i);
        // Tokens: a quoted string (to the closing quote or the end of the line) or a run of non-blanks; a token
        // that starts with '#' starts a comment that runs to the end of the line.
        QList<QByteArray> tokens;
        for (qsizetype p = 0; p < line.size();) {
            const char c = line.at(p);
            if (c == ' ' || c == '\t' || c == '\r') {
                ++p;
                continue;
            }
            if (c == '#') {
                break;
            }
            qsizetype end = p + 1;
            if (c == '"') {
                while (end < line.size() && line.at(end) != '"') {
                    ++end;
                }
                end = qMin(end + 1, line.size());
            } else {
                while (end < line.size() && line.at(end) != ' ' && line.at(end) != '\t' && line.at(end) != '\r') {
                    ++end;
                }
            }
            tokens.append(line.mid(p, end - p));
            p = end;
        }
        if (!pendingKey.isEmpty() && !tokens.isEmpty()) {
            // pcscd wants the value on the keyword's line; a value on the next line is an error there.
            result.errors.append(QStringLiteral("line %1: %2 has no value on its line")
                                     .arg(pendingLine)
                                     .arg(QString::fromUtf8(pendingKey)));
            pendingKey.clear();
        }
        for (const QByteArray& token : tokens) {
            if (pendingKey.isEmpty()) {
                pendingKey = token;
                pendingLine = lineNo;
                continue;
            }
            const QString value = QString::fromUtf8(token);
            QString* field = nullptr;
            if (pendingKey == "FRIENDLYNAME") {
                field = &entry.friendlyName;
            } else if (pendingKey == "DEVICENAME") {
                field = &entry.deviceName;
            } else if (pendingKey == "LIBPATH") {
                field = &entry.libPath;
            } else if (pendingKey == "CHANNELID") {
                field = &entry.channelId;
            }
            if (!field) {
                result.errors.append(
                    QStringLiteral("line %1: unknown keyword %2").arg(pendingLine).arg(QString::fromUtf8(pendingKey)));
            } else if (!field->isEmpty()) {
                result.errors.append(QStringLiteral("line %1: %2 twice in one reader (each reader needs FRIENDLYNAME, "
                                                    "DEVICENAME, LIBPATH and CHANNELID once)")
                                         .arg(pendingLine)
                                         .arg(QString::fromUtf8(pendingKey)));
            } else {
                if (!started) {
                    entry.line = pendingLine;
                    started = true;
                }
                // pcscd strips the quotes of the friendly name only; any other value is used as written.
                *field = pendingKey == "FRIENDLYNAME" ? QString(value).remove(QLatin1Char('"')) : value;
            }
            pendingKey.clear();
            if (!entry.friendlyName.isEmpty() && !entry.deviceName.isEmpty() && !entry.libPath.isEmpty()
                && !entry.channelId.isEmpty()) {
                result.readers.append(entry);
                entry = ReaderConfEntry{};
                started = false;
            }
        }
    }
    if (!pendingKey.isEmpty()) {
        result.errors.append(
            QStringLiteral("line %1: %2 has no value").arg(pendingLine).arg(QString::fromUtf8(pendingKey)));
    }
    if (started) {
        result.incomplete.append(entry);
    }
    return result;
}

P11KitModuleConf parseP11KitModule(const QByteArray& text)
{
    P11KitModuleConf result;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNo = static_cast<int>(i + 1);
        const QString line = QString::fromUtf8(lines.at(i)).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#'))) {
            continue;
        }
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (line.startsWith(QLatin1Char('[')) || colon <= 0) {
            result.errors.append(QStringLiteral("line %1: \"%2\" is not a \"key: value\" line").arg(lineNo).arg(line));
            continue;
        }
        // Other keys (trust-policy, enable-in, priority, ...) do not decide where the library is.
        if (line.left(colon).trimmed() == QLatin1String("module")) {
            result.module = line.mid(colon + 1).trimmed();
        }
    }
    return result;
}

QStringList p11KitModuleCandidates(const QString& module, const QString& modulePath)
{
    if (module.isEmpty()) {
        return {};
    }
    if (QDir::isAbsolutePath(module)) {
        return {QDir::cleanPath(module)};
    }
    QStringList candidates;
    for (const QString& dir : modulePath.split(QLatin1Char(':'), Qt::SkipEmptyParts)) {
        candidates.append(QDir::cleanPath(dir + QLatin1Char('/') + module));
    }
    return candidates;
}

bool userMay(const FileOwnership& file, uint uid, const QList<uint>& groups, Access access)
{
    if (uid == 0) {
        return true; // root's DAC override (srad never runs as root, but the rule is the kernel's)
    }
    // The first class that applies decides, even when a later one would allow more (mode 0604: the group may not).
    int shift = 0;
    if (uid == file.owner) {
        shift = 6;
    } else if (groups.contains(file.group)) {
        shift = 3;
    }
    return (file.mode & (static_cast<uint>(access) << shift)) != 0;
}

SradCheck::Environment SradCheck::Environment::build()
{
    Environment env;
    env.readerConfDir = QStringLiteral(SRA_PCSC_SERIALCONFDIR);
    env.p11KitModuleDirs = QStringLiteral(SRA_P11KIT_MODULE_CONFIG_DIRS).split(QLatin1Char(':'), Qt::SkipEmptyParts);
    env.p11KitModulePath = QStringLiteral(SRA_P11KIT_MODULE_PATH);
    env.ifdFileName = QStringLiteral(SRA_IFD_FILE_NAME);
    env.pkcs11FileName = QStringLiteral(SRA_PKCS11_FILE_NAME);
    return env;
}

SradCheck::SradCheck(const core::SradPaths& paths, const QString& configFile, const Environment& environment)
    : m_paths(paths)
    , m_configFile(configFile)
    , m_env(environment)
{}

SradCheck::Status SradCheck::run(const std::function<void(const CheckResult&)>& report)
{
    const CheckResult config = configuration();
    report(config);
    if (!m_configError.isEmpty()) {
        return CannotCheck;
    }
    bool allOk = config.ok;
    const auto add = [&](const CheckResult& r) {
        allOk = allOk && r.ok;
        report(r);
    };
    add(license());
    for (const CheckResult& r : identity()) {
        add(r);
    }
    for (const CheckResult& r : listening()) {
        add(r);
    }
    for (const CheckResult& r : pairings()) {
        add(r);
    }
    add(pcscdDriver());
    add(pkcs11Module());
    add(localSocket());
    add(screen());
    return allOk ? AllOk : SomethingFailed;
}

QString SradCheck::underRoot(const QString& systemPath) const
{
    return QDir::cleanPath(m_paths.root + QLatin1Char('/') + systemPath);
}

bool SradCheck::realRoot() const
{
    return QDir(m_paths.root).canonicalPath() == QLatin1String("/");
}

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

QList<CheckResult> SradCheck::listening()
{
    QList<CheckResult> results;
    for (const QHostAddress& address : m_config.listen) {
        const QString item = QStringLiteral("listening %1").arg(endpoint(address, m_config.port));
        const QHostAddress target = connectTarget(address);
        const QString where = endpoint(target, m_config.port);
        const QString findIt = QStringLiteral("see which program it is: ss -ltnp 'sport = :%1'; stop it, or give srad "
                                              "another [network] port, then: systemctl restart srad")
                                   .arg(m_config.port);
        QSslSocket socket;
        // Only the certificate is wanted, to compare with the identity; srad's is self-signed, so no chain check.
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        socket.setSslConfiguration(tls);
        socket.connectToHost(target, m_config.port);
        if (!socket.waitForConnected(m_env.networkTimeoutMs)) {
            if (socket.error() == QAbstractSocket::ConnectionRefusedError) {
                results.append(fail(item, QStringLiteral("nothing listens on %1").arg(where), startFix()));
            } else {
                results.append(fail(
                    item, QStringLiteral("cannot connect to %1 (%2)").arg(where, socket.errorString()), startFix()));
            }
            continue;
        }
        socket.startClientEncryption();
        if (!socket.waitForEncrypted(m_env.networkTimeoutMs)) {
            results.append(fail(
                item,
                QStringLiteral("another program answers on %1: no TLS handshake (%2)").arg(where, socket.errorString()),
                findIt));
            continue;
        }
        const QString answered = core::formatFingerprint(core::sha256Fingerprint(socket.peerCertificate()));
        socket.disconnectFromHost();
        if (m_fingerprint.isEmpty()) {
            results.append(
                fail(item,
                     QStringLiteral("something answers TLS on %1 with SHA-256 %2, but the configured identity does "
                                    "not load to compare it")
                         .arg(where, answered),
                     QStringLiteral("repair the TLS identity first (see above)")));
        } else if (answered != m_fingerprint) {
            results.append(fail(item,
                                QStringLiteral("another program (or another identity) answers on %1: SHA-256 %2, the "
                                               "configured identity is %3")
                                    .arg(where, answered, m_fingerprint),
                                findIt));
        } else {
            results.append(ok(item, QStringLiteral("srad is listening on %1").arg(where)));
        }
    }
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

CheckResult SradCheck::pcscdDriver()
{
    const QString item = QStringLiteral("pcscd driver");
    const QString dir = underRoot(m_env.readerConfDir);
    const QString restart = QStringLiteral("systemctl restart pcscd");
    QStringList problems; // what was seen on the way, for the FAIL line when no file registers the driver
    for (const QFileInfo& info : QDir(dir).entryInfoList(QDir::Files, QDir::Name)) {
        QString error;
        const QByteArray text = readSmallFile(info.filePath(), error);
        if (!error.isEmpty()) {
            problems.append(error);
            continue;
        }
        const ReaderConf conf = parseReaderConf(text);
        for (const ReaderConfEntry& entry : conf.incomplete) {
            problems.append(QStringLiteral("%1 line %2: a reader without %3")
                                .arg(info.filePath())
                                .arg(entry.line)
                                .arg(missingKeywords(entry)));
        }
        for (const ReaderConfEntry& entry : conf.readers) {
            if (QFileInfo(entry.libPath).fileName() != m_env.ifdFileName) {
                continue;
            }
            if (!conf.errors.isEmpty()) {
                return fail(
                    item,
                    QStringLiteral("%1 %2 (pcscd ignores what follows)").arg(info.filePath(), conf.errors.first()),
                    QStringLiteral("%1, then: %2").arg(reinstallFix(), restart));
            }
            if (!QFileInfo::exists(underRoot(entry.libPath))) {
                return fail(item,
                            QStringLiteral("%1 names LIBPATH %2, which does not exist")
                                .arg(info.filePath(), underRoot(entry.libPath)),
                            QStringLiteral("%1, then: %2").arg(reinstallFix(), restart));
            }
            // The file names the socket as the system sees it; under a staging root it may be the root-less path.
            // "sra:" before the path keeps pcscd from stat()ing it (pcscd-driver/IfdEntry.cpp); the driver drops it.
            QString socket = entry.deviceName;
            if (socket.startsWith(QLatin1String("sra:"))) {
                socket.remove(0, 4);
            }
            if (socket != m_config.relaySocket && underRoot(socket) != m_config.relaySocket) {
                return fail(item,
                            QStringLiteral("%1 has DEVICENAME %2, but srad's local socket is %3")
                                .arg(info.filePath(), entry.deviceName, m_config.relaySocket),
                            QStringLiteral("set \"DEVICENAME sra:%1\" in %2, then: %3")
                                .arg(m_config.relaySocket, info.filePath(), restart));
            }
            return ok(item,
                      QStringLiteral("%1 registers %2 for %3").arg(info.filePath(), entry.libPath, entry.deviceName));
        }
        if (!conf.errors.isEmpty()) {
            problems.append(QStringLiteral("%1 %2").arg(info.filePath(), conf.errors.first()));
        }
    }
    const QString none = QStringLiteral("no reader in %1 has LIBPATH .../%2").arg(dir, m_env.ifdFileName);
    return fail(item,
                problems.isEmpty() ? none : QStringLiteral("%1 (%2)").arg(none, problems.join(QStringLiteral("; "))),
                QStringLiteral("%1, then: %2").arg(reinstallFix(), restart));
}

CheckResult SradCheck::pkcs11Module()
{
    const QString item = QStringLiteral("PKCS#11 module");
    QStringList dirs;
    for (const QString& dir : m_env.p11KitModuleDirs) {
        dirs.append(underRoot(dir));
    }
    dirs.removeDuplicates();
    for (const QString& dir : dirs) {
        for (const QFileInfo& info : QDir(dir).entryInfoList({QStringLiteral("*.module")}, QDir::Files, QDir::Name)) {
            QString error;
            const P11KitModuleConf conf = parseP11KitModule(readSmallFile(info.filePath(), error));
            if (!error.isEmpty() || QFileInfo(conf.module).fileName() != m_env.pkcs11FileName) {
                continue;
            }
            if (!conf.errors.isEmpty()) {
                return fail(
                    item,
                    QStringLiteral("%1 %2 (p11-kit ignores the file)").arg(info.filePath(), conf.errors.first()),
                    reinstallFix());
            }
            QStringList looked;
            for (const QString& candidate : p11KitModuleCandidates(conf.module, m_env.p11KitModulePath)) {
                if (QFileInfo::exists(underRoot(candidate))) {
                    return ok(item, QStringLiteral("%1 registers %2").arg(info.filePath(), underRoot(candidate)));
                }
                looked.append(underRoot(candidate));
            }
            return fail(item,
                        QStringLiteral("%1 names module %2, which does not exist (%3)")
                            .arg(info.filePath(), conf.module, looked.join(QStringLiteral(", "))),
                        reinstallFix());
        }
    }
    return fail(
        item,
        QStringLiteral("no *.module file in %1 names %2").arg(dirs.join(QStringLiteral(" or ")), m_env.pkcs11FileName),
        reinstallFix());
}

CheckResult SradCheck::localSocket()
{
    const QString item = QStringLiteral("local socket");
    const QString path = m_config.relaySocket;
    if (!QFileInfo::exists(path)) {
        return fail(item, QStringLiteral("%1 does not exist: srad is not running").arg(path), startFix());
    }
    QLocalSocket socket;
    socket.connectToServer(path);
    if (socket.waitForConnected(m_env.networkTimeoutMs)) {
        socket.abort();
        return ok(item, QStringLiteral("srad accepts connections on %1").arg(path));
    }
    if (socket.error() == QLocalSocket::SocketAccessError) {
        return fail(item,
                    QStringLiteral("%1 refuses this user (%2)").arg(path, socket.errorString()),
                    QStringLiteral("run the check as root or as %1: sudo srad --check")
                        .arg(QLatin1String(core::kServiceAccount)));
    }
    return fail(item,
                QStringLiteral("%1 exists but nothing accepts connections on it (%2)").arg(path, socket.errorString()),
                startFix());
}

CheckResult SradCheck::screen()
{
    const QString item = QStringLiteral("screen sharing");
    const QString& backend = m_config.screenBackend;
    if (backend.isEmpty()) {
        return ok(item,
                  QStringLiteral("not set up (optional; %1 enables it)")
                      .arg(setupCommand(m_paths, realRoot(), QStringLiteral("-s"))));
    }
    if (backend == QLatin1String("x11vnc")) {
        // The program srad will start: the configured one, else x11vnc from PATH (X11VncBackend does the same).
        const QString program = m_config.screenX11vnc.isEmpty()
                                    ? QStandardPaths::findExecutable(QStringLiteral("x11vnc"))
                                    : m_config.screenX11vnc;
        const QFileInfo info(program);
        if (program.isEmpty() || !info.isFile() || !info.isExecutable()) {
            return fail(item,
                        program.isEmpty() ? QStringLiteral("x11vnc is not in PATH")
                                          : QStringLiteral("%1 is not an executable program").arg(program),
                        QStringLiteral("install it: apt install x11vnc"));
        }
        return ok(item, QStringLiteral("x11vnc %1 for display %2").arg(program, m_config.screenDisplay));
    }
    if (backend == QLatin1String("agent")) {
        // Backend agent (remote-service/ScreenAgents): srad listens on SradPaths::screenAgentSocket() and the
        // console session's sra-screen-agent connects to it. Only the socket's presence is checked here (a
        // connected agent is srad's knowledge, not the file system's); the agent's owners may refine this.
        const QString socket = m_paths.screenAgentSocket();
        if (QFileInfo::exists(socket)) {
            return ok(item, QStringLiteral("backend agent, screen agents connect to %1").arg(socket));
        }
        return fail(
            item, QStringLiteral("backend agent, but %1 does not exist: srad is not running").arg(socket), startFix());
    }
    return fail(item,
                QStringLiteral("unknown [screen] backend \"%1\"").arg(backend),
                QStringLiteral("prepare screen sharing again: %1")
                    .arg(setupCommand(m_paths, realRoot(), QStringLiteral("-s"))));
}

} // namespace sra::srad
