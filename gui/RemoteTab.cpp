#include "gui/RemoteTab.h"

#include "core/admin/AdminController.h"
#include "core/card/AdminCard.h"
#include "core/tls/Fingerprint.h"
#include "gui/AppSettings.h"
#include "gui/ApprovalDialog.h"
#include "gui/HostKeyChangedDialog.h"
#include "gui/PinDialog.h"
#include "gui/RelayLogView.h"
#include "gui/TrustDialog.h"
#include "gui/vnc/VncView.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>

#include <utility>

namespace sra::gui {

using core::AdminController;
using core::AdminSession;

RemoteTab::RemoteTab(AppSettings* settings, QWidget* parent)
    : QWidget(parent)
    , m_settings(settings)
    , m_controller(new AdminController(nullptr, {}, this))
{
    setObjectName(QStringLiteral("remoteTab"));
    buildUi();
    connectController();
    setStatus(tr("Not connected."));
    updateControls();
}

RemoteTab::~RemoteTab()
{
    wipeScreenPassword();
    // The controller's session uses the card, which the window deletes after its tabs: the controller goes now.
    delete m_controller;
}

core::AdminSession* RemoteTab::session() const
{
    return m_controller->active() ? m_controller->session() : nullptr;
}

bool RemoteTab::sessionActive() const
{
    return m_controller->active();
}

QString RemoteTab::statusText() const
{
    return m_status->text();
}

QString RemoteTab::title() const
{
    const QString host = m_controller->remoteName();
    if (host.isEmpty() && m_remoteViewTarget.isEmpty()) {
        return tr("New remote");
    }
    const QString name = host.isEmpty() ? m_remoteViewTarget : host;
    if (m_controller->reconnecting()) {
        return tr("%1 (reconnecting)").arg(name);
    }
    if (m_controller->active() && !m_controller->authenticated()) {
        return tr("%1 (connecting)").arg(name);
    }
    if (!m_controller->active() && !screenShown()) {
        return tr("%1 (closed)").arg(name);
    }
    return name;
}

void RemoteTab::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    m_status->setProperty("error", error);
    Q_EMIT statusChanged(text, error);
}

void RemoteTab::setCard(core::AdminCard* card, bool opening)
{
    m_card = card;
    m_cardOpening = opening;
    m_controller->setCard(card);
    if (card && card->isOpen() && !m_waitingTarget.isEmpty()) {
        // The card the connection waited for (readers are reported asynchronously).
        m_hostCombo->setEditText(std::exchange(m_waitingTarget, QString()));
        connectToHost();
    } else if (!card && !opening && !m_waitingTarget.isEmpty()) {
        m_waitingTarget.clear();
        setStatus(tr("No usable PIV card: insert your card into a reader, then connect again."), true);
    }
    updateControls();
}

void RemoteTab::setTarget(const QString& target)
{
    m_hostCombo->setEditText(target);
}

QString RemoteTab::targetText() const
{
    return m_hostCombo->currentText();
}

void RemoteTab::focusConnectBar()
{
    m_hostCombo->setFocus(Qt::ShortcutFocusReason);
    m_hostCombo->lineEdit()->selectAll();
}

