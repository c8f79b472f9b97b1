#include "OpenSslCli.h"
#include "core/remote/TlsIdentity.h"
#include "core/tls/Fingerprint.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using sra::core::TlsIdentity;
using sra::test::makeSelfSigned;
using sra::test::openSslFingerprint;
using sra::test::runOpenSsl;

namespace {

constexpr auto kPrivateBits = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
                              | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;

QByteArray readAll(const QString& file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString& file, const QByteArray& bytes)
{
    QFile f(file);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

} // namespace

// The TLS identity: self-signed generation checked by the openssl tool, fingerprints, loading, and the
// lookup of installed certificates by fingerprint.
class TestTlsIdentity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void generateThenLoad();
    void generateIpAddress();
    void generateRefusesBadHostName_data();
    void generateRefusesBadHostName();
    void parseFingerprint_data();
    void parseFingerprint();
    void formatFingerprint();
    void loadErrors_data();
    void loadErrors();
    void loadDerAndRsa();
    void findInstalled_data();
    void findInstalled();
    void findInstalledCountsLinksOnce();

private:
    QString file(const QString& name) const
    {
        return m_dir.filePath(name);
    }

    QTemporaryDir m_dir;
    QString m_certs;
    QString m_keys;
};

void TestTlsIdentity::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // An installed store as under /etc/ssl: a (EC), b (RSA), c without its key, a copy of b's cert, a bundle
    // that holds d's certificate second, and an encrypted key.
    m_certs = file(QStringLiteral("etc/ssl/certs"));
    m_keys = file(QStringLiteral("etc/ssl/private"));
    QVERIFY(QDir().mkpath(m_certs) && QDir().mkpath(m_keys));
    for (const auto& [name, type] : {
             std::pair{"a", "ec" },
             {"b", "rsa"},
             {"c", "ec" },
             {"d", "ec" },
             {"e", "ec" },
             {"f", "ec" }
    }) {
        const QString n = QLatin1String(name);
        auto r = makeSelfSigned(m_certs + QStringLiteral("/%1.pem").arg(n),
                                m_keys + QStringLiteral("/%1.key").arg(n),
                                QStringLiteral("/CN=%1.example").arg(n),
                                QLatin1String(type));
        QVERIFY2(r.ok, qPrintable(r.error));
    }
    QVERIFY(QFile::remove(m_keys + QStringLiteral("/c.key")));
    QVERIFY(QFile::copy(m_certs + QStringLiteral("/b.pem"), m_certs + QStringLiteral("/b-copy.crt")));
    // d only inside a bundle (after f), not on its own.
    QVERIFY(writeFile(m_certs + QStringLiteral("/bundle.pem"),
                      readAll(m_certs + QStringLiteral("/f.pem")) + readAll(m_certs + QStringLiteral("/d.pem"))));
    QVERIFY(QFile::remove(m_certs + QStringLiteral("/d.pem")));
    QVERIFY(QFile::remove(m_certs + QStringLiteral("/f.pem")));
    // e's key only encrypted.
    auto enc = runOpenSsl({QStringLiteral("pkey"),
                           QStringLiteral("-in"),
                           m_keys + QStringLiteral("/e.key"),
                           QStringLiteral("-aes-128-cbc"),
                           QStringLiteral("-passout"),
                           QStringLiteral("pass:secret"),
                           QStringLiteral("-out"),
                           m_keys + QStringLiteral("/e-encrypted.key")});
    QVERIFY2(enc.ok, qPrintable(enc.error));
    QVERIFY(QFile::remove(m_keys + QStringLiteral("/e.key")));
    // Files that are not certificates are skipped.
    QVERIFY(writeFile(m_certs + QStringLiteral("/README.pem"), "not a certificate\n"));
}

