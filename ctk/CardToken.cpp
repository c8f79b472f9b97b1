#include "ctk/CardToken.h"

#include "core/crypto/OpenSslPtr.h"
#include "core/piv/Pkcs1.h"
#include "core/piv/Tlv.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/objects.h>

#include <algorithm>

namespace sra::ctk {

namespace {
using base::Bytes;
using base::ByteView;
using crypto::Owned;

struct SlotNames
{
    std::uint8_t keyReference;
    std::uint8_t id;
    const char* certificate;
    const char* key;
    const char* publicKey;
};

// OpenSC's PIV driver (card-piv.c / pkcs15-piv.c) names and numbers: tools then show the same on both.
constexpr SlotNames kSlots[] = {
    {0x9A, 0x01, "Certificate for PIV Authentication",  "PIV AUTH key",  "PIV AUTH pubkey" },
    {0x9C, 0x02, "Certificate for Digital Signature",   "SIGN key",      "SIGN pubkey"     },
    {0x9D, 0x03, "Certificate for Key Management",      "KEY MAN key",   "KEY MAN pubkey"  },
    {0x9E, 0x04, "Certificate for Card Authentication", "CARD AUTH key", "CARD AUTH pubkey"},
};

template <typename F>
Bytes der(F&& encode)
{
    unsigned char* out = nullptr;
    const int n = encode(&out);
    if (n <= 0 || !out) {
        return {};
    }
    Bytes result(out, out + n);
    OPENSSL_free(out);
    return result;
}

Bytes bignum(const EVP_PKEY* key, const char* name)
{
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
        return {};
    }
    Owned<BIGNUM> bn(raw);
    Bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
    BN_bn2bin(bn.get(), out.data());
    return out;
}

// Fills the key fields from the certificate; false when it does not parse or the key is not one a PIV card
// of this project holds.
bool readCertificate(ByteView certificate, std::optional<piv::PivAlgorithm> announced, TokenKey& key)
{
    const unsigned char* p = certificate.data();
    Owned<X509> x509(d2i_X509(nullptr, &p, static_cast<long>(certificate.size())));
    if (!x509 || p != certificate.data() + certificate.size()) {
        return false;
    }
    key.certificate.assign(certificate.begin(), certificate.end());
    key.subject = der([&](unsigned char** out) { return i2d_X509_NAME(X509_get_subject_name(x509.get()), out); });
    key.issuer = der([&](unsigned char** out) { return i2d_X509_NAME(X509_get_issuer_name(x509.get()), out); });
    key.serialNumber =
        der([&](unsigned char** out) { return i2d_ASN1_INTEGER(X509_get0_serialNumber(x509.get()), out); });
    EVP_PKEY* pkey = X509_get0_pubkey(x509.get());
    if (!pkey) {
        return false;
    }
    key.publicKeyInfo = der([&](unsigned char** out) { return i2d_PUBKEY(pkey, out); });
    key.keyBits = static_cast<std::size_t>(EVP_PKEY_get_bits(pkey));
    std::optional<piv::PivAlgorithm> fromCertificate;
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        key.modulus = bignum(pkey, OSSL_PKEY_PARAM_RSA_N);
        key.publicExponent = bignum(pkey, OSSL_PKEY_PARAM_RSA_E);
        if (key.keyBits == 2048) {
            fromCertificate = piv::PivAlgorithm::Rsa2048;
        }
    } else if (EVP_PKEY_is_a(pkey, "EC")) {
        char group[64] = {};
        std::size_t groupLength = 0;
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &groupLength) != 1) {
            return false;
        }
        int nid = OBJ_sn2nid(group);
        if (nid == NID_undef) {
            nid = OBJ_txt2nid(group);
        }
        if (nid == NID_X9_62_prime256v1) {
            fromCertificate = piv::PivAlgorithm::EccP256;
        } else if (nid == NID_secp384r1) {
            fromCertificate = piv::PivAlgorithm::EccP384;
        }
        key.ecParameters = der([&](unsigned char** out) { return i2d_ASN1_OBJECT(OBJ_nid2obj(nid), out); });
        unsigned char point[256];
        std::size_t pointLength = 0;
        if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point, &pointLength)
                != 1
            || pointLength == 0 || pointLength > 127) {
            return false;
        }
        key.ecPoint = {0x04, static_cast<std::uint8_t>(pointLength)};
        key.ecPoint.insert(key.ecPoint.end(), point, point + pointLength);
    }
    if (!fromCertificate) {
        return false;
    }
    // The card's announcement wins only when it agrees with the certificate's key type and size.
    key.algorithm = announced && *announced == *fromCertificate ? *announced : *fromCertificate;
    return true;
}
} // namespace

