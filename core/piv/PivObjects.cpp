#include "core/piv/PivObjects.h"

#include "core/piv/Tlv.h"

#include <zlib.h>

namespace sra::piv {

namespace {
// clang-format off
constexpr std::array<PivObjectInfo, 16> kCatalogue{{
    {PivObject::CardCapabilityContainer,         "Card Capability Container",              0x5FC107, 0xDB00, ObjectAccess::Always},
    {PivObject::Chuid,                           "Card Holder Unique Identifier",          0x5FC102, 0x3000, ObjectAccess::Always},
    {PivObject::PivAuthenticationCertificate,    "X.509 Certificate for PIV Authentication", 0x5FC105, 0x0101, ObjectAccess::Always},
    {PivObject::CardholderFingerprints,          "Cardholder Fingerprints",                0x5FC103, 0x6010, ObjectAccess::Pin},
    {PivObject::SecurityObject,                  "Security Object",                        0x5FC106, 0x9000, ObjectAccess::Always},
    {PivObject::CardholderFacialImage,           "Cardholder Facial Image",                0x5FC108, 0x6030, ObjectAccess::Pin},
    {PivObject::CardAuthenticationCertificate,   "X.509 Certificate for Card Authentication", 0x5FC101, 0x0500, ObjectAccess::Always},
    {PivObject::DigitalSignatureCertificate,     "X.509 Certificate for Digital Signature", 0x5FC10A, 0x0100, ObjectAccess::Always},
    {PivObject::KeyManagementCertificate,        "X.509 Certificate for Key Management",   0x5FC10B, 0x0102, ObjectAccess::Always},
    {PivObject::PrintedInformation,              "Printed Information",                    0x5FC109, 0x3001, ObjectAccess::Pin},
    {PivObject::DiscoveryObject,                 "Discovery Object",                       0x00007E, 0x6050, ObjectAccess::Always},
    {PivObject::KeyHistoryObject,                "Key History Object",                     0x5FC10C, 0x6060, ObjectAccess::Always},
    {PivObject::CardholderIrisImages,            "Cardholder Iris Images",                 0x5FC121, 0x1015, ObjectAccess::Pin},
    {PivObject::BiometricInformationTemplates,   "Biometric Information Templates Group Template", 0x007F61, 0x1016, ObjectAccess::Always},
    {PivObject::SecureMessagingCertificateSigner, "Secure Messaging Certificate Signer",   0x5FC122, 0x1017, ObjectAccess::Always},
    {PivObject::PairingCodeReferenceData,        "Pairing Code Reference Data Container",  0x5FC123, 0x1018, ObjectAccess::Pin},
}};

constexpr std::array<PivKeySlot, 4> kSlots{{
    {0x9A, "PIV Authentication",  PivObject::PivAuthenticationCertificate,  PinPolicy::Once},
    {0x9C, "Digital Signature",   PivObject::DigitalSignatureCertificate,   PinPolicy::Always},
    {0x9D, "Key Management",      PivObject::KeyManagementCertificate,      PinPolicy::Once},
    {0x9E, "Card Authentication", PivObject::CardAuthenticationCertificate, PinPolicy::Never},
}};

// clang-format on

base::Error malformed(const std::string& what)
{
    return base::makeError(base::ErrorCode::Malformed, "PIV object: " + what);
}

// gzip (RFC 1952) via zlib, window bits 15 + 16. Compression is only used to build test cards.
base::Bytes gzip(base::ByteView in)
{
    z_stream zs{};
    deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    base::Bytes out(deflateBound(&zs, static_cast<uLong>(in.size())) + 32);
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

base::Result<base::Bytes> gunzipBounded(base::ByteView in, std::size_t limit)
{
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK) { // +32: accept gzip or zlib headers
        return malformed("zlib initialisation failed");
    }
    base::Bytes out(limit + 1);
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&zs, Z_FINISH);
    const std::size_t produced = zs.total_out;
    inflateEnd(&zs);
    if (produced > limit) {
        // The buffer has room for limit + 1 bytes so that an oversize stream is noticed even when it
        // ends exactly there.
        return malformed("compressed certificate larger than allowed");
    }
    if (rc != Z_STREAM_END) {
        return malformed("corrupt gzip data");
    }
    if (produced == 0) {
        return malformed("no certificate (empty after decompression)");
    }
    out.resize(produced);
    return out;
}
} // namespace

