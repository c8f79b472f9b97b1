#include "core/license/License.h"
#include "core/license/LicenseContainer.h"
#include "core/license/LicenseIssuer.h"
#include "core/license/LicensePayload.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

using sra::core::License;
using sra::core::LicenseStatus;

Q_DECLARE_METATYPE(sra::wire::ErrorCode)

namespace {

const QDate kIssued(2026, 1, 1);
const QDate kExpires(2026, 12, 31);
const QDate kToday(2026, 6, 15);

QByteArray readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        qFatal("cannot read %s", qPrintable(path));
    }
    return file.readAll();
}

QByteArray testPrivateKey()
{
    static const QByteArray key =
        readFile(qEnvironmentVariable("SRA_SOURCE_DIR") + QStringLiteral("/tests/data/license/test-license-key.pem"));
    return key;
}

QByteArray testPublicKey()
{
    return sra::core::licensePublicKeyFromPem(testPrivateKey());
}

License baseLicense()
{
    License license;
    license.format = 1;
    license.product = sra::core::licenseProductName();
    license.id = QStringLiteral("SRA-2026-0001");
    license.licensee = QStringLiteral("ACME Corp");
    license.seats = 5;
    license.issued = kIssued;
    license.expires = kExpires;
    return license;
}

QByteArray issue(const License& license, const QByteArray& key = testPrivateKey())
{
    QString error;
    const QByteArray text = sra::core::issueLicense(license, key, &error);
    if (text.isEmpty()) {
        qFatal("issueLicense failed: %s", qPrintable(error));
    }
    return text;
}

// Signs arbitrary payload bytes with the test key: for schema errors behind a good signature.
QByteArray signedPayload(const QByteArray& payload)
{
    return sra::core::armourLicense(payload, sra::core::signLicensePayload(payload, testPrivateKey()));
}

QByteArray payloadOf(const QByteArray& text)
{
    QByteArray payload;
    QByteArray signature;
    QString detail;
    if (!sra::core::dearmourLicense(text, payload, signature, detail)) {
        qFatal("dearmour failed: %s", qPrintable(detail));
    }
    return payload;
}

QByteArray signatureOf(const QByteArray& text)
{
    QByteArray payload;
    QByteArray signature;
    QString detail;
    sra::core::dearmourLicense(text, payload, signature, detail);
    return signature;
}

QByteArray profile(const QByteArray& licenseText)
{
    return sra::core::makeLicenseMobileConfig(licenseText,
                                              QStringLiteral("SRA-2026-0001"),
                                              QStringLiteral("ACME Corp"),
                                              QStringLiteral("6D1B6B9A-6C44-4C6B-9C36-4A7C5C7B0001"),
                                              QStringLiteral("6D1B6B9A-6C44-4C6B-9C36-4A7C5C7B0002"));
}

// A hand-written profile around one payload dict body (for the container's own error cases).
QByteArray handProfile(const QByteArray& payloadContent,
                       const QByteArray& topType = "Configuration",
                       const QByteArray& prolog = {})
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + prolog
           + "<plist version=\"1.0\"><dict><key>PayloadContent</key><array>" + payloadContent
           + "</array><key>PayloadType</key><string>" + topType + "</string></dict></plist>\n";
}

QByteArray licenseDict(const QByteArray& licenseText)
{
    return "<dict><key>PayloadType</key><string>com.secureremoteaccess.license</string><key>License</key><string>"
           + licenseText + "</string></dict>";
}

struct PkeyDeleter
{
    void operator()(EVP_PKEY* key) const
    {
        EVP_PKEY_free(key);
    }
};

struct X509Deleter
{
    void operator()(X509* cert) const
    {
        X509_free(cert);
    }
};

struct BioDeleter
{
    void operator()(BIO* bio) const
    {
        BIO_free(bio);
    }
};

struct CmsDeleter
{
    void operator()(CMS_ContentInfo* cms) const
    {
        CMS_ContentInfo_free(cms);
    }
};

// Signs `content` as CMS SignedData (DER) with a throwaway P-256 key and self-signed certificate, the way a
// profile signer does. `detached` leaves the content out.
QByteArray cmsSign(const QByteArray& content, bool detached = false)
{
    std::unique_ptr<EVP_PKEY, PkeyDeleter> key(EVP_EC_gen("P-256"));
    std::unique_ptr<X509, X509Deleter> cert(X509_new());
    if (!key || !cert) {
        qFatal("cannot make a key or certificate");
    }
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(
        name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Profile Signer"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
        qFatal("cannot sign the certificate");
    }
    std::unique_ptr<BIO, BioDeleter> in(BIO_new_mem_buf(content.constData(), static_cast<int>(content.size())));
    std::unique_ptr<CMS_ContentInfo, CmsDeleter> cms(
        CMS_sign(cert.get(), key.get(), nullptr, in.get(), CMS_BINARY | (detached ? CMS_DETACHED : 0)));
    std::unique_ptr<BIO, BioDeleter> out(BIO_new(BIO_s_mem()));
    if (!cms || i2d_CMS_bio(out.get(), cms.get()) != 1) {
        qFatal("CMS signing failed");
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    return QByteArray(data, size);
}

QByteArray replaced(QByteArray text, const QByteArray& before, const QByteArray& after)
{
    if (!text.contains(before)) {
        qFatal("test bug: %s not found", before.constData());
    }
    return text.replace(before, after);
}

} // namespace

