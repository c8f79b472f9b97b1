// The card side (core/piv/PivCardEmulator.h) over a real SoftCard (OpenSSL keys, persistent PIN counter in
// a temporary directory) and over a tiny in-test backend where only the APDU logic matters. Signatures are
// checked with OpenSSL against the certificate the card holds for the slot.

#include "OpenSslSupport.h"
#include "core/piv/PivCardEmulator.h"
#include "core/piv/StatusWord.h"
#include "core/piv/Tlv.h"
#include "softcard/SoftCard.h"

#include <QTemporaryDir>
#include <QTest>

#include <cstring>

using namespace sra::base;
using namespace sra::piv;
using namespace sra::piv::test;
using sra::softcard::SoftCard;

Q_DECLARE_METATYPE(sra::piv::PivAlgorithm)

namespace {
const Bytes kPivAidBytes(kPivAid.begin(), kPivAid.end());

Bytes shortApdu(std::uint8_t cla,
                std::uint8_t ins,
                std::uint8_t p1,
                std::uint8_t p2,
                ByteView data,
                std::optional<std::size_t> le = std::nullopt)
{
    return encodeCommandApdu(CommandApdu{cla, ins, p1, p2, Bytes(data.begin(), data.end()), le, false});
}

Bytes getDataApdu(std::uint32_t tag, std::size_t le = 256)
{
    Bytes tagBytes;
    appendTag(tagBytes, tag);
    return shortApdu(0x00, 0xCB, 0x3F, 0xFF, makeTlv(0x5C, tagBytes), le);
}

Bytes verifyApdu(const char* pin)
{
    Bytes block(pin, pin + std::strlen(pin));
    block.resize(8, 0xFF);
    return shortApdu(0x00, 0x20, 0x00, 0x80, block);
}

Bytes authTemplate(ByteView challenge)
{
    Bytes inner;
    appendTlv(inner, 0x82, {});
    appendTlv(inner, 0x81, challenge);
    return makeTlv(0x7C, inner);
}

// The signature inside 7C { 82 sig }.
std::optional<Bytes> signatureOf(ByteView response)
{
    auto outer = findTlv(response, 0x7C);
    if (!outer) {
        return std::nullopt;
    }
    auto sig = findTlv(*outer, 0x82);
    if (!sig) {
        return std::nullopt;
    }
    return Bytes(sig->begin(), sig->end());
}

Bytes messageDigest()
{
    return digestOf(HashAlgorithm::Sha256, hex("5349474E206D65"));
}

// What a host hands GENERAL AUTHENTICATE for a SHA-256 signature with this algorithm.
Bytes signingInput(PivAlgorithm algorithm)
{
    if (isEcc(algorithm)) {
        return ecdsaInput(messageDigest(), pivAlgorithmInputSize(algorithm));
    }
    return pkcs1v15SignatureBlock(buildDigestInfo(HashAlgorithm::Sha256, messageDigest()).value(), 256).value();
}
} // namespace

class TestPivCardEmulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void select_data();
    void select();
    void selectTemplate();
    void getDataSoftCardObjects();
    void getDataMissingAndProtected();
    void getDataMalformed_data();
    void getDataMalformed();

    void verifyCounterPersists();
    void verifyStatusAndReset();
    void malformedPinBlock_data();
    void malformedPinBlock();

    void generalAuthenticate_data();
    void generalAuthenticate();
    void pinPolicies();
    void refused_data();
    void refused();
    void rsaChainingAndGetResponse();
    void certificateGetResponse();
    void getResponseState();
    void interruptedChain();
    void unknownInstruction();
    void classByte_data();
    void classByte();
    void resetForgetsPin();
    void answerToReset();

private:
    QString cardDir(PivAlgorithm algorithm) const;
    std::unique_ptr<SoftCard> freshCard(PivAlgorithm algorithm, QString* dir = nullptr);

    QTemporaryDir m_tmp;
    int m_copies = 0;
};

void TestPivCardEmulator::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    for (const PivAlgorithm algorithm : {PivAlgorithm::Rsa2048, PivAlgorithm::EccP256, PivAlgorithm::EccP384}) {
        sra::softcard::CreateOptions options;
        options.algorithm = algorithm;
        options.pin = QStringLiteral("123456");
        const QString error = SoftCard::create(cardDir(algorithm), options);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
}

QString TestPivCardEmulator::cardDir(PivAlgorithm algorithm) const
{
    return m_tmp.filePath(QString::fromLatin1(algorithmTag(algorithm)));
}

// A copy of the template card with a fresh PIN counter.
std::unique_ptr<SoftCard> TestPivCardEmulator::freshCard(PivAlgorithm algorithm, QString* dir)
{
    const QString copy = m_tmp.filePath(QStringLiteral("card-%1").arg(++m_copies));
    if (!copyCardDirectory(cardDir(algorithm), copy)) {
        return nullptr;
    }
    if (dir) {
        *dir = copy;
    }
    QString error;
    auto card = SoftCard::load(copy, &error);
    if (!card) {
        qWarning("%s", qPrintable(error));
    }
    return card;
}

