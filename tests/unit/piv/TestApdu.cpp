// ISO 7816-4 command/response APDUs (core/piv/Apdu.h): all seven cases, every inconsistent length, short vs
// extended encoding, and the host-side exchange (command chaining, 61xx GET RESPONSE, 6Cxx) against a
// scripted card.

#include "PivTestSupport.h"
#include "core/piv/Apdu.h"

#include <QTest>

using namespace sra::base;
using namespace sra::piv;
using sra::piv::test::hex;
using sra::piv::test::ScriptedChannel;
using sra::piv::test::toBytes;

namespace {
Bytes response(ByteView data, std::uint16_t sw)
{
    return encodeResponseApdu(data, sw);
}

Bytes pattern(std::size_t size, std::uint8_t seed = 0)
{
    Bytes out(size);
    for (std::size_t i = 0; i < size; ++i) {
        out[i] = static_cast<std::uint8_t>(seed + i * 13);
    }
    return out;
}
} // namespace

class TestApdu : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseCases_data();
    void parseCases();
    void parseMalformed_data();
    void parseMalformed();
    void encode_data();
    void encode();
    void responses();

    void exchangeSimple();
    void chaining_data();
    void chaining();
    void chainingExtendedChannel();
    void chainErrorMidway();
    void chainLinkAnswered61xx();
    void chainLinkAnswerOverCap();
    void getResponseLoop_data();
    void getResponseLoop();
    void wrongLeRetry();
    void endlessGetResponseWithoutData();
    void endlessGetResponseTrickle();
    void responseCap();
    void shortChannelCapsLe();
    void transportErrorPropagates();
};

void TestApdu::parseCases_data()
{
    QTest::addColumn<QByteArray>("apdu");
    QTest::addColumn<int>("dataSize");
    QTest::addColumn<int>("le"); // -1: absent
    QTest::addColumn<bool>("extended");

    const QByteArray d300(300, '\x5A');
    QTest::addRow("case 1") << QByteArray::fromHex("00A40400") << 0 << -1 << false;
    QTest::addRow("case 2S") << QByteArray::fromHex("00CB3FFF10") << 0 << 16 << false;
    QTest::addRow("case 2S, Le 00 = 256") << QByteArray::fromHex("00C0000000") << 0 << 256 << false;
    QTest::addRow("case 3S") << QByteArray::fromHex("002000800831323334353637FF") << 8 << -1 << false;
    QTest::addRow("case 3S, Lc FF") << (QByteArray::fromHex("00DB3FFFFF") + QByteArray(255, 'x')) << 255 << -1 << false;
    QTest::addRow("case 4S") << QByteArray::fromHex("00A4040009A0000003080000100000") << 9 << 256 << false;
    QTest::addRow("case 4S, Le 01") << QByteArray::fromHex("00CB3FFF035C017E01") << 3 << 1 << false;
    QTest::addRow("case 2E") << QByteArray::fromHex("00CB3FFF000100") << 0 << 256 << true;
    QTest::addRow("case 2E, Le 0000 = 65536") << QByteArray::fromHex("00CB3FFF000000") << 0 << 65536 << true;
    QTest::addRow("case 3E") << (QByteArray::fromHex("00DB3FFF00012C") + d300) << 300 << -1 << true;
    QTest::addRow("case 3E, one byte") << QByteArray::fromHex("00DB3FFF000001AA") << 1 << -1 << true;
    QTest::addRow("case 4E") << (QByteArray::fromHex("0087079A00012C") + d300 + QByteArray::fromHex("0000")) << 300
                             << 65536 << true;
    QTest::addRow("case 4E, small") << QByteArray::fromHex("00CB3FFF0000035C017E0102") << 3 << 0x102 << true;
}

void TestApdu::parseCases()
{
    QFETCH(QByteArray, apdu);
    QFETCH(int, dataSize);
    QFETCH(int, le);
    QFETCH(bool, extended);
    const Bytes raw = toBytes(apdu);

    auto c = parseCommandApdu(raw);
    QVERIFY2(c.ok(), c.ok() ? "" : c.error().detail.c_str());
    QCOMPARE(c->cla, raw[0]);
    QCOMPARE(c->ins, raw[1]);
    QCOMPARE(c->p1, raw[2]);
    QCOMPARE(c->p2, raw[3]);
    QCOMPARE(c->data.size(), static_cast<std::size_t>(dataSize));
    const std::size_t dataOffset = dataSize == 0 ? 0 : (extended ? 7 : 5);
    if (dataSize) {
        QVERIFY(std::equal(c->data.begin(), c->data.end(), raw.begin() + static_cast<std::ptrdiff_t>(dataOffset)));
    }
    QCOMPARE(c->le.has_value(), le >= 0);
    if (le >= 0) {
        QCOMPARE(*c->le, static_cast<std::size_t>(le));
    }
    QCOMPARE(c->extended, extended);
    // What was parsed encodes back to the same bytes.
    QCOMPARE(encodeCommandApdu(c.value()), raw);
}

