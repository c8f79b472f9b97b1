#pragma once

#include <QSortFilterProxyModel>
#include <QString>

namespace sra::gui {

// The address book's search: rows whose name, host, target or note contain the search text, case-insensitively
// (an empty text shows every row). Keeps the book's order (recent first); does not sort.
class AddressBookFilter : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit AddressBookFilter(QObject* parent = nullptr);

    QString searchText() const
    {
        return m_search;
    }

public Q_SLOTS:
    void setSearchText(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_search;
};

} // namespace sra::gui
