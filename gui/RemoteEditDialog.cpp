#include "gui/RemoteEditDialog.h"

#include "core/tls/HostPort.h"
#include "gui/AddressBook.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace sra::gui {

RemoteEditDialog::RemoteEditDialog(const SavedRemote& initial, const AddressBook* book, QWidget* parent)
    : QDialog(parent)
    , m_initial(initial)
    , m_book(book)
    , m_name(new QLineEdit(this))
    , m_address(new QLineEdit(this))
    , m_note(new QLineEdit(this))
    , m_problem(new QLabel(this))
{
    setObjectName(QStringLiteral("remoteEditDialog"));
    setWindowTitle(isEdit() ? tr("Edit remote") : tr("Add remote"));

    m_name->setObjectName(QStringLiteral("remoteNameEdit"));
    m_name->setPlaceholderText(tr("e.g. Reception PC"));
    m_name->setText(initial.name);
    m_address->setObjectName(QStringLiteral("remoteAddressEdit"));
    m_address->setPlaceholderText(tr("host or host:port (port 4116 by default)"));
    if (isEdit()) {
        m_address->setText(AddressBook::targetString(initial.host, initial.port));
    }
    m_note->setObjectName(QStringLiteral("remoteNoteEdit"));
    m_note->setText(initial.note);
    m_problem->setObjectName(QStringLiteral("remoteProblemLabel"));
    m_problem->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("Add&ress:"), m_address);
    form->addRow(tr("N&ote:"), m_note);

    auto* buttons = new QDialogButtonBox(this);
    m_save = buttons->addButton(tr("&Save"), QDialogButtonBox::AcceptRole);
    m_save->setObjectName(QStringLiteral("remoteSaveButton"));
    m_save->setDefault(true);
    auto* cancel = buttons->addButton(tr("&Cancel"), QDialogButtonBox::RejectRole);
    cancel->setObjectName(QStringLiteral("remoteCancelButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_address, &QLineEdit::textChanged, this, &RemoteEditDialog::validate);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    setMinimumWidth(420);
    // A new entry starts at its address: a name alone is no remote.
    (isEdit() ? m_name : m_address)->setFocus();
    validate();
}

SavedRemote RemoteEditDialog::remote() const
{
    SavedRemote remote;
    remote.name = m_name->text().trimmed();
    remote.note = m_note->text().trimmed();
    if (!core::parseHostPort(m_address->text(), remote.host, remote.port)) {
        remote.host.clear();
    }
    return remote;
}

void RemoteEditDialog::setAddressText(const QString& text)
{
    m_address->setText(text);
    m_name->setFocus();
}

void RemoteEditDialog::validate()
{
    const QString text = m_address->text().trimmed();
    QString host;
    quint16 port = 0;
    const bool valid = core::parseHostPort(text, host, port);
    m_save->setEnabled(valid);
    if (text.isEmpty()) {
        m_problem->setText(tr("Enter the remote machine's host name or address."));
    } else if (!valid) {
        m_problem->setText(tr("“%1” is not a host name or address with an optional port (1–65535), such as "
                              "pc1.example.org, 192.0.2.10:4117 or [2001:db8::1]:4117.")
                               .arg(text));
    } else if (const int row = m_book ? m_book->indexOf(host, port) : -1;
               row >= 0 && !(isEdit() && host == m_initial.host && port == m_initial.port)) {
        const SavedRemote& other = m_book->remotes().at(row);
        m_problem->setText(other.name.isEmpty()
                               ? tr("%1 is already in the address book as a recent remote; saving names it.")
                                     .arg(AddressBook::addressString(host, port))
                               : tr("%1 is already saved as “%2”; saving replaces that entry.")
                                     .arg(AddressBook::addressString(host, port), other.name));
    } else {
        m_problem->clear();
    }
}

} // namespace sra::gui
