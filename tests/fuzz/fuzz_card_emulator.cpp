// The card side facing a hostile host: the input is a sequence of command APDUs, each prefixed by a
// two-byte big-endian length, fed to one PivCardEmulator over a small deterministic backend. The emulator
// must never crash, every response must end in a valid ISO 7816-4 status word, and no private-key
// operation may happen without the security status its slot demands.

#include "core/piv/Apdu.h"
#include "core/piv/PivCardBackend.h"
#include "core/piv/PivCardEmulator.h"
#include "core/piv/PivObjects.h"
#include "core/piv/Tlv.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

using namespace sra::base;
using namespace sra::piv;

namespace {

void check(bool condition)
{
    if (!condition) {
        __builtin_trap();
    }
}

// PIN "123456", three tries; 9A RSA-2048, 9C and 9E P-256, 9D P-384. The "signature" is a deterministic
// function of the input, which is all the emulator can observe of a key.
class FuzzBackend final : public PivCardBackend
{
public:
    const PivCardEmulator* emulator = nullptr;
    int tries = 3;
    bool unusedVerification = false; // a successful PIN check no PIN-always signature has consumed yet

    std::optional<PivAlgorithm> keyAlgorithm(std::uint8_t slot) const override
    {
        switch (slot) {
        case 0x9A:
            return PivAlgorithm::Rsa2048;
        case 0x9C:
        case 0x9E:
            return PivAlgorithm::EccP256;
        case 0x9D:
            return PivAlgorithm::EccP384;
        default:
            return std::nullopt;
        }
    }

    PinCheck verifyPin(const SecureBytes& pin) override
    {
        check(pin.size() >= 6 && pin.size() <= 8);
        PinCheck r;
        if (tries <= 0) {
            r.outcome = PinCheck::Outcome::Blocked;
            r.triesLeft = 0;
            return r;
        }
        static const std::uint8_t kPin[] = {'1', '2', '3', '4', '5', '6'};
        if (pin.size() == sizeof kPin && std::equal(pin.begin(), pin.end(), kPin)) {
            tries = 3;
            unusedVerification = true;
            r.outcome = PinCheck::Outcome::Verified;
        } else {
            --tries;
            r.outcome = tries == 0 ? PinCheck::Outcome::Blocked : PinCheck::Outcome::Wrong;
        }
        r.triesLeft = tries;
        return r;
    }

    int pinTriesLeft() const override
    {
        return tries;
    }

    Result<Bytes> sign(std::uint8_t slot, PivAlgorithm algorithm, ByteView input) override
    {
        check(keyAlgorithm(slot) == algorithm);
        check(input.size() == pivAlgorithmInputSize(algorithm));
        // Only 9E may sign without a verified PIN; 9C needs one successful VERIFY per signature.
        if (slot != 0x9E) {
            check(emulator->pinVerified());
        }
        if (slot == 0x9C) {
            check(unusedVerification);
            unusedVerification = false;
        }
        if (!input.empty() && input[0] == 0xEE) {
            return makeError(ErrorCode::CardError, "backend failure on request");
        }
        Bytes out(input.begin(), input.end());
        std::reverse(out.begin(), out.end());
        return out;
    }
};

bool validStatusWord(std::uint16_t sw)
{
    const unsigned sw1 = sw >> 8;
    return sw1 == 0x90 || (sw1 >= 0x61 && sw1 <= 0x6F);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FuzzBackend backend;
    PivCardEmulator card(backend);
    backend.emulator = &card;
    card.setDataObject(0x5FC105, encodeCertificateObject(Bytes(300, 0x30)));
    card.setDataObject(0x5FC10A, encodeCertificateObject(Bytes(40, 0x31), true));
    card.setDataObject(0x5FC102, encodeChuid({}, "20300101"));
    card.setDataObject(0x7E, encodeDiscoveryObject());
    card.setDataObject(0x5FC109, makeTlv(0x53, Bytes(10, 0x42))); // PIN-protected

    bool chainOpen = false; // a command chain has been started and not yet closed
    std::size_t pos = 0;
    while (pos + 2 <= size) {
        const std::size_t length = std::min<std::size_t>((std::size_t{data[pos]} << 8) | data[pos + 1], size - pos - 2);
        const ByteView apdu(data + pos + 2, length);
        pos += 2 + length;

        auto command = parseCommandApdu(apdu);
        const int triesBefore = backend.tries;
        const bool verifiedBefore = card.pinVerified();

        const Bytes response = card.process(apdu);

        check(response.size() >= 2);
        check(response.size() <= 2 + kMaxExtendedLe);
        const auto sw =
            static_cast<std::uint16_t>((response[response.size() - 2] << 8) | response[response.size() - 1]);
        check(validStatusWord(sw));
        check(backend.tries >= 0 && backend.tries <= 3);
        if (!command) {
            check(sw == 0x6700 && response.size() == 2);
        }
        // A data field that cannot be a padded PIN never costs a try.
        if (command && command->ins == 0x20 && command->data.size() != 8 && !command->chained() && !chainOpen) {
            check(backend.tries == triesBefore);
        }
        // The PIN state only becomes "verified" through a VERIFY answered 9000.
        if (!verifiedBefore && card.pinVerified()) {
            check(command && command->ins == 0x20 && sw == 0x9000);
        }
        // Which commands close a chain, as ISO 7816-4 and the emulator see it: not a command refused for its class
        // (another logical channel or class than the chain's), not GET RESPONSE; every other one does.
        const bool refusedClass = command && ((command->cla & 0x80) || (command->cla & 0x4F));
        const bool getResponse = command && command->ins == 0xC0 && !command->chained();
        if (!command) {
            chainOpen = false;
        } else if (!refusedClass && !getResponse) {
            chainOpen = command->chained() && sw == 0x9000;
        }
    }
    return 0;
}