std::size_t TokenKey::signatureSize() const noexcept
{
    return isEc() ? 2 * piv::pivAlgorithmInputSize(algorithm) : piv::pivAlgorithmInputSize(algorithm);
}

base::Result<CardContents> parseCardContents(ByteView cardObjects, ByteView keyAlgorithms)
{
    auto card = piv::decodeInsertedCard(cardObjects, keyAlgorithms);
    if (!card) {
        return card.error();
    }
    return cardContents(card.value());
}

CardContents cardContents(const piv::InsertedCard& card)
{
    CardContents contents;
    for (const SlotNames& names : kSlots) {
        const piv::PivKeySlot* slot = piv::findPivKeySlot(names.keyReference);
        if (!slot) {
            continue;
        }
        const base::Bytes* object = card.object(slot->certificate);
        if (!object) {
            continue;
        }
        auto certificate = piv::decodeCertificateObject(*object);
        if (!certificate) {
            continue;
        }
        TokenKey key;
        key.keyReference = names.keyReference;
        key.id = names.id;
        key.certificateLabel = names.certificate;
        key.keyLabel = names.key;
        key.publicKeyLabel = names.publicKey;
        key.alwaysAuthenticate = slot->pinPolicy == piv::PinPolicy::Always;
        key.needsPin = slot->pinPolicy != piv::PinPolicy::Never;
        if (readCertificate(certificate.value(), card.keyAlgorithm(names.keyReference), key)) {
            contents.keys.push_back(std::move(key));
        }
    }
    if (const base::Bytes* chuid = card.object(piv::PivObject::Chuid)) {
        if (const auto inner = piv::unwrapDataObject(*chuid)) {
            if (const auto guid = piv::findTlv(inner.value(), 0x34); guid && guid->size() >= 8) {
                contents.serial = base::toHex(guid->first(8));
            }
        }
    }
    return contents;
}

bool schemeIsEc(SignScheme scheme) noexcept
{
    switch (scheme) {
    case SignScheme::Ecdsa:
    case SignScheme::EcdsaSha256:
    case SignScheme::EcdsaSha384:
    case SignScheme::EcdsaSha512:
        return true;
    default:
        return false;
    }
}

bool schemeHashes(SignScheme scheme) noexcept
{
    return scheme != SignScheme::RsaPkcs1 && scheme != SignScheme::Ecdsa;
}

namespace {
std::optional<piv::HashAlgorithm> schemeHash(SignScheme scheme)
{
    switch (scheme) {
    case SignScheme::RsaPkcs1Sha256:
    case SignScheme::EcdsaSha256:
        return piv::HashAlgorithm::Sha256;
    case SignScheme::RsaPkcs1Sha384:
    case SignScheme::EcdsaSha384:
        return piv::HashAlgorithm::Sha384;
    case SignScheme::RsaPkcs1Sha512:
    case SignScheme::EcdsaSha512:
        return piv::HashAlgorithm::Sha512;
    default:
        return std::nullopt;
    }
}

const EVP_MD* evpHash(piv::HashAlgorithm hash)
{
    switch (hash) {
    case piv::HashAlgorithm::Sha1:
        return EVP_sha1();
    case piv::HashAlgorithm::Sha224:
        return EVP_sha224();
    case piv::HashAlgorithm::Sha256:
        return EVP_sha256();
    case piv::HashAlgorithm::Sha384:
        return EVP_sha384();
    case piv::HashAlgorithm::Sha512:
        return EVP_sha512();
    }
    return nullptr;
}

// A raw input larger than this is not a hash or a DigestInfo of any hash this module knows.
constexpr std::size_t kMaxRawInput = 512;
} // namespace

