#pragma once

#include "core/base/Bytes.h"
#include "core/base/Result.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace sra::piv {

// BER-TLV as used by ISO 7816-4 and NIST SP 800-73-4: tags of one to three bytes (the first byte's low five
// bits all set means "more tag bytes follow", each following byte's top bit means "one more"), definite
// lengths in short form or 0x81/0x82/0x83 long form. Indefinite lengths do not occur on PIV cards and are
// rejected. Every length is checked against the end of the buffer before anything is read.
struct Tlv
{
    std::uint32_t tag = 0;
    base::ByteView value; // points into the parsed buffer
    std::size_t size = 0; // tag + length + value bytes
};

class TlvReader
{
public:
    explicit TlvReader(base::ByteView data) noexcept
        : m_data(data)
    {}

    bool atEnd() const noexcept
    {
        return m_pos >= m_data.size();
    }

    // The next TLV at this level, or Malformed (with the offset in the detail). After an error the reader
    // stays at the failing position, so further calls fail the same way.
    base::Result<Tlv> next();

private:
    base::ByteView m_data;
    std::size_t m_pos = 0;
};

// Parses a whole buffer as a sequence of TLVs at one level; Malformed if any byte is left over.
base::Result<std::vector<Tlv>> parseTlvSequence(base::ByteView data);

// The first TLV with the given tag at the top level of a well-formed sequence.
std::optional<base::ByteView> findTlv(base::ByteView data, std::uint32_t tag);

// Encoders. Tags are written with as many bytes as their value needs (0x7C → 1 byte, 0x5FC105 → 3).
std::size_t encodedLengthSize(std::size_t length) noexcept;
void appendLength(base::Bytes& out, std::size_t length);
void appendTag(base::Bytes& out, std::uint32_t tag);
void appendTlv(base::Bytes& out, std::uint32_t tag, base::ByteView value);
base::Bytes makeTlv(std::uint32_t tag, base::ByteView value);

} // namespace sra::piv
