#include "core/pcsc/PcscError.h"

#include <pcsclite.h>

#include <cstdio>
#include <string>

namespace sra::core {

namespace {

using base::ErrorCode;

// Return codes whose meaning does not depend on the stage. Everything not listed is a transport failure.
struct CodeMapping
{
    LONG rv;
    ErrorCode code;
};

// clang-format off
constexpr CodeMapping kFixedMappings[] = {
    {SCARD_E_NO_SERVICE,           ErrorCode::NoService},
    {SCARD_E_SERVICE_STOPPED,      ErrorCode::NoService},
    {SCARD_E_NO_READERS_AVAILABLE, ErrorCode::NoReader },
    {SCARD_E_UNKNOWN_READER,       ErrorCode::NoReader },
    {SCARD_E_READER_UNAVAILABLE,   ErrorCode::NoReader },
    {SCARD_E_CANCELLED,            ErrorCode::Cancelled},
};
// clang-format on

} // namespace

base::ErrorCode pcscErrorCode(LONG rv, PcscStage stage) noexcept
{
    for (const auto& m : kFixedMappings) {
        if (m.rv == rv) {
            return m.code;
        }
    }
    // Before we hold a card handle an empty reader is simply "no card"; once we do, the card went away
    // under us, which the user must hear as a removal (an operation may have been cut in half).
    if (rv == SCARD_E_NO_SMARTCARD || rv == SCARD_W_REMOVED_CARD) {
        return stage == PcscStage::Connect ? ErrorCode::NoCard : ErrorCode::CardRemoved;
    }
    return ErrorCode::Transport;
}

base::Error pcscError(LONG rv, PcscStage stage, std::string_view call)
{
    std::string detail(call);
    detail += ": ";
    detail += pcsc_stringify_error(rv);
    char hex[16];
    std::snprintf(hex, sizeof hex, " (0x%08lX)", static_cast<unsigned long>(rv) & 0xFFFFFFFFUL);
    detail += hex;
    return base::makeError(pcscErrorCode(rv, stage), std::move(detail));
}

bool isServiceLost(LONG rv) noexcept
{
    // SCARD_E_INVALID_HANDLE: after pcscd restarts, handles issued by the old daemon are unknown to the new one.
    // SCARD_F_COMM_ERROR: the daemon died while we were waiting for its answer (seen in SCardGetStatusChange).
    return rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED || rv == SCARD_E_INVALID_HANDLE
           || rv == SCARD_F_COMM_ERROR;
}

} // namespace sra::core
