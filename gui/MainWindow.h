#pragma once

#include "core/base/Bytes.h"
#include "core/session/AdminSession.h"

#include <QList>
#include <QMainWindow>
#include <QPointer>
#include <QString>

#include <memory>

class QComboBox;
class QCompleter;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QStringListModel;

namespace sra::core {
class AdminController;
class CardWorker;
class ReaderMonitor;
struct ReaderState;
} // namespace sra::core

namespace sra::gui {

class AppSettings;
class ApprovalDialog;
class CardPanel;
class PinDialog;
class RelayLogView;
class TrustDialog;
class VncPasswordStore;
class VncView;

// The admin window: the card panel, the connect bar, the session controls, the remote view area and the log of
// relayed operations: a presentation of the AdminController that sra-connect presents on a terminal, with the
// card on its own thread (CardWorker), so nothing in the window waits on the card. The widgets are built in
// MainWindowUi.cpp, the remote screen is handled in MainWindowScreen.cpp.
//
// Every question to the user is a window-modal dialog opened with open(), answered through its finished()
// signal: no nested event loop, so the session keeps being served (keepalives, relayed requests) while a
// dialog is up, and tests can drive the dialogs by object name. Every failure is shown in the status line as
// the one sentence (cause and fix) the core gives for it.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(AppSettings* settings, QWidget* parent = nullptr);
    ~MainWindow() override;

    // The session of the moment (nullptr when idle), for tests.
    core::AdminSession* session() const;

    // The remote-screen area: page 0 says where the screen will appear; the VncView is added as the next page
    // when a screen is first shown (Screen Share or direct VNC).
    QStackedWidget* remoteViewArea() const
    {
        return m_remoteViewArea;
    }

    QString statusText() const;

    // Start-up choices from the command line (gui/main.cpp), as sra-connect offers them: connect at once;
    // trust a host seen for the first time without asking (--accept-new; a changed identity is still a hard
    // stop); take the first PIN from a descriptor instead of the dialog (a wrong PIN asks as usual); share
    // the screen once authenticated. The demo drives the window with these.
    struct Autostart
    {
        QString target;
        bool acceptNewHost = false;
        base::SecureBytes pin;
        bool screenShare = false;
    };

    void autostart(Autostart options);

Q_SIGNALS:
    // The remote screen is connected and shown in the window.
    void remoteScreenShown();

public Q_SLOTS:
    void connectToHost();
    void cancelConnect();
    void disconnectFromHost();
    void insertCard();
    void removeCard();
    void startScreenShare();
    void openDirectVnc();
    void openPreferences();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildUi();
    void connectController();
    void connectScreen();
    void setStatus(const QString& text, bool error = false);
    void updateControls();
    bool sessionActive() const;
    bool screenShown() const; // requested, streaming, or a direct VNC view
    void onReadersChanged(const QList<core::ReaderState>& readers);
    void onCardRemoved(const QString& reader);
    void refreshCard();
    void onSessionState(core::AdminSession::State state);
    void onHostDecision(const QString& host, quint16 port, const QByteArray& fingerprint);
    void onPinRequested(int triesLeft, const QString& reason);
    void onAuthenticated(const QString& account, const QString& sessionId);
    void onFailed(core::AdminSession::Failure failure, const QString& message);
    void onSessionClosed();
    void onApprovalNeeded(quint32 id, const QString& host, const QString& description);
    // Screen sharing: the controller's tunnel gives the view its socket; the one-time password comes with the
    // grant. The view leaves the window when the stream or the session ends.
    void endScreenShare(const QString& reason);
    VncView* ensureRemoteView();
    void wipeScreenPassword();

    AppSettings* m_settings;
    core::ReaderMonitor* m_monitor;
    core::AdminController* m_controller;
    core::CardWorker* m_card = nullptr; // the open card; replaced only while no session exists
    bool m_cardOpening = false;         // a CardWorker is reading the card
    bool m_cardBusy = false;            // the card works (progress is shown)
    QString m_readerKey;                // what of the readers' state concerns the card panel (not "in use" flags)
    bool m_cardDirty = false;           // the card changed while a session held it: read it again afterwards
    bool m_statusFromFailure = false;
    QString m_target;
    QPointer<TrustDialog> m_trustDialog;
    QPointer<PinDialog> m_pinDialog;
    QPointer<ApprovalDialog> m_approvalDialog;
    CardPanel* m_cardPanel = nullptr;
    QComboBox* m_hostCombo = nullptr;
    QStringListModel* m_historyModel = nullptr;
    QCompleter* m_completer = nullptr;
    QPushButton* m_connectButton = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_screenShareButton = nullptr;
    QPushButton* m_insertButton = nullptr;
    QPushButton* m_removeButton = nullptr;
    QPushButton* m_disconnectButton = nullptr;
    QStackedWidget* m_remoteViewArea = nullptr;
    VncView* m_remoteView = nullptr;            // page 1 of m_remoteViewArea while sharing
    VncPasswordStore* m_vncPasswords = nullptr; // direct VNC: passwords in the system keychain
    QMenu* m_remoteMenu = nullptr;
    QString m_remoteViewTarget;     // what the view shows, for the status line
    QByteArray m_screenPassword;    // the grant's one-time VNC password until the view takes it
    bool m_acceptNewHost = false;   // Autostart
    bool m_autoScreenShare = false; // Autostart
    base::SecureBytes m_presetPin;  // Autostart: used for the first PIN request only
    QString m_autostartTarget;      // Autostart: connect once a card is read
    RelayLogView* m_relayLog = nullptr;
    QLabel* m_status = nullptr;
};

} // namespace sra::gui
