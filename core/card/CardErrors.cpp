#include "core/card/CardErrors.h"

#include <QCoreApplication>

namespace sra::core {

namespace {
// The translation context of these messages; a class so that lupdate files them under it.
struct CardErrors
{
    Q_DECLARE_TR_FUNCTIONS(sra::core::CardErrors)
};
} // namespace

QString cardErrorMessage(const piv::Error& error)
{
    switch (error.code) {
    case piv::ErrorCode::NoService:
        return CardErrors::tr("The smart card service (pcscd) is not running. Start it with \"systemctl start pcscd\".");
    case piv::ErrorCode::NoReader:
        return CardErrors::tr("No smart card reader found. Connect a reader and try again.");
    case piv::ErrorCode::NoCard:
        return CardErrors::tr("No card in the reader. Insert your PIV card.");
    case piv::ErrorCode::CardRemoved:
        return CardErrors::tr("The card was removed during the operation. Insert it again and retry.");
    case piv::ErrorCode::WrongPin:
        if (error.triesLeft == 1) {
            return CardErrors::tr("Wrong PIN (1 try left before the card is blocked).");
        }
        return CardErrors::tr("Wrong PIN (%1 tries left).").arg(error.triesLeft);
    case piv::ErrorCode::PinBlocked:
        return CardErrors::tr("The card's PIN is blocked. Have it unblocked with the PUK by your card administrator.");
    case piv::ErrorCode::InvalidPinFormat:
        return CardErrors::tr("The PIN must be 6 to 8 characters. No try was used.");
    case piv::ErrorCode::NotPiv:
        return CardErrors::tr("The card in the reader is not a PIV card.");
    case piv::ErrorCode::NotFound:
        return CardErrors::tr("The card has no key or certificate in that slot.");
    case piv::ErrorCode::SecurityStatus:
        return CardErrors::tr("The card requires PIN verification for this operation.");
    case piv::ErrorCode::Unsupported:
        return CardErrors::tr("The card does not support this operation.");
    case piv::ErrorCode::Cancelled:
        return CardErrors::tr("Cancelled.");
    case piv::ErrorCode::Malformed:
    case piv::ErrorCode::Transport:
    case piv::ErrorCode::CardError:
        break;
    }
    return CardErrors::tr("The card operation failed: %1.").arg(QString::fromStdString(error.detail));
}

} // namespace sra::core
