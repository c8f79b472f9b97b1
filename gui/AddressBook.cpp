#include "gui/AddressBook.h"

#include "core/tls/Fingerprint.h"
#include "core/tls/HostPort.h"

#include <QLocale>
#include <QStringListModel>

#include <algorithm>

namespace sra::gui {

namespace {
// How much of the fingerprint the identity column shows: enough to recognise an entry, the tooltip has it all.
constexpr int kShortFingerprintBytes = 8;

// The host as the session will use it (parseHostPort's normal form) and a usable port; false if either is not.
bool normalise(SavedRemote& remote)
{
    if (remote.port == 0) {
        return false;
    }
    QString text = remote.host.trimmed();
    // A bare host with one colon would be read as host:port: only an IPv6 address may contain colons here.
    if (text.contains(QLatin1Char(':')) && !text.startsWith(QLatin1Char('['))) {
        text = QLatin1Char('[') + text + QLatin1Char(']');
    }
    QString host;
    quint16 port = 0;
    if (!core::parseHostPort(text, host, port, remote.port) || port != remote.port) {
        return false;
    }
    remote.host = host;
    remote.name = remote.name.trimmed();
    remote.note = remote.note.trimmed();
    if (remote.lastUsed.isValid()) {
        remote.lastUsed = remote.lastUsed.toUTC();
    }
    return true;
}

// Recent first; never-used entries last; then named before unnamed, by name, by address. A strict total order on
// host:port, so every entry has one place.
bool before(const SavedRemote& a, const SavedRemote& b)
{
    if (a.lastUsed != b.lastUsed) {
        if (!a.lastUsed.isValid() || !b.lastUsed.isValid()) {
            return a.lastUsed.isValid();
        }
        return a.lastUsed > b.lastUsed;
    }
    if (a.name.isEmpty() != b.name.isEmpty()) {
        return !a.name.isEmpty();
    }
    const int byName = QString::compare(a.name, b.name, Qt::CaseInsensitive);
    if (byName != 0) {
        return byName < 0;
    }
    if (a.host != b.host) {
        return a.host < b.host;
    }
    return a.port < b.port;
}

} // namespace

AddressBook::AddressBook(AppSettings* settings, QString knownHostsFile, QObject* parent)
    : QAbstractTableModel(parent)
    , m_settings(settings)
    , m_knownHostsFile(std::move(knownHostsFile))
    , m_knownHosts(m_knownHostsFile)
    , m_targets(new QStringListModel(this))
{
    // A hand-edited file may hold an address twice: the first one (the file's order) wins.
    const QList<SavedRemote> stored = m_settings->addressBook();
    for (SavedRemote remote : stored) {
        if (normalise(remote) && indexOf(remote.host, remote.port) < 0) {
            m_remotes.append(remote);
        }
    }
    std::sort(m_remotes.begin(), m_remotes.end(), before);
    const bool import = !m_settings->hostHistoryImported();
    if (import) {
        importHostHistory();
    }
    trimRecents();
    if (import) {
        store();
    } else {
        m_targets->setStringList(targets());
    }
    reloadKnownHosts();
}

void AddressBook::importHostHistory()
{
    // The history kept no times: its entries are dated at the import, a second apart, so that they keep their
    // order (most recent first) and come after everything the book already dated.
    const QStringList history = m_settings->hostHistory();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < history.size(); ++i) {
        QString host;
        quint16 port = 0;
        if (!core::parseHostPort(history.at(i), host, port) || indexOf(host, port) >= 0) {
            continue;
        }
        m_remotes.append(SavedRemote{{}, host, port, now.addSecs(-1 - i), {}});
    }
    std::sort(m_remotes.begin(), m_remotes.end(), before);
    m_settings->setHostHistoryImported();
}

int AddressBook::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_remotes.size());
}