class TestLicense : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void verify_data();
    void verify();
    void fieldsOnlyFromVerifiedPayloads();
    void canonicalRoundTrip();
    void issuerRefusesBadFields_data();
    void issuerRefusesBadFields();
    void builtInKey();
    void loadInstalled_data();
    void loadInstalled();
    void wireError_data();
    void wireError();
    void messages();
};

void TestLicense::verify_data()
{
    QTest::addColumn<QByteArray>("contents");
    QTest::addColumn<QDate>("today");
    QTest::addColumn<int>("expected");
    QTest::addColumn<QString>("detail"); // a fragment of LicenseStatus::detail, or empty

    const QByteArray valid = issue(baseLicense());
    const QByteArray payload = payloadOf(valid);
    const QByteArray signature = signatureOf(valid);
    const auto row = [](const char* name,
                        const QByteArray& contents,
                        const QDate& today,
                        LicenseStatus::Code code,
                        const char* detail = "") {
        QTest::addRow("%s", name) << contents << today << static_cast<int>(code) << QString::fromUtf8(detail);
    };

    // Dates: issue and expiry days are both inclusive.
    row("valid", valid, kToday, LicenseStatus::Valid);
    row("expires today still valid", valid, kExpires, LicenseStatus::Valid);
    row("expired yesterday", valid, kExpires.addDays(1), LicenseStatus::Expired, "expired on 2026-12-31");
    row("expired long ago", valid, QDate(2031, 1, 1), LicenseStatus::Expired);
    row("issued today valid", valid, kIssued, LicenseStatus::Valid);
    row("not yet issued", valid, kIssued.addDays(-1), LicenseStatus::NotYetValid, "valid from 2026-01-01");
    row("no date to judge by", valid, QDate(), LicenseStatus::Invalid);

    // Signature.
    row("payload tampered one byte",
        sra::core::armourLicense(replaced(payload, "\"seats\":5", "\"seats\":6"), signature),
        kToday,
        LicenseStatus::BadSignature);
    row("payload tampered licensee",
        sra::core::armourLicense(replaced(payload, "ACME", "ACMF"), signature),
        kToday,
        LicenseStatus::BadSignature);
    QByteArray flipped = signature;
    flipped[10] = static_cast<char>(flipped.at(10) ^ 0x01);
    row("signature tampered", sra::core::armourLicense(payload, flipped), kToday, LicenseStatus::BadSignature);
    row("signature all zero",
        sra::core::armourLicense(payload, QByteArray(64, '\0')),
        kToday,
        LicenseStatus::BadSignature);
    row("signed by another key",
        issue(baseLicense(), sra::core::generateLicenseKeyPem()),
        kToday,
        LicenseStatus::BadSignature);
    row("signature of another license",
        sra::core::armourLicense(payload, signatureOf(issue([] {
                                     auto l = baseLicense();
                                     l.seats = 500;
                                     return l;
                                 }()))),
        kToday,
        LicenseStatus::BadSignature);

    // Product.
    License other = baseLicense();
    other.product = QStringLiteral("other-product");
    row("wrong product", issue(other), kToday, LicenseStatus::WrongProduct, "other-product");
    other.product = QStringLiteral("Secure-Remote-Access");
    row("product differs in case", issue(other), kToday, LicenseStatus::WrongProduct);

    // Schema, behind a good signature.
    const QByteArray canonical = payload;
    for (const char* field : {"format", "product", "id", "licensee", "seats", "issued", "expires"}) {
        const QByteArray key = QByteArray("\"") + field + "\":";
        const qsizetype start = canonical.indexOf(key);
        qsizetype end = canonical.indexOf(',', start);
        QByteArray without = canonical;
        if (end < 0) { // the last field: drop the comma before it instead
            without.remove(start - 1, canonical.size() - 1 - (start - 1));
        } else {
            without.remove(start, end - start + 1);
        }
        const QByteArray name = QByteArray("missing ") + field;
        const QByteArray detail = QByteArray("\"") + field + "\" is missing";
        row(name.constData(), signedPayload(without), kToday, LicenseStatus::Invalid, detail.constData());
    }
    const auto schema = [&](const char* name, const QByteArray& before, const QByteArray& after, const char* detail) {
        row(name, signedPayload(replaced(canonical, before, after)), kToday, LicenseStatus::Invalid, detail);
    };
    schema("format as string", "\"format\":1", "\"format\":\"1\"", "not an integer");
    schema("format 2", "\"format\":1", "\"format\":2", "unsupported format 2");
    schema("product as number", "\"product\":\"secure-remote-access\"", "\"product\":7", "not a string");
    schema("id as number", "\"id\":\"SRA-2026-0001\"", "\"id\":20260001", "not a string");
    schema("id with space", "\"id\":\"SRA-2026-0001\"", "\"id\":\"SRA 2026\"", "may only contain");
    schema("id empty", "\"id\":\"SRA-2026-0001\"", "\"id\":\"\"", "\"id\" is empty");
    schema("licensee null", "\"licensee\":\"ACME Corp\"", "\"licensee\":null", "not a string");
    schema("licensee object", "\"licensee\":\"ACME Corp\"", "\"licensee\":{}", "not a string");
    schema("licensee with newline", "\"licensee\":\"ACME Corp\"", "\"licensee\":\"ACME\\nCorp\"", "control");
    schema("licensee padded", "\"licensee\":\"ACME Corp\"", "\"licensee\":\" ACME Corp\"", "white space");
    schema("seats as string", "\"seats\":5", "\"seats\":\"5\"", "not an integer");
    schema("seats fractional", "\"seats\":5", "\"seats\":5.5", "not an integer");
    schema("seats zero", "\"seats\":5", "\"seats\":0", "must be 1 to");
    schema("seats negative", "\"seats\":5", "\"seats\":-1", "must be 1 to");
    schema("seats huge", "\"seats\":5", "\"seats\":1e300", "not an integer");
    schema("seats as bool", "\"seats\":5", "\"seats\":true", "not an integer");
    schema("seats written 5.0", "\"seats\":5", "\"seats\":5.0", "canonical");
    schema("seats written 5e0", "\"seats\":5", "\"seats\":5e0", "canonical");
    schema("issued as number", "\"issued\":\"2026-01-01\"", "\"issued\":20260101", "not a string");
    schema("issued short form", "\"issued\":\"2026-01-01\"", "\"issued\":\"2026-1-1\"", "YYYY-MM-DD");
    schema("issued with time", "\"issued\":\"2026-01-01\"", "\"issued\":\"2026-01-01T00:00\"", "YYYY-MM-DD");
    schema("expires 30 February", "\"expires\":\"2026-12-31\"", "\"expires\":\"2026-02-30\"", "YYYY-MM-DD");
    schema("expires before issued", "\"expires\":\"2026-12-31\"", "\"expires\":\"2025-12-31\"", "before issued");
    schema("unknown field", "\"seats\":5", "\"seats\":5,\"admin\":true", "unknown field");
    schema("duplicate field", "\"seats\":5", "\"seats\":5,\"seats\":500", "");
    schema("white space", "\"seats\":5", "\"seats\": 5", "canonical");
    schema("fields reordered",
           "\"format\":1,\"product\":\"secure-remote-access\"",
           "\"product\":\"secure-remote-access\",\"format\":1",
           "canonical");
    schema("escaped letter", "\"licensee\":\"ACME Corp\"", "\"licensee\":\"\\u0041CME Corp\"", "canonical");
    row("payload not JSON", signedPayload("seats=5"), kToday, LicenseStatus::Invalid, "not JSON");
    row("payload JSON array", signedPayload("[1,2]"), kToday, LicenseStatus::Invalid, "not a JSON object");
    row("payload trailing newline", signedPayload(canonical + '\n'), kToday, LicenseStatus::Invalid, "canonical");

    // Armour and base64.
    row("empty", QByteArray(), kToday, LicenseStatus::Invalid, "empty");
    row("bare JSON, no armour", canonical, kToday, LicenseStatus::Invalid, "not a license");
    const qsizetype sigBegin = valid.indexOf("-----BEGIN SRA LICENSE SIGNATURE-----");
    const QByteArray licenseBlock = valid.left(sigBegin);
    const QByteArray signatureBlock = valid.mid(sigBegin);
    row("signature block missing", licenseBlock, kToday, LicenseStatus::Invalid, "SIGNATURE");
    row("license block missing", signatureBlock, kToday, LicenseStatus::Invalid, "BEGIN SRA LICENSE-----");
    row("blocks swapped", signatureBlock + licenseBlock, kToday, LicenseStatus::Invalid);
    row("license block duplicated", licenseBlock + licenseBlock + signatureBlock, kToday, LicenseStatus::Invalid);
    row("signature block duplicated", valid + signatureBlock, kToday, LicenseStatus::Invalid, "after the signature");
    row("END line missing", replaced(valid, "-----END SRA LICENSE-----\n", ""), kToday, LicenseStatus::Invalid);
    row("armour label misspelt",
        replaced(valid, "BEGIN SRA LICENSE-----", "BEGIN SRA LICENCE-----"),
        kToday,
        LicenseStatus::Invalid);
    row("trailing garbage", valid + "garbage\n", kToday, LicenseStatus::Invalid, "after the signature");
    row("trailing NUL", valid + QByteArray(1, '\0'), kToday, LicenseStatus::Invalid);
    row("leading text", "License for ACME\n" + valid, kToday, LicenseStatus::Invalid);
    row("blank line inside",
        replaced(valid, "-----END SRA LICENSE-----\n", "-----END SRA LICENSE-----\n\n"),
        kToday,
        LicenseStatus::Invalid);
    row("trailing blank lines allowed", valid + "\n\n", kToday, LicenseStatus::Valid);
    row("CRLF line ends allowed", QByteArray(valid).replace("\n", "\r\n"), kToday, LicenseStatus::Valid);
    row("no final newline allowed", valid.chopped(1), kToday, LicenseStatus::Valid);
    QByteArray badBase64 = valid;
    badBase64[licenseBlock.indexOf('\n') + 5] = '!';
    row("bad base64 character", badBase64, kToday, LicenseStatus::Invalid, "base64");
    row("base64 with space",
        replaced(valid, "\n-----END SRA LICENSE-----", " \n-----END SRA LICENSE-----"),
        kToday,
        LicenseStatus::Invalid,
        "base64");
    row("signature base64 without padding",
        sra::core::armourLicense(payload, signature)
            .replace("==\n-----END SRA LICENSE SIGNATURE", "\n-----END SRA LICENSE SIGNATURE"),
        kToday,
        LicenseStatus::Invalid,
        "base64");
    row("signature 63 bytes",
        sra::core::armourLicense(payload, signature.left(63)),
        kToday,
        LicenseStatus::Invalid,
        "63 bytes");
    row("signature 65 bytes",
        sra::core::armourLicense(payload, signature + 'x'),
        kToday,
        LicenseStatus::Invalid,
        "65 bytes");
    row("payload over 4096 bytes", signedPayload(QByteArray(5000, ' ')), kToday, LicenseStatus::Invalid, "4096");
    row("oversize file",
        valid + QByteArray(sra::core::kMaxLicenseFileSize + 1 - valid.size(), '\n'),
        kToday,
        LicenseStatus::Invalid,
        "larger than 65536");
    row("exactly 64 KiB with blank lines",
        valid + QByteArray(sra::core::kMaxLicenseFileSize - valid.size(), '\n'),
        kToday,
        LicenseStatus::Valid);

    // Configuration profiles (XML plist).
    const QByteArray mobileconfig = profile(valid);
    row("mobileconfig valid", mobileconfig, kToday, LicenseStatus::Valid);
    row("mobileconfig expired", mobileconfig, kExpires.addDays(1), LicenseStatus::Expired);
    row("mobileconfig tampered",
        profile(sra::core::armourLicense(replaced(payload, "ACME", "ACMF"), signature)),
        kToday,
        LicenseStatus::BadSignature);
    row("mobileconfig with BOM", "\xEF\xBB\xBF" + mobileconfig, kToday, LicenseStatus::Valid);
    row("mobileconfig License as data",
        handProfile("<dict><key>PayloadType</key><string>com.secureremoteaccess.license</string>"
                    "<key>License</key><data>\n\t"
                    + valid.toBase64() + "\n</data></dict>"),
        kToday,
        LicenseStatus::Valid);
    row("mobileconfig other payloads first",
        handProfile("<dict><key>PayloadType</key><string>com.apple.wifi.managed</string><key>SSID_STR</key>"
                    "<string>lab</string><key>AutoJoin</key><true/></dict>"
                    + licenseDict(valid)),
        kToday,
        LicenseStatus::Valid);
    row("mobileconfig without license payload",
        handProfile("<dict><key>PayloadType</key><string>com.apple.wifi.managed</string></dict>"),
        kToday,
        LicenseStatus::Invalid,
        "no com.secureremoteaccess.license payload");
    row("mobileconfig two license payloads",
        handProfile(licenseDict(valid) + licenseDict(valid)),
        kToday,
        LicenseStatus::Invalid,
        "more than one");
    row("mobileconfig License missing",
        handProfile("<dict><key>PayloadType</key><string>com.secureremoteaccess.license</string></dict>"),
        kToday,
        LicenseStatus::Invalid,
        "no License");
    row("mobileconfig License as integer",
        handProfile("<dict><key>PayloadType</key><string>com.secureremoteaccess.license</string><key>License</key>"
                    "<integer>1</integer></dict>"),
        kToday,
        LicenseStatus::Invalid,
        "no License");
    row("mobileconfig not a Configuration",
        handProfile(licenseDict(valid), "com.apple.wifi.managed"),
        kToday,
        LicenseStatus::Invalid,
        "Configuration");
    row("mobileconfig duplicate key",
        handProfile("<dict><key>PayloadType</key><string>com.secureremoteaccess.license</string>"
                    "<key>PayloadType</key><string>x</string></dict>"),
        kToday,
        LicenseStatus::Invalid,
        "duplicate key");
    row("mobileconfig entity declaration",
        handProfile(licenseDict("&lic;"), "Configuration", "<!DOCTYPE plist [<!ENTITY lic \"x\">]>\n"),
        kToday,
        LicenseStatus::Invalid,
        "entities");
    row("mobileconfig unknown element",
        handProfile("<blob/>" + licenseDict(valid)),
        kToday,
        LicenseStatus::Invalid,
        "unknown property list element");
    row("mobileconfig text between elements", handProfile("text" + licenseDict(valid)), kToday, LicenseStatus::Invalid);
    row("mobileconfig unclosed", mobileconfig.left(mobileconfig.size() - 20), kToday, LicenseStatus::Invalid, "XML");
    row("mobileconfig garbage after plist", mobileconfig + "<plist/>", kToday, LicenseStatus::Invalid);
    QByteArray deep = licenseDict(valid);
    for (int i = 0; i < 12; ++i) {
        deep = "<array>" + deep + "</array>";
    }
    row("mobileconfig nested too deeply", handProfile(deep), kToday, LicenseStatus::Invalid, "deeply");
    row("mobileconfig not a plist", "<html><body/></html>", kToday, LicenseStatus::Invalid, "not a property list");
    row("mobileconfig license with trailing garbage",
        profile(valid + "garbage"),
        kToday,
        LicenseStatus::Invalid,
        "after the signature");

    // CMS (PKCS#7) signed profiles, as Apple signs them.
    const QByteArray cms = cmsSign(mobileconfig);
    row("cms-signed mobileconfig valid", cms, kToday, LicenseStatus::Valid);
    row("cms-signed mobileconfig expired", cms, kExpires.addDays(1), LicenseStatus::Expired);
    row("cms-signed tampered license",
        cmsSign(profile(sra::core::armourLicense(replaced(payload, "ACME", "ACMF"), signature))),
        kToday,
        LicenseStatus::BadSignature);
    row("cms detached content", cmsSign(mobileconfig, true), kToday, LicenseStatus::Invalid, "detached");
    row("cms trailing bytes", cms + "x", kToday, LicenseStatus::Invalid, "after the CMS");
    row("cms truncated", cms.left(cms.size() / 2), kToday, LicenseStatus::Invalid, "not a CMS");
    row("cms around a bare license", cmsSign(valid), kToday, LicenseStatus::Invalid, "not an XML");
    row("cms inside cms", cmsSign(cms), kToday, LicenseStatus::Invalid, "not an XML");
    row("DER garbage", QByteArray::fromHex("3003020101"), kToday, LicenseStatus::Invalid, "not a CMS");
}