void TestPivCardEmulator::select_data()
{
    QTest::addColumn<QByteArray>("command");
    QTest::addColumn<uint>("sw");

    const QByteArray aid = toQByteArray(kPivAidBytes);
    QTest::addRow("full AID") << (QByteArray::fromHex("00A404000B") + aid + QByteArray::fromHex("00")) << 0x9000u;
    QTest::addRow("full AID, no Le") << (QByteArray::fromHex("00A404000B") + aid) << 0x9000u;
    QTest::addRow("AID without version") << (QByteArray::fromHex("00A4040009") + aid.left(9)
                                             + QByteArray::fromHex("00"))
                                         << 0x9000u;
    QTest::addRow("RID only") << (QByteArray::fromHex("00A4040005") + aid.left(5) + QByteArray::fromHex("00"))
                              << 0x9000u;
    QTest::addRow("four bytes of the RID") << (QByteArray::fromHex("00A4040004") + aid.left(4)) << 0x6A82u;
    QTest::addRow("wrong AID") << QByteArray::fromHex("00A4040005A00000052700") << 0x6A82u;
    QTest::addRow("wrong version byte") << (QByteArray::fromHex("00A404000B") + aid.left(10)
                                            + QByteArray::fromHex("0200"))
                                        << 0x6A82u;
    QTest::addRow("longer than the AID") << (QByteArray::fromHex("00A404000C") + aid + QByteArray::fromHex("0000"))
                                         << 0x6A82u;
    QTest::addRow("select by file id") << QByteArray::fromHex("00A40000023F00") << 0x6A86u;
}

void TestPivCardEmulator::select()
{
    QFETCH(QByteArray, command);
    QFETCH(uint, sw);
    TinyBackend backend;
    PivCardEmulator card(backend);
    const Bytes response = card.process(toBytes(command));
    QCOMPARE(static_cast<uint>(statusOf(response)), sw);
    if (sw == 0x9000) {
        QCOMPARE(response.front(), std::uint8_t{0x61}); // application property template
    } else {
        QCOMPARE(response.size(), std::size_t{2});
    }
}

void TestPivCardEmulator::selectTemplate()
{
    TinyBackend backend;
    PivCardEmulator card(backend);
    const Bytes response = card.process(shortApdu(0x00, 0xA4, 0x04, 0x00, ByteView(kPivAidBytes).first(9), 256));
    QCOMPARE(statusOf(response), std::uint16_t{0x9000});
    const Bytes data = dataOf(response);
    auto apt = parseTlvSequence(data);
    QVERIFY(apt.ok());
    QCOMPARE(apt->size(), std::size_t{1});
    QCOMPARE(apt->front().tag, 0x61u);
    const ByteView inner = apt->front().value;
    auto pix = findTlv(inner, 0x4F);
    QVERIFY(pix);
    QCOMPARE(toBytesFrom(*pix), hex("0000100001 00")); // PIX with version
    auto authority = findTlv(inner, 0x79);
    QVERIFY(authority);
    QCOMPARE(toBytesFrom(*findTlv(*authority, 0x4F)), hex("A000000308"));
    auto algorithms = findTlv(inner, 0xAC);
    QVERIFY(algorithms);
    auto items = parseTlvSequence(*algorithms);
    QVERIFY(items.ok());
    Bytes offered;
    for (const Tlv& t : items.value()) {
        if (t.tag == 0x80) {
            append(offered, t.value);
        }
    }
    QCOMPARE(offered, hex("071114"));
}

void TestPivCardEmulator::getDataSoftCardObjects()
{
    const QString dir = cardDir(PivAlgorithm::Rsa2048);
    QString error;
    auto backend = SoftCard::load(dir, &error);
    QVERIFY2(backend, qPrintable(error));
    PivCardEmulator card(*backend);
    backend->installObjects(card);
    EmulatorChannel channel(card);

    for (const auto& slot : pivKeySlots()) {
        CommandApdu c{0x00, 0xCB, 0x3F, 0xFF, {}, 256, false};
        Bytes tag;
        appendTag(tag, pivObjectInfo(slot.certificate).tag);
        c.data = makeTlv(0x5C, tag);
        auto r = exchangeApdu(channel, c);
        QVERIFY(r.ok());
        QCOMPARE(r->sw, std::uint16_t{0x9000});
        QVERIFY(r->data.size() > 256); // more than one short response: came through GET RESPONSE
        auto der = decodeCertificateObject(r->data);
        QVERIFY(der.ok());
        X509Ptr expected = readPemCertificate(slotCertificatePath(dir, slot.id));
        QVERIFY(expected);
        QCOMPARE(der.value(), certificateDer(expected.get()));
    }
    for (const PivObject object : {PivObject::Chuid,
                                   PivObject::CardCapabilityContainer,
                                   PivObject::DiscoveryObject,
                                   PivObject::KeyHistoryObject}) {
        const std::uint32_t tag = pivObjectInfo(object).tag;
        const Bytes response = card.process(getDataApdu(tag));
        QCOMPARE(statusOf(response), std::uint16_t{0x9000});
        const Bytes data = dataOf(response);
        QCOMPARE(data.front(), static_cast<std::uint8_t>(object == PivObject::DiscoveryObject ? 0x7E : 0x53));
        QVERIFY(unwrapDataObject(data).ok());
        QVERIFY(parseTlvSequence(unwrapDataObject(data).value()).ok());
    }
}

