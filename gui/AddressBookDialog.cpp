#include "gui/AddressBookDialog.h"

#include "core/tls/HostPort.h"
#include "gui/AddressBook.h"
#include "gui/AddressBookFilter.h"
#include "gui/RemoteEditDialog.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace sra::gui {

AddressBookDialog::AddressBookDialog(AddressBook* book, QWidget* parent)
    : QDialog(parent)
    , m_book(book)
    , m_filter(new AddressBookFilter(this))
    , m_search(new QLineEdit(this))
    , m_view(new QTreeView(this))
    , m_connect(new QPushButton(tr("&Connect"), this))
    , m_add(new QPushButton(tr("&Add…"), this))
    , m_edit(new QPushButton(tr("&Edit…"), this))
    , m_remove(new QPushButton(tr("&Remove"), this))
    , m_close(new QPushButton(tr("Cl&ose"), this))
{
    setObjectName(QStringLiteral("addressBookDialog"));
    setWindowTitle(tr("Address book"));
    m_filter->setSourceModel(m_book);

    auto* searchLabel = new QLabel(tr("&Search:"), this);
    searchLabel->setBuddy(m_search);
    m_search->setObjectName(QStringLiteral("addressBookSearch"));
    m_search->setPlaceholderText(tr("Name, address or note"));
    m_search->setClearButtonEnabled(true);
    m_search->installEventFilter(this);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_filter->setSearchText(text);
        ensureCurrent(true);
    });

    m_view->setObjectName(QStringLiteral("addressBookView"));
    m_view->setModel(m_filter);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->header()->setStretchLastSection(true);
    m_view->header()->setSectionResizeMode(AddressBook::RemoteColumn, QHeaderView::Interactive);
    m_view->setColumnWidth(AddressBook::RemoteColumn, 260);
    m_view->setColumnWidth(AddressBook::IdentityColumn, 220);
    m_view->setColumnWidth(AddressBook::LastUsedColumn, 130);
    // Enter in the list is left to the dialog's default button (Connect), so that it connects exactly once.
    connect(m_view, &QAbstractItemView::doubleClicked, this, &AddressBookDialog::connectToCurrent);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &AddressBookDialog::updateButtons);
    for (const auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
        connect(m_filter, signal, this, [this] { ensureCurrent(); });
    }
    connect(m_filter, &QAbstractItemModel::rowsMoved, this, [this] { ensureCurrent(); });
    connect(m_filter, &QAbstractItemModel::modelReset, this, [this] { ensureCurrent(); });
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, [this] { ensureCurrent(); });

    m_connect->setObjectName(QStringLiteral("addressBookConnect"));
    m_connect->setDefault(true);
    m_add->setObjectName(QStringLiteral("addressBookAdd"));
    m_edit->setObjectName(QStringLiteral("addressBookEdit"));
    m_remove->setObjectName(QStringLiteral("addressBookRemove"));
    m_close->setObjectName(QStringLiteral("addressBookClose"));
    connect(m_connect, &QPushButton::clicked, this, &AddressBookDialog::connectToCurrent);
    connect(m_add, &QPushButton::clicked, this, &AddressBookDialog::addRemote);
    connect(m_edit, &QPushButton::clicked, this, &AddressBookDialog::editCurrent);
    connect(m_remove, &QPushButton::clicked, this, &AddressBookDialog::removeCurrent);
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);

    auto* searchRow = new QHBoxLayout;
    searchRow->addWidget(searchLabel);
    searchRow->addWidget(m_search, 1);
    auto* buttons = new QVBoxLayout;
    for (QPushButton* button : {m_connect, m_add, m_edit, m_remove}) {
        buttons->addWidget(button);
    }
    buttons->addStretch(1);
    buttons->addWidget(m_close);
    auto* body = new QHBoxLayout;
    body->addWidget(m_view, 1);
    body->addLayout(buttons);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(searchRow);
    layout->addLayout(body, 1);

    setTabOrder(m_search, m_view);
    setTabOrder(m_view, m_connect);
    setTabOrder(m_connect, m_add);
    setTabOrder(m_add, m_edit);
    setTabOrder(m_edit, m_remove);
    setTabOrder(m_remove, m_close);
    resize(760, 420);
    ensureCurrent(true);
}

QString AddressBookDialog::currentTarget() const
{
    const QModelIndex index = currentSourceIndex();
    if (index.isValid()) {
        return index.data(AddressBook::TargetRole).toString();
    }
    QString host;
    quint16 port = 0;
    return core::parseHostPort(m_search->text(), host, port) ? AddressBook::targetString(host, port) : QString();
}

