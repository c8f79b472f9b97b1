#include "DirectVncDialog.h"

#include "VncPasswordStore.h"
#include "core/base/Bytes.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace sra::gui {

DirectVncDialog::DirectVncDialog(VncPasswordStore* store, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
    , m_host(new QLineEdit(this))
    , m_port(new QSpinBox(this))
    , m_password(new QLineEdit(this))
    , m_remember(new QCheckBox(tr("&Remember password in the system keychain"), this))
    , m_status(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Direct VNC Connection"));
    m_host->setObjectName(QStringLiteral("host"));
    m_host->setPlaceholderText(tr("host name or address"));
    m_port->setObjectName(QStringLiteral("port"));
    m_port->setRange(1, 65535);
    m_port->setValue(5900);
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_remember->setObjectName(QStringLiteral("remember"));
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_buttons->setObjectName(QStringLiteral("buttons"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Connect"));

    auto* form = new QFormLayout;
    form->addRow(tr("&Host:"), m_host);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("Pass&word:"), m_password);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_remember);
    layout->addWidget(m_status);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &DirectVncDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &DirectVncDialog::reject);
    connect(m_host, &QLineEdit::editingFinished, this, &DirectVncDialog::lookUpPassword);
    connect(m_host, &QLineEdit::textChanged, this, &DirectVncDialog::updateOkButton);
    connect(m_port, &QSpinBox::valueChanged, this, &DirectVncDialog::lookUpPassword);
    connect(m_password, &QLineEdit::textEdited, this, [this] { m_passwordFromKeychain = false; });
    connect(m_store, &VncPasswordStore::availabilityChanged, this, &DirectVncDialog::onAvailabilityChanged);
    connect(m_store,
            &VncPasswordStore::readFinished,
            this,
            [this](const QString& key, const QByteArray& password, bool found) {
                if (key != m_pendingKey) {
                    return; // an answer for host/port values no longer in the fields
                }
                m_pendingKey.clear();
                if (found && m_password->text().isEmpty()) {
                    m_password->setText(QString::fromUtf8(password));
                    m_passwordFromKeychain = true;
                    m_remember->setChecked(true);
                    m_status->setText(tr("The password was taken from the system keychain."));
                }
            });
    connect(m_store, &VncPasswordStore::failed, this, [this](const QString&, const QString& message) {
        m_status->setText(message);
    });
    onAvailabilityChanged();
    if (m_store->availability() == VncPasswordStore::Availability::Unknown) {
        m_store->checkAvailability();
    }
    updateOkButton();
}

void DirectVncDialog::setHost(const QString& host, quint16 port)
{
    m_host->setText(host);
    const QSignalBlocker block(m_port);
    m_port->setValue(port);
    lookUpPassword();
}

QString DirectVncDialog::host() const
{
    return m_host->text().trimmed();
}

quint16 DirectVncDialog::port() const
{
    return quint16(m_port->value());
}

QByteArray DirectVncDialog::password() const
{
    return m_password->text().toUtf8();
}

bool DirectVncDialog::rememberPassword() const
{
    return m_remember->isEnabled() && m_remember->isChecked();
}

void DirectVncDialog::lookUpPassword()
{
    if (host().isEmpty() || m_store->availability() == VncPasswordStore::Availability::Unavailable) {
        return;
    }
    m_pendingKey = VncPasswordStore::keyFor(host(), port());
    m_store->read(host(), port());
}

void DirectVncDialog::onAvailabilityChanged()
{
    const bool unavailable = m_store->availability() == VncPasswordStore::Availability::Unavailable;
    m_remember->setEnabled(!unavailable);
    if (unavailable) {
        m_remember->setChecked(false);
        m_status->setText(tr("The system keychain is not available, so the password cannot be remembered. "
                             "It is used for this connection only."));
    }
}

void DirectVncDialog::updateOkButton()
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!host().isEmpty());
}

void DirectVncDialog::accept()
{
    if (host().isEmpty()) {
        return;
    }
    if (rememberPassword() && !m_password->text().isEmpty()) {
        QByteArray secret = password();
        m_store->store(host(), port(), secret);
        base::secureZero(secret.data(), static_cast<std::size_t>(secret.size()));
    } else if (!m_remember->isChecked() && m_passwordFromKeychain
               && m_store->availability() == VncPasswordStore::Availability::Available) {
        m_store->remove(host(), port()); // the user unticked a remembered password: forget it
    }
    QDialog::accept();
}

} // namespace sra::gui
