#include "gui/PreferencesDialog.h"

#include "core/config/SradConfig.h"
#include "core/license/LicenseInstall.h"
#include "core/session/KnownHosts.h"
#include "core/tls/Fingerprint.h"
#include "gui/AppSettings.h"
#include "gui/CardPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace sra::gui {

namespace {
QLabel* wrappingLabel(QWidget* parent, const QString& objectName = {})
{
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (!objectName.isEmpty()) {
        label->setObjectName(objectName);
    }
    return label;
}
} // namespace

PreferencesDialog::PreferencesDialog(AppSettings* settings, QWidget* parent)
    : QDialog(parent)
    , m_settings(settings)
{
    setObjectName(QStringLiteral("preferencesDialog"));
    setWindowTitle(tr("Preferences"));

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("preferencesTabWidget"));
    m_tabs->addTab(buildLicensePage(), tr("License"));
    m_tabs->addTab(buildKnownHostsPage(), tr("Known hosts"));
    m_tabs->addTab(buildRelayPage(), tr("Card relay"));
    m_tabs->addTab(buildLanguagePage(), tr("Language"));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("preferencesButtonBox"));
    connect(buttons, &QDialogButtonBox::accepted, this, &PreferencesDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs);
    layout->addWidget(buttons);
    resize(640, 420);

    reloadLicense();
    reloadKnownHosts();
}

// ---- License ----

QWidget* PreferencesDialog::buildLicensePage()
{
    auto* page = new QWidget(this);
    page->setObjectName(QStringLiteral("licensePage"));
    m_licenseVerdict = wrappingLabel(page, QStringLiteral("licenseVerdictLabel"));
    QFont bold = m_licenseVerdict->font();
    bold.setBold(true);
    m_licenseVerdict->setFont(bold);
    m_licenseMessage = wrappingLabel(page, QStringLiteral("licenseStatusLabel"));
    m_licensee = wrappingLabel(page, QStringLiteral("licenseeLabel"));
    m_licenseExpiry = wrappingLabel(page, QStringLiteral("licenseExpiryLabel"));
    m_licenseFile = wrappingLabel(page, QStringLiteral("licenseFileLabel"));
    m_licenseImportResult = wrappingLabel(page, QStringLiteral("licenseImportResultLabel"));

    auto* form = new QFormLayout;
    form->addRow(tr("Licensee:"), m_licensee);
    form->addRow(tr("Valid until:"), m_licenseExpiry);
    form->addRow(tr("File:"), m_licenseFile);

    auto* import = new QPushButton(tr("&Import license file…"), page);
    import->setObjectName(QStringLiteral("importLicenseButton"));
    import->setToolTip(tr("A .sralic license file or a .mobileconfig configuration profile from your vendor. It is "
                          "checked first and installed only if valid; installing needs write access to the "
                          "configuration directory (normally root)."));
    connect(import, &QPushButton::clicked, this, &PreferencesDialog::chooseLicenseFile);

    auto* layout = new QVBoxLayout(page);
    layout->addWidget(m_licenseVerdict);
    layout->addWidget(m_licenseMessage);
    layout->addLayout(form);
    layout->addWidget(import, 0, Qt::AlignLeft);
    layout->addWidget(m_licenseImportResult);
    layout->addStretch(1);
    return page;
}

QString PreferencesDialog::licenseDirectory(QString* error) const
{
    core::SradPaths paths;
    paths.root = m_settings->sradRoot();
    core::SradConfig config;
    if (!core::SradConfig::load(paths, paths.configFile(), config, *error)) {
        return {};
    }
    return config.licenseDir;
}

