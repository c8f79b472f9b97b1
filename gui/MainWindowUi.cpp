// The admin window's widgets: menus, card panel, connect bar, session controls, remote view area, relay log and
// status line. Part of MainWindow (MainWindow.h); what the widgets do is in MainWindow.cpp.
#include "gui/AppSettings.h"
#include "gui/CardPanel.h"
#include "gui/MainWindow.h"
#include "gui/RelayLogView.h"

#include <QAction>
#include <QApplication>
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
#include <QVBoxLayout>

namespace sra::gui {

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

} // namespace sra::gui