void TestLicense::verify()
{
    QFETCH(QByteArray, contents);
    QFETCH(QDate, today);
    QFETCH(int, expected);
    QFETCH(QString, detail);

    const LicenseStatus status = sra::core::verifyLicense(contents, today, testPublicKey());
    QVERIFY2(status.code == expected,
             qPrintable(QStringLiteral("got %1 (%2), expected %3")
                            .arg(sra::core::licenseStatusCodeName(status.code),
                                 status.detail,
                                 sra::core::licenseStatusCodeName(static_cast<LicenseStatus::Code>(expected)))));
    QVERIFY2(status.detail.contains(detail), qPrintable(status.detail));
    QCOMPARE(status.isValid(), expected == LicenseStatus::Valid);
    if (expected == LicenseStatus::Valid) {
        QVERIFY(status.detail.isEmpty());
        QCOMPARE(status.license.licensee, QStringLiteral("ACME Corp"));
    }
}

void TestLicense::fieldsOnlyFromVerifiedPayloads()
{
    const QByteArray valid = issue(baseLicense());
    const auto good = sra::core::verifyLicense(valid, kToday, testPublicKey());
    QCOMPARE(good.code, LicenseStatus::Valid);
    QVERIFY(good.signatureVerified);
    QCOMPARE(good.license.format, 1);
    QCOMPARE(good.license.product, QStringLiteral("secure-remote-access"));
    QCOMPARE(good.license.id, QStringLiteral("SRA-2026-0001"));
    QCOMPARE(good.license.licensee, QStringLiteral("ACME Corp"));
    QCOMPARE(good.license.seats, 5);
    QCOMPARE(good.license.issued, kIssued);
    QCOMPARE(good.license.expires, kExpires);

    const auto other =
        sra::core::verifyLicense(valid, kToday, sra::core::licensePublicKeyFromPem(sra::core::generateLicenseKeyPem()));
    QCOMPARE(other.code, LicenseStatus::BadSignature);
    QVERIFY(!other.signatureVerified);
    QVERIFY(other.license.licensee.isEmpty());
    QCOMPARE(other.license.seats, 0);

    // A key that is not 32 bytes verifies nothing.
    QCOMPARE(sra::core::verifyLicense(valid, kToday, QByteArray(31, 'k')).code, LicenseStatus::BadSignature);
    QCOMPARE(sra::core::verifyLicense(valid, kToday, QByteArray()).code, LicenseStatus::BadSignature);
}

