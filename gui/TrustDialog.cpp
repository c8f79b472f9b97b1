#include "gui/TrustDialog.h"

#include "core/tls/Fingerprint.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace sra::gui {

TrustDialog::TrustDialog(const QString& host, quint16 port, const QByteArray& sha256Fingerprint, QWidget* parent)
    : QDialog(parent)
    , m_fingerprint(new QLabel(this))
{
    setObjectName(QStringLiteral("trustDialog"));
    setWindowTitle(tr("Unknown remote machine"));

    auto* intro = new QLabel(tr("This is the first connection to <b>%1</b> port %2. Its identity is not known yet.")
                                 .arg(host.toHtmlEscaped())
                                 .arg(port),
                             this);
    intro->setObjectName(QStringLiteral("trustIntroLabel"));
    intro->setWordWrap(true);

    auto* heading = new QLabel(tr("SHA-256 fingerprint presented by the remote machine:"), this);
    m_fingerprint->setObjectName(QStringLiteral("fingerprintLabel"));
    m_fingerprint->setText(core::formatFingerprint(sha256Fingerprint));
    m_fingerprint->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_fingerprint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fingerprint->setWordWrap(true);

    auto* howTo = new QLabel(
        tr("Compare it with what the remote machine itself reports: ask its administrator to run "
           "<code>srad --fingerprint</code> there (or read the fingerprint <code>sra-setup -g</code> printed) and "
           "tell you by a channel you trust, such as the phone. Trust it only if every character matches. If it "
           "does not match, someone may be intercepting the connection: cancel."),
        this);
    howTo->setObjectName(QStringLiteral("trustHowToLabel"));
    howTo->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(this);
    auto* trust = buttons->addButton(tr("Trust and connect"), QDialogButtonBox::AcceptRole);
    trust->setObjectName(QStringLiteral("trustButton"));
    auto* reject = buttons->addButton(QDialogButtonBox::Cancel);
    reject->setObjectName(QStringLiteral("rejectButton"));
    // Trusting must be a deliberate click: Enter must not accept a fingerprint nobody compared.
    reject->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(heading);
    layout->addWidget(m_fingerprint);
    layout->addWidget(howTo);
    layout->addWidget(buttons);
    setMinimumWidth(520);
}

QString TrustDialog::fingerprintText() const
{
    return m_fingerprint->text();
}

} // namespace sra::gui
