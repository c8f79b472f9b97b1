#pragma once

#include "core/base/Bytes.h"
#include "core/session/AdminSession.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QString>
#include <QWidget>

#include <functional>

class QComboBox;
class QCompleter;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QAbstractItemModel;

namespace sra::core {
class AdminCard;
class AdminController;
} // namespace sra::core

namespace sra::gui {

class AppSettings;
class ApprovalDialog;
class PinDialog;
class RelayLogView;
class TrustDialog;
class VncPasswordStore;
class VncView;

// One remote machine in the admin window: its connect bar, session controls, remote screen, relay log and status
// line, presenting one AdminController (the same controller sra-connect presents on a terminal). The window holds
// one tab per remote; the card is shared (the window's CardWorker serialises its work for all tabs).
//
// Every question to the user is a window-modal dialog opened with open(), answered through its finished() signal:
// no nested event loop, so every session in the window keeps being served (keepalives, relayed requests) while a
// dialog is up, and tests can drive the dialogs by object name. Every failure is shown in the tab's status line as
// the one sentence (cause and fix) the core gives for it. A dropped connection is resumed by the controller
// (docs/PROTOCOL.md, "Resuming a session"): the tab says "reconnecting", and opens the screen again once back.
// Widgets are built in RemoteTabUi.cpp, the remote screen is handled in RemoteTabScreen.cpp.
class RemoteTab : public QWidget
{
    Q_OBJECT

public:
    RemoteTab(AppSettings* settings, QWidget* parent = nullptr);
    ~RemoteTab() override;

    // The card to sign in with, nullptr while none is open; `opening`: one is being read, and a Connect now waits
    // for it. The window replaces the card only while no tab has a session.
    void setCard(core::AdminCard* card, bool opening);

    // A model of host[:port] targets for the connect bar's completer (the address book's or the history's).
    void setTargetModel(QAbstractItemModel* model);

    // Turns what was typed into host[:port] (the address book resolves a saved remote's name).
    void setTargetResolver(std::function<QString(const QString&)> resolve)
    {
        m_resolveTarget = std::move(resolve);
    }

    void setTarget(const QString& target);
    QString targetText() const; // what the connect bar shows

    // Start-up choices from the command line (gui/main.cpp), as sra-connect offers them: connect at once; trust
    // a host seen for the first time without asking (--accept-new; a changed identity is still a hard stop);
    // take the first PIN from a descriptor instead of the dialog (a wrong PIN asks as usual); share the screen
    // once authenticated.
    struct Autostart
    {
        QString target;
        bool acceptNewHost = false;
        base::SecureBytes pin;
        bool screenShare = false;
    };

    void autostart(Autostart options);

    core::AdminController* controller() const
    {
        return m_controller;
    }

    // The session of the moment (nullptr when idle), for tests.
    core::AdminSession* session() const;
    bool sessionActive() const;
    bool screenShown() const; // requested, streaming, or a direct VNC view

    // Page 0 says where the screen will appear; the VncView is added as the next page when first shown.
    QStackedWidget* remoteViewArea() const
    {
        return m_remoteViewArea;
    }

    VncView* remoteView() const
    {
        return m_remoteView;
    }

    QString statusText() const;
    // The tab's title: the remote's host (or "New remote"), with its state when not simply connected.
    QString title() const;
    // What the Remote screen menu offers for this tab's view (empty until a screen was shown).
    QList<QAction*> screenActions() const;
    void focusConnectBar();

Q_SIGNALS:
    void remoteScreenShown();
    void titleChanged();
    void activeChanged(bool active); // a session started, or ended (the window may re-read the card)
    void statusChanged(const QString& text, bool error);
    void pinTriesReported(int triesLeft);   // the card said so (a wrong PIN): the card panel shows it
    void targetUsed(const QString& target); // signed in: for the address book / history
    void screenActionsChanged();

public Q_SLOTS:
    void connectToHost();
    void cancelConnect();
    void disconnectFromHost();
    void insertCard();
    void removeCard();
    void startScreenShare();
    void openDirectVnc(VncPasswordStore* passwords);
    // Ends everything this tab holds (the window closes or the tab is closed): card out, Bye.
    void shutDown();

private:
    void buildUi();
    void connectController();
    void connectScreen();
    void setStatus(const QString& text, bool error = false);
    void updateControls();
    void onSessionState(core::AdminSession::State state);
    void onHostDecision(const QString& host, quint16 port, const QByteArray& fingerprint);
    void onPinRequested(int triesLeft, const QString& reason);
    void onAuthenticated(const QString& account, const QString& sessionId);
    void onFailed(core::AdminSession::Failure failure, const QString& message);
    void onSessionClosed();
    void onApprovalNeeded(quint32 id, const QString& host, const QString& description);
    void onReconnecting(const QString& reason, int graceMs);
    void onResumed(int downtimeMs);
    // Screen sharing: the controller's tunnel gives the view its socket; the one-time password comes with the
    // grant. The view leaves the tab when the stream or the session ends.
    void endScreenShare(const QString& reason);
    VncView* ensureRemoteView();
    void wipeScreenPassword();

    AppSettings* m_settings;
    core::AdminController* m_controller;
    core::AdminCard* m_card = nullptr;
    bool m_cardOpening = false;
    QString m_waitingTarget; // Connect while the card is still being read: connect once it is
    bool m_statusFromFailure = false;
    QString m_target;
    std::function<QString(const QString&)> m_resolveTarget;
    QPointer<TrustDialog> m_trustDialog;
    QPointer<PinDialog> m_pinDialog;
    QPointer<ApprovalDialog> m_approvalDialog;
    QComboBox* m_hostCombo = nullptr;
    QCompleter* m_completer = nullptr;
    QPushButton* m_connectButton = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_screenShareButton = nullptr;
    QPushButton* m_insertButton = nullptr;
    QPushButton* m_removeButton = nullptr;
    QPushButton* m_disconnectButton = nullptr;
    QStackedWidget* m_remoteViewArea = nullptr;
    QLabel* m_reconnectBanner = nullptr; // over the view while the connection is being resumed
    VncView* m_remoteView = nullptr;     // page 1 of m_remoteViewArea while sharing
    QString m_remoteViewTarget;          // what the view shows, for the status line
    QByteArray m_screenPassword;         // the grant's one-time VNC password until the view takes it
    bool m_reopenScreenOnResume = false; // the screen was shown when the connection dropped
    QElapsedTimer m_screenEndedAt;       // when the screen last ended while the session went on
    bool m_acceptNewHost = false;        // Autostart
    bool m_autoScreenShare = false;      // Autostart
    base::SecureBytes m_presetPin;       // Autostart: used for the first PIN request only
    RelayLogView* m_relayLog = nullptr;
    QLabel* m_status = nullptr;
};

} // namespace sra::gui
