#include "core/remote/SmartcardLoginState.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

namespace sra::core {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("SmartcardLoginState", text);
}

constexpr qsizetype kMaxStateSize = 4 * 1024 * 1024; // PAM files are small; this is many of them
constexpr qsizetype kMaxOriginal = 256 * 1024;

bool onlyKeys(const QJsonObject& object, const QStringList& allowed, QString& unknown)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!allowed.contains(it.key())) {
            unknown = it.key();
            return false;
        }
    }
    return true;
}

bool isHex64(const QString& text)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    return hex.match(text).hasMatch();
}
} // namespace

bool SmartcardLoginState::isValidServiceName(const QString& name)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9_.+-]{1,64}$"));
    return valid.match(name).hasMatch() && name != QLatin1String(".") && name != QLatin1String("..");
}

const SmartcardLoginService* SmartcardLoginState::find(const QString& pamDir, const QString& service) const
{
    for (const SmartcardLoginService& s : services) {
        if (s.pamDir == pamDir && s.service == service) {
            return &s;
        }
    }
    return nullptr;
}

bool SmartcardLoginState::parse(const QByteArray& json, SmartcardLoginState& out, QString& error)
{
    out = {};
    const QString file = QStringLiteral("state.json");
    if (json.size() > kMaxStateSize) {
        error = tr("%1 is too large to be sra-setup's smart-card login state.").arg(file);
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        error = tr("%1 is not a JSON object (%2); restore it from a backup or remove the entries by hand.")
                    .arg(file, parseError.errorString());
        return false;
    }
    const QJsonObject root = doc.object();
    QString unknown;
    if (!onlyKeys(root,
                  {QStringLiteral("version"),
                   QStringLiteral("backend"),
                   QStringLiteral("pkcs11_module"),
                   QStringLiteral("services")},
                  unknown)) {
        error = tr("%1: unknown member \"%2\".").arg(file, unknown);
        return false;
    }
    if (root.value(QStringLiteral("version")) != QJsonValue(1)) {
        error = tr("%1: version must be 1.").arg(file);
        return false;
    }
    SmartcardLoginState state;
    state.backend = root.value(QStringLiteral("backend")).toString();
    if (state.backend != QLatin1String("sra") && state.backend != QLatin1String("opensc")) {
        error = tr("%1: backend must be \"sra\" or \"opensc\".").arg(file);
        return false;
    }
    state.pkcs11Module = root.value(QStringLiteral("pkcs11_module")).toString();
    if (!root.value(QStringLiteral("pkcs11_module")).isString() || !QDir::isAbsolutePath(state.pkcs11Module)
        || state.pkcs11Module.contains(QLatin1Char('\n'))) {
        error = tr("%1: pkcs11_module must be an absolute path.").arg(file);
        return false;
    }
    const QJsonValue services = root.value(QStringLiteral("services"));
    if (!services.isArray()) {
        error = tr("%1: services must be an array.").arg(file);
        return false;
    }
    QSet<QString> seen;
    const QJsonArray list = services.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString where = QStringLiteral("%1: services[%2]").arg(file).arg(i);
        if (!list.at(i).isObject()) {
            error = tr("%1 must be an object.").arg(where);
            return false;
        }
        const QJsonObject entry = list.at(i).toObject();
        if (!onlyKeys(entry,
                      {QStringLiteral("pam_dir"),
                       QStringLiteral("service"),
                       QStringLiteral("original"),
                       QStringLiteral("written_sha256")},
                      unknown)) {
            error = tr("%1: unknown member \"%2\".").arg(where, unknown);
            return false;
        }
        SmartcardLoginService s;
        s.pamDir = entry.value(QStringLiteral("pam_dir")).toString();
        s.service = entry.value(QStringLiteral("service")).toString();
        if (!QDir::isAbsolutePath(s.pamDir) || s.pamDir != QDir::cleanPath(s.pamDir)) {
            error = tr("%1.pam_dir must be a clean absolute path.").arg(where);
            return false;
        }
        if (!isValidServiceName(s.service)) {
            error = tr("%1.service is not a PAM service name.").arg(where);
            return false;
        }
        const QString key = s.pamDir + QLatin1Char('/') + s.service;
        if (seen.contains(key)) {
            error = tr("%1 lists %2 a second time.").arg(where, key);
            return false;
        }
        seen.insert(key);
        const QJsonValue original = entry.value(QStringLiteral("original"));
        if (original.isString()) {
            const auto decoded =
                QByteArray::fromBase64Encoding(original.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded || decoded.decoded.size() > kMaxOriginal) {
                error = tr("%1.original is not base64 of a PAM file.").arg(where);
                return false;
            }
            s.original = *decoded;
        } else if (!original.isNull()) {
            error = tr("%1.original must be base64 text or null.").arg(where);
            return false;
        }
        const QString written = entry.value(QStringLiteral("written_sha256")).toString();
        if (!isHex64(written)) {
            error = tr("%1.written_sha256 must be 64 lower-case hexadecimal digits.").arg(where);
            return false;
        }
        s.writtenSha256 = QByteArray::fromHex(written.toLatin1());
        state.services.append(s);
    }
    out = state;
    return true;
}

QByteArray SmartcardLoginState::toJson() const
{
    QJsonArray list;
    for (const SmartcardLoginService& s : services) {
        QJsonObject entry;
        entry.insert(QStringLiteral("pam_dir"), s.pamDir);
        entry.insert(QStringLiteral("service"), s.service);
        entry.insert(QStringLiteral("original"),
                     s.original ? QJsonValue(QString::fromLatin1(s.original->toBase64()))
                                : QJsonValue(QJsonValue::Null));
        entry.insert(QStringLiteral("written_sha256"), QString::fromLatin1(s.writtenSha256.toHex()));
        list.append(entry);
    }
    QJsonObject root;
    root.insert(QStringLiteral("version"), 1);
    root.insert(QStringLiteral("backend"), backend);
    root.insert(QStringLiteral("pkcs11_module"), pkcs11Module);
    root.insert(QStringLiteral("services"), list);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace sra::core
