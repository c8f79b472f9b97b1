#include "admin-cli/ExitCodes.h"

namespace sra::admincli {

int exitCodeForCardError(piv::ErrorCode code)
{
    switch (code) {
    case piv::ErrorCode::NoService:
        return kNoService;
    case piv::ErrorCode::NoReader:
        return kNoReader;
    case piv::ErrorCode::NoCard:
        return kNoCard;
    case piv::ErrorCode::WrongPin:
    case piv::ErrorCode::InvalidPinFormat:
        return kWrongPin;
    case piv::ErrorCode::PinBlocked:
        return kPinBlocked;
    case piv::ErrorCode::CardRemoved:
        return kCardRemoved;
    case piv::ErrorCode::Cancelled:
        return kCancelled;
    default:
        return kCardError;
    }
}

} // namespace sra::admincli
