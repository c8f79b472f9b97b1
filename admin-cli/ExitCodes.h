#pragma once

#include "core/base/Result.h"

namespace sra::admincli {

// Exit codes shared by the admin command-line tools, so scripts can tell failures apart.
enum ExitCode
{
    kOk = 0,
    kUsage = 1,
    kNoService = 2,
    kNoReader = 3,
    kNoCard = 4,
    kWrongPin = 5,
    kPinBlocked = 6,
    kCardRemoved = 7,
    kCardError = 8,
    kConnectFailed = 10,
    kTlsFailed = 11,
    kHostKeyChanged = 12,
    kHostNotTrusted = 13,
    kServerRefused = 14,
    kProtocolError = 15,
    kTimeout = 16,
    kDisconnected = 17,
    kScreenFailed = 18, // --screen: refused by the remote, the stream failed, or no viewer came in time
    kCancelled = 130,
};

int exitCodeForCardError(base::ErrorCode code);

} // namespace sra::admincli
