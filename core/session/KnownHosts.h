#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace sra::core {

// Trust on first use: the SHA-256 fingerprints of the srad identities this admin has accepted, one line per
// host and port ("host:port AA:BB:…"), in ~/.config/secure-remote-access/known_hosts by default.
class KnownHosts
{
public:
    static QString defaultPath();

    explicit KnownHosts(QString file);

    // Reads the file; a missing file is an empty list. Malformed lines are skipped and counted in `skipped`.
    bool load(QString* error = nullptr, int* skipped = nullptr);
    bool save(QString* error = nullptr) const;

    // The accepted fingerprint (raw 32 bytes) for host:port, if any.
    std::optional<QByteArray> find(const QString& host, quint16 port) const;
    void set(const QString& host, quint16 port, const QByteArray& sha256);
    bool remove(const QString& host, quint16 port);

    struct Entry
    {
        QString host;
        quint16 port;
        QByteArray sha256;
    };

    const QList<Entry>& entries() const
    {
        return m_entries;
    }

private:
    QString m_file;
    QList<Entry> m_entries;
};

} // namespace sra::core
