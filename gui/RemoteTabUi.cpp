// One remote's widgets: connect bar, session controls, remote view area, relay log and status line. Part of
// RemoteTab (RemoteTab.h); what the widgets do is in RemoteTab.cpp.
#include "gui/RelayLogView.h"
#include "gui/RemoteTab.h"

#include <QAbstractItemModel>
#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace sra::gui {

void RemoteTab::buildUi()
{
    // Connect bar.
    m_hostCombo = new QComboBox(this);
    m_hostCombo->setObjectName(QStringLiteral("hostComboBox"));
    m_hostCombo->setEditable(true);
    m_hostCombo->setInsertPolicy(QComboBox::NoInsert);
    m_hostCombo->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_hostCombo->lineEdit()->setPlaceholderText(tr("host or host:port (port 4116 by default)"));
    m_completer = new QCompleter(this);
    m_completer->setObjectName(QStringLiteral("hostCompleter"));
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchContains);
    m_hostCombo->setCompleter(m_completer);
    m_hostCombo->setEditText(QString());
    connect(m_hostCombo->lineEdit(), &QLineEdit::returnPressed, this, &RemoteTab::connectToHost);
    connect(m_hostCombo, &QComboBox::editTextChanged, this, &RemoteTab::updateControls);

    m_connectButton = new QPushButton(tr("&Connect"), this);
    m_connectButton->setObjectName(QStringLiteral("connectButton"));
    connect(m_connectButton, &QPushButton::clicked, this, &RemoteTab::connectToHost);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("connectProgressBar"));
    m_progress->setRange(0, 0); // busy: the steps take unknown time (network, the user's answers)
    m_progress->setMaximumWidth(140);
    m_progress->setTextVisible(false);
    m_cancelButton = new QPushButton(tr("Ca&ncel"), this);
    m_cancelButton->setObjectName(QStringLiteral("cancelConnectButton"));
    connect(m_cancelButton, &QPushButton::clicked, this, &RemoteTab::cancelConnect);

    auto* connectBar = new QHBoxLayout;
    auto* hostLabel = new QLabel(tr("Remote &machine:"), this);
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
    connect(m_screenShareButton, &QPushButton::clicked, this, &RemoteTab::startScreenShare);
    m_insertButton = new QPushButton(tr("&Insert card"), this);
    m_insertButton->setObjectName(QStringLiteral("insertCardButton"));
    m_insertButton->setToolTip(tr("Let the remote machine use your card: its programs see a card reader with your "
                                  "card, and every PIN check and signature is done by the card here."));
    connect(m_insertButton, &QPushButton::clicked, this, &RemoteTab::insertCard);
    m_removeButton = new QPushButton(tr("Rem&ove card"), this);
    m_removeButton->setObjectName(QStringLiteral("removeCardButton"));
    connect(m_removeButton, &QPushButton::clicked, this, &RemoteTab::removeCard);
    m_disconnectButton = new QPushButton(tr("&Disconnect"), this);
    m_disconnectButton->setObjectName(QStringLiteral("disconnectButton"));
    connect(m_disconnectButton, &QPushButton::clicked, this, &RemoteTab::disconnectFromHost);
    auto* controls = new QHBoxLayout;
    controls->addWidget(m_screenShareButton);
    controls->addWidget(m_insertButton);
    controls->addWidget(m_removeButton);
    controls->addStretch(1);
    controls->addWidget(m_disconnectButton);

    // Shown above the view while a dropped connection is being resumed (the view keeps its last picture).
    m_reconnectBanner = new QLabel(this);
    m_reconnectBanner->setObjectName(QStringLiteral("reconnectBanner"));
    m_reconnectBanner->setAlignment(Qt::AlignCenter);
    m_reconnectBanner->setStyleSheet(QStringLiteral("background: #fff3cd; color: #664d03; padding: 4px;"));
    m_reconnectBanner->setVisible(false);

    // Remote view area: page 0 is a placeholder; screen sharing adds the view as the next page.
    m_remoteViewArea = new QStackedWidget(this);
    m_remoteViewArea->setObjectName(QStringLiteral("remoteViewArea"));
    auto* placeholder = new QLabel(tr("The remote screen appears here when you share it."), m_remoteViewArea);
    placeholder->setObjectName(QStringLiteral("remoteViewPlaceholder"));
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setFrameShape(QFrame::StyledPanel);
    placeholder->setMinimumSize(480, 300);
    m_remoteViewArea->addWidget(placeholder);

    auto* viewBox = new QWidget(this);
    auto* viewLayout = new QVBoxLayout(viewBox);
    viewLayout->setContentsMargins(0, 0, 0, 0);
    viewLayout->setSpacing(0);
    viewLayout->addWidget(m_reconnectBanner);
    viewLayout->addWidget(m_remoteViewArea, 1);

    m_relayLog = new RelayLogView(this);
    auto* logBox = new QWidget(this);
    auto* logLayout = new QVBoxLayout(logBox);
    logLayout->setContentsMargins(0, 0, 0, 0);
    logLayout->addWidget(new QLabel(tr("Operations this remote machine had your card do:"), logBox));
    logLayout->addWidget(m_relayLog);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(viewBox);
    splitter->addWidget(logBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(connectBar);
    layout->addLayout(controls);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_status);
}

void RemoteTab::setTargetModel(QAbstractItemModel* model)
{
    m_completer->setModel(model);
    const QString text = m_hostCombo->currentText();
    m_hostCombo->setModel(model); // the drop-down lists the same targets
    m_hostCombo->setEditText(text);
}

} // namespace sra::gui