void TestPivCardEmulator::getDataMissingAndProtected()
{
    TinyBackend backend;
    PivCardEmulator card(backend);
    const Bytes printed = makeTlv(0x53, hex("0102030405"));
    card.setDataObject(0x5FC109, printed);
    card.setDataObject(0x5FC10D, makeTlv(0x53, hex("AA")));

    QCOMPARE(statusOf(card.process(getDataApdu(0x5FC109))), std::uint16_t{0x6982}); // PIN first
    QCOMPARE(statusOf(card.process(getDataApdu(0x5FC103))), std::uint16_t{0x6982});
    QCOMPARE(statusOf(card.process(getDataApdu(0x5FC102))), std::uint16_t{0x6A82}); // free, but not on this card
    QCOMPARE(statusOf(card.process(getDataApdu(0x5FC1FF))), std::uint16_t{0x6A82}); // no such object
    QCOMPARE(statusOf(card.process(getDataApdu(0x5FC10E))), std::uint16_t{0x6A82}); // retired slot, empty
    const Bytes retired = card.process(getDataApdu(0x5FC10D));
    QCOMPARE(statusOf(retired), std::uint16_t{0x9000});

    QCOMPARE(statusOf(card.process(verifyApdu("123456"))), std::uint16_t{0x9000});
    const Bytes response = card.process(getDataApdu(0x5FC109));
    QCOMPARE(statusOf(response), std::uint16_t{0x9000});
    QCOMPARE(dataOf(response), printed);
    QCOMPARE(statusOf(card.process(getDataApdu(0x5FC103))), std::uint16_t{0x6A82}); // allowed now, but absent
}

void TestPivCardEmulator::getDataMalformed_data()
{
    QTest::addColumn<QByteArray>("command");
    QTest::addColumn<uint>("sw");

    QTest::addRow("wrong P1 P2") << QByteArray::fromHex("00CB3F00055C035FC10200") << 0x6A86u;
    QTest::addRow("no data") << QByteArray::fromHex("00CB3FFF00") << 0x6A80u;
    QTest::addRow("not a tag list") << QByteArray::fromHex("00CB3FFF055D035FC10200") << 0x6A80u;
    QTest::addRow("empty tag list") << QByteArray::fromHex("00CB3FFF025C0000") << 0x6A80u;
    QTest::addRow("four-byte tag") << QByteArray::fromHex("00CB3FFF065C045FC1020100") << 0x6A80u;
    QTest::addRow("trailing data") << QByteArray::fromHex("00CB3FFF075C035FC102000000") << 0x6A80u;
    QTest::addRow("broken TLV") << QByteArray::fromHex("00CB3FFF025C0500") << 0x6A80u;
}

void TestPivCardEmulator::getDataMalformed()
{
    QFETCH(QByteArray, command);
    QFETCH(uint, sw);
    TinyBackend backend;
    PivCardEmulator card(backend);
    card.setDataObject(0x5FC102, makeTlv(0x53, hex("AA")));
    QCOMPARE(static_cast<uint>(statusOf(card.process(toBytes(command)))), sw);
    QCOMPARE(statusOf(card.process(getDataApdu(0x5FC102))), std::uint16_t{0x9000}); // the well-formed one works
}

void TestPivCardEmulator::verifyCounterPersists()
{
    QString dir;
    auto backend = freshCard(PivAlgorithm::EccP256, &dir);
    QVERIFY(backend);
    auto card = std::make_unique<PivCardEmulator>(*backend);
    const Bytes status = shortApdu(0x00, 0x20, 0x00, 0x80, {});

    QCOMPARE(statusOf(card->process(status)), std::uint16_t{0x63C3});
    QCOMPARE(statusOf(card->process(verifyApdu("000000"))), std::uint16_t{0x63C2});

    // Power off and on: the counter is on "the chip", i.e. in the card directory.
    QString error;
    card.reset();
    backend = SoftCard::load(dir, &error);
    QVERIFY2(backend, qPrintable(error));
    card = std::make_unique<PivCardEmulator>(*backend);
    QCOMPARE(statusOf(card->process(status)), std::uint16_t{0x63C2});
    QCOMPARE(statusOf(card->process(verifyApdu("111111"))), std::uint16_t{0x63C1});
    QCOMPARE(statusOf(card->process(status)), std::uint16_t{0x63C1});
    QCOMPARE(statusOf(card->process(verifyApdu("222222"))), std::uint16_t{0x6983});
    QCOMPARE(statusOf(card->process(verifyApdu("123456"))), std::uint16_t{0x6983}); // the right PIN is too late
    QCOMPARE(statusOf(card->process(status)), std::uint16_t{0x6983});
    QVERIFY(!card->pinVerified());

    card.reset();
    backend = SoftCard::load(dir, &error);
    QVERIFY2(backend, qPrintable(error));
    QCOMPARE(backend->pinTriesLeft(), 0);
    card = std::make_unique<PivCardEmulator>(*backend);
    QCOMPARE(statusOf(card->process(status)), std::uint16_t{0x6983});
    QCOMPARE(statusOf(card->process(verifyApdu("123456"))), std::uint16_t{0x6983});
}

