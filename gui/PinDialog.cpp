#include "gui/PinDialog.h"

#include "gui/PinLineEdit.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace sra::gui {

PinDialog::PinDialog(
    const QString& host, const QString& cardholder, int triesLeft, const QString& reason, QWidget* parent)
    : QDialog(parent)
    , m_pin(new PinLineEdit(this))
{
    setObjectName(QStringLiteral("pinDialog"));
    setWindowTitle(tr("Card PIN"));

    auto* intro =
        new QLabel(cardholder.isEmpty() ? tr("Enter the card's PIN to sign in to %1.").arg(host)
                                        : tr("Enter the PIN of the card of %1 to sign in to %2.").arg(cardholder, host),
                   this);
    intro->setObjectName(QStringLiteral("pinIntroLabel"));
    intro->setWordWrap(true);

    auto* reasonLabel = new QLabel(reason, this);
    reasonLabel->setObjectName(QStringLiteral("pinReasonLabel"));
    reasonLabel->setWordWrap(true);
    reasonLabel->setVisible(!reason.isEmpty());
    reasonLabel->setStyleSheet(QStringLiteral("color: #b00020;"));

    auto* tries = new QLabel(this);
    tries->setObjectName(QStringLiteral("triesLabel"));
    if (triesLeft < 0) {
        tries->setText(tr("The card does not say how many tries are left."));
    } else if (triesLeft == 1) {
        tries->setText(tr("<b>Last try:</b> one more wrong PIN blocks the card."));
    } else {
        tries->setText(tr("%n tries left before the card is blocked.", nullptr, triesLeft));
    }

    m_pin->setObjectName(QStringLiteral("pinLineEdit"));
    auto* form = new QFormLayout;
    form->addRow(tr("&PIN:"), m_pin);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setObjectName(QStringLiteral("pinOkButton"));
    m_ok->setText(tr("Sign in"));
    m_ok->setEnabled(false);
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("pinCancelButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // A PIV PIN has 6 to 8 characters; a shorter one would be refused without spending a try, so OK waits.
    connect(m_pin, &PinLineEdit::pinLengthChanged, this, [this](int length) { m_ok->setEnabled(length >= 6); });

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(reasonLabel);
    layout->addWidget(tries);
    layout->addLayout(form);
    layout->addWidget(buttons);
    m_pin->setFocus();
}

PinDialog::~PinDialog() = default;

base::SecureBytes PinDialog::takePin()
{
    return m_pin->takePin();
}

void PinDialog::done(int result)
{
    if (result != QDialog::Accepted) {
        m_pin->wipe();
    }
    QDialog::done(result);
}

} // namespace sra::gui
