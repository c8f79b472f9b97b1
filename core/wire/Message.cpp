#include "core/wire/Message.h"

#include <algorithm>
#include <array>
#include <string>

namespace sra::wire {

namespace {
using K = FieldKind;
constexpr std::uint32_t kNonce = 32;
constexpr std::uint32_t kMaxCertificate = 16384;
constexpr std::uint32_t kMaxSignature = 1024;
constexpr std::uint32_t kMaxName = 256;
constexpr std::uint32_t kMaxText = 1024;

// clang-format off
constexpr FieldSpec kHello[] = {
    {Field::ClientNonce, K::Octets, true,  kNonce, kNonce},
    {Field::Certificate, K::Octets, true,  1,      kMaxCertificate},
    {Field::ClientName,  K::Utf8,  false, 0,      kMaxName},
};
constexpr FieldSpec kChallenge[] = {
    {Field::ServerNonce, K::Octets, true, kNonce, kNonce},
};
constexpr FieldSpec kAuthResponse[] = {
    {Field::Signature, K::Octets, true, 1, kMaxSignature},
};
constexpr std::uint32_t kResumeToken = kResumeTokenSize;
constexpr FieldSpec kAuthOk[] = {
    {Field::Account,       K::Utf8,   true,  1,            kMaxName},
    {Field::SessionId,     K::Utf8,   true,  1,            kMaxName},
    {Field::ResumeToken,   K::Octets, false, kResumeToken, kResumeToken}, // absent: srad holds no dropped session
    {Field::ResumeGraceMs, K::U32,    false, 4,            4},
};
constexpr FieldSpec kResume[] = {
    {Field::SessionId,   K::Utf8,   true, 1,            kMaxName},
    {Field::ClientName,  K::Utf8,   false, 0,           kMaxName},
    {Field::ResumeToken, K::Octets, true, kResumeToken, kResumeToken},
};
constexpr FieldSpec kError[] = {
    {Field::ErrorCode,    K::U32,  true,  4, 4},
    {Field::ErrorText,    K::Utf8, false, 0, kMaxText},
    {Field::RetryAfterMs, K::U32,  false, 4, 4},
};
constexpr FieldSpec kBye[] = {
    {Field::Reason, K::Utf8, false, 0, kMaxText},
};
// four 16 KiB certificates plus the small objects; piv::kMaxInsertedObjectsSize is the same bound
constexpr std::uint32_t kMaxCardObjects = 96 * 1024;
constexpr std::uint32_t kMaxKeyAlgorithms = 64;
constexpr std::uint32_t kMaxRelayInput = 512;           // an RSA-4096 block; RSA-2048 and EC inputs are smaller
constexpr std::uint32_t kMaxRelayData = 1024;
constexpr std::uint32_t kMaxRequester = 512;

constexpr FieldSpec kInsertCard[] = {
    {Field::CardObjects,   K::Octets, true,  2, kMaxCardObjects},
    {Field::KeyAlgorithms, K::Octets, true,  2, kMaxKeyAlgorithms},
    {Field::PinTriesLeft,  K::U32,    false, 4, 4},
};
constexpr FieldSpec kRemoveCard[] = {
    {Field::Reason, K::Utf8, false, 0, kMaxText},
};
constexpr FieldSpec kRelayVerifyPin[] = {
    {Field::RequestId, K::U32,    true,  4, 4},
    {Field::Pin,       K::Octets, true,  6, 8},
    {Field::Requester, K::Utf8,   false, 0, kMaxRequester},
};
constexpr FieldSpec kRelaySign[] = {
    {Field::RequestId, K::U32,    true,  4, 4},
    {Field::Requester, K::Utf8,   false, 0, kMaxRequester},
    {Field::Slot,      K::U32,    true,  4, 4},
    {Field::Algorithm, K::U32,    true,  4, 4},
    {Field::Input,     K::Octets, true,  1, kMaxRelayInput},
};
constexpr FieldSpec kRelayResult[] = {
    {Field::PinTriesLeft, K::U32,    false, 4, 4},
    {Field::RequestId,    K::U32,    true,  4, 4},
    {Field::Status,       K::U32,    true,  4, 4},
    {Field::Data,         K::Octets, false, 0, kMaxRelayData},
};
constexpr FieldSpec kCardLogin[] = {
    {Field::Account, K::Utf8, false, 1, kMaxName},   // absent: the card logs in nowhere on the remote
    {Field::Reason,  K::Utf8, false, 0, kMaxText},   // why not, or which PAM services accept it (English)
};
constexpr FieldSpec kCardRefused[] = {
    {Field::ErrorCode, K::U32,  true,  4, 4},        // CardInvalid
    {Field::Reason,    K::Utf8, false, 0, kMaxText}, // what is wrong with the payload (English, technical)
};
constexpr FieldSpec kLocalHello[] = {
    {Field::ClientName, K::Utf8, false, 0, kMaxName},
    {Field::Role,       K::U32,  true,  4, 4},
};
constexpr FieldSpec kCardStatus[] = {
    {Field::Account,       K::Utf8,   false, 0, kMaxName},
    {Field::CardObjects,   K::Octets, false, 0, kMaxCardObjects},
    {Field::KeyAlgorithms, K::Octets, false, 0, kMaxKeyAlgorithms},
    {Field::PinTriesLeft,  K::U32,    false, 4, 4},
    {Field::Present,       K::U32,    true,  4, 4},
    {Field::Generation,    K::U32,    true,  4, 4},
};
constexpr FieldSpec kLocalVerifyPin[] = {
    {Field::RequestId,  K::U32,    true,  4, 4},
    {Field::Pin,        K::Octets, true,  6, 8},
    {Field::Generation, K::U32,    false, 4, 4},
};
constexpr FieldSpec kLocalSign[] = {
    {Field::RequestId,  K::U32,    true,  4, 4},
    {Field::Slot,       K::U32,    true,  4, 4},
    {Field::Algorithm,  K::U32,    true,  4, 4},
    {Field::Input,      K::Octets, true,  1, kMaxRelayInput},
    {Field::Generation, K::U32,    false, 4, 4},
};

constexpr std::uint32_t kVncPassword = 8;
constexpr std::uint32_t kTicket = 32;

constexpr FieldSpec kScreenGrant[] = {
    {Field::VncPassword, K::Utf8,   true, kVncPassword, kVncPassword},
    {Field::Ticket,      K::Octets, true, kTicket,      kTicket},
    {Field::ExpiresInMs, K::U32,    true, 4,            4},
};
constexpr FieldSpec kScreenEnded[] = {
    {Field::ErrorCode, K::U32,  false, 4, 4},
    {Field::Reason,    K::Utf8, false, 0, kMaxText},
};
constexpr FieldSpec kStreamOpen[] = {
    {Field::Ticket, K::Octets, true, kTicket, kTicket},
};

// The screen agent channel. AgentStart carries the one-time password like ScreenGrant does.
constexpr std::uint32_t kMaxDisplay = 64;
constexpr FieldSpec kAgentHello[] = {
    {Field::ClientName, K::Utf8, false, 0, kMaxName},
    {Field::Display,    K::Utf8, true,  2, kMaxDisplay},
};
constexpr FieldSpec kAgentStart[] = {
    {Field::RequestId,   K::U32,  true, 4,            4},
    {Field::VncPassword, K::Utf8, true, kVncPassword, kVncPassword},
};
constexpr FieldSpec kAgentStarted[] = {
    {Field::RequestId, K::U32, true,  4, 4},
    {Field::ProcessId, K::U32, false, 4, 4},
};
constexpr FieldSpec kAgentStop[] = {
    {Field::RequestId, K::U32, true, 4, 4},
};
constexpr FieldSpec kAgentEnded[] = {
    {Field::Reason,    K::Utf8, false, 0, kMaxText},
    {Field::RequestId, K::U32,  true,  4, 4},
};

constexpr std::array<MessageSpec, 29> kMessages{{
    {MessageType::Hello,        "Hello",        kHello},
    {MessageType::Challenge,    "Challenge",    kChallenge},
    {MessageType::AuthResponse, "AuthResponse", kAuthResponse},
    {MessageType::AuthOk,       "AuthOk",       kAuthOk},
    {MessageType::Error,        "Error",        kError},
    {MessageType::Keepalive,    "Keepalive",    {}},
    {MessageType::Bye,          "Bye",          kBye},
    {MessageType::Resume,       "Resume",       kResume},
    {MessageType::InsertCard,     "InsertCard",     kInsertCard},
    {MessageType::RemoveCard,     "RemoveCard",     kRemoveCard},
    {MessageType::RelayVerifyPin, "RelayVerifyPin", kRelayVerifyPin},
    {MessageType::RelaySign,      "RelaySign",      kRelaySign},
    {MessageType::RelayResult,    "RelayResult",    kRelayResult},
    {MessageType::CardLogin,      "CardLogin",      kCardLogin},
    {MessageType::CardRefused,    "CardRefused",    kCardRefused},
    {MessageType::LocalHello,     "LocalHello",     kLocalHello},
    {MessageType::CardStatus,     "CardStatus",     kCardStatus},
    {MessageType::LocalVerifyPin, "LocalVerifyPin", kLocalVerifyPin},
    {MessageType::LocalSign,      "LocalSign",      kLocalSign},
    {MessageType::ScreenRequest,  "ScreenRequest",  {}},
    {MessageType::ScreenGrant,    "ScreenGrant",    kScreenGrant},
    {MessageType::ScreenEnded,    "ScreenEnded",    kScreenEnded},
    {MessageType::StreamOpen,     "StreamOpen",     kStreamOpen},
    {MessageType::StreamReady,    "StreamReady",    {}},
    {MessageType::AgentHello,     "AgentHello",     kAgentHello},
    {MessageType::AgentStart,     "AgentStart",     kAgentStart},
    {MessageType::AgentStarted,   "AgentStarted",   kAgentStarted},
    {MessageType::AgentStop,      "AgentStop",      kAgentStop},
    {MessageType::AgentEnded,     "AgentEnded",     kAgentEnded},
}};

// clang-format on

base::Error malformed(const MessageSpec* spec, const std::string& what)
{
    return base::makeError(base::ErrorCode::Malformed, std::string(spec ? spec->name : "message") + ": " + what);
}

const FieldSpec* findField(const MessageSpec& spec, Field field)
{
    for (const auto& f : spec.fields) {
        if (f.field == field) {
            return &f;
        }
    }
    return nullptr;
}

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF; NUL is refused as well.
bool isValidUtf8(ByteView s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        const std::uint8_t c = s[i];
        if (c == 0) {
            return false;
        }
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t n = 0;
        std::uint32_t cp = 0;
        if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (s.size() - i <= n) {
            return false;
        }
        for (std::size_t k = 1; k <= n; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

std::optional<std::string> checkValue(const FieldSpec& f, ByteView value)
{
    if (value.size() < f.minLength || value.size() > f.maxLength) {
        return "field " + std::to_string(static_cast<int>(f.field)) + " has length " + std::to_string(value.size())
               + ", allowed " + std::to_string(f.minLength) + ".." + std::to_string(f.maxLength);
    }
    if (f.kind == FieldKind::Utf8 && !isValidUtf8(value)) {
        return "field " + std::to_string(static_cast<int>(f.field)) + " is not valid UTF-8";
    }
    return std::nullopt;
}
} // namespace

const MessageSpec* messageSpec(std::uint8_t type) noexcept
{
    for (const auto& spec : kMessages) {
        if (static_cast<std::uint8_t>(spec.type) == type) {
            return &spec;
        }
    }
    return nullptr;
}

const char* errorCodeName(ErrorCode code) noexcept
{
    switch (code) {
    case ErrorCode::LicenseMissing:
        return "LicenseMissing";
    case ErrorCode::LicenseExpired:
        return "LicenseExpired";
    case ErrorCode::LicenseBadSignature:
        return "LicenseBadSignature";
    case ErrorCode::LicenseWrongProduct:
        return "LicenseWrongProduct";
    case ErrorCode::LicenseInvalid:
        return "LicenseInvalid";
    case ErrorCode::ProtocolViolation:
        return "ProtocolViolation";
    case ErrorCode::FrameTooLarge:
        return "FrameTooLarge";
    case ErrorCode::UnsupportedVersion:
        return "UnsupportedVersion";
    case ErrorCode::Timeout:
        return "Timeout";
    case ErrorCode::TooManyConnections:
        return "TooManyConnections";
    case ErrorCode::RateLimited:
        return "RateLimited";
    case ErrorCode::ResumeRefused:
        return "ResumeRefused";
    case ErrorCode::CertificateInvalid:
        return "CertificateInvalid";
    case ErrorCode::CertificateExpired:
        return "CertificateExpired";
    case ErrorCode::CertificateUntrusted:
        return "CertificateUntrusted";
    case ErrorCode::NotPaired:
        return "NotPaired";
    case ErrorCode::BadSignature:
        return "BadSignature";
    case ErrorCode::ScreenNotSetUp:
        return "ScreenNotSetUp";
    case ErrorCode::ScreenFailed:
        return "ScreenFailed";
    case ErrorCode::ScreenBusy:
        return "ScreenBusy";
    case ErrorCode::TicketUnknown:
        return "TicketUnknown";
    case ErrorCode::TicketExpired:
        return "TicketExpired";
    case ErrorCode::TicketUsed:
        return "TicketUsed";
    case ErrorCode::ScreenNoSession:
        return "ScreenNoSession";
    case ErrorCode::CardInvalid:
        return "CardInvalid";
    case ErrorCode::InternalError:
        return "InternalError";
    }
    return "Unknown";
}

Message& Message::set(Field field, ByteView value)
{
    m_fields[field] = Bytes(value.begin(), value.end());
    return *this;
}

Message& Message::set(Field field, std::string_view text)
{
    return set(field, base::view(text));
}

Message& Message::setU32(Field field, std::uint32_t value)
{
    m_fields[field] = Bytes{static_cast<std::uint8_t>(value >> 24),
                            static_cast<std::uint8_t>(value >> 16),
                            static_cast<std::uint8_t>(value >> 8),
                            static_cast<std::uint8_t>(value)};
    return *this;
}

ByteView Message::bytes(Field field) const
{
    const auto it = m_fields.find(field);
    return it == m_fields.end() ? ByteView{} : ByteView(it->second);
}

std::string Message::text(Field field) const
{
    const ByteView v = bytes(field);
    return std::string(reinterpret_cast<const char*>(v.data()), v.size());
}

std::optional<std::uint32_t> Message::u32(Field field) const
{
    const ByteView v = bytes(field);
    if (v.size() != 4) {
        return std::nullopt;
    }
    return (std::uint32_t{v[0]} << 24) | (std::uint32_t{v[1]} << 16) | (std::uint32_t{v[2]} << 8) | v[3];
}

base::Result<Message> decodeMessage(const Frame& frame)
{
    const MessageSpec* spec = messageSpec(frame.type);
    if (!spec) {
        return malformed(nullptr, "unknown message type " + std::to_string(frame.type));
    }
    Message message(spec->type);
    const ByteView p(frame.payload);
    std::size_t pos = 0;
    int lastId = -1;
    while (pos < p.size()) {
        if (p.size() - pos < 5) {
            return malformed(spec, "truncated field header");
        }
        const std::uint8_t id = p[pos];
        const std::size_t length = (std::size_t{p[pos + 1]} << 24) | (std::size_t{p[pos + 2]} << 16)
                                   | (std::size_t{p[pos + 3]} << 8) | p[pos + 4];
        pos += 5;
        if (static_cast<int>(id) <= lastId) {
            return malformed(spec, "field " + std::to_string(id) + " repeated or out of order");
        }
        lastId = id;
        const FieldSpec* f = findField(*spec, static_cast<Field>(id));
        if (!f) {
            return malformed(spec, "field " + std::to_string(id) + " does not belong to this message");
        }
        if (p.size() - pos < length) {
            return malformed(spec, "field " + std::to_string(id) + " runs past the end");
        }
        const ByteView value = p.subspan(pos, length);
        if (auto problem = checkValue(*f, value)) {
            return malformed(spec, *problem);
        }
        message.set(f->field, value);
        pos += length;
    }
    for (const auto& f : spec->fields) {
        if (f.required && !message.has(f.field)) {
            return malformed(spec, "required field " + std::to_string(static_cast<int>(f.field)) + " missing");
        }
    }
    return message;
}

base::Result<Bytes> encodeMessage(const Message& message)
{
    const MessageSpec* spec = messageSpec(static_cast<std::uint8_t>(message.type()));
    if (!spec) {
        return malformed(nullptr, "unknown message type");
    }
    // Reserved up front and wiped at the end: frames carry one-time passwords and PINs, and a reallocation or
    // a freed buffer would leave copies behind.
    std::size_t total = 0;
    for (const auto& [field, value] : message.fields()) {
        total += 5 + value.size();
    }
    Bytes payload;
    payload.reserve(total);
    for (const auto& [field, value] : message.fields()) { // std::map: ascending ids
        const FieldSpec* f = findField(*spec, field);
        if (!f) {
            return malformed(spec,
                             "field " + std::to_string(static_cast<int>(field)) + " does not belong to this message");
        }
        if (auto problem = checkValue(*f, value)) {
            return malformed(spec, *problem);
        }
        const auto length = static_cast<std::uint32_t>(value.size());
        payload.push_back(static_cast<std::uint8_t>(field));
        payload.push_back(static_cast<std::uint8_t>(length >> 24));
        payload.push_back(static_cast<std::uint8_t>(length >> 16));
        payload.push_back(static_cast<std::uint8_t>(length >> 8));
        payload.push_back(static_cast<std::uint8_t>(length));
        base::append(payload, value);
    }
    for (const auto& f : spec->fields) {
        if (f.required && !message.has(f.field)) {
            return malformed(spec, "required field " + std::to_string(static_cast<int>(f.field)) + " missing");
        }
    }
    Bytes frame = encodeFrame(static_cast<std::uint8_t>(message.type()), payload);
    base::secureZero(payload.data(), payload.size());
    return frame;
}

base::SecureBytes encodeMessageSecure(const Message& message)
{
    auto frame = encodeMessage(message);
    if (!frame) {
        return {};
    }
    base::SecureBytes out(frame->begin(), frame->end());
    base::secureZero(frame->data(), frame->size());
    return out;
}

void Message::wipe() noexcept
{
    for (auto& [field, value] : m_fields) {
        base::secureZero(value.data(), value.size());
    }
    m_fields.clear();
}

Message makeError(ErrorCode code, std::string_view text)
{
    Message m(MessageType::Error);
    m.setU32(Field::ErrorCode, static_cast<std::uint32_t>(code));
    if (!text.empty()) {
        // Cut on a character boundary: half a UTF-8 sequence would make the whole Error unsendable.
        std::size_t cut = std::min<std::size_t>(text.size(), kMaxText);
        while (cut > 0 && cut < text.size() && (static_cast<std::uint8_t>(text[cut]) & 0xC0) == 0x80) {
            --cut;
        }
        m.set(Field::ErrorText, text.substr(0, cut));
    }
    return m;
}

} // namespace sra::wire