void TestLicense::canonicalRoundTrip()
{
    License license = baseLicense();
    license.licensee = QStringLiteral("Zoë \"Ops\" Müller \\ Bäckerei 東京");
    license.id = QStringLiteral("a.b_c:d-1");
    license.seats = 1000000;
    license.issued = QDate(2000, 1, 1);
    license.expires = QDate(9999, 12, 31);
    const auto status = sra::core::verifyLicense(issue(license), kToday, testPublicKey());
    QCOMPARE(status.code, LicenseStatus::Valid);
    QCOMPARE(status.license.licensee, license.licensee);
    QCOMPARE(status.license.id, license.id);
    QCOMPARE(status.license.seats, license.seats);
    QCOMPARE(status.license.expires, license.expires);
    QCOMPARE(sra::core::canonicalLicensePayload(baseLicense()),
             QByteArray("{\"format\":1,\"product\":\"secure-remote-access\",\"id\":\"SRA-2026-0001\",\"licensee\":"
                        "\"ACME Corp\",\"seats\":5,\"issued\":\"2026-01-01\",\"expires\":\"2026-12-31\"}"));
}

void TestLicense::issuerRefusesBadFields_data()
{
    QTest::addColumn<License>("license");
    QTest::addColumn<QByteArray>("key");
    const QByteArray key = testPrivateKey();
    const auto with = [](auto change) {
        License license = baseLicense();
        change(license);
        return license;
    };
    QTest::addRow("seats 0") << with([](License& l) { l.seats = 0; }) << key;
    QTest::addRow("seats too many") << with([](License& l) { l.seats = 1000001; }) << key;
    QTest::addRow("licensee empty") << with([](License& l) { l.licensee.clear(); }) << key;
    QTest::addRow("licensee with tab") << with([](License& l) { l.licensee = QStringLiteral("a\tb"); }) << key;
    QTest::addRow("id with slash") << with([](License& l) { l.id = QStringLiteral("a/b"); }) << key;
    QTest::addRow("expires before issued") << with([](License& l) { l.expires = l.issued.addDays(-1); }) << key;
    QTest::addRow("no expiry") << with([](License& l) { l.expires = QDate(); }) << key;
    QTest::addRow("format 2") << with([](License& l) { l.format = 2; }) << key;
    QTest::addRow("public key instead of private") << baseLicense() << sra::core::licensePublicKeyPemFromPrivate(key);
    QTest::addRow("not a key") << baseLicense() << QByteArray("-----BEGIN PRIVATE KEY-----\nAAAA\n");
}

