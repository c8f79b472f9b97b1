#include "core/relay/RelayPolicy.h"

#include "core/piv/Pkcs1.h"

namespace sra::core {

RelayPolicy::Verdict RelayPolicy::checkSign(std::uint8_t slot, std::uint32_t algorithm, base::ByteView input) const
{
    if (!allowedSlots.count(slot) || !piv::findPivKeySlot(slot)) {
        return Verdict::SlotNotAllowed;
    }
    const auto alg = algorithm <= 0xFF ? piv::pivAlgorithmFromByte(static_cast<std::uint8_t>(algorithm)) : std::nullopt;
    if (!alg) {
        return Verdict::UnknownAlgorithm;
    }
    const std::size_t size = piv::pivAlgorithmInputSize(*alg);
    if (piv::isEcc(*alg)) {
        return input.empty() || input.size() > size ? Verdict::WrongInputSize : Verdict::Allowed;
    }
    if (input.size() != size) {
        return Verdict::WrongInputSize;
    }
    return piv::parsePkcs1v15SignatureBlock(input) ? Verdict::Allowed : Verdict::NotASignatureBlock;
}

RelayPolicy::Verdict RelayPolicy::checkVerifyPin(std::size_t pinLength, int cardTriesLeft, bool confirmedByAdmin) const
{
    if (pinLength < 6 || pinLength > 8) {
        return Verdict::PinFormat;
    }
    if (cardTriesLeft == 1 && !confirmedByAdmin) {
        return Verdict::NeedsConfirmation;
    }
    return Verdict::Allowed;
}

const char* RelayPolicy::verdictText(Verdict verdict) noexcept
{
    switch (verdict) {
    case Verdict::Allowed:
        return "allowed";
    case Verdict::SlotNotAllowed:
        return "key slot not allowed";
    case Verdict::UnknownAlgorithm:
        return "unknown algorithm";
    case Verdict::WrongInputSize:
        return "input has the wrong size";
    case Verdict::NotASignatureBlock:
        return "RSA input is not a PKCS#1 v1.5 signature block (decryption refused)";
    case Verdict::NeedsConfirmation:
        return "one PIN try left: needs the admin's confirmation";
    case Verdict::PinFormat:
        return "PIN must be 6 to 8 characters";
    }
    return "refused";
}

} // namespace sra::core
