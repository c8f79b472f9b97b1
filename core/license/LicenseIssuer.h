#pragma once

#include "core/license/License.h"

#include <QByteArray>
#include <QString>

// The vendor side of the license format: keys and signing (used by sra-license and by tests). Errors are
// returned as English text in `error`; nothing throws.
namespace sra::core {

// A new Ed25519 private key as unencrypted PKCS#8 PEM. Empty on failure.
QByteArray generateLicenseKeyPem(QString* error = nullptr);

// The raw 32-byte Ed25519 public key of a PEM public key (SubjectPublicKeyInfo) or of a PEM private key.
// Empty when the PEM is not an Ed25519 key.
QByteArray licensePublicKeyFromPem(const QByteArray& pem, QString* error = nullptr);

// The PEM public key (SubjectPublicKeyInfo) of a PEM Ed25519 private key. Empty on failure.
QByteArray licensePublicKeyPemFromPrivate(const QByteArray& privateKeyPem, QString* error = nullptr);

// The 64-byte Ed25519 signature of `message` with a PEM Ed25519 private key. Empty on failure.
QByteArray signLicensePayload(const QByteArray& message, const QByteArray& privateKeyPem, QString* error = nullptr);

// Checks the fields, serialises them canonically, signs and armours: the text of a .sralic file.
// Empty on failure.
QByteArray issueLicense(const License& license, const QByteArray& privateKeyPem, QString* error = nullptr);

} // namespace sra::core