void TestPivCardEmulator::verifyStatusAndReset()
{
    auto backend = freshCard(PivAlgorithm::EccP256);
    QVERIFY(backend);
    PivCardEmulator card(*backend);
    const Bytes status = shortApdu(0x00, 0x20, 0x00, 0x80, {});

    QCOMPARE(statusOf(card.process(status)), std::uint16_t{0x63C3});
    QCOMPARE(statusOf(card.process(verifyApdu("654321"))), std::uint16_t{0x63C2});
    QCOMPARE(statusOf(card.process(verifyApdu("123456"))), std::uint16_t{0x9000});
    QVERIFY(card.pinVerified());
    QCOMPARE(statusOf(card.process(status)), std::uint16_t{0x9000}); // verified: the empty VERIFY says so
    QCOMPARE(backend->pinTriesLeft(), 3);                            // and the counter is back at three

    // P1=FF: "reset the security status" of the PIN.
    QCOMPARE(statusOf(card.process(shortApdu(0x00, 0x20, 0xFF, 0x80, {}))), std::uint16_t{0x9000});
    QVERIFY(!card.pinVerified());
    QCOMPARE(statusOf(card.process(status)), std::uint16_t{0x63C3});

    QCOMPARE(statusOf(card.process(verifyApdu("123456"))), std::uint16_t{0x9000});
    QCOMPARE(statusOf(card.process(verifyApdu("999999"))), std::uint16_t{0x63C2}); // a wrong PIN un-verifies
    QVERIFY(!card.pinVerified());
    QCOMPARE(statusOf(card.process(status)), std::uint16_t{0x63C2});
}

void TestPivCardEmulator::malformedPinBlock_data()
{
    QTest::addColumn<QByteArray>("command");
    QTest::addColumn<uint>("sw");

    QTest::addRow("seven bytes") << QByteArray::fromHex("00200080073132333435363700") << 0x6A80u;
    QTest::addRow("nine bytes") << QByteArray::fromHex("002000800931323334353637383900") << 0x6A80u;
    QTest::addRow("five digits, padded") << QByteArray::fromHex("00200080083132333435FFFFFF") << 0x6A80u;
    QTest::addRow("all padding") << QByteArray::fromHex("0020008008FFFFFFFFFFFFFFFF") << 0x6A80u;
    QTest::addRow("padding inside the PIN") << QByteArray::fromHex("0020008008313233FF343536FF") << 0x6A80u;
    QTest::addRow("padding first") << QByteArray::fromHex("0020008008FF31323334353637") << 0x6A80u;
    QTest::addRow("global PIN reference") << QByteArray::fromHex("00200000083132333435363738") << 0x6A88u;
    QTest::addRow("PUK reference") << QByteArray::fromHex("00200081083132333435363738") << 0x6A88u;
    QTest::addRow("P1 neither 00 nor FF") << QByteArray::fromHex("00200180083132333435363738") << 0x6A86u;
    QTest::addRow("P1=FF with data") << QByteArray::fromHex("0020FF8008313233343536FFFF") << 0x6700u;
}

void TestPivCardEmulator::malformedPinBlock()
{
    QFETCH(QByteArray, command);
    QFETCH(uint, sw);
    TinyBackend backend;
    PivCardEmulator card(backend);
    QCOMPARE(static_cast<uint>(statusOf(card.process(toBytes(command)))), sw);
    QCOMPARE(backend.pinChecks, 0); // refused before the PIN was compared: no try spent
    QCOMPARE(backend.tries, 3);
    QCOMPARE(statusOf(card.process(shortApdu(0x00, 0x20, 0x00, 0x80, {}))), std::uint16_t{0x63C3});
}

void TestPivCardEmulator::generalAuthenticate_data()
{
    QTest::addColumn<PivAlgorithm>("algorithm");
    QTest::addColumn<int>("slot");
    for (const PivAlgorithm algorithm : {PivAlgorithm::Rsa2048, PivAlgorithm::EccP256, PivAlgorithm::EccP384}) {
        for (const int slot : {0x9A, 0x9C, 0x9D, 0x9E}) {
            QTest::addRow("%s slot %X", algorithmTag(algorithm), slot) << algorithm << slot;
        }
    }
}

