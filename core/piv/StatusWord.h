#pragma once

#include "core/base/Result.h"

#include <cstdint>
#include <string>

namespace sra::piv {

namespace sw {
constexpr std::uint16_t kSuccess = 0x9000;
constexpr std::uint16_t kBytesAvailable = 0x6100; // 61xx: xx more bytes with GET RESPONSE
constexpr std::uint16_t kWrongLe = 0x6C00;        // 6Cxx: repeat with Le = xx
constexpr std::uint16_t kVerifyFailed = 0x63C0;   // 63Cx: x tries left
constexpr std::uint16_t kWrongLength = 0x6700;
constexpr std::uint16_t kLastCommandOfChainExpected = 0x6883;
constexpr std::uint16_t kSecurityStatusNotSatisfied = 0x6982;
constexpr std::uint16_t kAuthenticationBlocked = 0x6983;
constexpr std::uint16_t kConditionsNotSatisfied = 0x6985;
constexpr std::uint16_t kIncorrectData = 0x6A80;
constexpr std::uint16_t kFunctionNotSupported = 0x6A81;
constexpr std::uint16_t kFileNotFound = 0x6A82;
constexpr std::uint16_t kIncorrectP1P2 = 0x6A86;
constexpr std::uint16_t kReferenceNotFound = 0x6A88;
constexpr std::uint16_t kInsNotSupported = 0x6D00;
constexpr std::uint16_t kClaNotSupported = 0x6E00;
constexpr std::uint16_t kNoPreciseDiagnosis = 0x6F00;
} // namespace sw

// One row per status word (or family, with a mask), in the spirit of ISO 7816-4 table 5/6: the meaning in
// words and the error it maps to. Looked up, never switch-cased, so every user of SWs agrees.
struct StatusWordInfo
{
    std::uint16_t value;
    std::uint16_t mask;
    const char* description;
    base::ErrorCode code;
};

const StatusWordInfo* lookupStatusWord(std::uint16_t sw) noexcept;
std::string describeStatusWord(std::uint16_t sw);

// Turns a non-9000 status word into an Error; 63Cx becomes WrongPin with triesLeft, 6983 PinBlocked.
base::Error statusWordError(std::uint16_t sw, const char* context);

} // namespace sra::piv
