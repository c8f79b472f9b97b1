#include "core/piv/PivCardEmulator.h"

#include "core/piv/StatusWord.h"
#include "core/piv/Tlv.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace sra::piv {

namespace {
constexpr std::uint8_t kInsSelect = 0xA4;
constexpr std::uint8_t kInsGetData = 0xCB;
constexpr std::uint8_t kInsVerify = 0x20;
constexpr std::uint8_t kInsGeneralAuthenticate = 0x87;
constexpr std::uint8_t kInsGetResponse = 0xC0;
constexpr std::uint8_t kInsGetVersion = 0xFD; // vendor extension that yubico-piv-tool asks for
constexpr std::uint8_t kPinReference = 0x80;  // PIV Card Application PIN
constexpr std::size_t kMaxChainData = 65536;
constexpr std::size_t kMinAidPrefix = 5; // RID A0 00 00 03 08

ResponseApdu status(std::uint16_t value)
{
    return ResponseApdu{{}, value};
}

ResponseApdu success(base::Bytes data)
{
    return ResponseApdu{std::move(data), sw::kSuccess};
}

std::uint16_t triesLeftStatus(int tries)
{
    if (tries <= 0) {
        return sw::kAuthenticationBlocked;
    }
    return static_cast<std::uint16_t>(sw::kVerifyFailed | std::min(tries, 15));
}
} // namespace

PivCardEmulator::PivCardEmulator(PivCardBackend& backend)
    : m_backend(backend)
{}

void PivCardEmulator::setDataObject(std::uint32_t tag, base::Bytes encoded)
{
    m_objects[tag] = std::move(encoded);
}

base::Bytes PivCardEmulator::answerToReset()
{
    // TS=3B (direct convention), T0: TD1 follows + 11 historical bytes, TD1: TD2 follows / T=0,
    // TD2: T=1. With T=1 offered, the TCK check byte (XOR of T0..last historical byte) is mandatory.
    static constexpr char kHistorical[] = "SRA-SoftPIV";
    base::Bytes atr{0x3B, static_cast<std::uint8_t>(0x80 | (sizeof kHistorical - 1)), 0x80, 0x01};
    atr.reserve(atr.size() + sizeof kHistorical);
    for (const char c : std::string_view(kHistorical)) {
        atr.push_back(static_cast<std::uint8_t>(c));
    }
    std::uint8_t tck = 0;
    for (std::size_t i = 1; i < atr.size(); ++i) {
        tck ^= atr[i];
    }
    atr.push_back(tck);
    return atr;
}

void PivCardEmulator::reset()
{
    m_selected = false;
    m_pinVerified = false;
    m_pinJustVerified = false;
    m_chaining = false;
    m_chainData.clear();
    m_pendingResponse.clear();
}

base::Bytes PivCardEmulator::process(base::ByteView commandApdu)
{
    auto parsed = parseCommandApdu(commandApdu);
    if (!parsed) {
        m_chaining = false;
        m_chainData.clear();
        return encodeResponseApdu({}, sw::kWrongLength);
    }
    CommandApdu& command = parsed.value();

    // Interindustry class only: no logical channels, no secure messaging, no proprietary class.
    if (command.cla & 0x80) {
        return encodeResponseApdu({}, sw::kClaNotSupported);
    }
    // Logical channels 1..3 (first interindustry class, b2 b1) and 4..19 (further interindustry class 01xx xxxx).
    if (command.cla & 0x43) {
        return encodeResponseApdu({}, 0x6881);
    }
    if (command.cla & 0x0C) {
        return encodeResponseApdu({}, 0x6882);
    }

    if (command.ins == kInsGetResponse && !command.chained()) {
        return getResponse(command);
    }
    m_pendingResponse.clear();

    if (command.chained()) {
        const bool sameCommand =
            m_chaining && command.ins == m_chainIns && command.p1 == m_chainP1 && command.p2 == m_chainP2;
        if (m_chaining && !sameCommand) {
            m_chaining = false;
            m_chainData.clear();
            return encodeResponseApdu({}, sw::kLastCommandOfChainExpected);
        }
        if (m_chainData.size() + command.data.size() > kMaxChainData) {
            m_chaining = false;
            m_chainData.clear();
            return encodeResponseApdu({}, sw::kWrongLength);
        }
        m_chaining = true;
        m_chainIns = command.ins;
        m_chainP1 = command.p1;
        m_chainP2 = command.p2;
        base::append(m_chainData, command.data);
        return encodeResponseApdu({}, sw::kSuccess);
    }

    if (m_chaining) {
        const bool sameCommand = command.ins == m_chainIns && command.p1 == m_chainP1 && command.p2 == m_chainP2;
        m_chaining = false;
        if (!sameCommand) {
            m_chainData.clear();
            return encodeResponseApdu({}, sw::kLastCommandOfChainExpected);
        }
        if (m_chainData.size() + command.data.size() > kMaxChainData) {
            m_chainData.clear();
            return encodeResponseApdu({}, sw::kWrongLength);
        }
        base::append(m_chainData, command.data);
        command.data = std::move(m_chainData);
        m_chainData.clear();
    }

    ResponseApdu response = dispatch(command);
    base::secureZero(command.data.data(), command.data.size()); // may have held a PIN
    return respond(std::move(response), command);
}

