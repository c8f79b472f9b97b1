// Message codec (core/wire/Message.h): round trips of every message type, one row per malformed payload
// (type, field ids, order, lengths, bounds, UTF-8), encodeMessage refusing what decodeMessage would refuse,
// and makeError truncating long texts on a character boundary.

#include "WireTestSupport.h"
#include "core/wire/Message.h"

#include <QByteArrayList>
#include <QSet>
#include <QTest>

using namespace sra::wire;
using sra::wire::test::be32;
using sra::wire::test::fieldBytes;
using sra::wire::test::frameBytes;
using sra::wire::test::randomBytes;
using sra::wire::test::toBytes;
using sra::wire::test::toQByteArray;

namespace {

// A field as test data: its id byte followed by its value.
QByteArray F(Field field, const QByteArray& value)
{
    return QByteArray(1, static_cast<char>(field)) + value;
}

Field idOf(const QByteArray& f)
{
    return static_cast<Field>(static_cast<std::uint8_t>(f.at(0)));
}

Message buildMessage(int type, const QByteArrayList& fields)
{
    Message m(static_cast<MessageType>(type));
    for (const QByteArray& f : fields) {
        m.set(idOf(f), toBytes(f.mid(1)));
    }
    return m;
}

// The payload written by hand, fields in the order given.
QByteArray payloadOf(const QByteArrayList& fields)
{
    QByteArray out;
    for (const QByteArray& f : fields) {
        out.append(fieldBytes(static_cast<std::uint8_t>(f.at(0)), f.mid(1)));
    }
    return out;
}

Frame frameOf(int type, const QByteArray& payload)
{
    return Frame{static_cast<std::uint8_t>(type), toBytes(payload)};
}

constexpr int kHello = int(MessageType::Hello);
constexpr int kChallenge = int(MessageType::Challenge);
constexpr int kAuthResponse = int(MessageType::AuthResponse);
constexpr int kAuthOk = int(MessageType::AuthOk);
constexpr int kError = int(MessageType::Error);
constexpr int kKeepalive = int(MessageType::Keepalive);
constexpr int kBye = int(MessageType::Bye);
constexpr int kResume = int(MessageType::Resume);

QByteArray nonce(int size = 32, quint32 seed = 1)
{
    return randomBytes(size, seed);
}

QByteArray text(int size, char c = 'a')
{
    return QByteArray(size, c);
}

// A valid minimal message of each type (required fields only), for the malformed rows to start from.
QByteArray validHelloPayload()
{
    return payloadOf({F(Field::ClientNonce, nonce()), F(Field::Certificate, randomBytes(300, 2))});
}

// The text fields (Utf8 kind) and a valid message around each, with the text field given.
struct TextField
{
    const char* name;
    int type;
    Field field;
};

const TextField kTextFields[] = {
    {"Hello.ClientName", kHello,  Field::ClientName},
    {"AuthOk.Account",   kAuthOk, Field::Account   },
    {"AuthOk.SessionId", kAuthOk, Field::SessionId },
    {"Error.ErrorText",  kError,  Field::ErrorText },
    {"Bye.Reason",       kBye,    Field::Reason    },
};

QByteArrayList withText(const TextField& t, const QByteArray& value)
{
    switch (t.type) {
    case kHello:
        return {F(Field::ClientNonce, nonce()), F(Field::Certificate, randomBytes(100, 5)), F(t.field, value)};
    case kAuthOk:
        return t.field == Field::Account ? QByteArrayList{F(Field::Account, value), F(Field::SessionId, "s-1")}
                                         : QByteArrayList{F(Field::Account, "alice"), F(Field::SessionId, value)};
    case kError:
        return {F(Field::ErrorCode, be32(10)), F(Field::ErrorText, value)};
    default:
        return {F(t.field, value)};
    }
}

struct Utf8Case
{
    const char* name;
    QByteArray bytes;
};

QList<Utf8Case> invalidUtf8Cases()
{
    return {
        {"overlong 2-byte slash",         QByteArray::fromHex("c0af")                                  },
        {"overlong 2-byte C1",            QByteArray::fromHex("c1bf")                                  },
        {"overlong 2-byte NUL",           QByteArray::fromHex("c080")                                  },
        {"overlong 3-byte",               QByteArray::fromHex("e080af")                                },
        {"overlong 3-byte U+07FF",        QByteArray::fromHex("e09fbf")                                },
        {"overlong 4-byte",               QByteArray::fromHex("f08080af")                              },
        {"overlong 4-byte U+FFFF",        QByteArray::fromHex("f08fbfbf")                              },
        {"surrogate D800",                QByteArray::fromHex("eda080")                                },
        {"surrogate DBFF",                QByteArray::fromHex("edafbf")                                },
        {"surrogate DC00",                QByteArray::fromHex("edb080")                                },
        {"surrogate DFFF",                QByteArray::fromHex("edbfbf")                                },
        {"surrogate pair CESU-8",         QByteArray::fromHex("eda0bdedb880")                          },
        {"above U+10FFFF (F4 90)",        QByteArray::fromHex("f4908080")                              },
        {"above U+10FFFF (F5)",           QByteArray::fromHex("f5808080")                              },
        {"lead F7",                       QByteArray::fromHex("f7bfbfbf")                              },
        {"5-byte lead F8",                QByteArray::fromHex("f888808080")                            },
        {"6-byte lead FC",                QByteArray::fromHex("fc8480808080")                          },
        {"byte FE",                       QByteArray::fromHex("fe")                                    },
        {"byte FF",                       QByteArray::fromHex("ff")                                    },
        {"truncated 2-byte at end",       QByteArray("ab") + QByteArray::fromHex("c3")                 },
        {"truncated 3-byte at end",       QByteArray("ab") + QByteArray::fromHex("e282")               },
        {"truncated 4-byte at end",       QByteArray::fromHex("f09f98")                                },
        {"truncated 3-byte before ASCII", QByteArray::fromHex("e28241")                                },
        {"truncated 4-byte before ASCII", QByteArray::fromHex("f09f9841")                              },
        {"2-byte lead then lead",         QByteArray::fromHex("c3c3a9")                                },
        {"lone continuation 80",          QByteArray::fromHex("80")                                    },
        {"lone continuation BF",          QByteArray::fromHex("bf")                                    },
        {"continuation after ASCII",      QByteArray("a") + QByteArray::fromHex("80") + QByteArray("b")},
        {"extra continuation",            QByteArray::fromHex("c3a9a9")                                },
        {"NUL alone",                     QByteArray(1,                                                  '\0')},
        {"NUL inside",                               QByteArray("adm\0in",                                                                                 6)},
        {"NUL at end",                             QByteArray("admin\0",          6)},
        {"Latin-1 e acute",QByteArray::fromHex("e9")                                },
    };
}

QList<Utf8Case> validUtf8Cases()
{
    return {
        {"ASCII",                       QByteArray("admin@example.org")                             },
        {"empty-adjacent ASCII 1 char", QByteArray("x")                                             },
        {"U+0080",                      QByteArray::fromHex("c280")                                 },
        {"U+00E9",                      QByteArray::fromHex("c3a9")                                 },
        {"U+07FF",                      QByteArray::fromHex("dfbf")                                 },
        {"U+0800",                      QByteArray::fromHex("e0a080")                               },
        {"U+20AC euro",                 QByteArray::fromHex("e282ac")                               },
        {"U+D7FF",                      QByteArray::fromHex("ed9fbf")                               },
        {"U+E000",                      QByteArray::fromHex("ee8080")                               },
        {"U+FFFD",                      QByteArray::fromHex("efbfbd")                               },
        {"U+FFFF",                      QByteArray::fromHex("efbfbf")                               },
        {"U+10000",                     QByteArray::fromHex("f0908080")                             },
        {"U+1F600 emoji",               QByteArray::fromHex("f09f9880")                             },
        {"U+10FFFF",                    QByteArray::fromHex("f48fbfbf")                             },
        {"mixed",                       QStringLiteral(u"Jürgen Groß — 管理者 🔑").toUtf8()},
        {"control characters",          QByteArray("tab\there\nnew line\x7f")                       },
    };
}

} // namespace

