// sra-connect: authenticate to a remote machine's srad with the PIV card, from the command line.
//   sra-connect HOST[:PORT] [--known-hosts FILE] [--accept-new] [--pin-fd N] [--reader NAME] [--stay]
//               [--insert-card [--approve ask|session] [--allow-slot 9a ...]]
#include "admin-cli/ExitCodes.h"
#include "admin-cli/PinInput.h"
#include "core/card/CardErrors.h"
#include "core/remote/TlsIdentity.h"
#include "core/pcsc/ReaderMonitor.h"
#include "core/session/AdminCardRelay.h"
#include "core/session/AdminSession.h"
#include "core/session/KnownHosts.h"
#include "core/session/PcscSessionSigner.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#include <fcntl.h>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

using namespace sra::admincli;
using sra::core::AdminSession;

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
        "15 protocol error, 16 timeout, 17 disconnected, 130 cancelled."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("host"), QStringLiteral("host[:port] of the remote machine (port 4116 by default)"));
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
    });
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

    sra::core::KnownHosts knownHosts(parser.isSet(QStringLiteral("known-hosts")) ? parser.value(QStringLiteral("known-hosts"))
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

    AdminSession session(&signer, &knownHosts);
    sra::core::AdminCardRelay relay(&session, &signer, policy,
                                    approveMode == QLatin1String("session") ? sra::core::AdminCardRelay::Approval::Session
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
            say(QStringLiteral("Server identity trusted (SHA-256 %1)").arg(sra::core::formatFingerprint(session.serverFingerprint())));
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
            say(QStringLiteral("Accepted (--accept-new) and remembered in %1").arg(parser.isSet(QStringLiteral("known-hosts")) ? parser.value(QStringLiteral("known-hosts")) : sra::core::KnownHosts::defaultPath()));
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
        sra::piv::SecureBytes pin;
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
    QObject::connect(&session, &AdminSession::authenticated, &app, [&](const QString& account, const QString& sessionId) {
        std::printf("Authenticated to %s port %u as %s (session %s)\n",
                    qPrintable(session.host()),
                    session.port(),
                    qPrintable(account),
                    qPrintable(sessionId));
        std::fflush(stdout);
        if (insertCard) {
            if (auto inserted = relay.insert(); !inserted) {
                say(QStringLiteral("sra-connect: cannot insert the card: ") + sra::core::cardErrorMessage(inserted.error()));
                exitCode = exitCodeForCardError(inserted.error().code);
                session.disconnectFromServer();
                return;
            }
            monitor.start();
            std::printf("Card inserted into %s; serving its requests until Ctrl-C\n", qPrintable(session.host()));
            std::fflush(stdout);
        } else if (!parser.isSet(QStringLiteral("stay"))) {
            session.disconnectFromServer();
        }
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
                session.disconnectFromServer();
            } else {
                session.cancel();
            }
        });
        struct sigaction sa{};
        sa.sa_handler = onSignal;
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
    }

    QTimer::singleShot(0, &session, [&] { session.connectToServer(parser.positionalArguments().at(0)); });
    return QCoreApplication::exec();
}
