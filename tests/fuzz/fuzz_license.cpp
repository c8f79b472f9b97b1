// Fuzz target for the license verifier: .sralic armour and payload schema, XML plist configuration profiles,
// CMS-signed profiles. Verifies against the committed test key so that the seeds (issued with it by
// sra-license, see docs/LICENSE-FORMAT.md) reach the JSON schema checks behind the signature.
#include "core/license/License.h"
#include "core/license/LicensePayload.h"

#include <QByteArray>
#include <QDate>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

// Raw Ed25519 public key of tests/data/license/test-license-key.pub.pem.
constexpr unsigned char kTestKey[32] = {0xd3, 0x3b, 0x31, 0xeb, 0x56, 0x1a, 0x9d, 0xc9, 0xe7, 0x3e, 0x64,
                                        0xca, 0x4f, 0xdb, 0xe7, 0xfd, 0x1e, 0x54, 0xf4, 0xf8, 0x08, 0x30,
                                        0xba, 0xed, 0x9e, 0xd9, 0x00, 0xf0, 0x80, 0x0a, 0xb5, 0xe6};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray contents =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const QByteArray key(reinterpret_cast<const char*>(kTestKey), sizeof kTestKey);
    const auto status = sra::core::verifyLicense(contents, QDate(2026, 6, 15), key);

    // Invariants: fields exist only behind a verified signature, and a verdict with dates is consistent.
    if (!status.signatureVerified && !status.license.licensee.isEmpty()) {
        std::abort();
    }
    if (status.code == sra::core::LicenseStatus::Valid) {
        const auto& license = status.license;
        if (license.product != sra::core::licenseProductName() || license.issued > QDate(2026, 6, 15)
            || license.expires < QDate(2026, 6, 15) || license.seats < 1 || !status.detail.isEmpty()) {
            std::abort();
        }
    }
    if (status.signatureVerified && status.code != sra::core::LicenseStatus::Invalid
        && sra::core::checkLicenseFields(status.license).size() != 0) {
        std::abort();
    }
    (void)sra::core::licenseStatusMessage(status);
    return 0;
}