void RemoteTab::connectController()
{
    AdminController* c = m_controller;
    connect(c, &AdminController::stateChanged, this, &RemoteTab::onSessionState);
    connect(c, &AdminController::hostDecisionNeeded, this, &RemoteTab::onHostDecision);
    connect(c, &AdminController::hostAcceptedAutomatically, this, [this](const QByteArray& fingerprint) {
        setStatus(tr("Trusting %1 on first use, as the command line asked (SHA-256 %2).")
                      .arg(m_controller->host(), core::formatFingerprint(fingerprint)));
    });
    connect(c, &AdminController::pinNeeded, this, &RemoteTab::onPinRequested);
    connect(c, &AdminController::signedIn, this, &RemoteTab::onAuthenticated);
    connect(c, &AdminController::failed, this, &RemoteTab::onFailed);
    connect(c, &AdminController::closed, this, &RemoteTab::onSessionClosed);
    connect(c, &AdminController::connectionLost, this, &RemoteTab::onReconnecting);
    connect(c, &AdminController::resumed, this, &RemoteTab::onResumed);
    // srad's answer to Insert card: which account this card logs in as on the remote, or why none.
    connect(c, &AdminController::cardLogin, this, [this](const QString& account, const QString& detail) {
        if (account.isEmpty()) {
            setStatus(tr("Card inserted, but it logs in as no account on %1: %2").arg(m_controller->host(), detail),
                      true);
        } else {
            setStatus(tr("Card inserted: on %1 it logs in as %2 (%3).").arg(m_controller->host(), account, detail));
        }
    });
    connect(c, &AdminController::cardInserted, this, [this] {
        setStatus(tr("Card inserted into %1: programs there can use it now; every use is asked for or logged below.")
                      .arg(m_controller->host()));
        updateControls();
    });
    connect(c, &AdminController::insertFailed, this, [this](const base::Error&, const QString& message) {
        setStatus(tr("The card could not be inserted into %1: %2").arg(m_controller->host(), message), true);
        updateControls();
    });
    connect(c, &AdminController::cardRemoved, this, &RemoteTab::updateControls);
    connect(c, &AdminController::insertRefused, this, [this](const QString& message) {
        setStatus(message, true);
        updateControls();
    });
    connect(c, &AdminController::cardPulled, this, [this](const QString& message) {
        setStatus(message, true);
        m_statusFromFailure = true;
    });
    connect(c, &AdminController::approvalNeeded, this, &RemoteTab::onApprovalNeeded);
    connect(c, &AdminController::approvalsCleared, this, [this] {
        if (m_approvalDialog) {
            m_approvalDialog->disconnect(this);
            m_approvalDialog->reject();
        }
    });
    connect(c, &AdminController::relayFinished, m_relayLog, &RelayLogView::addEntry);
    connectScreen();
}

void RemoteTab::updateControls()
{
    const bool active = sessionActive();
    const bool authenticated = m_controller->authenticated();
    const bool reconnecting = m_controller->reconnecting();
    const bool inserted = m_controller->cardInsertedInRemote();
    m_hostCombo->setEnabled(!active);
    m_connectButton->setEnabled(!active && !m_hostCombo->currentText().trimmed().isEmpty());
    m_progress->setVisible(active && !authenticated);
    m_cancelButton->setVisible(active && !authenticated);
    m_insertButton->setEnabled(authenticated && !inserted);
    m_removeButton->setEnabled(inserted);
    m_disconnectButton->setEnabled(authenticated || reconnecting);
    m_screenShareButton->setEnabled(authenticated && !screenShown());
    m_reconnectBanner->setVisible(reconnecting);
    Q_EMIT titleChanged();
}

// ---- connecting ----

void RemoteTab::connectToHost()
{
    if (sessionActive()) {
        return;
    }
    const QString typed = m_hostCombo->currentText().trimmed();
    const QString target = m_resolveTarget ? m_resolveTarget(typed) : typed;
    if ((!m_card || !m_card->isOpen()) && m_cardOpening && !target.isEmpty()) {
        // The card is still being read (on its own thread): connect as soon as it is.
        m_waitingTarget = target;
        setStatus(tr("Waiting for your card to connect to %1…").arg(target));
        return;
    }
    core::AdminController::Options options;
    options.knownHostsFile = m_settings->knownHostsFile();
    options.acceptNewHost = m_acceptNewHost;
    options.relayPolicy.allowedSlots.clear();
    for (const quint8 slot : m_settings->relayAllowedSlots()) {
        options.relayPolicy.allowedSlots.insert(slot);
    }
    options.approval = m_settings->relayApproval() == AppSettings::Approval::Session
                           ? core::AdminCardRelay::Approval::Session
                           : core::AdminCardRelay::Approval::Ask;
    m_controller->setOptions(options);
    QString error;
    m_statusFromFailure = false;
    if (!m_controller->connectTo(target, &error)) {
        setStatus(error, true);
        return;
    }
    m_target = target;
    Q_EMIT activeChanged(true);
    updateControls();
}

