#include "admin-cli/ConnectCommand.h"

#include "admin-cli/ExitCodes.h"
#include "core/card/CardErrors.h"
#include "core/card/CardWorker.h"
#include "core/card/PinInput.h"
#include "core/pcsc/ReaderMonitor.h"
#include "core/session/KnownHosts.h"
#include "core/tls/Fingerprint.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace sra::admincli {

using core::AdminController;
using core::AdminSession;

namespace {

void say(const QString& line)
{
    std::fprintf(stderr, "%s\n", qPrintable(line));
}

void print(const QString& line)
{
    std::printf("%s\n", qPrintable(line));
    std::fflush(stdout);
}

int exitCodeFor(AdminSession::Failure failure, int pinTriesLeft)
{
    switch (failure) {
    case AdminSession::Failure::None:
        return kOk;
    case AdminSession::Failure::Cancelled:
        return kCancelled;
    case AdminSession::Failure::InvalidAddress:
        return kUsage;
    case AdminSession::Failure::ConnectFailed:
        return kConnectFailed;
    case AdminSession::Failure::TlsFailed:
        return kTlsFailed;
    case AdminSession::Failure::HostKeyChanged:
        return kHostKeyChanged;
    case AdminSession::Failure::HostKeyRejected:
        return kHostNotTrusted;
    case AdminSession::Failure::ServerError:
        return kServerRefused;
    case AdminSession::Failure::ProtocolError:
        return kProtocolError;
    case AdminSession::Failure::CardError:
        return pinTriesLeft == 0 ? kPinBlocked : kCardError;
    case AdminSession::Failure::Timeout:
        return kTimeout;
    case AdminSession::Failure::Disconnected:
        return kDisconnected;
    }
    return kCardError;
}

bool askYesNo(const QString& question)
{
    FILE* tty = std::fopen("/dev/tty", "r+");
    if (!tty) {
        return false;
    }
    std::fprintf(tty, "%s [yes/no] ", qPrintable(question));
    std::fflush(tty);
    char answer[16] = {};
    const bool yes = std::fgets(answer, sizeof answer, tty) && QByteArray(answer).trimmed() == "yes";
    std::fclose(tty);
    return yes;
}

} // namespace

ConnectCommand::ConnectCommand(ConnectRequest request, QObject* parent)
    : QObject(parent)
    , m_request(std::move(request))
{
    m_viewerDeadline.setSingleShot(true);
    connect(&m_viewerDeadline, &QTimer::timeout, this, [this] {
        endScreen(kScreenFailed, QStringLiteral("no VNC viewer connected before the ticket expired"));
    });
}

ConnectCommand::~ConnectCommand()
{
    if (m_ttyFd >= 0) {
        ::close(m_ttyFd);
    }
}

void ConnectCommand::setExitCode(int exitCode)
{
    if (m_exitCode == kOk) {
        m_exitCode = exitCode;
    }
}

void ConnectCommand::start()
{
    m_card = new core::CardWorker(core::CardWorker::pcsc(m_request.readerFilter), this);
    connect(m_card, &core::CardWorker::openFailed, this, [this](const base::Error& error) {
        say(QStringLiteral("sra-connect: ") + core::cardErrorMessage(error));
        Q_EMIT finished(exitCodeForCardError(error.code));
    });
    connect(m_card, &core::CardWorker::opened, this, &ConnectCommand::onCardOpened);
    m_card->open();
}

