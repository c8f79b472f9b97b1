#pragma once

#include <QByteArray>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

namespace sra::core {

enum class FingerprintAlgorithm
{
    Sha256,
    Sha1, // legacy: accepted by sra-setup -c because older admin tools print SHA-1
};

// Reads the first certificate of a PEM or DER file (at most 1 MiB). False with one sentence in `error`.
bool loadCertificateFile(const QString& file, QSslCertificate& out, QString& error);

// The TLS identity srad presents: a certificate and its private key.
struct TlsIdentity
{
    QSslCertificate certificate;
    QSslKey key;

    bool isValid() const
    {
        return !certificate.isNull() && !key.isNull();
    }

    QString sha256Fingerprint() const; // formatted

    // Loads the certificate (PEM or DER; the first one of the file) and its private key (PEM or DER, RSA or EC,
    // not encrypted) and checks that the key belongs to the certificate. A key file that every user may read
    // or write is refused. False with one sentence (what and how to fix) in `error`.
    static bool load(const QString& certificateFile, const QString& keyFile, TlsIdentity& out, QString& error);

    // Generates an ECDSA P-256 key and a self-signed certificate (CN = hostName, SAN DNS:hostName, 10 years,
    // serverAuth), writes both (key mode 0600) atomically. OpenSSL, CSPRNG serial.
    static bool
    generateSelfSigned(const QString& hostName, const QString& certificateFile, const QString& keyFile, QString& error);

    // Looks through `certificateDir` (PEM/CRT files) for the certificate whose SHA-256 (or SHA-1, as the
    // fingerprint's length says) matches, and through `keyDir` for the private key that belongs to it.
    // Returns the two paths. False with a sentence when there is no match, several, or no matching key.
    static bool findInstalled(const QString& fingerprint,
                              const QString& certificateDir,
                              const QString& keyDir,
                              QString& certificateFile,
                              QString& keyFile,
                              QString& error);
};

} // namespace sra::core