void TestApdu::parseMalformed_data()
{
    QTest::addColumn<QByteArray>("apdu");

    QTest::addRow("empty") << QByteArray();
    QTest::addRow("one byte") << QByteArray::fromHex("00");
    QTest::addRow("three bytes") << QByteArray::fromHex("00A404");
    QTest::addRow("short Lc, one byte missing") << QByteArray::fromHex("00A4040005A0000003");
    QTest::addRow("short Lc, one data byte of five") << QByteArray::fromHex("00A4040005A0");
    QTest::addRow("short Lc, two extra bytes") << QByteArray::fromHex("00A4040001AABBCC");
    QTest::addRow("short Lc FF, data 254") << (QByteArray::fromHex("00DB3FFFFF") + QByteArray(254, 'x'));
    QTest::addRow("00 then one byte") << QByteArray::fromHex("00A404000001");
    QTest::addRow("extended Lc zero with Le") << QByteArray::fromHex("00A40400000000AA");
    QTest::addRow("extended Lc zero") << QByteArray::fromHex("00A4040000000000");
    QTest::addRow("extended Lc, data short") << QByteArray::fromHex("00DB3FFF000005AABBCCDD");
    QTest::addRow("extended Lc, one extra byte") << QByteArray::fromHex("00DB3FFF000002AABBCC");
    QTest::addRow("extended Lc, three extra bytes") << QByteArray::fromHex("00DB3FFF000002AABB000000");
    QTest::addRow("extended Lc larger than body") << QByteArray::fromHex("00DB3FFF00FFFFAA");
}

void TestApdu::parseMalformed()
{
    QFETCH(QByteArray, apdu);
    auto c = parseCommandApdu(toBytes(apdu));
    QVERIFY(!c.ok());
    QCOMPARE(c.error().code, ErrorCode::Malformed);
}

void TestApdu::encode_data()
{
    QTest::addColumn<int>("dataSize");
    QTest::addColumn<int>("le");
    QTest::addColumn<bool>("forceExtended");
    QTest::addColumn<QByteArray>("header");  // the bytes after CLA INS P1 P2 and before the data
    QTest::addColumn<QByteArray>("trailer"); // the bytes after the data

    QTest::addRow("case 1") << 0 << -1 << false << QByteArray() << QByteArray();
    QTest::addRow("case 2S, Le 1") << 0 << 1 << false << QByteArray() << QByteArray::fromHex("01");
    QTest::addRow("case 2S, Le 256") << 0 << 256 << false << QByteArray() << QByteArray::fromHex("00");
    QTest::addRow("case 2E, Le 257") << 0 << 257 << false << QByteArray() << QByteArray::fromHex("000101");
    QTest::addRow("case 2E, Le 65536") << 0 << 65536 << false << QByteArray() << QByteArray::fromHex("000000");
    QTest::addRow("case 3S, 255 bytes") << 255 << -1 << false << QByteArray::fromHex("FF") << QByteArray();
    QTest::addRow("case 3E, 256 bytes") << 256 << -1 << false << QByteArray::fromHex("000100") << QByteArray();
    QTest::addRow("case 4S, 255 bytes, Le 256")
        << 255 << 256 << false << QByteArray::fromHex("FF") << QByteArray::fromHex("00");
    QTest::addRow("case 4E, 256 bytes, Le 256")
        << 256 << 256 << false << QByteArray::fromHex("000100") << QByteArray::fromHex("0100");
    QTest::addRow("case 4E, 10 bytes, Le 257")
        << 10 << 257 << false << QByteArray::fromHex("00000A") << QByteArray::fromHex("0101");
    QTest::addRow("case 4E, 65535 bytes, Le 65536")
        << 65535 << 65536 << false << QByteArray::fromHex("00FFFF") << QByteArray::fromHex("0000");
    QTest::addRow("forced extended case 2") << 0 << 16 << true << QByteArray() << QByteArray::fromHex("000010");
    QTest::addRow("forced extended case 4")
        << 3 << 16 << true << QByteArray::fromHex("000003") << QByteArray::fromHex("0010");
}

