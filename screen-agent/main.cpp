// sra-screen-agent: runs in the console user's desktop session and starts x11vnc on that session's display
// when srad asks (srad itself is sandboxed away from the session's X server). docs/SERVICE.md.
#include "core/base/BuildConfig.h"
#include "core/config/SradConfig.h"
#include "screen-agent/ScreenAgent.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QLockFile>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("sra-screen-agent", text);
}

// SIGTERM/SIGINT end the event loop (not the process), so every x11vnc is stopped and its files removed.
int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &byte, 1);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sra-screen-agent"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SRA_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(tr(
        "Secure Remote Access screen agent: runs in the desktop session and shares its screen with x11vnc when srad\n"
        "asks, after an admin authenticated with a smart card. Started with the session (systemd user unit\n"
        "sra-screen-agent.service, or XDG autostart). Reconnects when srad restarts.\n"
        "Exit codes: 0 stopped by a signal, 1 usage."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption socket(
        QStringLiteral("socket"),
        tr("srad's screen agent socket (default %1).").arg(QStringLiteral(SRA_AGENT_SOCKET_PATH)),
        QStringLiteral("path"),
        QStringLiteral(SRA_AGENT_SOCKET_PATH));
    const QCommandLineOption x11vnc(
        QStringLiteral("x11vnc"), tr("The x11vnc program (default: x11vnc from PATH)."), QStringLiteral("program"));
    const QCommandLineOption display(QStringLiteral("display"),
                                     tr("The X display to share (default $DISPLAY)."),
                                     QStringLiteral("display"),
                                     qEnvironmentVariable("DISPLAY"));
    parser.addOptions({socket, x11vnc, display});
    parser.process(app);

    if (!parser.positionalArguments().isEmpty()) {
        std::fprintf(stderr,
                     "sra-screen-agent: %s\n",
                     qPrintable(tr("No arguments are taken besides the options (see --help).")));
        return 1;
    }
    const QString shownDisplay = parser.value(display);
    if (!sra::core::SradConfig::isValidDisplay(shownDisplay)) {
        std::fprintf(stderr,
                     "sra-screen-agent: %s\n",
                     qPrintable(tr("\"%1\" is not an X display; give --display :N, or run the agent in the desktop "
                                   "session (where DISPLAY is set).")
                                    .arg(shownDisplay)));
        return 1;
    }

    // One agent per user and display: a session can start it twice (the user unit and the autostart entry, or
    // by hand), and two agents of one display would keep replacing each other at srad.
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    QLockFile lock((runtime.isEmpty() ? QDir::tempPath() : runtime)
                   + QStringLiteral("/sra-screen-agent-%1.lock").arg(QString(shownDisplay).remove(QLatin1Char(':'))));
    lock.setStaleLockTime(0); // a stale lock is one whose process is gone, however old
    if (!lock.tryLock(0)) {
        if (lock.error() == QLockFile::LockFailedError) {
            std::fprintf(
                stderr,
                "sra-screen-agent: %s\n",
                qPrintable(tr("an agent for display %1 is already running (%2)").arg(shownDisplay, lock.fileName())));
            return 0;
        }
        std::fprintf(
            stderr,
            "sra-screen-agent: %s\n",
            qPrintable(tr("cannot create %1; running without the single-instance check").arg(lock.fileName())));
    }

    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalPipe) == 0) {
        std::signal(SIGTERM, onSignal);
        std::signal(SIGINT, onSignal);
        std::signal(SIGHUP, onSignal);
        auto* notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &app, [] { QCoreApplication::quit(); });
    }
    std::signal(SIGPIPE, SIG_IGN);

    sra::agent::ScreenAgent::Options options;
    options.socketPath = parser.value(socket);
    options.x11vnc = parser.value(x11vnc);
    options.display = shownDisplay;
    options.version = QStringLiteral(SRA_VERSION);
    sra::agent::ScreenAgent agent(options);
    agent.start();
    return app.exec() == 0 ? 0 : 1;
}
