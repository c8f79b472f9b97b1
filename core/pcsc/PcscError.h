#pragma once

#include "core/base/Result.h"

#include <winscard.h>

#include <string_view>

namespace sra::core {

// Where a PC/SC call failed. The same return code means different things to the user depending on it: an
// empty reader at connect time is "no card", while the card vanishing between two APDUs is "card removed".
enum class PcscStage
{
    Connect,   // establishing the context, listing readers, SCardConnect
    Operation, // transactions and transmits on a connected card
};

// Maps a PC/SC return code to the error class the PIV layer and the UI understand.
base::ErrorCode pcscErrorCode(LONG rv, PcscStage stage) noexcept;

// A complete error: the mapped code, and the failing call plus pcsc_stringify_error() in `detail` for logs.
base::Error pcscError(LONG rv, PcscStage stage, std::string_view call);

// True for the return codes that mean our context no longer reaches a running pcscd (it was stopped or
// restarted, or died mid-call), so the context must be released and established again. Establishing it is
// what tells "pcscd is gone" (NoService) from "pcscd is back".
bool isServiceLost(LONG rv) noexcept;

} // namespace sra::core
