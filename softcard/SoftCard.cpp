#include "softcard/SoftCard.h"

#include "core/piv/PivObjects.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <functional>

namespace sra::softcard {

using base::Bytes;
using base::ByteView;
using piv::PivAlgorithm;

namespace {
constexpr int kPinHashIterations = 20000;

using X509Ptr = crypto::Owned<X509>;
using BioPtr = crypto::Owned<BIO>;
using PkeyCtxPtr = crypto::Owned<EVP_PKEY_CTX>;

QString algorithmKey(PivAlgorithm a)
{
    switch (a) {
    case PivAlgorithm::Rsa2048:
        return QStringLiteral("rsa2048");
    case PivAlgorithm::EccP256:
        return QStringLiteral("p256");
    case PivAlgorithm::EccP384:
        return QStringLiteral("p384");
    }
    return {};
}

std::optional<PivAlgorithm> algorithmFromKey(const QString& s)
{
    for (auto a : {PivAlgorithm::Rsa2048, PivAlgorithm::EccP256, PivAlgorithm::EccP384}) {
        if (algorithmKey(a) == s) {
            return a;
        }
    }
    return std::nullopt;
}

EvpPkeyPtr generateKey(PivAlgorithm a)
{
    switch (a) {
    case PivAlgorithm::Rsa2048:
        return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
    case PivAlgorithm::EccP256:
        return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    case PivAlgorithm::EccP384:
        return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
    }
    return {};
}

// "/CN=Name/O=Org" (the openssl -subj form) → X509_NAME.
bool parseSubject(const QString& dn, X509_NAME* name)
{
    const QStringList parts = dn.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (parts.isEmpty()) {
        return false;
    }
    for (const QString& part : parts) {
        const qsizetype eq = part.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            return false;
        }
        const QByteArray field = part.left(eq).trimmed().toUtf8();
        const QByteArray value = part.mid(eq + 1).toUtf8();
        if (!X509_NAME_add_entry_by_txt(name,
                                        field.constData(),
                                        MBSTRING_UTF8,
                                        reinterpret_cast<const unsigned char*>(value.constData()),
                                        static_cast<int>(value.size()),
                                        -1,
                                        0)) {
            return false;
        }
    }
    return true;
}

bool addExtension(X509* cert, X509* issuer, int nid, const char* value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext) {
        return false;
    }
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

X509Ptr makeCertificate(EVP_PKEY* subjectKey,
                        X509_NAME* subject,
                        X509* issuerCert,
                        EVP_PKEY* issuerKey,
                        long notBeforeOffset,
                        long notAfterOffset,
                        const std::vector<std::pair<int, const char*>>& extensions)
{
    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7F; // positive INTEGER
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), notBeforeOffset);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), notAfterOffset);
    X509_set_subject_name(cert.get(), subject);
    X509_set_issuer_name(cert.get(), issuerCert ? X509_get_subject_name(issuerCert) : subject);
    X509_set_pubkey(cert.get(), subjectKey);
    X509* issuerForExt = issuerCert ? issuerCert : cert.get();
    for (const auto& [nid, value] : extensions) {
        if (!addExtension(cert.get(), issuerForExt, nid, value)) {
            return {};
        }
    }
    if (!X509_sign(cert.get(), issuerKey, EVP_sha256())) {
        return {};
    }
    return cert;
}

bool writePem(const QString& path, const std::function<int(BIO*)>& writer, bool secret)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!writer(bio.get())) {
        return false;
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return false;
    }
    if (secret) {
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    file.write(data, size);
    return file.commit();
}

EvpPkeyPtr readKey(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QByteArray pem = f.readAll();
    BioPtr bio(BIO_new_mem_buf(pem.constData(), static_cast<int>(pem.size())));
    return EvpPkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

std::optional<Bytes> readCertificateDer(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    const QByteArray pem = f.readAll();
    BioPtr bio(BIO_new_mem_buf(pem.constData(), static_cast<int>(pem.size())));
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) {
        return std::nullopt;
    }
    const int len = i2d_X509(cert.get(), nullptr);
    Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    i2d_X509(cert.get(), &p);
    return der;
}

QByteArray hashPin(const QByteArray& salt, ByteView pin)
{
    QByteArray out(32, '\0');
    PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(pin.data()),
                      static_cast<int>(pin.size()),
                      reinterpret_cast<const unsigned char*>(salt.constData()),
                      static_cast<int>(salt.size()),
                      kPinHashIterations,
                      EVP_sha256(),
                      static_cast<int>(out.size()),
                      reinterpret_cast<unsigned char*>(out.data()));
    return out;
}

