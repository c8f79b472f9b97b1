// The inserted-card payload codec (piv::decodeInsertedCard / encodeInsertedCard), which srad applies to
// InsertCard and the pcscd driver and the PKCS#11 module to CardStatus: input = 2-byte big-endian length of
// CardObjects, CardObjects, then KeyAlgorithms. Whatever it accepts must stay within the limits, encode again
// and decode to the same card, every object be a non-empty data object keyed by a PIV object tag, every key a
// known reference with a known algorithm; an emulator built from an accepted card (as the driver builds it)
// must answer GET DATA for each object with the object itself.

#include "core/piv/InsertedCard.h"
#include "core/piv/PivCardEmulator.h"
#include "core/piv/Tlv.h"

#include <cstddef>
#include <cstdint>

using namespace sra::base;
using namespace sra::piv;

namespace {

void check(bool condition)
{
    if (!condition) {
        __builtin_trap();
    }
}

class NoKeys final : public PivCardBackend
{
public:
    std::optional<PivAlgorithm> keyAlgorithm(std::uint8_t) const override
    {
        return std::nullopt;
    }

    PinCheck verifyPin(const SecureBytes&) override
    {
        return {};
    }

    int pinTriesLeft() const override
    {
        return 3;
    }

    Result<Bytes> sign(std::uint8_t, PivAlgorithm, ByteView) override
    {
        return makeError(ErrorCode::Unsupported);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2) {
        return 0;
    }
    const std::size_t objectsSize = std::min<std::size_t>(size - 2, (std::size_t(data[0]) << 8) | data[1]);
    const ByteView objects(data + 2, objectsSize);
    const ByteView keys(data + 2 + objectsSize, size - 2 - objectsSize);
    auto image = decodeInsertedCard(objects, keys);
    if (!image) {
        check(image.error().code == ErrorCode::Malformed && !image.error().detail.empty());
        return 0;
    }
    check(image->objects.size() <= kMaxInsertedObjects && image->keys.size() <= kMaxInsertedKeys);
    for (const auto& [tag, value] : image->objects) {
        check(!value.empty() && value.size() <= kMaxInsertedObjectSize);
        check((tag >= 0x5FC101 && tag <= 0x5FC1FF) || tag == 0x7E || tag == 0x7F61);
        check(unwrapDataObject(value).ok());
        check(image->object(tag) == &value);
    }
    for (const auto& [reference, algorithm] : image->keys) {
        check(findPivKeySlot(reference) != nullptr);
        check(pivAlgorithmFromByte(static_cast<std::uint8_t>(algorithm)).has_value());
    }
    auto payload = encodeInsertedCard(image.value());
    check(payload.ok() && payload->cardObjects.size() <= objects.size()
          && payload->keyAlgorithms.size() == keys.size());
    auto again = decodeInsertedCard(payload->cardObjects, payload->keyAlgorithms);
    check(again.ok() && again.value() == image.value());

    NoKeys backend;
    PivCardEmulator emulator(backend);
    for (const auto& [tag, value] : image->objects) {
        emulator.setDataObject(tag, value);
    }
    check(emulator
              .process(Bytes{0x00, 0xA4, 0x04, 0x00, 0x09, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x00})
              .size()
          >= 2);
    for (const auto& [tag, value] : image->objects) {
        Bytes tagBytes;
        appendTag(tagBytes, tag);
        Bytes apdu{0x00,
                   0xCB,
                   0x3F,
                   0xFF,
                   static_cast<std::uint8_t>(tagBytes.size() + 2),
                   0x5C,
                   static_cast<std::uint8_t>(tagBytes.size())};
        append(apdu, tagBytes);
        apdu.push_back(0x00);
        Bytes collected;
        Bytes response = emulator.process(apdu);
        while (response.size() >= 2 && response[response.size() - 2] == 0x61) {
            collected.insert(collected.end(), response.begin(), response.end() - 2);
            response = emulator.process(Bytes{0x00, 0xC0, 0x00, 0x00, response.back()});
        }
        check(response.size() >= 2);
        collected.insert(collected.end(), response.begin(), response.end() - 2);
        if (response[response.size() - 2] == 0x90 && response.back() == 0x00) {
            check(collected == value);
        }
    }
    return 0;
}
