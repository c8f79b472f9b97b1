#include "gui/MainWindow.h"

#include "core/card/CardErrors.h"
#include "core/pcsc/ReaderMonitor.h"
#include "core/session/KnownHosts.h"
#include "core/session/PcscSessionSigner.h"
#include "core/session/ScreenGrant.h"
#include "core/session/ScreenTunnel.h"
#include "core/tls/Fingerprint.h"
#include "core/tls/HostPort.h"
#include "gui/AppSettings.h"
#include "gui/ApprovalDialog.h"
#include "gui/CardPanel.h"
#include "gui/HostKeyChangedDialog.h"
#include "gui/PinDialog.h"
#include "gui/PreferencesDialog.h"
#include "gui/RelayLogView.h"
#include "gui/TrustDialog.h"
#include "gui/vnc/DirectVncDialog.h"
#include "gui/vnc/VncPasswordStore.h"
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

using core::AdminSession;

MainWindow::MainWindow(AppSettings* settings, QWidget* parent)
    : QMainWindow(parent)
    , m_settings(settings)
    , m_monitor(new core::ReaderMonitor(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Secure Remote Access"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/secure-remote-access.svg")));
    buildUi();

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
    // The session and relay point at the signer and the known hosts: they go first.
    delete m_relay;
    delete m_session;
    m_monitor->stop();
}