void TestPivCardEmulator::generalAuthenticate()
{
    QFETCH(PivAlgorithm, algorithm);
    QFETCH(int, slot);
    const QString dir = cardDir(algorithm);
    QString error;
    auto backend = SoftCard::load(dir, &error);
    QVERIFY2(backend, qPrintable(error));
    PivCardEmulator card(*backend);
    EmulatorChannel channel(card);

    if (slot != 0x9E) {
        QCOMPARE(statusOf(card.process(verifyApdu("123456"))), std::uint16_t{0x9000});
    }
    const Bytes input = signingInput(algorithm);
    CommandApdu c{0x00,
                  0x87,
                  static_cast<std::uint8_t>(algorithm),
                  static_cast<std::uint8_t>(slot),
                  authTemplate(input),
                  256,
                  false};
    auto r = exchangeApdu(channel, c);
    QVERIFY(r.ok());
    QCOMPARE(r->sw, std::uint16_t{0x9000});
    auto signature = signatureOf(r->data);
    QVERIFY(signature.has_value());

    PkeyPtr key = slotPublicKey(dir, static_cast<std::uint8_t>(slot));
    QVERIFY(key);
    if (algorithm == PivAlgorithm::Rsa2048) {
        QCOMPARE(signature->size(), std::size_t{256});
        QCOMPARE(rsaPublicRaw(key.get(), *signature), input); // raw RSA on exactly the block we sent
    }
    QVERIFY(verifyDigestSignature(key.get(), HashAlgorithm::Sha256, messageDigest(), *signature));

    // Another slot's key does not verify it: the card used the slot's own key.
    const std::uint8_t other = slot == 0x9A ? 0x9E : 0x9A;
    PkeyPtr otherKey = slotPublicKey(dir, other);
    QVERIFY(!verifyDigestSignature(otherKey.get(), HashAlgorithm::Sha256, messageDigest(), *signature));
}

void TestPivCardEmulator::pinPolicies()
{
    // Signed: 9000, or 61xx when the signature does not fit one short response (RSA).
    const auto signedOk = [](const Bytes& response) {
        return statusOf(response) == 0x9000 || (statusOf(response) & 0xFF00) == 0x6100;
    };
    TinyBackend backend;
    PivCardEmulator card(backend);
    const Bytes ecc(32, 0x11);
    const Bytes sign9a =
        encodeCommandApdu(CommandApdu{0x00, 0x87, 0x07, 0x9A, authTemplate(Bytes(256, 0x22)), 256, true});
    const Bytes sign9c = shortApdu(0x00, 0x87, 0x11, 0x9C, authTemplate(ecc), 256);
    const Bytes sign9d = shortApdu(0x00, 0x87, 0x14, 0x9D, authTemplate(Bytes(48, 0x33)), 256);
    const Bytes sign9e = shortApdu(0x00, 0x87, 0x11, 0x9E, authTemplate(ecc), 256);

    // Card authentication (9E) needs no PIN; the others do.
    QCOMPARE(statusOf(card.process(sign9e)), std::uint16_t{0x9000});
    QCOMPARE(statusOf(card.process(sign9a)), std::uint16_t{0x6982});
    QCOMPARE(statusOf(card.process(sign9c)), std::uint16_t{0x6982});
    QCOMPARE(statusOf(card.process(sign9d)), std::uint16_t{0x6982});
    QCOMPARE(backend.signatures, 1);

    // 9A and 9D: once per session.
    QCOMPARE(statusOf(card.process(verifyApdu("123456"))), std::uint16_t{0x9000});
    QVERIFY(signedOk(card.process(sign9a)));
    QVERIFY(signedOk(card.process(sign9a)));
    QCOMPARE(statusOf(card.process(sign9d)), std::uint16_t{0x9000});
    QCOMPARE(backend.signatures, 4);

    // 9C: VERIFY immediately before each signature.
    QCOMPARE(statusOf(card.process(sign9c)), std::uint16_t{0x6982});
    QCOMPARE(statusOf(card.process(verifyApdu("123456"))), std::uint16_t{0x9000});
    const Bytes signed9c = card.process(sign9c);
    QCOMPARE(statusOf(signed9c), std::uint16_t{0x9000});
    QCOMPARE(backend.lastSlot, std::uint8_t{0x9C});
    QCOMPARE(signatureOf(dataOf(signed9c)), std::optional<Bytes>(Bytes(ecc.rbegin(), ecc.rend())));
    QCOMPARE(statusOf(card.process(sign9c)), std::uint16_t{0x6982}); // the verification was used up
    QCOMPARE(statusOf(card.process(verifyApdu("123456"))), std::uint16_t{0x9000});
    QCOMPARE(statusOf(card.process(getDataApdu(0x5FC102))), std::uint16_t{0x6A82}); // anything in between
    QCOMPARE(statusOf(card.process(sign9c)), std::uint16_t{0x6982});
    QCOMPARE(statusOf(card.process(verifyApdu("123456"))), std::uint16_t{0x9000});
    QVERIFY(signedOk(card.process(sign9a))); // another signature in between
    QCOMPARE(statusOf(card.process(sign9c)), std::uint16_t{0x6982});
    QCOMPARE(backend.signatures, 6);
}

