#include "core/piv/InsertedCard.h"

#include "core/piv/Tlv.h"

#include <cstdio>
#include <string>

namespace sra::piv {

namespace {

base::Error malformed(const char* field, const std::string& why)
{
    return base::makeError(base::ErrorCode::Malformed, std::string(field) + ": " + why);
}

std::string tagText(std::uint32_t tag)
{
    char text[12];
    std::snprintf(text, sizeof text, "%X", static_cast<unsigned>(tag));
    return text;
}

// The outer tag GET DATA answers with for this object (SP 800-73-4 part 1, 3.1.2 and table 3).
std::uint32_t containerTag(std::uint32_t objectTag)
{
    return objectTag == 0x7E || objectTag == 0x7F61 ? objectTag : 0x53;
}

bool isCertificateTag(std::uint32_t tag)
{
    if (isRetiredCertificateTag(tag)) {
        return true;
    }
    for (const PivKeySlot& slot : pivKeySlots()) {
        if (pivObjectInfo(slot.certificate).tag == tag) {
            return true;
        }
    }
    return tag == pivObjectInfo(PivObject::SecureMessagingCertificateSigner).tag;
}

// One object against the rules of decodeInsertedCard. The receivers hand these bytes to a card emulator and
// to certificate parsers, so the shape is checked here once rather than trusted there.
base::Status checkObject(std::uint32_t tag, base::ByteView value)
{
    const PivObjectInfo* info = findPivObjectByTag(tag);
    if (!info && !isRetiredCertificateTag(tag)) {
        return malformed("CardObjects", "not a PIV data object: tag " + tagText(tag));
    }
    if (info && info->access != ObjectAccess::Always) {
        return malformed("CardObjects", "PIN-protected object " + tagText(tag) + " is never sent");
    }
    if (value.empty()) {
        return malformed("CardObjects", "empty object " + tagText(tag));
    }
    if (value.size() > kMaxInsertedObjectSize) {
        return malformed("CardObjects",
                         "object " + tagText(tag) + " of " + std::to_string(value.size()) + " bytes (at most "
                             + std::to_string(kMaxInsertedObjectSize) + ")");
    }
    TlvReader reader(value);
    auto outer = reader.next();
    if (!outer || outer->tag != containerTag(tag) || !reader.atEnd()) {
        return malformed("CardObjects",
                         "object " + tagText(tag) + " is not one " + tagText(containerTag(tag)) + " data object");
    }
    if (isCertificateTag(tag)) {
        if (auto certificate = decodeCertificateObject(value); !certificate) {
            return malformed("CardObjects", "certificate object " + tagText(tag) + ": " + certificate.error().detail);
        }
    }
    return base::okStatus();
}

base::Status checkKey(std::uint8_t reference, std::uint8_t algorithm)
{
    if (findPivKeySlot(reference) == nullptr) {
        return malformed("KeyAlgorithms", "unknown key reference " + tagText(reference));
    }
    if (!pivAlgorithmFromByte(algorithm)) {
        return malformed("KeyAlgorithms", "unknown algorithm " + tagText(algorithm) + " for key " + tagText(reference));
    }
    return base::okStatus();
}

} // namespace

const base::Bytes* InsertedCard::object(std::uint32_t tag) const noexcept
{
    const auto it = objects.find(tag);
    return it == objects.end() ? nullptr : &it->second;
}

const base::Bytes* InsertedCard::object(PivObject which) const noexcept
{
    return object(pivObjectInfo(which).tag);
}

std::optional<PivAlgorithm> InsertedCard::keyAlgorithm(std::uint8_t keyReference) const noexcept
{
    const auto it = keys.find(keyReference);
    if (it == keys.end()) {
        return std::nullopt;
    }
    return it->second;
}

base::Result<InsertedCard> decodeInsertedCard(base::ByteView cardObjects, base::ByteView keyAlgorithms)
{
    if (cardObjects.size() > kMaxInsertedObjectsSize) {
        return malformed("CardObjects",
                         std::to_string(cardObjects.size()) + " bytes (at most "
                             + std::to_string(kMaxInsertedObjectsSize) + ")");
    }
    InsertedCard card;
    TlvReader reader(cardObjects);
    while (!reader.atEnd()) {
        auto item = reader.next();
        if (!item) {
            return malformed("CardObjects", item.error().detail);
        }
        if (card.objects.size() == kMaxInsertedObjects) {
            return malformed("CardObjects", "more than " + std::to_string(kMaxInsertedObjects) + " objects");
        }
        if (auto status = checkObject(item->tag, item->value); !status) {
            return status.error();
        }
        if (!card.objects.emplace(item->tag, base::Bytes(item->value.begin(), item->value.end())).second) {
            return malformed("CardObjects", "repeated tag " + tagText(item->tag));
        }
    }
    if (keyAlgorithms.size() % 2 != 0) {
        return malformed("KeyAlgorithms", "odd length " + std::to_string(keyAlgorithms.size()));
    }
    if (keyAlgorithms.size() > 2 * kMaxInsertedKeys) {
        return malformed("KeyAlgorithms", "more than " + std::to_string(kMaxInsertedKeys) + " keys");
    }
    for (std::size_t i = 0; i < keyAlgorithms.size(); i += 2) {
        const std::uint8_t reference = keyAlgorithms[i];
        if (auto status = checkKey(reference, keyAlgorithms[i + 1]); !status) {
            return status.error();
        }
        if (!card.keys.emplace(reference, *pivAlgorithmFromByte(keyAlgorithms[i + 1])).second) {
            return malformed("KeyAlgorithms", "repeated key reference " + tagText(reference));
        }
    }
    return card;
}

base::Result<InsertedCardPayload> encodeInsertedCard(const InsertedCard& card)
{
    if (card.objects.size() > kMaxInsertedObjects) {
        return malformed("CardObjects", "more than " + std::to_string(kMaxInsertedObjects) + " objects");
    }
    if (card.keys.size() > kMaxInsertedKeys) {
        return malformed("KeyAlgorithms", "more than " + std::to_string(kMaxInsertedKeys) + " keys");
    }
    InsertedCardPayload payload;
    for (const auto& [tag, value] : card.objects) {
        if (auto status = checkObject(tag, value); !status) {
            return status.error();
        }
        appendTlv(payload.cardObjects, tag, value);
    }
    if (payload.cardObjects.size() > kMaxInsertedObjectsSize) {
        return malformed("CardObjects",
                         std::to_string(payload.cardObjects.size()) + " bytes (at most "
                             + std::to_string(kMaxInsertedObjectsSize) + ")");
    }
    for (const auto& [reference, algorithm] : card.keys) {
        const auto id = static_cast<std::uint8_t>(algorithm);
        if (auto status = checkKey(reference, id); !status) {
            return status.error();
        }
        payload.keyAlgorithms.push_back(reference);
        payload.keyAlgorithms.push_back(id);
    }
    return payload;
}

} // namespace sra::piv