void PreferencesDialog::reloadLicense()
{
    QString error;
    const QString dir = licenseDirectory(&error);
    m_licensee->clear();
    m_licenseExpiry->clear();
    if (dir.isEmpty()) {
        m_licenseStatus = core::LicenseStatus{};
        m_licenseStatus.code = core::LicenseStatus::Invalid;
        m_licenseVerdict->setText(tr("Not valid"));
        m_licenseMessage->setText(error);
        m_licenseFile->clear();
        return;
    }
    m_licenseStatus = core::loadInstalledLicense(dir, QDateTime::currentDateTimeUtc().date());
    m_licenseVerdict->setText(m_licenseStatus.isValid() ? tr("Valid") : tr("Not valid"));
    m_licenseVerdict->setStyleSheet(m_licenseStatus.isValid() ? QString() : QStringLiteral("color: #b00020;"));
    m_licenseMessage->setText(core::licenseStatusMessage(m_licenseStatus));
    if (m_licenseStatus.signatureVerified) {
        m_licensee->setText(m_licenseStatus.license.licensee);
        m_licenseExpiry->setText(QLocale().toString(m_licenseStatus.license.expires, QLocale::LongFormat));
    }
    m_licenseFile->setText(m_licenseStatus.source.isEmpty() ? tr("none in %1").arg(dir) : m_licenseStatus.source);
}

void PreferencesDialog::chooseLicenseFile()
{
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Import license"), QDir::homePath(), tr("Licenses (*.sralic *.mobileconfig);;All files (*)"));
    if (!file.isEmpty()) {
        importLicenseFile(file);
    }
}

bool PreferencesDialog::importLicenseFile(const QString& file)
{
    QString error;
    const QString dir = licenseDirectory(&error);
    if (dir.isEmpty()) {
        m_licenseImportResult->setText(error);
        return false;
    }
    const core::LicenseInstallResult result =
        core::installLicenseFile(file, dir, QDateTime::currentDateTimeUtc().date());
    m_licenseImportResult->setText(result.ok ? tr("Installed %1 as %2.").arg(file, result.target) : result.error);
    reloadLicense();
    return result.ok;
}

// ---- Known hosts ----

QWidget* PreferencesDialog::buildKnownHostsPage()
{
    auto* page = new QWidget(this);
    page->setObjectName(QStringLiteral("knownHostsPage"));
    m_knownHostsInfo = wrappingLabel(page, QStringLiteral("knownHostsInfoLabel"));
    m_knownHosts = new QTreeWidget(page);
    m_knownHosts->setObjectName(QStringLiteral("knownHostsTreeWidget"));
    m_knownHosts->setHeaderLabels({tr("Host"), tr("Port"), tr("SHA-256 fingerprint")});
    m_knownHosts->setRootIsDecorated(false);
    m_knownHosts->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_removeKnownHost = new QPushButton(tr("&Remove"), page);
    m_removeKnownHost->setObjectName(QStringLiteral("removeKnownHostButton"));
    m_removeKnownHost->setToolTip(tr("Forget this identity. The next connection shows its fingerprint again for "
                                     "comparison."));
    m_removeKnownHost->setEnabled(false);
    connect(m_knownHosts, &QTreeWidget::itemSelectionChanged, this, [this] {
        m_removeKnownHost->setEnabled(!m_knownHosts->selectedItems().isEmpty());
    });
    connect(m_removeKnownHost, &QPushButton::clicked, this, &PreferencesDialog::removeSelectedKnownHost);

    auto* layout = new QVBoxLayout(page);
    layout->addWidget(m_knownHostsInfo);
    layout->addWidget(m_knownHosts, 1);
    layout->addWidget(m_removeKnownHost, 0, Qt::AlignLeft);
    return page;
}

void PreferencesDialog::reloadKnownHosts()
{
    m_knownHosts->clear();
    const QString file = m_settings->knownHostsFile();
    core::KnownHosts hosts(file);
    QString error;
    int skipped = 0;
    if (!hosts.load(&error, &skipped)) {
        m_knownHostsInfo->setText(error);
        return;
    }
    m_knownHostsInfo->setText(
        skipped > 0 ? tr("Remote machines whose identity you accepted (%1). %n line(s) of the file cannot be read; "
                         "fix or remove them in a text editor.",
                         nullptr,
                         skipped)
                          .arg(file)
                    : tr("Remote machines whose identity you accepted (%1).").arg(file));
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (const core::KnownHosts::Entry& entry : hosts.entries()) {
        auto* item = new QTreeWidgetItem(m_knownHosts);
        item->setText(0, entry.host);
        item->setText(1, QString::number(entry.port));
        item->setText(2, core::formatFingerprint(entry.sha256));
        item->setFont(2, fixed);
    }
}