std::span<const PivObjectInfo> pivObjectCatalogue() noexcept
{
    return kCatalogue;
}

const PivObjectInfo& pivObjectInfo(PivObject object) noexcept
{
    return kCatalogue[static_cast<std::size_t>(object)];
}

const PivObjectInfo* findPivObjectByTag(std::uint32_t tag) noexcept
{
    for (const auto& row : kCatalogue) {
        if (row.tag == tag) {
            return &row;
        }
    }
    return nullptr;
}

bool isRetiredCertificateTag(std::uint32_t tag) noexcept
{
    return tag >= 0x5FC10D && tag <= 0x5FC120;
}

std::optional<PivAlgorithm> pivAlgorithmFromByte(std::uint8_t value) noexcept
{
    switch (value) {
    case 0x07:
        return PivAlgorithm::Rsa2048;
    case 0x11:
        return PivAlgorithm::EccP256;
    case 0x14:
        return PivAlgorithm::EccP384;
    default:
        return std::nullopt;
    }
}

const char* pivAlgorithmName(PivAlgorithm algorithm) noexcept
{
    switch (algorithm) {
    case PivAlgorithm::Rsa2048:
        return "RSA-2048";
    case PivAlgorithm::EccP256:
        return "ECC P-256";
    case PivAlgorithm::EccP384:
        return "ECC P-384";
    }
    return "unknown";
}

std::size_t pivAlgorithmInputSize(PivAlgorithm algorithm) noexcept
{
    switch (algorithm) {
    case PivAlgorithm::Rsa2048:
        return 256;
    case PivAlgorithm::EccP256:
        return 32;
    case PivAlgorithm::EccP384:
        return 48;
    }
    return 0;
}

bool isEcc(PivAlgorithm algorithm) noexcept
{
    return algorithm != PivAlgorithm::Rsa2048;
}

std::span<const PivKeySlot> pivKeySlots() noexcept
{
    return kSlots;
}

const PivKeySlot* findPivKeySlot(std::uint8_t id) noexcept
{
    for (const auto& slot : kSlots) {
        if (slot.id == id) {
            return &slot;
        }
    }
    return nullptr;
}

base::Bytes encodeCertificateObject(base::ByteView certificateDer, bool gzipCompress)
{
    base::Bytes inner;
    if (gzipCompress) {
        appendTlv(inner, 0x70, gzip(certificateDer));
        appendTlv(inner, 0x71, base::Bytes{0x01});
    } else {
        appendTlv(inner, 0x70, certificateDer);
        appendTlv(inner, 0x71, base::Bytes{0x00});
    }
    appendTlv(inner, 0xFE, {});
    return makeTlv(0x53, inner);
}

base::Result<base::ByteView> unwrapDataObject(base::ByteView object)
{
    TlvReader reader(object);
    auto outer = reader.next();
    if (!outer) {
        return outer.error();
    }
    if (outer->tag != 0x53 && outer->tag != 0x7E && outer->tag != 0x7F61) {
        return malformed("expected tag 53, 7E or 7F61");
    }
    return outer->value;
}

base::Result<base::Bytes> decodeCertificateObject(base::ByteView object)
{
    auto content = unwrapDataObject(object);
    if (!content) {
        return content.error();
    }
    auto fields = parseTlvSequence(content.value());
    if (!fields) {
        return fields.error();
    }
    std::optional<base::ByteView> cert;
    std::uint8_t certInfo = 0;
    for (const auto& f : fields.value()) {
        if (f.tag == 0x70) {
            cert = f.value;
        } else if (f.tag == 0x71) {
            if (f.value.size() != 1) {
                return malformed("CertInfo must be one byte");
            }
            certInfo = f.value[0];
        }
    }
    if (!cert || cert->empty()) {
        return malformed("no certificate (tag 70)");
    }
    if (certInfo & 0x01) {
        return gunzipBounded(*cert, kMaxCertificateSize);
    }
    if (cert->size() > kMaxCertificateSize) {
        return malformed("certificate larger than allowed");
    }
    return base::Bytes(cert->begin(), cert->end());
}