void TestTlsIdentity::generateThenLoad()
{
    const QString cert = file(QStringLiteral("gen/identity.crt"));
    const QString key = file(QStringLiteral("gen/identity.key"));
    QVERIFY(QDir().mkpath(file(QStringLiteral("gen"))));
    QString error;
    QVERIFY2(TlsIdentity::generateSelfSigned(QStringLiteral("remote-1.example.org"), cert, key, error),
             qPrintable(error));
    QCOMPARE(QFileInfo(key).permissions() & kPrivateBits, QFileDevice::Permissions());

    TlsIdentity identity;
    QVERIFY2(TlsIdentity::load(cert, key, identity, error), qPrintable(error));
    QVERIFY(identity.isValid());
    QCOMPARE(identity.key.algorithm(), QSsl::Ec);
    const QString expected = openSslFingerprint(cert);
    QVERIFY(!expected.isEmpty());
    QCOMPARE(identity.sha256Fingerprint(), expected);

    // What openssl sees in it: P-256, SHA-256 signature, CN and SAN, serverAuth, not a CA, version 3.
    auto text = runOpenSsl(
        {QStringLiteral("x509"), QStringLiteral("-noout"), QStringLiteral("-text"), QStringLiteral("-in"), cert});
    QVERIFY2(text.ok, qPrintable(text.error));
    for (const char* needle : {"Version: 3",
                               "ecdsa-with-SHA256",
                               "NIST CURVE: P-256",
                               "CN = remote-1.example.org",
                               "DNS:remote-1.example.org",
                               "TLS Web Server Authentication",
                               "CA:FALSE",
                               "Digital Signature"}) {
        QVERIFY2(text.out.contains(needle), needle);
    }
    auto verify = runOpenSsl({QStringLiteral("verify"),
                              QStringLiteral("-CAfile"),
                              cert,
                              QStringLiteral("-purpose"),
                              QStringLiteral("sslserver"),
                              cert});
    QVERIFY2(verify.ok, qPrintable(verify.error));
    const QDateTime expiry = identity.certificate.expiryDate();
    QVERIFY(expiry > QDateTime::currentDateTimeUtc().addDays(3640));
    QVERIFY(identity.certificate.effectiveDate() <= QDateTime::currentDateTimeUtc());

    // A second identity: another key and another random, positive, 16-byte serial.
    const QString cert2 = file(QStringLiteral("gen/identity2.crt"));
    QVERIFY2(TlsIdentity::generateSelfSigned(
                 QStringLiteral("remote-1.example.org"), cert2, file(QStringLiteral("gen/identity2.key")), error),
             qPrintable(error));
    QSslCertificate other;
    QVERIFY(sra::core::loadCertificateFile(cert2, other, error));
    QVERIFY(other.serialNumber() != identity.certificate.serialNumber());
    QCOMPARE(identity.certificate.serialNumber().split(':').size(), 16);
    QVERIFY(other.publicKey() != identity.certificate.publicKey());
}

void TestTlsIdentity::generateIpAddress()
{
    const QString cert = file(QStringLiteral("gen/ip.crt"));
    QString error;
    QVERIFY2(
        TlsIdentity::generateSelfSigned(QStringLiteral("192.0.2.7"), cert, file(QStringLiteral("gen/ip.key")), error),
        qPrintable(error));
    auto text = runOpenSsl({QStringLiteral("x509"),
                            QStringLiteral("-noout"),
                            QStringLiteral("-ext"),
                            QStringLiteral("subjectAltName"),
                            QStringLiteral("-in"),
                            cert});
    QVERIFY2(text.out.contains("IP Address:192.0.2.7"), text.out.constData());
}

void TestTlsIdentity::generateRefusesBadHostName_data()
{
    QTest::addColumn<QString>("host");
    QTest::addRow("empty") << QString();
    QTest::addRow("comma injection") << QStringLiteral("a,DNS:evil.example");
    QTest::addRow("space") << QStringLiteral("my host");
    QTest::addRow("leading dash") << QStringLiteral("-host");
    QTest::addRow("empty label") << QStringLiteral("a..b");
    QTest::addRow("label too long") << QString(64, QLatin1Char('a'));
    QTest::addRow("non-ASCII") << QStringLiteral("h\u00f6st");
}

void TestTlsIdentity::generateRefusesBadHostName()
{
    QFETCH(QString, host);
    QString error;
    const QString cert = file(QStringLiteral("gen/bad.crt"));
    QVERIFY(!TlsIdentity::generateSelfSigned(host, cert, file(QStringLiteral("gen/bad.key")), error));
    QVERIFY2(error.contains(QStringLiteral("host name")), qPrintable(error));
    QVERIFY(!QFileInfo::exists(cert));
}

