#include "core/remote/TlsIdentity.h"

#include "core/crypto/OpenSslPtr.h"
#include "core/tls/Fingerprint.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace sra::core {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("sra::core::TlsIdentity", text);
}

constexpr qint64 kMaxCertificateFile = 4 * 1024 * 1024; // a CA bundle such as ca-certificates.crt fits
constexpr qint64 kMaxKeyFile = 1024 * 1024;

using crypto::Owned;

// Wipes a buffer that held key material when it goes out of scope.
struct Wipe
{
    QByteArray& bytes;

    ~Wipe()
    {
        if (!bytes.isEmpty()) {
            OPENSSL_cleanse(bytes.data(), static_cast<size_t>(bytes.size()));
        }
    }
};

bool readBounded(const QString& file, qint64 limit, QByteArray& out, QString& error)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        error = tr("Cannot read %1 (%2); check the path and that this user may read it.").arg(file, f.errorString());
        return false;
    }
    out = f.read(limit + 1);
    if (out.size() > limit) {
        error = tr("%1 is larger than %2 bytes, too large for a certificate or key file; point to the right file.")
                    .arg(file)
                    .arg(limit);
        return false;
    }
    return true;
}

QList<QSslCertificate> parseCertificates(const QByteArray& bytes)
{
    QList<QSslCertificate> certificates = QSslCertificate::fromData(bytes, QSsl::Pem);
    if (certificates.isEmpty()) {
        certificates = QSslCertificate::fromData(bytes, QSsl::Der);
    }
    return certificates;
}

Owned<X509> toX509(const QSslCertificate& certificate)
{
    const QByteArray der = certificate.toDer();
    const auto* p = reinterpret_cast<const unsigned char*>(der.constData());
    return Owned<X509>(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

// A private key from PEM (PKCS#8 or traditional) or DER, never asking for a pass phrase.
Owned<EVP_PKEY> parsePrivateKey(const QByteArray& bytes)
{
    auto noPassword = [](char*, int, int, void*) -> int { return -1; };
    Owned<BIO> bio(BIO_new_mem_buf(bytes.constData(), static_cast<int>(bytes.size())));
    Owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassword, nullptr));
    if (!key) {
        Owned<BIO> der(BIO_new_mem_buf(bytes.constData(), static_cast<int>(bytes.size())));
        key.reset(d2i_PrivateKey_bio(der.get(), nullptr));
    }
    ERR_clear_error();
    return key;
}

bool looksEncrypted(const QByteArray& bytes)
{
    return bytes.contains("ENCRYPTED");
}

bool keyBelongsTo(X509* certificate, EVP_PKEY* key)
{
    const bool match = X509_check_private_key(certificate, key) == 1;
    ERR_clear_error();
    return match;
}

QString openSslError()
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) {
        return tr("unknown OpenSSL error");
    }
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return QString::fromLatin1(text);
}

// Writes `data` atomically; `permissions` are set on the temporary file before anything is written.
bool writeAtomically(
    const QString& file, const char* data, qsizetype size, QFileDevice::Permissions permissions, QString& error)
{
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly)) {
        error =
            tr("Cannot write %1 (%2); check that its directory exists and is writable.").arg(file, out.errorString());
        return false;
    }
    if (!out.setPermissions(permissions)) {
        out.cancelWriting();
        error = tr("Cannot set the permissions of %1 (%2); check the file system.").arg(file, out.errorString());
        return false;
    }
    if (out.write(data, size) != size || !out.commit()) {
        error = tr("Cannot write %1 (%2); check free space and permissions.").arg(file, out.errorString());
        return false;
    }
    return true;
}

