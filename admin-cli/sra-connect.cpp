// sra-connect: authenticate to a remote machine's srad with the PIV card, from the command line.
//   sra-connect HOST[:PORT] [--known-hosts FILE] [--accept-new] [--pin-fd N] [--reader NAME] [--stay]
//               [--insert-card [--approve ask|session] [--allow-slot 9a ...]]
//               [--screen [--vnc-listen 127.0.0.1:PORT]]
#include "admin-cli/ExitCodes.h"
#include "core/card/CardErrors.h"
#include "core/card/PinInput.h"
#include "core/pcsc/ReaderMonitor.h"
#include "core/session/AdminCardRelay.h"
#include "core/session/AdminSession.h"
#include "core/session/KnownHosts.h"
#include "core/session/PcscSessionSigner.h"
#include "core/session/ScreenTunnel.h"
#include "core/tls/Fingerprint.h"
#include "core/tls/HostPort.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace sra::admincli;
using sra::core::AdminSession;
using sra::core::promptPin;
using sra::core::readPinFromFd;

namespace {
int g_signalPipe[2] = {-1, -1};

void onSignal(int signal)
{
    const char s = static_cast<char>(signal);
    (void)!::write(g_signalPipe[1], &s, 1);
}

void say(const QString& line)
{
    std::fprintf(stderr, "%s\n", qPrintable(line));
}

int exitCodeFor(AdminSession::Failure failure, const AdminSession& session)
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
        return session.pinTriesLeft() == 0 ? kPinBlocked : kCardError;
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

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sra-connect"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SRA_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Authenticates to srad on a remote machine with the PIV card in this machine's reader.\n"
        "Exit codes: 0 authenticated, 1 usage, 2-8 card (see sra-card --help), 10 cannot connect,\n"
        "11 TLS failed, 12 server identity changed, 13 server identity not accepted, 14 refused by the server,\n"
        "15 protocol error, 16 timeout, 17 disconnected, 18 screen sharing refused or failed, 130 cancelled."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("host"),
                                 QStringLiteral("host[:port] of the remote machine (port 4116 by default)"));
    // clang-format 14 crashes aligning this table (AlignArrayOfStructures with rows of 2 to 4 cells).
    // clang-format off
    parser.addOptions({
        {QStringLiteral("known-hosts"), QStringLiteral("Known-hosts file (default ~/.config/secure-remote-access/known_hosts)."), QStringLiteral("file")},
        {QStringLiteral("accept-new"), QStringLiteral("Accept and remember an unknown server identity without asking (never a changed one).")},
        {QStringLiteral("pin-fd"), QStringLiteral("Read the PIN from this file descriptor instead of the terminal."), QStringLiteral("n")},
        {QStringLiteral("reader"), QStringLiteral("Use the reader whose name contains this text."), QStringLiteral("name")},
        {QStringLiteral("stay"), QStringLiteral("Keep the session open until Ctrl-C instead of ending it after authentication.")},
        {QStringLiteral("timeout"), QStringLiteral("Seconds to wait for the network at each step."), QStringLiteral("s"), QStringLiteral("20")},
        {QStringLiteral("insert-card"), QStringLiteral("After authenticating, insert the card into the remote machine and serve its PIN checks and signatures until Ctrl-C.")},
        {QStringLiteral("approve"), QStringLiteral("With --insert-card: ask before each relayed operation (ask) or allow them for this session (session)."), QStringLiteral("mode"), QStringLiteral("ask")},
        {QStringLiteral("allow-slot"), QStringLiteral("With --insert-card: a key slot the remote may use (repeatable; default 9a)."), QStringLiteral("slot")},
        {QStringLiteral("screen"), QStringLiteral("After authenticating, share the remote screen: prints a one-time VNC password and serves the stream on a loopback port for one VNC viewer, then exits.")},
        {QStringLiteral("vnc-listen"), QStringLiteral("With --screen: the loopback address and port for the viewer (default 127.0.0.1:0, a free port)."), QStringLiteral("addr:port"), QStringLiteral("127.0.0.1:0")},
    });
    // clang-format on
    parser.process(app);
    if (parser.positionalArguments().size() != 1) {
        say(QStringLiteral("sra-connect: give exactly one host[:port]; see --help"));
        return kUsage;
    }

    sra::core::PcscSessionSigner signer;
    if (auto opened = signer.open(parser.value(QStringLiteral("reader"))); !opened) {
        say(QStringLiteral("sra-connect: ") + sra::core::cardErrorMessage(opened.error()));
        return exitCodeForCardError(opened.error().code);
    }
    say(QStringLiteral("Card: %1 in %2").arg(signer.cardInfo().cardholder, signer.readerName()));

    sra::core::KnownHosts knownHosts(parser.isSet(QStringLiteral("known-hosts"))
                                         ? parser.value(QStringLiteral("known-hosts"))
                                         : sra::core::KnownHosts::defaultPath());
    QString error;
    int damaged = 0;
    if (!knownHosts.load(&error, &damaged)) {
        say(QStringLiteral("sra-connect: ") + error);
        return kUsage;
    }
    if (damaged > 0 && parser.isSet(QStringLiteral("accept-new"))) {
        // A damaged line may have pinned this very host; accepting "new" identities then would defeat the pin.
        say(QStringLiteral("sra-connect: %1 line(s) of the known hosts file cannot be read; fix or remove them before "
                           "using --accept-new.")
                .arg(damaged));
        return kUsage;
    }

    int exitCode = kOk;
    const bool insertCard = parser.isSet(QStringLiteral("insert-card"));
    const QString approveMode = parser.value(QStringLiteral("approve"));
    if (approveMode != QLatin1String("ask") && approveMode != QLatin1String("session")) {
        say(QStringLiteral("sra-connect: --approve must be ask or session"));
        return kUsage;
    }
    sra::core::RelayPolicy policy;
    if (parser.isSet(QStringLiteral("allow-slot"))) {
        policy.allowedSlots.clear();
        for (const QString& slot : parser.values(QStringLiteral("allow-slot"))) {
            bool ok = false;
            const uint value = slot.toUInt(&ok, 16);
            if (!ok || !sra::piv::findPivKeySlot(static_cast<std::uint8_t>(value)) || value > 0xFF) {
                say(QStringLiteral("sra-connect: --allow-slot takes 9a, 9c, 9d or 9e"));
                return kUsage;
            }
            policy.allowedSlots.insert(static_cast<std::uint8_t>(value));
        }
    }

    const bool screen = parser.isSet(QStringLiteral("screen"));
    QHostAddress vncAddress;
    quint16 vncPort = 0;
    if (screen) {
        // ADDRESS:PORT with port 0 allowed (a free port); parseHostPort is for servers and refuses 0.
        const QString listen = parser.value(QStringLiteral("vnc-listen"));
        const int colon = listen.lastIndexOf(QLatin1Char(':'));
        bool portOk = false;
        const uint port = colon < 0 ? 0 : listen.mid(colon + 1).toUInt(&portOk);
        QString host = colon < 0 ? QString() : listen.left(colon);
        if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']'))) {
            host = host.mid(1, host.size() - 2);
        }
        // The viewer's side is unencrypted RFB: it must never leave this machine.
        if (!portOk || port > 65535 || !vncAddress.setAddress(host) || !vncAddress.isLoopback()) {
            say(QStringLiteral("sra-connect: --vnc-listen takes a loopback address and port, e.g. 127.0.0.1:5901"));
            return kUsage;
        }
        vncPort = static_cast<quint16>(port);
    }
    if (screen && insertCard) {
        say(QStringLiteral("sra-connect: give either --screen or --insert-card"));
        return kUsage;
    }

    AdminSession session(&signer, &knownHosts);
    sra::core::AdminCardRelay relay(&session,
                                    &signer,
                                    policy,
                                    approveMode == QLatin1String("session")
                                        ? sra::core::AdminCardRelay::Approval::Session
                                        : sra::core::AdminCardRelay::Approval::Ask);
    QObject::connect(&relay, &sra::core::AdminCardRelay::relayed, &app, [](const QString& line) {
        std::printf("Relayed: %s\n", qPrintable(line));
        std::fflush(stdout);
    });

    // Approval questions go to the terminal one at a time; the answer is read when it comes (a socket notifier
    // on the terminal), so the session keeps serving keepalives and the remote while the admin thinks.
    struct Question
    {
        quint32 id;
        QString what;
    };

    QList<Question> questions;
    const int ttyFd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    QSocketNotifier* ttyNotifier = nullptr;
    QByteArray ttyLine;
    auto askNext = [&] {
        if (!questions.isEmpty()) {
            const QByteArray q = QStringLiteral("The remote machine asks for: %1\nAllow? [yes/no/session] ")
                                     .arg(questions.first().what)
                                     .toLocal8Bit();
            (void)!::write(ttyFd, q.constData(), static_cast<std::size_t>(q.size()));
        }
    };
    if (ttyFd >= 0) {
        ttyNotifier = new QSocketNotifier(ttyFd, QSocketNotifier::Read, &app);
        QObject::connect(ttyNotifier, &QSocketNotifier::activated, &app, [&] {
            char buffer[64];
            const ssize_t n = ::read(ttyFd, buffer, sizeof buffer);
            if (n <= 0) {
                return;
            }
            ttyLine.append(buffer, n);
            while (ttyLine.contains('\n')) {
                const QByteArray answer = ttyLine.left(ttyLine.indexOf('\n')).trimmed();
                ttyLine.remove(0, ttyLine.indexOf('\n') + 1);
                if (questions.isEmpty()) {
                    continue;
                }
                const Question q = questions.takeFirst();
                relay.approve(q.id, answer == "yes" || answer == "session", answer == "session");
                askNext();
            }
        });
    }
    QObject::connect(&relay, &sra::core::AdminCardRelay::approvalNeeded, &app, [&](quint32 id, const QString& what) {
        if (ttyFd < 0) {
            say(QStringLiteral("Denied (no terminal to ask; use --approve session): %1").arg(what));
            relay.approve(id, false);
            return;
        }
        questions.append({id, what});
        if (questions.size() == 1) {
            askNext();
        }
    });
    // The admin's card leaving the reader takes the virtual card off the remote at once.
    sra::core::ReaderMonitor monitor;
    QObject::connect(&monitor, &sra::core::ReaderMonitor::cardRemoved, &app, [&](const QString& reader) {
        if (reader == signer.readerName() && relay.inserted()) {
            say(QStringLiteral("The card was pulled: removing it from the remote machine."));
            relay.remove(QStringLiteral("the admin's card was pulled"));
            exitCode = kCardRemoved;
            session.disconnectFromServer();
        }
    });
    session.setNetworkTimeout(std::max(1, parser.value(QStringLiteral("timeout")).toInt()) * 1000);
    bool reported = false; // the reason was printed already; the resulting cancel needs no second line
    const bool pinFromFd = parser.isSet(QStringLiteral("pin-fd"));
    const int pinFd = parser.value(QStringLiteral("pin-fd")).toInt();

    QObject::connect(&session, &AdminSession::stateChanged, &app, [&](AdminSession::State state) {
        switch (state) {
        case AdminSession::State::Connecting:
            say(QStringLiteral("Connecting to %1 port %2 ...").arg(session.host()).arg(session.port()));
            break;
        case AdminSession::State::Negotiating:
            say(QStringLiteral("Server identity trusted (SHA-256 %1)")
                    .arg(sra::core::formatFingerprint(session.serverFingerprint())));
            break;
        case AdminSession::State::Signing:
            say(QStringLiteral("Signing the challenge with the card ..."));
            break;
        default:
            break;
        }
    });
    QObject::connect(&session, &AdminSession::hostDecisionNeeded, &app, [&](const QByteArray& fingerprint) {
        const QString fp = sra::core::formatFingerprint(fingerprint);
        say(QStringLiteral("The identity of %1 port %2 is not known yet.\nIts SHA-256 fingerprint is:\n  %3\n"
                           "Compare it with the output of \"srad --fingerprint\" on the remote machine.")
                .arg(session.host())
                .arg(session.port())
                .arg(fp));
        if (parser.isSet(QStringLiteral("accept-new"))) {
            say(QStringLiteral("Accepted (--accept-new) and remembered in %1")
                    .arg(parser.isSet(QStringLiteral("known-hosts")) ? parser.value(QStringLiteral("known-hosts"))
                                                                     : sra::core::KnownHosts::defaultPath()));
            session.acceptHost();
        } else if (askYesNo(QStringLiteral("Do the fingerprints match?"))) {
            session.acceptHost();
        } else {
            session.rejectHost();
        }
    });
    QObject::connect(&session, &AdminSession::pinRequested, &app, [&](int triesLeft, const QString& reason) {
        if (!reason.isEmpty()) {
            say(reason);
            if (pinFromFd) {
                // A PIN from a descriptor cannot be corrected; trying it again would only spend the card's tries.
                exitCode = kWrongPin;
                reported = true;
                session.cancel();
                return;
            }
        }
        sra::base::SecureBytes pin;
        QString pinError;
        const bool ok = pinFromFd ? readPinFromFd(pinFd, pin, pinError)
                                  : promptPin(triesLeft >= 0 ? QStringLiteral("PIN (%1 tries left): ").arg(triesLeft)
                                                             : QStringLiteral("PIN: "),
                                              pin,
                                              pinError);
        if (!ok) {
            say(QStringLiteral("sra-connect: ") + pinError);
            exitCode = kUsage;
            session.cancel();
            return;
        }
        session.providePin(std::move(pin));
    });
    // Which account the inserted card logs in as on the remote (srad's answer to InsertCard).
    QObject::connect(&session, &AdminSession::cardLogin, &app, [](const QString& account, const QString& detail) {
        if (account.isEmpty()) {
            std::printf("The card logs in as no account on the remote: %s\n", qPrintable(detail));
        } else {
            std::printf("The card logs in on the remote as %s (%s)\n", qPrintable(account), qPrintable(detail));
        }
        std::fflush(stdout);
    });
    // srad refused the card's objects: nothing was inserted there; the session (and a screen) goes on.
    QObject::connect(&session, &AdminSession::cardRefused, &app, [](sra::wire::ErrorCode, const QString& message) {
        std::fprintf(stderr, "sra-connect: %s\n", qPrintable(message));
    });
    QObject::connect(
        &session, &AdminSession::authenticated, &app, [&](const QString& account, const QString& sessionId) {
            std::printf("Authenticated to %s port %u as %s (session %s)\n",
                        qPrintable(session.host()),
                        session.port(),
                        qPrintable(account),
                        qPrintable(sessionId));
            std::fflush(stdout);
            if (insertCard) {
                if (auto inserted = relay.insert(); !inserted) {
                    say(QStringLiteral("sra-connect: cannot insert the card: ")
                        + sra::core::cardErrorMessage(inserted.error()));
                    exitCode = exitCodeForCardError(inserted.error().code);
                    session.disconnectFromServer();
                    return;
                }
                monitor.start();
                std::printf("Card inserted into %s; serving its requests until Ctrl-C\n", qPrintable(session.host()));
                std::fflush(stdout);
            } else if (screen) {
                session.requestScreen();
            } else if (!parser.isSet(QStringLiteral("stay"))) {
                session.disconnectFromServer();
            }
        });

    // --screen: one grant, one viewer on a loopback port, one tunnel; the session ends with the stream.
    sra::core::ScreenGrant grant;
    QTcpServer vncServer;
    QTcpSocket* viewer = nullptr;
    sra::core::ScreenTunnel tunnel;
    QTimer viewerDeadline;
    viewerDeadline.setSingleShot(true);
    auto endScreen = [&](int code, const QString& message) {
        if (!message.isEmpty()) {
            say(QStringLiteral("sra-connect: ") + message);
        }
        if (exitCode == kOk) {
            exitCode = code;
        }
        grant.wipe();
        vncServer.close();
        session.disconnectFromServer();
    };
    QObject::connect(&session, &AdminSession::screenRefused, &app, [&](sra::wire::ErrorCode, const QString& message) {
        endScreen(kScreenFailed, message);
    });
    QObject::connect(&session, &AdminSession::screenEnded, &app, [&](const QString& reason) {
        // srad's VNC server is gone; the tunnel (if any) closes by itself, and so does the session.
        if (tunnel.state() != sra::core::ScreenTunnel::State::Open) {
            endScreen(viewer ? kOk : kScreenFailed, QStringLiteral("the remote screen ended: ") + reason);
        }
    });
    QObject::connect(&session, &AdminSession::screenGranted, &app, [&](const sra::core::ScreenGrant& granted) {
        grant = granted;
        if (!vncServer.listen(vncAddress, vncPort)) {
            endScreen(kUsage,
                      QStringLiteral("cannot listen on %1 port %2: %3")
                          .arg(vncAddress.toString())
                          .arg(vncPort)
                          .arg(vncServer.errorString()));
            return;
        }
        std::printf("Screen of %s ready for one VNC viewer within %d s:\n  address  %s port %u  (vncviewer %s::%u)\n"
                    "  password %s\n",
                    qPrintable(session.host()),
                    grant.expiresInMs / 1000,
                    qPrintable(vncAddress.toString()),
                    vncServer.serverPort(),
                    qPrintable(vncAddress.toString()),
                    vncServer.serverPort(),
                    grant.password.constData());
        std::fflush(stdout);
        viewerDeadline.start(grant.expiresInMs);
    });
    QObject::connect(&viewerDeadline, &QTimer::timeout, &app, [&] {
        endScreen(kScreenFailed, QStringLiteral("no VNC viewer connected before the ticket expired"));
    });
    QObject::connect(&vncServer, &QTcpServer::newConnection, &app, [&] {
        QTcpSocket* next = vncServer.nextPendingConnection();
        if (viewer || !next) {
            delete next; // one viewer only
            return;
        }
        viewer = next;
        viewer->setParent(&app);
        vncServer.close();
        viewerDeadline.stop();
        tunnel.setViewerDevice(viewer);
        tunnel.open(session, grant);
        grant.wipe();
    });
    QObject::connect(&tunnel, &sra::core::ScreenTunnel::ready, &app, [&] {
        say(QStringLiteral("Screen stream open; it ends when the viewer disconnects."));
    });
    QObject::connect(
        &tunnel, &sra::core::ScreenTunnel::failed, &app, [&](sra::core::ScreenTunnel::Failure, const QString& message) {
            if (viewer) {
                viewer->abort();
            }
            endScreen(kScreenFailed, message);
        });
    QObject::connect(&tunnel, &sra::core::ScreenTunnel::closed, &app, [&](const QString& reason) {
        say(reason);
        endScreen(kOk, QString());
    });
    QObject::connect(&session, &AdminSession::failed, &app, [&](AdminSession::Failure failure, const QString& message) {
        if (!reported) {
            say(QStringLiteral("sra-connect: ") + message);
        }
        if (exitCode == kOk) {
            exitCode = exitCodeFor(failure, session);
        }
    });
    QObject::connect(&session, &AdminSession::closed, &app, [&] { QCoreApplication::exit(exitCode); });

    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalPipe) == 0) {
        auto* notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &app, [&] {
            char s = 0;
            (void)!::read(g_signalPipe[0], &s, 1);
            if (session.state() == AdminSession::State::Authenticated) {
                relay.remove(QStringLiteral("the admin ended the session"));
                tunnel.close();
                session.disconnectFromServer();
            } else {
                session.cancel();
            }
        });

        struct sigaction sa
        {};

        sa.sa_handler = onSignal;
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
    }

    QTimer::singleShot(0, &session, [&] { session.connectToServer(parser.positionalArguments().at(0)); });
    return QCoreApplication::exec();
}
