#pragma once

#include "core/license/License.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QTabWidget;
class QTreeWidget;

namespace sra::gui {

class AppSettings;

// Preferences: this machine's license (verdict, licensee, expiry; import a .sralic or .mobileconfig with the
// same logic as `sra-setup license install`), the known hosts (view, remove), the relay policy for "Insert
// card" (allowed key slots, approval mode) and the language. License import and known-host removal act on
// their files at once; the relay policy and language are saved with OK.
class PreferencesDialog : public QDialog
{
    Q_OBJECT

public:
    explicit PreferencesDialog(AppSettings* settings, QWidget* parent = nullptr);

    core::LicenseStatus licenseStatus() const
    {
        return m_licenseStatus;
    }

public Q_SLOTS:
    void reloadLicense();
    // Verifies and installs `file` into this machine's license directory; false (and the reason shown) if not.
    bool importLicenseFile(const QString& file);
    void reloadKnownHosts();
    void removeSelectedKnownHost();
    void accept() override;

private:
    QWidget* buildLicensePage();
    QWidget* buildKnownHostsPage();
    QWidget* buildRelayPage();
    QWidget* buildLanguagePage();
    QString licenseDirectory(QString* error) const;
    void chooseLicenseFile();

    AppSettings* m_settings;
    core::LicenseStatus m_licenseStatus;

    QTabWidget* m_tabs = nullptr;
    QLabel* m_licenseVerdict = nullptr;
    QLabel* m_licenseMessage = nullptr;
    QLabel* m_licensee = nullptr;
    QLabel* m_licenseExpiry = nullptr;
    QLabel* m_licenseFile = nullptr;
    QLabel* m_licenseImportResult = nullptr;
    QTreeWidget* m_knownHosts = nullptr;
    QLabel* m_knownHostsInfo = nullptr;
    QPushButton* m_removeKnownHost = nullptr;
    QList<QCheckBox*> m_slotBoxes;
    QComboBox* m_approval = nullptr;
    QComboBox* m_language = nullptr;
};

} // namespace sra::gui
