#pragma once

#include "core/base/Bytes.h"

#include <cstdint>
#include <optional>
#include <string>

namespace sra::wire {

using base::Bytes;
using base::ByteView;

// Every SRA channel (admin ↔ srad over TLS, srad ↔ local drivers over a UNIX socket) carries frames:
//
//   'S' 'R' | version (1 byte) | type (1 byte) | payload length (4 bytes, big endian) | payload
//
// The magic makes a peer that speaks something else (HTTP, a VNC client on the wrong port) fail on the first
// eight bytes; the length is checked against the channel's maximum as soon as the header is complete, before
// a single payload byte is buffered, so an oversized frame costs the receiver nothing.
constexpr std::uint8_t kMagic0 = 'S';
constexpr std::uint8_t kMagic1 = 'R';
constexpr std::uint8_t kProtocolVersion = 1;
constexpr std::size_t kHeaderSize = 8;
constexpr std::uint32_t kDefaultMaxPayload = 256 * 1024;

struct Frame
{
    std::uint8_t type = 0;
    Bytes payload;
};

Bytes encodeFrame(std::uint8_t type, ByteView payload);

enum class FrameError
{
    None,
    BadMagic,           // not an SRA peer
    UnsupportedVersion, // a newer or older protocol
    TooLarge,           // announced payload above the channel's maximum
};

const char* frameErrorName(FrameError error) noexcept;

// Incremental decoder for a byte stream: feed() whatever arrived, then take frames with next() until it
// returns nullopt. After an error the decoder stays failed: the connection must be closed.
class FrameDecoder
{
public:
    explicit FrameDecoder(std::uint32_t maxPayload = kDefaultMaxPayload)
        : m_maxPayload(maxPayload)
    {}

    void feed(ByteView data);
    std::optional<Frame> next();

    FrameError error() const noexcept
    {
        return m_error;
    }

    // Bytes received but not yet part of a returned frame (for tests and for slow-loris accounting).
    std::size_t buffered() const noexcept
    {
        return m_buffer.size() - m_consumed;
    }

    // How many more bytes the decoder needs before it can return a frame (≥ 1), or 0 when one is ready or the
    // decoder failed. Lets a socket reader ask for exactly that much.
    std::size_t bytesWanted() const noexcept;

private:
    bool checkHeader();

    std::uint32_t m_maxPayload;
    Bytes m_buffer;
    std::size_t m_consumed = 0;
    FrameError m_error = FrameError::None;
};

} // namespace sra::wire
