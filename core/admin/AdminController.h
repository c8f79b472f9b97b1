#pragma once

#include "core/admin/ApprovalQueue.h"
#include "core/relay/RelayPolicy.h"
#include "core/session/AdminCardRelay.h"
#include "core/session/AdminSession.h"
#include "core/session/ScreenGrant.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>

class QIODevice;

namespace sra::core {

class AdminCard;
class KnownHosts;
class ScreenTunnel;

// Everything the admin does with one remote machine, without widgets, for the window and for sra-connect alike:
// connect, trust on first use, sign in with the card, insert and remove the card with the approval rules
// (ApprovalQueue), react to the card being pulled, and share the screen through the tunnel. The front-ends only
// present it: they answer hostDecisionNeeded(), pinNeeded() and approvalNeeded(), and show the rest.
//
// One controller is one session at a time; after closed() it may connect again. The card is shared (it may serve
// several controllers) and must outlive the controller.
class AdminController : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString knownHostsFile;  // empty: KnownHosts::defaultPath()
        RelayPolicy relayPolicy; // the allow-list, checked again here where the card is
        AdminCardRelay::Approval approval = AdminCardRelay::Approval::Ask;
        bool acceptNewHost = false; // trust an unknown identity without asking (never a changed one)
        int networkTimeoutMs = 20000;
        int approvalTimeoutMs = 30000; // srad's [relay] request_timeout_ms: a later answer is too late
    };

    AdminController(AdminCard* card, Options options, QObject* parent = nullptr);
    ~AdminController() override;

    // Between sessions: the card to use (the window replaces it when the admin changes cards) and the options.
    void setCard(AdminCard* card);
    void setOptions(Options options);

    // Starts a session. False, with a sentence in `error` and nothing started, when `target` is not host[:port],
    // no card is open, a session is active, the known hosts cannot be read, or acceptNewHost is asked for while
    // some of their lines cannot be read (a damaged line may have pinned this very host).
    bool connectTo(const QString& target, QString* error);
    void acceptHost();
    void rejectHost();
    void providePin(base::SecureBytes pin); // consumed and wiped
    void cancel();                          // before Authenticated: abort
    void disconnectFromRemote();            // removes the card first, then an orderly Bye

    // Insert card: cardInserted() or insertFailed(). Remove: the card leaves the remote at once.
    void insertCard();
    void removeCard(const QString& reason);
    void answerApproval(quint32 id, ApprovalQueue::Answer answer);

    // The admin's card left `reader`: an inserted card leaves the remote and the session ends; a sign-in in
    // progress is cancelled. cardPulled() says which happened.
    void cardRemovedFrom(const QString& reader);

    // Screen Share: screenGranted() with the one-time password (or screenRefused()); then openScreen() starts the
    // tunnel — bridged to `viewer` when given (an external viewer's connection), else screenStreamReady() hands
    // over the viewer's socket descriptor. screenClosed() when it ends, however.
    bool requestScreen();
    void openScreen(QIODevice* viewer = nullptr);
    void closeScreen();

    AdminSession* session() const
    {
        return m_session;
    }

    AdminSession::State state() const;
    bool active() const; // a session exists and is not Closed
    bool authenticated() const;
    bool reconnecting() const;         // the connection dropped; the session is being taken up again (AdminSession)
    bool cardInsertedInRemote() const; // also while reconnecting: srad holds the card for its grace period
    bool sharingScreen() const;        // requested, granted or streaming
    QString host() const;              // of the current or last session
    // What names this remote to the admin: the host, with the port when it is not 4116 (two remotes behind one
    // address differ by port only). The approval questions carry it.
    QString remoteName() const;

    const ApprovalQueue& approvals() const
    {
        return m_approvals;
    }

Q_SIGNALS:
    void stateChanged(sra::core::AdminSession::State state);
    void hostDecisionNeeded(const QString& host, quint16 port, const QByteArray& sha256Fingerprint);
    void hostAcceptedAutomatically(const QByteArray& sha256Fingerprint);
    void pinNeeded(int triesLeft, const QString& reason);
    void signedIn(const QString& account, const QString& sessionId);
    void failed(sra::core::AdminSession::Failure failure, const QString& message);
    void closed();
    // The connection dropped and the session is being resumed (no PIN, no card): srad keeps the card inserted
    // for graceMs. resumed() when it is back; else failed() and closed() as for any drop.
    void connectionLost(const QString& reason, int graceMs);
    void resumed(int downtimeMs);

    void cardInserted();
    void insertFailed(const sra::base::Error& error, const QString& message);
    void insertRefused(const QString& message); // srad refused the card's contents (CardRefused)
    void cardRemoved();
    void cardPulled(const QString& message); // the admin's card left its reader during the session
    void cardLogin(const QString& account, const QString& detail);
    // The question to show now (one at a time); approvalsCleared() when the open ones became moot.
    void approvalNeeded(quint32 id, const QString& host, const QString& description);
    void approvalsCleared();
    void relayFinished(const sra::core::RelayLogEntry& entry); // for the window's log
    void relayAuditLine(const QString& line);                  // the same as the audit log's line

    void screenGranted(const sra::core::ScreenGrant& grant);
    void screenRefused(const QString& message);
    void screenStreamReady(int viewerFd); // -1 when bridged to a viewer device
    void screenFailed(const QString& message);
    void screenClosed(const QString& reason);

private:
    void onApprovalNeeded(quint32 id, const QString& description, bool alwaysAsk);
    void showCurrentApproval();
    void clearApprovals();
    void onSessionClosed();
    void endScreen();

    AdminCard* m_card;
    Options m_options;
    std::unique_ptr<KnownHosts> m_knownHosts;
    QPointer<AdminSession> m_session;
    QPointer<AdminCardRelay> m_relay;
    QPointer<ScreenTunnel> m_tunnel;
    ApprovalQueue m_approvals;
    ScreenGrant m_grant; // between screenGranted() and openScreen(); wiped however the share ends
    bool m_screenRequested = false;
    QString m_host;
};

} // namespace sra::core
