#include "core/card/CardInfo.h"

#include "core/piv/PivClient.h"

#include <QCryptographicHash>
#include <QSslKey>

namespace sra::core {

QString SlotCertificate::subject() const
{
    // Most significant first as openssl prints it: CN first for a person's certificate.
    QStringList parts;
    for (const QByteArray& attribute : certificate.subjectInfoAttributes()) {
        for (const QString& value : certificate.subjectInfo(attribute)) {
            parts.append(QString::fromLatin1(attribute) + QLatin1Char('=') + value);
        }
    }
    return parts.join(QStringLiteral(", "));
}

QByteArray SlotCertificate::sha256Fingerprint() const
{
    return certificate.digest(QCryptographicHash::Sha256);
}

QString SlotCertificate::fingerprintText() const
{
    return QString::fromLatin1(sha256Fingerprint().toHex(':').toUpper());
}

const SlotCertificate* CardInfo::find(std::uint8_t slot) const
{
    for (const auto& c : certificates) {
        if (c.slot == slot) {
            return &c;
        }
    }
    return nullptr;
}

std::optional<piv::PivAlgorithm> pivAlgorithmOf(const QSslCertificate& certificate)
{
    const QSslKey key = certificate.publicKey();
    if (key.algorithm() == QSsl::Rsa && key.length() == 2048) {
        return piv::PivAlgorithm::Rsa2048;
    }
    if (key.algorithm() == QSsl::Ec && key.length() == 256) {
        return piv::PivAlgorithm::EccP256;
    }
    if (key.algorithm() == QSsl::Ec && key.length() == 384) {
        return piv::PivAlgorithm::EccP384;
    }
    return std::nullopt;
}

base::Result<CardInfo> readCardInfo(piv::ApduChannel& channel)
{
    piv::TransactionGuard transaction(channel);
    if (!transaction.status()) {
        return transaction.status().error();
    }
    piv::PivClient client(channel);
    if (auto selected = client.select(); !selected) {
        return selected.error();
    }
    CardInfo info;
    for (const auto& slot : piv::pivKeySlots()) {
        auto der = client.readCertificate(slot.id);
        if (!der) {
            if (der.error().code == base::ErrorCode::NotFound) {
                continue;
            }
            return der.error();
        }
        SlotCertificate entry;
        entry.slot = slot.id;
        entry.certificate = QSslCertificate(
            QByteArray(reinterpret_cast<const char*>(der->data()), static_cast<qsizetype>(der->size())), QSsl::Der);
        if (entry.certificate.isNull()) {
            return base::makeError(base::ErrorCode::Malformed, "the certificate in a key slot is not valid X.509");
        }
        entry.algorithm = pivAlgorithmOf(entry.certificate);
        info.certificates.append(entry);
    }
    if (const auto* auth = info.find(0x9A)) {
        const QStringList names = auth->certificate.subjectInfo(QSslCertificate::CommonName);
        info.cardholder = names.value(0);
    }
    auto tries = client.pinTriesLeft();
    if (!tries) {
        return tries.error();
    }
    info.pinTriesLeft = tries.value();
    return info;
}

} // namespace sra::core