void MainWindow::buildUi()
{
    auto* fileMenu = menuBar()->addMenu(tr("&File"));
    auto* preferences = fileMenu->addAction(tr("&Preferences…"), this, &MainWindow::openPreferences);
    preferences->setObjectName(QStringLiteral("preferencesAction"));
    preferences->setShortcut(QKeySequence::Preferences);
    // Plain VNC for machines without srad, as helpdesk staff expect from a remote-screen tool.
    auto* directVnc = fileMenu->addAction(tr("Connect to a &VNC server…"), this, &MainWindow::openDirectVnc);
    directVnc->setObjectName(QStringLiteral("directVncAction"));
    fileMenu->addSeparator();
    auto* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    auto* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About Secure Remote Access"), this, [this] {
        QMessageBox::about(this,
                           tr("About Secure Remote Access"),
                           tr("<b>Secure Remote Access</b> %1<br>Work on a remote machine with the PIV smart card in "
                              "your own reader: sign in with the card, share the remote screen and insert the card "
                              "into the remote machine.")
                               .arg(QApplication::applicationVersion()));
    });

    m_cardPanel = new CardPanel(this);

    // Connect bar.
    m_hostCombo = new QComboBox(this);
    m_hostCombo->setObjectName(QStringLiteral("hostComboBox"));
    m_hostCombo->setEditable(true);
    m_hostCombo->setInsertPolicy(QComboBox::NoInsert);
    m_hostCombo->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_hostCombo->lineEdit()->setPlaceholderText(tr("host or host:port (port 4116 by default)"));
    m_historyModel = new QStringListModel(m_settings->hostHistory(), this);
    m_hostCombo->setModel(m_historyModel);
    m_completer = new QCompleter(m_historyModel, this);
    m_completer->setObjectName(QStringLiteral("hostCompleter"));
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchContains);
    m_hostCombo->setCompleter(m_completer);
    m_hostCombo->setEditText(QString());
    connect(m_hostCombo->lineEdit(), &QLineEdit::returnPressed, this, &MainWindow::connectToHost);
    connect(m_hostCombo, &QComboBox::editTextChanged, this, &MainWindow::updateControls);

    m_connectButton = new QPushButton(tr("&Connect"), this);
    m_connectButton->setObjectName(QStringLiteral("connectButton"));
    connect(m_connectButton, &QPushButton::clicked, this, &MainWindow::connectToHost);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("connectProgressBar"));
    m_progress->setRange(0, 0); // busy: the steps take unknown time (network, the user's answers)
    m_progress->setMaximumWidth(140);
    m_progress->setTextVisible(false);
    m_cancelButton = new QPushButton(tr("Ca&ncel"), this);
    m_cancelButton->setObjectName(QStringLiteral("cancelConnectButton"));
    connect(m_cancelButton, &QPushButton::clicked, this, &MainWindow::cancelConnect);

    auto* connectBar = new QHBoxLayout;
    auto* hostLabel = new QLabel(tr("&Remote machine:"), this);
    hostLabel->setBuddy(m_hostCombo);
    connectBar->addWidget(hostLabel);
    connectBar->addWidget(m_hostCombo, 1);
    connectBar->addWidget(m_connectButton);
    connectBar->addWidget(m_progress);
    connectBar->addWidget(m_cancelButton);

    // Session controls.
    m_screenShareButton = new QPushButton(tr("&Screen Share"), this);
    m_screenShareButton->setObjectName(QStringLiteral("screenShareButton"));
    m_screenShareButton->setToolTip(
        tr("Show the remote screen in this window (a one-time password, through the authenticated connection)."));
    connect(m_screenShareButton, &QPushButton::clicked, this, &MainWindow::startScreenShare);
    m_insertButton = new QPushButton(tr("&Insert card"), this);
    m_insertButton->setObjectName(QStringLiteral("insertCardButton"));
    m_insertButton->setToolTip(tr("Let the remote machine use your card: its programs see a card reader with your "
                                  "card, and every PIN check and signature is done by the card here."));
    connect(m_insertButton, &QPushButton::clicked, this, &MainWindow::insertCard);
    m_removeButton = new QPushButton(tr("&Remove card"), this);
    m_removeButton->setObjectName(QStringLiteral("removeCardButton"));
    connect(m_removeButton, &QPushButton::clicked, this, &MainWindow::removeCard);
    m_disconnectButton = new QPushButton(tr("&Disconnect"), this);
    m_disconnectButton->setObjectName(QStringLiteral("disconnectButton"));
    connect(m_disconnectButton, &QPushButton::clicked, this, &MainWindow::disconnectFromHost);
    auto* controls = new QHBoxLayout;
    controls->addWidget(m_screenShareButton);
    controls->addWidget(m_insertButton);
    controls->addWidget(m_removeButton);
    controls->addStretch(1);
    controls->addWidget(m_disconnectButton);

    // Remote view area: page 0 is a placeholder; screen sharing adds the view as the next page.
    m_remoteViewArea = new QStackedWidget(this);
    m_remoteViewArea->setObjectName(QStringLiteral("remoteViewArea"));
    auto* placeholder = new QLabel(tr("The remote screen appears here when you share it."), m_remoteViewArea);
    placeholder->setObjectName(QStringLiteral("remoteViewPlaceholder"));
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setFrameShape(QFrame::StyledPanel);
    placeholder->setMinimumSize(480, 300);
    m_remoteViewArea->addWidget(placeholder);

    m_relayLog = new RelayLogView(this);
    auto* logBox = new QWidget(this);
    auto* logLayout = new QVBoxLayout(logBox);
    logLayout->setContentsMargins(0, 0, 0, 0);
    logLayout->addWidget(new QLabel(tr("Operations the remote machine had your card do:"), logBox));
    logLayout->addWidget(m_relayLog);

    auto* rightSplitter = new QSplitter(Qt::Vertical, this);
    rightSplitter->addWidget(m_remoteViewArea);
    rightSplitter->addWidget(logBox);
    rightSplitter->setStretchFactor(0, 3);
    rightSplitter->setStretchFactor(1, 1);

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addLayout(connectBar);
    rightLayout->addLayout(controls);
    rightLayout->addWidget(rightSplitter, 1);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_cardPanel);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({420, 680});
    setCentralWidget(splitter);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addWidget(m_status, 1);
    resize(1100, 700);
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
    return m_session && m_session->state() != AdminSession::State::Idle
           && m_session->state() != AdminSession::State::Closed;
}

void MainWindow::updateControls()
{
    const bool active = sessionActive();
    const bool authenticated = active && m_session->state() == AdminSession::State::Authenticated;
    const bool inserted = authenticated && m_relay && m_relay->inserted();
    m_hostCombo->setEnabled(!active);
    m_connectButton->setEnabled(!active && !m_hostCombo->currentText().trimmed().isEmpty());
    m_progress->setVisible(active && !authenticated);
    m_cancelButton->setVisible(active && !authenticated);
    m_insertButton->setEnabled(authenticated && !inserted);
    m_removeButton->setEnabled(inserted);
    m_disconnectButton->setEnabled(authenticated);
    const bool sharing =
        m_screenRequested || m_screenTunnel || (m_remoteView && m_remoteView->state() != VncView::State::Disconnected);
    m_screenShareButton->setEnabled(authenticated && !sharing);
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
    if (reader == m_cardReader && sessionActive()) {
        if (m_relay && m_relay->inserted()) {
            m_relay->remove(QStringLiteral("the admin's card was pulled"));
            setStatus(tr("The card was pulled: it was removed from the remote machine and the session ended. "
                         "Insert the card and connect again."),
                      true);
            m_statusFromFailure = true;
            m_session->disconnectFromServer();
        } else if (m_session->state() != AdminSession::State::Authenticated) {
            setStatus(tr("The card was pulled while signing in. Insert the card and connect again."), true);
            m_statusFromFailure = true;
            m_session->cancel();
        }
    }
    refreshCard();
}

