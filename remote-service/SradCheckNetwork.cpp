// srad --check of the network listeners: each [network] listen address answers TLS with the configured identity.
#include "core/tls/Fingerprint.h"
#include "remote-service/SradCheck.h"
#include "remote-service/SradCheckSupport.h"

#include <QSslConfiguration>
#include <QSslSocket>

namespace sra::srad {

using namespace check;

namespace {

// The readable form of an address and port: [v6]:port, v4:port.
QString endpoint(const QHostAddress& address, quint16 port)
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(address.toString())
                             : address.toString();
    return QStringLiteral("%1:%2").arg(host).arg(port);
}

// A wildcard address is reached through the loopback of its family; any other address as it is.
QHostAddress connectTarget(const QHostAddress& address)
{
    if (address == QHostAddress(QHostAddress::AnyIPv4)) {
        return QHostAddress(QHostAddress::LocalHost);
    }
    if (address == QHostAddress(QHostAddress::AnyIPv6)) {
        return QHostAddress(QHostAddress::LocalHostIPv6);
    }
    return address;
}

} // namespace

QList<CheckResult> SradCheck::listening()
{
    QList<CheckResult> results;
    for (const QHostAddress& address : m_config.listen) {
        const QString item = QStringLiteral("listening %1").arg(endpoint(address, m_config.port));
        const QHostAddress target = connectTarget(address);
        const QString where = endpoint(target, m_config.port);
        const QString findIt = QStringLiteral("see which program it is: ss -ltnp 'sport = :%1'; stop it, or give srad "
                                              "another [network] port, then: systemctl restart srad")
                                   .arg(m_config.port);
        QSslSocket socket;
        // Only the certificate is wanted, to compare with the identity; srad's is self-signed, so no chain check.
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        socket.setSslConfiguration(tls);
        socket.connectToHost(target, m_config.port);
        if (!socket.waitForConnected(m_env.networkTimeoutMs)) {
            if (socket.error() == QAbstractSocket::ConnectionRefusedError) {
                results.append(fail(item, QStringLiteral("nothing listens on %1").arg(where), startFix()));
            } else {
                results.append(fail(
                    item, QStringLiteral("cannot connect to %1 (%2)").arg(where, socket.errorString()), startFix()));
            }
            continue;
        }
        socket.startClientEncryption();
        if (!socket.waitForEncrypted(m_env.networkTimeoutMs)) {
            results.append(fail(
                item,
                QStringLiteral("another program answers on %1: no TLS handshake (%2)").arg(where, socket.errorString()),
                findIt));
            continue;
        }
        const QString answered = core::formatFingerprint(core::sha256Fingerprint(socket.peerCertificate()));
        socket.disconnectFromHost();
        if (m_fingerprint.isEmpty()) {
            results.append(
                fail(item,
                     QStringLiteral("something answers TLS on %1 with SHA-256 %2, but the configured identity does "
                                    "not load to compare it")
                         .arg(where, answered),
                     QStringLiteral("repair the TLS identity first (see above)")));
        } else if (answered != m_fingerprint) {
            results.append(fail(item,
                                QStringLiteral("another program (or another identity) answers on %1: SHA-256 %2, the "
                                               "configured identity is %3")
                                    .arg(where, answered, m_fingerprint),
                                findIt));
        } else {
            results.append(ok(item, QStringLiteral("srad is listening on %1").arg(where)));
        }
    }
    return results;
}

} // namespace sra::srad
