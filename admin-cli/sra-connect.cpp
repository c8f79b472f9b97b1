// sra-connect: authenticate to a remote machine's srad with the PIV card, from the command line.
//   sra-connect HOST[:PORT] [--known-hosts FILE] [--accept-new] [--pin-fd N] [--reader NAME] [--stay]
//               [--insert-card [--approve ask|session] [--allow-slot 9a ...]]
//               [--screen [--vnc-listen 127.0.0.1:PORT]]
// The work is AdminController's, presented on the terminal by ConnectCommand; this file reads the command line.
#include "admin-cli/ConnectCommand.h"
#include "admin-cli/ExitCodes.h"
#include "core/base/BuildConfig.h"
#include "core/piv/PivObjects.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

using namespace sra::admincli;

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

// ADDRESS:PORT with port 0 allowed (a free port); parseHostPort is for servers and refuses 0. The viewer's side
// is unencrypted RFB: it must never leave this machine, so only loopback addresses are taken.
bool parseLoopbackListen(const QString& listen, QHostAddress& address, quint16& port)
{
    const qsizetype colon = listen.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const uint value = colon < 0 ? 0 : listen.mid(colon + 1).toUInt(&portOk);
    QString host = colon < 0 ? QString() : listen.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']'))) {
        host = host.mid(1, host.size() - 2);
    }
    if (!portOk || value > 65535 || !address.setAddress(host) || !address.isLoopback()) {
        return false;
    }
    port = static_cast<quint16>(value);
    return true;
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
    auto isSet = [&](const char* name) { return parser.isSet(QString::fromLatin1(name)); };
    auto value = [&](const char* name) { return parser.value(QString::fromLatin1(name)); };

    ConnectRequest request;
    request.target = parser.positionalArguments().at(0);
    request.readerFilter = value("reader");
    request.controller.knownHostsFile = value("known-hosts");
    request.controller.acceptNewHost = isSet("accept-new");
    request.controller.networkTimeoutMs = std::max(1, value("timeout").toInt()) * 1000;
    if (isSet("pin-fd")) {
        bool ok = false;
        request.pinFd = value("pin-fd").toInt(&ok);
        if (!ok || request.pinFd < 0) {
            say(QStringLiteral("sra-connect: --pin-fd takes a file descriptor number"));
            return kUsage;
        }
    }
    const QString approveMode = value("approve");
    if (approveMode != QLatin1String("ask") && approveMode != QLatin1String("session")) {
        say(QStringLiteral("sra-connect: --approve must be ask or session"));
        return kUsage;
    }
    request.controller.approval = approveMode == QLatin1String("session") ? sra::core::AdminCardRelay::Approval::Session
                                                                          : sra::core::AdminCardRelay::Approval::Ask;
    if (isSet("allow-slot")) {
        request.controller.relayPolicy.allowedSlots.clear();
        for (const QString& slot : parser.values(QStringLiteral("allow-slot"))) {
            bool ok = false;
            const uint slotValue = slot.toUInt(&ok, 16);
            if (!ok || slotValue > 0xFF || !sra::piv::findPivKeySlot(static_cast<std::uint8_t>(slotValue))) {
                say(QStringLiteral("sra-connect: --allow-slot takes 9a, 9c, 9d or 9e"));
                return kUsage;
            }
            request.controller.relayPolicy.allowedSlots.insert(static_cast<std::uint8_t>(slotValue));
        }
    }
    if (isSet("screen") && isSet("insert-card")) {
        say(QStringLiteral("sra-connect: give either --screen or --insert-card"));
        return kUsage;
    }
    if (isSet("screen")) {
        request.after = ConnectRequest::After::Screen;
        if (!parseLoopbackListen(value("vnc-listen"), request.vncAddress, request.vncPort)) {
            say(QStringLiteral("sra-connect: --vnc-listen takes a loopback address and port, e.g. 127.0.0.1:5901"));
            return kUsage;
        }
    } else if (isSet("insert-card")) {
        request.after = ConnectRequest::After::InsertCard;
    } else if (isSet("stay")) {
        request.after = ConnectRequest::After::Stay;
    }

    ConnectCommand command(std::move(request));
    QObject::connect(&command, &ConnectCommand::finished, &app, [](int exitCode) { QCoreApplication::exit(exitCode); });

    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalPipe) == 0) {
        auto* notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &command, [&command] {
            char s = 0;
            (void)!::read(g_signalPipe[0], &s, 1);
            command.interrupt();
        });

        struct sigaction sa
        {};

        sa.sa_handler = onSignal;
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
    }

    QTimer::singleShot(0, &command, &ConnectCommand::start);
    return QCoreApplication::exec();
}
