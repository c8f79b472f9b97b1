#include "core/base/Result.h"

namespace sra::base {

const char* errorCodeName(ErrorCode code) noexcept
{
    switch (code) {
    case ErrorCode::Malformed:
        return "malformed data";
    case ErrorCode::NoService:
        return "smart card service not running";
    case ErrorCode::NoReader:
        return "no smart card reader";
    case ErrorCode::NoCard:
        return "no card in the reader";
    case ErrorCode::CardRemoved:
        return "card removed";
    case ErrorCode::Transport:
        return "communication with the card failed";
    case ErrorCode::NotPiv:
        return "not a PIV card";
    case ErrorCode::NotFound:
        return "not found on the card";
    case ErrorCode::WrongPin:
        return "wrong PIN";
    case ErrorCode::PinBlocked:
        return "PIN blocked";
    case ErrorCode::InvalidPinFormat:
        return "PIN must be 6 to 8 characters";
    case ErrorCode::SecurityStatus:
        return "PIN verification required";
    case ErrorCode::Unsupported:
        return "not supported by the card";
    case ErrorCode::CardError:
        return "card error";
    case ErrorCode::LastPinTry:
        return "LastPinTry";
    case ErrorCode::Cancelled:
        return "cancelled";
    }
    return "unknown error";
}

} // namespace sra::base
