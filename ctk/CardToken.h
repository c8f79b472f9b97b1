#pragma once

#include "core/base/Bytes.h"
#include "core/base/Result.h"
#include "core/piv/InsertedCard.h"
#include "core/piv/PivObjects.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sra::ctk {

// The token logic of the relayed card that does not depend on a token API: what keys and certificates the
// card has (from srad's CardStatus), what a signature request must send to the card, and how the card's answer
// becomes the signature the API returns. Qt-free and PKCS#11-free, so a macOS CryptoTokenKit front-end can
// reuse it; the PKCS#11 module (Pkcs11Token, Pkcs11Module) is one front-end.

// One key slot of the card that has a certificate.
struct TokenKey
{
    std::uint8_t keyReference = 0; // 9A, 9C, 9D, 9E
    std::uint8_t id = 0;           // OpenSC's PIV CKA_ID: 01 (9A), 02 (9C), 03 (9D), 04 (9E)
    piv::PivAlgorithm algorithm = piv::PivAlgorithm::Rsa2048;
    std::string certificateLabel; // as OpenSC's PIV driver names them
    std::string keyLabel;
    std::string publicKeyLabel;
    bool alwaysAuthenticate = false; // 9C: a PIN check right before each use
    bool needsPin = true;            // 9E does not
    base::Bytes certificate;         // DER
    base::Bytes subject;             // DER Name
    base::Bytes issuer;
    base::Bytes serialNumber;  // DER INTEGER
    base::Bytes publicKeyInfo; // DER SubjectPublicKeyInfo
    base::Bytes modulus;       // RSA, big endian, no leading zero
    base::Bytes publicExponent;
    base::Bytes ecParameters; // EC: DER OID of the named curve
    base::Bytes ecPoint;      // EC: DER OCTET STRING around the uncompressed point
    std::size_t keyBits = 0;

    bool isEc() const noexcept
    {
        return piv::isEcc(algorithm);
    }

    // Bytes of a finished signature: the modulus size (RSA) or r‖s (ECDSA).
    std::size_t signatureSize() const noexcept;
};

struct CardContents
{
    std::vector<TokenKey> keys; // in key-reference order 9A, 9C, 9D, 9E
    std::string serial;         // 16 hex digits from the CHUID GUID, or empty
};

// What the token shows of an inserted card (piv::InsertedCard, the codec every side of the payload uses). A
// slot is a key when it has a certificate that parses and whose public key the card can use (RSA-2048, P-256,
// P-384); its algorithm is the one the card announced when that agrees with the certificate, else the
// certificate's. Certificates that do not parse are left out.
CardContents cardContents(const piv::InsertedCard& card);

// A CardStatus's CardObjects and KeyAlgorithms, decoded strictly (piv::decodeInsertedCard: Malformed with its
// detail, so a payload srad would have refused gives no token objects here either), then cardContents().
// Never throws for bad input.
base::Result<CardContents> parseCardContents(base::ByteView cardObjects, base::ByteView keyAlgorithms);

enum class SignScheme
{
    RsaPkcs1,       // input: the DigestInfo (or any T up to k-11 bytes); the type-01 block is built here
    RsaPkcs1Sha256, // input: the message
    RsaPkcs1Sha384,
    RsaPkcs1Sha512,
    Ecdsa,       // input: the hash, truncated or left-padded to the field size
    EcdsaSha256, // input: the message
    EcdsaSha384,
    EcdsaSha512,
};

bool schemeIsEc(SignScheme scheme) noexcept;
bool schemeHashes(SignScheme scheme) noexcept;

// A signature in progress: collects the message (hashing as it goes) and gives what the card must sign.
class Signer
{
public:
    Signer(const TokenKey& key, SignScheme scheme);
    ~Signer();
    Signer(const Signer&) = delete;
    Signer& operator=(const Signer&) = delete;

    // Unsupported: this key cannot do this scheme.
    base::Status start();
    // Malformed when a raw scheme gets more than fits.
    base::Status update(base::ByteView data);
    // The card's input: the PKCS#1 v1.5 type-01 block or the ECDSA hash at the field size. Malformed when a
    // raw RSA input is too long for the key (the PKCS#11 CKR_DATA_LEN_RANGE) or empty.
    base::Result<base::Bytes> cardInput();

    const TokenKey& key() const noexcept
    {
        return m_key;
    }

private:
    TokenKey m_key;
    SignScheme m_scheme;
    struct Digest;
    std::unique_ptr<Digest> m_digest;
    base::Bytes m_raw;
};

// What the card returned → the signature: RSA unchanged (checked to be the modulus size); ECDSA from DER
// Ecdsa-Sig-Value to r‖s, each left-padded to the field size. Malformed for anything else.
base::Result<base::Bytes> finishSignature(const TokenKey& key, base::ByteView cardOutput);

} // namespace sra::ctk