class TestMessage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void schema();
    void roundTrip_data();
    void roundTrip();
    void malformed_data();
    void malformed();
    void invalidUtf8_data();
    void invalidUtf8();
    void validUtf8_data();
    void validUtf8();
    void encodeRefuses_data();
    void encodeRefuses();
    void makeError_data();
    void makeError();
    void errorCodeNames();
};

void TestMessage::schema()
{
    QSet<QByteArray> names;
    for (int type = 0; type < 256; ++type) {
        const MessageSpec* spec = messageSpec(static_cast<std::uint8_t>(type));
        // Authentication (1..7) and resuming (8), the card relay (0x10..0x14), its login advice (0x15) and refusal
        // (0x16), the local channel (0x20..0x23), screen sharing (0x30..0x34) and the screen agent channel
        // (0x40..0x44).
        const bool known = (type >= kHello && type <= kResume) || (type >= 0x10 && type <= 0x16)
                           || (type >= 0x20 && type <= 0x23) || (type >= 0x30 && type <= 0x34)
                           || (type >= 0x40 && type <= 0x44);
        QCOMPARE(spec != nullptr, known);
        if (!spec) {
            continue;
        }
        QCOMPARE(int(spec->type), type);
        QVERIFY(spec->name && *spec->name);
        QVERIFY(!names.contains(spec->name));
        names.insert(spec->name);
        int last = -1;
        for (const FieldSpec& f : spec->fields) {
            QVERIFY2(int(f.field) > last, spec->name); // ascending by id
            last = int(f.field);
            QVERIFY(f.minLength <= f.maxLength);
            if (f.kind == FieldKind::U32) {
                QCOMPARE(f.minLength, 4u);
                QCOMPARE(f.maxLength, 4u);
            }
        }
    }
}

