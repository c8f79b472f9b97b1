#include "pcscd-driver/CardImage.h"

#include "core/piv/Tlv.h"

#include <string>

namespace sra::ifd {

namespace {

bool isPivObjectTag(std::uint32_t tag)
{
    // SP 800-73-4 part 1, table 3: the BER-TLV tags GET DATA takes. 5FC101..5FC1FF covers the standard
    // containers and the retired-key certificates; 7E is discovery, 7F61 the biometric group template.
    return (tag >= 0x5FC101 && tag <= 0x5FC1FF) || tag == 0x7E || tag == 0x7F61;
}

} // namespace

base::Result<CardImage> parseCardImage(base::ByteView cardObjects, base::ByteView keyAlgorithms)
{
    CardImage image;
    auto items = piv::parseTlvSequence(cardObjects);
    if (!items) {
        return base::makeError(base::ErrorCode::Malformed, "CardObjects: " + items.error().detail);
    }
    for (const piv::Tlv& item : items.value()) {
        if (!isPivObjectTag(item.tag)) {
            return base::makeError(base::ErrorCode::Malformed,
                                   "CardObjects: not a PIV object tag " + std::to_string(item.tag));
        }
        if (item.value.empty()) {
            return base::makeError(base::ErrorCode::Malformed, "CardObjects: empty object");
        }
        if (!image.objects.emplace(item.tag, base::Bytes(item.value.begin(), item.value.end())).second) {
            return base::makeError(base::ErrorCode::Malformed, "CardObjects: repeated tag " + std::to_string(item.tag));
        }
    }
    if (keyAlgorithms.size() % 2 != 0) {
        return base::makeError(base::ErrorCode::Malformed, "KeyAlgorithms: odd length");
    }
    for (std::size_t i = 0; i < keyAlgorithms.size(); i += 2) {
        const std::uint8_t reference = keyAlgorithms[i];
        const auto algorithm = piv::pivAlgorithmFromByte(keyAlgorithms[i + 1]);
        if (piv::findPivKeySlot(reference) == nullptr || !algorithm) {
            return base::makeError(base::ErrorCode::Malformed, "KeyAlgorithms: unknown key or algorithm");
        }
        if (!image.keys.emplace(reference, *algorithm).second) {
            return base::makeError(base::ErrorCode::Malformed, "KeyAlgorithms: repeated key reference");
        }
    }
    return image;
}

} // namespace sra::ifd
