// BER-TLV reader and writer (core/piv/Tlv.h): one row per malformed encoding, in the spirit of OpenSC's
// simpletlv tests, valid one- to three-byte tags and short/81/82/83 lengths, and encoder round trips.

#include "PivTestSupport.h"
#include "core/piv/Tlv.h"

#include <QTest>

using namespace sra::base;
using namespace sra::piv;
using sra::piv::test::hex;
using sra::piv::test::toBytes;
using sra::piv::test::toBytesFrom;

class TestTlv : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void malformed_data();
    void malformed();
    void errorIsSticky();
    void valid_data();
    void valid();
    void sequence_data();
    void sequence();
    void findTlvCases();
    void lengthEncoding_data();
    void lengthEncoding();
    void tagEncoding_data();
    void tagEncoding();
    void roundTrip_data();
    void roundTrip();
};

void TestTlv::malformed_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("reason");

    QTest::addRow("empty") << QByteArray() << QByteArray("no TLV left");
    QTest::addRow("truncated two-byte tag") << QByteArray::fromHex("5F") << QByteArray("truncated tag");
    QTest::addRow("truncated three-byte tag") << QByteArray::fromHex("5FC1") << QByteArray("truncated tag");
    QTest::addRow("four-byte tag") << QByteArray::fromHex("5FC1810500") << QByteArray("tag longer than three bytes");
    QTest::addRow("four-byte tag, high-number first")
        << QByteArray::fromHex("1F8181010100") << QByteArray("tag longer than three bytes");
    QTest::addRow("missing length, one-byte tag") << QByteArray::fromHex("53") << QByteArray("missing length");
    QTest::addRow("missing length, three-byte tag") << QByteArray::fromHex("5FC105") << QByteArray("missing length");
    QTest::addRow("indefinite length") << QByteArray::fromHex("3080020100000000") << QByteArray("indefinite length");
    QTest::addRow("0x84 length") << QByteArray::fromHex("53840000000100") << QByteArray("length field too long");
    QTest::addRow("0x85 length") << QByteArray::fromHex("5385000000000100") << QByteArray("length field too long");
    QTest::addRow("0xFF length") << QByteArray::fromHex("53FF") << QByteArray("length field too long");
    QTest::addRow("truncated 81 length") << QByteArray::fromHex("5381") << QByteArray("truncated length");
    QTest::addRow("truncated 82 length") << QByteArray::fromHex("538201") << QByteArray("truncated length");
    QTest::addRow("truncated 83 length") << QByteArray::fromHex("53830000") << QByteArray("truncated length");
    QTest::addRow("value past end, short") << QByteArray::fromHex("53050102") << QByteArray("value runs past the end");
    QTest::addRow("value past end, 81") << QByteArray::fromHex("53818000") << QByteArray("value runs past the end");
    QTest::addRow("value past end, 82") << QByteArray::fromHex("5382010000") << QByteArray("value runs past the end");
    QTest::addRow("value past end, 83") << QByteArray::fromHex("5383010000ff") << QByteArray("value runs past the end");
    QTest::addRow("value past end by one")
        << (QByteArray::fromHex("7081ff") + QByteArray(254, '\0')) << QByteArray("value runs past the end");
}

void TestTlv::malformed()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, reason);
    const Bytes data = toBytes(input);

    TlvReader reader(data);
    auto tlv = reader.next();
    QVERIFY(!tlv.ok());
    QCOMPARE(tlv.error().code, ErrorCode::Malformed);
    QVERIFY2(QByteArray::fromStdString(tlv.error().detail).contains(reason), tlv.error().detail.c_str());
    QVERIFY2(QByteArray::fromStdString(tlv.error().detail).contains("offset 0"), tlv.error().detail.c_str());

    if (!data.empty()) {
        auto sequence = parseTlvSequence(data);
        QVERIFY(!sequence.ok());
        QCOMPARE(sequence.error().code, ErrorCode::Malformed);
    }
    QVERIFY(!findTlv(data, 0x53).has_value());
    QVERIFY(!findTlv(data, 0x70).has_value());

    // The same defect behind a valid TLV is reported at its own offset.
    Bytes prefixed = hex("0100");
    append(prefixed, data);
    TlvReader second(prefixed);
    QVERIFY(second.next().ok());
    auto bad = second.next();
    QVERIFY(!bad.ok());
    QVERIFY2(QByteArray::fromStdString(bad.error().detail).contains("offset 2"), bad.error().detail.c_str());
}

void TestTlv::errorIsSticky()
{
    const Bytes data = hex("5301AA 5305");
    TlvReader reader(data);
    QVERIFY(reader.next().ok());
    const auto first = reader.next();
    QVERIFY(!first.ok());
    QVERIFY(!reader.atEnd());
    const auto again = reader.next();
    QVERIFY(!again.ok());
    QCOMPARE(again.error().detail, first.error().detail);
}

