// The host-side PIV client (core/piv/PivClient.h) against the card-side emulator over real soft cards, the
// channel calling PivCardEmulator::process directly (short APDUs, and a reader that takes extended ones).
// Certificates are compared with the PEM files in the card directory, signatures verified by OpenSSL.

#include "OpenSslSupport.h"
#include "core/piv/PivCardEmulator.h"
#include "core/piv/PivClient.h"
#include "softcard/SoftCard.h"

#include <QTemporaryDir>
#include <QTest>

#include <cstring>

using namespace sra::base;
using namespace sra::piv;
using namespace sra::piv::test;
using sra::softcard::SoftCard;

Q_DECLARE_METATYPE(sra::piv::PivAlgorithm)
Q_DECLARE_METATYPE(sra::piv::HashAlgorithm)

namespace {
SecureBytes pinOf(const char* text)
{
    return SecureBytes(text, text + std::strlen(text));
}

// One soft card in a reader: backend, applet with the card's objects, and the channel to it.
struct Reader
{
    std::unique_ptr<SoftCard> backend;
    std::unique_ptr<PivCardEmulator> card;
    std::unique_ptr<EmulatorChannel> channel;
    QString dir;
};
} // namespace

class TestPivClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void selectApplication();
    void selectOnOtherCard();
    void readCertificates_data();
    void readCertificates();
    void readObjects();
    void pinTriesAndVerify();
    void pinBlocked();
    void invalidPinFormat_data();
    void invalidPinFormat();
    void signDigest_data();
    void signDigest();
    void signingSlots();
    void extendedLengthSavesApdus();

private:
    QString templateDir(PivAlgorithm algorithm, bool compressed = false) const;
    Reader insert(PivAlgorithm algorithm, bool extended = false, bool compressed = false);

    QTemporaryDir m_tmp;
    int m_copies = 0;
};

void TestPivClient::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    for (const PivAlgorithm algorithm : {PivAlgorithm::Rsa2048, PivAlgorithm::EccP256, PivAlgorithm::EccP384}) {
        sra::softcard::CreateOptions options;
        options.algorithm = algorithm;
        options.pin = QStringLiteral("12345678");
        options.subject = QStringLiteral("/CN=Client Test %1/O=SRA Tests").arg(QLatin1String(algorithmTag(algorithm)));
        QString error = SoftCard::create(templateDir(algorithm), options);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        if (algorithm == PivAlgorithm::Rsa2048) {
            options.compressCertificates = true;
            error = SoftCard::create(templateDir(algorithm, true), options);
            QVERIFY2(error.isEmpty(), qPrintable(error));
        }
    }
}

QString TestPivClient::templateDir(PivAlgorithm algorithm, bool compressed) const
{
    return m_tmp.filePath(QString::fromLatin1(algorithmTag(algorithm))
                          + (compressed ? QStringLiteral("-gz") : QString()));
}

// A fresh copy of a template card (three PIN tries), in a reader.
Reader TestPivClient::insert(PivAlgorithm algorithm, bool extended, bool compressed)
{
    Reader r;
    r.dir = m_tmp.filePath(QStringLiteral("card-%1").arg(++m_copies));
    if (!copyCardDirectory(templateDir(algorithm, compressed), r.dir)) {
        qWarning("cannot copy the card");
        return r;
    }
    QString error;
    r.backend = SoftCard::load(r.dir, &error);
    if (!r.backend) {
        qWarning("%s", qPrintable(error));
        return r;
    }
    r.card = std::make_unique<PivCardEmulator>(*r.backend);
    r.backend->installObjects(*r.card);
    r.channel = std::make_unique<EmulatorChannel>(*r.card, extended);
    return r;
}

void TestPivClient::selectApplication()
{
    Reader reader = insert(PivAlgorithm::EccP256);
    QVERIFY(reader.channel);
    PivClient client(*reader.channel);
    const Status status = client.select();
    QVERIFY(status.ok());
    QCOMPARE(reader.channel->commandCount, std::size_t{1});
}

