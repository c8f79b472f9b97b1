// Message codec (core/wire/Message.h): decodeMessage on (type = first byte, payload = rest). Whatever it
// accepts, encodeMessage must accept and write back byte for byte (the strict format has exactly one encoding
// per message), and that frame must decode through FrameDecoder to the same fields. What it refuses is
// Malformed with a reason. The payload also goes through an independent UTF-8 check (Unicode Table 3-7)
// as a Bye reason, and through makeError, whose result must always be sendable when the text is UTF-8.

#include "core/wire/Frame.h"
#include "core/wire/Message.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace sra::wire;

namespace {

void check(bool condition)
{
    if (!condition) {
        __builtin_trap();
    }
}

bool in(std::uint8_t b, std::uint8_t lo, std::uint8_t hi)
{
    return b >= lo && b <= hi;
}

// Well-formed UTF-8 byte sequences as tabulated in the Unicode standard (Table 3-7), without U+0000.
bool wellFormedUtf8(ByteView s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        const std::uint8_t b = s[i];
        const std::size_t left = s.size() - i;
        auto cont = [&](std::size_t k, std::uint8_t lo = 0x80, std::uint8_t hi = 0xBF) {
            return left > k && in(s[i + k], lo, hi);
        };
        if (in(b, 0x01, 0x7F)) {
            i += 1;
        } else if (in(b, 0xC2, 0xDF) && cont(1)) {
            i += 2;
        } else if (b == 0xE0 && cont(1, 0xA0, 0xBF) && cont(2)) {
            i += 3;
        } else if ((in(b, 0xE1, 0xEC) || in(b, 0xEE, 0xEF)) && cont(1) && cont(2)) {
            i += 3;
        } else if (b == 0xED && cont(1, 0x80, 0x9F) && cont(2)) {
            i += 3;
        } else if (b == 0xF0 && cont(1, 0x90, 0xBF) && cont(2) && cont(3)) {
            i += 4;
        } else if (in(b, 0xF1, 0xF3) && cont(1) && cont(2) && cont(3)) {
            i += 4;
        } else if (b == 0xF4 && cont(1, 0x80, 0x8F) && cont(2) && cont(3)) {
            i += 4;
        } else {
            return false;
        }
    }
    return true;
}

Bytes field(Field id, ByteView value)
{
    const auto n = static_cast<std::uint32_t>(value.size());
    Bytes out(5 + value.size());
    out[0] = static_cast<std::uint8_t>(id);
    for (int i = 0; i < 4; ++i) {
        out[static_cast<std::size_t>(1 + i)] = static_cast<std::uint8_t>(n >> (24 - 8 * i));
    }
    std::copy(value.begin(), value.end(), out.begin() + 5);
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1) {
        return 0;
    }
    const Frame input{data[0], Bytes(data + 1, data + size)};

    auto decoded = decodeMessage(input);
    if (!decoded) {
        check(decoded.error().code == sra::base::ErrorCode::Malformed);
        check(!decoded.error().detail.empty());
    } else {
        check(static_cast<std::uint8_t>(decoded->type()) == input.type);
        check(messageSpec(input.type) != nullptr);
        auto encoded = encodeMessage(decoded.value());
        check(encoded.ok());
        const Bytes original = encodeFrame(input.type, input.payload);
        check(encoded.value() == original);

        FrameDecoder frames;
        frames.feed(encoded.value());
        auto frame = frames.next();
        check(frame.has_value() && frames.buffered() == 0);
        auto again = decodeMessage(*frame);
        check(again.ok());
        check(again->type() == decoded->type());
        check(again->fields() == decoded->fields());
    }

    // The decoder's UTF-8 rule equals the table, for any text that fits a Bye reason.
    const ByteView text(input.payload);
    if (text.size() <= 1024) {
        const Frame bye{static_cast<std::uint8_t>(MessageType::Bye), field(Field::Reason, text)};
        check(decodeMessage(bye).ok() == wellFormedUtf8(text));
    }

    // makeError keeps at most 1024 bytes of a UTF-8 text, as a prefix, and the Error is always sendable.
    if (wellFormedUtf8(text)) {
        const std::string_view s(reinterpret_cast<const char*>(text.data()), text.size());
        const Message error = makeError(static_cast<ErrorCode>(input.type), s);
        const std::string kept = error.text(Field::ErrorText);
        check(kept.size() <= 1024 && s.substr(0, kept.size()) == kept);
        if (s.size() <= 1024) {
            check(kept.size() == s.size()); // short texts are kept whole
        } else {
            check(kept.size() + 3 >= 1024); // a cut loses at most the bytes of one split character
        }
        auto encoded = encodeMessage(error);
        check(encoded.ok());
    }
    return 0;
}