bool isDnsName(const QString& name)
{
    static const QRegularExpression label(QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"));
    if (name.isEmpty() || name.size() > 253) {
        return false;
    }
    const QStringList labels = name.split(QLatin1Char('.'));
    for (const QString& l : labels) {
        if (!label.match(l).hasMatch()) {
            return false;
        }
    }
    return true;
}

bool addExtension(X509* certificate, X509V3_CTX* context, int nid, const char* value)
{
    Owned<X509_EXTENSION> extension(X509V3_EXT_conf_nid(nullptr, context, nid, value));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

bool addSubjectAltName(X509* certificate, const QString& hostName)
{
    Owned<GENERAL_NAMES> names(GENERAL_NAMES_new());
    GENERAL_NAME* name = GENERAL_NAME_new();
    if (!names || !name) {
        GENERAL_NAME_free(name);
        return false;
    }
    QHostAddress address;
    if (address.setAddress(hostName)) {
        QByteArray bytes;
        if (address.protocol() == QAbstractSocket::IPv4Protocol) {
            const quint32 v4 = address.toIPv4Address();
            bytes = QByteArray(4, '\0');
            for (int i = 0; i < 4; ++i) {
                bytes[i] = static_cast<char>((v4 >> (24 - 8 * i)) & 0xFF);
            }
        } else {
            const Q_IPV6ADDR v6 = address.toIPv6Address();
            bytes = QByteArray(reinterpret_cast<const char*>(v6.c), 16);
        }
        ASN1_OCTET_STRING* ip = ASN1_OCTET_STRING_new();
        if (!ip
            || ASN1_OCTET_STRING_set(
                   ip, reinterpret_cast<const unsigned char*>(bytes.constData()), static_cast<int>(bytes.size()))
                   != 1) {
            ASN1_OCTET_STRING_free(ip);
            GENERAL_NAME_free(name);
            return false;
        }
        GENERAL_NAME_set0_value(name, GEN_IPADD, ip);
    } else {
        const QByteArray ascii = hostName.toLatin1();
        ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
        if (!dns || ASN1_STRING_set(dns, ascii.constData(), static_cast<int>(ascii.size())) != 1) {
            ASN1_IA5STRING_free(dns);
            GENERAL_NAME_free(name);
            return false;
        }
        GENERAL_NAME_set0_value(name, GEN_DNS, dns);
    }
    if (sk_GENERAL_NAME_push(names.get(), name) <= 0) {
        GENERAL_NAME_free(name);
        return false;
    }
    return X509_add1_ext_i2d(certificate, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) == 1;
}

struct FileEntry
{
    QString path;
    QString canonical;
};

// Regular files of a directory in name order, each real file once (symbolic links to the same file count once).
QList<FileEntry> listFiles(const QString& dir, bool certificateSuffixOnly)
{
    QList<FileEntry> files;
    QSet<QString> seen;
    const QFileInfoList infos = QDir(dir).entryInfoList(QDir::Files | QDir::Readable | QDir::Hidden, QDir::Name);
    for (const QFileInfo& info : infos) {
        if (certificateSuffixOnly) {
            const QString suffix = info.suffix().toLower();
            if (suffix != QLatin1String("pem") && suffix != QLatin1String("crt") && suffix != QLatin1String("cer")) {
                continue;
            }
        }
        const QString canonical = info.canonicalFilePath();
        if (canonical.isEmpty() || seen.contains(canonical)) {
            continue;
        }
        seen.insert(canonical);
        files.append(FileEntry{info.filePath(), canonical});
    }
    return files;
}

} // namespace

bool loadCertificateFile(const QString& file, QSslCertificate& out, QString& error)
{
    QByteArray bytes;
    if (!readBounded(file, kMaxKeyFile, bytes, error)) {
        return false;
    }
    const QList<QSslCertificate> certificates = parseCertificates(bytes);
    if (certificates.isEmpty() || certificates.first().isNull()) {
        error =
            tr("%1 holds no X.509 certificate in PEM or DER form; export the certificate itself, not a key or request.")
                .arg(file);
        return false;
    }
    out = certificates.first();
    return true;
}

QString TlsIdentity::sha256Fingerprint() const
{
    return formatFingerprint(core::sha256Fingerprint(certificate));
}

bool TlsIdentity::load(const QString& certificateFile, const QString& keyFile, TlsIdentity& out, QString& error)
{
    TlsIdentity identity;
    if (!loadCertificateFile(certificateFile, identity.certificate, error)) {
        return false;
    }

    QByteArray keyBytes;
    Wipe wipeKey{keyBytes};
    if (!readBounded(keyFile, kMaxKeyFile, keyBytes, error)) {
        return false;
    }
    Owned<EVP_PKEY> key = parsePrivateKey(keyBytes);
    if (!key) {
        if (looksEncrypted(keyBytes)) {
            error = tr("The private key %1 is encrypted; srad needs it unencrypted (protect it with mode 600 instead).")
                        .arg(keyFile);
        } else {
            error = tr("%1 holds no private key in PEM or DER form; point to the key file of the certificate.")
                        .arg(keyFile);
        }
        return false;
    }
    // A secret key that every user may read is a key others may already have.
    const QFileInfo keyInfo(keyFile);
    if (keyInfo.exists()
        && (keyInfo.permissions() & (QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther))) {
        error =
            tr("The private key %1 is accessible to every user; run \"chmod 600 %1\" (or 640 with a trusted group).")
                .arg(keyFile);
        return false;
    }
    Owned<X509> x509 = toX509(identity.certificate);
    if (!x509 || !keyBelongsTo(x509.get(), key.get())) {
        error =
            tr("The private key %1 does not belong to the certificate %2; use the key the certificate was made for.")
                .arg(keyFile, certificateFile);
        return false;
    }
    QSsl::KeyAlgorithm algorithm;
    switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_RSA:
        algorithm = QSsl::Rsa;
        break;
    case EVP_PKEY_EC:
        algorithm = QSsl::Ec;
        break;
    default:
        error = tr("The private key %1 is neither RSA nor EC; srad needs an RSA or ECDSA identity.").arg(keyFile);
        return false;
    }
    // Hand Qt a PKCS#8 PEM from OpenSSL's secure heap, wiped when the BIO goes.
    Owned<BIO> pem(BIO_new(BIO_s_secmem()));
    if (!pem || PEM_write_bio_PrivateKey(pem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        error = tr("Cannot convert the private key %1 (%2).").arg(keyFile, openSslError());
        return false;
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(pem.get(), &data);
    identity.key =
        QSslKey(QByteArray::fromRawData(data, static_cast<qsizetype>(size)), algorithm, QSsl::Pem, QSsl::PrivateKey);
    if (identity.key.isNull()) {
        error = tr("Qt's TLS backend cannot use the private key %1; check that the Qt OpenSSL backend is installed.")
                    .arg(keyFile);
        return false;
    }
    out = identity;
    return true;
}

bool TlsIdentity::generateSelfSigned(const QString& hostName,
                                     const QString& certificateFile,
                                     const QString& keyFile,
                                     QString& error)
{
    QHostAddress address;
    if (!address.setAddress(hostName) && !isDnsName(hostName)) {
        error = tr("\"%1\" is not a DNS host name or IP address; give the machine's name.").arg(hostName);
        return false;
    }

    Owned<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    Owned<X509> x509(X509_new());
    Owned<BIGNUM> serialNumber;
    unsigned char serial[16];
    if (!key || !x509 || RAND_bytes(serial, sizeof serial) != 1) {
        error = tr("Cannot create a key pair (%1).").arg(openSslError());
        return false;
    }
    // 127 random bits, positive, and always 16 bytes long.
    serial[0] = static_cast<unsigned char>((serial[0] & 0x7F) | 0x40);
    serialNumber.reset(BN_bin2bn(serial, sizeof serial, nullptr));
    Owned<ASN1_INTEGER> serialInteger(serialNumber ? BN_to_ASN1_INTEGER(serialNumber.get(), nullptr) : nullptr);

    const QByteArray commonName = hostName.left(64).toUtf8();
    X509_NAME* name = X509_get_subject_name(x509.get());
    bool ok = serialInteger && X509_set_version(x509.get(), X509_VERSION_3) == 1
              && X509_set_serialNumber(x509.get(), serialInteger.get()) == 1
              // An hour back, for clocks that are a little behind; ten years ahead.
              && X509_gmtime_adj(X509_getm_notBefore(x509.get()), -3600) != nullptr
              && X509_time_adj_ex(X509_getm_notAfter(x509.get()), 3650, 0, nullptr) != nullptr
              && X509_NAME_add_entry_by_txt(name,
                                            "CN",
                                            MBSTRING_UTF8,
                                            reinterpret_cast<const unsigned char*>(commonName.constData()),
                                            static_cast<int>(commonName.size()),
                                            -1,
                                            0)
                     == 1
              && X509_set_issuer_name(x509.get(), name) == 1 && X509_set_pubkey(x509.get(), key.get()) == 1;
    if (ok) {
        X509V3_CTX context;
        X509V3_set_ctx(&context, x509.get(), x509.get(), nullptr, nullptr, 0);
        ok = addExtension(x509.get(), &context, NID_basic_constraints, "critical,CA:FALSE")
             && addExtension(x509.get(), &context, NID_key_usage, "critical,digitalSignature")
             && addExtension(x509.get(), &context, NID_ext_key_usage, "serverAuth")
             && addExtension(x509.get(), &context, NID_subject_key_identifier, "hash")
             && addSubjectAltName(x509.get(), hostName);
    }
    if (!ok || X509_sign(x509.get(), key.get(), EVP_sha256()) <= 0) {
        error = tr("Cannot build the self-signed certificate (%1).").arg(openSslError());
        return false;
    }

    Owned<BIO> keyPem(BIO_new(BIO_s_secmem()));
    Owned<BIO> certificatePem(BIO_new(BIO_s_mem()));
    if (!keyPem || !certificatePem
        || PEM_write_bio_PrivateKey(keyPem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1
        || PEM_write_bio_X509(certificatePem.get(), x509.get()) != 1) {
        error = tr("Cannot encode the new identity (%1).").arg(openSslError());
        return false;
    }
    char* keyData = nullptr;
    const long keySize = BIO_get_mem_data(keyPem.get(), &keyData);
    if (!writeAtomically(keyFile, keyData, keySize, QFileDevice::ReadOwner | QFileDevice::WriteOwner, error)) {
        return false;
    }
    if (QFileInfo(keyFile).permissions()
        & (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther
           | QFileDevice::WriteOther | QFileDevice::ExeOther)) {
        QFile::remove(keyFile);
        error = tr("%1 could not be made private to its owner; check the file system (it must support permissions).")
                    .arg(keyFile);
        return false;
    }
    char* certificateData = nullptr;
    const long certificateSize = BIO_get_mem_data(certificatePem.get(), &certificateData);
    return writeAtomically(certificateFile,
                           certificateData,
                           certificateSize,
                           QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                               | QFileDevice::ReadOther,
                           error);
}

bool TlsIdentity::findInstalled(const QString& fingerprint,
                                const QString& certificateDir,
                                const QString& keyDir,
                                QString& certificateFile,
                                QString& keyFile,
                                QString& error)
{
    const QByteArray wanted = parseFingerprint(fingerprint);
    if (wanted.isEmpty()) {
        error = tr("\"%1\" is not a SHA-256 or SHA-1 fingerprint; copy it as \"openssl x509 -noout -fingerprint "
                   "-sha256 -in FILE\" prints it.")
                    .arg(fingerprint);
        return false;
    }
    const auto algorithm = wanted.size() == 32 ? QCryptographicHash::Sha256 : QCryptographicHash::Sha1;
    const QString algorithmName = wanted.size() == 32 ? QStringLiteral("SHA-256") : QStringLiteral("SHA-1");
    if (!QFileInfo(certificateDir).isDir()) {
        error = tr("The certificate directory %1 does not exist; install the certificate there.").arg(certificateDir);
        return false;
    }

    QStringList matches;
    QStringList inBundles;
    QSslCertificate found;
    for (const FileEntry& entry : listFiles(certificateDir, true)) {
        QFile f(entry.path);
        if (f.size() > kMaxCertificateFile || !f.open(QIODevice::ReadOnly)) {
            continue;
        }
        const QList<QSslCertificate> certificates = parseCertificates(f.readAll());
        for (qsizetype i = 0; i < certificates.size(); ++i) {
            if (certificates.at(i).digest(algorithm) != wanted) {
                continue;
            }
            // srad presents the first certificate of its file; one further down a bundle cannot be used.
            if (i == 0) {
                matches.append(entry.path);
                found = certificates.at(i);
            } else {
                inBundles.append(entry.path);
            }
        }
    }
    if (matches.isEmpty()) {
        if (!inBundles.isEmpty()) {
            error = tr("The certificate with %1 fingerprint %2 is only inside the bundle %3; install it as a file of "
                       "its own in %4.")
                        .arg(algorithmName, formatFingerprint(wanted), inBundles.first(), certificateDir);
        } else {
            error = tr("No certificate in %1 has the %2 fingerprint %3; install it there or check the fingerprint.")
                        .arg(certificateDir, algorithmName, formatFingerprint(wanted));
        }
        return false;
    }
    if (matches.size() > 1) {
        error = tr("The certificate with %1 fingerprint %2 is installed twice (%3); remove the copies you do not want "
                   "srad to use.")
                    .arg(algorithmName, formatFingerprint(wanted), matches.join(QStringLiteral(", ")));
        return false;
    }

    Owned<X509> x509 = toX509(found);
    int encrypted = 0;
    for (const FileEntry& entry : listFiles(keyDir, false)) {
        QByteArray bytes;
        Wipe wipe{bytes};
        QString ignored;
        if (!readBounded(entry.path, kMaxKeyFile, bytes, ignored)) {
            continue;
        }
        Owned<EVP_PKEY> key = parsePrivateKey(bytes);
        if (!key) {
            encrypted += looksEncrypted(bytes) ? 1 : 0;
            continue;
        }
        if (x509 && keyBelongsTo(x509.get(), key.get())) {
            certificateFile = matches.first();
            keyFile = entry.path;
            return true;
        }
    }
    if (encrypted > 0) {
        error = tr("No unencrypted private key in %1 belongs to %2 (%3 encrypted keys were skipped); install its key "
                   "there without a pass phrase, mode 600.")
                    .arg(keyDir, matches.first())
                    .arg(encrypted);
    } else {
        error = tr("No private key in %1 belongs to %2; install its key there, mode 600.").arg(keyDir, matches.first());
    }
    return false;
}

} // namespace sra::core
