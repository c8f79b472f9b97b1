#include "core/auth/AuthChallenge.h"
#include "core/crypto/OpenSslPtr.h"

#include <QCryptographicHash>
#include <QFile>
#include <QHash>
#include <QTemporaryDir>
#include <QTest>

#include <openssl/ec.h>
#include <openssl/rsa.h>

#include <ctime>

using sra::core::AdminCertificateCheck;
using sra::crypto::Owned;

Q_DECLARE_METATYPE(sra::core::AdminCertificateCheck)
Q_DECLARE_METATYPE(sra::wire::ErrorCode)

namespace {

using Pkey = std::shared_ptr<EVP_PKEY>;

// "RSA" with bits, "EC" with a curve name, or "ED25519".
Pkey makeKey(const char* type, const char* curve = nullptr, size_t bits = 0)
{
    EVP_PKEY* key = nullptr;
    if (bits != 0) {
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, type, bits);
    } else if (curve != nullptr) {
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve);
    } else {
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, type);
    }
    return Pkey(key, EVP_PKEY_free);
}

struct Issued
{
    QSslCertificate certificate;
    QByteArray der;
    QByteArray pem;
};

// An X.509 v3 certificate for `key`, signed by `issuerKey` (self-signed when `issuer` is null), valid from
// now + notBeforeOffset to now + notAfterOffset (seconds).
Issued makeCertificate(EVP_PKEY* key,
                       const char* commonName,
                       long notBeforeOffset,
                       long notAfterOffset,
                       bool ca,
                       EVP_PKEY* issuerKey = nullptr,
                       X509* issuer = nullptr)
{
    static long serial = 1;
    Owned<X509> cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), ++serial);
    time_t now = std::time(nullptr);
    X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, notBeforeOffset, &now);
    X509_time_adj_ex(X509_getm_notAfter(cert.get()), 0, notAfterOffset, &now);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(
        name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(commonName), -1, -1, 0);
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(cert.get(), key);

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
    const auto addExtension = [&](int nid, const char* value) {
        Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
        return ext && X509_add_ext(cert.get(), ext.get(), -1) == 1;
    };
    bool ok = addExtension(NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE")
              && addExtension(NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature")
              && addExtension(NID_subject_key_identifier, "hash");
    if (issuer) {
        ok = ok && addExtension(NID_authority_key_identifier, "keyid:always");
    }
    EVP_PKEY* signer = issuerKey ? issuerKey : key;
    const EVP_MD* md = EVP_PKEY_get_base_id(signer) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
    Issued out;
    if (!ok || X509_sign(cert.get(), signer, md) <= 0) {
        return out;
    }
    unsigned char* der = nullptr;
    const int len = i2d_X509(cert.get(), &der);
    if (len <= 0) {
        return out;
    }
    out.der = QByteArray(reinterpret_cast<const char*>(der), len);
    OPENSSL_free(der);
    out.certificate = QSslCertificate(out.der, QSsl::Der);
    out.pem = out.certificate.toPem();
    return out;
}

Owned<X509> toX509(const QByteArray& der)
{
    const auto* p = reinterpret_cast<const unsigned char*>(der.constData());
    return Owned<X509>(d2i_X509(nullptr, &p, der.size()));
}

// EVP_PKEY_sign over `tbs` with SHA-256 as the signature digest; RSA with `rsaPadding`.
QByteArray sign(EVP_PKEY* key, const QByteArray& tbs, int rsaPadding = RSA_PKCS1_PADDING)
{
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(key, nullptr));
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1) {
        return {};
    }
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
        if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), rsaPadding) != 1) {
            return {};
        }
        if (rsaPadding == RSA_PKCS1_PSS_PADDING && EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), 32) != 1) {
            return {};
        }
    }
    const auto* in = reinterpret_cast<const unsigned char*>(tbs.constData());
    size_t len = 0;
    if (EVP_PKEY_sign(ctx.get(), nullptr, &len, in, size_t(tbs.size())) != 1) {
        return {};
    }
    QByteArray sig(qsizetype(len), '\0');
    if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, size_t(tbs.size())) != 1) {
        return {};
    }
    sig.resize(qsizetype(len));
    return sig;
}