void TestApdu::encode()
{
    QFETCH(int, dataSize);
    QFETCH(int, le);
    QFETCH(bool, forceExtended);
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, trailer);

    CommandApdu c;
    c.cla = 0x00;
    c.ins = 0xDB;
    c.p1 = 0x3F;
    c.p2 = 0xFF;
    c.data = pattern(static_cast<std::size_t>(dataSize));
    if (le >= 0) {
        c.le = static_cast<std::size_t>(le);
    }
    c.extended = forceExtended;

    Bytes expected = hex("00DB3FFF");
    append(expected, toBytes(header));
    append(expected, c.data);
    append(expected, toBytes(trailer));
    const Bytes encoded = encodeCommandApdu(c);
    QCOMPARE(encoded, expected);

    auto parsed = parseCommandApdu(encoded);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->data, c.data);
    QCOMPARE(parsed->le, c.le);
}

void TestApdu::responses()
{
    QVERIFY(!parseResponseApdu({}).ok());
    QVERIFY(!parseResponseApdu(hex("90")).ok());
    auto ok = parseResponseApdu(hex("9000"));
    QVERIFY(ok.ok());
    QVERIFY(ok->data.empty());
    QCOMPARE(ok->sw, std::uint16_t{0x9000});
    QVERIFY(ok->ok());
    auto data = parseResponseApdu(hex("0102036A82"));
    QVERIFY(data.ok());
    QCOMPARE(data->data, hex("010203"));
    QCOMPARE(data->sw, std::uint16_t{0x6A82});
    QVERIFY(!data->ok());
    QCOMPARE(encodeResponseApdu(hex("0102"), 0x61FF), hex("010261FF"));
}

void TestApdu::exchangeSimple()
{
    auto card = ScriptedChannel::fromList({response(hex("AABB"), 0x9000)});
    CommandApdu c{0x00, 0xCB, 0x3F, 0xFF, hex("5C035FC102"), 256, false};
    auto r = exchangeApdu(card, c);
    QVERIFY(r.ok());
    QCOMPARE(r->data, hex("AABB"));
    QCOMPARE(r->sw, std::uint16_t{0x9000});
    QCOMPARE(card.commands.size(), std::size_t{1});
    QCOMPARE(card.commands[0], hex("00CB3FFF055C035FC10200"));
}

void TestApdu::chaining_data()
{
    QTest::addColumn<int>("dataSize");
    QTest::addColumn<int>("blocks");

    QTest::addRow("255: one APDU") << 255 << 1;
    QTest::addRow("256: 255 + 1") << 256 << 2;
    QTest::addRow("266 (RSA GENERAL AUTHENTICATE)") << 266 << 2;
    QTest::addRow("510: 255 + 255") << 510 << 2;
    QTest::addRow("600: 255 + 255 + 90") << 600 << 3;
    QTest::addRow("2000") << 2000 << 8;
}

void TestApdu::chaining()
{
    QFETCH(int, dataSize);
    QFETCH(int, blocks);

    ScriptedChannel card([](const Bytes& command, std::size_t) -> Result<Bytes> {
        if (command[0] & kClaChaining) {
            return response({}, 0x9000);
        }
        return response(hex("CAFE"), 0x9000);
    });
    CommandApdu c{0x00, 0x87, 0x07, 0x9A, pattern(static_cast<std::size_t>(dataSize)), 256, false};
    auto r = exchangeApdu(card, c);
    QVERIFY(r.ok());
    QCOMPARE(r->data, hex("CAFE"));
    QCOMPARE(card.commands.size(), static_cast<std::size_t>(blocks));

    Bytes reassembled;
    for (std::size_t i = 0; i < card.commands.size(); ++i) {
        auto part = parseCommandApdu(card.commands[i]);
        QVERIFY(part.ok());
        const bool last = i + 1 == card.commands.size();
        QCOMPARE(part->cla, static_cast<std::uint8_t>(last ? 0x00 : 0x10));
        QCOMPARE(part->ins, std::uint8_t{0x87});
        QCOMPARE(part->p1, std::uint8_t{0x07});
        QCOMPARE(part->p2, std::uint8_t{0x9A});
        QVERIFY(!part->extended);
        QVERIFY(part->data.size() <= 255);
        if (!last) {
            QCOMPARE(part->data.size(), std::size_t{255});
            QVERIFY(!part->le.has_value()); // Le only on the last command of the chain
        } else {
            QCOMPARE(part->le, std::optional<std::size_t>(256));
        }
        append(reassembled, part->data);
    }
    QCOMPARE(reassembled, c.data);
}

