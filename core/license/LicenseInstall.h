#pragma once

#include "core/license/License.h"

#include <QDate>
#include <QString>

namespace sra::core {

// The outcome of installLicenseFile().
struct LicenseInstallResult
{
    bool ok = false;
    QString target;          // the file written (ok), in the license directory
    QString error;           // one translated sentence with the cause and the fix (not ok)
    LicenseStatus status;    // the verdict on the file that was offered
    LicenseStatus installed; // ok: the license directory's verdict afterwards (what srad will use)
};

// Installs a license file (.sralic) or configuration profile (.mobileconfig) into `licenseDir` the way srad
// looks for it: the file is verified first and refused unless valid, so a bad file never replaces a good one;
// then written atomically as license.sralic or license.mobileconfig. Shared by `sra-setup license install` and
// the admin window's Preferences.
LicenseInstallResult installLicenseFile(const QString& file, const QString& licenseDir, const QDate& today);

} // namespace sra::core
