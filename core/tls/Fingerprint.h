#pragma once

#include <QByteArray>
#include <QSslCertificate>
#include <QString>

namespace sra::core {

// Upper-case hex pairs joined by ':' — the form srad --fingerprint prints and users compare.
QString formatFingerprint(const QByteArray& digest);

// Accepts the formatted form, plain hex, upper or lower case, optionally after the "sha256 Fingerprint=" /
// "SHA1 Fingerprint=" prefix that `openssl x509 -fingerprint` prints. Only SHA-256 (32 bytes) and SHA-1
// (20 bytes) lengths are fingerprints. Empty on anything else.
QByteArray parseFingerprint(const QString& text);

// The raw SHA-256 digest of a certificate's DER encoding: what known_hosts pins and users compare.
QByteArray sha256Fingerprint(const QSslCertificate& certificate);

} // namespace sra::core
