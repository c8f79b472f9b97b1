#pragma once

#include "core/wire/Message.h"

#include <QByteArray>
#include <QDateTime>
#include <QSslCertificate>
#include <QString>

namespace sra::core {

constexpr int kNonceSize = 32;

// 32 bytes from OpenSSL's CSPRNG (RAND_bytes); empty if the generator failed, which callers treat as fatal.
QByteArray randomNonce();

// D = SHA-256("SRA-AUTH-1" ‖ SHA-256(server certificate DER) ‖ client nonce ‖ server nonce ‖
//             SHA-256(admin certificate DER)). The card signs D as a SHA-256 message digest. Binding the server's
// TLS certificate means a signature made for one server (or for a man in the middle) is useless at another.
QByteArray authChallengeDigest(const QByteArray& serverCertificateDer,
                               const QByteArray& clientNonce,
                               const QByteArray& serverNonce,
                               const QByteArray& adminCertificateDer);

enum class AdminCertificateCheck
{
    Ok,
    Unsupported, // not RSA-2048, EC P-256 or EC P-384
    NotYetValid,
    Expired,
    Untrusted, // a CA bundle is configured and the certificate does not chain to it
};

// Validity period at `now` and, when `caBundleFile` is not empty, an X.509 chain to one of its certificates.
AdminCertificateCheck checkAdminCertificate(const QSslCertificate& certificate,
                                            const QString& caBundleFile,
                                            const QDateTime& now,
                                            QString* detail = nullptr);

// Verifies a card signature over D with the certificate's public key: RSA PKCS#1 v1.5 with a SHA-256
// DigestInfo, or ECDSA (DER) over D.
bool verifyAuthSignature(const QSslCertificate& adminCertificate,
                         const QByteArray& digest,
                         const QByteArray& signature);

wire::ErrorCode wireErrorFor(AdminCertificateCheck check);

} // namespace sra::core