void TestPivCardEmulator::refused_data()
{
    QTest::addColumn<int>("p1");
    QTest::addColumn<int>("p2");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<uint>("sw");

    const auto tpl = [](const Bytes& challenge) { return toQByteArray(authTemplate(challenge)); };
    const auto raw = [](const char* h) { return toQByteArray(hex(h)); };
    Bytes keyAgreement;
    appendTlv(keyAgreement, 0x82, {});
    appendTlv(keyAgreement, 0x85, Bytes(65, 0x04));
    Bytes witness;
    appendTlv(witness, 0x80, {});
    Bytes challengeOnly;
    appendTlv(challengeOnly, 0x81, Bytes(32, 0x01));
    Bytes responseWithValue;
    appendTlv(responseWithValue, 0x82, hex("AA"));
    appendTlv(responseWithValue, 0x81, Bytes(32, 0x01));

    QTest::addRow("RSA algorithm on the P-256 key") << 0x07 << 0x9E << tpl(Bytes(256, 0x01)) << 0x6A86u;
    QTest::addRow("P-384 algorithm on the P-256 key") << 0x14 << 0x9E << tpl(Bytes(48, 0x01)) << 0x6A86u;
    QTest::addRow("ECC algorithm on the RSA key") << 0x11 << 0x9A << tpl(Bytes(32, 0x01)) << 0x6A86u;
    QTest::addRow("3DES algorithm") << 0x03 << 0x9A << tpl(Bytes(8, 0x01)) << 0x6A86u;
    QTest::addRow("unknown algorithm") << 0x06 << 0x9A << tpl(Bytes(256, 0x01)) << 0x6A86u;
    QTest::addRow("slot 9B (management key)") << 0x03 << 0x9B << toQByteArray(makeTlv(0x7C, witness)) << 0x6A86u;
    QTest::addRow("slot 9B with RSA") << 0x07 << 0x9B << tpl(Bytes(256, 0x01)) << 0x6A86u;
    QTest::addRow("retired slot 82") << 0x11 << 0x82 << tpl(Bytes(32, 0x01)) << 0x6A86u;
    QTest::addRow("RSA input 255 bytes") << 0x07 << 0x9A << tpl(Bytes(255, 0x01)) << 0x6A80u;
    QTest::addRow("RSA input 257 bytes") << 0x07 << 0x9A << tpl(Bytes(257, 0x01)) << 0x6A80u;
    QTest::addRow("P-256 input 33 bytes") << 0x11 << 0x9E << tpl(Bytes(33, 0x01)) << 0x6A80u;
    QTest::addRow("P-384 input 49 bytes") << 0x14 << 0x9D << tpl(Bytes(49, 0x01)) << 0x6A80u;
    QTest::addRow("empty challenge") << 0x11 << 0x9E << tpl({}) << 0x6A80u;
    QTest::addRow("key agreement (85)") << 0x11 << 0x9E << toQByteArray(makeTlv(0x7C, keyAgreement)) << 0x6A80u;
    QTest::addRow("witness (80)") << 0x11 << 0x9E << toQByteArray(makeTlv(0x7C, witness)) << 0x6A80u;
    QTest::addRow("no response request (82)") << 0x11 << 0x9E << toQByteArray(makeTlv(0x7C, challengeOnly)) << 0x6A80u;
    QTest::addRow("82 with a value") << 0x11 << 0x9E << toQByteArray(makeTlv(0x7C, responseWithValue)) << 0x6A80u;
    QTest::addRow("not a 7C template") << 0x11 << 0x9E << toQByteArray(makeTlv(0x7D, challengeOnly)) << 0x6A80u;
    QTest::addRow("data after the template") << 0x11 << 0x9E << (tpl(Bytes(32, 0x01)) + raw("00")) << 0x6A80u;
    QTest::addRow("broken inner TLV") << 0x11 << 0x9E << raw("7C038200 81") << 0x6A80u;
    QTest::addRow("no data") << 0x11 << 0x9E << QByteArray() << 0x6A80u;
}

void TestPivCardEmulator::refused()
{
    QFETCH(int, p1);
    QFETCH(int, p2);
    QFETCH(QByteArray, data);
    QFETCH(uint, sw);
    TinyBackend backend;
    PivCardEmulator card(backend);
    QCOMPARE(statusOf(card.process(verifyApdu("123456"))), std::uint16_t{0x9000}); // not a PIN matter
    // Extended APDU, so the card sees the whole template in one command.
    const Bytes command = encodeCommandApdu(CommandApdu{
        0x00, 0x87, static_cast<std::uint8_t>(p1), static_cast<std::uint8_t>(p2), toBytes(data), 256, true});
    const Bytes response = card.process(command);
    QCOMPARE(static_cast<uint>(statusOf(response)), sw);
    QCOMPARE(response.size(), std::size_t{2});
    QCOMPARE(backend.signatures, 0);
}