void TestMessage::roundTrip_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QByteArrayList>("fields");

    QTest::addRow("Hello, all fields") << kHello
                                       << QByteArrayList{F(Field::ClientNonce, nonce()),
                                                         F(Field::Certificate, randomBytes(1200, 3)),
                                                         F(Field::ClientName, "Jürgen's laptop")};
    QTest::addRow("Hello, required only")
        << kHello << QByteArrayList{F(Field::ClientNonce, nonce(32, 4)), F(Field::Certificate, randomBytes(1, 5))};
    QTest::addRow("Hello, largest") << kHello
                                    << QByteArrayList{F(Field::ClientNonce, nonce(32, 6)),
                                                      F(Field::Certificate, randomBytes(16384, 7)),
                                                      F(Field::ClientName, text(256))};
    QTest::addRow("Hello, empty client name") << kHello
                                              << QByteArrayList{F(Field::ClientNonce, nonce(32, 8)),
                                                                F(Field::Certificate, randomBytes(10, 9)),
                                                                F(Field::ClientName, QByteArray())};
    QTest::addRow("Hello, all-zero nonce")
        << kHello
        << QByteArrayList{F(Field::ClientNonce, QByteArray(32, '\0')), F(Field::Certificate, QByteArray(1, '\0'))};
    QTest::addRow("Challenge") << kChallenge << QByteArrayList{F(Field::ServerNonce, nonce(32, 10))};
    QTest::addRow("AuthResponse, 1 byte") << kAuthResponse << QByteArrayList{F(Field::Signature, "\x30")};
    QTest::addRow("AuthResponse, 256 bytes")
        << kAuthResponse << QByteArrayList{F(Field::Signature, randomBytes(256, 11))};
    QTest::addRow("AuthResponse, 1024 bytes")
        << kAuthResponse << QByteArrayList{F(Field::Signature, randomBytes(1024, 12))};
    QTest::addRow("AuthOk") << kAuthOk
                            << QByteArrayList{F(Field::Account, "alice"), F(Field::SessionId, "7c1e0f4a-session")};
    QTest::addRow("AuthOk, longest") << kAuthOk
                                     << QByteArrayList{F(Field::Account, text(256, 'b')),
                                                       F(Field::SessionId, text(256, 'c'))};
    QTest::addRow("AuthOk, resumable") << kAuthOk
                                       << QByteArrayList{F(Field::Account, "alice"),
                                                         F(Field::SessionId, "s-1"),
                                                         F(Field::ResumeToken, nonce(32, 13)),
                                                         F(Field::ResumeGraceMs, be32(30000))};
    QTest::addRow("Resume") << kResume
                            << QByteArrayList{F(Field::SessionId, "s-1"),
                                              F(Field::ClientName, "helpdesk-7"),
                                              F(Field::ResumeToken, nonce(32, 14))};
    QTest::addRow("Error, all fields") << kError
                                       << QByteArrayList{F(Field::ErrorCode, be32(15)),
                                                         F(Field::ErrorText, "rate limited"),
                                                         F(Field::RetryAfterMs, be32(30000))};
    QTest::addRow("Error, code only") << kError << QByteArrayList{F(Field::ErrorCode, be32(1))};
    QTest::addRow("Error, unknown code value") << kError << QByteArrayList{F(Field::ErrorCode, be32(0xFFFFFFFFu))};
    QTest::addRow("Error, code and retry")
        << kError << QByteArrayList{F(Field::ErrorCode, be32(0)), F(Field::RetryAfterMs, be32(0x01020304))};
    QTest::addRow("Error, longest text") << kError
                                         << QByteArrayList{F(Field::ErrorCode, be32(99)),
                                                           F(Field::ErrorText, text(1024, 'e'))};
    QTest::addRow("Keepalive") << kKeepalive << QByteArrayList{};
    QTest::addRow("Bye, no reason") << kBye << QByteArrayList{};
    QTest::addRow("Bye, empty reason") << kBye << QByteArrayList{F(Field::Reason, QByteArray())};
    QTest::addRow("Bye, reason") << kBye << QByteArrayList{F(Field::Reason, "user logged out")};
    QTest::addRow("Bye, longest reason") << kBye << QByteArrayList{F(Field::Reason, text(1024, 'r'))};
    QTest::addRow("ScreenRequest") << int(MessageType::ScreenRequest) << QByteArrayList{};
    QTest::addRow("ScreenGrant") << int(MessageType::ScreenGrant)
                                 << QByteArrayList{F(Field::VncPassword, "aB3dE5gH"),
                                                   F(Field::Ticket, nonce(32, 13)),
                                                   F(Field::ExpiresInMs, be32(30000))};
    QTest::addRow("ScreenEnded, refusal")
        << int(MessageType::ScreenEnded)
        << QByteArrayList{F(Field::ErrorCode, be32(30)), F(Field::Reason, "screen sharing is not set up")};
    QTest::addRow("ScreenEnded, plain") << int(MessageType::ScreenEnded) << QByteArrayList{};
    QTest::addRow("StreamOpen") << int(MessageType::StreamOpen) << QByteArrayList{F(Field::Ticket, nonce(32, 14))};
    QTest::addRow("StreamReady") << int(MessageType::StreamReady) << QByteArrayList{};
    QTest::addRow("AgentHello") << int(MessageType::AgentHello)
                                << QByteArrayList{F(Field::ClientName, "sra-screen-agent 0.1.0"),
                                                  F(Field::Display, ":0")};
    QTest::addRow("AgentHello, display only")
        << int(MessageType::AgentHello) << QByteArrayList{F(Field::Display, ":12.1")};
    QTest::addRow("AgentStart") << int(MessageType::AgentStart)
                                << QByteArrayList{F(Field::RequestId, be32(7)), F(Field::VncPassword, "aB3dE5gH")};
    QTest::addRow("AgentStarted") << int(MessageType::AgentStarted)
                                  << QByteArrayList{F(Field::RequestId, be32(7)), F(Field::ProcessId, be32(4242))};
    QTest::addRow("AgentStarted, no pid")
        << int(MessageType::AgentStarted) << QByteArrayList{F(Field::RequestId, be32(1))};
    QTest::addRow("AgentStop") << int(MessageType::AgentStop) << QByteArrayList{F(Field::RequestId, be32(7))};
    QTest::addRow("AgentEnded") << int(MessageType::AgentEnded)
                                << QByteArrayList{F(Field::Reason, "x11vnc exited"), F(Field::RequestId, be32(7))};
}

void TestMessage::roundTrip()
{
    QFETCH(int, type);
    QFETCH(QByteArrayList, fields);
    const QByteArray payload = payloadOf(fields);

    // Encoding gives exactly the hand-written frame.
    const Message message = buildMessage(type, fields);
    auto encoded = encodeMessage(message);
    QVERIFY2(encoded.ok(), encoded.ok() ? "" : encoded.error().detail.c_str());
    QCOMPARE(toQByteArray(*encoded), frameBytes(static_cast<std::uint8_t>(type), payload));

    // Decoding the hand-written payload gives the type and every field back.
    auto decoded = decodeMessage(frameOf(type, payload));
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().detail.c_str());
    QCOMPARE(int(decoded->type()), type);
    QCOMPARE(decoded->fields().size(), static_cast<std::size_t>(fields.size()));
    for (const QByteArray& f : fields) {
        QVERIFY(decoded->has(idOf(f)));
        QCOMPARE(toQByteArray(decoded->bytes(idOf(f))), f.mid(1));
        QCOMPARE(QByteArray::fromStdString(decoded->text(idOf(f))), f.mid(1));
        if (f.size() == 5) {
            const auto v = decoded->u32(idOf(f));
            QVERIFY(v.has_value());
            QCOMPARE(be32(*v), f.mid(1));
        }
    }
    QVERIFY(decoded->fields() == message.fields());

    // And once more through the encoder.
    auto again = encodeMessage(decoded.value());
    QVERIFY(again.ok());
    QVERIFY(*again == *encoded);
}

