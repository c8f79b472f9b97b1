#pragma once

// OpenSSL checks for the PIV tests: read the certificates a soft card keeps in its directory and verify what
// the card signed against them, independently of the code under test.

#include "PivTestSupport.h"
#include "core/piv/Pkcs1.h"

#include <QDir>
#include <QFile>
#include <QString>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

namespace sra::piv::test {

// --- OpenSSL -------------------------------------------------------------------------------------------

struct X509Free
{
    void operator()(X509* x) const noexcept
    {
        X509_free(x);
    }
};

using X509Ptr = std::unique_ptr<X509, X509Free>;

struct PkeyFree
{
    void operator()(EVP_PKEY* k) const noexcept
    {
        EVP_PKEY_free(k);
    }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

struct PkeyCtxFree
{
    void operator()(EVP_PKEY_CTX* c) const noexcept
    {
        EVP_PKEY_CTX_free(c);
    }
};

using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

inline X509Ptr readPemCertificate(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QByteArray pem = f.readAll();
    BIO* bio = BIO_new_mem_buf(pem.constData(), static_cast<int>(pem.size()));
    X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
    BIO_free(bio);
    return cert;
}

inline base::Bytes certificateDer(X509* cert)
{
    const int len = i2d_X509(cert, nullptr);
    base::Bytes der(static_cast<std::size_t>(std::max(len, 0)));
    unsigned char* p = der.data();
    i2d_X509(cert, &p);
    return der;
}

inline QString slotCertificatePath(const QString& cardDir, std::uint8_t slot)
{
    return QDir(cardDir).filePath(QStringLiteral("slot-%1.cert.pem").arg(slot, 2, 16, QLatin1Char('0')));
}

inline PkeyPtr slotPublicKey(const QString& cardDir, std::uint8_t slot)
{
    X509Ptr cert = readPemCertificate(slotCertificatePath(cardDir, slot));
    return PkeyPtr(cert ? X509_get_pubkey(cert.get()) : nullptr);
}

inline const EVP_MD* evpDigest(HashAlgorithm hash)
{
    switch (hash) {
    case HashAlgorithm::Sha1:
        return EVP_sha1();
    case HashAlgorithm::Sha224:
        return EVP_sha224();
    case HashAlgorithm::Sha256:
        return EVP_sha256();
    case HashAlgorithm::Sha384:
        return EVP_sha384();
    case HashAlgorithm::Sha512:
        return EVP_sha512();
    }
    return nullptr;
}

inline base::Bytes digestOf(HashAlgorithm hash, base::ByteView message)
{
    base::Bytes out(EVP_MAX_MD_SIZE);
    unsigned int size = 0;
    EVP_Digest(message.data(), message.size(), out.data(), &size, evpDigest(hash), nullptr);
    out.resize(size);
    return out;
}

// RSA: the raw public operation (RSA_NO_PADDING), i.e. what the private operation was applied to.
inline base::Bytes rsaPublicRaw(EVP_PKEY* key, base::ByteView signature)
{
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
    if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) <= 0
        || EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) <= 0) {
        return {};
    }
    std::size_t size = 0;
    if (EVP_PKEY_verify_recover(ctx.get(), nullptr, &size, signature.data(), signature.size()) <= 0) {
        return {};
    }
    base::Bytes out(size);
    if (EVP_PKEY_verify_recover(ctx.get(), out.data(), &size, signature.data(), signature.size()) <= 0) {
        return {};
    }
    out.resize(size);
    return out;
}

// A signature over a digest as OpenSSL checks it: RSA PKCS#1 v1.5 with the hash named in the DigestInfo,
// or ECDSA (DER ECDSA-Sig-Value).
inline bool verifyDigestSignature(EVP_PKEY* key, HashAlgorithm hash, base::ByteView digest, base::ByteView signature)
{
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) <= 0) {
        return false;
    }
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
        if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) <= 0
            || EVP_PKEY_CTX_set_signature_md(ctx.get(), evpDigest(hash)) <= 0) {
            return false;
        }
    }
    return EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest.data(), digest.size()) == 1;
}

// --- Soft cards ----------------------------------------------------------------------------------------

inline const char* algorithmTag(PivAlgorithm algorithm)
{
    switch (algorithm) {
    case PivAlgorithm::Rsa2048:
        return "rsa2048";
    case PivAlgorithm::EccP256:
        return "p256";
    case PivAlgorithm::EccP384:
        return "p384";
    }
    return "?";
}

// Creating a card makes five keys; tests create one template per algorithm and copy it for each test that
// changes PIN state, so every test starts from a fresh card with three tries.
inline bool copyCardDirectory(const QString& from, const QString& to)
{
    if (!QDir().mkpath(to)) {
        return false;
    }
    const QDir source(from);
    for (const QString& name : source.entryList(QDir::Files)) {
        if (!QFile::copy(source.filePath(name), QDir(to).filePath(name))) {
            return false;
        }
    }
    return true;
}

} // namespace sra::piv::test
