// The PIV object catalogue and data-object codecs (core/piv/PivObjects.h), checked against SP 800-73-4:
// catalogue rows, certificate objects plain and gzip (incl. corrupt and oversize), CHUID with a FASC-N that
// is decoded bit by bit here, Card Capability Container, discovery object and key history.

#include "PivTestSupport.h"
#include "core/piv/PivObjects.h"
#include "core/piv/Tlv.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTest>

#include <zlib.h>

using namespace sra::base;
using namespace sra::piv;
using sra::piv::test::hex;
using sra::piv::test::toBytes;
using sra::piv::test::toBytesFrom;

Q_DECLARE_METATYPE(sra::piv::PivObject)
Q_DECLARE_METATYPE(sra::piv::ObjectAccess)

namespace {
// gzip written here with zlib directly, independent of the encoder under test.
Bytes gzipOf(ByteView in, int level = 9)
{
    z_stream zs{};
    deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    Bytes out(deflateBound(&zs, static_cast<uLong>(in.size())) + 64);
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

Bytes gunzipOf(ByteView in)
{
    z_stream zs{};
    inflateInit2(&zs, 15 + 16);
    Bytes out(1 << 20);
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&zs, Z_FINISH);
    out.resize(rc == Z_STREAM_END ? zs.total_out : 0);
    inflateEnd(&zs);
    return out;
}

// 53 { 70 cert, 71 info, FE } built by hand.
Bytes certificateObject(ByteView certField, ByteView certInfo)
{
    Bytes inner;
    appendTlv(inner, 0x70, certField);
    appendTlv(inner, 0x71, certInfo);
    appendTlv(inner, 0xFE, {});
    return makeTlv(0x53, inner);
}

Bytes fakeCertificate(std::size_t size)
{
    // Looks like DER (SEQUENCE, long length) and compresses like one: mostly varied bytes.
    Bytes out(size);
    std::uint32_t x = 0x12345678;
    for (std::size_t i = 0; i < size; ++i) {
        x = x * 1103515245u + 12345u;
        out[i] = static_cast<std::uint8_t>(x >> 16);
    }
    if (size >= 4) {
        out[0] = 0x30;
        out[1] = 0x82;
        out[2] = static_cast<std::uint8_t>((size - 4) >> 8);
        out[3] = static_cast<std::uint8_t>(size - 4);
    }
    return out;
}

std::vector<Tlv> fieldsOf(ByteView object)
{
    auto content = unwrapDataObject(object);
    if (!content) {
        return {};
    }
    auto fields = parseTlvSequence(content.value());
    return fields ? fields.value() : std::vector<Tlv>{};
}
} // namespace

class TestPivObjects : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void catalogueOrderAndUniqueness();
    void catalogueRows_data();
    void catalogueRows();
    void retiredCertificates();
    void keySlots();
    void algorithms();
    void certificateRoundTrip_data();
    void certificateRoundTrip();
    void certificateMalformed_data();
    void certificateMalformed();
    void gzipBombIsBounded();
    void chuid();
    void fascnBits();
    void cardCapabilityContainer();
    void discoveryObject();
    void keyHistory();
    void unwrap_data();
    void unwrap();
};

void TestPivObjects::catalogueOrderAndUniqueness()
{
    const auto catalogue = pivObjectCatalogue();
    QCOMPARE(catalogue.size(), static_cast<std::size_t>(PivObject::PairingCodeReferenceData) + 1);
    QSet<std::uint32_t> tags;
    QSet<std::uint16_t> containers;
    for (std::size_t i = 0; i < catalogue.size(); ++i) {
        const PivObjectInfo& row = catalogue[i];
        QCOMPARE(static_cast<std::size_t>(row.object), i); // one row per enum value, in enum order
        QVERIFY(&pivObjectInfo(row.object) == &row);
        QVERIFY(row.name && *row.name);
        QVERIFY2(!tags.contains(row.tag), row.name);
        QVERIFY2(!containers.contains(row.containerId), row.name);
        tags.insert(row.tag);
        containers.insert(row.containerId);
        QVERIFY(findPivObjectByTag(row.tag) == &row);
        // GET DATA tags are BER-TLV tags that the encoder writes and the reader reads back as the same value.
        Bytes encoded;
        appendTlv(encoded, row.tag, {});
        auto parsed = TlvReader(encoded).next();
        QVERIFY2(parsed.ok(), row.name);
        QCOMPARE(parsed->tag, row.tag);
    }
    QVERIFY(!findPivObjectByTag(0x5FC104));
    QVERIFY(!findPivObjectByTag(0x5FC10D)); // retired certificates are not catalogue rows
    QVERIFY(!findPivObjectByTag(0));
}