void TestPivClient::selectOnOtherCard()
{
    auto card = ScriptedChannel::fromList({hex("6A82")});
    PivClient client(card);
    const Status status = client.select();
    QVERIFY(!status.ok());
    QCOMPARE(status.error().code, ErrorCode::NotPiv);
    // SELECT by (right-truncated) AID, as SP 800-73-4 part 2 says hosts do.
    QCOMPARE(card.commands.at(0), hex("00A4040009A0000003080000100000"));
}

void TestPivClient::readCertificates_data()
{
    QTest::addColumn<PivAlgorithm>("algorithm");
    QTest::addColumn<bool>("extended");
    QTest::addColumn<bool>("compressed");

    for (const PivAlgorithm algorithm : {PivAlgorithm::Rsa2048, PivAlgorithm::EccP256, PivAlgorithm::EccP384}) {
        QTest::addRow("%s", algorithmTag(algorithm)) << algorithm << false << false;
        QTest::addRow("%s, extended", algorithmTag(algorithm)) << algorithm << true << false;
    }
    QTest::addRow("rsa2048, gzip certificates") << PivAlgorithm::Rsa2048 << false << true;
}

void TestPivClient::readCertificates()
{
    QFETCH(PivAlgorithm, algorithm);
    QFETCH(bool, extended);
    QFETCH(bool, compressed);
    Reader reader = insert(algorithm, extended, compressed);
    QVERIFY(reader.channel);
    PivClient client(*reader.channel);
    QVERIFY(client.select().ok());

    for (const std::uint8_t slot : {0x9A, 0x9C, 0x9D, 0x9E}) {
        auto der = client.readCertificate(slot);
        QVERIFY2(der.ok(), der.ok() ? "" : der.error().detail.c_str());
        X509Ptr expected = readPemCertificate(slotCertificatePath(reader.dir, slot));
        QVERIFY(expected);
        QCOMPARE(der.value(), certificateDer(expected.get()));
    }
    auto notASlot = client.readCertificate(0x9B);
    QVERIFY(!notASlot.ok());
    QCOMPARE(notASlot.error().code, ErrorCode::NotFound);
}

void TestPivClient::readObjects()
{
    Reader reader = insert(PivAlgorithm::EccP256);
    QVERIFY(reader.channel);
    PivClient client(*reader.channel);

    auto chuid = client.readObject(pivObjectInfo(PivObject::Chuid).tag);
    QVERIFY(chuid.ok());
    QCOMPARE(chuid.value(), reader.card->dataObjects().at(0x5FC102));
    auto discovery = client.readObject(0x7E);
    QVERIFY(discovery.ok());
    QCOMPARE(discovery.value(), encodeDiscoveryObject());

    auto printed = client.readObject(pivObjectInfo(PivObject::PrintedInformation).tag);
    QVERIFY(!printed.ok());
    QCOMPARE(printed.error().code, ErrorCode::SecurityStatus); // PIN-protected
    QVERIFY(client.verifyPin(pinOf("12345678")).ok());
    printed = client.readObject(pivObjectInfo(PivObject::PrintedInformation).tag);
    QVERIFY(!printed.ok());
    QCOMPARE(printed.error().code, ErrorCode::NotFound); // allowed now, but the soft card has none
}

void TestPivClient::pinTriesAndVerify()
{
    Reader reader = insert(PivAlgorithm::EccP384);
    QVERIFY(reader.channel);
    PivClient client(*reader.channel);
    QVERIFY(client.select().ok());

    QCOMPARE(client.pinTriesLeft().value(), 3);
    Status wrong = client.verifyPin(pinOf("87654321"));
    QVERIFY(!wrong.ok());
    QCOMPARE(wrong.error().code, ErrorCode::WrongPin);
    QCOMPARE(wrong.error().triesLeft, 2);
    QCOMPARE(client.pinTriesLeft().value(), 2);
    QCOMPARE(reader.backend->pinTriesLeft(), 2);

    QVERIFY(client.verifyPin(pinOf("12345678")).ok());
    QCOMPARE(client.pinTriesLeft().value(), -1); // verified: the card does not report a count then
    QCOMPARE(reader.backend->pinTriesLeft(), 3);
}

