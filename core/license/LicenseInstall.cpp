#include "core/license/LicenseInstall.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSaveFile>

namespace sra::core {

namespace {
struct LicenseInstall
{
    Q_DECLARE_TR_FUNCTIONS(sra::core::LicenseInstall)
};
} // namespace

LicenseInstallResult installLicenseFile(const QString& file, const QString& licenseDir, const QDate& today)
{
    LicenseInstallResult result;
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly)) {
        result.error = LicenseInstall::tr("Cannot read %1: %2.").arg(file, in.errorString());
        return result;
    }
    if (in.size() > kMaxLicenseFileSize) {
        result.error = LicenseInstall::tr("%1 is too large to be a license file; choose the .sralic or .mobileconfig "
                                          "file from your vendor.")
                           .arg(file);
        return result;
    }
    const QByteArray contents = in.readAll();
    // Refuse what srad would refuse, so a bad file never replaces a good one.
    result.status = verifyLicense(contents, today);
    if (!result.status.isValid()) {
        result.error = LicenseInstall::tr("%1 was not installed: %2").arg(file, licenseStatusMessage(result.status));
        return result;
    }
    const bool profile = file.endsWith(QLatin1String(".mobileconfig"), Qt::CaseInsensitive);
    result.target = QDir(licenseDir).filePath(profile ? QStringLiteral("license.mobileconfig") : licenseFileName());
    if (!QDir().mkpath(licenseDir)) {
        result.error = LicenseInstall::tr("Cannot create the directory %1; check permissions (installing a license "
                                          "normally needs root).")
                           .arg(licenseDir);
        return result;
    }
    QSaveFile out(result.target);
    if (!out.open(QIODevice::WriteOnly) || out.write(contents) != contents.size() || !out.commit()) {
        result.error = LicenseInstall::tr("Cannot write %1: %2; check permissions (installing a license normally "
                                          "needs root).")
                           .arg(result.target, out.errorString());
        return result;
    }
    result.ok = true;
    result.installed = loadInstalledLicense(licenseDir, today);
    return result;
}

} // namespace sra::core
