#include "core/license/License.h"

#include "core/crypto/OpenSslPtr.h"
#include "core/license/BuiltInLicenseKey.h" // generated into the build directory from SRA_LICENSE_PUBLIC_KEY
#include "core/license/LicenseContainer.h"
#include "core/license/LicensePayload.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <openssl/evp.h>

#include <memory>

namespace sra::core {

namespace {

constexpr int kMaxCandidateFiles = 64;

// The translation context of the license messages; a class so that lupdate files them under it.
struct LicenseText
{
    Q_DECLARE_TR_FUNCTIONS(sra::core::License)
};

bool verifyEd25519(const QByteArray& publicKeyRaw, const QByteArray& message, const QByteArray& signature)
{
    crypto::Owned<EVP_PKEY> key(
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519,
                                    nullptr,
                                    reinterpret_cast<const unsigned char*>(publicKeyRaw.constData()),
                                    static_cast<size_t>(publicKeyRaw.size())));
    crypto::Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
        return false;
    }
    return EVP_DigestVerify(ctx.get(),
                            reinterpret_cast<const unsigned char*>(signature.constData()),
                            static_cast<size_t>(signature.size()),
                            reinterpret_cast<const unsigned char*>(message.constData()),
                            static_cast<size_t>(message.size()))
           == 1;
}

LicenseStatus invalid(const QString& detail)
{
    LicenseStatus status;
    status.code = LicenseStatus::Invalid;
    status.detail = detail;
    return status;
}

LicenseStatus verifyArmoured(const QByteArray& text, const QDate& today, const QByteArray& publicKeyRaw)
{
    QByteArray payload;
    QByteArray signature;
    QString detail;
    if (!dearmourLicense(text, payload, signature, detail)) {
        return invalid(detail);
    }
    LicenseStatus status;
    if (publicKeyRaw.size() != kLicensePublicKeySize) {
        status.code = LicenseStatus::BadSignature;
        status.detail = QStringLiteral("the trusted public key is not a raw 32-byte Ed25519 key");
        return status;
    }
    // Over the exact payload bytes as they were in the file; nothing is re-encoded before this.
    if (!verifyEd25519(publicKeyRaw, payload, signature)) {
        status.code = LicenseStatus::BadSignature;
        status.detail = QStringLiteral("the Ed25519 signature does not verify with the trusted key");
        return status;
    }
    status.signatureVerified = true;
    License license;
    if (!parseLicensePayload(payload, license, detail)) {
        status.code = LicenseStatus::Invalid;
        status.detail = detail;
        return status;
    }
    status.license = license;
    if (license.product != licenseProductName()) {
        status.code = LicenseStatus::WrongProduct;
        status.detail = QStringLiteral("issued for product \"%1\"").arg(license.product);
    } else if (!today.isValid()) {
        status.code = LicenseStatus::Invalid;
        status.detail = QStringLiteral("no valid date to check the license against");
    } else if (today < license.issued) {
        status.code = LicenseStatus::NotYetValid;
        status.detail = QStringLiteral("valid from %1, today is %2")
                            .arg(license.issued.toString(Qt::ISODate), today.toString(Qt::ISODate));
    } else if (today > license.expires) {
        status.code = LicenseStatus::Expired;
        status.detail = QStringLiteral("expired on %1, today is %2")
                            .arg(license.expires.toString(Qt::ISODate), today.toString(Qt::ISODate));
    } else {
        status.code = LicenseStatus::Valid;
    }
    return status;
}

LicenseStatus verifyProfile(const QByteArray& xml, const QDate& today, const QByteArray& publicKeyRaw)
{
    QByteArray text;
    QString detail;
    if (!extractLicenseFromMobileConfig(xml, text, detail)) {
        return invalid(detail);
    }
    return verifyArmoured(text, today, publicKeyRaw);
}

// Lower is better.
int failureRank(LicenseStatus::Code code)
{
    switch (code) {
    case LicenseStatus::Valid:
        return 0;
    case LicenseStatus::Expired:
        return 1;
    case LicenseStatus::NotYetValid:
        return 2;
    case LicenseStatus::WrongProduct:
        return 3;
    case LicenseStatus::BadSignature:
        return 4;
    case LicenseStatus::Invalid:
        return 5;
    case LicenseStatus::Missing:
        break;
    }
    return 6;
}

