#include "core/piv/StatusWord.h"

#include <array>
#include <cstdio>

namespace sra::piv {

namespace {
// clang-format off
constexpr std::array<StatusWordInfo, 27> kStatusWords{{
    {0x9000, 0xFFFF, "success",                                        ErrorCode::CardError},
    {0x6100, 0xFF00, "more response bytes available",                  ErrorCode::CardError},
    {0x6281, 0xFFFF, "part of returned data may be corrupted",         ErrorCode::CardError},
    {0x6283, 0xFFFF, "selected file deactivated",                      ErrorCode::NotPiv},
    {0x63C0, 0xFFF0, "verification failed",                            ErrorCode::WrongPin},
    {0x6400, 0xFFFF, "execution error, card state unchanged",          ErrorCode::CardError},
    {0x6581, 0xFFFF, "memory failure",                                 ErrorCode::CardError},
    {0x6700, 0xFFFF, "wrong length",                                   ErrorCode::CardError},
    {0x6881, 0xFFFF, "logical channel not supported",                  ErrorCode::Unsupported},
    {0x6882, 0xFFFF, "secure messaging not supported",                 ErrorCode::Unsupported},
    {0x6883, 0xFFFF, "last command of the chain expected",             ErrorCode::CardError},
    {0x6884, 0xFFFF, "command chaining not supported",                 ErrorCode::Unsupported},
    {0x6982, 0xFFFF, "security status not satisfied",                  ErrorCode::SecurityStatus},
    {0x6983, 0xFFFF, "authentication method blocked",                  ErrorCode::PinBlocked},
    {0x6984, 0xFFFF, "reference data not usable",                      ErrorCode::CardError},
    {0x6985, 0xFFFF, "conditions of use not satisfied",                ErrorCode::SecurityStatus},
    {0x6986, 0xFFFF, "command not allowed",                            ErrorCode::Unsupported},
    {0x6A80, 0xFFFF, "incorrect data field",                           ErrorCode::CardError},
    {0x6A81, 0xFFFF, "function not supported",                         ErrorCode::Unsupported},
    {0x6A82, 0xFFFF, "file or application not found",                  ErrorCode::NotFound},
    {0x6A84, 0xFFFF, "not enough memory",                              ErrorCode::CardError},
    {0x6A86, 0xFFFF, "incorrect P1-P2",                                ErrorCode::Unsupported},
    {0x6A88, 0xFFFF, "referenced data not found",                      ErrorCode::NotFound},
    {0x6C00, 0xFF00, "wrong Le",                                       ErrorCode::CardError},
    {0x6D00, 0xFFFF, "instruction not supported",                      ErrorCode::Unsupported},
    {0x6E00, 0xFFFF, "class not supported",                            ErrorCode::Unsupported},
    {0x6F00, 0xFFFF, "no precise diagnosis",                           ErrorCode::CardError},
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

Error statusWordError(std::uint16_t value, const char* context)
{
    const auto* row = lookupStatusWord(value);
    Error e = makeError(row ? row->code : ErrorCode::CardError,
                        std::string(context) + ": card answered " + describeStatusWord(value),
                        value);
    if (e.code == ErrorCode::WrongPin) {
        e.triesLeft = value & 0x0F;
        if (e.triesLeft == 0) {
            e.code = ErrorCode::PinBlocked;
        }
    }
    return e;
}

} // namespace sra::piv
