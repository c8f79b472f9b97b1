// The host facing a hostile card: a scripted ApduChannel answers each command with the next response
// taken from the fuzz input, and the input's first bytes choose which host operation runs (exchangeApdu
// with chaining, PivClient::select/readObject/readCertificate/pinTriesLeft/verifyPin/signDigest). The host
// must terminate (61xx loops, "more data" without data), respect its response caps against huge lengths,
// and only ever send well-formed commands.
//
// Input: byte 0 = operation, byte 1 = flags (bit 0: channel takes extended APDUs), then responses, each
//   LL LL <LL LL bytes>                   a response of that many bytes (data + SW)
//   FF FF NN NN NN F SW1 SW2              (NNNNNN & 1FFFF) bytes of F, then SW1 SW2 (a huge answer, cheaply)

#include "core/piv/Apdu.h"
#include "core/piv/ApduChannel.h"
#include "core/piv/PivClient.h"
#include "core/piv/PivObjects.h"

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

class ScriptedCard final : public ApduChannel
{
public:
    ScriptedCard(ByteView script, bool extended)
        : m_script(script)
        , m_extended(extended)
    {}

    Result<Bytes> transmitRaw(ByteView commandApdu) override
    {
        ++transmits;
        // The host never sends a malformed command, nor an extended one to a short-only reader.
        auto parsed = parseCommandApdu(commandApdu);
        check(parsed.ok());
        if (!m_extended) {
            check(!parsed->extended && commandApdu.size() <= 4 + 1 + kMaxShortData + 1);
        }
        if (m_pos + 2 > m_script.size()) {
            return makeError(ErrorCode::CardRemoved, "script exhausted");
        }
        const std::size_t length = (std::size_t{m_script[m_pos]} << 8) | m_script[m_pos + 1];
        m_pos += 2;
        if (length == 0xFFFF && m_pos + 6 <= m_script.size()) {
            // Up to 128 KiB: twice the largest APDU response, without slowing the fuzzer down with 16 MiB ones.
            const std::size_t count =
                ((std::size_t{m_script[m_pos]} << 16) | (std::size_t{m_script[m_pos + 1]} << 8) | m_script[m_pos + 2])
                & 0x1FFFF;
            Bytes huge(count, m_script[m_pos + 3]);
            huge.push_back(m_script[m_pos + 4]);
            huge.push_back(m_script[m_pos + 5]);
            m_pos += 6;
            return huge;
        }
        const std::size_t n = std::min(length, m_script.size() - m_pos);
        Bytes response(m_script.begin() + static_cast<std::ptrdiff_t>(m_pos),
                       m_script.begin() + static_cast<std::ptrdiff_t>(m_pos + n));
        m_pos += n;
        return response;
    }

    bool supportsExtendedLength() const override
    {
        return m_extended;
    }

    std::size_t transmits = 0;

private:
    ByteView m_script;
    std::size_t m_pos = 0;
    bool m_extended;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2) {
        return 0;
    }
    const std::uint8_t operation = data[0];
    ScriptedCard card(ByteView(data + 2, size - 2), (data[1] & 1) != 0);
    PivClient client(card);
    // Every response consumes at least two script bytes, so the number of commands is bounded by the input.
    const std::size_t maxTransmits = (size - 2) / 2 + 1;

    switch (operation % 8) {
    case 0: {
        // A long command: chained (short reader) or one extended APDU, then 61xx / 6Cxx handling.
        CommandApdu c;
        c.ins = 0x87;
        c.p1 = 0x07;
        c.p2 = 0x9A;
        c.data.assign(600, 0xA5);
        c.le = kMaxShortLe;
        const std::size_t cap = 1000;
        auto r = exchangeApdu(card, c, cap);
        if (r) {
            check(r->data.size() <= cap);
            check((r->sw & 0xFF00) != 0x6100);
        }
        break;
    }
    case 1: {
        auto r = exchangeApdu(card, CommandApdu{0x00, 0xCA, 0x01, 0x02, {}, 65536, false});
        if (r) {
            check(r->data.size() <= 65536 && (r->sw & 0xFF00) != 0x6100);
        }
        break;
    }
    case 2:
        (void)client.select();
        break;
    case 3: {
        auto object = client.readObject(0x5FC102);
        if (object) {
            check(object->size() <= 32768);
        }
        break;
    }
    case 4: {
        auto certificate = client.readCertificate(0x9A);
        if (certificate) {
            check(!certificate->empty() && certificate->size() <= kMaxCertificateSize);
        }
        break;
    }
    case 5: {
        auto tries = client.pinTriesLeft();
        if (tries) {
            check(*tries >= -1 && *tries <= 15);
        }
        break;
    }
    case 6: {
        auto status = client.verifyPin(SecureBytes{'1', '2', '3', '4', '5', '6'});
        if (!status) {
            check(status.error().code != ErrorCode::WrongPin
                  || (status.error().triesLeft >= 1 && status.error().triesLeft <= 15));
        }
        break;
    }
    case 7: {
        const PivAlgorithm algorithms[] = {PivAlgorithm::Rsa2048, PivAlgorithm::EccP256, PivAlgorithm::EccP384};
        const PivAlgorithm algorithm = algorithms[(operation >> 3) % 3];
        const Bytes digest(32, 0x5A);
        auto signature = client.signDigest(0x9C, algorithm, HashAlgorithm::Sha256, digest);
        if (signature) {
            check(!signature->empty());
        }
        break;
    }
    default:
        break;
    }
    check(card.transmits <= maxTransmits);
    return 0;
}