void TestLicense::issuerRefusesBadFields()
{
    QFETCH(License, license);
    QFETCH(QByteArray, key);
    QString error;
    QVERIFY(sra::core::issueLicense(license, key, &error).isEmpty());
    QVERIFY(!error.isEmpty());
}

void TestLicense::builtInKey()
{
    QCOMPARE(sra::core::builtInLicensePublicKey().size(), sra::core::kLicensePublicKeySize);
#if SRA_LICENSE_USES_TEST_KEY
    QVERIFY(sra::core::builtInLicenseKeyIsTestKey());
    QCOMPARE(sra::core::builtInLicensePublicKey(), testPublicKey());
    // The default argument is the built-in key.
    QCOMPARE(sra::core::verifyLicense(issue(baseLicense()), kToday).code, LicenseStatus::Valid);
#else
    QVERIFY(!sra::core::builtInLicenseKeyIsTestKey());
    QVERIFY(sra::core::builtInLicensePublicKey() != testPublicKey());
    QCOMPARE(sra::core::verifyLicense(issue(baseLicense()), kToday).code, LicenseStatus::BadSignature);
#endif
    const QByteArray pub = readFile(qEnvironmentVariable("SRA_SOURCE_DIR")
                                    + QStringLiteral("/tests/data/license/test-license-key.pub.pem"));
    QCOMPARE(sra::core::licensePublicKeyFromPem(pub), testPublicKey());
}

