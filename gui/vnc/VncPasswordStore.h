#pragma once

#include <QObject>
#include <QString>

namespace QKeychain {
class Job;
}

namespace sra::gui {

// Direct-VNC passwords in the system keychain (Secret Service, macOS Keychain, Windows Credential Manager)
// through QtKeychain. Every operation is an asynchronous job parented to this object and answered by a
// signal; there is no plain-text fallback: when no keychain is usable the operation fails, the store
// reports itself unavailable and nothing is remembered.
// Entries: service "secure-remote-access", key "vnc:<host>:<port>" (host lower-case, IPv6 in brackets).
class VncPasswordStore : public QObject
{
    Q_OBJECT

public:
    enum class Availability
    {
        Unknown,
        Available,
        Unavailable
    };
    Q_ENUM(Availability)

    explicit VncPasswordStore(QObject* parent = nullptr);

    static QString serviceName();
    static QString keyFor(const QString& host, quint16 port);

    Availability availability() const
    {
        return m_availability;
    }

    // Finds out whether a keychain answers (availabilityChanged) without touching any entry's value.
    void checkAvailability();
    void read(const QString& host, quint16 port);
    void store(const QString& host, quint16 port, const QByteArray& password);
    void remove(const QString& host, quint16 port);

Q_SIGNALS:
    void availabilityChanged(sra::gui::VncPasswordStore::Availability availability);
    // found = false: no entry for this host (not an error). The receiver should wipe `password` after use.
    void readFinished(const QString& key, const QByteArray& password, bool found);
    void storeFinished(const QString& key);
    void removeFinished(const QString& key);
    // One translated sentence; the keychain's own error text is included.
    void failed(const QString& key, const QString& message);

private:
    // true: the job succeeded (or found nothing); false: it failed and failed() was emitted.
    bool handleResult(QKeychain::Job* job);

    Availability m_availability = Availability::Unknown;
};

} // namespace sra::gui