// A DER ECDSA signature re-encoded as the fixed-width r || s some APIs produce.
QByteArray rawRs(const QByteArray& der, int fieldBytes)
{
    const auto* p = reinterpret_cast<const unsigned char*>(der.constData());
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(d2i_ECDSA_SIG(nullptr, &p, der.size()), ECDSA_SIG_free);
    if (!sig) {
        return {};
    }
    QByteArray out(2 * fieldBytes, '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), o, fieldBytes) != fieldBytes
        || BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), o + fieldBytes, fieldBytes) != fieldBytes) {
        return {};
    }
    return out;
}

QByteArray sha256(const QByteArray& data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

QByteArray bytes(char fill, int size)
{
    return QByteArray(size, fill);
}

} // namespace

// The authentication challenge: D, the admin-certificate checks (key type, validity, CA chain) and signature
// verification, each against keys, certificates and signatures made here with OpenSSL.
class TestAuthChallenge : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void digestMatchesTheDefinition();
    void digestDependsOnEveryInput_data();
    void digestDependsOnEveryInput();
    void randomNonce();
    void verifyAccepts_data();
    void verifyAccepts();
    void verifyRefuses_data();
    void verifyRefuses();
    void checkCertificate_data();
    void checkCertificate();
    void validityBoundaries();
    void caBundle_data();
    void caBundle();
    void unreadableBundle_data();
    void unreadableBundle();
    void wireErrorFor_data();
    void wireErrorFor();

private:
    QString writeFile(const QString& name, const QByteArray& content) const
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(content) != content.size()) {
            return {};
        }
        return path;
    }

    QTemporaryDir m_dir;
    QHash<QString, Pkey> m_keys;
    QHash<QString, Issued> m_certs;
    QHash<QString, std::shared_ptr<X509>> m_x509;
};

void TestAuthChallenge::initTestCase()
{
    QVERIFY(m_dir.isValid());

    struct KeySpec
    {
        const char* name;
        const char* type;
        const char* curve;
        size_t bits;
    };

    const KeySpec keys[] = {
        {"rsa2048",       "RSA",     nullptr,           2048},
        {"rsa2048-other", "RSA",     nullptr,           2048},
        {"p256",          "EC",      "P-256",           0   },
        {"p256-other",    "EC",      "P-256",           0   },
        {"p384",          "EC",      "P-384",           0   },
        {"p384-other",    "EC",      "P-384",           0   },
        {"rsa1024",       "RSA",     nullptr,           1024},
        {"rsa3072",       "RSA",     nullptr,           3072},
        {"rsa4096",       "RSA",     nullptr,           4096},
        {"p521",          "EC",      "P-521",           0   },
        {"secp256k1",     "EC",      "secp256k1",       0   },
        {"brainpool256",  "EC",      "brainpoolP256r1", 0   },
        {"brainpool384",  "EC",      "brainpoolP384r1", 0   },
        {"ed25519",       "ED25519", nullptr,           0   },
        {"ca",            "EC",      "P-256",           0   },
        {"ca-other",      "EC",      "P-256",           0   },
    };
    for (const KeySpec& k : keys) {
        Pkey key = makeKey(k.type, k.curve, k.bits);
        QVERIFY2(key, k.name);
        m_keys.insert(QLatin1String(k.name), key);
    }
    const long day = 24 * 3600;
    // Self-signed leaves, valid from yesterday for 30 days, one per key.
    for (auto it = m_keys.cbegin(); it != m_keys.cend(); ++it) {
        const bool isCa = it.key().startsWith(QLatin1String("ca"));
        Issued c = makeCertificate(it.value().get(), qPrintable(it.key()), -day, 30 * day, isCa);
        QVERIFY2(!c.certificate.isNull(), qPrintable(it.key()));
        m_certs.insert(it.key(), c);
    }
    for (const char* ca : {"ca", "ca-other"}) {
        m_x509.insert(QLatin1String(ca),
                      std::shared_ptr<X509>(toX509(m_certs.value(QLatin1String(ca)).der).release(), X509_free));
    }
    const auto issue = [&](const char* name, const char* keyName, long from, long to, const char* ca) {
        Issued c = makeCertificate(m_keys.value(QLatin1String(keyName)).get(),
                                   name,
                                   from,
                                   to,
                                   false,
                                   m_keys.value(QLatin1String(ca)).get(),
                                   m_x509.value(QLatin1String(ca)).get());
        m_certs.insert(QLatin1String(name), c);
        return !c.certificate.isNull();
    };
    QVERIFY(issue("leaf-of-ca", "p384", -day, 30 * day, "ca"));
    QVERIFY(issue("rsa-leaf-of-ca", "rsa2048", -day, 30 * day, "ca"));
    QVERIFY(issue("leaf-of-other-ca", "p256", -day, 30 * day, "ca-other"));
    QVERIFY(issue("not-yet-valid", "p256", day, 30 * day, "ca"));
    QVERIFY(issue("expired", "p256", -30 * day, -day, "ca"));
    // A leaf that outlives its CA: checked at a time after the CA expired but within the leaf's validity.
    QVERIFY(issue("outlives-ca", "p256", -day, 400 * day, "ca"));
}