ResponseApdu PivCardEmulator::dispatch(const CommandApdu& command)
{
    if (command.ins != kInsVerify && command.ins != kInsGeneralAuthenticate) {
        m_pinJustVerified = false;
    }
    switch (command.ins) {
    case kInsSelect:
        return select(command);
    case kInsGetData:
        return getData(command);
    case kInsVerify:
        return verify(command);
    case kInsGeneralAuthenticate:
        return generalAuthenticate(command);
    case kInsGetVersion:
        return getVersion(command);
    default:
        return status(sw::kInsNotSupported);
    }
}

base::Bytes PivCardEmulator::respond(ResponseApdu response, const CommandApdu& command)
{
    // Hand out as much as the host asked for (Le); keep the rest for GET RESPONSE and say so with 61xx.
    // Without Le the answer is treated as Le=256, as T=1 PIV cards do: hosts such as yubico-piv-tool send
    // SELECT without Le and expect the application property template with 9000.
    const std::size_t direct = command.le ? *command.le : kMaxShortLe;
    if (response.data.size() <= direct) {
        return encodeResponseApdu(response.data, response.sw);
    }
    m_pendingResponse.assign(response.data.begin() + static_cast<std::ptrdiff_t>(direct), response.data.end());
    m_pendingSw = response.sw;
    const std::size_t remaining = m_pendingResponse.size();
    return encodeResponseApdu(base::ByteView(response.data).first(direct),
                              static_cast<std::uint16_t>(sw::kBytesAvailable | (remaining > 255 ? 0 : remaining)));
}

base::Bytes PivCardEmulator::getResponse(const CommandApdu& command)
{
    if (m_pendingResponse.empty()) {
        return encodeResponseApdu({}, sw::kConditionsNotSatisfied);
    }
    if (command.p1 != 0 || command.p2 != 0) {
        m_pendingResponse.clear();
        return encodeResponseApdu({}, sw::kIncorrectP1P2);
    }
    const std::size_t want = command.le ? *command.le : kMaxShortLe;
    const std::size_t n = std::min(want, m_pendingResponse.size());
    base::Bytes chunk(m_pendingResponse.begin(), m_pendingResponse.begin() + static_cast<std::ptrdiff_t>(n));
    m_pendingResponse.erase(m_pendingResponse.begin(), m_pendingResponse.begin() + static_cast<std::ptrdiff_t>(n));
    if (m_pendingResponse.empty()) {
        return encodeResponseApdu(chunk, m_pendingSw);
    }
    const std::size_t remaining = m_pendingResponse.size();
    return encodeResponseApdu(chunk,
                              static_cast<std::uint16_t>(sw::kBytesAvailable | (remaining > 255 ? 0 : remaining)));
}