void TestPivClient::pinBlocked()
{
    Reader reader = insert(PivAlgorithm::EccP256);
    QVERIFY(reader.channel);
    PivClient client(*reader.channel);

    Status first = client.verifyPin(pinOf("000000"));
    QCOMPARE(first.error().code, ErrorCode::WrongPin);
    QCOMPARE(first.error().triesLeft, 2);
    Status second = client.verifyPin(pinOf("0000000"));
    QCOMPARE(second.error().code, ErrorCode::WrongPin);
    QCOMPARE(second.error().triesLeft, 1);
    Status third = client.verifyPin(pinOf("00000000"));
    QVERIFY(!third.ok());
    QCOMPARE(third.error().code, ErrorCode::PinBlocked);
    QCOMPARE(client.pinTriesLeft().value(), 0);

    Status right = client.verifyPin(pinOf("12345678"));
    QVERIFY(!right.ok());
    QCOMPARE(right.error().code, ErrorCode::PinBlocked);

    // Still blocked after the card is taken out and put back.
    QString error;
    auto reloaded = SoftCard::load(reader.dir, &error);
    QVERIFY2(reloaded, qPrintable(error));
    PivCardEmulator card(*reloaded);
    EmulatorChannel channel(card);
    PivClient again(channel);
    QCOMPARE(again.pinTriesLeft().value(), 0);
    QCOMPARE(again.verifyPin(pinOf("12345678")).error().code, ErrorCode::PinBlocked);
}

void TestPivClient::invalidPinFormat_data()
{
    QTest::addColumn<QByteArray>("pin");
    QTest::addRow("empty") << QByteArray();
    QTest::addRow("five characters") << QByteArray("12345");
    QTest::addRow("nine characters") << QByteArray("123456789");
    QTest::addRow("sixteen characters") << QByteArray("1234567812345678");
}

void TestPivClient::invalidPinFormat()
{
    QFETCH(QByteArray, pin);
    Reader reader = insert(PivAlgorithm::EccP256);
    QVERIFY(reader.channel);
    PivClient client(*reader.channel);
    Status status = client.verifyPin(SecureBytes(pin.begin(), pin.end()));
    QVERIFY(!status.ok());
    QCOMPARE(status.error().code, ErrorCode::InvalidPinFormat);
    QCOMPARE(reader.channel->commandCount, std::size_t{0}); // refused on the host: nothing reached the card
    QCOMPARE(reader.backend->pinTriesLeft(), 3);
}

void TestPivClient::signDigest_data()
{
    QTest::addColumn<PivAlgorithm>("algorithm");
    QTest::addColumn<HashAlgorithm>("hash");
    QTest::addColumn<bool>("extended");

    const struct
    {
        HashAlgorithm hash;
        const char* name;
    } hashes[] = {
        {HashAlgorithm::Sha1,   "sha1"  },
        {HashAlgorithm::Sha256, "sha256"},
        {HashAlgorithm::Sha384, "sha384"},
        {HashAlgorithm::Sha512, "sha512"}
    };

    for (const PivAlgorithm algorithm : {PivAlgorithm::Rsa2048, PivAlgorithm::EccP256, PivAlgorithm::EccP384}) {
        for (const auto& h : hashes) {
            QTest::addRow("%s %s", algorithmTag(algorithm), h.name) << algorithm << h.hash << false;
        }
        QTest::addRow("%s sha256, extended", algorithmTag(algorithm)) << algorithm << HashAlgorithm::Sha256 << true;
    }
}

void TestPivClient::signDigest()
{
    QFETCH(PivAlgorithm, algorithm);
    QFETCH(HashAlgorithm, hash);
    QFETCH(bool, extended);
    Reader reader = insert(algorithm, extended);
    QVERIFY(reader.channel);
    PivClient client(*reader.channel);
    QVERIFY(client.select().ok());

    const Bytes digest = digestOf(hash, hex("7369676E2074686973"));
    TransactionGuard transaction(*reader.channel);
    QVERIFY(client.verifyPin(pinOf("12345678")).ok());
    auto signature = client.signDigest(0x9A, algorithm, hash, digest);
    QVERIFY2(signature.ok(), signature.ok() ? "" : signature.error().detail.c_str());

    PkeyPtr key = slotPublicKey(reader.dir, 0x9A);
    QVERIFY(key);
    QVERIFY(verifyDigestSignature(key.get(), hash, digest, signature.value()));
    // The same signature does not verify a different digest.
    Bytes other = digest;
    other[0] ^= 0x01;
    QVERIFY(!verifyDigestSignature(key.get(), hash, other, signature.value()));

    auto wrongSize = client.signDigest(0x9A, algorithm, hash, Bytes(digest.size() + 1, 0x00));
    QVERIFY(!wrongSize.ok());
    QCOMPARE(wrongSize.error().code, ErrorCode::Malformed);
}

