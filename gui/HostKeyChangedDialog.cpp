#include "gui/HostKeyChangedDialog.h"

#include "core/tls/Fingerprint.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace sra::gui {

HostKeyChangedDialog::HostKeyChangedDialog(const QString& host,
                                           quint16 port,
                                           const QByteArray& knownFingerprint,
                                           const QByteArray& presentedFingerprint,
                                           const QString& knownHostsFile,
                                           QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("hostKeyChangedDialog"));
    setWindowTitle(tr("Identity of the remote machine has changed"));

    auto* icon = new QLabel(this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxCritical).pixmap(48, 48));

    auto* explanation = new QLabel(
        tr("<b>The connection to %1 port %2 was stopped.</b><br>The remote machine presented a different identity "
           "than the one you accepted before. Either its identity was replaced on purpose (for example after "
           "<code>sra-setup -g --force</code> or a reinstallation), or someone is intercepting the connection and "
           "your PIN and card would be used against a machine you do not mean to reach.")
            .arg(host.toHtmlEscaped())
            .arg(port),
        this);
    explanation->setObjectName(QStringLiteral("hostKeyExplanationLabel"));
    explanation->setWordWrap(true);

    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto* known = new QLabel(core::formatFingerprint(knownFingerprint), this);
    known->setObjectName(QStringLiteral("knownFingerprintLabel"));
    auto* presented = new QLabel(core::formatFingerprint(presentedFingerprint), this);
    presented->setObjectName(QStringLiteral("presentedFingerprintLabel"));
    for (QLabel* label : {known, presented}) {
        label->setFont(fixed);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    auto* form = new QFormLayout;
    form->addRow(tr("Accepted before:"), known);
    form->addRow(tr("Presented now:"), presented);

    auto* fix = new QLabel(tr("Ask the remote machine's administrator to run <code>srad --fingerprint</code> there and "
                              "tell you the result by a channel you trust. Only if it matches the fingerprint "
                              "presented now, remove the old entry for %1 in Preferences → Known hosts (file %2) "
                              "and connect again. Otherwise do not connect, and report it.")
                               .arg(host.toHtmlEscaped(), knownHostsFile.toHtmlEscaped()),
                           this);
    fix->setObjectName(QStringLiteral("hostKeyFixLabel"));
    fix->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("hostKeyCloseButton"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* top = new QHBoxLayout;
    top->addWidget(icon, 0, Qt::AlignTop);
    top->addWidget(explanation, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(form);
    layout->addWidget(fix);
    layout->addWidget(buttons);
    setMinimumWidth(560);
}

} // namespace sra::gui