void ConnectCommand::onCardOpened()
{
    say(QStringLiteral("Card: %1 in %2").arg(m_card->info().cardholder, m_card->readerName()));
    m_controller = new AdminController(m_card, m_request.controller, this);
    AdminController* c = m_controller;

    connect(c, &AdminController::stateChanged, this, [this](AdminSession::State state) {
        const AdminSession* session = m_controller->session();
        switch (state) {
        case AdminSession::State::Connecting:
            say(QStringLiteral("Connecting to %1 port %2 ...").arg(session->host()).arg(session->port()));
            break;
        case AdminSession::State::Negotiating:
            say(QStringLiteral("Server identity trusted (SHA-256 %1)")
                    .arg(core::formatFingerprint(session->serverFingerprint())));
            break;
        case AdminSession::State::Signing:
            say(QStringLiteral("Signing the challenge with the card ..."));
            break;
        default:
            break;
        }
    });
    connect(c, &AdminController::hostAcceptedAutomatically, this, [this](const QByteArray& fingerprint) {
        say(QStringLiteral("The identity of %1 was not known yet; its SHA-256 fingerprint is\n  %2\nAccepted "
                           "(--accept-new) and remembered.")
                .arg(m_controller->host(), core::formatFingerprint(fingerprint)));
    });
    connect(c,
            &AdminController::hostDecisionNeeded,
            this,
            [this](const QString& host, quint16 port, const QByteArray& fingerprint) {
                say(QStringLiteral("The identity of %1 port %2 is not known yet.\nIts SHA-256 fingerprint is:\n  %3\n"
                                   "Compare it with the output of \"srad --fingerprint\" on the remote machine.")
                        .arg(host)
                        .arg(port)
                        .arg(core::formatFingerprint(fingerprint)));
                if (askYesNo(QStringLiteral("Do the fingerprints match?"))) {
                    m_controller->acceptHost();
                } else {
                    m_controller->rejectHost();
                }
            });
    connect(c, &AdminController::pinNeeded, this, &ConnectCommand::onPinNeeded);
    connect(c, &AdminController::signedIn, this, &ConnectCommand::onSignedIn);
    connect(c, &AdminController::cardLogin, this, [](const QString& account, const QString& detail) {
        if (account.isEmpty()) {
            print(QStringLiteral("The card logs in as no account on the remote: %1").arg(detail));
        } else {
            print(QStringLiteral("The card logs in on the remote as %1 (%2)").arg(account, detail));
        }
    });
    connect(c, &AdminController::cardInserted, this, [this] {
        m_monitor = new core::ReaderMonitor(this);
        connect(m_monitor, &core::ReaderMonitor::cardRemoved, m_controller, &AdminController::cardRemovedFrom);
        m_monitor->start();
        print(QStringLiteral("Card inserted into %1; serving its requests until Ctrl-C").arg(m_controller->host()));
    });
    connect(c, &AdminController::insertFailed, this, [this](const base::Error& error, const QString& message) {
        say(QStringLiteral("sra-connect: cannot insert the card: ") + message);
        setExitCode(exitCodeForCardError(error.code));
        m_controller->disconnectFromRemote();
    });
    connect(c, &AdminController::insertRefused, this, [](const QString& message) {
        say(QStringLiteral("sra-connect: the remote machine refused the card: ") + message);
    });
    connect(c, &AdminController::cardPulled, this, [this](const QString&) {
        say(QStringLiteral("The card was pulled: removing it from the remote machine."));
        setExitCode(kCardRemoved);
        m_reported = true;
    });
    connect(c, &AdminController::relayAuditLine, this, [](const QString& line) {
        print(QStringLiteral("Relayed: %1").arg(line));
    });
    connect(c, &AdminController::approvalNeeded, this, &ConnectCommand::onApprovalNeeded);
    connect(c, &AdminController::approvalsCleared, this, [this] { m_question = 0; });
    connect(c, &AdminController::screenGranted, this, &ConnectCommand::onScreenGranted);
    connect(c, &AdminController::screenRefused, this, [this](const QString& message) {
        endScreen(kScreenFailed, message);
    });
    connect(c, &AdminController::screenStreamReady, this, [] {
        say(QStringLiteral("Screen stream open; it ends when the viewer disconnects."));
    });
    connect(c, &AdminController::screenFailed, this, [this](const QString& message) {
        if (m_viewer) {
            m_viewer->abort();
        }
        endScreen(kScreenFailed, message);
    });
    connect(c, &AdminController::screenClosed, this, [this](const QString& reason) {
        say(reason);
        endScreen(m_viewer ? kOk : kScreenFailed, QString());
    });
    connect(c, &AdminController::failed, this, [this](AdminSession::Failure failure, const QString& message) {
        if (!m_reported) {
            say(QStringLiteral("sra-connect: ") + message);
        }
        setExitCode(exitCodeFor(failure, m_card->pinTriesLeft()));
    });
    connect(c, &AdminController::closed, this, [this] { Q_EMIT finished(m_exitCode); });

    QString error;
    if (!c->connectTo(m_request.target, &error)) {
        say(QStringLiteral("sra-connect: ") + error);
        Q_EMIT finished(kUsage);
    }
}

void ConnectCommand::onPinNeeded(int triesLeft, const QString& reason)
{
    if (!reason.isEmpty()) {
        say(reason);
        if (m_request.pinFd >= 0) {
            // A PIN from a descriptor cannot be corrected; trying it again would only spend the card's tries.
            setExitCode(kWrongPin);
            m_reported = true;
            m_controller->cancel();
            return;
        }
    }
    base::SecureBytes pin;
    QString pinError;
    const bool ok = m_request.pinFd >= 0
                        ? core::readPinFromFd(m_request.pinFd, pin, pinError)
                        : core::promptPin(triesLeft >= 0 ? QStringLiteral("PIN (%1 tries left): ").arg(triesLeft)
                                                         : QStringLiteral("PIN: "),
                                          pin,
                                          pinError);
    if (!ok) {
        say(QStringLiteral("sra-connect: ") + pinError);
        setExitCode(kUsage);
        m_controller->cancel();
        return;
    }
    m_controller->providePin(std::move(pin));
}

