#include "gui/AddressBookFilter.h"

#include "gui/AddressBook.h"

namespace sra::gui {

AddressBookFilter::AddressBookFilter(QObject* parent)
    : QSortFilterProxyModel(parent)
{}

void AddressBookFilter::setSearchText(const QString& text)
{
    const QString search = text.trimmed();
    if (search == m_search) {
        return;
    }
    m_search = search;
    invalidateFilter();
}

bool AddressBookFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_search.isEmpty()) {
        return true;
    }
    const QModelIndex row = sourceModel()->index(sourceRow, 0, sourceParent);
    for (const int role :
         {AddressBook::NameRole, AddressBook::HostRole, AddressBook::TargetRole, AddressBook::NoteRole}) {
        if (row.data(role).toString().contains(m_search, Qt::CaseInsensitive)) {
            return true;
        }
    }
    return false;
}

} // namespace sra::gui