void TestTlsIdentity::parseFingerprint_data()
{
    const QByteArray sha256 = QCryptographicHash::hash("x", QCryptographicHash::Sha256);
    const QByteArray sha1 = QCryptographicHash::hash("x", QCryptographicHash::Sha1);
    const QString hex256 = QString::fromLatin1(sha256.toHex());
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("expected");

    QTest::addRow("formatted") << QString::fromLatin1(sha256.toHex(':').toUpper()) << sha256;
    QTest::addRow("formatted lower") << QString::fromLatin1(sha256.toHex(':')) << sha256;
    QTest::addRow("plain hex") << hex256 << sha256;
    QTest::addRow("plain upper, blanks around")
        << QStringLiteral("  ") + hex256.toUpper() + QStringLiteral("\n") << sha256;
    QTest::addRow("sha1") << QString::fromLatin1(sha1.toHex(':')) << sha1;
    QTest::addRow("openssl sha256 line") << QStringLiteral("sha256 Fingerprint=")
                                                + QString::fromLatin1(sha256.toHex(':').toUpper())
                                         << sha256;
    QTest::addRow("openssl SHA1 line") << QStringLiteral("SHA1 Fingerprint=")
                                              + QString::fromLatin1(sha1.toHex(':').toUpper())
                                       << sha1;
    QTest::addRow("empty") << QString() << QByteArray();
    QTest::addRow("odd length") << hex256.left(63) << QByteArray();
    QTest::addRow("31 bytes") << hex256.left(62) << QByteArray();
    QTest::addRow("33 bytes") << hex256 + QStringLiteral("00") << QByteArray();
    QTest::addRow("not hex") << QString(64, QLatin1Char('g')) << QByteArray();
    QTest::addRow("single digits") << QStringLiteral("A:B:C") << QByteArray();
    QTest::addRow("mixed separators") << QString::fromLatin1(sha256.toHex(':')).replace(2, 1, QLatin1Char(' '))
                                      << QByteArray();
    QTest::addRow("trailing colon") << QString::fromLatin1(sha256.toHex(':')) + QLatin1Char(':') << QByteArray();
    QTest::addRow("other prefix") << QStringLiteral("md5 Fingerprint=") + hex256 << QByteArray();
}

void TestTlsIdentity::parseFingerprint()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, expected);
    QCOMPARE(sra::core::parseFingerprint(text), expected);
}

void TestTlsIdentity::formatFingerprint()
{
    QCOMPARE(sra::core::formatFingerprint(QByteArray::fromHex("00ab1f")), QStringLiteral("00:AB:1F"));
    const QByteArray digest = QCryptographicHash::hash("y", QCryptographicHash::Sha256);
    QCOMPARE(sra::core::parseFingerprint(sra::core::formatFingerprint(digest)), digest);
}

void TestTlsIdentity::loadErrors_data()
{
    QTest::addColumn<QString>("cert");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("mentions");
    const QString certs = QStringLiteral("etc/ssl/certs/");
    const QString keys = QStringLiteral("etc/ssl/private/");
    QTest::addRow("missing certificate") << certs + QStringLiteral("none.pem") << keys + QStringLiteral("a.key")
                                         << "Cannot read";
    QTest::addRow("key instead of certificate")
        << keys + QStringLiteral("a.key") << keys + QStringLiteral("a.key") << "no X.509 certificate";
    QTest::addRow("missing key") << certs + QStringLiteral("a.pem") << keys + QStringLiteral("none.key")
                                 << "Cannot read";
    QTest::addRow("key of another certificate")
        << certs + QStringLiteral("a.pem") << keys + QStringLiteral("b.key") << "does not belong";
    QTest::addRow("certificate instead of key")
        << certs + QStringLiteral("a.pem") << certs + QStringLiteral("a.pem") << "no private key";
    QTest::addRow("encrypted key") << certs + QStringLiteral("a.pem") << keys + QStringLiteral("e-encrypted.key")
                                   << "encrypted";
    QTest::addRow("world-readable key") << certs + QStringLiteral("a.pem") << QStringLiteral("open.key")
                                        << "every user";
}

void TestTlsIdentity::loadErrors()
{
    QFETCH(QString, cert);
    QFETCH(QString, key);
    QFETCH(QString, mentions);
    if (key == QLatin1String("open.key")) {
        QFile::remove(file(key));
        QVERIFY(QFile::copy(m_keys + QStringLiteral("/a.key"), file(key)));
        QVERIFY(QFile::setPermissions(file(key),
                                      QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther));
    }
    TlsIdentity identity;
    QString error;
    QVERIFY(!TlsIdentity::load(file(cert), file(key), identity, error));
    QVERIFY2(error.contains(mentions), qPrintable(error));
    QVERIFY(!identity.isValid());
}

