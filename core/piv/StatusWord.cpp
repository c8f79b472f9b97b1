#include "core/piv/StatusWord.h"

#include <array>
#include <cstdio>

namespace sra::piv {

namespace {
// clang-format off
constexpr std::array<StatusWordInfo, 27> kStatusWords{{
    {0x9000, 0xFFFF, "success",                                        base::ErrorCode::CardError},
    {0x6100, 0xFF00, "more response bytes available",                  base::ErrorCode::CardError},
    {0x6281, 0xFFFF, "part of returned data may be corrupted",         base::ErrorCode::CardError},
    {0x6283, 0xFFFF, "selected file deactivated",                      base::ErrorCode::NotPiv},
    {0x63C0, 0xFFF0, "verification failed",                            base::ErrorCode::WrongPin},
    {0x6400, 0xFFFF, "execution error, card state unchanged",          base::ErrorCode::CardError},
    {0x6581, 0xFFFF, "memory failure",                                 base::ErrorCode::CardError},
    {0x6700, 0xFFFF, "wrong length",                                   base::ErrorCode::CardError},
    {0x6881, 0xFFFF, "logical channel not supported",                  base::ErrorCode::Unsupported},
    {0x6882, 0xFFFF, "secure messaging not supported",                 base::ErrorCode::Unsupported},
    {0x6883, 0xFFFF, "last command of the chain expected",             base::ErrorCode::CardError},
    {0x6884, 0xFFFF, "command chaining not supported",                 base::ErrorCode::Unsupported},
    {0x6982, 0xFFFF, "security status not satisfied",                  base::ErrorCode::SecurityStatus},
    {0x6983, 0xFFFF, "authentication method blocked",                  base::ErrorCode::PinBlocked},
    {0x6984, 0xFFFF, "reference data not usable",                      base::ErrorCode::CardError},
    {0x6985, 0xFFFF, "conditions of use not satisfied",                base::ErrorCode::SecurityStatus},
    {0x6986, 0xFFFF, "command not allowed",                            base::ErrorCode::Unsupported},
    {0x6A80, 0xFFFF, "incorrect data field",                           base::ErrorCode::CardError},
    {0x6A81, 0xFFFF, "function not supported",                         base::ErrorCode::Unsupported},
    {0x6A82, 0xFFFF, "file or application not found",                  base::ErrorCode::NotFound},
    {0x6A84, 0xFFFF, "not enough memory",                              base::ErrorCode::CardError},
    {0x6A86, 0xFFFF, "incorrect P1-P2",                                base::ErrorCode::Unsupported},
    {0x6A88, 0xFFFF, "referenced data not found",                      base::ErrorCode::NotFound},
    {0x6C00, 0xFF00, "wrong Le",                                       base::ErrorCode::CardError},
    {0x6D00, 0xFFFF, "instruction not supported",                      base::ErrorCode::Unsupported},
    {0x6E00, 0xFFFF, "class not supported",                            base::ErrorCode::Unsupported},
    {0x6F00, 0xFFFF, "no precise diagnosis",                           base::ErrorCode::CardError},
}};
// clang-format on
} // namespace

const StatusWordInfo* lookupStatusWord(std::uint16_t value) noexcept
{
    for (const auto& row : kStatusWords) {
        if ((value & row.mask) == row.value) {
            return &row;
        }
    }
    return nullptr;
}

std::string describeStatusWord(std::uint16_t value)
{
    char hex[8];
    std::snprintf(hex, sizeof hex, "%04X", value);
    const auto* row = lookupStatusWord(value);
    return std::string(hex) + " (" + (row ? row->description : "unknown status") + ")";
}

base::Error statusWordError(std::uint16_t value, const char* context)
{
    const auto* row = lookupStatusWord(value);
    base::Error e = base::makeError(row ? row->code : base::ErrorCode::CardError,
                                    std::string(context) + ": card answered " + describeStatusWord(value),
                                    value);
    if (e.code == base::ErrorCode::WrongPin) {
        e.triesLeft = value & 0x0F;
        if (e.triesLeft == 0) {
            e.code = base::ErrorCode::PinBlocked;
        }
    }
    return e;
}

} // namespace sra::piv