void RemoteTab::cancelConnect()
{
    m_waitingTarget.clear();
    m_controller->cancel();
}

void RemoteTab::onSessionState(AdminSession::State state)
{
    const QString host = m_controller->host();
    switch (state) {
    case AdminSession::State::Connecting:
        setStatus(tr("Connecting to %1 port %2…").arg(host).arg(m_controller->session()->port()));
        break;
    case AdminSession::State::HostDecision:
        setStatus(tr("Check the identity of %1: compare the fingerprint with the remote machine's.").arg(host));
        break;
    case AdminSession::State::Negotiating:
        setStatus(tr("Identity of %1 trusted; starting to sign in…").arg(host));
        break;
    case AdminSession::State::PinEntry:
        setStatus(tr("Waiting for the card's PIN…"));
        break;
    case AdminSession::State::Signing:
        setStatus(tr("Signing in with the card…"));
        break;
    case AdminSession::State::Authenticating:
        setStatus(tr("The remote machine is checking the signature…"));
        break;
    case AdminSession::State::Authenticated:
    case AdminSession::State::Reconnecting: // onReconnecting() says why
    case AdminSession::State::Idle:
    case AdminSession::State::Closed:
        break;
    }
    updateControls();
}

void RemoteTab::autostart(Autostart options)
{
    m_acceptNewHost = options.acceptNewHost;
    m_autoScreenShare = options.screenShare;
    m_presetPin = std::move(options.pin);
    if (options.target.isEmpty()) {
        return;
    }
    m_hostCombo->setEditText(options.target);
    if (!m_card || !m_card->isOpen()) {
        // Readers are reported asynchronously: connect once the card has been read (setCard()).
        m_waitingTarget = options.target;
        setStatus(tr("Waiting for your card to connect to %1…").arg(options.target));
        return;
    }
    connectToHost();
}

