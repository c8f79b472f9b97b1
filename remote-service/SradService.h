#pragma once

#include "core/config/SradConfig.h"
#include "core/remote/PairingStore.h"
#include "core/remote/TlsIdentity.h"
#include "remote-service/FailureLimiter.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTcpServer>

#include <optional>

namespace sra::core {
struct LicenseStatus;
class PairingStore;
} // namespace sra::core

namespace sra::srad {

class ServerSession;
class CardRelay;
class LoginPolicy;
class ScreenBroker;

// Accepts TCP connections and hands each raw descriptor to the service (TLS starts in ServerSession).
class TlsListener : public QTcpServer
{
    Q_OBJECT

public:
    using QTcpServer::QTcpServer;

Q_SIGNALS:
    void connectionArrived(qintptr socketDescriptor);

protected:
    void incomingConnection(qintptr socketDescriptor) override
    {
        Q_EMIT connectionArrived(socketDescriptor);
    }
};

// srad's core: configuration, TLS identity, listeners and the live sessions. Sessions ask it for the license
// verdict, the pairing decision and the failure limiter when they need them.
class SradService : public QObject
{
    Q_OBJECT

public:
    explicit SradService(core::SradConfig config, QObject* parent = nullptr);
    ~SradService() override;

    // Before the process stops (SIGTERM): every authenticated admin gets Bye, so none waits to resume.
    void shutDown();

    // Loads the identity and binds every configured address. False with a sentence (cause and fix) otherwise.
    bool start(QString& error);

    // Applies a configuration re-read on SIGHUP without dropping a session: limits, timeouts, relay policy,
    // screen settings and the TLS identity (for new connections) change; the listening addresses, the port and
    // the local socket only change on restart. Returns what was not applied, one sentence each (cause and fix).
    // The license and the pairings are read for every connection, so they need no reload.
    QStringList reload(core::SradConfig fresh);

    const core::SradConfig& config() const
    {
        return m_config;
    }

    const core::TlsIdentity& identity() const
    {
        return m_identity;
    }

    QList<quint16> boundPorts() const;

    // Asked by sessions.
    core::LicenseStatus licenseStatus() const;
    // The same verdict for a configuration without a running service (srad --check), so that the check and the
    // gate before every connection can never disagree.
    static core::LicenseStatus licenseStatus(const core::SradConfig& config);
    // The account `certificate` is paired with now (nullopt: none), from the pairings file as it is at this
    // moment, for the sign-in and for every resume. False with `error` when the file cannot be read.
    bool
    matchPairing(const QSslCertificate& certificate, std::optional<core::AccountMatch>& match, QString& error) const;

    FailureLimiter& limiter()
    {
        return m_limiter;
    }

    CardRelay& relay()
    {
        return *m_relay;
    }

    ScreenBroker& screens()
    {
        return *m_screens;
    }

    LoginPolicy& login()
    {
        return *m_login;
    }

    qint64 nowMs() const
    {
        return m_clock.elapsed();
    }

    // Sessions suspended for a Resume count as authenticated: they hold a signed-in admin's session.
    int unauthenticatedCount() const;
    int authenticatedCount() const;

    // The session a Resume names: authenticated or suspended, with a resume token handed out; null otherwise.
    ServerSession* findResumable(const QString& sessionId) const;

private:
    void onConnection(qintptr descriptor);
    void onSessionFinished(ServerSession* session);

    core::SradConfig m_config;
    core::TlsIdentity m_identity;
    FailureLimiter m_limiter;
    CardRelay* m_relay = nullptr;
    ScreenBroker* m_screens = nullptr;
    LoginPolicy* m_login = nullptr;
    QElapsedTimer m_clock;
    QList<TlsListener*> m_listeners;
    QList<ServerSession*> m_sessions;
};

} // namespace sra::srad