void TestLicense::loadInstalled_data()
{
    QTest::addColumn<QStringList>("names"); // files to write, "name=kind"
    QTest::addColumn<int>("expected");
    QTest::addColumn<QString>("source"); // file name of the verdict, empty for none
    QTest::addColumn<QDate>("expires");  // of the chosen license, when it has fields

    const QDate later(2027, 6, 30);
    QTest::addRow("no files") << QStringList() << int(LicenseStatus::Missing) << QString() << QDate();
    QTest::addRow("unrelated files only")
        << QStringList{QStringLiteral("license.txt=valid"), QStringLiteral("srad.conf=valid")}
        << int(LicenseStatus::Missing) << QString() << QDate();
    QTest::addRow("one sralic") << QStringList{QStringLiteral("license.sralic=valid")} << int(LicenseStatus::Valid)
                                << QStringLiteral("license.sralic") << kExpires;
    QTest::addRow("one mobileconfig") << QStringList{QStringLiteral("acme.mobileconfig=profile")}
                                      << int(LicenseStatus::Valid) << QStringLiteral("acme.mobileconfig") << kExpires;
    QTest::addRow("one signed mobileconfig")
        << QStringList{QStringLiteral("acme.mobileconfig=signed-profile")} << int(LicenseStatus::Valid)
        << QStringLiteral("acme.mobileconfig") << kExpires;
    QTest::addRow("one expired") << QStringList{QStringLiteral("license.sralic=expired")} << int(LicenseStatus::Expired)
                                 << QStringLiteral("license.sralic") << QDate(2026, 3, 31);
    QTest::addRow("one tampered") << QStringList{QStringLiteral("license.sralic=tampered")}
                                  << int(LicenseStatus::BadSignature) << QStringLiteral("license.sralic") << QDate();
    QTest::addRow("valid beats expired and garbage")
        << QStringList{QStringLiteral("a.sralic=garbage"),
                       QStringLiteral("b.sralic=expired"),
                       QStringLiteral("c.mobileconfig=profile"),
                       QStringLiteral("d.sralic=tampered")}
        << int(LicenseStatus::Valid) << QStringLiteral("c.mobileconfig") << kExpires;
    QTest::addRow("later expiry wins") << QStringList{QStringLiteral("a.sralic=valid"),
                                                      QStringLiteral("b.sralic=later"),
                                                      QStringLiteral("c.sralic=valid")}
                                       << int(LicenseStatus::Valid) << QStringLiteral("b.sralic") << later;
    QTest::addRow("expired beats bad signature and garbage")
        << QStringList{QStringLiteral("a.sralic=tampered"),
                       QStringLiteral("b.sralic=garbage"),
                       QStringLiteral("c.sralic=expired")}
        << int(LicenseStatus::Expired) << QStringLiteral("c.sralic") << QDate(2026, 3, 31);
    QTest::addRow("wrong product beats bad signature")
        << QStringList{QStringLiteral("a.sralic=tampered"), QStringLiteral("b.sralic=wrong-product")}
        << int(LicenseStatus::WrongProduct) << QStringLiteral("b.sralic") << kExpires;
    QTest::addRow("oversize file refused")
        << QStringList{QStringLiteral("license.sralic=oversize")} << int(LicenseStatus::Invalid)
        << QStringLiteral("license.sralic") << QDate();
    QTest::addRow("oversize file does not hide a valid one")
        << QStringList{QStringLiteral("a.sralic=oversize"), QStringLiteral("b.sralic=valid")}
        << int(LicenseStatus::Valid) << QStringLiteral("b.sralic") << kExpires;
    QTest::addRow("directory named like a license ignored")
        << QStringList{QStringLiteral("dir.sralic=directory")} << int(LicenseStatus::Missing) << QString() << QDate();
}