void TestAuthChallenge::digestMatchesTheDefinition()
{
    const QByteArray server = m_certs.value(QStringLiteral("rsa2048")).der;
    const QByteArray admin = m_certs.value(QStringLiteral("p256")).der;
    const QByteArray clientNonce = sra::core::randomNonce();
    const QByteArray serverNonce = sra::core::randomNonce();
    QByteArray message = QByteArrayLiteral("SRA-AUTH-1");
    message += sha256(server);
    message += clientNonce;
    message += serverNonce;
    message += sha256(admin);
    QCOMPARE(message.size(), 10 + 4 * 32);
    const QByteArray d = sra::core::authChallengeDigest(server, clientNonce, serverNonce, admin);
    QCOMPARE(d.size(), 32);
    QCOMPARE(d, sha256(message));
}

void TestAuthChallenge::digestDependsOnEveryInput_data()
{
    QTest::addColumn<int>("input");
    QTest::addColumn<int>("position");
    QTest::addRow("server certificate, first byte") << 0 << 0;
    QTest::addRow("server certificate, last byte") << 0 << -1;
    QTest::addRow("client nonce, first byte") << 1 << 0;
    QTest::addRow("client nonce, last byte") << 1 << -1;
    QTest::addRow("server nonce, first byte") << 2 << 0;
    QTest::addRow("server nonce, last byte") << 2 << -1;
    QTest::addRow("admin certificate, first byte") << 3 << 0;
    QTest::addRow("admin certificate, last byte") << 3 << -1;
}

void TestAuthChallenge::digestDependsOnEveryInput()
{
    QFETCH(int, input);
    QFETCH(int, position);
    QByteArrayList inputs{m_certs.value(QStringLiteral("rsa2048")).der,
                          bytes('c', 32),
                          bytes('s', 32),
                          m_certs.value(QStringLiteral("p384")).der};
    const QByteArray before = sra::core::authChallengeDigest(inputs[0], inputs[1], inputs[2], inputs[3]);
    QByteArray& changed = inputs[input];
    const qsizetype at = position < 0 ? changed.size() + position : position;
    changed[at] = char(changed.at(at) ^ 0x01);
    const QByteArray after = sra::core::authChallengeDigest(inputs[0], inputs[1], inputs[2], inputs[3]);
    QCOMPARE(after.size(), 32);
    QVERIFY(after != before);
    // Swapping the two certificates or the two nonces changes it as well.
    QVERIFY(sra::core::authChallengeDigest(inputs[3], inputs[1], inputs[2], inputs[0])
            != sra::core::authChallengeDigest(inputs[0], inputs[1], inputs[2], inputs[3]));
    QVERIFY(sra::core::authChallengeDigest(inputs[0], inputs[2], inputs[1], inputs[3])
            != sra::core::authChallengeDigest(inputs[0], inputs[1], inputs[2], inputs[3]));
}