void TestPivObjects::catalogueRows_data()
{
    // SP 800-73-4 part 1, table 3 (container ID, BER-TLV tag, access rule).
    QTest::addColumn<PivObject>("object");
    QTest::addColumn<uint>("tag");
    QTest::addColumn<uint>("container");
    QTest::addColumn<ObjectAccess>("access");

    QTest::addRow("CCC") << PivObject::CardCapabilityContainer << 0x5FC107u << 0xDB00u << ObjectAccess::Always;
    QTest::addRow("CHUID") << PivObject::Chuid << 0x5FC102u << 0x3000u << ObjectAccess::Always;
    QTest::addRow("9A cert") << PivObject::PivAuthenticationCertificate << 0x5FC105u << 0x0101u << ObjectAccess::Always;
    QTest::addRow("fingerprints") << PivObject::CardholderFingerprints << 0x5FC103u << 0x6010u << ObjectAccess::Pin;
    QTest::addRow("security object") << PivObject::SecurityObject << 0x5FC106u << 0x9000u << ObjectAccess::Always;
    QTest::addRow("facial image") << PivObject::CardholderFacialImage << 0x5FC108u << 0x6030u << ObjectAccess::Pin;
    QTest::addRow("9E cert") << PivObject::CardAuthenticationCertificate << 0x5FC101u << 0x0500u
                             << ObjectAccess::Always;
    QTest::addRow("9C cert") << PivObject::DigitalSignatureCertificate << 0x5FC10Au << 0x0100u << ObjectAccess::Always;
    QTest::addRow("9D cert") << PivObject::KeyManagementCertificate << 0x5FC10Bu << 0x0102u << ObjectAccess::Always;
    QTest::addRow("printed information") << PivObject::PrintedInformation << 0x5FC109u << 0x3001u << ObjectAccess::Pin;
    QTest::addRow("discovery") << PivObject::DiscoveryObject << 0x7Eu << 0x6050u << ObjectAccess::Always;
    QTest::addRow("key history") << PivObject::KeyHistoryObject << 0x5FC10Cu << 0x6060u << ObjectAccess::Always;
    QTest::addRow("iris") << PivObject::CardholderIrisImages << 0x5FC121u << 0x1015u << ObjectAccess::Pin;
    QTest::addRow("BIT group") << PivObject::BiometricInformationTemplates << 0x7F61u << 0x1016u
                               << ObjectAccess::Always;
    QTest::addRow("SM signer") << PivObject::SecureMessagingCertificateSigner << 0x5FC122u << 0x1017u
                               << ObjectAccess::Always;
    QTest::addRow("pairing code") << PivObject::PairingCodeReferenceData << 0x5FC123u << 0x1018u << ObjectAccess::Pin;
}

void TestPivObjects::catalogueRows()
{
    QFETCH(PivObject, object);
    QFETCH(uint, tag);
    QFETCH(uint, container);
    QFETCH(ObjectAccess, access);
    const PivObjectInfo& row = pivObjectInfo(object);
    QCOMPARE(row.tag, tag);
    QCOMPARE(static_cast<uint>(row.containerId), container);
    QCOMPARE(row.access, access);
}

void TestPivObjects::retiredCertificates()
{
    for (std::uint32_t tag = 0x5FC10D; tag <= 0x5FC120; ++tag) {
        QVERIFY(isRetiredCertificateTag(tag));
    }
    QCOMPARE(0x5FC120 - 0x5FC10D + 1, 20);
    QVERIFY(!isRetiredCertificateTag(0x5FC10C));
    QVERIFY(!isRetiredCertificateTag(0x5FC121));
    QVERIFY(!isRetiredCertificateTag(0x5FC105));
}