ResponseApdu PivCardEmulator::select(const CommandApdu& command)
{
    if (command.p1 != 0x04) {
        return status(sw::kIncorrectP1P2);
    }
    const bool isPiv = command.data.size() >= kMinAidPrefix && command.data.size() <= kPivAid.size()
                       && std::equal(command.data.begin(), command.data.end(), kPivAid.begin());
    if (!isPiv) {
        return status(sw::kFileNotFound); // the current selection stays, as ISO 7816-4 asks
    }
    m_selected = true;

    // Application property template (SP 800-73-4 part 2, table 3).
    base::Bytes apt;
    appendTlv(apt, 0x4F, base::ByteView(kPivAid).subspan(5)); // PIX incl. version
    base::Bytes authority;
    appendTlv(authority, 0x4F, base::ByteView(kPivAid).first(5));
    appendTlv(apt, 0x79, authority);
    appendTlv(apt, 0x50, base::view("SRA Soft PIV"));
    base::Bytes algorithms;
    for (const PivAlgorithm alg : {PivAlgorithm::Rsa2048, PivAlgorithm::EccP256, PivAlgorithm::EccP384}) {
        appendTlv(algorithms, 0x80, base::Bytes{static_cast<std::uint8_t>(alg)});
    }
    appendTlv(algorithms, 0x06, {});
    appendTlv(apt, 0xAC, algorithms);
    return success(makeTlv(0x61, apt));
}

ResponseApdu PivCardEmulator::getData(const CommandApdu& command)
{
    if (command.p1 != 0x3F || command.p2 != 0xFF) {
        return status(sw::kIncorrectP1P2);
    }
    TlvReader reader(command.data);
    auto tagList = reader.next();
    if (!tagList || tagList->tag != 0x5C || !reader.atEnd() || tagList->value.empty() || tagList->value.size() > 3) {
        return status(sw::kIncorrectData);
    }
    std::uint32_t tag = 0;
    for (const std::uint8_t b : tagList->value) {
        tag = (tag << 8) | b;
    }
    const auto* info = findPivObjectByTag(tag);
    if (!info && !isRetiredCertificateTag(tag)) {
        return status(sw::kFileNotFound);
    }
    if (info && info->access == ObjectAccess::Pin && !m_pinVerified) {
        return status(sw::kSecurityStatusNotSatisfied);
    }
    const auto it = m_objects.find(tag);
    if (it == m_objects.end()) {
        return status(sw::kFileNotFound);
    }
    return success(it->second);
}

ResponseApdu PivCardEmulator::verify(const CommandApdu& command)
{
    if (command.p2 != kPinReference) {
        return status(sw::kReferenceNotFound); // no global PIN, PUK not verifiable here
    }
    if (command.p1 == 0xFF) {
        if (!command.data.empty()) {
            return status(sw::kWrongLength);
        }
        m_pinVerified = false;
        m_pinJustVerified = false;
        return status(sw::kSuccess);
    }
    if (command.p1 != 0x00) {
        return status(sw::kIncorrectP1P2);
    }
    if (command.data.empty()) {
        // SP 800-73-4 part 2, 3.2.1: without data VERIFY reports the status: 9000 if verified, else tries left.
        if (m_pinVerified) {
            return status(sw::kSuccess);
        }
        return status(triesLeftStatus(m_backend.pinTriesLeft()));
    }
    if (command.data.size() != 8) {
        return status(sw::kIncorrectData);
    }
    // The PIN is 6..8 bytes, padded to 8 with FF; a malformed block is refused without touching the counter.
    std::size_t length = 8;
    while (length > 0 && command.data[length - 1] == 0xFF) {
        --length;
    }
    // Padding only at the end: an FF inside the PIN is a malformed block, refused without spending a try.
    if (length < 6
        || std::find(command.data.begin(), command.data.begin() + static_cast<std::ptrdiff_t>(length), 0xFF)
               != command.data.begin() + static_cast<std::ptrdiff_t>(length)) {
        return status(sw::kIncorrectData);
    }
    const base::SecureBytes pin(command.data.begin(), command.data.begin() + static_cast<std::ptrdiff_t>(length));
    const PinCheck check = m_backend.verifyPin(pin);
    switch (check.outcome) {
    case PinCheck::Outcome::Verified:
        m_pinVerified = true;
        m_pinJustVerified = true;
        return status(sw::kSuccess);
    case PinCheck::Outcome::Wrong:
        m_pinVerified = false;
        m_pinJustVerified = false;
        return status(triesLeftStatus(check.triesLeft));
    case PinCheck::Outcome::Blocked:
        m_pinVerified = false;
        m_pinJustVerified = false;
        return status(sw::kAuthenticationBlocked);
    case PinCheck::Outcome::Failed:
        break;
    }
    return status(sw::kNoPreciseDiagnosis);
}

