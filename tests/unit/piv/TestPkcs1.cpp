// PKCS#1 v1.5 signature encoding on the host (core/piv/Pkcs1.h), compared with what OpenSSL itself signs:
// the raw public operation (RSA_NO_PADDING) on an OpenSSL EVP_DigestSign signature yields the encoded
// block, which must equal ours byte for byte. Plus the parser that keeps the relay from decrypting.

#include "OpenSslSupport.h"
#include "core/piv/Pkcs1.h"

#include <QTest>

#include <openssl/rand.h>

using namespace sra::base;
using namespace sra::piv;
using namespace sra::piv::test;

Q_DECLARE_METATYPE(sra::piv::HashAlgorithm)

class TestPkcs1 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void matchesOpenSsl_data();
    void matchesOpenSsl();
    void knownDigestInfo();
    void wrongDigestSize();
    void blockShape_data();
    void blockShape();
    void modulusTooSmall();
    void parseRejects_data();
    void parseRejects();
    void parseAccepts();
    void ecdsaInputSizes();

private:
    PkeyPtr m_rsa;
};

void TestPkcs1::initTestCase()
{
    m_rsa.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}));
    QVERIFY(m_rsa);
}

void TestPkcs1::matchesOpenSsl_data()
{
    QTest::addColumn<HashAlgorithm>("hash");
    QTest::addColumn<int>("size");
    QTest::addRow("SHA-1") << HashAlgorithm::Sha1 << 20;
    QTest::addRow("SHA-224") << HashAlgorithm::Sha224 << 28;
    QTest::addRow("SHA-256") << HashAlgorithm::Sha256 << 32;
    QTest::addRow("SHA-384") << HashAlgorithm::Sha384 << 48;
    QTest::addRow("SHA-512") << HashAlgorithm::Sha512 << 64;
}

void TestPkcs1::matchesOpenSsl()
{
    QFETCH(HashAlgorithm, hash);
    QFETCH(int, size);
    QCOMPARE(hashSize(hash), static_cast<std::size_t>(size));
    QCOMPARE(static_cast<int>(EVP_MD_get_size(evpDigest(hash))), size);

    const Bytes message = hex("48656C6C6F2C2050495620636172642E");
    const Bytes digest = digestOf(hash, message);

    // OpenSSL signs the message with PKCS#1 v1.5 ...
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    QVERIFY(EVP_DigestSignInit(md, nullptr, evpDigest(hash), nullptr, m_rsa.get()) == 1);
    std::size_t sigSize = 0;
    QVERIFY(EVP_DigestSign(md, nullptr, &sigSize, message.data(), message.size()) == 1);
    Bytes signature(sigSize);
    QVERIFY(EVP_DigestSign(md, signature.data(), &sigSize, message.data(), message.size()) == 1);
    EVP_MD_CTX_free(md);
    // ... and the raw public operation shows the block it encoded.
    const Bytes openSslBlock = rsaPublicRaw(m_rsa.get(), signature);
    QCOMPARE(openSslBlock.size(), std::size_t{256});

    auto digestInfo = buildDigestInfo(hash, digest);
    QVERIFY(digestInfo.ok());
    auto block = pkcs1v15SignatureBlock(digestInfo.value(), 256);
    QVERIFY(block.ok());
    QCOMPARE(block.value(), openSslBlock);

    auto carried = parsePkcs1v15SignatureBlock(openSslBlock);
    QVERIFY(carried.has_value());
    QCOMPARE(toBytesFrom(*carried), digestInfo.value());
    QVERIFY(QByteArray(hashName(hash)).startsWith("SHA-"));
}

void TestPkcs1::knownDigestInfo()
{
    // RFC 8017 section 9.2, note 1: the DER prefixes, written out.
    const Bytes d32(32, 0xAB);
    Bytes expected = hex("3031300D060960864801650304020105000420");
    append(expected, d32);
    QCOMPARE(buildDigestInfo(HashAlgorithm::Sha256, d32).value(), expected);

    const Bytes d20(20, 0x01);
    expected = hex("3021300906052B0E03021A05000414");
    append(expected, d20);
    QCOMPARE(buildDigestInfo(HashAlgorithm::Sha1, d20).value(), expected);
}

void TestPkcs1::wrongDigestSize()
{
    for (const HashAlgorithm hash : {HashAlgorithm::Sha1, HashAlgorithm::Sha256, HashAlgorithm::Sha512}) {
        for (const std::size_t size : {std::size_t{0}, hashSize(hash) - 1, hashSize(hash) + 1}) {
            auto r = buildDigestInfo(hash, Bytes(size, 0x11));
            QVERIFY(!r.ok());
            QCOMPARE(r.error().code, ErrorCode::Malformed);
        }
    }
}

void TestPkcs1::blockShape_data()
{
    QTest::addColumn<int>("modulus");
    QTest::addColumn<int>("digestInfoSize");
    QTest::addRow("2048-bit, SHA-256") << 256 << 51;
    QTest::addRow("2048-bit, SHA-512") << 256 << 83;
    QTest::addRow("1024-bit, SHA-1") << 128 << 35;
    QTest::addRow("minimum padding") << 62 << 51;
}

