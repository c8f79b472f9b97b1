#include "core/admin/AdminController.h"

#include "core/card/AdminCard.h"
#include "core/card/CardErrors.h"
#include "core/session/KnownHosts.h"
#include "core/session/ScreenTunnel.h"
#include "core/tls/HostPort.h"

#include <QTimer>

#include <utility>

namespace sra::core {

AdminController::AdminController(AdminCard* card, Options options, QObject* parent)
    : QObject(parent)
    , m_card(card)
    , m_options(std::move(options))
{}

AdminController::~AdminController()
{
    m_grant.wipe();
    // The relay and the tunnel point at the session: they go first.
    delete m_tunnel;
    delete m_relay;
    delete m_session;
}

AdminSession::State AdminController::state() const
{
    return m_session ? m_session->state() : AdminSession::State::Idle;
}

bool AdminController::active() const
{
    const AdminSession::State s = state();
    return s != AdminSession::State::Idle && s != AdminSession::State::Closed;
}

bool AdminController::authenticated() const
{
    return state() == AdminSession::State::Authenticated;
}

bool AdminController::reconnecting() const
{
    return state() == AdminSession::State::Reconnecting;
}

bool AdminController::cardInsertedInRemote() const
{
    return (authenticated() || reconnecting()) && m_relay && m_relay->inserted();
}

bool AdminController::sharingScreen() const
{
    return m_screenRequested || !m_grant.ticket.isEmpty() || m_tunnel;
}

QString AdminController::host() const
{
    return m_session ? m_session->host() : m_host;
}

QString AdminController::remoteName() const
{
    return m_session ? formatHostPort(m_session->host(), m_session->port()) : host();
}

void AdminController::setCard(AdminCard* card)
{
    if (!active()) {
        m_card = card;
    }
}

void AdminController::setOptions(Options options)
{
    m_options = std::move(options);
}

bool AdminController::connectTo(const QString& target, QString* error)
{
    if (active()) {
        *error = tr("A session with %1 is still open; disconnect first.").arg(host());
        return false;
    }
    QString parsedHost;
    quint16 port = 0;
    if (target.trimmed().isEmpty()) {
        *error = tr("Enter the remote machine as host or host:port, for example server.example.org or "
                    "192.0.2.7:4116.");
        return false;
    }
    if (!parseHostPort(target, parsedHost, port)) {
        *error = tr("\"%1\" is not an address: give a host name or IP address, optionally with :port (1-65535); "
                    "IPv6 addresses with a port go in brackets, as [2001:db8::7]:4116.")
                     .arg(target);
        return false;
    }
    if (!m_card || !m_card->isOpen()) {
        *error = tr("No usable PIV card: insert your card into a reader, then connect again.");
        return false;
    }
    auto knownHosts = std::make_unique<KnownHosts>(m_options.knownHostsFile.isEmpty() ? KnownHosts::defaultPath()
                                                                                      : m_options.knownHostsFile);
    int damaged = 0;
    if (!knownHosts->load(error, &damaged)) {
        return false;
    }
    if (damaged > 0 && m_options.acceptNewHost) {
        // A damaged line may have pinned this very host; accepting "new" identities then would defeat the pin.
        *error = tr("%n line(s) of the known hosts file cannot be read; fix or remove them before accepting new "
                    "identities automatically.",
                    nullptr,
                    damaged);
        return false;
    }

    // The last session may be the one emitting closed() right now: it goes from the event loop.
    for (QObject* previous :
         {static_cast<QObject*>(m_tunnel), static_cast<QObject*>(m_relay), static_cast<QObject*>(m_session)}) {
        if (previous) {
            previous->disconnect(this);
            previous->deleteLater();
        }
    }
    m_knownHosts = std::move(knownHosts); // a Closed session no longer reads the old one
    m_host = parsedHost;
    m_session = new AdminSession(m_card, m_knownHosts.get(), this);
    m_session->setNetworkTimeout(m_options.networkTimeoutMs);
    m_relay = new AdminCardRelay(m_session, m_card, m_options.relayPolicy, m_options.approval, this);
    m_relay->setApprovalTimeout(m_options.approvalTimeoutMs);

    connect(m_session, &AdminSession::stateChanged, this, &AdminController::stateChanged);
    connect(m_session, &AdminSession::hostDecisionNeeded, this, [this](const QByteArray& fingerprint) {
        if (m_options.acceptNewHost) {
            m_session->acceptHost();
            Q_EMIT hostAcceptedAutomatically(fingerprint);
            return;
        }
        Q_EMIT hostDecisionNeeded(m_session->host(), m_session->port(), fingerprint);
    });
    connect(m_session, &AdminSession::pinRequested, this, &AdminController::pinNeeded);
    connect(m_session, &AdminSession::authenticated, this, &AdminController::signedIn);
    connect(m_session, &AdminSession::failed, this, &AdminController::failed);
    connect(m_session, &AdminSession::closed, this, &AdminController::onSessionClosed);
    connect(m_session, &AdminSession::connectionLost, this, &AdminController::connectionLost);
    connect(m_session, &AdminSession::resumed, this, &AdminController::resumed);
    connect(m_session, &AdminSession::cardLogin, this, &AdminController::cardLogin);
    connect(m_session, &AdminSession::cardRefused, this, [this](wire::ErrorCode, const QString& message) {
        Q_EMIT insertRefused(message);
    });
    connect(m_session, &AdminSession::screenGranted, this, [this](const ScreenGrant& grant) {
        m_screenRequested = false;
        m_grant = grant;
        Q_EMIT screenGranted(grant);
    });
    connect(m_session, &AdminSession::screenRefused, this, [this](wire::ErrorCode, const QString& message) {
        m_screenRequested = false;
        Q_EMIT screenRefused(message);
    });
    connect(m_session, &AdminSession::screenEnded, this, [this](const QString& reason) {
        if (!sharingScreen()) {
            return;
        }
        endScreen();
        Q_EMIT screenClosed(reason);
    });
    connect(m_relay, &AdminCardRelay::approvalNeeded, this, &AdminController::onApprovalNeeded);
    connect(m_relay, &AdminCardRelay::finished, this, &AdminController::relayFinished);
    connect(m_relay, &AdminCardRelay::relayed, this, &AdminController::relayAuditLine);
    connect(m_relay, &AdminCardRelay::insertSucceeded, this, &AdminController::cardInserted);
    connect(m_relay, &AdminCardRelay::insertFailed, this, [this](const base::Error& cardError) {
        Q_EMIT insertFailed(cardError, cardErrorMessage(cardError));
    });

    m_session->connectToServer(target);
    return true;
}

void AdminController::acceptHost()
{
    if (m_session && m_session->state() == AdminSession::State::HostDecision) {
        m_session->acceptHost();
    }
}

void AdminController::rejectHost()
{
    if (m_session && m_session->state() == AdminSession::State::HostDecision) {
        m_session->rejectHost();
    }
}

void AdminController::providePin(base::SecureBytes pin)
{
    if (!m_session || m_session->state() != AdminSession::State::PinEntry) {
        base::secureZero(pin.data(), pin.size());
        return;
    }
    m_session->providePin(std::move(pin));
}

void AdminController::cancel()
{
    if (active() && !authenticated()) {
        m_session->cancel();
    }
}

void AdminController::disconnectFromRemote()
{
    if (!active()) {
        return;
    }
    if (cardInsertedInRemote()) {
        removeCard(QStringLiteral("the admin ended the session"));
    }
    closeScreen();
    m_session->disconnectFromServer();
}

void AdminController::insertCard()
{
    if (authenticated() && m_relay && !m_relay->inserted()) {
        m_relay->insert();
    }
}

void AdminController::removeCard(const QString& reason)
{
    if (!m_relay || !m_relay->inserted()) {
        return;
    }
    m_relay->remove(reason);
    clearApprovals();
    Q_EMIT cardRemoved();
}

void AdminController::cardRemovedFrom(const QString& reader)
{
    if (!active() || !m_card || reader != m_card->readerName()) {
        return;
    }
    if (cardInsertedInRemote() && reconnecting()) {
        // srad cannot be told now: it removes the card when its grace period ends, and relayed requests fail
        // there at their deadline.
        Q_EMIT cardPulled(tr("The card was pulled while the connection was down: the session ended. The remote "
                             "machine removes the card when it stops waiting for this session (at most %1 s).")
                              .arg(m_session->resumeGraceMs() / 1000));
        m_session->cancel();
    } else if (cardInsertedInRemote()) {
        removeCard(QStringLiteral("the admin's card was pulled"));
        Q_EMIT cardPulled(tr("The card was pulled: it was removed from the remote machine and the session ended. "
                             "Insert the card and connect again."));
        m_session->disconnectFromServer();
    } else if (!authenticated() && !reconnecting()) {
        Q_EMIT cardPulled(tr("The card was pulled while signing in. Insert the card and connect again."));
        m_session->cancel();
    }
}

void AdminController::onApprovalNeeded(quint32 id, const QString& description, bool alwaysAsk)
{
    if (m_approvals.add({id, description, alwaysAsk})) {
        showCurrentApproval();
    }
}

void AdminController::showCurrentApproval()
{
    if (const auto question = m_approvals.current()) {
        Q_EMIT approvalNeeded(question->id, remoteName(), question->description);
    }
}

void AdminController::answerApproval(quint32 id, ApprovalQueue::Answer answer)
{
    const bool wasCurrent = m_approvals.current() && m_approvals.current()->id == id;
    const QList<ApprovalQueue::Decision> decisions = m_approvals.answer(id, answer);
    for (const ApprovalQueue::Decision& decision : decisions) {
        if (m_relay) {
            m_relay->approve(decision.id, decision.allow, decision.forSession);
        }
    }
    if (wasCurrent && !decisions.isEmpty()) {
        // The next question once the front-end has closed this one.
        QTimer::singleShot(0, this, &AdminController::showCurrentApproval);
    }
}

void AdminController::clearApprovals()
{
    const QList<quint32> moot = m_approvals.clear();
    if (!moot.isEmpty()) {
        Q_EMIT approvalsCleared();
    }
}

bool AdminController::requestScreen()
{
    if (!authenticated() || sharingScreen()) {
        return false;
    }
    if (!m_session->requestScreen()) {
        return false;
    }
    m_screenRequested = true;
    return true;
}

void AdminController::openScreen(QIODevice* viewer)
{
    if (!m_session || m_grant.ticket.isEmpty() || m_tunnel) {
        return;
    }
    auto* tunnel = new ScreenTunnel(this);
    m_tunnel = tunnel;
    if (viewer) {
        tunnel->setViewerDevice(viewer);
    }
    connect(tunnel, &ScreenTunnel::ready, this, [this, tunnel, viewer] {
        Q_EMIT screenStreamReady(viewer ? -1 : tunnel->takeViewerSocket());
    });
    connect(tunnel, &ScreenTunnel::failed, this, [this, tunnel](ScreenTunnel::Failure, const QString& message) {
        tunnel->deleteLater();
        m_grant.wipe();
        Q_EMIT screenFailed(message);
    });
    connect(tunnel, &ScreenTunnel::closed, this, [this, tunnel](const QString& reason) {
        tunnel->deleteLater();
        Q_EMIT screenClosed(reason);
    });
    tunnel->open(*m_session, m_grant);
    m_grant.wipe();
}

void AdminController::closeScreen()
{
    endScreen();
}

void AdminController::endScreen()
{
    m_screenRequested = false;
    m_grant.wipe();
    if (m_tunnel) {
        m_tunnel->close();
    }
}

void AdminController::onSessionClosed()
{
    if (m_card) {
        m_card->resetPinState(this, {}); // whatever this session verified is forgotten with it
    }
    clearApprovals();
    endScreen();
    Q_EMIT closed();
}

} // namespace sra::core
