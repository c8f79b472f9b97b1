// Command and response APDU codec: every accepted command is consistent (lengths within ISO 7816-4 bounds)
// and encodes back to exactly the bytes it came from, which parse to the same fields again.

#include "core/piv/Apdu.h"

#include <cstddef>
#include <cstdint>

using namespace sra::base;
using namespace sra::piv;

namespace {

void check(bool condition)
{
    if (!condition) {
        __builtin_trap();
    }
}

bool sameFields(const CommandApdu& a, const CommandApdu& b)
{
    return a.cla == b.cla && a.ins == b.ins && a.p1 == b.p1 && a.p2 == b.p2 && a.data == b.data && a.le == b.le
           && a.extended == b.extended;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const ByteView input(data, size);

    auto parsed = parseCommandApdu(input);
    if (parsed) {
        const CommandApdu& c = parsed.value();
        check(size >= 4);
        check(c.data.size() <= kMaxExtendedData);
        check(!c.le || (*c.le >= 1 && *c.le <= kMaxExtendedLe));
        if (!c.extended) {
            check(c.data.size() <= kMaxShortData && (!c.le || *c.le <= kMaxShortLe));
        }
        const Bytes encoded = encodeCommandApdu(c);
        check(encoded.size() == size && std::equal(encoded.begin(), encoded.end(), input.begin()));
        auto reparsed = parseCommandApdu(encoded);
        check(reparsed.ok() && sameFields(reparsed.value(), c));
    } else {
        check(parsed.error().code == ErrorCode::Malformed);
    }

    // Any command the host builds from these fields (short or extended as needed) parses back to them.
    if (size >= 5) {
        CommandApdu built;
        built.cla = data[0];
        built.ins = data[1];
        built.p1 = data[2];
        built.p2 = data[3];
        const std::uint8_t mode = data[4];
        built.data.assign(input.begin() + 5, input.end());
        if (built.data.size() > kMaxExtendedData) {
            built.data.resize(kMaxExtendedData);
        }
        if (mode & 1) {
            built.le = (mode & 2) ? kMaxExtendedLe : std::size_t{(mode >> 2) + 1u};
        }
        built.extended = (mode & 0x80) != 0;
        const Bytes encoded = encodeCommandApdu(built);
        auto reparsed = parseCommandApdu(encoded);
        check(reparsed.ok());
        check(reparsed->data == built.data && reparsed->le == built.le && reparsed->cla == built.cla);
        const bool needsExtended = built.data.size() > kMaxShortData || (built.le && *built.le > kMaxShortLe);
        check(reparsed->extended == (needsExtended || (built.extended && (built.le || !built.data.empty()))));
    }

    auto response = parseResponseApdu(input);
    check(response.ok() == (size >= 2));
    if (response) {
        const Bytes encoded = encodeResponseApdu(response->data, response->sw);
        check(encoded.size() == size && std::equal(encoded.begin(), encoded.end(), input.begin()));
    }
    return 0;
}