void TestAuthChallenge::randomNonce()
{
    QByteArrayList seen;
    for (int i = 0; i < 16; ++i) {
        const QByteArray n = sra::core::randomNonce();
        QCOMPARE(n.size(), sra::core::kNonceSize);
        QCOMPARE(n.size(), 32);
        QVERIFY(!seen.contains(n));
        seen.append(n);
    }
    QVERIFY(seen.first() != QByteArray(32, '\0'));
}

void TestAuthChallenge::verifyAccepts_data()
{
    QTest::addColumn<QString>("key");
    QTest::addRow("RSA-2048 PKCS#1 v1.5") << "rsa2048";
    QTest::addRow("ECDSA P-256") << "p256";
    QTest::addRow("ECDSA P-384") << "p384";
}

void TestAuthChallenge::verifyAccepts()
{
    QFETCH(QString, key);
    const QByteArray d = sra::core::authChallengeDigest(m_certs.value(QStringLiteral("ca")).der,
                                                        sra::core::randomNonce(),
                                                        sra::core::randomNonce(),
                                                        m_certs.value(key).der);
    for (int i = 0; i < 3; ++i) { // ECDSA signatures differ each time; each must verify
        const QByteArray sig = sign(m_keys.value(key).get(), d);
        QVERIFY(!sig.isEmpty());
        QVERIFY(sra::core::verifyAuthSignature(m_certs.value(key).certificate, d, sig));
    }
}

void TestAuthChallenge::verifyRefuses_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("mutation");

    const struct
    {
        const char* key;
        const char* label;
    } keys[] = {
        {"rsa2048", "RSA-2048"},
        {"p256",    "P-256"   },
        {"p384",    "P-384"   }
    };

    const char* common[] = {"other digest",
                            "other key",
                            "truncated",
                            "one byte short",
                            "extended",
                            "empty",
                            "garbage",
                            "flipped bit",
                            "digest of 31 bytes",
                            "digest of 33 bytes",
                            "digest of 0 bytes",
                            "other key type",
                            "null certificate"};
    for (const auto& k : keys) {
        for (const char* m : common) {
            QTest::addRow("%s: %s", k.label, m) << k.key << m;
        }
    }
    QTest::addRow("RSA-2048: PSS") << "rsa2048"
                                   << "pss";
    QTest::addRow("RSA-2048: no padding") << "rsa2048"
                                          << "raw rsa";
    QTest::addRow("P-256: raw r||s") << "p256"
                                     << "raw r||s";
    QTest::addRow("P-384: raw r||s") << "p384"
                                     << "raw r||s";
    QTest::addRow("P-256: DER with trailing byte") << "p256"
                                                   << "trailing";
    QTest::addRow("P-384: DER with trailing byte") << "p384"
                                                   << "trailing";
}

