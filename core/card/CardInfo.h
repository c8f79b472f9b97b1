#pragma once

#include "core/base/Result.h"
#include "core/piv/ApduChannel.h"
#include "core/piv/PivObjects.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QSslCertificate>
#include <QString>

#include <optional>

namespace sra::core {

// One key slot's certificate as read from the card.
struct SlotCertificate
{
    std::uint8_t slot = 0;
    QSslCertificate certificate;
    std::optional<piv::PivAlgorithm> algorithm; // from the certificate's public key; nullopt if unsupported

    QString subject() const;              // RFC 4514-like "CN=…, O=…"
    QByteArray sha256Fingerprint() const; // raw 32 bytes of SHA-256 over the DER certificate
    QString fingerprintText() const;      // AA:BB:… as users compare them
};

// What the admin window and `sra-card list` show about a card.
struct CardInfo
{
    QString cardholder;                  // the PIV Authentication certificate's common name
    QList<SlotCertificate> certificates; // in slot order 9A 9C 9D 9E, only those present
    int pinTriesLeft = -1;               // -1: the card did not say (PIN already verified in this session)

    const SlotCertificate* find(std::uint8_t slot) const;
};

// The PIV algorithm that matches a certificate's public key (RSA-2048, EC P-256, EC P-384), if any.
std::optional<piv::PivAlgorithm> pivAlgorithmOf(const QSslCertificate& certificate);

// Reads everything CardInfo holds in one transaction: SELECT, the four certificates, the PIN retry counter.
// Missing certificates are skipped (a card may have only 9A); any other failure is returned.
base::Result<CardInfo> readCardInfo(piv::ApduChannel& channel);

} // namespace sra::core
