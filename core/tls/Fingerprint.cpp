#include "core/tls/Fingerprint.h"

#include <QCryptographicHash>
#include <QRegularExpression>

namespace sra::core {

QString formatFingerprint(const QByteArray& digest)
{
    return QString::fromLatin1(digest.toHex(':').toUpper());
}

QByteArray parseFingerprint(const QString& text)
{
    static const QRegularExpression prefix(QStringLiteral("^(sha1|sha256|sha-1|sha-256)\\s+fingerprint\\s*=\\s*"),
                                           QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression formatted(QStringLiteral("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})*$"));
    static const QRegularExpression plain(QStringLiteral("^[0-9A-Fa-f]+$"));
    QString value = text.trimmed();
    value.remove(prefix);
    QString hex;
    if (formatted.match(value).hasMatch()) {
        hex = value;
        hex.remove(QLatin1Char(':'));
    } else if (plain.match(value).hasMatch() && value.size() % 2 == 0) {
        hex = value;
    } else {
        return {};
    }
    const QByteArray digest = QByteArray::fromHex(hex.toLatin1());
    if (digest.size() != 32 && digest.size() != 20) {
        return {};
    }
    return digest;
}

QByteArray sha256Fingerprint(const QSslCertificate& certificate)
{
    return certificate.isNull() ? QByteArray() : certificate.digest(QCryptographicHash::Sha256);
}

} // namespace sra::core