void TestMessage::malformed_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QByteArray>("reason");

    const QByteArray hello = validHelloPayload();
    const QByteArray challenge = fieldBytes(Field::ServerNonce, nonce());
    const QByteArray code = fieldBytes(Field::ErrorCode, be32(10));
    const QByteArray unknownType("unknown message type");
    const QByteArray notHere("does not belong");
    const QByteArray order("repeated or out of order");
    const QByteArray truncated("truncated field header");
    const QByteArray pastEnd("runs past the end");
    const QByteArray missing("missing");
    const QByteArray length("has length");

    // Unknown types.
    QTest::addRow("type 0") << 0 << QByteArray() << unknownType;
    QTest::addRow("type 9") << 9 << QByteArray() << unknownType;
    QTest::addRow("type 0x7F") << 0x7F << QByteArray() << unknownType;
    QTest::addRow("type 0xFF") << 0xFF << hello << unknownType;
    QTest::addRow("type 0x81 (Hello with high bit)") << 0x81 << hello << unknownType;

    // Unknown field ids.
    QTest::addRow("field 0") << kBye << fieldBytes(0, "x") << notHere;
    QTest::addRow("field 12 (after the last id)") << kBye << fieldBytes(12, "x") << notHere;
    QTest::addRow("field 0xFF") << kKeepalive << fieldBytes(0xFF, {}) << notHere;
    QTest::addRow("field 0xFF after valid Hello") << kHello << hello + fieldBytes(0xFF, "x") << notHere;

    // A field of another message.
    QTest::addRow("Challenge with ClientNonce") << kChallenge << fieldBytes(Field::ClientNonce, nonce()) << notHere;
    QTest::addRow("Challenge with ClientNonce first")
        << kChallenge << fieldBytes(Field::ClientNonce, nonce()) + challenge << notHere;
    QTest::addRow("Hello with ServerNonce")
        << kHello
        << fieldBytes(Field::ClientNonce, nonce()) + fieldBytes(Field::ServerNonce, nonce())
               + fieldBytes(Field::Certificate, "c")
        << notHere;
    QTest::addRow("Hello with Signature") << kHello << hello + fieldBytes(Field::Signature, "s") << notHere;
    QTest::addRow("AuthResponse with Certificate") << kAuthResponse << fieldBytes(Field::Certificate, "c") << notHere;
    QTest::addRow("AuthOk with ErrorCode")
        << kAuthOk
        << fieldBytes(Field::Account, "a") + fieldBytes(Field::SessionId, "s") + fieldBytes(Field::ErrorCode, be32(1))
        << notHere;
    QTest::addRow("Resume without ResumeToken") << kResume << fieldBytes(Field::SessionId, "s") << missing;
    QTest::addRow("Resume, 31-byte ResumeToken")
        << kResume << fieldBytes(Field::SessionId, "s") + fieldBytes(Field::ResumeToken, nonce(31)) << length;
    QTest::addRow("Error with Reason") << kError << code + fieldBytes(Field::Reason, "r") << notHere;
    QTest::addRow("Keepalive with Reason") << kKeepalive << fieldBytes(Field::Reason, "r") << notHere;
    QTest::addRow("Keepalive with empty field 1") << kKeepalive << fieldBytes(Field::ClientNonce, {}) << notHere;
    QTest::addRow("Bye with ErrorText") << kBye << fieldBytes(Field::ErrorText, "t") << notHere;

    // Repeats and disorder.
    QTest::addRow("ClientNonce repeated")
        << kHello
        << fieldBytes(Field::ClientNonce, nonce()) + fieldBytes(Field::ClientNonce, nonce())
               + fieldBytes(Field::Certificate, "c")
        << order;
    QTest::addRow("ServerNonce repeated") << kChallenge << challenge + challenge << order;
    QTest::addRow("Reason repeated") << kBye << fieldBytes(Field::Reason, "a") + fieldBytes(Field::Reason, "b")
                                     << order;
    QTest::addRow("ErrorCode repeated") << kError << code + code << order;
    QTest::addRow("Hello, Certificate before ClientNonce")
        << kHello << fieldBytes(Field::Certificate, "c") + fieldBytes(Field::ClientNonce, nonce()) << order;
    QTest::addRow("Hello, ClientName before Certificate")
        << kHello
        << fieldBytes(Field::ClientNonce, nonce()) + fieldBytes(Field::ClientName, "n")
               + fieldBytes(Field::Certificate, "c")
        << order;
    QTest::addRow("AuthOk, SessionId before Account")
        << kAuthOk << fieldBytes(Field::SessionId, "s") + fieldBytes(Field::Account, "a") << order;
    QTest::addRow("Error, RetryAfterMs before ErrorText")
        << kError << code + fieldBytes(Field::RetryAfterMs, be32(1)) + fieldBytes(Field::ErrorText, "t") << order;
    QTest::addRow("Error, RetryAfterMs before ErrorCode")
        << kError << fieldBytes(Field::RetryAfterMs, be32(1)) + code << order;

    // Truncated field headers: 1..4 bytes where a 5-byte header belongs.
    const QByteArray fullHeader = fieldBytes(Field::Reason, "bye").left(5);
    for (int n = 1; n <= 4; ++n) {
        QTest::addRow("Bye, %d-byte field header", n) << kBye << fullHeader.left(n) << truncated;
        QTest::addRow("Keepalive, %d-byte field header", n) << kKeepalive << QByteArray(n, '\0') << truncated;
        QTest::addRow("Hello + %d-byte field header", n)
            << kHello << hello + fieldBytes(Field::ClientName, "n").left(n) << truncated;
        QTest::addRow("Challenge + %d trailing bytes", n)
            << kChallenge << challenge + QByteArray(n, '\x0b') << truncated;
    }

    // Lengths past the end.
    QTest::addRow("ServerNonce announces 33, has 32")
        << kChallenge << QByteArray(1, '\x02') + be32(33) + nonce() << pastEnd;
    QTest::addRow("Reason announces 1, has 0") << kBye << QByteArray(1, '\x0b') + be32(1) << pastEnd;
    QTest::addRow("Reason announces 0xFFFFFFFF")
        << kBye << QByteArray(1, '\x0b') + be32(0xFFFFFFFFu) + "abc" << pastEnd;
    QTest::addRow("Certificate announces 2^31")
        << kHello << fieldBytes(Field::ClientNonce, nonce()) + QByteArray(1, '\x03') + be32(1u << 31) + "c" << pastEnd;
    QTest::addRow("Signature announces 1025, has 1")
        << kAuthResponse << QByteArray(1, '\x04') + be32(1025) + "s" << pastEnd;

    // Missing required fields, each.
    QTest::addRow("Hello without fields") << kHello << QByteArray() << missing;
    QTest::addRow("Hello without ClientNonce") << kHello << fieldBytes(Field::Certificate, "c") << missing;
    QTest::addRow("Hello without Certificate") << kHello << fieldBytes(Field::ClientNonce, nonce()) << missing;
    QTest::addRow("Hello with name only") << kHello << fieldBytes(Field::ClientName, "n") << missing;
    QTest::addRow("Challenge without ServerNonce") << kChallenge << QByteArray() << missing;
    QTest::addRow("AuthResponse without Signature") << kAuthResponse << QByteArray() << missing;
    QTest::addRow("AuthOk without Account") << kAuthOk << fieldBytes(Field::SessionId, "s") << missing;
    QTest::addRow("AuthOk without SessionId") << kAuthOk << fieldBytes(Field::Account, "a") << missing;
    QTest::addRow("Error without ErrorCode") << kError << fieldBytes(Field::ErrorText, "t") << missing;
    QTest::addRow("Error without fields") << kError << QByteArray() << missing;

    // Bounds.
    QTest::addRow("ClientNonce 0 bytes") << kHello
                                         << fieldBytes(Field::ClientNonce, {}) + fieldBytes(Field::Certificate, "c")
                                         << length;
    QTest::addRow("ClientNonce 31 bytes")
        << kHello << fieldBytes(Field::ClientNonce, nonce(31)) + fieldBytes(Field::Certificate, "c") << length;
    QTest::addRow("ClientNonce 33 bytes")
        << kHello << fieldBytes(Field::ClientNonce, nonce(33)) + fieldBytes(Field::Certificate, "c") << length;
    QTest::addRow("ServerNonce 31 bytes") << kChallenge << fieldBytes(Field::ServerNonce, nonce(31)) << length;
    QTest::addRow("ServerNonce 33 bytes") << kChallenge << fieldBytes(Field::ServerNonce, nonce(33)) << length;
    QTest::addRow("ServerNonce 0 bytes") << kChallenge << fieldBytes(Field::ServerNonce, {}) << length;
    QTest::addRow("Certificate empty") << kHello
                                       << fieldBytes(Field::ClientNonce, nonce()) + fieldBytes(Field::Certificate, {})
                                       << length;
    QTest::addRow("Certificate 16385 bytes")
        << kHello << fieldBytes(Field::ClientNonce, nonce()) + fieldBytes(Field::Certificate, randomBytes(16385, 3))
        << length;
    QTest::addRow("ClientName 257 bytes") << kHello << hello + fieldBytes(Field::ClientName, text(257)) << length;
    QTest::addRow("Signature empty") << kAuthResponse << fieldBytes(Field::Signature, {}) << length;
    QTest::addRow("Signature 1025 bytes")
        << kAuthResponse << fieldBytes(Field::Signature, randomBytes(1025, 4)) << length;
    QTest::addRow("Account empty") << kAuthOk << fieldBytes(Field::Account, {}) + fieldBytes(Field::SessionId, "s")
                                   << length;
    QTest::addRow("Account 257 bytes") << kAuthOk
                                       << fieldBytes(Field::Account, text(257)) + fieldBytes(Field::SessionId, "s")
                                       << length;
    QTest::addRow("SessionId empty") << kAuthOk << fieldBytes(Field::Account, "a") + fieldBytes(Field::SessionId, {})
                                     << length;
    QTest::addRow("SessionId 257 bytes") << kAuthOk
                                         << fieldBytes(Field::Account, "a") + fieldBytes(Field::SessionId, text(257))
                                         << length;
    QTest::addRow("ErrorText 1025 bytes") << kError << code + fieldBytes(Field::ErrorText, text(1025)) << length;
    QTest::addRow("Reason 1025 bytes") << kBye << fieldBytes(Field::Reason, text(1025)) << length;
    QTest::addRow("ErrorCode 0 bytes") << kError << fieldBytes(Field::ErrorCode, {}) << length;
    QTest::addRow("ErrorCode 3 bytes") << kError << fieldBytes(Field::ErrorCode, be32(10).mid(1)) << length;
    QTest::addRow("ErrorCode 5 bytes") << kError << fieldBytes(Field::ErrorCode, be32(10) + '\0') << length;
    QTest::addRow("RetryAfterMs 3 bytes")
        << kError << code + fieldBytes(Field::RetryAfterMs, be32(1000).mid(1)) << length;
    QTest::addRow("RetryAfterMs 5 bytes")
        << kError << code + fieldBytes(Field::RetryAfterMs, be32(1000) + '\0') << length;

    // Invalid UTF-8 (every case in every text field is in invalidUtf8()); one row per kind here in Bye.
    for (const Utf8Case& c : invalidUtf8Cases()) {
        QTest::addRow("Bye.Reason: %s", c.name) << kBye << fieldBytes(Field::Reason, c.bytes) << QByteArray("UTF-8");
    }

    // Trailing bytes after a complete message.
    QTest::addRow("Keepalive + 1 byte") << kKeepalive << QByteArray(1, '\x06') << truncated;
    QTest::addRow("Keepalive + zero field") << kKeepalive << QByteArray(5, '\0') << notHere;
    QTest::addRow("Challenge + nonce again without header") << kChallenge << challenge + nonce() << notHere;
    QTest::addRow("Bye + zero bytes") << kBye << fieldBytes(Field::Reason, "r") + QByteArray(5, '\0') << order;
    QTest::addRow("Error + 0xFF bytes") << kError << code + QByteArray(5, '\xFF') << notHere;

    // Screen sharing: the ticket is exactly 32 bytes, the password exactly 8, StreamOpen carries nothing else.
    const int streamOpen = int(MessageType::StreamOpen);
    const int grant = int(MessageType::ScreenGrant);
    const QByteArray ticket = fieldBytes(Field::Ticket, nonce(32, 15));
    QTest::addRow("StreamOpen without ticket") << streamOpen << QByteArray() << missing;
    QTest::addRow("StreamOpen, 31-byte ticket") << streamOpen << fieldBytes(Field::Ticket, nonce(31, 16)) << length;
    QTest::addRow("StreamOpen, 33-byte ticket") << streamOpen << fieldBytes(Field::Ticket, nonce(33, 17)) << length;
    QTest::addRow("StreamOpen + Reason") << streamOpen << ticket + fieldBytes(Field::Reason, "x") << order;
    QTest::addRow("StreamReady + Ticket") << int(MessageType::StreamReady) << ticket << notHere;
    QTest::addRow("ScreenRequest + Ticket") << int(MessageType::ScreenRequest) << ticket << notHere;
    QTest::addRow("ScreenGrant, 7-char password")
        << grant << fieldBytes(Field::VncPassword, "abcdefg") + ticket + fieldBytes(Field::ExpiresInMs, be32(1))
        << length;
    QTest::addRow("ScreenGrant without expiry")
        << grant << fieldBytes(Field::VncPassword, "abcdefgh") + ticket << missing;

    // The screen agent channel: a display of at least ":N", exactly 8 password characters, a request id always.
    const int agentHello = int(MessageType::AgentHello);
    const int agentStart = int(MessageType::AgentStart);
    const QByteArray request = fieldBytes(Field::RequestId, be32(3));
    QTest::addRow("AgentHello without display") << agentHello << fieldBytes(Field::ClientName, "agent") << missing;
    QTest::addRow("AgentHello, 1-byte display") << agentHello << fieldBytes(Field::Display, ":") << length;
    QTest::addRow("AgentHello, 65-byte display")
        << agentHello << fieldBytes(Field::Display, ":" + QByteArray(64, '1')) << length;
    QTest::addRow("AgentHello + Ticket") << agentHello << ticket + fieldBytes(Field::Display, ":0") << notHere;
    QTest::addRow("AgentHello, display before name")
        << agentHello << fieldBytes(Field::Display, ":0") + fieldBytes(Field::ClientName, "a") << order;
    QTest::addRow("AgentStart without password") << agentStart << request << missing;
    QTest::addRow("AgentStart, 9-char password")
        << agentStart << request + fieldBytes(Field::VncPassword, "abcdefghi") << length;
    QTest::addRow("AgentStart, password NUL")
        << agentStart << request + fieldBytes(Field::VncPassword, QByteArray("abc\0efgh", 8)) << QByteArray("UTF-8");
    QTest::addRow("AgentStarted without request")
        << int(MessageType::AgentStarted) << fieldBytes(Field::ProcessId, be32(1)) << missing;
    QTest::addRow("AgentStarted, 3-byte pid")
        << int(MessageType::AgentStarted) << request + fieldBytes(Field::ProcessId, QByteArray(3, '\1')) << length;
    QTest::addRow("AgentStop + Reason") << int(MessageType::AgentStop) << fieldBytes(Field::Reason, "x") + request
                                        << notHere;
    QTest::addRow("AgentEnded without request")
        << int(MessageType::AgentEnded) << fieldBytes(Field::Reason, "gone") << missing;
}