void TestPkcs1::blockShape()
{
    QFETCH(int, modulus);
    QFETCH(int, digestInfoSize);
    const Bytes digestInfo(static_cast<std::size_t>(digestInfoSize), 0x5A);
    auto block = pkcs1v15SignatureBlock(digestInfo, static_cast<std::size_t>(modulus));
    QVERIFY(block.ok());
    const Bytes& b = block.value();
    QCOMPARE(b.size(), static_cast<std::size_t>(modulus));
    QCOMPARE(b[0], std::uint8_t{0x00});
    QCOMPARE(b[1], std::uint8_t{0x01});
    const std::size_t separator = static_cast<std::size_t>(modulus - digestInfoSize - 1);
    for (std::size_t i = 2; i < separator; ++i) {
        QCOMPARE(b[i], std::uint8_t{0xFF});
    }
    QVERIFY(separator - 2 >= 8);
    QCOMPARE(b[separator], std::uint8_t{0x00});
    QVERIFY(std::equal(digestInfo.begin(), digestInfo.end(), b.begin() + static_cast<std::ptrdiff_t>(separator + 1)));
}

void TestPkcs1::modulusTooSmall()
{
    const Bytes digestInfo(51, 0x5A);
    auto r = pkcs1v15SignatureBlock(digestInfo, 61); // 51 + 3 + 8 = 62 needed
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Malformed);
    QVERIFY(!pkcs1v15SignatureBlock(digestInfo, 0).ok());
}

void TestPkcs1::parseRejects_data()
{
    QTest::addColumn<QByteArray>("block");

    const Bytes digestInfo = buildDigestInfo(HashAlgorithm::Sha256, Bytes(32, 0x42)).value();
    const Bytes good = pkcs1v15SignatureBlock(digestInfo, 256).value();
    const auto q = [](const Bytes& b) { return toQByteArray(b); };

    // An encryption block (type 02): non-zero random padding, then 00 and a message.
    Bytes type02(256);
    RAND_bytes(type02.data(), static_cast<int>(type02.size()));
    type02[0] = 0x00;
    type02[1] = 0x02;
    for (std::size_t i = 2; i < 200; ++i) {
        type02[i] = type02[i] ? type02[i] : 0x01;
    }
    type02[200] = 0x00;
    QTest::addRow("type 02 (decryption shaped)") << q(type02);
    Bytes type02Ff = good;
    type02Ff[1] = 0x02;
    QTest::addRow("type 02 with FF padding") << q(type02Ff);
    Bytes type00 = good;
    type00[1] = 0x00;
    QTest::addRow("type 00") << q(type00);
    Bytes leading = good;
    leading[0] = 0x01;
    QTest::addRow("first byte not zero") << q(leading);

    Bytes shortPadding = hex("0001FFFFFFFFFFFFFF00"); // seven FF
    append(shortPadding, digestInfo);
    QTest::addRow("seven bytes of padding") << q(shortPadding);
    Bytes noPadding = hex("000100");
    append(noPadding, digestInfo);
    QTest::addRow("no padding") << q(noPadding);
    Bytes noSeparator(256, 0xFF);
    noSeparator[0] = 0x00;
    noSeparator[1] = 0x01;
    QTest::addRow("no separator") << q(noSeparator);
    Bytes brokenPadding = good;
    brokenPadding[100] = 0xFE;
    QTest::addRow("non-FF byte in the padding") << q(brokenPadding);
    QTest::addRow("too short") << q(hex("0001FFFFFFFFFFFFFFFF"));
    QTest::addRow("empty") << QByteArray();
}

void TestPkcs1::parseRejects()
{
    QFETCH(QByteArray, block);
    QVERIFY(!parsePkcs1v15SignatureBlock(toBytes(block)).has_value());
}

void TestPkcs1::parseAccepts()
{
    Bytes minimal = hex("0001FFFFFFFFFFFFFFFF00"); // exactly eight FF
    append(minimal, hex("AABBCC"));
    auto carried = parsePkcs1v15SignatureBlock(minimal);
    QVERIFY(carried.has_value());
    QCOMPARE(toBytesFrom(*carried), hex("AABBCC"));
}

void TestPkcs1::ecdsaInputSizes()
{
    Bytes digest64(64);
    for (std::size_t i = 0; i < digest64.size(); ++i) {
        digest64[i] = static_cast<std::uint8_t>(i + 1);
    }
    // Longer than the field: the leftmost bytes (FIPS 186-4 6.4).
    QCOMPARE(ecdsaInput(digest64, 32), Bytes(digest64.begin(), digest64.begin() + 32));
    QCOMPARE(ecdsaInput(digest64, 48), Bytes(digest64.begin(), digest64.begin() + 48));
    // Equal: unchanged. Shorter: left-padded with zeros, the same integer.
    const Bytes digest32(digest64.begin(), digest64.begin() + 32);
    QCOMPARE(ecdsaInput(digest32, 32), digest32);
    Bytes padded(16, 0x00);
    append(padded, digest32);
    QCOMPARE(ecdsaInput(digest32, 48), padded);
}

QTEST_GUILESS_MAIN(TestPkcs1)
#include "TestPkcs1.moc"
