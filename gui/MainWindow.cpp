#include "gui/MainWindow.h"

#include "core/admin/AdminController.h"
#include "core/card/CardErrors.h"
#include "core/card/CardWorker.h"
#include "core/pcsc/ReaderMonitor.h"
#include "core/session/ScreenGrant.h"
#include "core/tls/Fingerprint.h"
#include "gui/AppSettings.h"
#include "gui/ApprovalDialog.h"
#include "gui/CardPanel.h"
#include "gui/HostKeyChangedDialog.h"
#include "gui/PinDialog.h"
#include "gui/PreferencesDialog.h"
#include "gui/RelayLogView.h"
#include "gui/TrustDialog.h"
#include "gui/vnc/VncView.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStringListModel>
#include <QTimer>
#include <QVBoxLayout>

#include <utility>

namespace sra::gui {

using core::AdminController;
using core::AdminSession;

MainWindow::MainWindow(AppSettings* settings, QWidget* parent)
    : QMainWindow(parent)
    , m_settings(settings)
    , m_monitor(new core::ReaderMonitor(this))
    , m_controller(new AdminController(nullptr, {}, this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Secure Remote Access"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/secure-remote-access.svg")));
    buildUi();
    connectController();

    connect(m_monitor, &core::ReaderMonitor::serviceAvailableChanged, this, [this](bool available) {
        m_cardPanel->setServiceAvailable(available);
        if (!available) {
            m_readerKey.clear();
            refreshCard();
        }
    });
    connect(m_monitor, &core::ReaderMonitor::readersChanged, this, &MainWindow::onReadersChanged);
    connect(m_monitor, &core::ReaderMonitor::cardInserted, this, [this] {
        // A card swapped in the same reader may look the same to readersChanged(): read it again in any case.
        m_readerKey.clear();
        refreshCard();
    });
    connect(m_monitor, &core::ReaderMonitor::cardRemoved, this, &MainWindow::onCardRemoved);
    m_monitor->start();

    setStatus(tr("Not connected."));
    updateControls();
}

MainWindow::~MainWindow()
{
    wipeScreenPassword();
    // The controller's session uses the card: it goes first.
    delete m_controller;
    m_monitor->stop();
}

core::AdminSession* MainWindow::session() const
{
    return m_controller->active() ? m_controller->session() : nullptr;
}

void MainWindow::connectController()
{
    AdminController* c = m_controller;
    connect(c, &AdminController::stateChanged, this, &MainWindow::onSessionState);
    connect(c, &AdminController::hostDecisionNeeded, this, &MainWindow::onHostDecision);
    connect(c, &AdminController::hostAcceptedAutomatically, this, [this](const QByteArray& fingerprint) {
        setStatus(tr("Trusting %1 on first use, as the command line asked (SHA-256 %2).")
                      .arg(m_controller->host(), core::formatFingerprint(fingerprint)));
    });
    connect(c, &AdminController::pinNeeded, this, &MainWindow::onPinRequested);
    connect(c, &AdminController::signedIn, this, &MainWindow::onAuthenticated);
    connect(c, &AdminController::failed, this, &MainWindow::onFailed);
    connect(c, &AdminController::closed, this, &MainWindow::onSessionClosed);
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
    connect(c, &AdminController::cardRemoved, this, &MainWindow::updateControls);
    connect(c, &AdminController::insertRefused, this, [this](const QString& message) {
        setStatus(message, true);
        updateControls();
    });
    connect(c, &AdminController::cardPulled, this, [this](const QString& message) {
        setStatus(message, true);
        m_statusFromFailure = true;
    });
    connect(c, &AdminController::approvalNeeded, this, &MainWindow::onApprovalNeeded);
    connect(c, &AdminController::approvalsCleared, this, [this] {
        if (m_approvalDialog) {
            m_approvalDialog->disconnect(this);
            m_approvalDialog->reject();
        }
    });
    connect(c, &AdminController::relayFinished, m_relayLog, &RelayLogView::addEntry);
    connectScreen();
}

QString MainWindow::statusText() const
{
    return m_status->text();
}

void MainWindow::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    m_status->setProperty("error", error);
}

bool MainWindow::sessionActive() const
{
    return m_controller->active();
}

void MainWindow::updateControls()
{
    const bool active = sessionActive();
    const bool authenticated = m_controller->authenticated();
    const bool inserted = m_controller->cardInsertedInRemote();
    m_hostCombo->setEnabled(!active);
    m_connectButton->setEnabled(!active && !m_hostCombo->currentText().trimmed().isEmpty());
    m_progress->setVisible((active && !authenticated) || m_cardBusy);
    m_cancelButton->setVisible(active && !authenticated);
    m_insertButton->setEnabled(authenticated && !inserted);
    m_removeButton->setEnabled(inserted);
    m_disconnectButton->setEnabled(authenticated);
    m_screenShareButton->setEnabled(authenticated && !screenShown());
}

// ---- the card ----

void MainWindow::onReadersChanged(const QList<core::ReaderState>& readers)
{
    m_cardPanel->setReaders(readers);
    // Our own connection to the card changes the readers' "in use" flags: only what the panel shows counts, or
    // opening the card would trigger reading it again, forever.
    QString key;
    for (const core::ReaderState& reader : readers) {
        key += reader.name + QLatin1Char('|') + QString::number(reader.cardPresent) + QString::number(reader.mute)
               + QString::fromLatin1(reader.atr.toHex()) + QLatin1Char('\n');
    }
    if (key != m_readerKey) {
        m_readerKey = key;
        refreshCard();
    }
}

