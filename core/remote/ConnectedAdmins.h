#pragma once

#include "core/config/SradConfig.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QSslCertificate>
#include <QString>

namespace sra::core {

struct ConnectedAdmin
{
    QString sessionId;
    QString account;             // what srad mapped the certificate to
    QString peer;                // "[address]:port"
    QDateTime since;             // UTC
    QSslCertificate certificate; // the certificate the admin signed in with (Hello)
};

// Who is signed in to srad right now, for `sra-setup pair --from-session`: srad writes one file per
// authenticated session into <runtimeDir>/admins/ (directory 0700, files 0600, owned by srad's user, so only
// root — the remote's own administrator — reads them) and deletes it when the session ends; srad empties the
// directory when it starts, so a crash leaves nothing that outlives the next start. Files, rather than a query
// on the local channel, because the local channel is open to the group sra-card and this is root's business
// only; and because sra-setup then works with srad's root tree in tests exactly as on a real system.
//
// File format (text): "session: ID", "account: NAME", "peer: [a]:p", "since: ISO 8601" lines, then the PEM
// certificate.
class ConnectedAdmins
{
public:
    explicit ConnectedAdmins(const SradPaths& paths);

    QString directory() const; // <runtimeDir>/admins

    // srad.
    bool record(const ConnectedAdmin& admin, QString& error) const;
    void forget(const QString& sessionId) const;
    void clear() const;

    // sra-setup: every readable record, oldest first. Damaged files are skipped.
    QList<ConnectedAdmin> list() const;

    static QByteArray serialize(const ConnectedAdmin& admin);
    // False for anything that is not a whole record (unknown or missing header, bad session id, no certificate).
    static bool parse(const QByteArray& text, ConnectedAdmin& out);
    // Session ids are srad's: 32 lower-case hexadecimal digits.
    static bool isValidSessionId(const QString& id);

private:
    SradPaths m_paths;
};

} // namespace sra::core