void TestPivCardEmulator::rsaChainingAndGetResponse()
{
    const QString dir = cardDir(PivAlgorithm::Rsa2048);
    QString error;
    auto backend = SoftCard::load(dir, &error);
    QVERIFY2(backend, qPrintable(error));
    PivCardEmulator card(*backend);
    QCOMPARE(statusOf(card.process(verifyApdu("123456"))), std::uint16_t{0x9000});

    const Bytes input = signingInput(PivAlgorithm::Rsa2048);
    const Bytes data = authTemplate(input);
    QCOMPARE(data.size(), std::size_t{266}); // 7C 82 01 06 { 82 00, 81 82 01 00 <256> }

    // Two short APDUs: CLA 10 with 255 bytes, then the last 11 with Le 00.
    const Bytes first = shortApdu(0x10, 0x87, 0x07, 0x9A, ByteView(data).first(255));
    QCOMPARE(card.process(first), hex("9000"));
    const Bytes last = card.process(shortApdu(0x00, 0x87, 0x07, 0x9A, ByteView(data).subspan(255), 256));
    // 7C 82 01 04 82 82 01 00 <256>: 264 bytes, of which 256 come now and 8 through GET RESPONSE.
    QCOMPARE(last.size(), std::size_t{258});
    QCOMPARE(statusOf(last), std::uint16_t{0x6108});
    const Bytes rest = card.process(hex("00C0000008"));
    QCOMPARE(rest.size(), std::size_t{10});
    QCOMPARE(statusOf(rest), std::uint16_t{0x9000});

    Bytes whole = dataOf(last);
    append(whole, dataOf(rest));
    QCOMPARE(toBytesFrom(ByteView(whole).first(8)), hex("7C820104 82820100"));
    auto signature = signatureOf(whole);
    QVERIFY(signature.has_value());
    PkeyPtr key = slotPublicKey(dir, 0x9A);
    QCOMPARE(rsaPublicRaw(key.get(), *signature), input);
    QVERIFY(verifyDigestSignature(key.get(), HashAlgorithm::Sha256, messageDigest(), *signature));
}

void TestPivCardEmulator::certificateGetResponse()
{
    const QString dir = cardDir(PivAlgorithm::Rsa2048);
    QString error;
    auto backend = SoftCard::load(dir, &error);
    QVERIFY2(backend, qPrintable(error));
    PivCardEmulator card(*backend);
    backend->installObjects(card);
    const Bytes& stored = card.dataObjects().at(0x5FC105);
    QVERIFY(stored.size() > 512);

    // Le 00: 256 bytes at a time, 61xx saying how many remain (00 when 256 or more).
    Bytes whole;
    Bytes response = card.process(getDataApdu(0x5FC105));
    int rounds = 0;
    while ((statusOf(response) & 0xFF00) == 0x6100) {
        QCOMPARE(dataOf(response).size(), std::size_t{256});
        append(whole, dataOf(response));
        const std::size_t remaining = stored.size() - whole.size();
        QCOMPARE(static_cast<std::size_t>(statusOf(response) & 0xFF), remaining > 255 ? 0 : remaining);
        response = card.process(Bytes{0x00, 0xC0, 0x00, 0x00, static_cast<std::uint8_t>(statusOf(response) & 0xFF)});
        QVERIFY(++rounds < 100);
    }
    QCOMPARE(statusOf(response), std::uint16_t{0x9000});
    append(whole, dataOf(response));
    QCOMPARE(whole, stored);
    X509Ptr expected = readPemCertificate(slotCertificatePath(dir, 0x9A));
    QCOMPARE(decodeCertificateObject(whole).value(), certificateDer(expected.get()));

    // A small Le: exactly that many bytes, the rest announced.
    const Bytes small = card.process(getDataApdu(0x5FC105, 16));
    QCOMPARE(dataOf(small), Bytes(stored.begin(), stored.begin() + 16));
    QCOMPARE(statusOf(small), std::uint16_t{0x6100}); // far more than 255 left
    const Bytes next = card.process(hex("00C0000020"));
    QCOMPARE(dataOf(next), Bytes(stored.begin() + 16, stored.begin() + 48));
}

void TestPivCardEmulator::getResponseState()
{
    TinyBackend backend;
    PivCardEmulator card(backend);
    card.setDataObject(0x5FC102, makeTlv(0x53, Bytes(400, 0x42)));
    QCOMPARE(card.process(hex("00C0000000")), hex("6985")); // nothing pending

    QCOMPARE(statusOf(card.process(getDataApdu(0x5FC102))), std::uint16_t{0x6194}); // 404 - 256 = 148 left
    QCOMPARE(card.process(hex("00C0010000")), hex("6A86"));                         // wrong P1P2 drops it
    QCOMPARE(card.process(hex("00C0000000")), hex("6985"));

    QCOMPARE(statusOf(card.process(getDataApdu(0x5FC102))), std::uint16_t{0x6194});
    QCOMPARE(statusOf(card.process(shortApdu(0x00, 0x20, 0x00, 0x80, {}))), std::uint16_t{0x63C3});
    QCOMPARE(card.process(hex("00C0000000")), hex("6985")); // another command discards the pending response
}

void TestPivCardEmulator::interruptedChain()
{
    TinyBackend backend;
    PivCardEmulator card(backend);
    card.setDataObject(0x5FC102, makeTlv(0x53, hex("AA")));
    const Bytes link = shortApdu(0x10, 0x87, 0x11, 0x9E, Bytes(100, 0x01));

    // A different command while a chain is open.
    QCOMPARE(card.process(link), hex("9000"));
    QCOMPARE(card.process(getDataApdu(0x5FC102)), hex("6883"));
    // A chain link for a different key reference.
    QCOMPARE(card.process(link), hex("9000"));
    QCOMPARE(card.process(shortApdu(0x10, 0x87, 0x11, 0x9C, Bytes(10, 0x01))), hex("6883"));
    // A different last command.
    QCOMPARE(card.process(link), hex("9000"));
    QCOMPARE(card.process(shortApdu(0x00, 0x87, 0x14, 0x9E, Bytes(10, 0x01), 256)), hex("6883"));

    // After the refusal nothing of the old chain remains: a complete command works.
    const Bytes response = card.process(shortApdu(0x00, 0x87, 0x11, 0x9E, authTemplate(Bytes(32, 0x05)), 256));
    QCOMPARE(statusOf(response), std::uint16_t{0x9000});
    QCOMPARE(backend.lastInput, Bytes(32, 0x05));
    QCOMPARE(statusOf(card.process(getDataApdu(0x5FC102))), std::uint16_t{0x9000});
}

