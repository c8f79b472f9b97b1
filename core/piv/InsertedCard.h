#pragma once

#include "core/base/Bytes.h"
#include "core/base/Result.h"
#include "core/piv/PivObjects.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

namespace sra::piv {

// The inserted-card payload: what InsertCard (admin → srad) and CardStatus (srad → local clients) carry about
// the admin's card, as two wire fields (docs/PROTOCOL.md, "Card relay"):
//   CardObjects    a BER-TLV list, tag = PIV object tag (5FC105, 7E, …), value = the object exactly as GET DATA
//                  returns it (53 {…}, 7E {…} or 7F61 {…});
//   KeyAlgorithms  byte pairs: key reference (9A, 9C, 9D, 9E), PIV algorithm id (07, 11, 14).
// One codec for the admin side that builds it, srad that checks it on insert, and the pcscd driver and the
// PKCS#11 module that read it. It lives in sra_piv because the payload is PIV objects and key slots, and
// because the C-ABI modules link sra_piv: so it is Qt-free and exception-free (only bad_alloc), like the rest
// of this layer.

// Limits. The whole CardObjects field is bounded by the wire schema as well (core/wire/Message.cpp,
// kMaxCardObjects: keep the two equal); one object by the largest certificate this project accepts in its
// 53 {70 … 71 … FE} container; the counts by the distinct tags and key slots that exist.
inline constexpr std::size_t kMaxInsertedObjectsSize = 96 * 1024;
inline constexpr std::size_t kMaxInsertedObjectSize = kMaxCertificateSize + 64;
inline constexpr std::size_t kMaxInsertedObjects = 36; // the catalogue's 16 objects + 20 retired certificates
inline constexpr std::size_t kMaxInsertedKeys = 4;     // 9A, 9C, 9D, 9E

struct InsertedCard
{
    std::map<std::uint32_t, base::Bytes> objects; // PIV object tag → the object as GET DATA returns it
    std::map<std::uint8_t, PivAlgorithm> keys;    // key reference → the algorithm the card announced

    // Null when the card has no such object.
    const base::Bytes* object(std::uint32_t tag) const noexcept;
    const base::Bytes* object(PivObject which) const noexcept;
    std::optional<PivAlgorithm> keyAlgorithm(std::uint8_t keyReference) const noexcept;

    bool operator==(const InsertedCard&) const = default;
};

struct InsertedCardPayload
{
    base::Bytes cardObjects;
    base::Bytes keyAlgorithms;
};

// Strict: Malformed, with a detail naming the field and the reason, for a CardObjects list that is not BER-TLV
// to its end or larger than kMaxInsertedObjectsSize; more than kMaxInsertedObjects objects; a tag that is not
// a PIV data object this project knows (the catalogue, the retired key-management certificates); an object
// that is PIN-protected (the payload carries only what the card gives without a PIN), empty, larger than
// kMaxInsertedObjectSize, not one data object (53, 7E for discovery, 7F61 for the biometric group template)
// exactly filling the value, or a certificate container that does not decode; a repeated tag; a KeyAlgorithms
// list of odd length or with more than kMaxInsertedKeys pairs, an unknown key reference or algorithm, or a
// repeated key reference. An empty payload is a card without objects or keys.
base::Result<InsertedCard> decodeInsertedCard(base::ByteView cardObjects, base::ByteView keyAlgorithms);

// The two fields, objects in ascending tag order and keys in ascending reference order. Refuses (Malformed,
// as decodeInsertedCard would) a card that breaks any of the rules above, so a sender cannot build a payload
// its receivers refuse.
base::Result<InsertedCardPayload> encodeInsertedCard(const InsertedCard& card);

} // namespace sra::piv