void TestPivObjects::keySlots()
{
    const auto slots = pivKeySlots();
    QCOMPARE(slots.size(), std::size_t{4});

    const struct
    {
        std::uint8_t id;
        PivObject certificate;
        PinPolicy policy;
    } expected[] = {
        {0x9A, PivObject::PivAuthenticationCertificate,  PinPolicy::Once  },
        {0x9C, PivObject::DigitalSignatureCertificate,   PinPolicy::Always},
        {0x9D, PivObject::KeyManagementCertificate,      PinPolicy::Once  },
        {0x9E, PivObject::CardAuthenticationCertificate, PinPolicy::Never },
    };

    for (const auto& e : expected) {
        const PivKeySlot* slot = findPivKeySlot(e.id);
        QVERIFY(slot);
        QCOMPARE(slot->id, e.id);
        QCOMPARE(slot->certificate, e.certificate);
        QCOMPARE(slot->pinPolicy, e.policy);
    }
    for (const std::uint8_t id : {0x00, 0x80, 0x9B, 0x82, 0x95, 0xF9}) {
        QVERIFY(!findPivKeySlot(id));
    }
}

void TestPivObjects::algorithms()
{
    QCOMPARE(pivAlgorithmFromByte(0x07), std::optional<PivAlgorithm>(PivAlgorithm::Rsa2048));
    QCOMPARE(pivAlgorithmFromByte(0x11), std::optional<PivAlgorithm>(PivAlgorithm::EccP256));
    QCOMPARE(pivAlgorithmFromByte(0x14), std::optional<PivAlgorithm>(PivAlgorithm::EccP384));
    for (const std::uint8_t b : {0x00, 0x03, 0x06, 0x08, 0x0A, 0x12, 0x13, 0x15, 0xFF}) {
        QVERIFY(!pivAlgorithmFromByte(b).has_value());
    }
    QCOMPARE(pivAlgorithmInputSize(PivAlgorithm::Rsa2048), std::size_t{256});
    QCOMPARE(pivAlgorithmInputSize(PivAlgorithm::EccP256), std::size_t{32});
    QCOMPARE(pivAlgorithmInputSize(PivAlgorithm::EccP384), std::size_t{48});
    QVERIFY(!isEcc(PivAlgorithm::Rsa2048));
    QVERIFY(isEcc(PivAlgorithm::EccP256));
    QVERIFY(isEcc(PivAlgorithm::EccP384));
}

void TestPivObjects::certificateRoundTrip_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<bool>("compress");

    for (const int size : {1, 100, 1200, 5000, static_cast<int>(kMaxCertificateSize)}) {
        QTest::addRow("%d bytes plain", size) << size << false;
        QTest::addRow("%d bytes gzip", size) << size << true;
    }
}

void TestPivObjects::certificateRoundTrip()
{
    QFETCH(int, size);
    QFETCH(bool, compress);
    const Bytes cert = fakeCertificate(static_cast<std::size_t>(size));

    const Bytes object = encodeCertificateObject(cert, compress);
    const auto fields = fieldsOf(object);
    QCOMPARE(object.front(), std::uint8_t{0x53});
    QCOMPARE(fields.size(), std::size_t{3});
    QCOMPARE(fields[0].tag, 0x70u);
    QCOMPARE(fields[1].tag, 0x71u);
    QCOMPARE(toBytesFrom(fields[1].value), Bytes{static_cast<std::uint8_t>(compress ? 0x01 : 0x00)});
    QCOMPARE(fields[2].tag, 0xFEu);
    QVERIFY(fields[2].value.empty());
    if (compress) {
        QCOMPARE(toBytesFrom(fields[0].value.first(2)), hex("1F8B")); // a gzip member, not raw zlib
        QCOMPARE(gunzipOf(fields[0].value), cert);
    } else {
        QCOMPARE(toBytesFrom(fields[0].value), cert);
    }

    auto decoded = decodeCertificateObject(object);
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().detail.c_str());
    QCOMPARE(decoded.value(), cert);

    // Objects written by others: gzip from plain zlib, no FE, CertInfo with other bits set.
    if (compress) {
        QCOMPARE(decodeCertificateObject(certificateObject(gzipOf(cert, 1), hex("01"))).value(), cert);
        Bytes noLrc;
        appendTlv(noLrc, 0x70, gzipOf(cert));
        appendTlv(noLrc, 0x71, hex("01"));
        QCOMPARE(decodeCertificateObject(makeTlv(0x53, noLrc)).value(), cert);
    } else {
        Bytes noInfo;
        appendTlv(noInfo, 0x70, cert);
        QCOMPARE(decodeCertificateObject(makeTlv(0x53, noInfo)).value(), cert);
    }
}