void TestAuthChallenge::verifyRefuses()
{
    QFETCH(QString, key);
    QFETCH(QString, mutation);
    EVP_PKEY* pkey = m_keys.value(key).get();
    QSslCertificate cert = m_certs.value(key).certificate;
    QByteArray d = sra::core::authChallengeDigest(
        bytes('S', 100), sra::core::randomNonce(), sra::core::randomNonce(), m_certs.value(key).der);
    QByteArray sig = sign(pkey, d);
    QVERIFY(!sig.isEmpty());
    QVERIFY(sra::core::verifyAuthSignature(cert, d, sig)); // the unchanged signature is good

    const QString otherKey = key + QStringLiteral("-other");
    if (mutation == QLatin1String("other digest")) {
        sig = sign(pkey, sha256(d));
    } else if (mutation == QLatin1String("other key")) {
        sig = sign(m_keys.value(otherKey).get(), d);
    } else if (mutation == QLatin1String("truncated")) {
        sig = sig.left(sig.size() / 2);
    } else if (mutation == QLatin1String("one byte short")) {
        sig.chop(1);
    } else if (mutation == QLatin1String("extended")) {
        sig.prepend('\0');
    } else if (mutation == QLatin1String("trailing")) {
        sig.append('\0');
    } else if (mutation == QLatin1String("empty")) {
        sig.clear();
    } else if (mutation == QLatin1String("garbage")) {
        sig = QByteArray(sig.size(), '\x5a');
    } else if (mutation == QLatin1String("flipped bit")) {
        sig[sig.size() / 2] = char(sig.at(sig.size() / 2) ^ 0x10);
    } else if (mutation == QLatin1String("digest of 31 bytes")) {
        d = d.left(31);
        const QByteArray s = sign(pkey, d); // ECDSA signs any length; RSA with a SHA-256 DigestInfo refuses
        sig = s.isEmpty() ? sig : s;
    } else if (mutation == QLatin1String("digest of 33 bytes")) {
        d.append('\0');
    } else if (mutation == QLatin1String("digest of 0 bytes")) {
        d.clear();
    } else if (mutation == QLatin1String("other key type")) {
        sig = sign(
            m_keys.value(key == QLatin1String("rsa2048") ? QStringLiteral("p256") : QStringLiteral("rsa2048")).get(),
            d);
    } else if (mutation == QLatin1String("null certificate")) {
        cert = QSslCertificate();
    } else if (mutation == QLatin1String("pss")) {
        sig = sign(pkey, d, RSA_PKCS1_PSS_PADDING);
    } else if (mutation == QLatin1String("raw rsa")) {
        // The digest itself, zero-padded to the modulus and "signed" without any padding.
        Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(pkey, nullptr));
        QVERIFY(ctx && EVP_PKEY_sign_init(ctx.get()) == 1
                && EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) == 1);
        QByteArray block(256, '\0');
        block.replace(256 - 32, 32, d);
        size_t len = 256;
        sig = QByteArray(256, '\0');
        QVERIFY(EVP_PKEY_sign(ctx.get(),
                              reinterpret_cast<unsigned char*>(sig.data()),
                              &len,
                              reinterpret_cast<const unsigned char*>(block.constData()),
                              256)
                == 1);
    } else if (mutation == QLatin1String("raw r||s")) {
        sig = rawRs(sig, key == QLatin1String("p256") ? 32 : 48);
    } else {
        QFAIL("unknown mutation");
    }
    QVERIFY(!sig.isEmpty() || mutation == QLatin1String("empty"));
    QVERIFY(!sra::core::verifyAuthSignature(cert, d, sig));
}

void TestAuthChallenge::checkCertificate_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<AdminCertificateCheck>("expected");
    QTest::addRow("RSA-2048") << "rsa2048" << AdminCertificateCheck::Ok;
    QTest::addRow("EC P-256") << "p256" << AdminCertificateCheck::Ok;
    QTest::addRow("EC P-384") << "p384" << AdminCertificateCheck::Ok;
    QTest::addRow("issued by a CA, no bundle") << "leaf-of-other-ca" << AdminCertificateCheck::Ok;
    QTest::addRow("not yet valid") << "not-yet-valid" << AdminCertificateCheck::NotYetValid;
    QTest::addRow("expired") << "expired" << AdminCertificateCheck::Expired;
    QTest::addRow("RSA-1024") << "rsa1024" << AdminCertificateCheck::Unsupported;
    QTest::addRow("RSA-3072") << "rsa3072" << AdminCertificateCheck::Unsupported;
    QTest::addRow("RSA-4096") << "rsa4096" << AdminCertificateCheck::Unsupported;
    QTest::addRow("EC P-521") << "p521" << AdminCertificateCheck::Unsupported;
    QTest::addRow("EC secp256k1") << "secp256k1" << AdminCertificateCheck::Unsupported;
    QTest::addRow("EC brainpoolP256r1") << "brainpool256" << AdminCertificateCheck::Unsupported;
    QTest::addRow("EC brainpoolP384r1") << "brainpool384" << AdminCertificateCheck::Unsupported;
    QTest::addRow("Ed25519") << "ed25519" << AdminCertificateCheck::Unsupported;
    QTest::addRow("null certificate") << "none" << AdminCertificateCheck::Unsupported;
}

