#pragma once

#include "core/base/Bytes.h"
#include "core/base/Result.h"
#include "core/piv/PivObjects.h"

#include <cstdint>
#include <optional>

namespace sra::piv {

struct PinCheck
{
    enum class Outcome
    {
        Verified,
        Wrong,
        Blocked,
        Failed, // the backend could not check (device error); the counter is unchanged
    };
    Outcome outcome = Outcome::Failed;
    int triesLeft = -1;
};

// Where a PivCardEmulator keeps what a card's chip keeps: the PIN with its retry counter and the private keys.
// The soft card implements it with OpenSSL keys in a directory; the remote's virtual card implements it by
// relaying to the admin's real card. Implementations must not throw.
class PivCardBackend
{
public:
    virtual ~PivCardBackend() = default;

    // The algorithm of the private key in a slot, or nullopt when the slot is empty.
    virtual std::optional<PivAlgorithm> keyAlgorithm(std::uint8_t slot) const = 0;

    // Checks a PIN (unpadded, 6..8 bytes). A wrong PIN must decrement the persistent counter before it returns.
    virtual PinCheck verifyPin(const base::SecureBytes& pin) = 0;
    virtual int pinTriesLeft() const = 0;

    // The private-key operation of GENERAL AUTHENTICATE. RSA: `input` is a modulus-sized block and the
    // result the raw RSA private operation on it. ECDSA: `input` is the field-sized hash and the result a DER
    // ECDSA-Sig-Value. Security status (PIN) has already been checked by the emulator.
    virtual base::Result<base::Bytes> sign(std::uint8_t slot, PivAlgorithm algorithm, base::ByteView input) = 0;
};

} // namespace sra::piv