base::Bytes encodeTestFascn()
{
    // SP 800-73-4 / TIG: 40 characters of 5 bits (4 data bits LSB first + odd parity), then packed MSB first.
    // Agency 9999, system 9999, credential 999999, CS 1, ICI 1, PI 9999999999, OC 1, OI 9999, POA 1.
    constexpr int kSS = 0xB, kFS = 0xD, kES = 0xF;
    const int chars[] = {kSS, 9,   9, 9, 9, kFS, 9, 9, 9, 9, kFS, 9, 9, 9, 9, 9, 9, kFS, 1,  kFS,
                         1,   kFS, 9, 9, 9, 9,   9, 9, 9, 9, 9,   9, 1, 9, 9, 9, 9, 1,   kES};
    std::uint64_t acc = 0;
    int bits = 0;
    base::Bytes out;
    int lrc = 0;
    auto put = [&](int value) {
        const int parity = (__builtin_popcount(static_cast<unsigned>(value)) % 2 == 0) ? 1 : 0;
        // Five bits in transmission order: b1 b2 b3 b4 p, with b1 the least significant data bit.
        for (int i = 0; i < 4; ++i) {
            acc = (acc << 1) | static_cast<std::uint64_t>((value >> i) & 1);
        }
        acc = (acc << 1) | static_cast<std::uint64_t>(parity);
        bits += 5;
        while (bits >= 8) {
            out.push_back(static_cast<std::uint8_t>(acc >> (bits - 8)));
            bits -= 8;
        }
    };
    for (const int c : chars) {
        put(c);
        lrc ^= c;
    }
    put(lrc);
    return out; // 40 × 5 bits = 25 bytes
}

base::Bytes encodeChuid(const std::array<std::uint8_t, 16>& guid, const std::string& expiryYyyymmdd)
{
    base::Bytes inner;
    appendTlv(inner, 0x30, encodeTestFascn());
    appendTlv(inner, 0x34, guid);
    appendTlv(inner, 0x35, base::view(expiryYyyymmdd));
    appendTlv(inner, 0x3E, {});
    appendTlv(inner, 0xFE, {});
    return makeTlv(0x53, inner);
}

base::Bytes encodeCardCapabilityContainer(base::ByteView cardIdentifierSuffix)
{
    base::Bytes cardId{0xA0, 0x00, 0x00, 0x01, 0x16, 0xFF, 0x02};
    for (std::size_t i = 0; i < 14; ++i) {
        cardId.push_back(i < cardIdentifierSuffix.size() ? cardIdentifierSuffix[i] : 0x00);
    }
    base::Bytes inner;
    appendTlv(inner, 0xF0, cardId);
    appendTlv(inner, 0xF1, base::Bytes{0x21});
    appendTlv(inner, 0xF2, base::Bytes{0x21});
    appendTlv(inner, 0xF3, {});
    appendTlv(inner, 0xF4, base::Bytes{0x00});
    appendTlv(inner, 0xF5, base::Bytes{0x10});
    appendTlv(inner, 0xF6, {});
    appendTlv(inner, 0xF7, {});
    appendTlv(inner, 0xFA, {});
    appendTlv(inner, 0xFB, {});
    appendTlv(inner, 0xFC, {});
    appendTlv(inner, 0xFD, {});
    appendTlv(inner, 0xFE, {});
    return makeTlv(0x53, inner);
}

base::Bytes encodeDiscoveryObject()
{
    base::Bytes inner;
    appendTlv(inner, 0x4F, kPivAid);
    const std::uint8_t pinPolicy[] = {0x40, 0x00}; // PIV Card Application PIN only; no global PIN
    appendTlv(inner, 0x5F2F, pinPolicy);
    return makeTlv(0x7E, inner);
}

base::Bytes encodeKeyHistoryObject(std::uint8_t onCard, std::uint8_t offCard)
{
    base::Bytes inner;
    appendTlv(inner, 0xC1, base::Bytes{onCard});
    appendTlv(inner, 0xC2, base::Bytes{offCard});
    appendTlv(inner, 0xFE, {});
    return makeTlv(0x53, inner);
}

} // namespace sra::piv
