#pragma once

#include "core/base/Result.h"
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
    Hello = 0x01,        // client → server: nonce and the admin's PIV Authentication certificate
    Challenge = 0x02,    // server → client: server nonce
    AuthResponse = 0x03, // client → server: card signature over the challenge digest
    AuthOk = 0x04,       // server → client: account and session id
    Error = 0x05,        // either way: typed error, then the sender closes
    Keepalive = 0x06,    // either way, any time after AuthOk
    Bye = 0x07,          // either way: orderly end of the session
    Resume = 0x08,       // client → server, instead of Hello: take up a session whose connection dropped

    // The card relay (docs/PROTOCOL.md, "Card relay"), admin ↔ srad after AuthOk.
    InsertCard = 0x10,     // admin → srad: the card's objects and key algorithms; the virtual card appears
    RemoveCard = 0x11,     // admin → srad: the virtual card disappears
    RelayVerifyPin = 0x12, // srad → admin: a PIN check requested on the remote
    RelaySign = 0x13,      // srad → admin: a private-key operation requested on the remote
    RelayResult = 0x14,    // admin → srad (and srad → local client): the outcome of one relayed request
    CardLogin = 0x15,   // srad → admin after InsertCard: the account this card logs in as on the remote, or why none
    CardRefused = 0x16, // srad → admin instead: the InsertCard payload is malformed; no card, the session goes on

    // The local channel, srad ↔ pcscd driver / PKCS#11 module on the remote (UNIX socket).
    LocalHello = 0x20,     // client → srad: who is asking (role); srad answers with CardStatus
    CardStatus = 0x21,     // srad → client, also pushed on every change: card present or not, its objects
    LocalVerifyPin = 0x22, // client → srad: relay a VERIFY; answered by RelayResult
    LocalSign = 0x23,      // client → srad: relay a GENERAL AUTHENTICATE; answered by RelayResult

    // Screen sharing (docs/PROTOCOL.md, "Screen sharing"). On the session, after AuthOk:
    ScreenRequest = 0x30, // admin → srad: start a VNC server for the configured display
    ScreenGrant = 0x31,   // srad → admin: one-time VNC password, stream ticket, its expiry
    ScreenEnded = 0x32,   // srad → admin: no screen (any more); ErrorCode set when the request failed
    // On a second TLS connection to the same port, instead of Hello:
    StreamOpen = 0x33,  // admin → srad: the ticket; first and only frame of a stream connection
    StreamReady = 0x34, // srad → admin: from the next byte on, both directions are raw RFB

    // The screen agent channel, srad ↔ sra-screen-agent in the console user's session (UNIX socket,
    // docs/PROTOCOL.md "Screen agent channel"). The agent runs x11vnc on its display when srad asks.
    AgentHello = 0x40,   // agent → srad: the agent's display; srad checks the peer's uid before anything else
    AgentStart = 0x41,   // srad → agent: start a VNC server with this one-time password
    AgentStarted = 0x42, // agent → srad: it runs; the VNC server's end of a socketpair travels along (SCM_RIGHTS)
    AgentStop = 0x43,    // srad → agent: stop that VNC server
    AgentEnded = 0x44,   // agent → srad: that VNC server is gone (or never started), with the reason
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
    CardObjects = 12,   // BER-TLV list: tag = PIV object tag (e.g. 5FC105), value = the object as GET DATA returns it
    KeyAlgorithms = 13, // pairs of bytes: key reference (9A…), PIV algorithm id (07, 11, 14)
    PinTriesLeft = 14,
    RequestId = 15,
    Pin = 16,
    Requester = 17, // "uid 1000 pid 4242 /usr/bin/ssh" — from the local peer credentials, for audit and approval
    Slot = 18,
    Algorithm = 19,
    Input = 20,
    Status = 21, // RelayStatus
    Data = 22,
    Role = 23, // LocalRole
    Present = 24,
    Generation = 25,    // increases with every insertion, so a client can tell a re-inserted card from the old one
    VncPassword = 26,   // 8 printable ASCII characters (VNC authentication uses 8)
    Ticket = 27,        // 32 random bytes, single use
    ExpiresInMs = 28,   // how long a ticket stays valid from the moment it was sent
    Display = 29,       // an X display, ":N" or ":N.M" (the screen agent's)
    ProcessId = 30,     // a process id, for logs (the screen agent's VNC server)
    ResumeToken = 31,   // 32 random bytes, single use: proves a new connection continues an authenticated session
    ResumeGraceMs = 32, // how long srad holds a session (and its inserted card) after its connection dropped
};

// AuthOk's and Resume's ResumeToken: exactly this many CSPRNG bytes.
inline constexpr std::uint32_t kResumeTokenSize = 32;

// Outcome of one relayed request (RelayResult.Status). Values are part of the wire format.
enum class RelayStatus : std::uint32_t
{
    Ok = 0,
    WrongPin = 1, // TriesLeft says how many remain
    PinBlocked = 2,
    SecurityStatus = 3,  // the card wants a PIN verification first
    RefusedByPolicy = 4, // outside the relay allow-list (slot, input shape, one try left without approval)
    DeniedByAdmin = 5,
    NoCard = 6, // no card inserted, the admin pulled it, or the admin is gone
    Timeout = 7,
    Malformed = 8,
    CardError = 9,
};

enum class LocalRole : std::uint32_t
{
    PcscDriver = 1,
    Pkcs11Module = 2,
};

enum class FieldKind
{
    Octets, // any bytes
    Utf8,   // valid UTF-8, no NUL
    U32,    // exactly 4 bytes, big endian
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
    std::span<const FieldSpec> fields; // ascending by field id
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
    ResumeRefused = 16, // no session to resume: unknown, its grace period is over, or the token does not match
    CertificateInvalid = 20,
    CertificateExpired = 21,
    CertificateUntrusted = 22,
    NotPaired = 23,
    BadSignature = 24,
    ScreenNotSetUp = 30, // [screen] backend is empty: sra-setup -s was not run
    ScreenFailed = 31,   // the VNC server could not be started or reached
    ScreenBusy = 32,     // this session already has a screen running
    TicketUnknown = 33,  // no such stream ticket
    TicketExpired = 34,
    TicketUsed = 35,      // a ticket opens one stream, once
    ScreenNoSession = 36, // [screen] backend = agent and no desktop session agent is connected
    CardInvalid = 40,     // InsertCard's objects or key algorithms do not decode (piv::decodeInsertedCard)
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
    {}

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

    // Overwrites every field value and removes them (a message that carried a password or a PIN).
    void wipe() noexcept;

private:
    MessageType m_type;
    std::map<Field, Bytes> m_fields;
};

// Payload encoding: fields in ascending id order, each `id (1) | length (4, big endian) | value`.
// Decoding is strict: unknown message type, unknown or repeated field, fields out of order, a field the
// schema does not list for this type, a missing required field, a length outside the schema's bounds,
// invalid UTF-8, or trailing bytes all make the message Malformed (with the reason in the detail).
base::Result<Message> decodeMessage(const Frame& frame);
base::Result<Bytes> encodeMessage(const Message& message); // the whole frame, header included
// The same frame in a zeroizing buffer, for messages that carry a secret (empty when it does not encode).
base::SecureBytes encodeMessageSecure(const Message& message);

Message makeError(ErrorCode code, std::string_view text = {});

} // namespace sra::wire
