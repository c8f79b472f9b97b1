#include "core/piv/Tlv.h"

#include <string>

namespace sra::piv {

namespace {
// PIV objects are at most a few kilobytes and APDUs at most 64 KiB; 0x83 (three length bytes) is the
// longest form we accept, four-byte lengths are rejected outright.
constexpr std::size_t kMaxLengthBytes = 3;
constexpr std::size_t kMaxTagBytes = 3;

base::Error malformed(const char* what, std::size_t offset)
{
    return base::makeError(base::ErrorCode::Malformed,
                           std::string("BER-TLV: ") + what + " at offset " + std::to_string(offset));
}
} // namespace

base::Result<Tlv> TlvReader::next()
{
    const std::size_t start = m_pos;
    const std::size_t end = m_data.size();
    if (start >= end) {
        return malformed("no TLV left", start);
    }

    std::size_t p = start;
    std::uint32_t tag = m_data[p++];
    if ((tag & 0x1F) == 0x1F) {
        std::size_t tagBytes = 1;
        while (true) {
            if (p >= end) {
                return malformed("truncated tag", start);
            }
            if (++tagBytes > kMaxTagBytes) {
                return malformed("tag longer than three bytes", start);
            }
            const std::uint8_t b = m_data[p++];
            tag = (tag << 8) | b;
            if (!(b & 0x80)) {
                break;
            }
        }
    }

    if (p >= end) {
        return malformed("missing length", start);
    }
    std::size_t length = m_data[p++];
    if (length == 0x80) {
        return malformed("indefinite length", start);
    }
    if (length > 0x80) {
        const std::size_t count = length & 0x7F;
        if (count > kMaxLengthBytes) {
            return malformed("length field too long", start);
        }
        if (end - p < count) {
            return malformed("truncated length", start);
        }
        length = 0;
        for (std::size_t i = 0; i < count; ++i) {
            length = (length << 8) | m_data[p++];
        }
    }
    if (end - p < length) {
        return malformed("value runs past the end", start);
    }

    Tlv tlv;
    tlv.tag = tag;
    tlv.value = m_data.subspan(p, length);
    tlv.size = p + length - start;
    m_pos = p + length;
    return tlv;
}

base::Result<std::vector<Tlv>> parseTlvSequence(base::ByteView data)
{
    std::vector<Tlv> out;
    TlvReader reader(data);
    while (!reader.atEnd()) {
        auto tlv = reader.next();
        if (!tlv) {
            return tlv.error();
        }
        out.push_back(tlv.value());
    }
    return out;
}

std::optional<base::ByteView> findTlv(base::ByteView data, std::uint32_t tag)
{
    TlvReader reader(data);
    while (!reader.atEnd()) {
        auto tlv = reader.next();
        if (!tlv) {
            return std::nullopt;
        }
        if (tlv->tag == tag) {
            return tlv->value;
        }
    }
    return std::nullopt;
}

std::size_t encodedLengthSize(std::size_t length) noexcept
{
    if (length < 0x80) {
        return 1;
    }
    if (length <= 0xFF) {
        return 2;
    }
    if (length <= 0xFFFF) {
        return 3;
    }
    return 4;
}

void appendLength(base::Bytes& out, std::size_t length)
{
    switch (encodedLengthSize(length)) {
    case 1:
        out.push_back(static_cast<std::uint8_t>(length));
        break;
    case 2:
        out.push_back(0x81);
        out.push_back(static_cast<std::uint8_t>(length));
        break;
    case 3:
        out.push_back(0x82);
        out.push_back(static_cast<std::uint8_t>(length >> 8));
        out.push_back(static_cast<std::uint8_t>(length));
        break;
    default:
        out.push_back(0x83);
        out.push_back(static_cast<std::uint8_t>(length >> 16));
        out.push_back(static_cast<std::uint8_t>(length >> 8));
        out.push_back(static_cast<std::uint8_t>(length));
        break;
    }
}

void appendTag(base::Bytes& out, std::uint32_t tag)
{
    if (tag > 0xFFFF) {
        out.push_back(static_cast<std::uint8_t>(tag >> 16));
    }
    if (tag > 0xFF) {
        out.push_back(static_cast<std::uint8_t>(tag >> 8));
    }
    out.push_back(static_cast<std::uint8_t>(tag));
}

void appendTlv(base::Bytes& out, std::uint32_t tag, base::ByteView value)
{
    appendTag(out, tag);
    appendLength(out, value.size());
    base::append(out, value);
}

base::Bytes makeTlv(std::uint32_t tag, base::ByteView value)
{
    base::Bytes out;
    out.reserve(value.size() + 8);
    appendTlv(out, tag, value);
    return out;
}

} // namespace sra::piv
