#include "core/remote/ConnectedAdmins.h"

#include "core/remote/PairingStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSaveFile>

#include <algorithm>

namespace sra::core {

namespace {
constexpr qint64 kMaxRecord = 64 * 1024;
constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

QString tr(const char* text)
{
    return QCoreApplication::translate("ConnectedAdmins", text);
}
} // namespace

ConnectedAdmins::ConnectedAdmins(const SradPaths& paths)
    : m_paths(paths)
{}

QString ConnectedAdmins::directory() const
{
    return m_paths.runtimeDir() + QStringLiteral("/admins");
}

bool ConnectedAdmins::isValidSessionId(const QString& id)
{
    static const QRegularExpression valid(QStringLiteral("^[0-9a-f]{32}$"));
    return valid.match(id).hasMatch();
}

QByteArray ConnectedAdmins::serialize(const ConnectedAdmin& admin)
{
    QByteArray text;
    text += "session: " + admin.sessionId.toUtf8() + '\n';
    text += "account: " + admin.account.toUtf8() + '\n';
    text += "peer: " + admin.peer.toUtf8() + '\n';
    text += "since: " + admin.since.toUTC().toString(Qt::ISODate).toUtf8() + '\n';
    text += admin.certificate.toPem();
    return text;
}

bool ConnectedAdmins::parse(const QByteArray& text, ConnectedAdmin& out)
{
    out = ConnectedAdmin();
    if (text.size() > kMaxRecord) {
        return false;
    }
    const qsizetype pem = text.indexOf("-----BEGIN CERTIFICATE-----");
    if (pem < 0) {
        return false;
    }
    ConnectedAdmin admin;
    for (const QByteArray& line : text.left(pem).split('\n')) {
        if (line.isEmpty()) {
            continue;
        }
        const qsizetype colon = line.indexOf(": ");
        if (colon < 0) {
            return false;
        }
        const QByteArray key = line.left(colon);
        const QString value = QString::fromUtf8(line.mid(colon + 2));
        if (key == "session") {
            admin.sessionId = value;
        } else if (key == "account") {
            admin.account = value;
        } else if (key == "peer") {
            admin.peer = value;
        } else if (key == "since") {
            admin.since = QDateTime::fromString(value, Qt::ISODate);
        } else {
            return false;
        }
    }
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(text.mid(pem), QSsl::Pem);
    if (!isValidSessionId(admin.sessionId) || !PairingStore::isValidAccountName(admin.account)
        || certificates.size() != 1 || certificates.first().isNull()) {
        return false;
    }
    admin.certificate = certificates.first();
    out = admin;
    return true;
}

bool ConnectedAdmins::record(const ConnectedAdmin& admin, QString& error) const
{
    const QString dir = directory();
    if (!QDir().mkpath(dir)
        || !QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner)) {
        error = tr("cannot create %1 (mode 700)").arg(dir);
        return false;
    }
    if (!isValidSessionId(admin.sessionId)) {
        error = tr("session id %1 is not srad's").arg(admin.sessionId);
        return false;
    }
    QSaveFile out(dir + QLatin1Char('/') + admin.sessionId);
    const QByteArray bytes = serialize(admin);
    if (!out.open(QIODevice::WriteOnly) || !out.setPermissions(kOwnerOnly) || out.write(bytes) != bytes.size()
        || !out.commit()) {
        error = tr("cannot write %1 (%2)").arg(out.fileName(), out.errorString());
        return false;
    }
    return true;
}

void ConnectedAdmins::forget(const QString& sessionId) const
{
    if (isValidSessionId(sessionId)) {
        QFile::remove(directory() + QLatin1Char('/') + sessionId);
    }
}

void ConnectedAdmins::clear() const
{
    const QDir dir(directory());
    for (const QString& name : dir.entryList(QDir::Files)) {
        QFile::remove(dir.filePath(name));
    }
}

QList<ConnectedAdmin> ConnectedAdmins::list() const
{
    QList<ConnectedAdmin> admins;
    const QDir dir(directory());
    for (const QString& name : dir.entryList(QDir::Files)) {
        QFile f(dir.filePath(name));
        ConnectedAdmin admin;
        if (f.open(QIODevice::ReadOnly) && parse(f.read(kMaxRecord + 1), admin) && admin.sessionId == name) {
            admins.append(admin);
        }
    }
    std::sort(admins.begin(), admins.end(), [](const ConnectedAdmin& a, const ConnectedAdmin& b) {
        return a.since < b.since;
    });
    return admins;
}

} // namespace sra::core
