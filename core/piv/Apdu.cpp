#include "core/piv/Apdu.h"

#include "core/piv/StatusWord.h"

#include <algorithm>
#include <string>

namespace sra::piv {

namespace {
base::Error malformed(const char* what)
{
    return base::makeError(base::ErrorCode::Malformed, std::string("APDU: ") + what);
}

std::size_t decodeShortLe(std::uint8_t b)
{
    return b == 0 ? kMaxShortLe : b;
}

std::size_t decodeExtendedLe(std::uint8_t hi, std::uint8_t lo)
{
    const std::size_t v = (std::size_t{hi} << 8) | lo;
    return v == 0 ? kMaxExtendedLe : v;
}
} // namespace

base::Result<CommandApdu> parseCommandApdu(base::ByteView apdu)
{
    if (apdu.size() < 4) {
        return malformed("shorter than a header");
    }
    CommandApdu c;
    c.cla = apdu[0];
    c.ins = apdu[1];
    c.p1 = apdu[2];
    c.p2 = apdu[3];
    const base::ByteView body = apdu.subspan(4);
    const std::size_t n = body.size();

    if (n == 0) { // case 1
        return c;
    }
    if (n == 1) { // case 2S
        c.le = decodeShortLe(body[0]);
        return c;
    }
    if (body[0] != 0) { // short Lc
        const std::size_t lc = body[0];
        if (n == 1 + lc) { // case 3S
            c.data.assign(body.begin() + 1, body.end());
            return c;
        }
        if (n == 2 + lc) { // case 4S
            c.data.assign(body.begin() + 1, body.begin() + 1 + static_cast<std::ptrdiff_t>(lc));
            c.le = decodeShortLe(body[n - 1]);
            return c;
        }
        return malformed("short Lc does not match the body");
    }
    // body[0] == 0 and n >= 2: extended forms.
    c.extended = true;
    if (n == 3) { // case 2E
        c.le = decodeExtendedLe(body[1], body[2]);
        return c;
    }
    if (n < 3) {
        return malformed("truncated extended length");
    }
    const std::size_t lc = (std::size_t{body[1]} << 8) | body[2];
    if (lc == 0) {
        return malformed("extended Lc of zero");
    }
    if (n == 3 + lc) { // case 3E
        c.data.assign(body.begin() + 3, body.end());
        return c;
    }
    if (n == 5 + lc) { // case 4E
        c.data.assign(body.begin() + 3, body.begin() + 3 + static_cast<std::ptrdiff_t>(lc));
        c.le = decodeExtendedLe(body[n - 2], body[n - 1]);
        return c;
    }
    return malformed("extended Lc does not match the body");
}

base::Bytes encodeCommandApdu(const CommandApdu& c)
{
    const bool extended = c.extended || c.data.size() > kMaxShortData || (c.le && *c.le > kMaxShortLe);
    base::Bytes out{c.cla, c.ins, c.p1, c.p2};
    out.reserve(4 + 3 + c.data.size() + 3);
    if (!c.data.empty()) {
        if (extended) {
            out.push_back(0);
            out.push_back(static_cast<std::uint8_t>(c.data.size() >> 8));
            out.push_back(static_cast<std::uint8_t>(c.data.size()));
        } else {
            out.push_back(static_cast<std::uint8_t>(c.data.size()));
        }
        base::append(out, c.data);
    }
    if (c.le) {
        const std::size_t le = *c.le;
        if (extended) {
            if (c.data.empty()) {
                out.push_back(0);
            }
            out.push_back(static_cast<std::uint8_t>((le >= kMaxExtendedLe ? 0 : le) >> 8));
            out.push_back(static_cast<std::uint8_t>(le >= kMaxExtendedLe ? 0 : le));
        } else {
            out.push_back(static_cast<std::uint8_t>(le >= kMaxShortLe ? 0 : le));
        }
    }
    return out;
}

base::Result<ResponseApdu> parseResponseApdu(base::ByteView response)
{
    if (response.size() < 2) {
        return malformed("response shorter than a status word");
    }
    ResponseApdu r;
    r.data.assign(response.begin(), response.end() - 2);
    r.sw = static_cast<std::uint16_t>((response[response.size() - 2] << 8) | response[response.size() - 1]);
    return r;
}

base::Bytes encodeResponseApdu(base::ByteView data, std::uint16_t status)
{
    base::Bytes out(data.begin(), data.end());
    out.push_back(static_cast<std::uint8_t>(status >> 8));
    out.push_back(static_cast<std::uint8_t>(status));
    return out;
}

namespace {
base::Result<ResponseApdu> transmitOne(ApduChannel& channel, const CommandApdu& command)
{
    auto raw = channel.transmitRaw(encodeCommandApdu(command));
    if (!raw) {
        return raw.error();
    }
    return parseResponseApdu(raw.value());
}
} // namespace

base::Result<ResponseApdu> exchangeApdu(ApduChannel& channel, const CommandApdu& command, std::size_t maxResponse)
{
    const bool extended = channel.supportsExtendedLength();
    const std::size_t chunk = extended ? kMaxExtendedData : kMaxShortData;

    // Command chaining: every block but the last carries CLA|0x10 and must be answered 9000.
    std::size_t offset = 0;
    while (command.data.size() - offset > chunk) {
        CommandApdu part = command;
        part.cla = static_cast<std::uint8_t>(command.cla | kClaChaining);
        part.data.assign(command.data.begin() + static_cast<std::ptrdiff_t>(offset),
                         command.data.begin() + static_cast<std::ptrdiff_t>(offset + chunk));
        part.le.reset();
        part.extended = extended;
        auto r = transmitOne(channel, part);
        if (!r) {
            return r.error();
        }
        if (r->sw != sw::kSuccess) {
            // The caller sees the card's refusal of the chain, with the same guarantees as a final answer:
            // never a 61xx (there is no GET RESPONSE in the middle of a chain) and never more than the cap.
            if ((r->sw & 0xFF00) == sw::kBytesAvailable) {
                return base::makeError(base::ErrorCode::Transport,
                                       "card announced response data in the middle of a command chain");
            }
            if (r->data.size() > maxResponse) {
                return base::makeError(base::ErrorCode::Malformed,
                                       "card response longer than " + std::to_string(maxResponse));
            }
            return r;
        }
        offset += chunk;
    }

    CommandApdu last = command;
    last.data.assign(command.data.begin() + static_cast<std::ptrdiff_t>(offset), command.data.end());
    last.extended = extended && (last.data.size() > kMaxShortData || (last.le && *last.le > kMaxShortLe));
    if (!extended && last.le && *last.le > kMaxShortLe) {
        last.le = kMaxShortLe; // the rest arrives through 61xx / GET RESPONSE
    }

    auto r = transmitOne(channel, last);
    if (!r) {
        return r;
    }
    if ((r->sw & 0xFF00) == sw::kWrongLe) {
        last.le = decodeShortLe(static_cast<std::uint8_t>(r->sw & 0xFF));
        r = transmitOne(channel, last);
        if (!r) {
            return r;
        }
    }

    ResponseApdu total;
    total.data = std::move(r->data);
    std::uint16_t status = r->sw;
    // Bounded: every round must add data, and the total is capped, so a card cannot keep us here forever.
    while ((status & 0xFF00) == sw::kBytesAvailable) {
        CommandApdu getResponse;
        getResponse.cla = command.cla & static_cast<std::uint8_t>(~kClaChaining);
        getResponse.ins = 0xC0;
        getResponse.le = decodeShortLe(static_cast<std::uint8_t>(status & 0xFF));
        auto next = transmitOne(channel, getResponse);
        if (!next) {
            return next;
        }
        if (next->data.empty() && (next->sw & 0xFF00) == sw::kBytesAvailable) {
            return base::makeError(base::ErrorCode::Transport, "GET RESPONSE returned no data but announced more");
        }
        if (total.data.size() + next->data.size() > maxResponse) {
            return base::makeError(base::ErrorCode::Malformed,
                                   "card response longer than " + std::to_string(maxResponse));
        }
        base::append(total.data, next->data);
        status = next->sw;
    }
    if (total.data.size() > maxResponse) {
        return base::makeError(base::ErrorCode::Malformed, "card response longer than " + std::to_string(maxResponse));
    }
    total.sw = status;
    return total;
}

} // namespace sra::piv
