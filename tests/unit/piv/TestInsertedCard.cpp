// The inserted-card payload codec (core/piv/InsertedCard): what it accepts, that encode and decode agree, and
// every rule of the strict decoder refused with a detail that names the field.
#include "core/piv/InsertedCard.h"
#include "core/piv/Tlv.h"

#include <QTest>

using sra::base::Bytes;
using sra::base::ByteView;
using namespace sra::piv;

namespace {

ByteView view(const QByteArray& b)
{
    return ByteView(reinterpret_cast<const std::uint8_t*>(b.constData()), static_cast<std::size_t>(b.size()));
}

QByteArray hex(const char* text)
{
    return QByteArray::fromHex(text);
}

Bytes bytes(const QByteArray& b)
{
    const ByteView v = view(b);
    return Bytes(v.begin(), v.end());
}

// A certificate container around stand-in DER: the codec checks the container, not the X.509 inside.
Bytes certificateObject(std::size_t derSize)
{
    return encodeCertificateObject(Bytes(derSize, 0x30));
}

InsertedCard sampleCard()
{
    InsertedCard card;
    card.objects[0x5FC102] = bytes(hex("5303340100"));
    card.objects[0x7E] = encodeDiscoveryObject();
    card.objects[0x5FC105] = certificateObject(600);
    card.objects[0x5FC10A] = encodeCertificateObject(Bytes(700, 0x30), true); // gzip-compressed
    card.keys[0x9A] = PivAlgorithm::Rsa2048;
    card.keys[0x9C] = PivAlgorithm::EccP256;
    return card;
}

} // namespace

class TestInsertedCard : public QObject
{
    Q_OBJECT

private Q_SLOTS:

    void roundTrip()
    {
        const InsertedCard card = sampleCard();
        auto payload = encodeInsertedCard(card);
        QVERIFY2(payload.ok(), payload.ok() ? "" : payload.error().detail.c_str());
        // Keys in reference order, as the receivers list them.
        QCOMPARE(payload->keyAlgorithms, (Bytes{0x9A, 0x07, 0x9C, 0x11}));
        auto decoded = decodeInsertedCard(payload->cardObjects, payload->keyAlgorithms);
        QVERIFY(decoded.ok());
        QVERIFY(decoded.value() == card);
        QVERIFY(decoded->object(PivObject::Chuid) != nullptr);
        QCOMPARE(*decoded->object(0x5FC102), bytes(hex("5303340100")));
        QVERIFY(decoded->object(PivObject::KeyManagementCertificate) == nullptr);
        QVERIFY(decoded->keyAlgorithm(0x9C) == PivAlgorithm::EccP256);
        QVERIFY(!decoded->keyAlgorithm(0x9D));
    }

    void acceptedAsSent()
    {
        // Any order on the wire, long-form lengths, the biometric group template and a retired certificate.
        const QByteArray objects = hex("7E0A7E084F06A00000030800"
                                       "5FC10281035301FF"
                                       "7F61067F6103020101"
                                       "5FC10D0B5309700430020500710100");
        auto card = decodeInsertedCard(view(objects), view(hex("9E14")));
        QVERIFY2(card.ok(), card.ok() ? "" : card.error().detail.c_str());
        QCOMPARE(card->objects.size(), std::size_t(4));
        QCOMPARE(*card->object(0x5FC102), bytes(hex("5301FF")));
        QVERIFY(card->keyAlgorithm(0x9E) == PivAlgorithm::EccP384);
        QVERIFY(decodeInsertedCard({}, {}).ok()); // an empty card is a card
    }

