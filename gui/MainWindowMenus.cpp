// The admin window's menus, their shortcuts and the list of them (Help → Keyboard shortcuts). Part of MainWindow
// (MainWindow.h). Every action works from the keyboard: menu mnemonics, and a shortcut for each frequent one.
#include "gui/MainWindow.h"
#include "gui/PreferencesDialog.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMenuBar>
#include <QMessageBox>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace sra::gui {

namespace {
QAction* menuAction(QMenu* menu, const QString& text, const char* objectName, const QKeySequence& shortcut)
{
    auto* action = menu->addAction(text);
    action->setObjectName(QString::fromLatin1(objectName));
    action->setShortcut(shortcut);
    return action;
}
} // namespace

void MainWindow::buildMenus()
{
    auto* fileMenu = menuBar()->addMenu(tr("&File"));
    connect(menuAction(fileMenu, tr("New &tab"), "newTabAction", QKeySequence::AddTab),
            &QAction::triggered,
            this,
            &MainWindow::newTab);
    connect(menuAction(fileMenu, tr("&Close tab"), "closeTabAction", QKeySequence::Close),
            &QAction::triggered,
            this,
            [this] { closeTab(m_tabs->currentIndex()); });
    connect(menuAction(fileMenu, tr("&Address book…"), "addressBookAction", QKeySequence(tr("Ctrl+B"))),
            &QAction::triggered,
            this,
            &MainWindow::openAddressBook);
    fileMenu->addSeparator();
    // Plain VNC for machines without srad, as helpdesk staff expect from a remote-screen tool.
    connect(menuAction(fileMenu, tr("Connect to a &VNC server…"), "directVncAction", QKeySequence()),
            &QAction::triggered,
            this,
            &MainWindow::openDirectVnc);
    fileMenu->addSeparator();
    connect(menuAction(fileMenu, tr("&Preferences…"), "preferencesAction", QKeySequence::Preferences),
            &QAction::triggered,
            this,
            &MainWindow::openPreferences);
    fileMenu->addSeparator();
    connect(menuAction(fileMenu, tr("&Quit"), "quitAction", QKeySequence::Quit),
            &QAction::triggered,
            this,
            &QWidget::close);

    auto* remoteMenu = menuBar()->addMenu(tr("&Remote"));
    connect(menuAction(remoteMenu, tr("Go to the &address bar"), "focusAddressAction", QKeySequence(tr("Ctrl+L"))),
            &QAction::triggered,
            this,
            [this] { currentTab()->focusConnectBar(); });
    connect(menuAction(remoteMenu, tr("&Screen Share"), "screenShareAction", QKeySequence(tr("Ctrl+Shift+S"))),
            &QAction::triggered,
            this,
            &MainWindow::startScreenShare);
    connect(menuAction(remoteMenu, tr("&Insert card"), "insertCardAction", QKeySequence(tr("Ctrl+Shift+I"))),
            &QAction::triggered,
            this,
            &MainWindow::insertCard);
    connect(menuAction(remoteMenu, tr("Re&move card"), "removeCardAction", QKeySequence(tr("Ctrl+Shift+R"))),
            &QAction::triggered,
            this,
            &MainWindow::removeCard);
    connect(menuAction(remoteMenu, tr("&Disconnect"), "disconnectAction", QKeySequence(tr("Ctrl+Shift+D"))),
            &QAction::triggered,
            this,
            &MainWindow::disconnectFromHost);
    remoteMenu->addSeparator();
    connect(menuAction(remoteMenu, tr("&Next tab"), "nextTabAction", QKeySequence::NextChild),
            &QAction::triggered,
            this,
            [this] { m_tabs->setCurrentIndex((m_tabs->currentIndex() + 1) % m_tabs->count()); });
    connect(menuAction(remoteMenu, tr("&Previous tab"), "previousTabAction", QKeySequence::PreviousChild),
            &QAction::triggered,
            this,
            [this] { m_tabs->setCurrentIndex((m_tabs->currentIndex() + m_tabs->count() - 1) % m_tabs->count()); });

    m_screenMenu = menuBar()->addMenu(tr("&View"));
    m_screenMenu->setObjectName(QStringLiteral("remoteScreenMenu"));
    updateScreenMenu();

    auto* helpMenu = menuBar()->addMenu(tr("&Help"));
    connect(menuAction(helpMenu, tr("&Keyboard shortcuts"), "shortcutsAction", QKeySequence::HelpContents),
            &QAction::triggered,
            this,
            &MainWindow::showShortcuts);
    connect(menuAction(helpMenu, tr("&About Secure Remote Access"), "aboutAction", QKeySequence()),
            &QAction::triggered,
            this,
            [this] {
                QMessageBox::about(
                    this,
                    tr("About Secure Remote Access"),
                    tr("<b>Secure Remote Access</b> %1<br>Work on a remote machine with the PIV smart card in "
                       "your own reader: sign in with the card, share the remote screen and insert the card "
                       "into the remote machine.")
                        .arg(QApplication::applicationVersion()));
            });
}

void MainWindow::updateScreenMenu()
{
    m_screenMenu->clear();
    const QList<QAction*> actions = currentTab() ? currentTab()->screenActions() : QList<QAction*>();
    if (actions.isEmpty()) {
        QAction* none = m_screenMenu->addAction(tr("(no remote screen in this tab)"));
        none->setEnabled(false);
        return;
    }
    m_screenMenu->addActions(actions);
}

void MainWindow::showShortcuts()
{
    auto* dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("shortcutsDialog"));
    dialog->setWindowTitle(tr("Keyboard shortcuts"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    auto* list = new QTreeWidget(dialog);
    list->setObjectName(QStringLiteral("shortcutsList"));
    list->setHeaderLabels({tr("Action"), tr("Shortcut")});
    list->setRootIsDecorated(false);
    // Built from the menus themselves, so the list cannot drift from what the keys do.
    for (QAction* top : menuBar()->actions()) {
        QMenu* menu = top->menu();
        if (!menu) {
            continue;
        }
        for (QAction* action : menu->actions()) {
            if (action->isSeparator() || action->shortcut().isEmpty()) {
                continue;
            }
            QString text = action->text();
            text.remove(QLatin1Char('&'));
            list->addTopLevelItem(
                new QTreeWidgetItem({QStringLiteral("%1 → %2").arg(menu->title().remove(QLatin1Char('&')), text),
                                     action->shortcut().toString(QKeySequence::NativeText)}));
        }
    }
    list->addTopLevelItem(new QTreeWidgetItem({tr("Any button or menu"), tr("Alt + its underlined letter")}));
    list->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(list);
    layout->addWidget(buttons);
    dialog->resize(560, 420);
    dialog->open();
}

void MainWindow::openPreferences()
{
    auto* dialog = new PreferencesDialog(m_settings, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace sra::gui