void TestMessage::malformed()
{
    QFETCH(int, type);
    QFETCH(QByteArray, payload);
    QFETCH(QByteArray, reason);

    auto decoded = decodeMessage(frameOf(type, payload));
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, sra::base::ErrorCode::Malformed);
    QVERIFY2(QByteArray::fromStdString(decoded.error().detail).contains(reason), decoded.error().detail.c_str());

    // Through the frame decoder as well: the frame is fine, the message is not.
    FrameDecoder frames;
    frames.feed(toBytes(frameBytes(static_cast<std::uint8_t>(type), payload)));
    auto frame = frames.next();
    QVERIFY(frame.has_value());
    QVERIFY(!decodeMessage(*frame).ok());
}

void TestMessage::invalidUtf8_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QByteArrayList>("fields");
    for (const TextField& t : kTextFields) {
        for (const Utf8Case& c : invalidUtf8Cases()) {
            QTest::addRow("%s: %s", t.name, c.name) << t.type << withText(t, c.bytes);
            QTest::addRow("%s: valid prefix, %s", t.name, c.name) << t.type << withText(t, "Ok " + c.bytes);
        }
    }
}

void TestMessage::invalidUtf8()
{
    QFETCH(int, type);
    QFETCH(QByteArrayList, fields);

    auto decoded = decodeMessage(frameOf(type, payloadOf(fields)));
    QVERIFY(!decoded.ok());
    QVERIFY2(QByteArray::fromStdString(decoded.error().detail).contains("UTF-8"), decoded.error().detail.c_str());

    auto encoded = encodeMessage(buildMessage(type, fields));
    QVERIFY(!encoded.ok());
    QVERIFY2(QByteArray::fromStdString(encoded.error().detail).contains("UTF-8"), encoded.error().detail.c_str());
}

