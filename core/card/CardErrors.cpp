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

QString cardErrorMessage(const base::Error& error)
{
    switch (error.code) {
    case base::ErrorCode::NoService:
        return CardErrors::tr(
            "The smart card service (pcscd) is not running. Start it with \"systemctl start pcscd\".");
    case base::ErrorCode::NoReader:
        return CardErrors::tr("No smart card reader found. Connect a reader and try again.");
    case base::ErrorCode::NoCard:
        return CardErrors::tr("No card in the reader. Insert your PIV card.");
    case base::ErrorCode::CardRemoved:
        return CardErrors::tr("The card was removed during the operation. Insert it again and retry.");
    case base::ErrorCode::WrongPin:
        if (error.triesLeft == 1) {
            return CardErrors::tr("Wrong PIN (1 try left before the card is blocked).");
        }
        return CardErrors::tr("Wrong PIN (%1 tries left).").arg(error.triesLeft);
    case base::ErrorCode::PinBlocked:
        return CardErrors::tr("The card's PIN is blocked. Have it unblocked with the PUK by your card administrator.");
    case base::ErrorCode::InvalidPinFormat:
        return CardErrors::tr("The PIN must be 6 to 8 characters. No try was used.");
    case base::ErrorCode::NotPiv:
        return CardErrors::tr("The card in the reader is not a PIV card.");
    case base::ErrorCode::NotFound:
        return CardErrors::tr("The card has no key or certificate in that slot.");
    case base::ErrorCode::SecurityStatus:
        return CardErrors::tr("The card requires PIN verification for this operation.");
    case base::ErrorCode::Unsupported:
        return CardErrors::tr("The card does not support this operation.");
    case base::ErrorCode::Cancelled:
        return CardErrors::tr("Cancelled.");
    case base::ErrorCode::LastPinTry:
        return CardErrors::tr("The card has one PIN try left: the PIN check was not made without your confirmation, "
                              "so a wrong PIN cannot block the card.");
    case base::ErrorCode::Malformed:
    case base::ErrorCode::Transport:
    case base::ErrorCode::CardError:
        break;
    }
    return CardErrors::tr("The card operation failed: %1.").arg(QString::fromStdString(error.detail));
}

} // namespace sra::core