    void limits()
    {
        // The largest certificate the project takes fits in one object, and four of them in the payload.
        InsertedCard card;
        for (const PivKeySlot& slot : pivKeySlots()) {
            card.objects[pivObjectInfo(slot.certificate).tag] = certificateObject(kMaxCertificateSize);
        }
        auto payload = encodeInsertedCard(card);
        QVERIFY2(payload.ok(), payload.ok() ? "" : payload.error().detail.c_str());
        QVERIFY(payload->cardObjects.size() <= kMaxInsertedObjectsSize);
        QVERIFY(decodeInsertedCard(payload->cardObjects, {}).ok());
        // Every distinct tag the codec knows, once: the count limit is never the first to bite on a real card.
        std::size_t tags = 20; // retired certificates
        for (const PivObjectInfo& info : pivObjectCatalogue()) {
            tags += info.access == ObjectAccess::Always ? 1 : 0;
        }
        QVERIFY(tags <= kMaxInsertedObjects);
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("objects");
        QTest::addColumn<QByteArray>("keys");
        QTest::addColumn<QString>("detail");
        QTest::newRow("truncated value") << hex("5FC105055301") << QByteArray() << "CardObjects";
        QTest::newRow("truncated tag") << hex("5FC1") << QByteArray() << "CardObjects";
        QTest::newRow("indefinite length") << hex("5FC10580") << QByteArray() << "CardObjects";
        QTest::newRow("trailing byte") << hex("7E027E007E") << QByteArray() << "CardObjects";
        QTest::newRow("not a PIV tag") << hex("5301FF") << QByteArray() << "not a PIV data object";
        QTest::newRow("tag beyond 5FC1xx") << hex("5FC20101FF") << QByteArray() << "not a PIV data object";
        QTest::newRow("unknown 5FC1xx") << hex("5FC150035301FF") << QByteArray() << "not a PIV data object";
        QTest::newRow("PIN-protected") << hex("5FC103035301FF") << QByteArray() << "PIN-protected";
        QTest::newRow("empty object") << hex("5FC10200") << QByteArray() << "empty object";
        QTest::newRow("not a data object") << hex("5FC1020101") << QByteArray() << "is not one 53";
        QTest::newRow("discovery as 53") << hex("7E025300") << QByteArray() << "is not one 7E";
        QTest::newRow("bytes after the container") << hex("5FC102045301FF00") << QByteArray() << "is not one 53";
        QTest::newRow("certificate without 70") << hex("5FC105055303710100") << QByteArray() << "certificate object";
        QTest::newRow("repeated tag") << hex("7E027E007E027E00") << QByteArray() << "repeated tag 7E";
        QTest::newRow("odd key list") << QByteArray() << hex("9A079C") << "KeyAlgorithms: odd length";
        QTest::newRow("unknown key reference") << QByteArray() << hex("9B07") << "unknown key reference 9B";
        QTest::newRow("unknown algorithm") << QByteArray() << hex("9A06") << "unknown algorithm 6";
        QTest::newRow("repeated key") << QByteArray() << hex("9A079A11") << "repeated key reference 9A";
        QTest::newRow("too many keys") << QByteArray() << hex("9A079C079D079E079A07") << "more than 4 keys";

        // Sizes: one object beyond the per-object bound, a list beyond the wire's bound.
        Bytes big;
        appendTlv(big, 0x5FC106, makeTlv(0x53, Bytes(kMaxInsertedObjectSize, 0)));
        QTest::newRow("oversized object")
            << QByteArray(reinterpret_cast<const char*>(big.data()), static_cast<qsizetype>(big.size())) << QByteArray()
            << "at most";
        QTest::newRow("oversized list") << QByteArray(static_cast<qsizetype>(kMaxInsertedObjectsSize + 1), '\0')
                                        << QByteArray() << "CardObjects: 98305 bytes";
    }

    void refused()
    {
        QFETCH(QByteArray, objects);
        QFETCH(QByteArray, keys);
        QFETCH(QString, detail);
        auto card = decodeInsertedCard(view(objects), view(keys));
        QVERIFY(!card.ok());
        QVERIFY(card.error().code == sra::base::ErrorCode::Malformed);
        QVERIFY2(QString::fromStdString(card.error().detail).contains(detail), card.error().detail.c_str());
    }

    void encodeRefusesWhatDecodeRefuses()
    {
        InsertedCard pinObject = sampleCard();
        pinObject.objects[0x5FC109] = bytes(hex("5301FF")); // printed information
        QVERIFY(!encodeInsertedCard(pinObject).ok());

        InsertedCard unknown = sampleCard();
        unknown.objects[0x5FC150] = bytes(hex("5301FF"));
        QVERIFY(!encodeInsertedCard(unknown).ok());

        InsertedCard empty = sampleCard();
        empty.objects[0x5FC106] = {};
        QVERIFY(!encodeInsertedCard(empty).ok());

        InsertedCard badKey = sampleCard();
        badKey.keys[0x9B] = PivAlgorithm::Rsa2048;
        QVERIFY(!encodeInsertedCard(badKey).ok());

        InsertedCard badAlgorithm = sampleCard();
        badAlgorithm.keys[0x9D] = static_cast<PivAlgorithm>(0x06);
        QVERIFY(!encodeInsertedCard(badAlgorithm).ok());

        // Twenty retired certificates at the per-object maximum do not fit in one payload.
        InsertedCard huge;
        for (std::uint32_t tag = 0x5FC10D; tag <= 0x5FC120; ++tag) {
            huge.objects[tag] = certificateObject(kMaxCertificateSize);
        }
        auto payload = encodeInsertedCard(huge);
        QVERIFY(!payload.ok());
        QVERIFY(payload.error().detail.find("at most") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestInsertedCard)
#include "TestInsertedCard.moc"