void TestTlv::valid_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<uint>("tag");
    QTest::addColumn<int>("valueOffset");
    QTest::addColumn<int>("valueLength");

    QTest::addRow("one-byte tag, empty value") << QByteArray::fromHex("FE00") << 0xFEu << 2 << 0;
    QTest::addRow("one-byte tag, short length") << QByteArray::fromHex("5303010203") << 0x53u << 2 << 3;
    QTest::addRow("short length 7F") << (QByteArray::fromHex("707F") + QByteArray(0x7F, 'x')) << 0x70u << 2 << 0x7F;
    QTest::addRow("two-byte tag") << QByteArray::fromHex("5F2F024000") << 0x5F2Fu << 3 << 2;
    QTest::addRow("two-byte tag 7F61") << QByteArray::fromHex("7F6100") << 0x7F61u << 3 << 0;
    QTest::addRow("three-byte tag") << QByteArray::fromHex("5FC10501AA") << 0x5FC105u << 4 << 1;
    QTest::addRow("81 length") << (QByteArray::fromHex("538180") + QByteArray(0x80, 'a')) << 0x53u << 3 << 0x80;
    QTest::addRow("81 length FF") << (QByteArray::fromHex("5381FF") + QByteArray(0xFF, 'a')) << 0x53u << 3 << 0xFF;
    QTest::addRow("81 length, small value") << QByteArray::fromHex("538101AA") << 0x53u << 3 << 1;
    QTest::addRow("82 length") << (QByteArray::fromHex("70820100") + QByteArray(0x100, 'b')) << 0x70u << 4 << 0x100;
    QTest::addRow("83 length") << (QByteArray::fromHex("7083010000") + QByteArray(0x10000, 'c')) << 0x70u << 5
                               << 0x10000;
    QTest::addRow("three-byte tag, 82 length")
        << (QByteArray::fromHex("5FC10582012C") + QByteArray(300, 'd')) << 0x5FC105u << 6 << 300;
    QTest::addRow("value followed by more data") << QByteArray::fromHex("5301AA5302BBCC") << 0x53u << 2 << 1;
}

void TestTlv::valid()
{
    QFETCH(QByteArray, input);
    QFETCH(uint, tag);
    QFETCH(int, valueOffset);
    QFETCH(int, valueLength);
    const Bytes data = toBytes(input);

    TlvReader reader(data);
    auto tlv = reader.next();
    QVERIFY2(tlv.ok(), tlv.ok() ? "" : tlv.error().detail.c_str());
    QCOMPARE(tlv->tag, tag);
    QCOMPARE(tlv->value.size(), static_cast<std::size_t>(valueLength));
    QCOMPARE(tlv->size, static_cast<std::size_t>(valueOffset + valueLength));
    QVERIFY(tlv->value.data() == data.data() + valueOffset); // a view into the buffer, not a copy
    QCOMPARE(reader.atEnd(), tlv->size == data.size());
}

void TestTlv::sequence_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("count");

    QTest::addRow("empty buffer is an empty sequence") << QByteArray() << true << 0;
    QTest::addRow("one") << QByteArray::fromHex("5301AA") << true << 1;
    QTest::addRow("three") << QByteArray::fromHex("F001AAF100FE00") << true << 3;
    QTest::addRow("mixed tag sizes") << QByteArray::fromHex("4F01AA5F2F0240005FC10200") << true << 3;
    QTest::addRow("trailing single byte") << QByteArray::fromHex("5301AAFF") << false << 0;
    QTest::addRow("trailing tag without length") << QByteArray::fromHex("5301AA5F2F") << false << 0;
    QTest::addRow("trailing truncated value") << QByteArray::fromHex("5301AA5302BB") << false << 0;
    QTest::addRow("trailing zero byte") << QByteArray::fromHex("5301AA00") << false << 0;
    QTest::addRow("trailing indefinite") << QByteArray::fromHex("5301AA3080") << false << 0;
}

void TestTlv::sequence()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, ok);
    QFETCH(int, count);
    const Bytes data = toBytes(input);

    auto sequence = parseTlvSequence(data);
    QCOMPARE(sequence.ok(), ok);
    if (!ok) {
        QCOMPARE(sequence.error().code, ErrorCode::Malformed);
        return;
    }
    QCOMPARE(sequence->size(), static_cast<std::size_t>(count));
    std::size_t total = 0;
    for (const Tlv& tlv : sequence.value()) {
        total += tlv.size;
    }
    QCOMPARE(total, data.size());
}