void TestApdu::chainingExtendedChannel()
{
    auto card = ScriptedChannel::fromList({response(pattern(600), 0x9000)}, true);
    CommandApdu c{0x00, 0x87, 0x07, 0x9A, pattern(600), 1000, false};
    auto r = exchangeApdu(card, c);
    QVERIFY(r.ok());
    QCOMPARE(r->data, pattern(600));
    QCOMPARE(card.commands.size(), std::size_t{1});
    auto sent = parseCommandApdu(card.commands[0]);
    QVERIFY(sent.ok());
    QVERIFY(sent->extended);
    QCOMPARE(sent->cla, std::uint8_t{0x00});
    QCOMPARE(sent->data, c.data);
    QCOMPARE(sent->le, std::optional<std::size_t>(1000));
}

void TestApdu::chainErrorMidway()
{
    auto card = ScriptedChannel::fromList({response({}, 0x9000), response({}, 0x6A80), response({}, 0x9000)});
    CommandApdu c{0x00, 0x87, 0x07, 0x9A, pattern(600), 256, false};
    auto r = exchangeApdu(card, c);
    QVERIFY(r.ok());
    QCOMPARE(r->sw, std::uint16_t{0x6A80});         // the card's refusal reaches the caller
    QCOMPARE(card.commands.size(), std::size_t{2}); // and nothing more is sent
}

void TestApdu::chainLinkAnswered61xx()
{
    // A card may not announce response data for a link of a chain; the host must not report 61xx as the
    // final status word (found by fuzz_exchange).
    auto card = ScriptedChannel::fromList({response(pattern(21), 0x6100), response({}, 0x9000), response({}, 0x9000)});
    CommandApdu c{0x00, 0x87, 0x07, 0x9A, pattern(600), 256, false};
    auto r = exchangeApdu(card, c);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Transport);
    QCOMPARE(card.commands.size(), std::size_t{1});
}

void TestApdu::chainLinkAnswerOverCap()
{
    auto card = ScriptedChannel::fromList({response(pattern(2000), 0x6A80)});
    CommandApdu c{0x00, 0x87, 0x07, 0x9A, pattern(600), 256, false};
    auto r = exchangeApdu(card, c, 1000);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Malformed);
}

void TestApdu::getResponseLoop_data()
{
    QTest::addColumn<QList<int>>("chunks");    // data bytes per answer
    QTest::addColumn<QList<int>>("announced"); // xx of the 61xx after each answer but the last

    QTest::addRow("one 61xx") << QList<int>{256, 8} << QList<int>{8};
    QTest::addRow("6100 means 256 or more") << QList<int>{256, 256, 256, 32} << QList<int>{0, 0, 0x20};
    QTest::addRow("small pieces") << QList<int>{10, 10, 10, 1} << QList<int>{10, 10, 1};
    QTest::addRow("card gives less than announced") << QList<int>{100, 5, 5} << QList<int>{50, 5};
}

void TestApdu::getResponseLoop()
{
    QFETCH(QList<int>, chunks);
    QFETCH(QList<int>, announced);

    Bytes expected;
    std::vector<Bytes> answers;
    for (qsizetype i = 0; i < chunks.size(); ++i) {
        const Bytes piece = pattern(static_cast<std::size_t>(chunks[i]), static_cast<std::uint8_t>(i));
        append(expected, piece);
        const bool last = i + 1 == chunks.size();
        answers.push_back(response(piece, last ? 0x9000 : static_cast<std::uint16_t>(0x6100 | announced[i])));
    }
    auto card = ScriptedChannel::fromList(answers);
    CommandApdu c{0x00, 0xCB, 0x3F, 0xFF, hex("5C035FC105"), 256, false};
    auto r = exchangeApdu(card, c);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().detail.c_str());
    QCOMPARE(r->sw, std::uint16_t{0x9000});
    QCOMPARE(r->data, expected);
    QCOMPARE(card.commands.size(), answers.size());
    for (std::size_t i = 1; i < card.commands.size(); ++i) {
        // GET RESPONSE with Le = the announced count (00 = 256).
        const std::uint8_t le = static_cast<std::uint8_t>(announced[static_cast<qsizetype>(i - 1)]);
        QCOMPARE(card.commands[i], (Bytes{0x00, 0xC0, 0x00, 0x00, le}));
    }
}