struct Signer::Digest
{
    Owned<EVP_MD_CTX> ctx;
    piv::HashAlgorithm hash = piv::HashAlgorithm::Sha256;
};

Signer::Signer(const TokenKey& key, SignScheme scheme)
    : m_key(key)
    , m_scheme(scheme)
{}

Signer::~Signer()
{
    base::secureZero(m_raw.data(), m_raw.size());
}

base::Status Signer::start()
{
    if (schemeIsEc(m_scheme) != m_key.isEc()) {
        return base::makeError(base::ErrorCode::Unsupported, "mechanism does not fit the key type");
    }
    if (const auto hash = schemeHash(m_scheme)) {
        m_digest = std::make_unique<Digest>();
        m_digest->hash = *hash;
        m_digest->ctx.reset(EVP_MD_CTX_new());
        if (!m_digest->ctx || EVP_DigestInit_ex(m_digest->ctx.get(), evpHash(*hash), nullptr) != 1) {
            return base::makeError(base::ErrorCode::Unsupported, "hash not available");
        }
    }
    return base::okStatus();
}

base::Status Signer::update(ByteView data)
{
    if (m_digest) {
        if (!data.empty() && EVP_DigestUpdate(m_digest->ctx.get(), data.data(), data.size()) != 1) {
            return base::makeError(base::ErrorCode::Malformed, "hash update failed");
        }
        return base::okStatus();
    }
    if (m_raw.size() + data.size() > kMaxRawInput) {
        return base::makeError(base::ErrorCode::Malformed, "input too long for this mechanism");
    }
    base::append(m_raw, data);
    return base::okStatus();
}

base::Result<Bytes> Signer::cardInput()
{
    const std::size_t size = piv::pivAlgorithmInputSize(m_key.algorithm);
    if (m_digest) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int mdLength = 0;
        if (EVP_DigestFinal_ex(m_digest->ctx.get(), md, &mdLength) != 1) {
            return base::makeError(base::ErrorCode::Malformed, "hash failed");
        }
        const ByteView digest(md, mdLength);
        if (m_key.isEc()) {
            return piv::ecdsaInput(digest, size);
        }
        auto digestInfo = piv::buildDigestInfo(m_digest->hash, digest);
        if (!digestInfo) {
            return digestInfo.error();
        }
        return piv::pkcs1v15SignatureBlock(digestInfo.value(), size);
    }
    if (m_raw.empty()) {
        return base::makeError(base::ErrorCode::Malformed, "empty input");
    }
    if (m_key.isEc()) {
        return piv::ecdsaInput(m_raw, size);
    }
    if (m_raw.size() + 11 > size) {
        return base::makeError(base::ErrorCode::Malformed, "input too long for the key");
    }
    return piv::pkcs1v15SignatureBlock(m_raw, size);
}

base::Result<Bytes> finishSignature(const TokenKey& key, ByteView cardOutput)
{
    if (!key.isEc()) {
        if (cardOutput.size() != key.signatureSize()) {
            return base::makeError(base::ErrorCode::Malformed, "RSA signature of the wrong size");
        }
        return Bytes(cardOutput.begin(), cardOutput.end());
    }
    const unsigned char* p = cardOutput.data();
    ECDSA_SIG* raw = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(cardOutput.size()));
    if (!raw) {
        return base::makeError(base::ErrorCode::Malformed, "ECDSA signature is not DER");
    }
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(raw, &ECDSA_SIG_free);
    if (p != cardOutput.data() + cardOutput.size()) {
        return base::makeError(base::ErrorCode::Malformed, "bytes after the ECDSA signature");
    }
    const std::size_t field = piv::pivAlgorithmInputSize(key.algorithm);
    const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
    const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
    if (static_cast<std::size_t>(BN_num_bytes(r)) > field || static_cast<std::size_t>(BN_num_bytes(s)) > field) {
        return base::makeError(base::ErrorCode::Malformed, "ECDSA signature values larger than the field");
    }
    Bytes out(2 * field);
    const int width = static_cast<int>(field);
    if (BN_bn2binpad(r, out.data(), width) != width || BN_bn2binpad(s, out.data() + field, width) != width) {
        return base::makeError(base::ErrorCode::Malformed, "ECDSA signature conversion failed");
    }
    return out;
}

} // namespace sra::ctk