int AddressBook::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AddressBook::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_remotes.size()) {
        return {};
    }
    const SavedRemote& remote = m_remotes.at(index.row());
    const std::optional<QByteArray> fingerprint = fingerprintOf(remote);
    switch (role) {
    case NameRole:
        return remote.name;
    case HostRole:
        return remote.host;
    case PortRole:
        return static_cast<uint>(remote.port);
    case TargetRole:
        return targetString(remote.host, remote.port);
    case NoteRole:
        return remote.note;
    case LastUsedRole:
        return remote.lastUsed;
    case FingerprintKnownRole:
        return fingerprint.has_value();
    case FingerprintRole:
        return fingerprint ? core::formatFingerprint(*fingerprint) : QString();
    case RecentRole:
        return remote.name.isEmpty();
    case Qt::DisplayRole:
        switch (index.column()) {
        case RemoteColumn:
            return remote.name.isEmpty()
                       ? addressString(remote.host, remote.port)
                       : tr("%1 — %2", "name — host:port").arg(remote.name, addressString(remote.host, remote.port));
        case IdentityColumn:
            return fingerprint ? tr("known (%1)", "the start of a SHA-256 fingerprint")
                                     .arg(core::formatFingerprint(fingerprint->left(kShortFingerprintBytes))
                                          + QStringLiteral("…"))
                               : tr("not yet trusted");
        case LastUsedColumn:
            return remote.lastUsed.isValid() ? QLocale().toString(remote.lastUsed.toLocalTime(), QLocale::ShortFormat)
                                             : tr("never");
        case NoteColumn:
            return remote.note;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == IdentityColumn) {
            return fingerprint ? tr("Accepted SHA-256 fingerprint: %1").arg(core::formatFingerprint(*fingerprint))
                               : tr("The first connection shows the remote machine's fingerprint for you to compare.");
        }
        return remote.note.isEmpty() ? QVariant() : QVariant(remote.note);
    default:
        return {};
    }
}

QVariant AddressBook::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case RemoteColumn:
        return tr("Remote");
    case IdentityColumn:
        return tr("Identity");
    case LastUsedColumn:
        return tr("Last used");
    case NoteColumn:
        return tr("Note");
    default:
        return {};
    }
}

QHash<int, QByteArray> AddressBook::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(HostRole, "host");
    names.insert(PortRole, "port");
    names.insert(TargetRole, "target");
    names.insert(NoteRole, "note");
    names.insert(LastUsedRole, "lastUsed");
    names.insert(FingerprintKnownRole, "fingerprintKnown");
    names.insert(FingerprintRole, "fingerprint");
    names.insert(RecentRole, "recent");
    return names;
}

bool AddressBook::addOrUpdate(SavedRemote remote)
{
    if (!normalise(remote)) {
        return false;
    }
    const int row = indexOf(remote.host, remote.port);
    if (row < 0) {
        insertSorted(remote);
        trimRecents();
    } else {
        replaceAt(row, std::move(remote));
    }
    store();
    return true;
}

bool AddressBook::update(const QString& host, quint16 port, SavedRemote remote)
{
    int row = indexOf(host, port);
    if (row < 0) {
        return addOrUpdate(std::move(remote));
    }
    if (!normalise(remote)) {
        return false;
    }
    const int other = indexOf(remote.host, remote.port);
    if (other >= 0 && other != row) {
        // One entry per address: the edited one takes the place of the one that was there.
        removeRow(other);
        row = indexOf(host, port);
    }
    replaceAt(row, std::move(remote));
    store();
    return true;
}

bool AddressBook::remove(const QString& host, quint16 port)
{
    const int row = indexOf(host, port);
    if (row < 0) {
        return false;
    }
    removeRow(row);
    store();
    return true;
}

void AddressBook::touch(const QString& host, quint16 port, const QDateTime& when)
{
    SavedRemote remote{{}, host, port, when.isValid() ? when : QDateTime::currentDateTimeUtc(), {}};
    if (!normalise(remote)) {
        return;
    }
    const int row = indexOf(remote.host, remote.port);
    if (row < 0) {
        insertSorted(remote);
        trimRecents();
    } else {
        m_remotes[row].lastUsed = remote.lastUsed;
        reposition(row);
    }
    store();
}

bool AddressBook::touch(const QString& target, const QDateTime& when)
{
    QString host;
    quint16 port = 0;
    if (!core::parseHostPort(target, host, port)) {
        return false;
    }
    touch(host, port, when);
    return true;
}

int AddressBook::indexOf(const QString& host, quint16 port) const
{
    SavedRemote key{{}, host, port, {}, {}};
    if (!normalise(key)) {
        return -1;
    }
    for (int i = 0; i < m_remotes.size(); ++i) {
        if (m_remotes.at(i).host == key.host && m_remotes.at(i).port == key.port) {
            return i;
        }
    }
    return -1;
}