void TestMessage::validUtf8_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QByteArrayList>("fields");
    QTest::addColumn<int>("field");
    QTest::addColumn<QByteArray>("value");
    for (const TextField& t : kTextFields) {
        for (const Utf8Case& c : validUtf8Cases()) {
            QTest::addRow("%s: %s", t.name, c.name) << t.type << withText(t, c.bytes) << int(t.field) << c.bytes;
        }
    }
}

void TestMessage::validUtf8()
{
    QFETCH(int, type);
    QFETCH(QByteArrayList, fields);
    QFETCH(int, field);
    QFETCH(QByteArray, value);

    auto decoded = decodeMessage(frameOf(type, payloadOf(fields)));
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().detail.c_str());
    QCOMPARE(QByteArray::fromStdString(decoded->text(static_cast<Field>(field))), value);
    // Qt agrees it is UTF-8 and reads it back unchanged.
    QCOMPARE(QString::fromUtf8(value).toUtf8(), value);

    auto encoded = encodeMessage(decoded.value());
    QVERIFY(encoded.ok());
    QCOMPARE(toQByteArray(*encoded), frameBytes(static_cast<std::uint8_t>(type), payloadOf(fields)));
}

void TestMessage::encodeRefuses_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QByteArrayList>("fields");
    QTest::addColumn<QByteArray>("reason");

    const QByteArray n = nonce();
    const QByteArray c("cert");
    const QByteArray missing("missing");
    const QByteArray length("has length");
    const QByteArray notHere("does not belong");

    QTest::addRow("unknown type 0") << 0 << QByteArrayList{} << QByteArray("unknown message type");
    QTest::addRow("unknown type 9") << 9 << QByteArrayList{} << QByteArray("unknown message type");

    QTest::addRow("Hello without ClientNonce") << kHello << QByteArrayList{F(Field::Certificate, c)} << missing;
    QTest::addRow("Hello without Certificate") << kHello << QByteArrayList{F(Field::ClientNonce, n)} << missing;
    QTest::addRow("Challenge empty") << kChallenge << QByteArrayList{} << missing;
    QTest::addRow("AuthResponse empty") << kAuthResponse << QByteArrayList{} << missing;
    QTest::addRow("AuthOk without Account") << kAuthOk << QByteArrayList{F(Field::SessionId, "s")} << missing;
    QTest::addRow("AuthOk without SessionId") << kAuthOk << QByteArrayList{F(Field::Account, "a")} << missing;
    QTest::addRow("Error without ErrorCode") << kError << QByteArrayList{F(Field::ErrorText, "t")} << missing;

    QTest::addRow("ClientNonce 31") << kHello
                                    << QByteArrayList{F(Field::ClientNonce, nonce(31)), F(Field::Certificate, c)}
                                    << length;
    QTest::addRow("ClientNonce 33") << kHello
                                    << QByteArrayList{F(Field::ClientNonce, nonce(33)), F(Field::Certificate, c)}
                                    << length;
    QTest::addRow("ServerNonce 33") << kChallenge << QByteArrayList{F(Field::ServerNonce, nonce(33))} << length;
    QTest::addRow("Certificate empty") << kHello << QByteArrayList{F(Field::ClientNonce, n), F(Field::Certificate, {})}
                                       << length;
    QTest::addRow("Certificate 16385") << kHello
                                       << QByteArrayList{F(Field::ClientNonce, n), F(Field::Certificate, text(16385))}
                                       << length;
    QTest::addRow("ClientName 257") << kHello
                                    << QByteArrayList{F(Field::ClientNonce, n),
                                                      F(Field::Certificate, c),
                                                      F(Field::ClientName, text(257))}
                                    << length;
    QTest::addRow("Signature 1025") << kAuthResponse << QByteArrayList{F(Field::Signature, text(1025))} << length;
    QTest::addRow("Account 257") << kAuthOk << QByteArrayList{F(Field::Account, text(257)), F(Field::SessionId, "s")}
                                 << length;
    QTest::addRow("ErrorText 1025") << kError
                                    << QByteArrayList{F(Field::ErrorCode, be32(1)), F(Field::ErrorText, text(1025))}
                                    << length;
    QTest::addRow("ErrorCode 3 bytes") << kError << QByteArrayList{F(Field::ErrorCode, "abc")} << length;
    QTest::addRow("ErrorCode 5 bytes") << kError << QByteArrayList{F(Field::ErrorCode, "abcde")} << length;
    QTest::addRow("Reason 1025") << kBye << QByteArrayList{F(Field::Reason, text(1025))} << length;

    QTest::addRow("Challenge with ClientNonce")
        << kChallenge << QByteArrayList{F(Field::ClientNonce, n), F(Field::ServerNonce, n)} << notHere;
    QTest::addRow("Keepalive with Reason") << kKeepalive << QByteArrayList{F(Field::Reason, "r")} << notHere;
    QTest::addRow("Bye with ErrorCode") << kBye << QByteArrayList{F(Field::ErrorCode, be32(1))} << notHere;
    QTest::addRow("Hello with field 12") << kHello
                                         << QByteArrayList{F(Field::ClientNonce, n),
                                                           F(Field::Certificate, c),
                                                           F(static_cast<Field>(12), "x")}
                                         << notHere;
    QTest::addRow("Bye with field 0") << kBye << QByteArrayList{F(static_cast<Field>(0), "x")} << notHere;
    QTest::addRow("ClientName invalid UTF-8")
        << kHello
        << QByteArrayList{F(Field::ClientNonce, n), F(Field::Certificate, c), F(Field::ClientName, "\xC0\xAF")}
        << QByteArray("UTF-8");
}

