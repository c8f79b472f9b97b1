#pragma once

#include "core/base/Bytes.h"
#include "core/base/Result.h"

#include <optional>

namespace sra::piv {

enum class HashAlgorithm
{
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
};

std::size_t hashSize(HashAlgorithm hash) noexcept;
const char* hashName(HashAlgorithm hash) noexcept;

// DER DigestInfo (RFC 8017, 9.2 note 1) around a digest; Malformed if the digest has the wrong size.
base::Result<base::Bytes> buildDigestInfo(HashAlgorithm hash, base::ByteView digest);

// EMSA-PKCS1-v1_5 block type 01: 00 01 FF..FF 00 T, `modulusSize` bytes; at least 8 bytes of FF.
base::Result<base::Bytes> pkcs1v15SignatureBlock(base::ByteView digestInfo, std::size_t modulusSize);

// Checks that `block` is a well-formed type-01 signature block and returns the DigestInfo it carries.
// The relay uses this so a private RSA operation can only ever make a signature, never decrypt.
std::optional<base::ByteView> parsePkcs1v15SignatureBlock(base::ByteView block);

// ECDSA input for a PIV card: the hash truncated to the field size (FIPS 186-4 6.4) or left-padded with 0.
base::Bytes ecdsaInput(base::ByteView digest, std::size_t fieldSize);

} // namespace sra::piv