void TestTlsIdentity::loadDerAndRsa()
{
    const QString der = file(QStringLiteral("b.der"));
    const QString derKey = file(QStringLiteral("b-der.key"));
    auto r = runOpenSsl({QStringLiteral("x509"),
                         QStringLiteral("-in"),
                         m_certs + QStringLiteral("/b.pem"),
                         QStringLiteral("-outform"),
                         QStringLiteral("DER"),
                         QStringLiteral("-out"),
                         der});
    QVERIFY2(r.ok, qPrintable(r.error));
    r = runOpenSsl({QStringLiteral("pkey"),
                    QStringLiteral("-in"),
                    m_keys + QStringLiteral("/b.key"),
                    QStringLiteral("-outform"),
                    QStringLiteral("DER"),
                    QStringLiteral("-out"),
                    derKey});
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(QFile::setPermissions(derKey, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    TlsIdentity identity;
    QString error;
    QVERIFY2(TlsIdentity::load(der, derKey, identity, error), qPrintable(error));
    QCOMPARE(identity.key.algorithm(), QSsl::Rsa);
    QCOMPARE(identity.sha256Fingerprint(), openSslFingerprint(m_certs + QStringLiteral("/b.pem")));
}

void TestTlsIdentity::findInstalled_data()
{
    QTest::addColumn<QString>("fingerprint");  // "a:sha256" = a.pem's SHA-256 from openssl; or literal text
    QTest::addColumn<QString>("expectedCert"); // empty: failure
    QTest::addColumn<QString>("expectedKey");
    QTest::addColumn<QString>("mentions");

    QTest::addRow("sha256") << "a:sha256"
                            << "a.pem"
                            << "a.key"
                            << "";
    QTest::addRow("sha1") << "a:sha1"
                          << "a.pem"
                          << "a.key"
                          << "";
    QTest::addRow("plain lower-case hex") << "a:sha256:plain"
                                          << "a.pem"
                                          << "a.key"
                                          << "";
    QTest::addRow("no match") << QString(64, QLatin1Char('0')) << ""
                              << ""
                              << "No certificate";
    QTest::addRow("two certificates, same fingerprint") << "b:sha256"
                                                        << ""
                                                        << ""
                                                        << "installed twice";
    QTest::addRow("certificate without its key") << "c:sha256"
                                                 << ""
                                                 << ""
                                                 << "private key in";
    QTest::addRow("only inside a bundle") << "bundle-d"
                                          << ""
                                          << ""
                                          << "only inside the bundle";
    QTest::addRow("only an encrypted key") << "e:sha256"
                                           << ""
                                           << ""
                                           << "encrypted";
    QTest::addRow("not a fingerprint") << "hello"
                                       << ""
                                       << ""
                                       << "not a SHA-256 or SHA-1 fingerprint";
}

void TestTlsIdentity::findInstalled()
{
    QFETCH(QString, fingerprint);
    QFETCH(QString, expectedCert);
    QFETCH(QString, expectedKey);
    QFETCH(QString, mentions);
    if (fingerprint == QLatin1String("bundle-d")) {
        // d's fingerprint, from the second certificate of the bundle.
        QList<QSslCertificate> all = QSslCertificate::fromPath(m_certs + QStringLiteral("/bundle.pem"));
        QCOMPARE(all.size(), 2);
        fingerprint = sra::core::formatFingerprint(all.at(1).digest(QCryptographicHash::Sha256));
    } else if (fingerprint.contains(QLatin1Char(':'))) {
        const QStringList parts = fingerprint.split(QLatin1Char(':'));
        fingerprint =
            openSslFingerprint(m_certs + QLatin1Char('/') + parts.at(0) + QStringLiteral(".pem"), parts.at(1));
        QVERIFY(!fingerprint.isEmpty());
        if (parts.size() > 2) {
            fingerprint = fingerprint.remove(QLatin1Char(':')).toLower();
        }
    }
    QString cert;
    QString key;
    QString error;
    const bool ok = TlsIdentity::findInstalled(fingerprint, m_certs, m_keys, cert, key, error);
    if (expectedCert.isEmpty()) {
        QVERIFY(!ok);
        QVERIFY2(error.contains(mentions), qPrintable(error));
    } else {
        QVERIFY2(ok, qPrintable(error));
        QCOMPARE(cert, m_certs + QLatin1Char('/') + expectedCert);
        QCOMPARE(key, m_keys + QLatin1Char('/') + expectedKey);
    }
}

void TestTlsIdentity::findInstalledCountsLinksOnce()
{
    // /etc/ssl/certs is full of symbolic links; a link to the same file is not a second certificate.
    QTemporaryDir dir;
    const QString certs = dir.filePath(QStringLiteral("certs"));
    QVERIFY(QDir().mkpath(certs));
    QVERIFY(QFile::copy(m_certs + QStringLiteral("/a.pem"), certs + QStringLiteral("/a.pem")));
    QVERIFY(QFile::link(certs + QStringLiteral("/a.pem"), certs + QStringLiteral("/link-to-a.pem")));
    QString cert;
    QString key;
    QString error;
    QVERIFY2(TlsIdentity::findInstalled(
                 openSslFingerprint(m_certs + QStringLiteral("/a.pem")), certs, m_keys, cert, key, error),
             qPrintable(error));
    QCOMPARE(key, m_keys + QStringLiteral("/a.key"));
    QVERIFY(!TlsIdentity::findInstalled(openSslFingerprint(m_certs + QStringLiteral("/a.pem")),
                                        dir.filePath(QStringLiteral("missing")),
                                        m_keys,
                                        cert,
                                        key,
                                        error));
    QVERIFY2(error.contains(QStringLiteral("does not exist")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestTlsIdentity)
#include "TestTlsIdentity.moc"
