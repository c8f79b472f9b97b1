#include "remote-service/SradService.h"

#include "core/license/License.h"
#include "core/remote/PairingStore.h"
#include "remote-service/CardRelay.h"
#include "remote-service/LoginPolicy.h"
#include "remote-service/ScreenBroker.h"
#include "remote-service/ServerSession.h"
#include "remote-service/SradLogging.h"

#include <QDateTime>
#include <QTcpSocket>

namespace sra::srad {

namespace {
// Beyond twice the unauthenticated limit a connection is closed without even a TLS handshake: the typed
// refusal costs a handshake, and a flood must not be able to buy unlimited ones.
constexpr int kHardLimitFactor = 2;
} // namespace

SradService::SradService(core::SradConfig config, QObject* parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_limiter(m_config.maxFailures, m_config.failureWindowSeconds)
{
    m_clock.start();
    core::RelayPolicy policy;
    policy.allowedSlots = {m_config.relayAllowedSlots.begin(), m_config.relayAllowedSlots.end()};
    m_relay = new CardRelay(policy, m_config.relayRequestTimeoutMs, this);
    m_screens = new ScreenBroker(m_config, this);
    m_login = new LoginPolicy(this, m_relay);
}

SradService::~SradService() = default;

void SradService::shutDown()
{
    for (ServerSession* session : std::as_const(m_sessions)) {
        session->sayGoodbye(QStringLiteral("srad is stopping"));
    }
}

QStringList SradService::reload(core::SradConfig fresh)
{
    QStringList notApplied;
    if (fresh.listen != m_config.listen || fresh.port != m_config.port) {
        notApplied << QStringLiteral("listening addresses and port changed: restart srad to apply them");
        fresh.listen = m_config.listen;
        fresh.port = m_config.port;
    }
    if (fresh.relaySocket != m_config.relaySocket) {
        notApplied << QStringLiteral("[relay] socket changed: restart srad to apply it");
        fresh.relaySocket = m_config.relaySocket;
    }
    core::TlsIdentity identity;
    QString error;
    if (core::TlsIdentity::load(fresh.certificateFile, fresh.keyFile, identity, error)) {
        if (identity.sha256Fingerprint() != m_identity.sha256Fingerprint()) {
            qCInfo(lcService).noquote() << "new TLS identity for new connections, SHA-256 fingerprint"
                                        << identity.sha256Fingerprint();
        }
        m_identity = identity;
    } else {
        notApplied << QStringLiteral("TLS identity not reloaded, the previous one stays in use: %1").arg(error);
        fresh.certificateFile = m_config.certificateFile;
        fresh.keyFile = m_config.keyFile;
    }
    if (fresh.maxFailures != m_config.maxFailures || fresh.failureWindowSeconds != m_config.failureWindowSeconds) {
        m_limiter = FailureLimiter(fresh.maxFailures, fresh.failureWindowSeconds); // counting starts afresh
    }
    core::RelayPolicy policy;
    policy.allowedSlots = {fresh.relayAllowedSlots.begin(), fresh.relayAllowedSlots.end()};
    m_relay->reconfigure(policy, fresh.relayRequestTimeoutMs);
    m_screens->reconfigure(fresh);
    m_config = std::move(fresh);

    const auto license = licenseStatus();
    if (license.code != core::LicenseStatus::Code::Valid) {
        qCWarning(lcService).noquote() << "no valid license: every connection will be refused:"
                                       << core::licenseStatusMessage(license);
    } else {
        qCInfo(lcService).noquote() << "license valid";
    }
    return notApplied;
}

bool SradService::start(QString& error)
{
    if (!core::TlsIdentity::load(m_config.certificateFile, m_config.keyFile, m_identity, error)) {
        return false;
    }
    for (const QHostAddress& address : m_config.listen) {
        auto* listener = new TlsListener(this);
        if (!listener->listen(address, m_config.port)) {
            const QString why = listener->errorString();
            delete listener;
            // A machine without IPv6 (or IPv4) still serves on the other family.
            qCWarning(lcService).noquote()
                << "cannot listen on" << address.toString() << "port" << m_config.port << ":" << why;
            continue;
        }
        connect(listener, &TlsListener::connectionArrived, this, &SradService::onConnection);
        m_listeners.append(listener);
        qCInfo(lcService).noquote() << "listening on" << address.toString() << "port" << listener->serverPort();
    }
    if (m_listeners.isEmpty()) {
        error = tr("srad cannot listen on port %1 on any configured address. Is another srad running, or is the "
                   "port taken? Change [network] port in %2.")
                    .arg(m_config.port)
                    .arg(m_config.paths.configFile());
        return false;
    }
    if (!m_relay->listen(m_config.relaySocket, error)) {
        return false;
    }
    if (!m_screens->listenForAgents(error)) {
        return false;
    }
    const auto license = licenseStatus();
    if (license.code != core::LicenseStatus::Code::Valid) {
        qCWarning(lcService).noquote() << "no valid license: every connection will be refused:"
                                       << core::licenseStatusMessage(license);
    }
    qCInfo(lcService).noquote() << "identity SHA-256 fingerprint" << m_identity.sha256Fingerprint();
    return true;
}

QList<quint16> SradService::boundPorts() const
{
    QList<quint16> ports;
    for (const auto* l : m_listeners) {
        ports.append(l->serverPort());
    }
    return ports;
}

core::LicenseStatus SradService::licenseStatus() const
{
    return licenseStatus(m_config);
}

core::LicenseStatus SradService::licenseStatus(const core::SradConfig& config)
{
    return core::loadInstalledLicense(config.licenseDir, QDateTime::currentDateTimeUtc().date()); // expiry is UTC
}

bool SradService::matchPairing(const QSslCertificate& certificate,
                               std::optional<core::AccountMatch>& match,
                               QString& error) const
{
    core::PairingStore pairings;
    if (!core::PairingStore::load(m_config.pairingsFile, pairings, error)) {
        return false;
    }
    // Attribute rules map names anyone can put in a self-made certificate; they count only when the certificate
    // chained to the configured CA bundle (checked at Hello and again at every resume). Public-key pairings need
    // no CA.
    match = pairings.match(certificate, !m_config.caBundleFile.isEmpty());
    return true;
}

int SradService::unauthenticatedCount() const
{
    int n = 0;
    for (const auto* s : m_sessions) {
        n += s->holdsSession() ? 0 : 1;
    }
    return n;
}

ServerSession* SradService::findResumable(const QString& sessionId) const
{
    for (ServerSession* s : m_sessions) {
        if (s->isResumable() && s->sessionId() == sessionId) {
            return s;
        }
    }
    return nullptr;
}

int SradService::authenticatedCount() const
{
    return static_cast<int>(m_sessions.size()) - unauthenticatedCount();
}

void SradService::onConnection(qintptr descriptor)
{
    const int pending = unauthenticatedCount();
    if (pending >= kHardLimitFactor * m_config.maxUnauthenticated) {
        QTcpSocket dropped;
        dropped.setSocketDescriptor(descriptor);
        qCInfo(lcSession).noquote() << "dropped a connection from" << dropped.peerAddress().toString()
                                    << ": too many unauthenticated connections";
        dropped.abort();
        return;
    }
    std::optional<wire::ErrorCode> refuse;
    if (pending >= m_config.maxUnauthenticated) {
        refuse = wire::ErrorCode::TooManyConnections;
    }
    auto* session = new ServerSession(descriptor, this, refuse, this);
    connect(session, &ServerSession::finished, this, &SradService::onSessionFinished);
    m_sessions.append(session);
}

void SradService::onSessionFinished(ServerSession* session)
{
    m_sessions.removeOne(session);
    session->deleteLater();
}

} // namespace sra::srad
