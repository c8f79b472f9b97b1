#include "gui/MainWindow.h"

#include "core/admin/AdminController.h"
#include "core/card/CardErrors.h"
#include "core/card/CardWorker.h"
#include "core/pcsc/ReaderMonitor.h"
#include "gui/AddressBook.h"
#include "gui/AddressBookDialog.h"
#include "gui/AppSettings.h"
#include "gui/CardPanel.h"
#include "gui/vnc/VncPasswordStore.h"

#include <QCloseEvent>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QSplitter>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace sra::gui {

MainWindow::MainWindow(AppSettings* settings, QWidget* parent)
    : QMainWindow(parent)
    , m_settings(settings)
    , m_monitor(new core::ReaderMonitor(this))
    , m_addressBook(new AddressBook(settings, settings->knownHostsFile(), this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Secure Remote Access"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/secure-remote-access.svg")));

    m_cardPanel = new CardPanel(this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("remoteTabs"));
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    m_tabs->setDocumentMode(true);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, &MainWindow::closeTab);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        updateScreenMenu();
        if (RemoteTab* tab = currentTab()) {
            statusBar()->showMessage(QString());
            setWindowTitle(tr("%1 — Secure Remote Access").arg(tab->title()));
        }
    });
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_cardPanel);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({380, 720});
    setCentralWidget(splitter);

    // The card's own progress, for every tab: a real card takes 100-500 ms per signature or PIN check.
    m_cardBusyLabel = new QLabel(tr("The card is working…"), this);
    m_cardBusyLabel->setObjectName(QStringLiteral("cardBusyLabel"));
    m_cardProgress = new QProgressBar(this);
    m_cardProgress->setObjectName(QStringLiteral("cardProgressBar"));
    m_cardProgress->setRange(0, 0);
    m_cardProgress->setMaximumWidth(120);
    m_cardProgress->setTextVisible(false);
    statusBar()->addPermanentWidget(m_cardBusyLabel);
    statusBar()->addPermanentWidget(m_cardProgress);
    m_cardBusyLabel->setVisible(false);
    m_cardProgress->setVisible(false);

    buildMenus();
    newTab();

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
    resize(1180, 760);
}

MainWindow::~MainWindow()
{
    // The tabs' sessions use the card: they go first.
    for (RemoteTab* tab : tabs()) {
        delete tab;
    }
    delete std::exchange(m_card, nullptr);
    m_monitor->stop();
}

QList<RemoteTab*> MainWindow::tabs() const
{
    QList<RemoteTab*> all;
    for (int i = 0; i < m_tabs->count(); ++i) {
        all.append(qobject_cast<RemoteTab*>(m_tabs->widget(i)));
    }
    return all;
}

RemoteTab* MainWindow::currentTab() const
{
    return qobject_cast<RemoteTab*>(m_tabs->currentWidget());
}

core::AdminSession* MainWindow::session() const
{
    return currentTab() ? currentTab()->session() : nullptr;
}

QStackedWidget* MainWindow::remoteViewArea() const
{
    return currentTab() ? currentTab()->remoteViewArea() : nullptr;
}

QString MainWindow::statusText() const
{
    return currentTab() ? currentTab()->statusText() : QString();
}

RemoteTab* MainWindow::newTab()
{
    auto* tab = new RemoteTab(m_settings, m_tabs);
    tab->setTargetModel(m_addressBook->targetModel());
    tab->setTargetResolver([book = m_addressBook](const QString& text) { return book->resolve(text); });
    tab->setCard(m_card, m_cardOpening);
    connect(tab, &RemoteTab::titleChanged, this, [this, tab] { updateTabTitle(tab); });
    connect(tab, &RemoteTab::remoteScreenShown, this, &MainWindow::remoteScreenShown);
    connect(tab, &RemoteTab::screenActionsChanged, this, &MainWindow::updateScreenMenu);
    connect(tab, &RemoteTab::targetUsed, this, &MainWindow::rememberTarget);
    connect(tab, &RemoteTab::pinTriesReported, this, [this](int triesLeft) {
        if (m_card) {
            core::CardInfo info = m_card->info();
            info.pinTriesLeft = triesLeft;
            m_cardPanel->showCard(m_card->readerName(), info);
        }
    });
    connect(tab, &RemoteTab::activeChanged, this, [this](bool active) {
        if (!active) {
            // The card was held open for the session; read it again (tries left, or a card changed meanwhile),
            // once the session has finished emitting and no other tab holds it.
            QTimer::singleShot(0, this, [this] {
                m_readerKey.clear();
                refreshCard();
            });
        }
    });
    m_tabs->setCurrentIndex(m_tabs->addTab(tab, tab->title()));
    tab->focusConnectBar();
    return tab;
}

void MainWindow::updateTabTitle(RemoteTab* tab)
{
    const int index = m_tabs->indexOf(tab);
    if (index < 0) {
        return;
    }
    m_tabs->setTabText(index, tab->title());
    m_tabs->setTabToolTip(index, tab->statusText());
    if (tab == currentTab()) {
        setWindowTitle(tr("%1 — Secure Remote Access").arg(tab->title()));
    }
}