void MainWindow::refreshCard()
{
    if (m_session || m_disposePending) {
        // The session and the relay use the open card; it is read again when the session is gone.
        m_cardDirty = true;
        return;
    }
    m_cardDirty = false;
    m_signer.reset();
    m_cardReader.clear();
    QString failedReader;
    QString failure;
    const QList<core::ReaderState> readers = m_monitor->currentReaders();
    for (const core::ReaderState& reader : readers) {
        if (!reader.cardPresent) {
            continue;
        }
        auto signer = std::make_unique<core::PcscSessionSigner>();
        if (auto opened = signer->open(reader.name); !opened) {
            failedReader = reader.name;
            failure = core::cardErrorMessage(opened.error());
            continue;
        }
        m_signer = std::move(signer);
        m_cardReader = reader.name;
        m_cardPanel->showCard(m_cardReader, m_signer->cardInfo());
        updateControls();
        if (!m_autostartTarget.isEmpty()) {
            // The card the start-up connection waited for (readers are reported asynchronously).
            m_hostCombo->setEditText(std::exchange(m_autostartTarget, QString()));
            connectToHost();
        }
        return;
    }
    if (!failedReader.isEmpty()) {
        m_cardPanel->showCardError(failedReader, failure);
    } else {
        m_cardPanel->showNoCard();
    }
    updateControls();
}

// ---- connecting ----

void MainWindow::connectToHost()
{
    if (sessionActive()) {
        return;
    }
    if (m_disposePending) {
        disposeSession();
    }
    const QString target = m_hostCombo->currentText().trimmed();
    QString host;
    quint16 port = 0;
    if (target.isEmpty()) {
        setStatus(tr("Enter the remote machine as host or host:port, for example server.example.org or "
                     "192.0.2.7:4116."),
                  true);
        return;
    }
    if (!core::parseHostPort(target, host, port)) {
        setStatus(tr("\"%1\" is not an address: give a host name or IP address, optionally with :port (1-65535); "
                     "IPv6 addresses with a port go in brackets, as [2001:db8::7]:4116.")
                      .arg(target),
                  true);
        return;
    }
    if (!m_signer) {
        setStatus(tr("No usable PIV card: insert your card into a reader (the card panel shows what was found), "
                     "then connect again."),
                  true);
        return;
    }
    m_knownHosts = std::make_unique<core::KnownHosts>(m_settings->knownHostsFile());
    QString error;
    if (!m_knownHosts->load(&error)) {
        setStatus(error, true);
        return;
    }

    core::RelayPolicy policy;
    policy.allowedSlots.clear();
    for (const quint8 slot : m_settings->relayAllowedSlots()) {
        policy.allowedSlots.insert(slot);
    }
    m_session = new AdminSession(m_signer.get(), m_knownHosts.get(), this);
    m_relay = new core::AdminCardRelay(m_session,
                                       m_signer.get(),
                                       policy,
                                       m_settings->relayApproval() == AppSettings::Approval::Session
                                           ? core::AdminCardRelay::Approval::Session
                                           : core::AdminCardRelay::Approval::Ask,
                                       this);
    connect(m_session, &AdminSession::stateChanged, this, &MainWindow::onSessionState);
    connect(m_session, &AdminSession::hostDecisionNeeded, this, &MainWindow::onHostDecision);
    connect(m_session, &AdminSession::pinRequested, this, &MainWindow::onPinRequested);
    connect(m_session, &AdminSession::authenticated, this, &MainWindow::onAuthenticated);
    connect(m_session, &AdminSession::failed, this, &MainWindow::onFailed);
    connect(m_session, &AdminSession::closed, this, &MainWindow::onSessionClosed);
    // srad's answer to Insert card: which account this card logs in as on the remote, or why none.
    connect(m_session, &AdminSession::cardLogin, this, [this](const QString& account, const QString& detail) {
        if (account.isEmpty()) {
            setStatus(tr("Card inserted, but it logs in as no account on %1: %2").arg(m_session->host(), detail), true);
        } else {
            setStatus(tr("Card inserted: on %1 it logs in as %2 (%3).").arg(m_session->host(), account, detail));
        }
    });
    connect(m_session, &AdminSession::cardRefused, this, [this](sra::wire::ErrorCode, const QString& message) {
        setStatus(message, true);
    });
    connect(m_relay, &core::AdminCardRelay::approvalNeeded, this, &MainWindow::onApprovalNeeded);
    connect(m_relay, &core::AdminCardRelay::finished, m_relayLog, &RelayLogView::addEntry);

    m_target = target;
    m_statusFromFailure = false;
    m_session->connectToServer(target);
    updateControls();
}

