#include "core/wire/Frame.h"

#include <algorithm>

namespace sra::wire {

Bytes encodeFrame(std::uint8_t type, ByteView payload)
{
    const auto length = static_cast<std::uint32_t>(payload.size());
    Bytes out(kHeaderSize + payload.size());
    out[0] = kMagic0;
    out[1] = kMagic1;
    out[2] = kProtocolVersion;
    out[3] = type;
    out[4] = static_cast<std::uint8_t>(length >> 24);
    out[5] = static_cast<std::uint8_t>(length >> 16);
    out[6] = static_cast<std::uint8_t>(length >> 8);
    out[7] = static_cast<std::uint8_t>(length);
    std::copy(payload.begin(), payload.end(), out.begin() + kHeaderSize);
    return out;
}

const char* frameErrorName(FrameError error) noexcept
{
    switch (error) {
    case FrameError::None:
        return "none";
    case FrameError::BadMagic:
        return "not an SRA frame";
    case FrameError::UnsupportedVersion:
        return "unsupported protocol version";
    case FrameError::TooLarge:
        return "frame larger than allowed";
    }
    return "unknown";
}

void FrameDecoder::feed(ByteView data)
{
    if (m_error != FrameError::None) {
        return;
    }
    // Drop what was consumed before growing, so the buffer never holds more than one frame plus a header.
    if (m_consumed > 0) {
        m_buffer.erase(m_buffer.begin(), m_buffer.begin() + static_cast<std::ptrdiff_t>(m_consumed));
        m_consumed = 0;
    }
    base::append(m_buffer, data);
    checkHeader();
}

bool FrameDecoder::checkHeader()
{
    const std::size_t available = m_buffer.size() - m_consumed;
    const std::uint8_t* h = m_buffer.data() + m_consumed;
    // Judge each header byte as soon as it is there: a stranger is refused after its first byte.
    if (available >= 1 && h[0] != kMagic0) {
        m_error = FrameError::BadMagic;
    } else if (available >= 2 && h[1] != kMagic1) {
        m_error = FrameError::BadMagic;
    } else if (available >= 3 && h[2] != kProtocolVersion) {
        m_error = FrameError::UnsupportedVersion;
    } else if (available >= kHeaderSize) {
        const std::uint32_t length =
            (std::uint32_t{h[4]} << 24) | (std::uint32_t{h[5]} << 16) | (std::uint32_t{h[6]} << 8) | h[7];
        if (length > m_maxPayload) {
            m_error = FrameError::TooLarge;
        }
    }
    if (m_error != FrameError::None) {
        m_buffer.clear();
        m_consumed = 0;
        return false;
    }
    return true;
}

std::size_t FrameDecoder::bytesWanted() const noexcept
{
    if (m_error != FrameError::None) {
        return 0;
    }
    const std::size_t available = m_buffer.size() - m_consumed;
    if (available < kHeaderSize) {
        return kHeaderSize - available;
    }
    const std::uint8_t* h = m_buffer.data() + m_consumed;
    const std::size_t length = (std::size_t{h[4]} << 24) | (std::size_t{h[5]} << 16) | (std::size_t{h[6]} << 8) | h[7];
    const std::size_t total = kHeaderSize + length;
    return available >= total ? 0 : total - available;
}

std::optional<Frame> FrameDecoder::next()
{
    if (m_error != FrameError::None || !checkHeader()) {
        return std::nullopt;
    }
    const std::size_t available = m_buffer.size() - m_consumed;
    if (available < kHeaderSize) {
        return std::nullopt;
    }
    const std::uint8_t* h = m_buffer.data() + m_consumed;
    const std::size_t length = (std::size_t{h[4]} << 24) | (std::size_t{h[5]} << 16) | (std::size_t{h[6]} << 8) | h[7];
    if (available < kHeaderSize + length) {
        return std::nullopt;
    }
    Frame frame;
    frame.type = h[3];
    frame.payload.assign(h + kHeaderSize, h + kHeaderSize + length);
    m_consumed += kHeaderSize + length;
    if (m_consumed == m_buffer.size()) {
        m_buffer.clear();
        m_consumed = 0;
    }
    // Judge whatever of the next header is already here, so error() and bytesWanted() are right between
    // next() calls (a bad byte fed together with earlier frames is refused as soon as they are taken).
    checkHeader();
    return frame;
}

} // namespace sra::wire