QString slotFile(std::uint8_t slot, const char* suffix)
{
    return QStringLiteral("slot-%1.%2").arg(slot, 2, 16, QLatin1Char('0')).arg(QLatin1String(suffix));
}

const char* keyUsageFor(std::uint8_t slot)
{
    switch (slot) {
    case 0x9C:
        return "critical,digitalSignature,nonRepudiation";
    case 0x9D:
        return "critical,keyEncipherment,keyAgreement";
    default:
        return "critical,digitalSignature";
    }
}
} // namespace

QString SoftCard::create(const QString& dir, const CreateOptions& options)
{
    QDir d(dir);
    if (d.exists(QStringLiteral("card.json"))) {
        return QStringLiteral("%1 already holds a soft card").arg(dir);
    }
    if (!QDir().mkpath(dir)) {
        return QStringLiteral("cannot create %1").arg(dir);
    }
    const QByteArray pin = options.pin.toUtf8();
    if (pin.size() < 6 || pin.size() > 8) {
        return QStringLiteral("the PIN must be 6 to 8 characters");
    }

    const long day = 24 * 3600;
    const long notBefore = options.expired ? -30 * day : -day;
    const long notAfter = options.expired ? -day : options.validDays * day;

    // A small CA per card, so tests can configure a trust bundle that the card's certificates chain to.
    EvpPkeyPtr caKey = generateKey(PivAlgorithm::EccP256);
    X509_NAME* caName = X509_NAME_new();
    X509_NAME_add_entry_by_txt(
        caName, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("SRA Soft Card CA"), -1, -1, 0);
    X509Ptr caCert = makeCertificate(caKey.get(),
                                     caName,
                                     nullptr,
                                     caKey.get(),
                                     -30 * day,
                                     3650 * day,
                                     {
                                         {NID_basic_constraints,      "critical,CA:TRUE"            },
                                         {NID_key_usage,              "critical,keyCertSign,cRLSign"},
                                         {NID_subject_key_identifier, "hash"                        }
    });
    X509_NAME_free(caName);
    if (!caKey || !caCert) {
        return QStringLiteral("could not create the card's CA");
    }
    if (!writePem(
            d.filePath(QStringLiteral("ca.key.pem")),
            [&](BIO* b) { return PEM_write_bio_PrivateKey(b, caKey.get(), nullptr, nullptr, 0, nullptr, nullptr); },
            true)
        || !writePem(
            d.filePath(QStringLiteral("ca.cert.pem")),
            [&](BIO* b) { return PEM_write_bio_X509(b, caCert.get()); },
            false)) {
        return QStringLiteral("cannot write the CA files in %1").arg(dir);
    }

    X509_NAME* subject = X509_NAME_new();
    const bool subjectOk = parseSubject(options.subject, subject);
    if (!subjectOk) {
        X509_NAME_free(subject);
        return QStringLiteral("cannot parse subject \"%1\" (expected /CN=Name/O=Org)").arg(options.subject);
    }
    for (const auto& slot : piv::pivKeySlots()) {
        EvpPkeyPtr key = generateKey(options.algorithm);
        std::vector<std::pair<int, const char*>> ext{
            {NID_basic_constraints,        "critical,CA:FALSE" },
            {NID_key_usage,                keyUsageFor(slot.id)},
            {NID_authority_key_identifier, "keyid"             }
        };
        if (slot.id == 0x9A) {
            // TLS client authentication and Microsoft smart-card logon, as PIV Authentication certificates carry.
            ext.push_back({NID_ext_key_usage, "clientAuth,1.3.6.1.4.1.311.20.2.2"});
        }
        X509Ptr cert = makeCertificate(key.get(), subject, caCert.get(), caKey.get(), notBefore, notAfter, ext);
        if (!key || !cert) {
            X509_NAME_free(subject);
            return QStringLiteral("could not create the key or certificate of slot %1").arg(slot.id, 2, 16);
        }
        if (!writePem(
                d.filePath(slotFile(slot.id, "key.pem")),
                [&](BIO* b) { return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr); },
                true)
            || !writePem(
                d.filePath(slotFile(slot.id, "cert.pem")),
                [&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); },
                false)) {
            X509_NAME_free(subject);
            return QStringLiteral("cannot write slot files in %1").arg(dir);
        }
    }
    X509_NAME_free(subject);

    std::array<std::uint8_t, 16> guid{};
    RAND_bytes(guid.data(), static_cast<int>(guid.size()));

    SoftCard card;
    card.m_dir = dir;
    card.m_pinSalt = QByteArray(16, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(card.m_pinSalt.data()), 16);
    card.m_pinHash =
        hashPin(card.m_pinSalt, base::view(std::string_view(pin.constData(), static_cast<std::size_t>(pin.size()))));
    card.m_triesLeft = kMaxPinTries;
    QString error;
    if (!card.savePinState(&error)) {
        return error;
    }

    QJsonObject meta;
    meta[QStringLiteral("format")] = 1;
    meta[QStringLiteral("algorithm")] = algorithmKey(options.algorithm);
    meta[QStringLiteral("guid")] =
        QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(guid.data()), 16).toHex());
    meta[QStringLiteral("compressCertificates")] = options.compressCertificates;
    QSaveFile metaFile(d.filePath(QStringLiteral("card.json")));
    if (!metaFile.open(QIODevice::WriteOnly)) {
        return QStringLiteral("cannot write %1").arg(metaFile.fileName());
    }
    metaFile.write(QJsonDocument(meta).toJson());
    if (!metaFile.commit()) {
        return QStringLiteral("cannot write %1").arg(metaFile.fileName());
    }
    return {};
}

