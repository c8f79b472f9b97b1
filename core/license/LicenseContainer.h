#pragma once

#include <QByteArray>
#include <QString>

// Apple configuration profiles carrying a license (docs/LICENSE-FORMAT.md): an XML plist, possibly inside a
// CMS (PKCS#7) SignedData envelope as Apple signs profiles. Only the license inside is trusted, by its own
// signature; these functions just get it out, strictly and within the size limits.
namespace sra::core {

// True when the bytes look like a DER CMS/PKCS#7 structure (an ASN.1 SEQUENCE).
bool looksLikeCms(const QByteArray& contents);
// True when the bytes look like XML (optional UTF-8 byte order mark and white space, then '<').
bool looksLikeXml(const QByteArray& contents);

// The eContent of a CMS SignedData with embedded id-data content. The CMS signature is not checked.
bool extractCmsContent(const QByteArray& der, QByteArray& content, QString& detail);

// The license text of the one payload of type licenseMobileConfigPayloadType() in an XML plist profile:
// its `License` string (UTF-8) or data, with surrounding white space removed.
bool extractLicenseFromMobileConfig(const QByteArray& xml, QByteArray& licenseText, QString& detail);

// A configuration profile (XML plist) holding the license text, for `sra-license issue --mobileconfig`.
// `profileUuid` and `payloadUuid` are the PayloadUUIDs of the profile and of the license payload.
QByteArray makeLicenseMobileConfig(const QByteArray& licenseText,
                                   const QString& licenseId,
                                   const QString& licensee,
                                   const QString& profileUuid,
                                   const QString& payloadUuid);

} // namespace sra::core
