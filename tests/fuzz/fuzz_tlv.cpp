// BER-TLV reader: TlvReader, parseTlvSequence and findTlv must never read outside the input, must agree
// with each other, and whatever they accept must survive a re-encode with the project's own encoders.

#include "core/piv/Tlv.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace sra::base;
using namespace sra::piv;

namespace {

void check(bool condition)
{
    if (!condition) {
        __builtin_trap();
    }
}

bool within(ByteView outer, ByteView inner)
{
    return inner.empty()
           || (inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size());
}

void checkLevel(ByteView data, int depth)
{
    // The reader, step by step: every TLV lies inside the buffer, sizes add up, errors are sticky.
    TlvReader reader(data);
    std::size_t consumed = 0;
    bool readerFailed = false;
    while (!reader.atEnd()) {
        auto tlv = reader.next();
        if (!tlv) {
            check(tlv.error().code == ErrorCode::Malformed);
            auto again = reader.next();
            check(!again && again.error().detail == tlv.error().detail);
            readerFailed = true;
            break;
        }
        check(tlv->size > tlv->value.size());
        check(tlv->size <= tlv->value.size() + 3 + 4); // at most 3 tag bytes and 4 length bytes
        check(within(data, tlv->value));
        consumed += tlv->size;
        check(consumed <= data.size());
        check(tlv->value.empty() || tlv->value.data() + tlv->value.size() == data.data() + consumed);
    }

    auto sequence = parseTlvSequence(data);
    check(sequence.ok() == !readerFailed);
    if (!sequence) {
        return;
    }
    check(consumed == data.size());

    Bytes reencoded;
    for (const Tlv& tlv : sequence.value()) {
        // findTlv returns the first TLV with that tag, pointing into the same buffer.
        auto found = findTlv(data, tlv.tag);
        check(found.has_value());
        for (const Tlv& earlier : sequence.value()) {
            if (earlier.tag == tlv.tag) {
                check(found->data() == earlier.value.data() && found->size() == earlier.value.size());
                break;
            }
        }
        appendTlv(reencoded, tlv.tag, tlv.value);
        // Constructed encodings (bit 6 of the first tag byte) hold TLVs themselves; descend a few levels.
        std::uint32_t first = tlv.tag;
        while (first > 0xFF) {
            first >>= 8;
        }
        if ((first & 0x20) && depth < 4) {
            checkLevel(tlv.value, depth + 1);
        }
    }
    // The minimal re-encoding parses to the same tags and values.
    auto again = parseTlvSequence(reencoded);
    check(again.ok() && again->size() == sequence->size());
    check(reencoded.size() <= data.size());
    for (std::size_t i = 0; i < again->size(); ++i) {
        const Tlv& a = (*again)[i];
        const Tlv& b = (*sequence)[i];
        check(a.tag == b.tag && a.value.size() == b.value.size());
        check(std::equal(a.value.begin(), a.value.end(), b.value.begin()));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    checkLevel(ByteView(data, size), 0);
    return 0;
}