void TestAuthChallenge::checkCertificate()
{
    QFETCH(QString, certificate);
    QFETCH(AdminCertificateCheck, expected);
    QString detail;
    QCOMPARE(sra::core::checkAdminCertificate(
                 m_certs.value(certificate).certificate, QString(), QDateTime::currentDateTimeUtc(), &detail),
             expected);
    QCOMPARE(sra::core::checkAdminCertificate(
                 m_certs.value(certificate).certificate, QString(), QDateTime::currentDateTimeUtc()),
             expected); // no detail pointer
}

void TestAuthChallenge::validityBoundaries()
{
    const QSslCertificate c = m_certs.value(QStringLiteral("p256")).certificate;
    const QDateTime from = c.effectiveDate();
    const QDateTime to = c.expiryDate();
    QVERIFY(from.isValid() && to.isValid() && from < to);
    using sra::core::checkAdminCertificate;
    QCOMPARE(checkAdminCertificate(c, QString(), from.addSecs(-1)), AdminCertificateCheck::NotYetValid);
    QCOMPARE(checkAdminCertificate(c, QString(), from), AdminCertificateCheck::Ok);
    QCOMPARE(checkAdminCertificate(c, QString(), to), AdminCertificateCheck::Ok);
    QCOMPARE(checkAdminCertificate(c, QString(), to.addSecs(1)), AdminCertificateCheck::Expired);
    // The expired certificate becomes valid when checked at a time within its period: `now` is what counts.
    const QSslCertificate old = m_certs.value(QStringLiteral("expired")).certificate;
    QCOMPARE(checkAdminCertificate(old, QString(), old.effectiveDate().addSecs(60)), AdminCertificateCheck::Ok);
}

void TestAuthChallenge::caBundle_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QStringList>("bundle");
    QTest::addColumn<int>("daysFromNow");
    QTest::addColumn<AdminCertificateCheck>("expected");
    const QStringList ca{QStringLiteral("ca")};
    const QStringList both{QStringLiteral("ca-other"), QStringLiteral("ca")};
    QTest::addRow("chained leaf") << "leaf-of-ca" << ca << 0 << AdminCertificateCheck::Ok;
    QTest::addRow("chained RSA leaf") << "rsa-leaf-of-ca" << ca << 0 << AdminCertificateCheck::Ok;
    QTest::addRow("chained leaf, second CA of the bundle") << "leaf-of-ca" << both << 0 << AdminCertificateCheck::Ok;
    QTest::addRow("self-signed leaf") << "p256" << ca << 0 << AdminCertificateCheck::Untrusted;
    QTest::addRow("leaf of another CA") << "leaf-of-other-ca" << ca << 0 << AdminCertificateCheck::Untrusted;
    QTest::addRow("leaf of another CA, its CA added") << "leaf-of-other-ca" << both << 0 << AdminCertificateCheck::Ok;
    QTest::addRow("chained but expired") << "expired" << ca << 0 << AdminCertificateCheck::Expired;
    QTest::addRow("chained but not yet valid") << "not-yet-valid" << ca << 0 << AdminCertificateCheck::NotYetValid;
    QTest::addRow("leaf valid, CA expired") << "outlives-ca" << ca << 100 << AdminCertificateCheck::Untrusted;
    QTest::addRow("leaf valid, CA valid") << "outlives-ca" << ca << 20 << AdminCertificateCheck::Ok;
    QTest::addRow("unsupported key, trusted CA")
        << "rsa1024" << QStringList{QStringLiteral("rsa1024")} << 0 << AdminCertificateCheck::Unsupported;
}

