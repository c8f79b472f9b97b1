#pragma once

#include "core/base/Bytes.h"
#include "core/base/Result.h"
#include "core/piv/ApduChannel.h"

#include <cstdint>
#include <optional>

namespace sra::piv {

constexpr std::uint8_t kClaChaining = 0x10; // ISO 7816-4 5.1.1: "more commands of this chain follow"
constexpr std::size_t kMaxShortData = 255;  // Lc of a short APDU
constexpr std::size_t kMaxShortLe = 256;    // Le 00 in a short APDU
constexpr std::size_t kMaxExtendedData = 65535;
constexpr std::size_t kMaxExtendedLe = 65536; // Le 0000 in an extended APDU

// A command APDU in ISO 7816-4 terms. `le` absent means no response data is expected (case 1/3).
struct CommandApdu
{
    std::uint8_t cla = 0;
    std::uint8_t ins = 0;
    std::uint8_t p1 = 0;
    std::uint8_t p2 = 0;
    base::Bytes data;
    std::optional<std::size_t> le; // 1..65536
    bool extended = false;         // how it was (or must be) encoded

    bool chained() const noexcept
    {
        return (cla & kClaChaining) != 0;
    }
};

// Decodes any of the seven cases (1, 2S, 3S, 4S, 2E, 3E, 4E). Malformed for every inconsistent length.
base::Result<CommandApdu> parseCommandApdu(base::ByteView apdu);

// Encodes short when data ≤ 255 and le ≤ 256 and `extended` is false, extended otherwise.
base::Bytes encodeCommandApdu(const CommandApdu& apdu);

struct ResponseApdu
{
    base::Bytes data;
    std::uint16_t sw = 0;

    bool ok() const noexcept
    {
        return sw == 0x9000;
    }
};

// Splits data and SW1 SW2; Malformed when shorter than two bytes.
base::Result<ResponseApdu> parseResponseApdu(base::ByteView response);
base::Bytes encodeResponseApdu(base::ByteView data, std::uint16_t sw);

// Host side: sends `command` over `channel` with everything ISO 7816-4 asks of a host. Data longer than one
// APDU goes as a command chain (CLA bit 0x10) unless the channel takes extended APDUs; `61xx` is followed by
// GET RESPONSE until the card has nothing left; `6Cxx` repeats the command with the corrected Le. The
// returned status word is the card's final one (not 61xx). The response is capped at `maxResponse` bytes.
base::Result<ResponseApdu>
exchangeApdu(ApduChannel& channel, const CommandApdu& command, std::size_t maxResponse = 65536);

} // namespace sra::piv
