#pragma once

#include "core/tls/HostPort.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QSettings>
#include <QString>
#include <QStringList>

namespace sra::gui {

// One remote of the address book (gui/AddressBook.h). Only what identifies and describes the machine: its TLS
// identity stays in the known-hosts file, and nothing secret is ever part of it.
struct SavedRemote
{
    QString name; // empty: an unnamed "recent" entry, added by a connection
    QString host; // as core::parseHostPort gives it: lower case, IPv6 without brackets
    quint16 port = core::kDefaultSradPort;
    QDateTime lastUsed; // UTC; invalid: never connected to
    QString note;
};

// What the admin window remembers between runs, typed, over one QSettings store (the user's
// ~/.config/secure-remote-access/secure-remote-access.conf, or a given INI file for tests and --settings).
// Never holds a secret: no PIN, no session data.
class AppSettings : public QObject
{
    Q_OBJECT

public:
    enum class Approval
    {
        Ask,     // ask before each relayed operation (sra-connect --approve ask)
        Session, // allow every operation for the session (sra-connect --approve session)
    };
    Q_ENUM(Approval)

    // The user's settings file.
    explicit AppSettings(QObject* parent = nullptr);
    // An INI file of its own (tests, --settings FILE).
    explicit AppSettings(const QString& iniFile, QObject* parent = nullptr);

    static constexpr int kMaxHistory = 20;

    // host[:port] entries of the connect bar, most recent first.
    QStringList hostHistory() const;
    void addHostToHistory(const QString& target);

    // The saved remotes (the "addressBook" array group), in the order given; entries without a valid host or
    // port are skipped on reading. AddressBook keeps the order and the rules.
    QList<SavedRemote> addressBook() const;
    void setAddressBook(const QList<SavedRemote>& remotes);
    // Whether the connect history has been copied into the address book yet (once, by AddressBook).
    bool hostHistoryImported() const;
    void setHostHistoryImported();

    // The known-hosts file (default: KnownHosts::defaultPath(), shared with sra-connect).
    QString knownHostsFile() const;
    void setKnownHostsFile(const QString& file);

    // The root under which this machine's SRA files live ("/" normally; a staging tree for tests, as
    // sra-setup --root). The License page reads <root>/etc/secure-remote-access/srad.conf and its license.
    QString sradRoot() const;
    void setSradRoot(const QString& root);

    // The relay policy for "Insert card": key slots the remote may use (default 9A) and the approval mode.
    QList<quint8> relayAllowedSlots() const;
    void setRelayAllowedSlots(const QList<quint8>& slots);
    Approval relayApproval() const;
    void setRelayApproval(Approval approval);

    // "" follows the system, else "en" or "de". Applied at the next start.
    QString language() const;
    void setLanguage(const QString& language);

    // For this run only, not saved (command-line options --known-hosts and --root).
    void overrideKnownHostsFile(const QString& file)
    {
        m_knownHostsOverride = file;
    }

    void overrideSradRoot(const QString& root)
    {
        m_sradRootOverride = root;
    }

    void sync();

private:
    QSettings* m_settings;
    QString m_knownHostsOverride;
    QString m_sradRootOverride;
};

} // namespace sra::gui