bool better(const LicenseStatus& a, const LicenseStatus& b)
{
    const int ra = failureRank(a.code);
    const int rb = failureRank(b.code);
    if (ra != rb) {
        return ra < rb;
    }
    if (a.code == LicenseStatus::Valid || a.code == LicenseStatus::Expired) {
        if (a.license.expires != b.license.expires) {
            return a.license.expires > b.license.expires;
        }
        return a.license.seats > b.license.seats;
    }
    if (a.code == LicenseStatus::NotYetValid) {
        return a.license.issued < b.license.issued;
    }
    return false; // keep the first in file-name order
}

LicenseStatus readAndVerify(const QFileInfo& info, const QDate& today, const QByteArray& publicKeyRaw)
{
    LicenseStatus status;
    if (info.size() > kMaxLicenseFileSize) {
        status = invalid(QStringLiteral("the file is larger than %1 bytes").arg(kMaxLicenseFileSize));
    } else {
        QFile file(info.filePath());
        if (!file.open(QIODevice::ReadOnly)) {
            status = invalid(QStringLiteral("cannot read the file: %1").arg(file.errorString()));
        } else {
            status = verifyLicense(file.read(kMaxLicenseFileSize + 1), today, publicKeyRaw);
        }
    }
    status.source = info.filePath();
    return status;
}

} // namespace

QString licenseProductName()
{
    return QStringLiteral("secure-remote-access");
}

QString licenseMobileConfigPayloadType()
{
    return QStringLiteral("com.secureremoteaccess.license");
}

QString licenseFileName()
{
    return QStringLiteral("license.sralic");
}

QByteArray builtInLicensePublicKey()
{
    return QByteArray(reinterpret_cast<const char*>(detail::kBuiltInLicensePublicKey),
                      sizeof(detail::kBuiltInLicensePublicKey));
}

bool builtInLicenseKeyIsTestKey()
{
    return detail::kBuiltInLicenseKeyIsTestKey;
}

LicenseStatus verifyLicense(const QByteArray& contents, const QDate& today, const QByteArray& publicKeyRaw)
{
    if (contents.size() > kMaxLicenseFileSize) {
        return invalid(QStringLiteral("the license is larger than %1 bytes").arg(kMaxLicenseFileSize));
    }
    if (contents.isEmpty()) {
        return invalid(QStringLiteral("the license file is empty"));
    }
    if (contents.startsWith("-----BEGIN ")) {
        return verifyArmoured(contents, today, publicKeyRaw);
    }
    if (looksLikeCms(contents)) {
        QByteArray xml;
        QString detail;
        if (!extractCmsContent(contents, xml, detail)) {
            return invalid(detail);
        }
        if (!looksLikeXml(xml)) {
            return invalid(QStringLiteral("the signed content is not an XML configuration profile"));
        }
        return verifyProfile(xml, today, publicKeyRaw);
    }
    if (looksLikeXml(contents)) {
        return verifyProfile(contents, today, publicKeyRaw);
    }
    return invalid(
        QStringLiteral("not a license: neither SRA LICENSE armour, an XML profile nor a CMS-signed profile"));
}

LicenseStatus loadInstalledLicense(const QString& configDir, const QDate& today, const QByteArray& publicKeyRaw)
{
    const QDir dir(configDir);
    const QFileInfoList files = dir.entryInfoList({QStringLiteral("*.sralic"), QStringLiteral("*.mobileconfig")},
                                                  QDir::Files | QDir::Hidden | QDir::System,
                                                  QDir::Name);
    LicenseStatus best;
    best.code = LicenseStatus::Missing;
    best.detail = QStringLiteral("no *.sralic or *.mobileconfig file in %1").arg(QDir::toNativeSeparators(configDir));
    int examined = 0;
    for (const QFileInfo& info : files) {
        if (++examined > kMaxCandidateFiles) {
            break;
        }
        LicenseStatus status = readAndVerify(info, today, publicKeyRaw);
        if (best.code == LicenseStatus::Missing || better(status, best)) {
            best = status;
        }
    }
    return best;
}

