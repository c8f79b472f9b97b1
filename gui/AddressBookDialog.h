#pragma once

#include <QDialog>
#include <QString>

class QLineEdit;
class QPushButton;
class QTreeView;

namespace sra::gui {

class AddressBook;
class AddressBookFilter;

// The address book's window: a search field over the saved and recent remotes, the list (name — host:port,
// identity known or not yet trusted, last use, note), and Connect (default: Enter), Add…, Edit…, Remove (after a
// confirmation) and Close. Usable by keyboard alone: the search has the focus on open, Down moves into the list,
// Enter connects to the current row (the first match while searching), every button has a mnemonic, Escape closes.
// With no row to choose, Enter connects to the search text itself if it is a host[:port].
//
// What the window uses:
//     auto* dialog = new AddressBookDialog(book, this);      // book: the window's AddressBook
//     dialog->setAttribute(Qt::WA_DeleteOnClose);
//     connect(dialog, &AddressBookDialog::connectRequested, this, [this](const QString& target) { ... });
//     dialog->open();                                         // never exec(): no nested event loop
// connectRequested(target) comes with the dialog closing (accepted); target is AddressBook::targetString().
class AddressBookDialog : public QDialog
{
    Q_OBJECT

public:
    explicit AddressBookDialog(AddressBook* book, QWidget* parent = nullptr);

    // The target of the current row, else the search text if it parses as host[:port], else empty.
    QString currentTarget() const;

Q_SIGNALS:
    void connectRequested(const QString& target);

public Q_SLOTS:
    void connectToCurrent();
    void addRemote();
    void editCurrent();
    void removeCurrent();

protected:
    void showEvent(QShowEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QModelIndex currentSourceIndex() const;
    // Makes the first visible row current when no row is.
    void ensureCurrent(bool first = false);
    void selectRemote(const QString& host, quint16 port);
    void updateButtons();

    AddressBook* m_book;
    AddressBookFilter* m_filter;
    QLineEdit* m_search;
    QTreeView* m_view;
    QPushButton* m_connect;
    QPushButton* m_add;
    QPushButton* m_edit;
    QPushButton* m_remove;
    QPushButton* m_close;
};

} // namespace sra::gui
