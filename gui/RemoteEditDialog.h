#pragma once

#include "gui/AppSettings.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace sra::gui {

class AddressBook;

// The address book's Add… / Edit… form: name, host[:port] (checked with core::parseHostPort as the connect bar
// checks it; Save stays disabled until it parses) and a note. Says so when the address belongs to another entry,
// which saving replaces (one entry per host:port). Opened with open(); on accepted(), remote() is what to save
// (lastUsed left invalid: the book keeps the entry's own).
class RemoteEditDialog : public QDialog
{
    Q_OBJECT

public:
    // `initial` with an empty host: a new entry.
    RemoteEditDialog(const SavedRemote& initial, const AddressBook* book, QWidget* parent = nullptr);

    SavedRemote remote() const;
    // Fills in the address of a new entry (e.g. what the search was for).
    void setAddressText(const QString& text);

    bool isEdit() const
    {
        return !m_initial.host.isEmpty();
    }

    const SavedRemote& initial() const
    {
        return m_initial;
    }

private:
    void validate();

    SavedRemote m_initial;
    const AddressBook* m_book;
    QLineEdit* m_name;
    QLineEdit* m_address;
    QLineEdit* m_note;
    QLabel* m_problem;
    QPushButton* m_save = nullptr;
};

} // namespace sra::gui