std::optional<SavedRemote> AddressBook::lookup(const QString& text) const
{
    QString host;
    quint16 port = 0;
    if (core::parseHostPort(text, host, port)) {
        const int row = indexOf(host, port);
        if (row >= 0) {
            return m_remotes.at(row);
        }
    }
    const QString name = text.trimmed();
    if (name.isEmpty()) {
        return std::nullopt;
    }
    for (const SavedRemote& remote : m_remotes) {
        if (QString::compare(remote.name, name, Qt::CaseInsensitive) == 0) {
            return remote;
        }
    }
    return std::nullopt;
}

QString AddressBook::resolve(const QString& text) const
{
    const std::optional<SavedRemote> remote = lookup(text);
    return remote ? targetString(remote->host, remote->port) : text.trimmed();
}

QString AddressBook::targetString(const QString& host, quint16 port)
{
    return core::formatHostPort(host, port);
}

QString AddressBook::addressString(const QString& host, quint16 port)
{
    return core::formatHostPort(host, port, 0);
}

QAbstractItemModel* AddressBook::targetModel() const
{
    return m_targets;
}

QStringList AddressBook::targets() const
{
    QStringList list;
    list.reserve(m_remotes.size());
    for (const SavedRemote& remote : m_remotes) {
        list.append(targetString(remote.host, remote.port));
    }
    return list;
}

void AddressBook::setKnownHostsFile(const QString& file)
{
    m_knownHostsFile = file;
    m_knownHosts = core::KnownHosts(file);
    reloadKnownHosts();
}

void AddressBook::reloadKnownHosts()
{
    // An unreadable file shows every remote as not yet trusted, which is what the session will find too.
    if (!m_knownHosts.load()) {
        m_knownHosts = core::KnownHosts(m_knownHostsFile);
    }
    if (!m_remotes.isEmpty()) {
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    }
}

std::optional<QByteArray> AddressBook::fingerprintOf(const SavedRemote& remote) const
{
    return m_knownHosts.find(remote.host, remote.port);
}

void AddressBook::replaceAt(int row, SavedRemote remote)
{
    if (!remote.lastUsed.isValid()) {
        remote.lastUsed = m_remotes.at(row).lastUsed;
    }
    m_remotes[row] = std::move(remote);
    reposition(row);
}

void AddressBook::reposition(int row)
{
    const SavedRemote& remote = m_remotes.at(row);
    int target = 0; // its index among the others
    for (int i = 0; i < m_remotes.size(); ++i) {
        if (i != row && before(m_remotes.at(i), remote)) {
            ++target;
        }
    }
    if (target != row) {
        beginMoveRows(QModelIndex(), row, row, QModelIndex(), target > row ? target + 1 : target);
        m_remotes.move(row, target);
        endMoveRows();
    }
    Q_EMIT dataChanged(index(target, 0), index(target, ColumnCount - 1));
}

void AddressBook::insertSorted(const SavedRemote& remote)
{
    const int row =
        static_cast<int>(std::upper_bound(m_remotes.cbegin(), m_remotes.cend(), remote, before) - m_remotes.cbegin());
    beginInsertRows(QModelIndex(), row, row);
    m_remotes.insert(row, remote);
    endInsertRows();
}

void AddressBook::removeRow(int row)
{
    beginRemoveRows(QModelIndex(), row, row);
    m_remotes.removeAt(row);
    endRemoveRows();
}

void AddressBook::trimRecents()
{
    // The list is sorted: the last unnamed entry is the oldest recent.
    while (m_remotes.size() > kMaxEntries) {
        int oldest = -1;
        for (int i = static_cast<int>(m_remotes.size()) - 1; i >= 0 && oldest < 0; --i) {
            if (m_remotes.at(i).name.isEmpty()) {
                oldest = i;
            }
        }
        if (oldest < 0) {
            return;
        }
        removeRow(oldest);
    }
}

void AddressBook::store()
{
    m_settings->setAddressBook(m_remotes);
    m_settings->sync();
    m_targets->setStringList(targets());
}

} // namespace sra::gui