void TestMessage::encodeRefuses()
{
    QFETCH(int, type);
    QFETCH(QByteArrayList, fields);
    QFETCH(QByteArray, reason);

    auto encoded = encodeMessage(buildMessage(type, fields));
    QVERIFY(!encoded.ok());
    QCOMPARE(encoded.error().code, sra::base::ErrorCode::Malformed);
    QVERIFY2(QByteArray::fromStdString(encoded.error().detail).contains(reason), encoded.error().detail.c_str());

    // What the sender refuses, the receiver refuses too.
    QVERIFY(!decodeMessage(frameOf(type, payloadOf(fields))).ok());
}

void TestMessage::makeError_data()
{
    QTest::addColumn<uint>("code");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("keptBytes");

    QTest::addRow("no text") << uint(ErrorCode::LicenseMissing) << QByteArray() << 0;
    QTest::addRow("short text") << uint(ErrorCode::ProtocolViolation) << QByteArray("unexpected Hello") << 16;
    QTest::addRow("multi-byte text") << uint(ErrorCode::CertificateExpired) << QByteArray("abgelaufen ✗") << 14;
    QTest::addRow("1023 bytes") << uint(ErrorCode::InternalError) << text(1023) << 1023;
    QTest::addRow("1024 bytes") << uint(ErrorCode::InternalError) << text(1024) << 1024;
    QTest::addRow("1025 bytes, cut") << uint(ErrorCode::Timeout) << text(1025) << 1024;
    QTest::addRow("5000 bytes, cut") << uint(ErrorCode::RateLimited) << text(5000) << 1024;
    // The cut must not split a character: an Error that cannot be sent is worse than a shorter text.
    QTest::addRow("2-byte char across 1024") << uint(ErrorCode::BadSignature) << text(1023) + "é" + text(10) << 1023;
    QTest::addRow("2-byte char ending at 1024") << uint(ErrorCode::BadSignature) << text(1022) + "é" + text(10) << 1024;
    QTest::addRow("3-byte char across 1024 (+1)") << uint(ErrorCode::NotPaired) << text(1022) + "€" << 1022;
    QTest::addRow("3-byte char across 1024 (+2)") << uint(ErrorCode::NotPaired) << text(1023) + "€" << 1023;
    QTest::addRow("4-byte char across 1024") << uint(ErrorCode::LicenseInvalid) << text(1021) + "🔑" << 1021;
    QTest::addRow("4-byte char ending at 1024") << uint(ErrorCode::LicenseInvalid) << text(1020) + "🔑🔑" << 1024;
    QTest::addRow("only 3-byte chars") << uint(ErrorCode::CertificateUntrusted) << QString(400, QChar(0x20AC)).toUtf8()
                                       << 1023;
}

