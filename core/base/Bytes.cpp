#include "core/base/Bytes.h"

#include <string.h>

namespace sra::base {

void secureZero(void* data, std::size_t size) noexcept
{
    if (data && size) {
        explicit_bzero(data, size);
    }
}

std::string toHex(ByteView data, std::string_view separator)
{
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(data.size() * (2 + separator.size()));
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (i && !separator.empty()) {
            out.append(separator);
        }
        out.push_back(kDigits[data[i] >> 4]);
        out.push_back(kDigits[data[i] & 0x0F]);
    }
    return out;
}

namespace {
int hexValue(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}
} // namespace

bool fromHex(std::string_view text, Bytes& out)
{
    out.clear();
    int high = -1;
    for (const char c : text) {
        if (c == ' ' || c == ':') {
            continue;
        }
        const int v = hexValue(c);
        if (v < 0) {
            return false;
        }
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::uint8_t>((high << 4) | v));
            high = -1;
        }
    }
    return high < 0;
}

} // namespace sra::base