void TestTlv::findTlvCases()
{
    const Bytes data = hex("4F01AA 5F2F024000 4F01BB FE00");
    auto first = findTlv(data, 0x4F);
    QVERIFY(first.has_value());
    QCOMPARE(toBytesFrom(*first), hex("AA")); // the first of two
    auto policy = findTlv(data, 0x5F2F);
    QVERIFY(policy.has_value());
    QCOMPARE(toBytesFrom(*policy), hex("4000"));
    auto empty = findTlv(data, 0xFE);
    QVERIFY(empty.has_value());
    QVERIFY(empty->empty());
    QVERIFY(!findTlv(data, 0x53).has_value());
    // Only the top level is searched.
    QVERIFY(!findTlv(hex("7C048202AABB"), 0x82).has_value());
    // A tag before a malformed part is found; one behind it is not reachable.
    const Bytes broken = hex("5301AA 5F 7001BB");
    QVERIFY(findTlv(broken, 0x53).has_value());
    QVERIFY(!findTlv(broken, 0x70).has_value());
}

void TestTlv::lengthEncoding_data()
{
    QTest::addColumn<qulonglong>("length");
    QTest::addColumn<QByteArray>("encoded");

    QTest::addRow("0") << 0ull << QByteArray::fromHex("00");
    QTest::addRow("1") << 1ull << QByteArray::fromHex("01");
    QTest::addRow("7F") << 0x7Full << QByteArray::fromHex("7F");
    QTest::addRow("80") << 0x80ull << QByteArray::fromHex("8180");
    QTest::addRow("FF") << 0xFFull << QByteArray::fromHex("81FF");
    QTest::addRow("100") << 0x100ull << QByteArray::fromHex("820100");
    QTest::addRow("FFFF") << 0xFFFFull << QByteArray::fromHex("82FFFF");
    QTest::addRow("10000") << 0x10000ull << QByteArray::fromHex("83010000");
    QTest::addRow("FFFFFF") << 0xFFFFFFull << QByteArray::fromHex("83FFFFFF");
}

void TestTlv::lengthEncoding()
{
    QFETCH(qulonglong, length);
    QFETCH(QByteArray, encoded);
    Bytes out;
    appendLength(out, static_cast<std::size_t>(length));
    QCOMPARE(out, toBytes(encoded));
    QCOMPARE(encodedLengthSize(static_cast<std::size_t>(length)), static_cast<std::size_t>(encoded.size()));
}

void TestTlv::tagEncoding_data()
{
    QTest::addColumn<uint>("tag");
    QTest::addColumn<QByteArray>("encoded");

    QTest::addRow("53") << 0x53u << QByteArray::fromHex("53");
    QTest::addRow("7C") << 0x7Cu << QByteArray::fromHex("7C");
    QTest::addRow("00") << 0x00u << QByteArray::fromHex("00");
    QTest::addRow("5F2F") << 0x5F2Fu << QByteArray::fromHex("5F2F");
    QTest::addRow("7F61") << 0x7F61u << QByteArray::fromHex("7F61");
    QTest::addRow("5FC105") << 0x5FC105u << QByteArray::fromHex("5FC105");
    QTest::addRow("5FC123") << 0x5FC123u << QByteArray::fromHex("5FC123");
}

void TestTlv::tagEncoding()
{
    QFETCH(uint, tag);
    QFETCH(QByteArray, encoded);
    Bytes out;
    appendTag(out, tag);
    QCOMPARE(out, toBytes(encoded));
}

void TestTlv::roundTrip_data()
{
    QTest::addColumn<uint>("tag");
    QTest::addColumn<int>("length");

    for (const uint tag : {0x53u, 0x5F2Fu, 0x5FC105u}) {
        for (const int length : {0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x1234, 0xFFFF, 0x10000}) {
            QTest::addRow("tag %X length %d", tag, length) << tag << length;
        }
    }
}

void TestTlv::roundTrip()
{
    QFETCH(uint, tag);
    QFETCH(int, length);
    Bytes value(static_cast<std::size_t>(length));
    for (std::size_t i = 0; i < value.size(); ++i) {
        value[i] = static_cast<std::uint8_t>(i * 7 + 3);
    }

    const Bytes encoded = makeTlv(tag, value);
    std::size_t tagSize = tag > 0xFFFF ? 3 : tag > 0xFF ? 2 : 1;
    QCOMPARE(encoded.size(), tagSize + encodedLengthSize(value.size()) + value.size());

    auto sequence = parseTlvSequence(encoded);
    QVERIFY(sequence.ok());
    QCOMPARE(sequence->size(), std::size_t{1});
    const Tlv& tlv = sequence->front();
    QCOMPARE(tlv.tag, tag);
    QCOMPARE(tlv.size, encoded.size());
    QVERIFY(std::equal(tlv.value.begin(), tlv.value.end(), value.begin(), value.end()));

    // Appending keeps what was there and nests: 7C { tlv } parses back to the same inner TLV.
    Bytes outer = hex("AA");
    appendTlv(outer, 0x7C, encoded);
    QCOMPARE(outer.front(), std::uint8_t{0xAA});
    auto nested = findTlv(ByteView(outer).subspan(1), 0x7C);
    QVERIFY(nested.has_value());
    QVERIFY(std::equal(nested->begin(), nested->end(), encoded.begin(), encoded.end()));
}

QTEST_GUILESS_MAIN(TestTlv)
#include "TestTlv.moc"
