// Frame decoder (core/wire/Frame.h) against a whole-stream reference parser. The input's first byte picks
// the channel maximum (low 3 bits) and how many chunk sizes follow (high 5 bits); the rest is the byte
// stream, fed in chunks of those sizes in turn. After every feed the decoder is drained and must agree with
// the reference on the prefix fed so far: the same frames, each re-encoding to exactly the bytes it consumed;
// the same error, reported as soon as the offending byte is there; never more buffered than one header and
// one maximum payload; bytesWanted() exact. A failed decoder stays failed and holds nothing.

#include "core/wire/Frame.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

using namespace sra::wire;

namespace {

void check(bool condition)
{
    if (!condition) {
        __builtin_trap();
    }
}

constexpr std::uint32_t kMaxChoices[8] = {0, 1, 8, 64, 300, 4096, 65536, kDefaultMaxPayload};

std::uint32_t be32(const std::uint8_t* p)
{
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// The reference: takes complete frames from stream[pos, end) and stops at the first header error or an
// incomplete frame. Plain and non-incremental on purpose.
struct Reference
{
    ByteView stream;
    std::uint32_t maxPayload;
    std::size_t pos = 0;
    FrameError error = FrameError::None;

    // The next complete frame's size in [pos, end), or nullopt (then `error` may be set).
    std::optional<std::size_t> nextFrame(std::size_t end)
    {
        if (error != FrameError::None) {
            return std::nullopt;
        }
        const std::size_t rem = end - pos;
        const std::uint8_t* h = stream.data() + pos;
        if (rem >= 1 && h[0] != 'S') {
            error = FrameError::BadMagic;
        } else if (rem >= 2 && h[1] != 'R') {
            error = FrameError::BadMagic;
        } else if (rem >= 3 && h[2] != 1) {
            error = FrameError::UnsupportedVersion;
        } else if (rem >= 8 && be32(h + 4) > maxPayload) {
            error = FrameError::TooLarge;
        }
        if (error != FrameError::None || rem < 8 || rem - 8 < be32(h + 4)) {
            return std::nullopt;
        }
        return 8 + std::size_t{be32(h + 4)};
    }

    std::size_t wanted(std::size_t end) const
    {
        const std::size_t rem = end - pos;
        if (rem < 8) {
            return 8 - rem;
        }
        const std::size_t total = 8 + std::size_t{be32(stream.data() + pos + 4)};
        return rem >= total ? 0 : total - rem;
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1) {
        return 0;
    }
    const std::uint32_t maxPayload = kMaxChoices[data[0] & 7];
    const std::size_t nSizes = std::min<std::size_t>(data[0] >> 3, size - 1);
    const std::uint8_t* sizes = data + 1;
    const bool anyNonZero = std::any_of(sizes, sizes + nSizes, [](std::uint8_t s) { return s != 0; });
    const ByteView stream(data + 1 + nSizes, size - 1 - nSizes);

    FrameDecoder decoder(maxPayload);
    Reference ref{stream, maxPayload};
    std::size_t fed = 0;
    std::size_t step = 0;
    while (fed < stream.size()) {
        std::size_t chunk = stream.size() - fed; // no sizes: everything at once
        if (nSizes > 0) {
            chunk = anyNonZero ? sizes[step % nSizes] : 1; // a zero size is an empty feed
        }
        ++step;
        chunk = std::min(chunk, stream.size() - fed);
        decoder.feed(stream.subspan(fed, chunk));
        fed += chunk;

        // Drain, frame by frame, against the reference.
        while (true) {
            const std::optional<std::size_t> expected = ref.nextFrame(fed);
            auto frame = decoder.next();
            check(frame.has_value() == expected.has_value());
            if (!frame) {
                break;
            }
            check(frame->payload.size() <= maxPayload);
            const Bytes again = encodeFrame(frame->type, frame->payload);
            check(again.size() == *expected);
            check(std::equal(again.begin(), again.end(), stream.begin() + static_cast<std::ptrdiff_t>(ref.pos)));
            ref.pos += *expected;
            // Between next() calls the state already reflects what is buffered: a bad next header is an
            // error now, and bytesWanted() is exact.
            Reference peek = ref;
            const std::optional<std::size_t> following = peek.nextFrame(fed);
            check(decoder.error() == peek.error);
            if (peek.error == FrameError::None) {
                check(decoder.bytesWanted() == (following ? 0 : peek.wanted(fed)));
            }
        }
        check(decoder.error() == ref.error);
        if (ref.error != FrameError::None) {
            check(decoder.buffered() == 0);
            check(decoder.bytesWanted() == 0);
            check(!decoder.next().has_value());
            break;
        }
        check(decoder.buffered() == fed - ref.pos);
        check(decoder.buffered() < kHeaderSize + std::size_t{maxPayload});
        const std::size_t wanted = decoder.bytesWanted();
        check(wanted >= 1 && wanted == ref.wanted(fed));
        check(decoder.buffered() + wanted <= kHeaderSize + std::size_t{maxPayload});
    }

    // Failed stays failed, whatever comes next.
    if (decoder.error() != FrameError::None) {
        const FrameError first = decoder.error();
        decoder.feed(encodeFrame(0x06, {}));
        check(decoder.error() == first && !decoder.next().has_value() && decoder.buffered() == 0);
    }
    return 0;
}