void TestApdu::wrongLeRetry()
{
    auto card = ScriptedChannel::fromList({response({}, 0x6C10), response(pattern(16), 0x9000)});
    CommandApdu c{0x00, 0xCA, 0x01, 0x02, {}, 256, false};
    auto r = exchangeApdu(card, c);
    QVERIFY(r.ok());
    QCOMPARE(r->sw, std::uint16_t{0x9000});
    QCOMPARE(r->data, pattern(16));
    QCOMPARE(card.commands.size(), std::size_t{2});
    QCOMPARE(card.commands[0], hex("00CA010200"));
    QCOMPARE(card.commands[1], hex("00CA010210")); // same command, Le corrected to 0x10
}

void TestApdu::endlessGetResponseWithoutData()
{
    // A broken or hostile card that keeps announcing more bytes but never sends any.
    ScriptedChannel card([](const Bytes&, std::size_t) -> Result<Bytes> { return response({}, 0x6110); });
    CommandApdu c{0x00, 0xCB, 0x3F, 0xFF, hex("5C035FC102"), 256, false};
    auto r = exchangeApdu(card, c);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Transport);
    QVERIFY(card.commands.size() <= 3);
}

void TestApdu::endlessGetResponseTrickle()
{
    // One byte per GET RESPONSE, forever: stopped by the response cap, not by running out of memory or time.
    ScriptedChannel card([](const Bytes&, std::size_t) -> Result<Bytes> { return response(hex("AA"), 0x6101); });
    CommandApdu c{0x00, 0xCB, 0x3F, 0xFF, hex("5C035FC102"), 256, false};
    auto r = exchangeApdu(card, c, 1000);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Malformed);
    QVERIFY(card.commands.size() <= 1002);
}

void TestApdu::responseCap()
{
    {
        auto card = ScriptedChannel::fromList({response(pattern(300), 0x9000)});
        auto r = exchangeApdu(card, CommandApdu{0x00, 0xCA, 0x01, 0x02, {}, 256, false}, 256);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Malformed);
    }
    {
        auto card = ScriptedChannel::fromList({response(pattern(200), 0x6100), response(pattern(200), 0x9000)});
        auto r = exchangeApdu(card, CommandApdu{0x00, 0xCA, 0x01, 0x02, {}, 256, false}, 399);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Malformed);
    }
    {
        auto card = ScriptedChannel::fromList({response(pattern(200), 0x6100), response(pattern(200), 0x9000)});
        auto r = exchangeApdu(card, CommandApdu{0x00, 0xCA, 0x01, 0x02, {}, 256, false}, 400);
        QVERIFY(r.ok());
        QCOMPARE(r->data.size(), std::size_t{400});
    }
}

void TestApdu::shortChannelCapsLe()
{
    auto card = ScriptedChannel::fromList({response({}, 0x9000)});
    auto r = exchangeApdu(card, CommandApdu{0x00, 0xCA, 0x01, 0x02, {}, 4000, false});
    QVERIFY(r.ok());
    QCOMPARE(card.commands[0], hex("00CA010200")); // Le 256; the rest would come through 61xx

    auto extended = ScriptedChannel::fromList({response({}, 0x9000)}, true);
    QVERIFY(exchangeApdu(extended, CommandApdu{0x00, 0xCA, 0x01, 0x02, {}, 4000, false}).ok());
    QCOMPARE(extended.commands[0], hex("00CA0102000FA0"));
}

void TestApdu::transportErrorPropagates()
{
    ScriptedChannel card([](const Bytes&, std::size_t index) -> Result<Bytes> {
        if (index == 1) {
            return makeError(ErrorCode::CardRemoved, "gone");
        }
        return response(pattern(10), 0x6110);
    });
    auto r = exchangeApdu(card, CommandApdu{0x00, 0xCA, 0x01, 0x02, {}, 256, false});
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::CardRemoved);

    auto empty = ScriptedChannel::fromList({hex("90")});
    auto tooShort = exchangeApdu(empty, CommandApdu{0x00, 0xCA, 0x01, 0x02, {}, 256, false});
    QVERIFY(!tooShort.ok());
    QCOMPARE(tooShort.error().code, ErrorCode::Malformed);
}

QTEST_GUILESS_MAIN(TestApdu)
#include "TestApdu.moc"