std::unique_ptr<SoftCard> SoftCard::load(const QString& dir, QString* error)
{
    QDir d(dir);
    QFile metaFile(d.filePath(QStringLiteral("card.json")));
    if (!metaFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1 is not a soft card (no card.json); create one with `sra-softcard create`").arg(dir);
        return nullptr;
    }
    const QJsonObject meta = QJsonDocument::fromJson(metaFile.readAll()).object();
    const auto algorithm = algorithmFromKey(meta.value(QStringLiteral("algorithm")).toString());
    const QByteArray guid = QByteArray::fromHex(meta.value(QStringLiteral("guid")).toString().toLatin1());
    if (meta.value(QStringLiteral("format")).toInt() != 1 || !algorithm || guid.size() != 16) {
        *error = QStringLiteral("%1/card.json is damaged").arg(dir);
        return nullptr;
    }
    std::unique_ptr<SoftCard> card(new SoftCard);
    card->m_dir = dir;
    card->m_algorithm = *algorithm;
    card->m_compress = meta.value(QStringLiteral("compressCertificates")).toBool();
    std::copy(guid.begin(), guid.end(), card->m_guid.begin());
    for (const auto& slot : piv::pivKeySlots()) {
        EvpPkeyPtr key = readKey(d.filePath(slotFile(slot.id, "key.pem")));
        auto der = readCertificateDer(d.filePath(slotFile(slot.id, "cert.pem")));
        if (!key || !der) {
            *error =
                QStringLiteral("%1: key or certificate of slot %2 missing or unreadable").arg(dir).arg(slot.id, 2, 16);
            return nullptr;
        }
        card->m_keys[slot.id] = std::move(key);
        card->m_certificates[slot.id] = std::move(*der);
    }
    if (!card->loadPinState(error)) {
        return nullptr;
    }
    return card;
}

bool SoftCard::savePinState(QString* error) const
{
    QJsonObject state;
    state[QStringLiteral("salt")] = QString::fromLatin1(m_pinSalt.toHex());
    state[QStringLiteral("hash")] = QString::fromLatin1(m_pinHash.toHex());
    state[QStringLiteral("iterations")] = kPinHashIterations;
    state[QStringLiteral("triesLeft")] = m_triesLeft;
    QSaveFile file(QDir(m_dir).filePath(QStringLiteral("pin.json")));
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1").arg(file.fileName());
        return false;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(state).toJson());
    if (!file.commit()) {
        *error = QStringLiteral("cannot write %1").arg(file.fileName());
        return false;
    }
    return true;
}

bool SoftCard::loadPinState(QString* error)
{
    QFile file(QDir(m_dir).filePath(QStringLiteral("pin.json")));
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1").arg(file.fileName());
        return false;
    }
    const QJsonObject state = QJsonDocument::fromJson(file.readAll()).object();
    m_pinSalt = QByteArray::fromHex(state.value(QStringLiteral("salt")).toString().toLatin1());
    m_pinHash = QByteArray::fromHex(state.value(QStringLiteral("hash")).toString().toLatin1());
    m_triesLeft = state.value(QStringLiteral("triesLeft")).toInt(-1);
    if (m_pinSalt.size() != 16 || m_pinHash.size() != 32 || m_triesLeft < 0 || m_triesLeft > kMaxPinTries
        || state.value(QStringLiteral("iterations")).toInt() != kPinHashIterations) {
        *error = QStringLiteral("%1 is damaged").arg(file.fileName());
        return false;
    }
    return true;
}