void TestLicense::loadInstalled()
{
    QFETCH(QStringList, names);
    QFETCH(int, expected);
    QFETCH(QString, source);
    QFETCH(QDate, expires);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray valid = issue(baseLicense());
    for (const QString& entry : names) {
        const QString name = entry.section(QLatin1Char('='), 0, 0);
        const QString kind = entry.section(QLatin1Char('='), 1);
        QByteArray contents;
        License license = baseLicense();
        if (kind == QStringLiteral("valid")) {
            contents = valid;
        } else if (kind == QStringLiteral("later")) {
            license.expires = QDate(2027, 6, 30);
            contents = issue(license);
        } else if (kind == QStringLiteral("expired")) {
            license.expires = QDate(2026, 3, 31);
            contents = issue(license);
        } else if (kind == QStringLiteral("wrong-product")) {
            license.product = QStringLiteral("other-product");
            contents = issue(license);
        } else if (kind == QStringLiteral("tampered")) {
            contents = sra::core::armourLicense(replaced(payloadOf(valid), "ACME", "ACMF"), signatureOf(valid));
        } else if (kind == QStringLiteral("profile")) {
            contents = profile(valid);
        } else if (kind == QStringLiteral("signed-profile")) {
            contents = cmsSign(profile(valid));
        } else if (kind == QStringLiteral("garbage")) {
            contents = "not a license\n";
        } else if (kind == QStringLiteral("oversize")) {
            contents = valid + QByteArray(sra::core::kMaxLicenseFileSize, '\n');
        } else if (kind == QStringLiteral("directory")) {
            QVERIFY(QDir(dir.path()).mkdir(name));
            continue;
        } else {
            QFAIL("test bug: unknown kind");
        }
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(contents), contents.size());
    }

    const LicenseStatus status = sra::core::loadInstalledLicense(dir.path(), kToday, testPublicKey());
    QVERIFY2(status.code == expected,
             qPrintable(sra::core::licenseStatusCodeName(status.code) + QLatin1Char(' ') + status.detail
                        + QLatin1Char(' ') + status.source));
    QCOMPARE(QFileInfo(status.source).fileName(), source);
    QCOMPARE(status.license.expires, expires);

    // A directory that does not exist has no license either.
    QCOMPARE(sra::core::loadInstalledLicense(dir.filePath(QStringLiteral("nope")), kToday, testPublicKey()).code,
             LicenseStatus::Missing);
}

