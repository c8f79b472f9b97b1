#include "admin-cli/ExitCodes.h"

namespace sra::admincli {

int exitCodeForCardError(base::ErrorCode code)
{
    switch (code) {
    case base::ErrorCode::NoService:
        return kNoService;
    case base::ErrorCode::NoReader:
        return kNoReader;
    case base::ErrorCode::NoCard:
        return kNoCard;
    case base::ErrorCode::WrongPin:
    case base::ErrorCode::InvalidPinFormat:
        return kWrongPin;
    case base::ErrorCode::PinBlocked:
        return kPinBlocked;
    case base::ErrorCode::CardRemoved:
        return kCardRemoved;
    case base::ErrorCode::Cancelled:
        return kCancelled;
    default:
        return kCardError;
    }
}

} // namespace sra::admincli
