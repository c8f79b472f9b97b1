#pragma once

#include "core/admin/AdminController.h"

#include <QByteArray>
#include <QHostAddress>
#include <QObject>
#include <QTimer>

class QSocketNotifier;
class QTcpServer;
class QTcpSocket;

namespace sra::core {
class CardWorker;
class ReaderMonitor;
} // namespace sra::core

namespace sra::admincli {

// What `sra-connect` was asked to do, from its command line.
struct ConnectRequest
{
    enum class After
    {
        Disconnect, // end the session once authenticated
        Stay,       // until Ctrl-C
        InsertCard, // serve the remote's card requests until Ctrl-C
        Screen,     // one VNC viewer on a loopback port, then exit
    };

    QString target;
    QString readerFilter;
    core::AdminController::Options controller;
    After after = After::Disconnect;
    int pinFd = -1; // -1: ask on the terminal
    QHostAddress vncAddress;
    quint16 vncPort = 0;
};

// sra-connect's presentation of the AdminController on a terminal: progress on stderr, results on stdout, the
// host decision, PIN and approval questions on /dev/tty (answers read as they come, so the session keeps serving
// keepalives and the remote while the admin thinks), and one exit code for the outcome (ExitCodes.h).
class ConnectCommand : public QObject
{
    Q_OBJECT

public:
    explicit ConnectCommand(ConnectRequest request, QObject* parent = nullptr);
    ~ConnectCommand() override;

    // Opens the card, then connects. finished(exitCode) when all is over.
    void start();
    // Ctrl-C / SIGTERM: an orderly end (card removed from the remote, Bye), or cancel before sign-in.
    void interrupt();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void onCardOpened();
    void onSignedIn(const QString& account, const QString& sessionId);
    void onPinNeeded(int triesLeft, const QString& reason);
    void onApprovalNeeded(quint32 id, const QString& host, const QString& description);
    void onTerminalInput();
    void onScreenGranted(const core::ScreenGrant& grant);
    void endScreen(int exitCode, const QString& message);
    void setExitCode(int exitCode);

    ConnectRequest m_request;
    core::CardWorker* m_card = nullptr;
    core::AdminController* m_controller = nullptr;
    core::ReaderMonitor* m_monitor = nullptr;
    int m_exitCode = 0;
    bool m_reported = false; // the reason was printed already; the resulting cancel needs no second line

    int m_ttyFd = -1;
    QSocketNotifier* m_ttyNotifier = nullptr;
    QByteArray m_ttyLine;
    quint32 m_question = 0; // the approval asked on the terminal, 0 when none

    QTcpServer* m_vncServer = nullptr;
    QTcpSocket* m_viewer = nullptr;
    QTimer m_viewerDeadline;
};

} // namespace sra::admincli