void TestMessage::makeError()
{
    QFETCH(uint, code);
    QFETCH(QByteArray, input);
    QFETCH(int, keptBytes);
    const QByteArray expectedText = input.left(keptBytes);
    QVERIFY(expectedText.size() <= 1024);

    const Message m = sra::wire::makeError(static_cast<ErrorCode>(code), input.toStdString());
    QCOMPARE(m.type(), MessageType::Error);
    QCOMPARE(m.u32(Field::ErrorCode), std::optional<std::uint32_t>(code));
    QCOMPARE(m.has(Field::ErrorText), !input.isEmpty());
    QCOMPARE(QByteArray::fromStdString(m.text(Field::ErrorText)), expectedText);
    QVERIFY(!m.has(Field::RetryAfterMs));

    auto encoded = encodeMessage(m);
    QVERIFY2(encoded.ok(), encoded.ok() ? "" : encoded.error().detail.c_str());
    FrameDecoder frames;
    frames.feed(*encoded);
    auto frame = frames.next();
    QVERIFY(frame.has_value());
    auto decoded = decodeMessage(*frame);
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().detail.c_str());
    QCOMPARE(decoded->u32(Field::ErrorCode), std::optional<std::uint32_t>(code));
    QCOMPARE(QByteArray::fromStdString(decoded->text(Field::ErrorText)), expectedText);
    QVERIFY(decoded->fields() == m.fields());
}

void TestMessage::errorCodeNames()
{
    const ErrorCode all[] = {
        ErrorCode::LicenseMissing,      ErrorCode::LicenseExpired,       ErrorCode::LicenseBadSignature,
        ErrorCode::LicenseWrongProduct, ErrorCode::LicenseInvalid,       ErrorCode::ProtocolViolation,
        ErrorCode::FrameTooLarge,       ErrorCode::UnsupportedVersion,   ErrorCode::Timeout,
        ErrorCode::TooManyConnections,  ErrorCode::RateLimited,          ErrorCode::CertificateInvalid,
        ErrorCode::CertificateExpired,  ErrorCode::CertificateUntrusted, ErrorCode::NotPaired,
        ErrorCode::BadSignature,        ErrorCode::ScreenNotSetUp,       ErrorCode::ScreenFailed,
        ErrorCode::ScreenBusy,          ErrorCode::TicketUnknown,        ErrorCode::TicketExpired,
        ErrorCode::TicketUsed,          ErrorCode::ScreenNoSession,      ErrorCode::CardInvalid,
        ErrorCode::ResumeRefused,       ErrorCode::InternalError};
    QSet<QByteArray> names;
    for (ErrorCode c : all) {
        const QByteArray name(errorCodeName(c));
        QVERIFY(name != "Unknown");
        QVERIFY2(!names.contains(name), name.constData());
        names.insert(name);
    }
    QCOMPARE(QByteArray(errorCodeName(static_cast<ErrorCode>(0))), QByteArray("Unknown"));
}

QTEST_GUILESS_MAIN(TestMessage)
#include "TestMessage.moc"
