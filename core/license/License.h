#pragma once

#include "core/wire/Message.h"

#include <QByteArray>
#include <QDate>
#include <QString>

namespace sra::core {

// What a license says. Filled only from a payload whose signature verified (see LicenseStatus::license).
struct License
{
    int format = 0;
    QString product;
    QString id;
    QString licensee;
    int seats = 0;
    QDate issued;
    QDate expires; // inclusive: valid through this day (UTC)
};

struct LicenseStatus
{
    enum Code
    {
        Valid,
        Missing,      // no license file at all
        Expired,      // signature good, today is after the expiry day
        NotYetValid,  // signature good, today is before the issue day
        BadSignature, // well-formed, but the signature does not verify with the trusted key
        WrongProduct, // signature good, issued for another product
        Invalid,      // unreadable: size, armour, base64, container, JSON schema, dates
    };

    Code code = Missing;
    // The license's fields. Set only when the signature verified (Valid, Expired, NotYetValid,
    // WrongProduct); never filled from unauthenticated bytes.
    License license;
    bool signatureVerified = false;
    QString detail; // technical detail in English, for logs and `sra-license show`
    QString source; // the file the verdict is about (loadInstalledLicense), empty for verifyLicense

    bool isValid() const
    {
        return code == Valid;
    }
};

// Limits of the format (docs/LICENSE-FORMAT.md).
inline constexpr qsizetype kMaxLicenseFileSize = 64 * 1024; // any file or container, before parsing
inline constexpr qsizetype kMaxLicensePayloadSize = 4096;   // decoded JSON payload
inline constexpr qsizetype kLicenseSignatureSize = 64;      // Ed25519
inline constexpr qsizetype kLicensePublicKeySize = 32;      // raw Ed25519 public key

// The product name every license of this product carries.
QString licenseProductName();
// The PayloadType of the license payload inside an Apple configuration profile.
QString licenseMobileConfigPayloadType();
// The file name srad and sra-setup use in the configuration directory.
QString licenseFileName();

// The raw Ed25519 public key compiled in (CMake SRA_LICENSE_PUBLIC_KEY), and whether it is the committed test key.
QByteArray builtInLicensePublicKey();
bool builtInLicenseKeyIsTestKey();

// Verifies one license: a .sralic text, an XML plist configuration profile holding one, or that profile in a
// CMS (PKCS#7) SignedData envelope. `today` is the UTC date to judge expiry by. Never throws.
LicenseStatus verifyLicense(const QByteArray& contents,
                            const QDate& today,
                            const QByteArray& publicKeyRaw = builtInLicensePublicKey());

// Looks at *.sralic and *.mobileconfig in configDir and returns the best verdict: the valid license that
// expires last, or, when none is valid, the most telling failure (Expired > NotYetValid > WrongProduct >
// BadSignature > Invalid). Missing when there is no such file. `source` names the chosen file.
LicenseStatus loadInstalledLicense(const QString& configDir,
                                   const QDate& today,
                                   const QByteArray& publicKeyRaw = builtInLicensePublicKey());

// The error srad sends for a license problem (Valid has none: it maps to LicenseInvalid and must not be sent).
wire::ErrorCode wireErrorFor(LicenseStatus::Code code);

// One translated sentence naming the cause and the fix, for this machine's own license
// (context "sra::core::License").
QString licenseStatusMessage(const LicenseStatus& status);
// The same for the admin, who only receives the wire code of the remote machine's license problem.
// Empty for codes that are not about the license.
QString remoteLicenseErrorMessage(wire::ErrorCode code);

// Short English names of the codes for logs ("valid", "expired", ...).
QString licenseStatusCodeName(LicenseStatus::Code code);

} // namespace sra::core
