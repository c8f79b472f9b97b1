// ctk::CardToken without PKCS#11, pcscd or srad: a soft card's objects, encoded as Insert card encodes them
// (piv::encodeInsertedCard), become the token's keys and certificates; malformed payloads give none.
#include "core/piv/InsertedCard.h"
#include "core/piv/PivCardEmulator.h"
#include "ctk/CardToken.h"
#include "softcard/SoftCard.h"
#include "tests/unit/piv/OpenSslSupport.h"

#include <QTemporaryDir>
#include <QTest>

using sra::base::Bytes;
using sra::base::ByteView;
using sra::piv::PivAlgorithm;
using namespace sra;

Q_DECLARE_METATYPE(sra::piv::PivAlgorithm)

class TestCardToken : public QObject
{
    Q_OBJECT

private Q_SLOTS:

    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        for (const PivAlgorithm algorithm : {PivAlgorithm::Rsa2048, PivAlgorithm::EccP256, PivAlgorithm::EccP384}) {
            softcard::CreateOptions options;
            options.algorithm = algorithm;
            options.compressCertificates = algorithm == PivAlgorithm::EccP384; // the gzip path too
            const QString error = softcard::SoftCard::create(cardDir(algorithm), options);
            QVERIFY2(error.isEmpty(), qPrintable(error));
        }
    }

    void keysAndCertificates_data()
    {
        QTest::addColumn<PivAlgorithm>("algorithm");
        QTest::newRow("RSA-2048") << PivAlgorithm::Rsa2048;
        QTest::newRow("P-256") << PivAlgorithm::EccP256;
        QTest::newRow("P-384 compressed") << PivAlgorithm::EccP384;
    }

    void keysAndCertificates()
    {
        QFETCH(PivAlgorithm, algorithm);
        const piv::InsertedCard card = insertedCard(algorithm);
        auto payload = piv::encodeInsertedCard(card);
        QVERIFY2(payload.ok(), payload.ok() ? "" : payload.error().detail.c_str());
        auto contents = ctk::parseCardContents(payload->cardObjects, payload->keyAlgorithms);
        QVERIFY2(contents.ok(), contents.ok() ? "" : contents.error().detail.c_str());

        // The four slots in reference order with OpenSC's ids and labels.
        QCOMPARE(contents->keys.size(), std::size_t(4));
        const std::uint8_t references[] = {0x9A, 0x9C, 0x9D, 0x9E};
        for (std::size_t i = 0; i < 4; ++i) {
            const ctk::TokenKey& key = contents->keys[i];
            QCOMPARE(key.keyReference, references[i]);
            QCOMPARE(key.id, std::uint8_t(i + 1));
            QVERIFY(key.algorithm == algorithm);
            QCOMPARE(key.alwaysAuthenticate, key.keyReference == 0x9C);
            QCOMPARE(key.needsPin, key.keyReference != 0x9E);
            // The certificate exactly as the card directory holds it, and its parts.
            piv::test::X509Ptr expected =
                piv::test::readPemCertificate(piv::test::slotCertificatePath(cardDir(algorithm), key.keyReference));
            QVERIFY(expected);
            QCOMPARE(key.certificate, piv::test::certificateDer(expected.get()));
            QVERIFY(!key.subject.empty() && !key.issuer.empty() && !key.serialNumber.empty());
            QVERIFY(!key.publicKeyInfo.empty());
            if (algorithm == PivAlgorithm::Rsa2048) {
                QCOMPARE(key.keyBits, std::size_t(2048));
                QCOMPARE(key.modulus.size(), std::size_t(256));
                QCOMPARE(key.signatureSize(), std::size_t(256));
            } else {
                const std::size_t field = algorithm == PivAlgorithm::EccP256 ? 32 : 48;
                QVERIFY(key.isEc());
                QCOMPARE(key.ecPoint.size(), 2 + 1 + 2 * field); // 04 len 04‖X‖Y
                QCOMPARE(key.signatureSize(), 2 * field);
            }
        }
        QCOMPARE(contents->serial.size(), std::size_t(16)); // from the CHUID's GUID
        QCOMPARE(QString::fromStdString(contents->serial), QString::fromStdString(contents->serial).toUpper());
        QCOMPARE(QString::fromStdString(ctk::cardContents(card).serial), QString::fromStdString(contents->serial));
    }

    void signingInputHasTheCardSize()
    {
        auto contents = ctk::cardContents(insertedCard(PivAlgorithm::EccP256));
        QVERIFY(!contents.keys.empty());
        ctk::Signer signer(contents.keys.front(), ctk::SignScheme::EcdsaSha256);
        QVERIFY(signer.start().ok());
        QVERIFY(signer.update(base::view("message")).ok());
        auto input = signer.cardInput();
        QVERIFY(input.ok());
        QCOMPARE(input->size(), std::size_t(32));
        ctk::Signer wrongType(contents.keys.front(), ctk::SignScheme::RsaPkcs1Sha256);
        QVERIFY(!wrongType.start().ok());
    }

    void announcedAlgorithm()
    {
        // A key the card announces differently from its certificate keeps the certificate's type.
        piv::InsertedCard card = insertedCard(PivAlgorithm::EccP256);
        card.keys[0x9A] = PivAlgorithm::EccP384;
        auto contents = ctk::cardContents(card);
        QVERIFY(contents.keys.front().algorithm == PivAlgorithm::EccP256);
        // Without an announcement the certificate decides, too.
        card.keys.clear();
        contents = ctk::cardContents(card);
        QCOMPARE(contents.keys.size(), std::size_t(4));
        QVERIFY(contents.keys.front().algorithm == PivAlgorithm::EccP256);
    }

    void unreadableCertificateLeftOut()
    {
        // A well-formed container whose certificate is not X.509: the codec passes it, the token skips the slot.
        piv::InsertedCard card = insertedCard(PivAlgorithm::Rsa2048);
        card.objects[0x5FC10A] = piv::encodeCertificateObject(Bytes(300, 0x30)); // 9C
        card.objects.erase(0x5FC102);                                            // and no CHUID
        auto payload = piv::encodeInsertedCard(card);
        QVERIFY(payload.ok());
        auto contents = ctk::parseCardContents(payload->cardObjects, payload->keyAlgorithms);
        QVERIFY(contents.ok());
        QCOMPARE(contents->keys.size(), std::size_t(3));
        for (const ctk::TokenKey& key : contents->keys) {
            QVERIFY(key.keyReference != 0x9C);
        }
        QVERIFY(contents->serial.empty());
    }

    void malformedRefused_data()
    {
        QTest::addColumn<QByteArray>("objects");
        QTest::addColumn<QByteArray>("keys");
        const auto hex = [](const char* text) { return QByteArray::fromHex(text); };
        QTest::newRow("not BER-TLV") << hex("5FC105055301") << QByteArray();
        QTest::newRow("repeated tag") << hex("7E027E007E027E00") << QByteArray();
        QTest::newRow("unknown tag") << hex("5FC150035301FF") << QByteArray();
        QTest::newRow("not a data object") << hex("5FC1050101") << QByteArray();
        QTest::newRow("odd key list") << QByteArray() << hex("9A079C");
        QTest::newRow("unknown key") << QByteArray() << hex("9B07");
        QTest::newRow("repeated key") << QByteArray() << hex("9A079A11");
    }

    void malformedRefused()
    {
        QFETCH(QByteArray, objects);
        QFETCH(QByteArray, keys);
        // In front of the bad bytes a whole valid card: strictness is not "the first slot that parses".
        auto good = piv::encodeInsertedCard(insertedCard(PivAlgorithm::Rsa2048));
        QVERIFY(good.ok());
        Bytes allObjects = good->cardObjects;
        Bytes allKeys = objects.isEmpty() ? Bytes{} : good->keyAlgorithms;
        base::append(allObjects, view(objects));
        base::append(allKeys, view(keys));
        auto contents = ctk::parseCardContents(allObjects, allKeys);
        QVERIFY(!contents.ok());
        QVERIFY(contents.error().code == base::ErrorCode::Malformed);
    }

private:
    static ByteView view(const QByteArray& b)
    {
        return ByteView(reinterpret_cast<const std::uint8_t*>(b.constData()), static_cast<std::size_t>(b.size()));
    }

    QString cardDir(PivAlgorithm algorithm) const
    {
        return m_tmp.filePath(QString::fromLatin1(piv::pivAlgorithmName(algorithm)));
    }

    // What Insert card reads from this soft card: its PIN-free objects and each key's algorithm.
    piv::InsertedCard insertedCard(PivAlgorithm algorithm) const
    {
        QString error;
        auto card = softcard::SoftCard::load(cardDir(algorithm), &error);
        if (!card) {
            qFatal("%s", qPrintable(error));
        }
        piv::PivCardEmulator scratch(*card);
        card->installObjects(scratch);
        piv::InsertedCard inserted;
        inserted.objects = scratch.dataObjects();
        for (const piv::PivKeySlot& slot : piv::pivKeySlots()) {
            if (const auto key = card->keyAlgorithm(slot.id)) {
                inserted.keys.emplace(slot.id, *key);
            }
        }
        return inserted;
    }

    QTemporaryDir m_tmp;
};

QTEST_GUILESS_MAIN(TestCardToken)
#include "TestCardToken.moc"