void ConnectCommand::onSignedIn(const QString& account, const QString& sessionId)
{
    const AdminSession* session = m_controller->session();
    print(QStringLiteral("Authenticated to %1 port %2 as %3 (session %4)")
              .arg(session->host())
              .arg(session->port())
              .arg(account, sessionId));
    switch (m_request.after) {
    case ConnectRequest::After::InsertCard:
        m_controller->insertCard();
        break;
    case ConnectRequest::After::Screen:
        m_controller->requestScreen();
        break;
    case ConnectRequest::After::Stay:
        break;
    case ConnectRequest::After::Disconnect:
        m_controller->disconnectFromRemote();
        break;
    }
}

void ConnectCommand::onApprovalNeeded(quint32 id, const QString& host, const QString& description)
{
    if (m_ttyFd < 0) {
        m_ttyFd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
        if (m_ttyFd >= 0) {
            m_ttyNotifier = new QSocketNotifier(m_ttyFd, QSocketNotifier::Read, this);
            connect(m_ttyNotifier, &QSocketNotifier::activated, this, &ConnectCommand::onTerminalInput);
        }
    }
    if (m_ttyFd < 0) {
        say(QStringLiteral("Denied (no terminal to ask; use --approve session): %1").arg(description));
        m_controller->answerApproval(id, core::ApprovalQueue::Answer::Deny);
        return;
    }
    m_question = id;
    const QByteArray question =
        QStringLiteral("%1 asks for: %2\nAllow? [yes/no/session] ").arg(host, description).toLocal8Bit();
    (void)!::write(m_ttyFd, question.constData(), static_cast<std::size_t>(question.size()));
}

void ConnectCommand::onTerminalInput()
{
    char buffer[64];
    const ssize_t n = ::read(m_ttyFd, buffer, sizeof buffer);
    if (n <= 0) {
        return;
    }
    m_ttyLine.append(buffer, n);
    while (m_ttyLine.contains('\n')) {
        const QByteArray answer = m_ttyLine.left(m_ttyLine.indexOf('\n')).trimmed();
        m_ttyLine.remove(0, m_ttyLine.indexOf('\n') + 1);
        if (m_question == 0) {
            continue;
        }
        const quint32 id = std::exchange(m_question, 0);
        using Answer = core::ApprovalQueue::Answer;
        m_controller->answerApproval(id,
                                     answer == "session" ? Answer::AllowForSession
                                     : answer == "yes"   ? Answer::Allow
                                                         : Answer::Deny);
    }
}

// --screen: one grant, one viewer on a loopback port, one tunnel; the session ends with the stream.
void ConnectCommand::onScreenGranted(const core::ScreenGrant& grant)
{
    m_vncServer = new QTcpServer(this);
    if (!m_vncServer->listen(m_request.vncAddress, m_request.vncPort)) {
        endScreen(kUsage,
                  QStringLiteral("cannot listen on %1 port %2: %3")
                      .arg(m_request.vncAddress.toString())
                      .arg(m_request.vncPort)
                      .arg(m_vncServer->errorString()));
        return;
    }
    const QString address = m_request.vncAddress.toString();
    const quint16 port = m_vncServer->serverPort();
    print(QStringLiteral("Screen of %1 ready for one VNC viewer within %2 s:\n  address  %3 port %4  (vncviewer "
                         "%3::%4)\n  password %5")
              .arg(m_controller->host())
              .arg(grant.expiresInMs / 1000)
              .arg(address)
              .arg(port)
              .arg(QString::fromLatin1(grant.password)));
    m_viewerDeadline.start(grant.expiresInMs);
    connect(m_vncServer, &QTcpServer::newConnection, this, [this] {
        QTcpSocket* next = m_vncServer->nextPendingConnection();
        if (m_viewer || !next) {
            delete next; // one viewer only
            return;
        }
        m_viewer = next;
        m_viewer->setParent(this);
        m_vncServer->close();
        m_viewerDeadline.stop();
        m_controller->openScreen(m_viewer);
    });
}

void ConnectCommand::endScreen(int exitCode, const QString& message)
{
    if (!message.isEmpty()) {
        say(QStringLiteral("sra-connect: ") + message);
    }
    setExitCode(exitCode);
    m_viewerDeadline.stop();
    if (m_vncServer) {
        m_vncServer->close();
    }
    m_controller->disconnectFromRemote();
}

void ConnectCommand::interrupt()
{
    if (!m_controller) {
        Q_EMIT finished(kCancelled);
        return;
    }
    if (m_controller->authenticated()) {
        m_controller->disconnectFromRemote();
    } else {
        m_controller->cancel();
    }
}

} // namespace sra::admincli
