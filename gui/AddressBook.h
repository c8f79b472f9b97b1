#pragma once

#include "core/session/KnownHosts.h"
#include "gui/AppSettings.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

class QStringListModel;

namespace sra::gui {

// The address book: the remotes a helpdesk works on, named ones it saved and unnamed "recent" ones its
// connections added, in one list sorted recent first (last used descending, then name, then address), one entry
// per host:port. Stored in AppSettings (the "addressBook" array group; never a secret: the remote's TLS identity
// is in the known-hosts file, which the book only reads to show whether it is known).
//
// What the window uses:
//     auto* book = new AddressBook(settings, settings->knownHostsFile(), this);
//     hostCombo->setModel(book->targetModel());   // target strings, recent first, for the connect bar and its
//                                                 // QCompleter (replaces the plain hostHistory() list)
//     controller->connectTo(book->resolve(typedText));   // a saved name connects to its address
//     book->touch(host, port);   // or touch(target): once connected (adds an unsaved target as a recent)
//     book->reloadKnownHosts();  // after the user accepted or removed a host identity
//     auto* dialog = new AddressBookDialog(book, this);   // gui/AddressBookDialog.h
//     connect(dialog, &AddressBookDialog::connectRequested, ...);  dialog->open();
// One AddressBook per settings store (it writes the whole group on every change). targetModel() is reset on each
// change, so a combo box using it gets its edit text set again after touch(). The first AddressBook on a settings
// store imports the old connect history (AppSettings::hostHistory()) once, as recents, so nothing typed before is
// lost; hostHistory() itself is left as it is.
class AddressBook : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        RemoteColumn,   // display "name — host:port", or "host:port" unnamed
        IdentityColumn, // "known (AB:CD:…)" / "not yet trusted"
        LastUsedColumn,
        NoteColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    // Answered on every column of a row.
    enum Role
    {
        NameRole = Qt::UserRole + 1, // QString, empty for a recent
        HostRole,                    // QString, lower case, IPv6 without brackets
        PortRole,                    // quint16 (as uint)
        TargetRole,                  // QString "host", "host:port" (port != 4116), "[v6]", "[v6]:port"
        NoteRole,                    // QString
        LastUsedRole,                // QDateTime (UTC), invalid when never used
        FingerprintKnownRole,        // bool: known_hosts has an accepted identity for host:port
        FingerprintRole,             // QString: the full formatted SHA-256 fingerprint, empty if not known
        RecentRole,                  // bool: unnamed entry added by a connection
    };
    Q_ENUM(Role)

    // Named entries are never dropped by the cap: a book of 50 named entries takes no more recents.
    static constexpr int kMaxEntries = 50;

    AddressBook(AppSettings* settings, QString knownHostsFile, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    const QList<SavedRemote>& remotes() const
    {
        return m_remotes;
    }

    // Adds `remote`, or updates the entry with its host:port (keeping that entry's last use when `remote` has none).
    // False if the host or port is invalid. The host is normalised as core::parseHostPort does.
    bool addOrUpdate(SavedRemote remote);
    // Edits the entry at host:port, which may move to another address: an entry already there is replaced.
    bool update(const QString& host, quint16 port, SavedRemote remote);
    bool remove(const QString& host, quint16 port);
    // Marks host:port used now (or at `when`); an unsaved target becomes an unnamed recent entry, and recents beyond
    // kMaxEntries are dropped oldest first. touch(target) parses "host[:port]" and is false if it does not parse.
    void touch(const QString& host, quint16 port, const QDateTime& when = {});
    bool touch(const QString& target, const QDateTime& when = {});

    // The row of host:port (any case; IPv6 with or without brackets), or -1.
    int indexOf(const QString& host, quint16 port) const;
    // The entry the text means: an exact host[:port], else a saved name (case-insensitive).
    std::optional<SavedRemote> lookup(const QString& text) const;
    // What to connect to for connect-bar text: a saved name gives its target, anything else is returned as typed.
    QString resolve(const QString& text) const;

    // "host", "host:port" (port != 4116), IPv6 in brackets: what the connect bar and sra-connect accept.
    static QString targetString(const QString& host, quint16 port);
    // "host:port" always, IPv6 in brackets.
    static QString addressString(const QString& host, quint16 port);

    // The target strings of every entry, recent first, kept current: a QStringListModel for a QComboBox or
    // QCompleter.
    QAbstractItemModel* targetModel() const;
    QStringList targets() const;

    QString knownHostsFile() const
    {
        return m_knownHostsFile;
    }

    void setKnownHostsFile(const QString& file);

public Q_SLOTS:
    // Rereads the known-hosts file (the identity column); a file that cannot be read counts as no known hosts.
    void reloadKnownHosts();

private:
    void importHostHistory();
    // Replaces the entry at `row`, keeping its last use when `remote` has none.
    void replaceAt(int row, SavedRemote remote);
    // Puts m_remotes[row] where the order wants it, telling the views.
    void reposition(int row);
    void insertSorted(const SavedRemote& remote);
    void removeRow(int row);
    void trimRecents();
    void store();
    std::optional<QByteArray> fingerprintOf(const SavedRemote& remote) const;

    AppSettings* m_settings;
    QString m_knownHostsFile;
    core::KnownHosts m_knownHosts;
    QList<SavedRemote> m_remotes;
    QStringListModel* m_targets;
};

} // namespace sra::gui
