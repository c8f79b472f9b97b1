#pragma once

#include "core/base/Bytes.h"
#include "core/base/Result.h"
#include "core/piv/PivObjects.h"

#include <cstdint>
#include <map>

namespace sra::ifd {

// What a CardStatus carries about the inserted card, checked: the data objects exactly as GET DATA returns
// them, keyed by PIV object tag, and the algorithm of each private key.
struct CardImage
{
    std::map<std::uint32_t, base::Bytes> objects;
    std::map<std::uint8_t, piv::PivAlgorithm> keys;
};

// Parses CardStatus.CardObjects (a BER-TLV list: tag = PIV object tag, value = the object) and
// CardStatus.KeyAlgorithms (byte pairs: key reference, PIV algorithm id). Refuses (Malformed, with the reason)
// a list that does not parse to its end, a tag that is not a PIV data object tag (three bytes 5FC1xx, or 7E
// discovery, or 7F61 biometric group template), a repeated tag, an empty object value, a key list of odd
// length, an unknown key reference or algorithm, or a repeated key reference. Never throws except bad_alloc.
base::Result<CardImage> parseCardImage(base::ByteView cardObjects, base::ByteView keyAlgorithms);

} // namespace sra::ifd