void MainWindow::closeTab(int index)
{
    auto* tab = qobject_cast<RemoteTab*>(m_tabs->widget(index));
    if (!tab) {
        return;
    }
    if (!tab->sessionActive()) {
        closeTabNow(tab);
        return;
    }
    // A session (maybe with the card inserted there) ends with the tab: ask, without a nested event loop.
    auto* box = new QMessageBox(QMessageBox::Question,
                                tr("Close %1?").arg(tab->title()),
                                tr("The session with %1 ends and your card is removed from it.").arg(tab->title()),
                                QMessageBox::Close | QMessageBox::Cancel,
                                this);
    box->setObjectName(QStringLiteral("closeTabQuestion"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPointer<RemoteTab> guarded(tab);
    connect(box, &QMessageBox::finished, this, [this, box, guarded] {
        if (guarded && box->clickedButton() == box->button(QMessageBox::Close)) {
            closeTabNow(guarded);
        }
    });
    box->open();
}

void MainWindow::closeTabNow(RemoteTab* tab)
{
    tab->shutDown();
    m_tabs->removeTab(m_tabs->indexOf(tab));
    tab->deleteLater(); // its session may be emitting right now
    if (m_tabs->count() == 0) {
        newTab();
    }
}

bool MainWindow::anySessionActive() const
{
    const QList<RemoteTab*> all = tabs();
    return std::any_of(all.begin(), all.end(), [](const RemoteTab* tab) { return tab->sessionActive(); });
}

void MainWindow::rememberTarget(const QString& target)
{
    m_settings->addHostToHistory(target); // sra-connect's and older versions' history
    // The model is reset by touch(), which clears the connect bars' text: they get it back.
    QList<QPair<RemoteTab*, QString>> texts;
    for (RemoteTab* tab : tabs()) {
        texts.append({tab, tab->targetText()});
    }
    m_addressBook->touch(target);
    m_addressBook->reloadKnownHosts(); // the identity may have been accepted just now
    for (const auto& [tab, text] : texts) {
        tab->setTarget(text);
    }
}

void MainWindow::openAddressBook()
{
    m_addressBook->reloadKnownHosts();
    auto* dialog = new AddressBookDialog(m_addressBook, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &AddressBookDialog::connectRequested, this, [this](const QString& target) {
        RemoteTab* tab = currentTab();
        if (tab->sessionActive() || tab->screenShown()) {
            tab = newTab(); // the remote of the current tab goes on
        }
        tab->setTarget(target);
        tab->connectToHost();
    });
    dialog->open();
}

// ---- the card, shared by the tabs ----

void MainWindow::setCardForTabs()
{
    for (RemoteTab* tab : tabs()) {
        tab->setCard(m_card, m_cardOpening);
    }
}

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
    for (RemoteTab* tab : tabs()) {
        tab->controller()->cardRemovedFrom(reader);
    }
    refreshCard();
}

void MainWindow::refreshCard()
{
    if (anySessionActive() || m_cardOpening) {
        // A session uses the open card (or it is being opened): it is read again when that is over.
        m_cardDirty = true;
        return;
    }
    m_cardDirty = false;
    core::CardWorker* old = std::exchange(m_card, nullptr);
    QString readerWithCard;
    for (const core::ReaderState& reader : m_monitor->currentReaders()) {
        if (reader.cardPresent) {
            readerWithCard = reader.name;
            break;
        }
    }
    m_cardOpening = !readerWithCard.isEmpty();
    setCardForTabs();
    delete old;
    if (readerWithCard.isEmpty()) {
        m_cardPanel->showNoCard();
        return;
    }
    // Read on the card's own thread: a real card takes a moment, and the window must not wait on it.
    auto* card = new core::CardWorker(core::CardWorker::pcsc(), this);
    connect(card, &core::CardWorker::busyChanged, this, [this](bool busy) {
        m_cardBusyLabel->setVisible(busy);
        m_cardProgress->setVisible(busy);
    });
    connect(card, &core::CardWorker::opened, this, [this, card] {
        m_cardOpening = false;
        m_card = card;
        m_cardPanel->showCard(card->readerName(), card->info());
        setCardForTabs();
        if (m_cardDirty) {
            refreshCard();
        }
    });
    connect(card, &core::CardWorker::openFailed, this, [this, card, readerWithCard](const base::Error& error) {
        m_cardOpening = false;
        card->deleteLater();
        m_cardPanel->showCardError(readerWithCard, core::cardErrorMessage(error));
        setCardForTabs();
        if (m_cardDirty) {
            refreshCard();
        }
    });
    card->open();
}

// ---- the current tab ----

void MainWindow::autostart(Autostart options)
{
    currentTab()->autostart(std::move(options));
}

void MainWindow::connectToHost()
{
    currentTab()->connectToHost();
}

void MainWindow::cancelConnect()
{
    currentTab()->cancelConnect();
}

void MainWindow::disconnectFromHost()
{
    currentTab()->disconnectFromHost();
}

void MainWindow::insertCard()
{
    currentTab()->insertCard();
}

void MainWindow::removeCard()
{
    currentTab()->removeCard();
}

void MainWindow::startScreenShare()
{
    currentTab()->startScreenShare();
}

void MainWindow::openDirectVnc()
{
    if (!m_vncPasswords) {
        m_vncPasswords = new VncPasswordStore(this);
    }
    RemoteTab* tab = currentTab();
    if (tab->sessionActive() || tab->screenShown()) {
        tab = newTab();
    }
    tab->openDirectVnc(m_vncPasswords);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    for (RemoteTab* tab : tabs()) {
        tab->shutDown();
    }
    event->accept();
}

} // namespace sra::gui
