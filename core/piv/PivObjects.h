#pragma once

#include "core/base/Bytes.h"
#include "core/base/Result.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace sra::piv {

// The PIV application identifier (NIST SP 800-73-4 part 1, 2.2) and its version-less prefix that SELECT
// may use (right truncation).
inline constexpr std::array<std::uint8_t, 11> kPivAid{0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00};
inline constexpr std::size_t kPivAidPrefixLength = 9;

enum class ObjectAccess
{
    Always, // readable without PIN
    Pin,    // readable after PIN verification
};

enum class PivObject
{
    CardCapabilityContainer,
    Chuid,
    PivAuthenticationCertificate, // slot 9A
    CardholderFingerprints,
    SecurityObject,
    CardholderFacialImage,
    CardAuthenticationCertificate, // slot 9E
    DigitalSignatureCertificate,   // slot 9C
    KeyManagementCertificate,      // slot 9D
    PrintedInformation,
    DiscoveryObject,
    KeyHistoryObject,
    CardholderIrisImages,
    BiometricInformationTemplates,
    SecureMessagingCertificateSigner,
    PairingCodeReferenceData,
};

// SP 800-73-4 part 1, table 3: one row per PivObject value, in enum order.
struct PivObjectInfo
{
    PivObject object;
    const char* name;
    std::uint32_t tag; // the GET DATA tag (5FC1xx, 7E or 7F61)
    std::uint16_t containerId;
    ObjectAccess access;
};

std::span<const PivObjectInfo> pivObjectCatalogue() noexcept;
const PivObjectInfo& pivObjectInfo(PivObject object) noexcept;
const PivObjectInfo* findPivObjectByTag(std::uint32_t tag) noexcept;
// Retired key-management certificates 1..20 live at 5FC10D..5FC120.
bool isRetiredCertificateTag(std::uint32_t tag) noexcept;

// Cryptographic algorithm identifiers (SP 800-78-4, table 6-2) that this project supports.
enum class PivAlgorithm : std::uint8_t
{
    Rsa2048 = 0x07,
    EccP256 = 0x11,
    EccP384 = 0x14,
};

std::optional<PivAlgorithm> pivAlgorithmFromByte(std::uint8_t value) noexcept;
const char* pivAlgorithmName(PivAlgorithm algorithm) noexcept;
// Bytes GENERAL AUTHENTICATE takes for signing: the RSA modulus size, or the EC field size.
std::size_t pivAlgorithmInputSize(PivAlgorithm algorithm) noexcept;
bool isEcc(PivAlgorithm algorithm) noexcept;

enum class PinPolicy
{
    Never,  // 9E: usable without PIN (contactless card authentication)
    Once,   // 9A, 9D: after one successful VERIFY in this card session
    Always, // 9C: VERIFY immediately before each use
};

struct PivKeySlot
{
    std::uint8_t id; // key reference: 9A, 9C, 9D, 9E
    const char* name;
    PivObject certificate;
    PinPolicy pinPolicy;
};

std::span<const PivKeySlot> pivKeySlots() noexcept;
const PivKeySlot* findPivKeySlot(std::uint8_t id) noexcept;

// Certificate objects (SP 800-73-4 part 1, table 10): 53 { 70 cert, 71 CertInfo, FE LRC }.
// CertInfo bit 0 set means the certificate is gzip-compressed. Decompression is bounded.
constexpr std::size_t kMaxCertificateSize = 16384;
base::Bytes encodeCertificateObject(base::ByteView certificateDer, bool gzipCompress = false);
base::Result<base::Bytes> decodeCertificateObject(base::ByteView object);

// Builds 53 { 30 FASC-N, 34 GUID, 35 expiry YYYYMMDD, 3E signature (empty), FE } (table 9). The FASC-N is the
// all-9 test credential of the "non-federal issuer" convention, encoded as SP 800-73-4 5-bit BCD.
base::Bytes encodeChuid(const std::array<std::uint8_t, 16>& guid, const std::string& expiryYyyymmdd);
base::Bytes encodeTestFascn();
// Card Capability Container (table 8): 53 { F0 card identifier, F1/F2 versions 21, F3..FD as a PIV card
// without extensions fills them, FE }. The card identifier is the GSC-RID A000000116 + manufacturer FF + type
// + 14 bytes the caller chooses (the soft card uses its GUID).
base::Bytes encodeCardCapabilityContainer(base::ByteView cardIdentifierSuffix);
// Discovery object (table 18): 7E { 4F PIV AID, 5F2F PIN usage policy: PIV PIN only }.
base::Bytes encodeDiscoveryObject();
// Key history object (table 19): 53 { C1 on-card retired certs, C2 off-card, FE }.
base::Bytes encodeKeyHistoryObject(std::uint8_t onCard, std::uint8_t offCard);

// The value of the outer 53 (or 7E) of a GET DATA answer; Malformed when the wrapper is not there.
base::Result<base::ByteView> unwrapDataObject(base::ByteView object);

} // namespace sra::piv