void TestAuthChallenge::caBundle()
{
    QFETCH(QString, certificate);
    QFETCH(QStringList, bundle);
    QFETCH(int, daysFromNow);
    QFETCH(AdminCertificateCheck, expected);
    QByteArray pem;
    for (const QString& name : bundle) {
        pem += m_certs.value(name).pem;
    }
    const QString file =
        writeFile(QStringLiteral("bundle-%1.pem").arg(QString::fromLatin1(QTest::currentDataTag()).size()), pem);
    QVERIFY(!file.isEmpty());
    QString detail;
    const AdminCertificateCheck got = sra::core::checkAdminCertificate(
        m_certs.value(certificate).certificate, file, QDateTime::currentDateTimeUtc().addDays(daysFromNow), &detail);
    QCOMPARE(got, expected);
    QCOMPARE(detail.isEmpty(), expected != AdminCertificateCheck::Untrusted);
}

void TestAuthChallenge::unreadableBundle_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addRow("missing file") << "missing";
    QTest::addRow("empty file") << "empty";
    QTest::addRow("not PEM") << "garbage";
    QTest::addRow("a directory") << "directory";
    QTest::addRow("truncated PEM") << "truncated";
}

void TestAuthChallenge::unreadableBundle()
{
    QFETCH(QString, kind);
    QString file;
    if (kind == QLatin1String("missing")) {
        file = m_dir.filePath(QStringLiteral("no-such-bundle.pem"));
    } else if (kind == QLatin1String("empty")) {
        file = writeFile(QStringLiteral("empty.pem"), QByteArray());
    } else if (kind == QLatin1String("garbage")) {
        file = writeFile(QStringLiteral("garbage.pem"), QByteArray(300, 'x'));
    } else if (kind == QLatin1String("directory")) {
        file = m_dir.path();
    } else {
        const QByteArray pem = m_certs.value(QStringLiteral("ca")).pem;
        file = writeFile(QStringLiteral("truncated.pem"), pem.left(pem.size() / 2));
    }
    QVERIFY(!file.isEmpty());
    QString detail;
    QCOMPARE(
        sra::core::checkAdminCertificate(
            m_certs.value(QStringLiteral("leaf-of-ca")).certificate, file, QDateTime::currentDateTimeUtc(), &detail),
        AdminCertificateCheck::Untrusted);
    QVERIFY(!detail.isEmpty());
    QVERIFY2(detail.contains(file), qPrintable(detail));
}

void TestAuthChallenge::wireErrorFor_data()
{
    using sra::wire::ErrorCode;
    QTest::addColumn<AdminCertificateCheck>("check");
    QTest::addColumn<ErrorCode>("code");
    QTest::addRow("Unsupported") << AdminCertificateCheck::Unsupported << ErrorCode::CertificateInvalid;
    QTest::addRow("NotYetValid") << AdminCertificateCheck::NotYetValid << ErrorCode::CertificateExpired;
    QTest::addRow("Expired") << AdminCertificateCheck::Expired << ErrorCode::CertificateExpired;
    QTest::addRow("Untrusted") << AdminCertificateCheck::Untrusted << ErrorCode::CertificateUntrusted;
    QTest::addRow("Ok") << AdminCertificateCheck::Ok << ErrorCode::CertificateInvalid;
}

void TestAuthChallenge::wireErrorFor()
{
    QFETCH(AdminCertificateCheck, check);
    QFETCH(sra::wire::ErrorCode, code);
    QCOMPARE(sra::core::wireErrorFor(check), code);
    QCOMPARE(quint32(sra::core::wireErrorFor(check)), quint32(code)); // the numbers on the wire (PROTOCOL.md)
}

QTEST_GUILESS_MAIN(TestAuthChallenge)
#include "TestAuthChallenge.moc"