void TestPivObjects::certificateMalformed_data()
{
    QTest::addColumn<QByteArray>("object");

    const Bytes cert = fakeCertificate(800);
    const Bytes gz = gzipOf(cert);
    const auto q = [](const Bytes& b) { return sra::piv::test::toQByteArray(b); };

    Bytes corrupt = gz;
    corrupt[corrupt.size() / 2] ^= 0xFF;
    Bytes badCrc = gz;
    badCrc[badCrc.size() - 6] ^= 0x01; // CRC32 in the gzip trailer
    Bytes wrongWrapper;
    appendTlv(wrongWrapper, 0x70, cert);

    QTest::addRow("empty") << QByteArray();
    QTest::addRow("wrong outer tag") << q(makeTlv(0x54, wrongWrapper));
    const Bytes whole = certificateObject(cert, hex("00"));
    QTest::addRow("outer truncated") << q(Bytes(whole.begin(), whole.end() - 10));
    QTest::addRow("inner trailing garbage") << q(makeTlv(0x53, Bytes{0x70, 0x01, 0x30, 0xFF}));
    QTest::addRow("no certificate") << q(makeTlv(0x53, hex("710100FE00")));
    QTest::addRow("empty certificate") << q(certificateObject({}, hex("00")));
    QTest::addRow("CertInfo of two bytes") << q(certificateObject(cert, hex("0000")));
    QTest::addRow("CertInfo empty") << q(certificateObject(cert, {}));
    QTest::addRow("gzip flag on plain DER") << q(certificateObject(cert, hex("01")));
    QTest::addRow("corrupt gzip") << q(certificateObject(corrupt, hex("01")));
    QTest::addRow("gzip bad CRC") << q(certificateObject(badCrc, hex("01")));
    QTest::addRow("gzip truncated") << q(certificateObject(ByteView(gz).first(gz.size() / 2), hex("01")));
    QTest::addRow("gzip of nothing") << q(certificateObject(gzipOf({}), hex("01")));
    QTest::addRow("oversize plain") << q(certificateObject(fakeCertificate(kMaxCertificateSize + 1), hex("00")));
    QTest::addRow("oversize gzip, one byte over")
        << q(certificateObject(gzipOf(fakeCertificate(kMaxCertificateSize + 1)), hex("01")));
    QTest::addRow("oversize gzip, far over") << q(certificateObject(gzipOf(fakeCertificate(100000)), hex("01")));
}

void TestPivObjects::certificateMalformed()
{
    QFETCH(QByteArray, object);
    auto decoded = decodeCertificateObject(toBytes(object));
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, ErrorCode::Malformed);
}

void TestPivObjects::gzipBombIsBounded()
{
    // 64 MiB of zeros compress to about 64 KiB; decoding must refuse without inflating it all.
    const Bytes zeros(64u << 20, 0);
    const Bytes bomb = gzipOf(zeros);
    QVERIFY(bomb.size() < 100000);
    QElapsedTimer timer;
    timer.start();
    auto decoded = decodeCertificateObject(certificateObject(bomb, hex("01")));
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, ErrorCode::Malformed);
    QVERIFY2(QByteArray::fromStdString(decoded.error().detail).contains("larger than allowed"),
             decoded.error().detail.c_str());
    QVERIFY(timer.elapsed() < 2000);
}