void SoftCard::installObjects(piv::PivCardEmulator& emulator) const
{
    for (const auto& slot : piv::pivKeySlots()) {
        const auto it = m_certificates.find(slot.id);
        if (it != m_certificates.end()) {
            emulator.setDataObject(piv::pivObjectInfo(slot.certificate).tag,
                                   piv::encodeCertificateObject(it->second, m_compress));
        }
    }
    const QString expiry = QDate::currentDate().addYears(5).toString(QStringLiteral("yyyyMMdd"));
    emulator.setDataObject(piv::pivObjectInfo(piv::PivObject::Chuid).tag,
                           piv::encodeChuid(m_guid, expiry.toStdString()));
    emulator.setDataObject(piv::pivObjectInfo(piv::PivObject::CardCapabilityContainer).tag,
                           piv::encodeCardCapabilityContainer(m_guid));
    emulator.setDataObject(piv::pivObjectInfo(piv::PivObject::DiscoveryObject).tag, piv::encodeDiscoveryObject());
    emulator.setDataObject(piv::pivObjectInfo(piv::PivObject::KeyHistoryObject).tag, piv::encodeKeyHistoryObject(0, 0));
}

std::optional<PivAlgorithm> SoftCard::keyAlgorithm(std::uint8_t slot) const
{
    if (m_keys.count(slot)) {
        return m_algorithm;
    }
    return std::nullopt;
}

int SoftCard::pinTriesLeft() const
{
    return m_triesLeft;
}

piv::PinCheck SoftCard::verifyPin(const base::SecureBytes& pin)
{
    piv::PinCheck result;
    QString error;
    if (m_triesLeft <= 0) {
        result.outcome = piv::PinCheck::Outcome::Blocked;
        result.triesLeft = 0;
        return result;
    }
    // Spend the try first and make it durable; give it back only after a match.
    --m_triesLeft;
    if (!savePinState(&error)) {
        ++m_triesLeft;
        result.outcome = piv::PinCheck::Outcome::Failed;
        return result;
    }
    QByteArray candidate = hashPin(m_pinSalt, ByteView(pin.data(), pin.size()));
    const bool match = CRYPTO_memcmp(candidate.constData(), m_pinHash.constData(), 32) == 0;
    base::secureZero(candidate.data(), static_cast<std::size_t>(candidate.size()));
    if (match) {
        m_triesLeft = kMaxPinTries;
        savePinState(&error);
        result.outcome = piv::PinCheck::Outcome::Verified;
        result.triesLeft = m_triesLeft;
        return result;
    }
    result.triesLeft = m_triesLeft;
    result.outcome = m_triesLeft == 0 ? piv::PinCheck::Outcome::Blocked : piv::PinCheck::Outcome::Wrong;
    return result;
}

base::Result<Bytes> SoftCard::sign(std::uint8_t slot, PivAlgorithm algorithm, ByteView input)
{
    const auto it = m_keys.find(slot);
    if (it == m_keys.end() || algorithm != m_algorithm) {
        return base::makeError(base::ErrorCode::NotFound, "no such key");
    }
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new(it->second.get(), nullptr));
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) <= 0) {
        return base::makeError(base::ErrorCode::CardError, "sign init failed");
    }
    if (algorithm == PivAlgorithm::Rsa2048 && EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) <= 0) {
        return base::makeError(base::ErrorCode::CardError, "cannot select raw RSA");
    }
    std::size_t size = 0;
    if (EVP_PKEY_sign(ctx.get(), nullptr, &size, input.data(), input.size()) <= 0) {
        return base::makeError(base::ErrorCode::CardError, "sign size query failed");
    }
    Bytes signature(size);
    if (EVP_PKEY_sign(ctx.get(), signature.data(), &size, input.data(), input.size()) <= 0) {
        // Raw RSA refuses input ≥ the modulus: a real card answers that with an error status too.
        return base::makeError(base::ErrorCode::CardError, "private-key operation refused");
    }
    signature.resize(size);
    return signature;
}

} // namespace sra::softcard
