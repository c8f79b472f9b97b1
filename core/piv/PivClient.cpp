#include "core/piv/PivClient.h"

#include "core/piv/Apdu.h"
#include "core/piv/StatusWord.h"
#include "core/piv/Tlv.h"

#include <algorithm>

namespace sra::piv {

namespace {
constexpr std::size_t kMaxObjectSize = 32768; // larger than any PIV container (SP 800-73-4 table 3)
}

base::Status PivClient::select()
{
    CommandApdu c;
    c.ins = 0xA4;
    c.p1 = 0x04;
    c.data.assign(kPivAid.begin(), kPivAid.begin() + kPivAidPrefixLength);
    c.le = kMaxShortLe;
    auto r = exchangeApdu(m_channel, c);
    if (!r) {
        return r.error();
    }
    if (r->sw == sw::kFileNotFound) {
        return base::makeError(base::ErrorCode::NotPiv, "the card has no PIV application", r->sw);
    }
    if (!r->ok()) {
        return statusWordError(r->sw, "SELECT PIV");
    }
    return base::okStatus();
}

base::Result<base::Bytes> PivClient::readObject(std::uint32_t tag)
{
    CommandApdu c;
    c.ins = 0xCB;
    c.p1 = 0x3F;
    c.p2 = 0xFF;
    base::Bytes tagBytes;
    appendTag(tagBytes, tag);
    appendTlv(c.data, 0x5C, tagBytes);
    c.le = kMaxShortLe;
    auto r = exchangeApdu(m_channel, c, kMaxObjectSize);
    if (!r) {
        return r.error();
    }
    if (!r->ok()) {
        return statusWordError(r->sw, "GET DATA");
    }
    return std::move(r->data);
}

base::Result<base::Bytes> PivClient::readCertificate(std::uint8_t slot)
{
    const auto* keySlot = findPivKeySlot(slot);
    if (!keySlot) {
        return base::makeError(base::ErrorCode::NotFound, "not a PIV key slot");
    }
    auto object = readObject(pivObjectInfo(keySlot->certificate).tag);
    if (!object) {
        return object.error();
    }
    return decodeCertificateObject(object.value());
}

base::Result<int> PivClient::pinTriesLeft()
{
    CommandApdu c;
    c.ins = 0x20;
    c.p2 = 0x80;
    auto r = exchangeApdu(m_channel, c);
    if (!r) {
        return r.error();
    }
    if (r->ok()) {
        return -1;
    }
    if ((r->sw & 0xFFF0) == sw::kVerifyFailed) {
        return static_cast<int>(r->sw & 0x0F);
    }
    if (r->sw == sw::kAuthenticationBlocked) {
        return 0;
    }
    return statusWordError(r->sw, "VERIFY (status)");
}

base::Status PivClient::verifyPin(base::SecureBytes pin)
{
    if (pin.size() < 6 || pin.size() > 8) {
        base::secureZero(pin.data(), pin.size());
        return base::makeError(base::ErrorCode::InvalidPinFormat, "PIN must be 6 to 8 characters");
    }
    // Built by hand rather than through CommandApdu so the PIN only ever lives in zeroizing buffers.
    base::SecureBytes apdu{0x00, 0x20, 0x00, 0x80, 0x08};
    apdu.insert(apdu.end(), pin.begin(), pin.end());
    apdu.resize(5 + 8, 0xFF);
    base::secureZero(pin.data(), pin.size());
    auto raw = m_channel.transmitRaw(base::ByteView(apdu.data(), apdu.size()));
    base::secureZero(apdu.data(), apdu.size());
    if (!raw) {
        return raw.error();
    }
    auto r = parseResponseApdu(raw.value());
    if (!r) {
        return r.error();
    }
    if (r->ok()) {
        return base::okStatus();
    }
    return statusWordError(r->sw, "VERIFY");
}

base::Status PivClient::resetPinStatus()
{
    CommandApdu c;
    c.ins = 0x20;
    c.p1 = 0xFF;
    c.p2 = 0x80;
    auto r = exchangeApdu(m_channel, c);
    if (!r) {
        return r.error();
    }
    if (!r->ok()) {
        return statusWordError(r->sw, "VERIFY (reset)");
    }
    return base::okStatus();
}

base::Result<base::Bytes>
PivClient::generalAuthenticate(std::uint8_t slot, PivAlgorithm algorithm, base::ByteView input)
{
    base::Bytes inner;
    appendTlv(inner, 0x82, {});
    appendTlv(inner, 0x81, input);
    CommandApdu c;
    c.ins = 0x87;
    c.p1 = static_cast<std::uint8_t>(algorithm);
    c.p2 = slot;
    c.data = makeTlv(0x7C, inner);
    c.le = kMaxShortLe;
    auto r = exchangeApdu(m_channel, c);
    if (!r) {
        return r.error();
    }
    if (!r->ok()) {
        return statusWordError(r->sw, "GENERAL AUTHENTICATE");
    }
    auto outer = findTlv(r->data, 0x7C);
    if (!outer) {
        return base::makeError(base::ErrorCode::Malformed, "GENERAL AUTHENTICATE: no dynamic authentication template");
    }
    auto response = findTlv(*outer, 0x82);
    if (!response || response->empty()) {
        return base::makeError(base::ErrorCode::Malformed, "GENERAL AUTHENTICATE: no response (tag 82)");
    }
    return base::Bytes(response->begin(), response->end());
}

base::Result<base::Bytes>
PivClient::signDigest(std::uint8_t slot, PivAlgorithm algorithm, HashAlgorithm hash, base::ByteView digest)
{
    if (digest.size() != hashSize(hash)) {
        return base::makeError(base::ErrorCode::Malformed, std::string("digest is not ") + hashName(hash));
    }
    if (isEcc(algorithm)) {
        return generalAuthenticate(slot, algorithm, ecdsaInput(digest, pivAlgorithmInputSize(algorithm)));
    }
    auto digestInfo = buildDigestInfo(hash, digest);
    if (!digestInfo) {
        return digestInfo.error();
    }
    auto block = pkcs1v15SignatureBlock(digestInfo.value(), pivAlgorithmInputSize(algorithm));
    if (!block) {
        return block.error();
    }
    return generalAuthenticate(slot, algorithm, block.value());
}

} // namespace sra::piv