void TestLicense::wireError_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<sra::wire::ErrorCode>("wire");
    QTest::addRow("missing") << int(LicenseStatus::Missing) << sra::wire::ErrorCode::LicenseMissing;
    QTest::addRow("expired") << int(LicenseStatus::Expired) << sra::wire::ErrorCode::LicenseExpired;
    QTest::addRow("bad signature") << int(LicenseStatus::BadSignature) << sra::wire::ErrorCode::LicenseBadSignature;
    QTest::addRow("wrong product") << int(LicenseStatus::WrongProduct) << sra::wire::ErrorCode::LicenseWrongProduct;
    QTest::addRow("invalid") << int(LicenseStatus::Invalid) << sra::wire::ErrorCode::LicenseInvalid;
    QTest::addRow("not yet valid") << int(LicenseStatus::NotYetValid) << sra::wire::ErrorCode::LicenseInvalid;
}

void TestLicense::wireError()
{
    QFETCH(int, code);
    QFETCH(sra::wire::ErrorCode, wire);
    QCOMPARE(sra::core::wireErrorFor(static_cast<LicenseStatus::Code>(code)), wire);
    QVERIFY(!sra::core::remoteLicenseErrorMessage(wire).isEmpty());
}

void TestLicense::messages()
{
    LicenseStatus status = sra::core::verifyLicense(issue(baseLicense()), QDate(2027, 1, 1), testPublicKey());
    QCOMPARE(status.code, LicenseStatus::Expired);
    QCOMPARE(sra::core::licenseStatusMessage(status),
             QStringLiteral("This machine's license expired on 2026-12-31. Install a renewed license with sra-setup "
                            "or in Preferences."));

    QSet<QString> sentences;
    for (int code = LicenseStatus::Valid; code <= LicenseStatus::Invalid; ++code) {
        LicenseStatus s = status;
        s.code = static_cast<LicenseStatus::Code>(code);
        s.detail = QStringLiteral("a detail");
        const QString sentence = sra::core::licenseStatusMessage(s);
        QVERIFY(!sentence.isEmpty());
        QVERIFY2(sentence.endsWith(QLatin1Char('.')), qPrintable(sentence));
        sentences.insert(sentence);
    }
    QCOMPARE(sentences.size(), int(LicenseStatus::Invalid) + 1);
    status.code = LicenseStatus::Invalid;
    status.detail = QStringLiteral("the signature block is not valid base64");
    QVERIFY(sra::core::licenseStatusMessage(status).contains(status.detail));
    QVERIFY(sra::core::remoteLicenseErrorMessage(sra::wire::ErrorCode::Timeout).isEmpty());
}

QTEST_GUILESS_MAIN(TestLicense)
#include "TestLicense.moc"