void TestPivObjects::chuid()
{
    const std::array<std::uint8_t, 16> guid{
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};
    const Bytes object = encodeChuid(guid, "20301231");
    QCOMPARE(object.front(), std::uint8_t{0x53});
    const auto fields = fieldsOf(object);
    QCOMPARE(fields.size(), std::size_t{5});
    QCOMPARE(fields[0].tag, 0x30u); // FASC-N
    QCOMPARE(fields[0].value.size(), std::size_t{25});
    QCOMPARE(toBytesFrom(fields[0].value), encodeTestFascn());
    QCOMPARE(fields[1].tag, 0x34u); // GUID
    QVERIFY(std::equal(fields[1].value.begin(), fields[1].value.end(), guid.begin(), guid.end()));
    QCOMPARE(fields[2].tag, 0x35u); // expiration date, ASCII YYYYMMDD
    QCOMPARE(toBytesFrom(fields[2].value), toBytes("20301231"));
    QCOMPARE(fields[3].tag, 0x3Eu); // issuer asymmetric signature (empty on a test card)
    QCOMPARE(fields[4].tag, 0xFEu); // error detection code
    QVERIFY(fields[4].value.empty());
}

void TestPivObjects::fascnBits()
{
    // TIG SCEPACS: 40 characters of 5 bits each, sent b1 b2 b3 b4 parity (b1 = least significant data bit),
    // odd parity per character, packed most significant bit first into 25 bytes; the 40th character is the
    // LRC, the XOR of the data bits of the 39 before it.
    const Bytes fascn = encodeTestFascn();
    QCOMPARE(fascn.size(), std::size_t{25});

    auto bit = [&](std::size_t index) { return (fascn[index / 8] >> (7 - index % 8)) & 1; };
    std::vector<int> chars;
    for (std::size_t c = 0; c < 40; ++c) {
        int value = 0;
        int ones = 0;
        for (std::size_t b = 0; b < 5; ++b) {
            const int v = bit(c * 5 + b);
            ones += v;
            if (b < 4) {
                value |= v << b;
            }
        }
        QVERIFY2(ones % 2 == 1, qPrintable(QStringLiteral("character %1 has even parity").arg(c)));
        chars.push_back(value);
    }

    constexpr int SS = 0xB, FS = 0xD, ES = 0xF;
    // SS AGENCY(4) FS SYSTEM(4) FS CREDENTIAL(6) FS CS(1) FS ICI(1) FS PI(10) OC(1) OI(4) POA(1) ES LRC
    const std::vector<std::pair<int, int>> layout = {
        {SS, 1 },
        {-1, 4 },
        {FS, 1 },
        {-1, 4 },
        {FS, 1 },
        {-1, 6 },
        {FS, 1 },
        {-1, 1 },
        {FS, 1 },
        {-1, 1 },
        {FS, 1 },
        {-1, 10},
        {-1, 1 },
        {-1, 4 },
        {-1, 1 },
        {ES, 1 }
    };
    std::size_t pos = 0;
    QString digits;
    for (const auto& [sentinel, count] : layout) {
        for (int i = 0; i < count; ++i, ++pos) {
            if (sentinel >= 0) {
                QCOMPARE(chars[pos], sentinel);
            } else {
                QVERIFY2(chars[pos] <= 9, qPrintable(QStringLiteral("character %1 is not a digit").arg(pos)));
                digits += QChar(u'0' + chars[pos]);
            }
        }
    }
    QCOMPARE(pos, std::size_t{39});
    int lrc = 0;
    for (std::size_t i = 0; i < 39; ++i) {
        lrc ^= chars[i];
    }
    QCOMPARE(chars[39], lrc);
    // The all-9 test credential: agency 9999, system 9999, credential 999999, CS 1, ICI 1, PI 9999999999,
    // OC 1, OI 9999, POA 1.
    QCOMPARE(digits,
             QStringLiteral("9999"
                            "9999"
                            "999999"
                            "1"
                            "1"
                            "9999999999"
                            "1"
                            "9999"
                            "1"));
}

