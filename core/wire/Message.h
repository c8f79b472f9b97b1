#pragma once

#include "core/piv/Result.h"
#include "core/wire/Frame.h"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sra::wire {

// Message types of protocol version 1. Values are part of the wire format: never renumber.
enum class MessageType : std::uint8_t
{
    Hello = 0x01,         // client → server: nonce and the admin's PIV Authentication certificate
    Challenge = 0x02,     // server → client: server nonce
    AuthResponse = 0x03,  // client → server: card signature over the challenge digest
    AuthOk = 0x04,        // server → client: account and session id
    Error = 0x05,         // either way: typed error, then the sender closes
    Keepalive = 0x06,     // either way, any time after AuthOk
    Bye = 0x07,           // either way: orderly end of the session
};

// Field identifiers, shared by all messages (a message's schema says which it takes). Wire format: never renumber.
enum class Field : std::uint8_t
{
    ClientNonce = 1,
    ServerNonce = 2,
    Certificate = 3,
    Signature = 4,
    Account = 5,
    SessionId = 6,
    ErrorCode = 7,
    ErrorText = 8,
    RetryAfterMs = 9,
    ClientName = 10,
    Reason = 11,
};

enum class FieldKind
{
    Octets,  // any bytes
    Utf8,    // valid UTF-8, no NUL
    U32,     // exactly 4 bytes, big endian
};

struct FieldSpec
{
    Field field;
    FieldKind kind;
    bool required;
    std::uint32_t minLength;
    std::uint32_t maxLength;
};

struct MessageSpec
{
    MessageType type;
    const char* name;
    std::span<const FieldSpec> fields;   // ascending by field id
};

// The schema table; nullptr for a type this protocol version does not know.
const MessageSpec* messageSpec(std::uint8_t type) noexcept;

// Typed error codes carried in Error messages. The admin side turns them into sentences (translated there);
// the text field is a technical detail for logs. Values are part of the wire format.
enum class ErrorCode : std::uint32_t
{
    LicenseMissing = 1,
    LicenseExpired = 2,
    LicenseBadSignature = 3,
    LicenseWrongProduct = 4,
    LicenseInvalid = 5,
    ProtocolViolation = 10,
    FrameTooLarge = 11,
    UnsupportedVersion = 12,
    Timeout = 13,
    TooManyConnections = 14,
    RateLimited = 15,
    CertificateInvalid = 20,
    CertificateExpired = 21,
    CertificateUntrusted = 22,
    NotPaired = 23,
    BadSignature = 24,
    InternalError = 99,
};

const char* errorCodeName(ErrorCode code) noexcept;

// A decoded message: its type and its fields, already checked against the schema. Built by decodeMessage()
// or by the constructors below; encodeMessage() checks the schema too, so neither side can send what the
// other would refuse.
class Message
{
public:
    explicit Message(MessageType type = MessageType::Keepalive)
        : m_type(type)
    {
    }

    MessageType type() const noexcept
    {
        return m_type;
    }

    Message& set(Field field, ByteView value);
    Message& set(Field field, std::string_view text);
    Message& setU32(Field field, std::uint32_t value);

    bool has(Field field) const
    {
        return m_fields.count(field) != 0;
    }

    // Empty view / empty string / nullopt when absent (schema-required fields are always present after decode).
    ByteView bytes(Field field) const;
    std::string text(Field field) const;
    std::optional<std::uint32_t> u32(Field field) const;

    const std::map<Field, Bytes>& fields() const
    {
        return m_fields;
    }

private:
    MessageType m_type;
    std::map<Field, Bytes> m_fields;
};

// Payload encoding: fields in ascending id order, each `id (1) | length (4, big endian) | value`.
// Decoding is strict: unknown message type, unknown or repeated field, fields out of order, a field the
// schema does not list for this type, a missing required field, a length outside the schema's bounds,
// invalid UTF-8, or trailing bytes all make the message Malformed (with the reason in the detail).
piv::Result<Message> decodeMessage(const Frame& frame);
piv::Result<Bytes> encodeMessage(const Message& message);   // the whole frame, header included

Message makeError(ErrorCode code, std::string_view text = {});

} // namespace sra::wire