void RemoteTab::onHostDecision(const QString& host, quint16 port, const QByteArray& fingerprint)
{
    auto* dialog = new TrustDialog(host, port, fingerprint, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_trustDialog = dialog;
    connect(dialog, &QDialog::finished, this, [this](int result) {
        if (result == QDialog::Accepted) {
            m_controller->acceptHost();
        } else {
            m_controller->rejectHost();
        }
    });
    dialog->open();
}

void RemoteTab::onPinRequested(int triesLeft, const QString& reason)
{
    if (!m_presetPin.empty()) {
        m_controller->providePin(std::exchange(m_presetPin, {}));
        return;
    }
    if (!reason.isEmpty()) {
        Q_EMIT pinTriesReported(triesLeft);
    }
    auto* dialog =
        new PinDialog(m_controller->host(), m_card ? m_card->info().cardholder : QString(), triesLeft, reason, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_pinDialog = dialog;
    connect(dialog, &QDialog::finished, this, [this, dialog](int result) {
        if (m_controller->state() != AdminSession::State::PinEntry) {
            return; // the dialog wipes the PIN when it goes
        }
        if (result == QDialog::Accepted) {
            m_controller->providePin(dialog->takePin());
        } else {
            m_controller->cancel();
        }
    });
    dialog->open();
}

void RemoteTab::onAuthenticated(const QString& account, const QString& sessionId)
{
    m_hostCombo->setEditText(m_target);
    Q_EMIT targetUsed(m_target);
    setStatus(tr("Authenticated to %1 as %2 (session %3).").arg(m_controller->host(), account, sessionId));
    updateControls();
    if (m_autoScreenShare) {
        m_autoScreenShare = false;
        startScreenShare();
    }
}

void RemoteTab::onReconnecting(const QString& reason, int graceMs)
{
    constexpr qint64 kStreamDropWindowMs = 5000;
    m_reopenScreenOnResume = m_reopenScreenOnResume || screenShown()
                             || (m_screenEndedAt.isValid() && m_screenEndedAt.elapsed() < kStreamDropWindowMs);
    const QString text = m_controller->cardInsertedInRemote()
                             ? tr("The connection to %1 dropped (%2). Reconnecting… The remote machine keeps your "
                                  "card inserted for %3 s.")
                             : tr("The connection to %1 dropped (%2). Reconnecting… The remote machine keeps the "
                                  "session for %3 s.");
    setStatus(text.arg(m_controller->remoteName(), reason).arg(graceMs / 1000), true);
    m_reconnectBanner->setText(tr("Reconnecting to %1…").arg(m_controller->remoteName()));
    updateControls();
}

void RemoteTab::onResumed(int downtimeMs)
{
    setStatus(tr("Reconnected to %1 after %2 s; the session and the inserted card went on.")
                  .arg(m_controller->remoteName())
                  .arg(QString::number(downtimeMs / 1000.0, 'f', 1)));
    updateControls();
    if (std::exchange(m_reopenScreenOnResume, false)) {
        startScreenShare(); // the screen stream died with the link: a new grant, a new stream
    }
}

void RemoteTab::onFailed(AdminSession::Failure failure, const QString& message)
{
    m_reopenScreenOnResume = false;
    if (m_statusFromFailure) {
        return; // the cause was already shown (card pulled)
    }
    m_statusFromFailure = true;
    if (failure == AdminSession::Failure::Cancelled) {
        setStatus(tr("Connection to %1 cancelled.").arg(m_controller->host()));
        return;
    }
    setStatus(message, true);
    if (failure == AdminSession::Failure::HostKeyChanged) {
        const AdminSession* session = m_controller->session();
        auto* dialog = new HostKeyChangedDialog(session->host(),
                                                session->port(),
                                                session->knownFingerprint(),
                                                session->serverFingerprint(),
                                                m_settings->knownHostsFile(),
                                                this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    }
}

void RemoteTab::onSessionClosed()
{
    // Questions about this session are moot now.
    for (QDialog* dialog : {static_cast<QDialog*>(m_trustDialog),
                            static_cast<QDialog*>(m_pinDialog),
                            static_cast<QDialog*>(m_approvalDialog)}) {
        if (dialog) {
            dialog->disconnect(this);
            dialog->reject();
        }
    }
    if (!m_statusFromFailure) {
        setStatus(tr("Disconnected from %1.").arg(m_controller->host()));
    }
    endScreenShare(QString());
    updateControls();
    Q_EMIT activeChanged(false);
}

// ---- the authenticated session ----

void RemoteTab::disconnectFromHost()
{
    m_reopenScreenOnResume = false;
    m_screenEndedAt.invalidate();
    m_controller->disconnectFromRemote();
}

void RemoteTab::insertCard()
{
    if (!m_controller->authenticated()) {
        return;
    }
    setStatus(tr("Reading the card to insert it into %1…").arg(m_controller->host()));
    m_controller->insertCard();
}

void RemoteTab::removeCard()
{
    if (!m_controller->cardInsertedInRemote()) {
        return;
    }
    m_controller->removeCard(QStringLiteral("the admin removed the card"));
    setStatus(m_controller->reconnecting()
                  ? tr("The card leaves %1 as soon as the connection is back.").arg(m_controller->host())
                  : tr("Card removed from %1.").arg(m_controller->host()));
    updateControls();
}

void RemoteTab::onApprovalNeeded(quint32 id, const QString& host, const QString& description)
{
    auto* dialog = new ApprovalDialog(id, host, description, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_approvalDialog = dialog;
    connect(dialog, &QDialog::finished, this, [this, id](int result) {
        using Answer = core::ApprovalQueue::Answer;
        m_approvalDialog.clear();
        m_controller->answerApproval(id,
                                     result == ApprovalDialog::AllowSession ? Answer::AllowForSession
                                     : result == ApprovalDialog::Refuse     ? Answer::Deny
                                                                            : Answer::Allow);
    });
    dialog->open();
}

void RemoteTab::shutDown()
{
    m_waitingTarget.clear();
    if (m_controller->authenticated()) {
        m_controller->disconnectFromRemote();
    } else {
        m_controller->cancel();
    }
    endScreenShare(QString());
}

} // namespace sra::gui