ResponseApdu PivCardEmulator::generalAuthenticate(const CommandApdu& command)
{
    const bool pinJustVerified = m_pinJustVerified;
    m_pinJustVerified = false;

    const auto algorithm = pivAlgorithmFromByte(command.p1);
    const auto* slot = findPivKeySlot(command.p2);
    if (!algorithm || !slot) {
        return status(sw::kIncorrectP1P2); // also 9B: management-key authentication is not offered
    }
    const auto keyAlgorithm = m_backend.keyAlgorithm(slot->id);
    if (!keyAlgorithm) {
        return status(sw::kReferenceNotFound);
    }
    if (*keyAlgorithm != *algorithm) {
        return status(sw::kIncorrectP1P2);
    }

    TlvReader outer(command.data);
    auto template7c = outer.next();
    if (!template7c || template7c->tag != 0x7C || !outer.atEnd()) {
        return status(sw::kIncorrectData);
    }
    auto items = parseTlvSequence(template7c->value);
    if (!items) {
        return status(sw::kIncorrectData);
    }
    std::optional<base::ByteView> challenge;
    bool responseRequested = false;
    for (const auto& item : items.value()) {
        if (item.tag == 0x81) {
            challenge = item.value;
        } else if (item.tag == 0x82 && item.value.empty()) {
            responseRequested = true;
        } else {
            // 80 (witness), 85 (key agreement) and anything else: this card signs, nothing more.
            return status(sw::kIncorrectData);
        }
    }
    if (!challenge || !responseRequested) {
        return status(sw::kIncorrectData);
    }
    // RSA takes exactly one modulus-sized block. ECDSA takes the hash: hosts such as OpenSC send a SHA-256
    // hash to a P-384 key unpadded, so shorter input is left-padded with zeros, which keeps its integer value
    // (FIPS 186-4 6.4 only truncates input that is longer than the field).
    const std::size_t inputSize = pivAlgorithmInputSize(*algorithm);
    base::Bytes paddedInput;
    if (isEcc(*algorithm) && !challenge->empty() && challenge->size() < inputSize) {
        paddedInput.assign(inputSize - challenge->size(), 0x00);
        base::append(paddedInput, *challenge);
        challenge = base::ByteView(paddedInput);
    }
    if (challenge->size() != inputSize) {
        return status(sw::kIncorrectData);
    }

    const bool allowed = slot->pinPolicy == PinPolicy::Never || (slot->pinPolicy == PinPolicy::Once && m_pinVerified)
                         || (slot->pinPolicy == PinPolicy::Always && m_pinVerified && pinJustVerified);
    if (!allowed) {
        return status(sw::kSecurityStatusNotSatisfied);
    }

    auto signature = m_backend.sign(slot->id, *algorithm, *challenge);
    if (!signature) {
        return status(signature.error().code == base::ErrorCode::SecurityStatus ? sw::kSecurityStatusNotSatisfied
                                                                                : sw::kNoPreciseDiagnosis);
    }
    return success(makeTlv(0x7C, makeTlv(0x82, signature.value())));
}

ResponseApdu PivCardEmulator::getVersion(const CommandApdu& command)
{
    if (command.p1 != 0 || command.p2 != 0) {
        return status(sw::kIncorrectP1P2);
    }
    // Firmware version of this card implementation, in the vendor command's three-byte form.
    return success(base::Bytes{1, 0, 0});
}

} // namespace sra::piv