void MainWindow::cancelConnect()
{
    if (sessionActive() && m_session->state() != AdminSession::State::Authenticated) {
        m_session->cancel();
    }
}

void MainWindow::onSessionState(AdminSession::State state)
{
    switch (state) {
    case AdminSession::State::Connecting:
        setStatus(tr("Connecting to %1 port %2…").arg(m_session->host()).arg(m_session->port()));
        break;
    case AdminSession::State::HostDecision:
        setStatus(
            tr("Check the identity of %1: compare the fingerprint with the remote machine's.").arg(m_session->host()));
        break;
    case AdminSession::State::Negotiating:
        setStatus(tr("Identity of %1 trusted; starting to sign in…").arg(m_session->host()));
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
    if (m_signer) {
        m_hostCombo->setEditText(options.target);
        connectToHost();
    } else {
        m_autostartTarget = options.target; // connects once the card has been read (refreshCard)
        m_hostCombo->setEditText(options.target);
        setStatus(tr("Waiting for your card to connect to %1…").arg(options.target));
    }
}

void MainWindow::onHostDecision(const QByteArray& fingerprint)
{
    if (m_acceptNewHost) {
        setStatus(tr("Trusting %1 on first use, as the command line asked (SHA-256 %2).")
                      .arg(m_session->host(), core::formatFingerprint(fingerprint)));
        m_session->acceptHost();
        return;
    }
    auto* dialog = new TrustDialog(m_session->host(), m_session->port(), fingerprint, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_trustDialog = dialog;
    connect(dialog, &QDialog::finished, this, [this](int result) {
        if (!m_session || m_session->state() != AdminSession::State::HostDecision) {
            return;
        }
        if (result == QDialog::Accepted) {
            m_session->acceptHost();
        } else {
            m_session->rejectHost();
        }
    });
    dialog->open();
}

void MainWindow::onPinRequested(int triesLeft, const QString& reason)
{
    if (!m_presetPin.empty()) {
        base::SecureBytes pin = std::move(m_presetPin);
        m_presetPin = {};
        m_session->providePin(std::move(pin));
        return;
    }
    if (!reason.isEmpty()) {
        m_cardPanel->showCard(m_cardReader, [&] {
            core::CardInfo info = m_signer->cardInfo();
            info.pinTriesLeft = triesLeft;
            return info;
        }());
    }
    auto* dialog = new PinDialog(m_session->host(), m_signer->cardInfo().cardholder, triesLeft, reason, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_pinDialog = dialog;
    connect(dialog, &QDialog::finished, this, [this, dialog](int result) {
        if (!m_session || m_session->state() != AdminSession::State::PinEntry) {
            return; // the dialog wipes the PIN when it goes
        }
        if (result == QDialog::Accepted) {
            m_session->providePin(dialog->takePin());
        } else {
            m_session->cancel();
        }
    });
    dialog->open();
}

void MainWindow::onAuthenticated(const QString& account, const QString& sessionId)
{
    m_settings->addHostToHistory(m_target);
    m_historyModel->setStringList(m_settings->hostHistory());
    m_hostCombo->setEditText(m_target);
    setStatus(tr("Authenticated to %1 as %2 (session %3).").arg(m_session->host(), account, sessionId));
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
        setStatus(tr("Connection to %1 cancelled.").arg(m_session->host()));
        return;
    }
    setStatus(message, true);
    if (failure == AdminSession::Failure::HostKeyChanged) {
        auto* dialog = new HostKeyChangedDialog(m_session->host(),
                                                m_session->port(),
                                                m_session->knownFingerprint(),
                                                m_session->serverFingerprint(),
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
    m_approvals.clear();
    if (!m_statusFromFailure) {
        setStatus(tr("Disconnected from %1.").arg(m_session->host()));
    }
    // The session is in the middle of emitting: it is deleted from the event loop.
    m_disposePending = true;
    QTimer::singleShot(0, this, &MainWindow::disposeSession);
    updateControls();
}

void MainWindow::disposeSession()
{
    if (!m_disposePending) {
        return;
    }
    m_disposePending = false;
    m_screenRequested = false;
    endScreenShare(QString());
    delete m_relay;
    m_relay = nullptr;
    delete m_session;
    m_session = nullptr;
    m_knownHosts.reset();
    // The card was held open for the session; read it again (tries left, or a card changed meanwhile).
    m_readerKey.clear();
    refreshCard();
    updateControls();
}

// ---- the authenticated session ----

void MainWindow::disconnectFromHost()
{
    if (!sessionActive()) {
        return;
    }
    if (m_relay && m_relay->inserted()) {
        m_relay->remove(QStringLiteral("the admin ended the session"));
    }
    m_session->disconnectFromServer();
}

void MainWindow::insertCard()
{
    if (!sessionActive() || m_session->state() != AdminSession::State::Authenticated || !m_relay) {
        return;
    }
    if (auto inserted = m_relay->insert(); !inserted) {
        setStatus(tr("The card could not be inserted into %1: %2")
                      .arg(m_session->host(), core::cardErrorMessage(inserted.error())),
                  true);
        return;
    }
    setStatus(tr("Card inserted into %1: programs there can use it now; every use is asked for or logged below.")
                  .arg(m_session->host()));
    updateControls();
}

void MainWindow::removeCard()
{
    if (!m_relay || !m_relay->inserted()) {
        return;
    }
    m_relay->remove(QStringLiteral("the admin removed the card"));
    if (m_approvalDialog) {
        m_approvalDialog->disconnect(this);
        m_approvalDialog->reject();
    }
    m_approvals.clear();
    setStatus(tr("Card removed from %1.").arg(m_session->host()));
    updateControls();
}

void MainWindow::onApprovalNeeded(quint32 id, const QString& description)
{
    m_approvals.append({id, description});
    if (!m_approvalDialog) {
        showNextApproval();
    }
}

void MainWindow::showNextApproval()
{
    if (m_approvals.isEmpty() || !m_relay || !m_session) {
        return;
    }
    const PendingApproval next = m_approvals.takeFirst();
    auto* dialog = new ApprovalDialog(next.id, m_session->host(), next.description, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_approvalDialog = dialog;
    connect(dialog, &QDialog::finished, this, [this, id = next.id](int result) {
        if (!m_relay) {
            return;
        }
        const bool forSession = result == ApprovalDialog::AllowSession;
        m_relay->approve(id, result != ApprovalDialog::Refuse, forSession);
        if (forSession) {
            // "For this session" covers what is already waiting too.
            const QList<PendingApproval> waiting = std::exchange(m_approvals, {});
            for (const PendingApproval& pending : waiting) {
                m_relay->approve(pending.id, true);
            }
        }
        m_approvalDialog.clear();
        QTimer::singleShot(0, this, &MainWindow::showNextApproval);
    });
    dialog->open();
}

void MainWindow::startScreenShare()
{
    if (!m_session || m_session->state() != AdminSession::State::Authenticated || m_screenRequested || m_screenTunnel) {
        return;
    }
    // One answer per request: the context object takes the connections with it.
    auto* answer = new QObject(this);
    connect(m_session, &AdminSession::screenGranted, answer, [this, answer](const core::ScreenGrant& grant) {
        answer->deleteLater();
        m_screenRequested = false;
        openScreenTunnel(grant);
    });
    connect(
        m_session, &AdminSession::screenRefused, answer, [this, answer](sra::wire::ErrorCode, const QString& message) {
            answer->deleteLater();
            m_screenRequested = false;
            setStatus(message, true);
            updateControls();
        });
    connect(m_session, &AdminSession::closed, answer, &QObject::deleteLater);
    if (!m_session->requestScreen()) {
        delete answer;
        setStatus(tr("The remote screen could not be requested: the session is not ready. Connect again."), true);
        return;
    }
    m_screenRequested = true;
    setStatus(tr("Asking the remote for its screen…"));
    updateControls();
}

void MainWindow::openScreenTunnel(core::ScreenGrant grant)
{
    auto* tunnel = new core::ScreenTunnel(this);
    m_screenTunnel = tunnel;
    m_screenPassword = grant.password; // until the stream is ready; wiped however it ends
    connect(tunnel, &core::ScreenTunnel::ready, this, [this, tunnel] {
        ensureRemoteView();
        m_remoteViewTarget = m_target;
        m_remoteViewArea->setCurrentWidget(m_remoteView);
        // The view wipes the password it is given.
        m_remoteView->connectToFd(tunnel->takeViewerSocket(), std::exchange(m_screenPassword, QByteArray()));
        m_remoteView->setFocus();
        updateControls();
    });
    connect(
        tunnel, &core::ScreenTunnel::failed, this, [this, tunnel](core::ScreenTunnel::Failure, const QString& message) {
            tunnel->deleteLater();
            wipeScreenPassword();
            setStatus(message, true);
            updateControls();
        });
    connect(tunnel, &core::ScreenTunnel::closed, this, [tunnel] { tunnel->deleteLater(); });
    connect(m_session, &AdminSession::screenEnded, tunnel, [this](const QString& reason) { endScreenShare(reason); });
    tunnel->open(*m_session, grant);
    grant.wipe();
    setStatus(tr("Opening the screen stream…"));
    updateControls();
}

VncView* MainWindow::ensureRemoteView()
{
    if (m_remoteView) {
        return m_remoteView;
    }
    m_remoteView = new VncView(m_remoteViewArea);
    m_remoteView->setObjectName(QStringLiteral("remoteView"));
    m_remoteViewArea->addWidget(m_remoteView);
    connect(m_remoteView, &VncView::connected, this, [this] {
        setStatus(tr("Showing the screen of %1.").arg(m_remoteViewTarget));
        updateControls();
        Q_EMIT remoteScreenShown();
    });
    connect(m_remoteView, &VncView::disconnected, this, [this](const QString& reason) { endScreenShare(reason); });
    m_remoteMenu = menuBar()->addMenu(tr("&Remote screen"));
    m_remoteMenu->addAction(m_remoteView->scaleToFitAction());
    m_remoteMenu->addAction(m_remoteView->viewOnlyAction());
    m_remoteMenu->addAction(m_remoteView->ctrlAltDelAction());
    m_remoteMenu->addAction(m_remoteView->fullScreenAction());
    return m_remoteView;
}

void MainWindow::openDirectVnc()
{
    if (m_screenRequested || m_screenTunnel
        || (m_remoteView && m_remoteView->state() != VncView::State::Disconnected)) {
        setStatus(tr("A remote screen is already shown: close it first (Disconnect, or end the direct VNC view)."),
                  true);
        return;
    }
    if (!m_vncPasswords) {
        m_vncPasswords = new VncPasswordStore(this);
    }
    auto* dialog = new DirectVncDialog(m_vncPasswords, this);
    dialog->setObjectName(QStringLiteral("directVncDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        VncView* view = ensureRemoteView();
        m_remoteViewTarget = QStringLiteral("%1:%2").arg(dialog->host()).arg(dialog->port());
        m_remoteViewArea->setCurrentWidget(view);
        setStatus(tr("Connecting to the VNC server %1…").arg(m_remoteViewTarget));
        view->connectToHost(dialog->host(), dialog->port(), dialog->password()); // the view wipes the password
        view->setFocus();
        updateControls();
    });
    dialog->open();
}

void MainWindow::wipeScreenPassword()
{
    base::secureZero(m_screenPassword.data(), static_cast<std::size_t>(m_screenPassword.size()));
    m_screenPassword.clear();
}

void MainWindow::endScreenShare(const QString& reason)
{
    wipeScreenPassword();
    if (m_remoteView && m_remoteView->state() != VncView::State::Disconnected) {
        m_remoteView->disconnectFromHost();
    }
    if (m_screenTunnel) {
        m_screenTunnel->close();
    }
    m_remoteViewArea->setCurrentIndex(0);
    if (!reason.isEmpty() && sessionActive()) {
        setStatus(tr("The remote screen was closed: %1").arg(reason), true);
    }
    updateControls();
}

void MainWindow::openPreferences()
{
    auto* dialog = new PreferencesDialog(m_settings, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (sessionActive()) {
        if (m_session->state() == AdminSession::State::Authenticated) {
            disconnectFromHost();
        } else {
            m_session->cancel();
        }
    }
    event->accept();
}

} // namespace sra::gui
