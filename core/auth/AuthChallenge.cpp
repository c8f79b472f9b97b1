#include "core/auth/AuthChallenge.h"

#include "core/crypto/OpenSslPtr.h"

#include <QCryptographicHash>
#include <QFile>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>

namespace sra::core {

namespace {
using X509Ptr = crypto::Owned<X509>;
using PkeyPtr = crypto::Owned<EVP_PKEY>;
using PkeyCtxPtr = crypto::Owned<EVP_PKEY_CTX>;
using StorePtr = crypto::Owned<X509_STORE>;
using StoreCtxPtr = crypto::Owned<X509_STORE_CTX>;

X509Ptr toX509(const QSslCertificate& certificate)
{
    const QByteArray der = certificate.toDer();
    const auto* p = reinterpret_cast<const unsigned char*>(der.constData());
    return X509Ptr(d2i_X509(nullptr, &p, der.size()));
}

QByteArray sha256(const QByteArray& data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

// RSA-2048, or EC on the named curves P-256 / P-384 only: other 256- and 384-bit curves (secp256k1,
// brainpoolP256r1, …) have the same key length, so the length alone does not tell.
bool isSupportedKey(const QSslCertificate& certificate)
{
    const X509Ptr cert = toX509(certificate);
    const PkeyPtr key(cert ? X509_get_pubkey(cert.get()) : nullptr);
    if (!key) {
        return false;
    }
    switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_RSA:
        return EVP_PKEY_get_bits(key.get()) == 2048;
    case EVP_PKEY_EC: {
        char curve[64] = {};
        size_t length = 0;
        if (EVP_PKEY_get_group_name(key.get(), curve, sizeof curve, &length) != 1) {
            return false; // explicit parameters instead of a named curve
        }
        const QByteArrayView name(curve, qsizetype(length));
        return name == QByteArrayView("prime256v1") || name == QByteArrayView("secp384r1");
    }
    default:
        return false;
    }
}
} // namespace

QByteArray randomNonce()
{
    QByteArray nonce(kNonceSize, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), kNonceSize) != 1) {
        return {};
    }
    return nonce;
}

QByteArray authChallengeDigest(const QByteArray& serverCertificateDer,
                               const QByteArray& clientNonce,
                               const QByteArray& serverNonce,
                               const QByteArray& adminCertificateDer)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(QByteArrayView("SRA-AUTH-1"));
    h.addData(sha256(serverCertificateDer));
    h.addData(clientNonce);
    h.addData(serverNonce);
    h.addData(sha256(adminCertificateDer));
    return h.result();
}

AdminCertificateCheck checkAdminCertificate(const QSslCertificate& certificate,
                                            const QString& caBundleFile,
                                            const QDateTime& now,
                                            QString* detail)
{
    if (certificate.isNull() || !isSupportedKey(certificate)) {
        return AdminCertificateCheck::Unsupported;
    }
    if (now < certificate.effectiveDate()) {
        return AdminCertificateCheck::NotYetValid;
    }
    if (now > certificate.expiryDate()) {
        return AdminCertificateCheck::Expired;
    }
    if (caBundleFile.isEmpty()) {
        return AdminCertificateCheck::Ok;
    }

    StorePtr store(X509_STORE_new());
    if (!store || X509_STORE_load_file(store.get(), QFile::encodeName(caBundleFile).constData()) != 1) {
        if (detail) {
            *detail = QStringLiteral("cannot load the CA bundle %1").arg(caBundleFile);
        }
        return AdminCertificateCheck::Untrusted;
    }
    X509Ptr leaf = toX509(certificate);
    StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!leaf || !ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr) != 1) {
        return AdminCertificateCheck::Untrusted;
    }
    X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(now.toSecsSinceEpoch()));
    if (X509_verify_cert(ctx.get()) != 1) {
        if (detail) {
            *detail = QString::fromUtf8(X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
        }
        return AdminCertificateCheck::Untrusted;
    }
    return AdminCertificateCheck::Ok;
}

bool verifyAuthSignature(const QSslCertificate& adminCertificate, const QByteArray& digest, const QByteArray& signature)
{
    if (digest.size() != 32 || signature.isEmpty()) {
        return false;
    }
    X509Ptr cert = toX509(adminCertificate);
    if (!cert) {
        return false;
    }
    PkeyPtr key(X509_get_pubkey(cert.get()));
    PkeyCtxPtr ctx(key ? EVP_PKEY_CTX_new(key.get(), nullptr) : nullptr);
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) {
        return false;
    }
    // D is treated as a SHA-256 digest: for RSA this selects PKCS#1 v1.5 with the SHA-256 DigestInfo.
    if (EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1) {
        return false;
    }
    if (EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_RSA
        && EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
        return false;
    }
    return EVP_PKEY_verify(ctx.get(),
                           reinterpret_cast<const unsigned char*>(signature.constData()),
                           static_cast<size_t>(signature.size()),
                           reinterpret_cast<const unsigned char*>(digest.constData()),
                           static_cast<size_t>(digest.size()))
           == 1;
}

wire::ErrorCode wireErrorFor(AdminCertificateCheck check)
{
    switch (check) {
    case AdminCertificateCheck::Ok:
    case AdminCertificateCheck::Unsupported:
        return wire::ErrorCode::CertificateInvalid;
    case AdminCertificateCheck::NotYetValid:
    case AdminCertificateCheck::Expired:
        return wire::ErrorCode::CertificateExpired;
    case AdminCertificateCheck::Untrusted:
        return wire::ErrorCode::CertificateUntrusted;
    }
    return wire::ErrorCode::CertificateInvalid;
}

} // namespace sra::core