void MainWindow::onCardRemoved(const QString& reader)
{
    m_readerKey.clear();
    m_controller->cardRemovedFrom(reader);
    refreshCard();
}

void MainWindow::refreshCard()
{
    if (sessionActive() || m_cardOpening) {
        // The session uses the open card (or it is being opened): it is read again when that is over.
        m_cardDirty = true;
        return;
    }
    m_cardDirty = false;
    m_controller->setCard(nullptr);
    delete std::exchange(m_card, nullptr);
    QString readerWithCard;
    for (const core::ReaderState& reader : m_monitor->currentReaders()) {
        if (reader.cardPresent) {
            readerWithCard = reader.name;
            break;
        }
    }
    if (readerWithCard.isEmpty()) {
        m_cardPanel->showNoCard();
        updateControls();
        return;
    }
    // Read on the card's own thread: a real card takes a moment, and the window must not wait on it.
    auto* card = new core::CardWorker(core::CardWorker::pcsc(), this);
    m_cardOpening = true;
    connect(card, &core::CardWorker::busyChanged, this, [this](bool busy) {
        m_cardBusy = busy;
        updateControls();
    });
    connect(card, &core::CardWorker::opened, this, [this, card] {
        m_cardOpening = false;
        m_card = card;
        m_controller->setCard(card);
        m_cardPanel->showCard(card->readerName(), card->info());
        updateControls();
        if (m_cardDirty) {
            refreshCard();
        } else if (!m_autostartTarget.isEmpty()) {
            // The card the start-up connection waited for (readers are reported asynchronously).
            m_hostCombo->setEditText(std::exchange(m_autostartTarget, QString()));
            connectToHost();
        }
    });
    connect(card, &core::CardWorker::openFailed, this, [this, card, readerWithCard](const base::Error& error) {
        m_cardOpening = false;
        card->deleteLater();
        m_cardPanel->showCardError(readerWithCard, core::cardErrorMessage(error));
        updateControls();
        if (m_cardDirty) {
            refreshCard();
        }
    });
    card->open();
}

// ---- connecting ----

void MainWindow::connectToHost()
{
    if (sessionActive()) {
        return;
    }
    const QString target = m_hostCombo->currentText().trimmed();
    if (!m_card && m_cardOpening && !target.isEmpty()) {
        // The card is still being read (on its own thread): connect as soon as it is.
        m_autostartTarget = target;
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
    updateControls();
}

void MainWindow::cancelConnect()
{
    m_controller->cancel();
}

void MainWindow::onSessionState(AdminSession::State state)
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
    case AdminSession::State::Idle:
    case AdminSession::State::Closed:
        break;
    }
    updateControls();
}

void MainWindow::autostart(Autostart options)
{
    m_acceptNewHost = options.acceptNewHost;
    m_autoScreenShare = options.screenShare;
    m_presetPin = std::move(options.pin);
    if (options.target.isEmpty()) {
        return;
    }
    if (m_card) {
        m_hostCombo->setEditText(options.target);
        connectToHost();
    } else {
        m_autostartTarget = options.target; // connects once the card has been read (refreshCard)
        m_hostCombo->setEditText(options.target);
        setStatus(tr("Waiting for your card to connect to %1…").arg(options.target));
    }
}

void MainWindow::onHostDecision(const QString& host, quint16 port, const QByteArray& fingerprint)
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

void MainWindow::onPinRequested(int triesLeft, const QString& reason)
{
    if (!m_presetPin.empty()) {
        m_controller->providePin(std::exchange(m_presetPin, {}));
        return;
    }
    if (!reason.isEmpty() && m_card) {
        core::CardInfo info = m_card->info();
        info.pinTriesLeft = triesLeft;
        m_cardPanel->showCard(m_card->readerName(), info);
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

void MainWindow::onAuthenticated(const QString& account, const QString& sessionId)
{
    m_settings->addHostToHistory(m_target);
    m_historyModel->setStringList(m_settings->hostHistory());
    m_hostCombo->setEditText(m_target);
    setStatus(tr("Authenticated to %1 as %2 (session %3).").arg(m_controller->host(), account, sessionId));
    updateControls();
    if (m_autoScreenShare) {
        m_autoScreenShare = false;
        startScreenShare();
    }
}

void MainWindow::onFailed(AdminSession::Failure failure, const QString& message)
{
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

void MainWindow::onSessionClosed()
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
    // The card was held open for the session; read it again (tries left, or a card changed meanwhile), once the
    // session has finished emitting.
    QTimer::singleShot(0, this, [this] {
        m_readerKey.clear();
        refreshCard();
        updateControls();
    });
    updateControls();
}

// ---- the authenticated session ----

void MainWindow::disconnectFromHost()
{
    m_controller->disconnectFromRemote();
}

void MainWindow::insertCard()
{
    if (!m_controller->authenticated()) {
        return;
    }
    setStatus(tr("Reading the card to insert it into %1…").arg(m_controller->host()));
    m_controller->insertCard();
}

void MainWindow::removeCard()
{
    if (!m_controller->cardInsertedInRemote()) {
        return;
    }
    m_controller->removeCard(QStringLiteral("the admin removed the card"));
    setStatus(tr("Card removed from %1.").arg(m_controller->host()));
    updateControls();
}

void MainWindow::onApprovalNeeded(quint32 id, const QString& host, const QString& description)
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

void MainWindow::openPreferences()
{
    auto* dialog = new PreferencesDialog(m_settings, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_controller->authenticated()) {
        m_controller->disconnectFromRemote();
    } else {
        m_controller->cancel();
    }
    event->accept();
}

} // namespace sra::gui