void TestPivObjects::cardCapabilityContainer()
{
    const Bytes suffix = hex("0102030405060708090A0B0C0D0E0F10"); // 16 bytes; only 14 are used
    const Bytes object = encodeCardCapabilityContainer(suffix);
    const auto fields = fieldsOf(object);
    QVERIFY(!fields.empty());
    QCOMPARE(fields.front().tag, 0xF0u);
    QCOMPARE(toBytesFrom(fields.front().value), hex("A0000001 16 FF 02 0102030405060708090A0B0C0D0E"));
    QCOMPARE(fields.back().tag, 0xFEu);
    std::vector<std::uint32_t> tags;
    for (const Tlv& f : fields) {
        tags.push_back(f.tag);
    }
    // Table 8: F0..FD in order, then FE (F8 and F9 are not used by PIV cards without extensions).
    QCOMPARE(
        tags,
        (std::vector<std::uint32_t>{0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE}));
    QCOMPARE(toBytesFrom(fields[1].value), hex("21")); // capability container version
    QCOMPARE(toBytesFrom(fields[2].value), hex("21")); // capability grammar version

    const Bytes shortObject = encodeCardCapabilityContainer(hex("AABB"));
    const auto shortFields = fieldsOf(shortObject); // views into shortObject
    QCOMPARE(toBytesFrom(shortFields.front().value), hex("A0000001 16 FF 02 AABB000000000000000000000000"));
}

void TestPivObjects::discoveryObject()
{
    const Bytes object = encodeDiscoveryObject();
    QCOMPARE(object.front(), std::uint8_t{0x7E});
    const auto fields = fieldsOf(object);
    QCOMPARE(fields.size(), std::size_t{2});
    QCOMPARE(fields[0].tag, 0x4Fu);
    QCOMPARE(toBytesFrom(fields[0].value), hex("A000000308000010000100"));
    QCOMPARE(fields[1].tag, 0x5F2Fu);
    // PIN usage policy: bit 7 of byte 1 = PIV Card Application PIN satisfies the access rules; no global PIN.
    QCOMPARE(toBytesFrom(fields[1].value), hex("4000"));
}

void TestPivObjects::keyHistory()
{
    const Bytes object = encodeKeyHistoryObject(3, 5);
    const auto fields = fieldsOf(object); // views into object
    QCOMPARE(fields.size(), std::size_t{3});
    QCOMPARE(fields[0].tag, 0xC1u);
    QCOMPARE(toBytesFrom(fields[0].value), hex("03"));
    QCOMPARE(fields[1].tag, 0xC2u);
    QCOMPARE(toBytesFrom(fields[1].value), hex("05"));
    QCOMPARE(fields[2].tag, 0xFEu);
    QCOMPARE(encodeKeyHistoryObject(0, 0), hex("5308C10100C20100FE00"));
}

void TestPivObjects::unwrap_data()
{
    QTest::addColumn<QByteArray>("object");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QByteArray>("value");

    QTest::addRow("53") << QByteArray::fromHex("5302AABB") << true << QByteArray::fromHex("AABB");
    QTest::addRow("7E") << QByteArray::fromHex("7E00") << true << QByteArray();
    QTest::addRow("7F61") << QByteArray::fromHex("7F6101CC") << true << QByteArray::fromHex("CC");
    QTest::addRow("other tag") << QByteArray::fromHex("7001AA") << false << QByteArray();
    QTest::addRow("empty") << QByteArray() << false << QByteArray();
    QTest::addRow("truncated") << QByteArray::fromHex("5305AA") << false << QByteArray();
}

void TestPivObjects::unwrap()
{
    QFETCH(QByteArray, object);
    QFETCH(bool, ok);
    QFETCH(QByteArray, value);
    const Bytes data = toBytes(object);
    auto content = unwrapDataObject(data);
    QCOMPARE(content.ok(), ok);
    if (ok) {
        QCOMPARE(toBytesFrom(content.value()), toBytes(value));
    } else {
        QCOMPARE(content.error().code, ErrorCode::Malformed);
    }
}

QTEST_GUILESS_MAIN(TestPivObjects)
#include "TestPivObjects.moc"
