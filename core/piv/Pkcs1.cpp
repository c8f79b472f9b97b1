#include "core/piv/Pkcs1.h"

#include <array>

namespace sra::piv {

namespace {
struct DigestInfoPrefix
{
    HashAlgorithm hash;
    const char* name;
    std::size_t size;
    std::array<std::uint8_t, 19> prefix; // SEQUENCE { SEQUENCE { OID, NULL }, OCTET STRING (length) }
    std::size_t prefixLength;
};

// clang-format off
constexpr std::array<DigestInfoPrefix, 5> kPrefixes{{
    {HashAlgorithm::Sha1,   "SHA-1",   20, {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2B, 0x0E, 0x03, 0x02, 0x1A, 0x05, 0x00, 0x04, 0x14}, 15},
    {HashAlgorithm::Sha224, "SHA-224", 28, {0x30, 0x2D, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1C}, 19},
    {HashAlgorithm::Sha256, "SHA-256", 32, {0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20}, 19},
    {HashAlgorithm::Sha384, "SHA-384", 48, {0x30, 0x41, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30}, 19},
    {HashAlgorithm::Sha512, "SHA-512", 64, {0x30, 0x51, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40}, 19},
}};

// clang-format on

const DigestInfoPrefix& row(HashAlgorithm hash)
{
    return kPrefixes[static_cast<std::size_t>(hash)];
}

constexpr std::size_t kMinPadding = 8;
} // namespace

std::size_t hashSize(HashAlgorithm hash) noexcept
{
    return row(hash).size;
}

const char* hashName(HashAlgorithm hash) noexcept
{
    return row(hash).name;
}

base::Result<base::Bytes> buildDigestInfo(HashAlgorithm hash, base::ByteView digest)
{
    const auto& r = row(hash);
    if (digest.size() != r.size) {
        return base::makeError(base::ErrorCode::Malformed, std::string("digest has the wrong size for ") + r.name);
    }
    base::Bytes out(r.prefix.begin(), r.prefix.begin() + static_cast<std::ptrdiff_t>(r.prefixLength));
    base::append(out, digest);
    return out;
}

base::Result<base::Bytes> pkcs1v15SignatureBlock(base::ByteView digestInfo, std::size_t modulusSize)
{
    if (digestInfo.size() + 3 + kMinPadding > modulusSize) {
        return base::makeError(base::ErrorCode::Malformed, "DigestInfo too long for the RSA modulus");
    }
    base::Bytes block(modulusSize, 0xFF);
    block[0] = 0x00;
    block[1] = 0x01;
    block[modulusSize - digestInfo.size() - 1] = 0x00;
    std::copy(digestInfo.begin(), digestInfo.end(), block.end() - static_cast<std::ptrdiff_t>(digestInfo.size()));
    return block;
}

std::optional<base::ByteView> parsePkcs1v15SignatureBlock(base::ByteView block)
{
    if (block.size() < 3 + kMinPadding || block[0] != 0x00 || block[1] != 0x01) {
        return std::nullopt;
    }
    std::size_t i = 2;
    while (i < block.size() && block[i] == 0xFF) {
        ++i;
    }
    if (i - 2 < kMinPadding || i >= block.size() || block[i] != 0x00) {
        return std::nullopt;
    }
    return block.subspan(i + 1);
}

base::Bytes ecdsaInput(base::ByteView digest, std::size_t fieldSize)
{
    if (digest.size() >= fieldSize) {
        return base::Bytes(digest.begin(), digest.begin() + static_cast<std::ptrdiff_t>(fieldSize));
    }
    base::Bytes out(fieldSize - digest.size(), 0x00);
    base::append(out, digest);
    return out;
}

} // namespace sra::piv
