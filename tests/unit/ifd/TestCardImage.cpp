#include "core/piv/Tlv.h"
#include "pcscd-driver/CardImage.h"

#include <QTest>

using sra::base::Bytes;

class TestCardImage : public QObject
{
    Q_OBJECT

private Q_SLOTS:

    void accepted()
    {
        Bytes objects;
        sra::piv::appendTlv(objects, 0x5FC102, Bytes{0x53, 0x01, 0x00});
        sra::piv::appendTlv(objects, 0x7E, Bytes{0x7E, 0x00});
        const Bytes keys{0x9A, 0x07, 0x9C, 0x11, 0x9E, 0x14};
        auto image = sra::ifd::parseCardImage(objects, keys);
        QVERIFY(image.ok());
        QCOMPARE(image->objects.size(), std::size_t(2));
        QCOMPARE(image->objects.at(0x5FC102), (Bytes{0x53, 0x01, 0x00}));
        QCOMPARE(image->keys.size(), std::size_t(3));
        QVERIFY(image->keys.at(0x9C) == sra::piv::PivAlgorithm::EccP256);
        QVERIFY(sra::ifd::parseCardImage({}, {}).ok()); // an empty card is a card
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("objects");
        QTest::addColumn<QByteArray>("keys");
        const auto hex = [](const char* text) { return QByteArray::fromHex(text); };
        QTest::newRow("truncated value") << hex("5FC105055301") << QByteArray();
        QTest::newRow("truncated tag") << hex("5FC1") << QByteArray();
        QTest::newRow("indefinite length") << hex("5FC10580") << QByteArray();
        QTest::newRow("trailing byte") << hex("7E0100"
                                              "7E")
                                       << QByteArray();
        QTest::newRow("not a PIV tag") << hex("5301FF") << QByteArray();
        QTest::newRow("tag beyond 5FC1xx") << hex("5FC20101FF") << QByteArray();
        QTest::newRow("empty object") << hex("5FC10200") << QByteArray();
        QTest::newRow("repeated tag") << hex("7E0101"
                                             "7E0102")
                                      << QByteArray();
        QTest::newRow("odd key list") << QByteArray()
                                      << hex("9A07"
                                             "9C");
        QTest::newRow("unknown key reference") << QByteArray() << hex("9B07");
        QTest::newRow("unknown algorithm") << QByteArray() << hex("9A06");
        QTest::newRow("repeated key") << QByteArray()
                                      << hex("9A07"
                                             "9A11");
    }

    void refused()
    {
        QFETCH(QByteArray, objects);
        QFETCH(QByteArray, keys);
        const auto view = [](const QByteArray& b) {
            return sra::base::ByteView(reinterpret_cast<const std::uint8_t*>(b.constData()),
                                       static_cast<std::size_t>(b.size()));
        };
        auto image = sra::ifd::parseCardImage(view(objects), view(keys));
        QVERIFY(!image.ok());
        QVERIFY(image.error().code == sra::base::ErrorCode::Malformed);
    }
};

QTEST_GUILESS_MAIN(TestCardImage)
#include "TestCardImage.moc"