void TestPivClient::signingSlots()
{
    Reader reader = insert(PivAlgorithm::EccP256);
    QVERIFY(reader.channel);
    PivClient client(*reader.channel);
    const Bytes digest = digestOf(HashAlgorithm::Sha256, hex("01020304"));

    // 9A before VERIFY: security status not satisfied.
    auto early = client.signDigest(0x9A, PivAlgorithm::EccP256, HashAlgorithm::Sha256, digest);
    QVERIFY(!early.ok());
    QCOMPARE(early.error().code, ErrorCode::SecurityStatus);

    // 9E: card authentication, no PIN.
    auto cardAuth = client.signDigest(0x9E, PivAlgorithm::EccP256, HashAlgorithm::Sha256, digest);
    QVERIFY(cardAuth.ok());
    QVERIFY(
        verifyDigestSignature(slotPublicKey(reader.dir, 0x9E).get(), HashAlgorithm::Sha256, digest, cardAuth.value()));

    // 9C: one VERIFY per signature.
    QVERIFY(client.verifyPin(pinOf("12345678")).ok());
    auto digital = client.signDigest(0x9C, PivAlgorithm::EccP256, HashAlgorithm::Sha256, digest);
    QVERIFY(digital.ok());
    QVERIFY(
        verifyDigestSignature(slotPublicKey(reader.dir, 0x9C).get(), HashAlgorithm::Sha256, digest, digital.value()));
    auto again = client.signDigest(0x9C, PivAlgorithm::EccP256, HashAlgorithm::Sha256, digest);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, ErrorCode::SecurityStatus);

    // 9D after the PIN, and the wrong algorithm for the key.
    auto keyManagement = client.signDigest(0x9D, PivAlgorithm::EccP256, HashAlgorithm::Sha256, digest);
    QVERIFY(keyManagement.ok());
    QVERIFY(verifyDigestSignature(
        slotPublicKey(reader.dir, 0x9D).get(), HashAlgorithm::Sha256, digest, keyManagement.value()));
    auto wrongAlgorithm = client.signDigest(0x9A, PivAlgorithm::EccP384, HashAlgorithm::Sha256, digest);
    QVERIFY(!wrongAlgorithm.ok());
    QCOMPARE(wrongAlgorithm.error().code, ErrorCode::Unsupported);
}

void TestPivClient::extendedLengthSavesApdus()
{
    const Bytes digest = digestOf(HashAlgorithm::Sha256, hex("AABB"));
    std::size_t counts[2] = {};
    for (const bool extended : {false, true}) {
        Reader reader = insert(PivAlgorithm::Rsa2048, extended);
        QVERIFY(reader.channel);
        PivClient client(*reader.channel);
        QVERIFY(client.verifyPin(pinOf("12345678")).ok());
        const std::size_t before = reader.channel->commandCount;
        auto signature = client.signDigest(0x9A, PivAlgorithm::Rsa2048, HashAlgorithm::Sha256, digest);
        QVERIFY(signature.ok());
        QVERIFY(verifyDigestSignature(
            slotPublicKey(reader.dir, 0x9A).get(), HashAlgorithm::Sha256, digest, signature.value()));
        counts[extended ? 1 : 0] = reader.channel->commandCount - before;
    }
    // Short: two chained commands and one GET RESPONSE. Extended: the 266-byte command goes unchained in one
    // APDU; PivClient asks for Le 256 either way, so the 264-byte answer still takes one GET RESPONSE.
    QCOMPARE(counts[0], std::size_t{3});
    QCOMPARE(counts[1], std::size_t{2});
}

QTEST_GUILESS_MAIN(TestPivClient)
#include "TestPivClient.moc"