void AddressBookDialog::connectToCurrent()
{
    const QString target = currentTarget();
    if (target.isEmpty() || !isVisible()) {
        return;
    }
    Q_EMIT connectRequested(target);
    accept();
}

void AddressBookDialog::addRemote()
{
    auto* form = new RemoteEditDialog({}, m_book, this);
    form->setAttribute(Qt::WA_DeleteOnClose);
    // What was searched for but is not in the book is likely what is to be added.
    QString host;
    quint16 port = 0;
    if (m_filter->rowCount() == 0 && core::parseHostPort(m_search->text(), host, port)) {
        form->setAddressText(AddressBook::targetString(host, port));
    }
    connect(form, &QDialog::accepted, this, [this, form] {
        const SavedRemote remote = form->remote();
        if (m_book->addOrUpdate(remote)) {
            selectRemote(remote.host, remote.port);
        }
    });
    form->open();
}

void AddressBookDialog::editCurrent()
{
    const QModelIndex index = currentSourceIndex();
    if (!index.isValid()) {
        return;
    }
    const SavedRemote initial = m_book->remotes().at(index.row());
    auto* form = new RemoteEditDialog(initial, m_book, this);
    form->setAttribute(Qt::WA_DeleteOnClose);
    connect(form, &QDialog::accepted, this, [this, form, initial] {
        const SavedRemote remote = form->remote();
        if (m_book->update(initial.host, initial.port, remote)) {
            selectRemote(remote.host, remote.port);
        }
    });
    form->open();
}

void AddressBookDialog::removeCurrent()
{
    const QModelIndex index = currentSourceIndex();
    if (!index.isValid()) {
        return;
    }
    const QString host = index.data(AddressBook::HostRole).toString();
    const auto port = static_cast<quint16>(index.data(AddressBook::PortRole).toUInt());
    auto* box = new QMessageBox(QMessageBox::Question,
                                tr("Remove remote"),
                                tr("Remove %1 from the address book?").arg(index.data(Qt::DisplayRole).toString()),
                                QMessageBox::NoButton,
                                this);
    box->setObjectName(QStringLiteral("addressBookRemoveConfirm"));
    box->setInformativeText(tr("An accepted identity stays in the known hosts (Preferences)."));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* remove = box->addButton(tr("&Remove"), QMessageBox::DestructiveRole);
    remove->setObjectName(QStringLiteral("addressBookRemoveConfirmButton"));
    QPushButton* cancel = box->addButton(tr("&Cancel"), QMessageBox::RejectRole);
    // Removing must be chosen: Enter keeps the entry.
    box->setDefaultButton(cancel);
    box->setEscapeButton(cancel);
    connect(box, &QMessageBox::finished, this, [this, box, remove, host, port] {
        if (box->clickedButton() == remove) {
            m_book->remove(host, port);
            m_view->setFocus();
        }
    });
    box->open();
}

void AddressBookDialog::showEvent(QShowEvent* event)
{
    QDialog::showEvent(event);
    m_book->reloadKnownHosts();
    m_search->setFocus(Qt::OtherFocusReason);
    // Each opening is a new look-up: the whole book, the search empty and ready for typing.
    m_search->clear();
    ensureCurrent(true);
}

bool AddressBookDialog::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Down && key->modifiers() == Qt::NoModifier) {
            ensureCurrent();
            m_view->setFocus(Qt::TabFocusReason);
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

QModelIndex AddressBookDialog::currentSourceIndex() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? m_filter->mapToSource(current) : QModelIndex();
}

void AddressBookDialog::ensureCurrent(bool first)
{
    if ((first || !m_view->currentIndex().isValid()) && m_filter->rowCount() > 0) {
        m_view->setCurrentIndex(m_filter->index(0, 0));
    }
    updateButtons();
}

void AddressBookDialog::selectRemote(const QString& host, quint16 port)
{
    const int row = m_book->indexOf(host, port);
    if (row < 0) {
        return;
    }
    QModelIndex index = m_filter->mapFromSource(m_book->index(row, 0));
    if (!index.isValid()) {
        // Saved but hidden by the search: show everything rather than lose sight of it.
        m_search->clear();
        index = m_filter->mapFromSource(m_book->index(row, 0));
    }
    m_view->setCurrentIndex(index);
    m_view->setFocus();
}

void AddressBookDialog::updateButtons()
{
    const bool hasRow = currentSourceIndex().isValid();
    m_connect->setEnabled(!currentTarget().isEmpty());
    m_edit->setEnabled(hasRow);
    m_remove->setEnabled(hasRow);
}

} // namespace sra::gui