wire::ErrorCode wireErrorFor(LicenseStatus::Code code)
{
    switch (code) {
    case LicenseStatus::Missing:
        return wire::ErrorCode::LicenseMissing;
    case LicenseStatus::Expired:
        return wire::ErrorCode::LicenseExpired;
    case LicenseStatus::BadSignature:
        return wire::ErrorCode::LicenseBadSignature;
    case LicenseStatus::WrongProduct:
        return wire::ErrorCode::LicenseWrongProduct;
    case LicenseStatus::NotYetValid:
    case LicenseStatus::Invalid:
    case LicenseStatus::Valid:
        break;
    }
    return wire::ErrorCode::LicenseInvalid;
}

QString licenseStatusMessage(const LicenseStatus& status)
{
    const License& license = status.license;
    switch (status.code) {
    case LicenseStatus::Valid:
        return LicenseText::tr("This machine is licensed to %1 for %n seat(s) until %2.", nullptr, license.seats)
            .arg(license.licensee, license.expires.toString(Qt::ISODate));
    case LicenseStatus::Missing:
        return LicenseText::tr(
            "This machine has no license. Install the license file from your vendor with sra-setup or in "
            "Preferences.");
    case LicenseStatus::Expired:
        return LicenseText::tr(
                   "This machine's license expired on %1. Install a renewed license with sra-setup or in Preferences.")
            .arg(license.expires.toString(Qt::ISODate));
    case LicenseStatus::NotYetValid:
        return LicenseText::tr(
                   "This machine's license is valid only from %1. Check the system date, or install a license that "
                   "is already valid.")
            .arg(license.issued.toString(Qt::ISODate));
    case LicenseStatus::BadSignature:
        return LicenseText::tr(
            "This machine's license has an invalid signature: it was altered or not issued by the vendor. "
            "Install the original license file from your vendor.");
    case LicenseStatus::WrongProduct:
        return LicenseText::tr(
                   "This machine's license is for another product (%1). Install a Secure Remote Access license.")
            .arg(license.product);
    case LicenseStatus::Invalid:
        break;
    }
    return LicenseText::tr(
               "This machine's license file cannot be read (%1). Install the license file from your vendor again.")
        .arg(status.detail);
}

QString remoteLicenseErrorMessage(wire::ErrorCode code)
{
    switch (code) {
    case wire::ErrorCode::LicenseMissing:
        return LicenseText::tr(
            "The remote machine has no license. Install one there with sra-setup or in Preferences.");
    case wire::ErrorCode::LicenseExpired:
        return LicenseText::tr(
            "The remote machine's license has expired. Install a renewed license there with sra-setup or in "
            "Preferences.");
    case wire::ErrorCode::LicenseBadSignature:
        return LicenseText::tr(
            "The remote machine's license has an invalid signature. Install the original license file from "
            "your vendor there.");
    case wire::ErrorCode::LicenseWrongProduct:
        return LicenseText::tr(
            "The remote machine's license is for another product. Install a Secure Remote Access license "
            "there.");
    case wire::ErrorCode::LicenseInvalid:
        return LicenseText::tr(
            "The remote machine's license is not valid (unreadable, or not valid yet). Check its date and "
            "install the license file from your vendor there again.");
    default:
        break;
    }
    return {};
}

QString licenseStatusCodeName(LicenseStatus::Code code)
{
    switch (code) {
    case LicenseStatus::Valid:
        return QStringLiteral("valid");
    case LicenseStatus::Missing:
        return QStringLiteral("missing");
    case LicenseStatus::Expired:
        return QStringLiteral("expired");
    case LicenseStatus::NotYetValid:
        return QStringLiteral("not-yet-valid");
    case LicenseStatus::BadSignature:
        return QStringLiteral("bad-signature");
    case LicenseStatus::WrongProduct:
        return QStringLiteral("wrong-product");
    case LicenseStatus::Invalid:
        break;
    }
    return QStringLiteral("invalid");
}

} // namespace sra::core
