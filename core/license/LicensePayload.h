#pragma once

#include "core/license/License.h"

#include <QByteArray>
#include <QString>

// The byte-level pieces of the .sralic format (docs/LICENSE-FORMAT.md), shared by the verifier and the issuer.
namespace sra::core {

// The canonical payload: compact JSON, keys in the fixed order format, product, id, licensee, seats, issued,
// expires; strings escape only '"' and '\\' (control characters are not allowed in any field).
QByteArray canonicalLicensePayload(const License& license);

// Strict schema check of a (signature-verified) payload: a JSON object with exactly the format-1 fields and
// types, each within its bounds, and bytes equal to canonicalLicensePayload() of what was read. On failure
// returns false and says why in `detail`.
bool parseLicensePayload(const QByteArray& payload, License& out, QString& detail);

// Field checks the issuer applies before signing (same rules as the parser). Empty when fine.
QString checkLicenseFields(const License& license);

// The armoured text: payload and signature blocks, base64 at 64 columns, LF line ends.
QByteArray armourLicense(const QByteArray& payload, const QByteArray& signature);

// Splits armoured text into payload and signature bytes, strictly (see the format document).
bool dearmourLicense(const QByteArray& text, QByteArray& payload, QByteArray& signature, QString& detail);

} // namespace sra::core
