#pragma once

#include "gui/RemoteTab.h"

#include <QList>
#include <QMainWindow>
#include <QString>

class QLabel;
class QMenu;
class QProgressBar;
class QStackedWidget;
class QTabWidget;

namespace sra::core {
class CardWorker;
class ReaderMonitor;
struct ReaderState;
} // namespace sra::core

namespace sra::gui {

class AddressBook;
class AppSettings;
class CardPanel;
class VncPasswordStore;

// The admin window: the card panel on the left and one tab per remote machine (RemoteTab, each presenting its
// own AdminController). The window owns what the tabs share: the smart-card readers (ReaderMonitor) and the
// open card on its own thread (CardWorker, which serialises every card operation of every tab, so nothing in
// the window waits on the card), the menus, and the history of remotes. Menus and shortcuts act on the current
// tab; Help → Keyboard shortcuts lists them.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(AppSettings* settings, QWidget* parent = nullptr);
    ~MainWindow() override;

    using Autostart = RemoteTab::Autostart;
    void autostart(Autostart options); // in the current tab

    RemoteTab* currentTab() const;
    QList<RemoteTab*> tabs() const;

    QTabWidget* tabWidget() const
    {
        return m_tabs;
    }

    // The current tab's, for tests and the demo.
    core::AdminSession* session() const;
    QStackedWidget* remoteViewArea() const;
    QString statusText() const;

Q_SIGNALS:
    // A remote screen is connected and shown in one of the tabs.
    void remoteScreenShown();

public Q_SLOTS:
    RemoteTab* newTab();
    void closeTab(int index);
    // The current tab's actions.
    void connectToHost();
    void cancelConnect();
    void disconnectFromHost();
    void insertCard();
    void removeCard();
    void startScreenShare();
    void openDirectVnc();
    void openPreferences();
    void openAddressBook();
    void showShortcuts();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void updateScreenMenu();
    void updateTabTitle(RemoteTab* tab);
    void closeTabNow(RemoteTab* tab);
    bool anySessionActive() const;
    void onReadersChanged(const QList<core::ReaderState>& readers);
    void onCardRemoved(const QString& reader);
    void refreshCard();
    void setCardForTabs();
    void rememberTarget(const QString& target);

    AppSettings* m_settings;
    core::ReaderMonitor* m_monitor;
    core::CardWorker* m_card = nullptr; // the open card; replaced only while no tab has a session
    bool m_cardOpening = false;         // a CardWorker is reading the card
    QString m_readerKey;                // what of the readers' state concerns the card panel (not "in use" flags)
    bool m_cardDirty = false;           // the card changed while a session held it: read it again afterwards
    CardPanel* m_cardPanel = nullptr;
    QTabWidget* m_tabs = nullptr;
    AddressBook* m_addressBook = nullptr;       // saved and recent remotes, for every tab's connect bar
    VncPasswordStore* m_vncPasswords = nullptr; // direct VNC: passwords in the system keychain
    QMenu* m_screenMenu = nullptr;
    QProgressBar* m_cardProgress = nullptr;
    QLabel* m_cardBusyLabel = nullptr;
};

} // namespace sra::gui
