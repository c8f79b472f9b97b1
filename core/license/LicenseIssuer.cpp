#include "core/license/LicenseIssuer.h"

#include "core/crypto/OpenSslPtr.h"
#include "core/license/LicensePayload.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

namespace sra::core {

namespace {

using Pkey = crypto::Owned<EVP_PKEY>;
using Bio = crypto::Owned<BIO>;

void setError(QString* error, const QString& text)
{
    if (error) {
        *error = text;
    }
}

Bio memoryBio(const QByteArray& data)
{
    return Bio(BIO_new_mem_buf(data.constData(), static_cast<int>(data.size())));
}

QByteArray bioContents(BIO* bio)
{
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? QByteArray(data, size) : QByteArray();
}

Pkey readPrivateKey(const QByteArray& pem, QString* error)
{
    Bio bio = memoryBio(pem);
    Pkey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key) {
        setError(error, QStringLiteral("not a PEM private key (or it is encrypted)"));
        return {};
    }
    if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
        setError(error, QStringLiteral("the private key is not an Ed25519 key"));
        return {};
    }
    return key;
}

} // namespace

QByteArray generateLicenseKeyPem(QString* error)
{
    crypto::Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
        setError(error, QStringLiteral("Ed25519 key generation failed"));
        return {};
    }
    Pkey key(raw);
    Bio out(BIO_new(BIO_s_mem()));
    if (!out || PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        setError(error, QStringLiteral("cannot write the private key"));
        return {};
    }
    return bioContents(out.get());
}

QByteArray licensePublicKeyFromPem(const QByteArray& pem, QString* error)
{
    Pkey key;
    if (pem.contains("PRIVATE KEY-----")) {
        key = readPrivateKey(pem, error);
    } else {
        Bio bio = memoryBio(pem);
        key.reset(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
        if (!key) {
            setError(error, QStringLiteral("not a PEM public key"));
        }
    }
    if (!key) {
        return {};
    }
    if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
        setError(error, QStringLiteral("the key is not an Ed25519 key"));
        return {};
    }
    QByteArray raw(kLicensePublicKeySize, '\0');
    size_t size = static_cast<size_t>(raw.size());
    if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(raw.data()), &size) != 1
        || size != static_cast<size_t>(kLicensePublicKeySize)) {
        setError(error, QStringLiteral("cannot read the raw Ed25519 public key"));
        return {};
    }
    return raw;
}

QByteArray licensePublicKeyPemFromPrivate(const QByteArray& privateKeyPem, QString* error)
{
    Pkey key = readPrivateKey(privateKeyPem, error);
    if (!key) {
        return {};
    }
    Bio out(BIO_new(BIO_s_mem()));
    if (!out || PEM_write_bio_PUBKEY(out.get(), key.get()) != 1) {
        setError(error, QStringLiteral("cannot write the public key"));
        return {};
    }
    return bioContents(out.get());
}

QByteArray signLicensePayload(const QByteArray& message, const QByteArray& privateKeyPem, QString* error)
{
    Pkey key = readPrivateKey(privateKeyPem, error);
    if (!key) {
        return {};
    }
    crypto::Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    QByteArray signature(kLicenseSignatureSize, '\0');
    size_t size = static_cast<size_t>(signature.size());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1
        || EVP_DigestSign(ctx.get(),
                          reinterpret_cast<unsigned char*>(signature.data()),
                          &size,
                          reinterpret_cast<const unsigned char*>(message.constData()),
                          static_cast<size_t>(message.size()))
               != 1
        || size != static_cast<size_t>(kLicenseSignatureSize)) {
        setError(error, QStringLiteral("Ed25519 signing failed"));
        return {};
    }
    return signature;
}

QByteArray issueLicense(const License& license, const QByteArray& privateKeyPem, QString* error)
{
    if (const QString problem = checkLicenseFields(license); !problem.isEmpty()) {
        setError(error, problem);
        return {};
    }
    const QByteArray payload = canonicalLicensePayload(license);
    if (payload.size() > kMaxLicensePayloadSize) {
        setError(error, QStringLiteral("the payload is larger than %1 bytes").arg(kMaxLicensePayloadSize));
        return {};
    }
    const QByteArray signature = signLicensePayload(payload, privateKeyPem, error);
    if (signature.isEmpty()) {
        return {};
    }
    return armourLicense(payload, signature);
}

} // namespace sra::core
