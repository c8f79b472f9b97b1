#pragma once

#include "core/base/Bytes.h"
#include "core/piv/PivObjects.h"

#include <cstdint>
#include <set>
#include <string>

namespace sra::core {

// The relay allow-list (security model): what a remote machine may ask the admin's card to do. Checked by srad
// before a request leaves the remote and again on the admin machine, which holds the card, so neither side
// has to trust the other to have checked. Qt-free so the C-ABI modules could apply it too.
struct RelayPolicy
{
    std::set<std::uint8_t> allowedSlots{0x9A}; // private-key use only on these key references

    enum class Verdict
    {
        Allowed,
        SlotNotAllowed,
        UnknownAlgorithm,
        WrongInputSize,
        NotASignatureBlock, // RSA input that is not a PKCS#1 v1.5 type-01 block: would make us a decryption oracle
        NeedsConfirmation,  // PIN check with one try left: only with the admin's explicit confirmation
        PinFormat,
    };

    // A private-key operation: slot allowed, algorithm known, RSA input a well-formed type-01 signature block
    // of the modulus size, ECDSA input at most the field size.
    Verdict checkSign(std::uint8_t slot, std::uint32_t algorithm, base::ByteView input) const;

    // A relayed PIN check: 6..8 bytes; refused when the card has one try left unless `confirmedByAdmin`.
    Verdict checkVerifyPin(std::size_t pinLength, int cardTriesLeft, bool confirmedByAdmin) const;

    static const char* verdictText(Verdict verdict) noexcept;
};

} // namespace sra::core