void PreferencesDialog::removeSelectedKnownHost()
{
    const QList<QTreeWidgetItem*> selected = m_knownHosts->selectedItems();
    if (selected.isEmpty()) {
        return;
    }
    core::KnownHosts hosts(m_settings->knownHostsFile());
    QString error;
    if (!hosts.load(&error)) {
        m_knownHostsInfo->setText(error);
        return;
    }
    for (const QTreeWidgetItem* item : selected) {
        hosts.remove(item->text(0), static_cast<quint16>(item->text(1).toUInt()));
    }
    if (!hosts.save(&error)) {
        m_knownHostsInfo->setText(error);
        return;
    }
    reloadKnownHosts();
}

// ---- Relay policy ----

QWidget* PreferencesDialog::buildRelayPage()
{
    auto* page = new QWidget(this);
    page->setObjectName(QStringLiteral("relayPage"));
    auto* intro = wrappingLabel(page);
    intro->setText(tr("When you insert your card into a remote machine, its programs may use these keys of the card "
                      "(PIN checks are always relayed, to the card here). Applies to the next connection."));
    const QList<quint8> allowed = m_settings->relayAllowedSlots();
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(intro);
    for (const quint8 slot : {quint8(0x9A), quint8(0x9C), quint8(0x9D), quint8(0x9E)}) {
        auto* box = new QCheckBox(CardPanel::slotName(slot), page);
        box->setObjectName(QStringLiteral("slot%1CheckBox").arg(QString::number(slot, 16).toUpper()));
        box->setProperty("slot", slot);
        box->setChecked(allowed.contains(slot));
        m_slotBoxes.append(box);
        layout->addWidget(box);
    }
    m_approval = new QComboBox(page);
    m_approval->setObjectName(QStringLiteral("approvalComboBox"));
    m_approval->addItem(tr("Ask before each operation"), QVariant::fromValue(AppSettings::Approval::Ask));
    m_approval->addItem(tr("Allow all operations for the session"),
                        QVariant::fromValue(AppSettings::Approval::Session));
    m_approval->setCurrentIndex(m_settings->relayApproval() == AppSettings::Approval::Session ? 1 : 0);
    auto* form = new QFormLayout;
    form->addRow(tr("Approval:"), m_approval);
    layout->addLayout(form);
    auto* note = wrappingLabel(page);
    note->setText(tr("A PIN check when the card has only one try left is always asked for."));
    layout->addWidget(note);
    layout->addStretch(1);
    return page;
}

// ---- Language ----

QWidget* PreferencesDialog::buildLanguagePage()
{
    auto* page = new QWidget(this);
    page->setObjectName(QStringLiteral("languagePage"));
    m_language = new QComboBox(page);
    m_language->setObjectName(QStringLiteral("languageComboBox"));
    m_language->addItem(tr("System default"), QString());
    // Language names in their own language, so that someone who cannot read the current one finds theirs.
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
    m_language->setCurrentIndex(std::max(0, m_language->findData(m_settings->language())));
    auto* note = wrappingLabel(page, QStringLiteral("languageNoteLabel"));
    note->setText(tr("The language changes when Secure Remote Access is started again."));
    auto* form = new QFormLayout;
    form->addRow(tr("&Language:"), m_language);
    auto* layout = new QVBoxLayout(page);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addStretch(1);
    return page;
}

void PreferencesDialog::accept()
{
    QList<quint8> slots;
    for (const QCheckBox* box : std::as_const(m_slotBoxes)) {
        if (box->isChecked()) {
            slots.append(static_cast<quint8>(box->property("slot").toUInt()));
        }
    }
    m_settings->setRelayAllowedSlots(slots);
    m_settings->setRelayApproval(m_approval->currentData().value<AppSettings::Approval>());
    m_settings->setLanguage(m_language->currentData().toString());
    m_settings->sync();
    QDialog::accept();
}

} // namespace sra::gui