void TestPivCardEmulator::unknownInstruction()
{
    TinyBackend backend;
    PivCardEmulator card(backend);
    QCOMPARE(card.process(hex("00DB3FFF03AABBCC")), hex("6D00")); // PUT DATA is not offered
    QCOMPARE(card.process(hex("00470080")), hex("6D00"));         // nor GENERATE ASYMMETRIC KEY PAIR
    QCOMPARE(card.process(hex("00000000")), hex("6D00"));
    QCOMPARE(card.process(hex("00A404")), hex("6700")); // not an APDU at all
    QCOMPARE(card.process(hex("00A4040005A000")), hex("6700"));
    QCOMPARE(card.process(hex("00FD000000")), hex("0100009000")); // the version query yubico-piv-tool sends
}

void TestPivCardEmulator::classByte_data()
{
    QTest::addColumn<int>("cla");
    QTest::addColumn<uint>("sw");

    QTest::addRow("00") << 0x00 << 0x9000u;
    QTest::addRow("logical channel 1") << 0x01 << 0x6881u;
    QTest::addRow("logical channel 2") << 0x02 << 0x6881u;
    QTest::addRow("logical channel 3") << 0x03 << 0x6881u;
    QTest::addRow("logical channel 4 (further interindustry)") << 0x40 << 0x6881u;
    QTest::addRow("logical channel 19") << 0x4F << 0x6881u;
    QTest::addRow("secure messaging, proprietary") << 0x04 << 0x6882u;
    QTest::addRow("secure messaging, header not authenticated") << 0x08 << 0x6882u;
    QTest::addRow("secure messaging, header authenticated") << 0x0C << 0x6882u;
    QTest::addRow("proprietary class 80") << 0x80 << 0x6E00u;
    QTest::addRow("proprietary class A0") << 0xA0 << 0x6E00u;
    QTest::addRow("FF") << 0xFF << 0x6E00u;
}

void TestPivCardEmulator::classByte()
{
    QFETCH(int, cla);
    QFETCH(uint, sw);
    TinyBackend backend;
    PivCardEmulator card(backend);
    const Bytes response = card.process(shortApdu(static_cast<std::uint8_t>(cla), 0xA4, 0x04, 0x00, kPivAidBytes, 256));
    QCOMPARE(static_cast<uint>(statusOf(response)), sw);
}

void TestPivCardEmulator::resetForgetsPin()
{
    TinyBackend backend;
    PivCardEmulator card(backend);
    card.setDataObject(0x5FC102, makeTlv(0x53, Bytes(300, 0x42)));
    QCOMPARE(statusOf(card.process(verifyApdu("123456"))), std::uint16_t{0x9000});
    QCOMPARE(statusOf(card.process(getDataApdu(0x5FC102))), std::uint16_t{0x6130});
    QCOMPARE(card.process(shortApdu(0x10, 0x87, 0x11, 0x9E, Bytes(10, 0x01))), hex("9000"));
    card.reset();
    QVERIFY(!card.pinVerified());
    QCOMPARE(statusOf(card.process(shortApdu(0x00, 0x20, 0x00, 0x80, {}))), std::uint16_t{0x63C3});
    QCOMPARE(card.process(hex("00C0000000")), hex("6985")); // no pending response after a reset
    QCOMPARE(statusOf(card.process(shortApdu(0x00, 0x87, 0x11, 0x9E, authTemplate(Bytes(32, 0x05)), 256))),
             std::uint16_t{0x9000}); // and no half chain
}

void TestPivCardEmulator::answerToReset()
{
    const Bytes atr = PivCardEmulator::answerToReset();
    QVERIFY(atr.size() >= 5 && atr.size() <= 33);
    QCOMPARE(atr[0], std::uint8_t{0x3B});
    const std::size_t historical = atr[1] & 0x0F;
    QCOMPARE(atr.size(), std::size_t{4} + historical + 1); // TS T0 TD1 TD2, historical bytes, TCK
    QCOMPARE(atr[3] & 0x0F, 0x01);                         // T=1 offered: TCK is mandatory
    std::uint8_t tck = 0;
    for (std::size_t i = 1; i < atr.size(); ++i) {
        tck ^= atr[i];
    }
    QCOMPARE(tck, std::uint8_t{0}); // XOR of T0..TCK is zero
}

QTEST_GUILESS_MAIN(TestPivCardEmulator)
#include "TestPivCardEmulator.moc"
