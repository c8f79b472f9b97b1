// secure-remote-access: the admin window (card, connect, PIN, insert card, screen, preferences). See
// gui/MainWindow.h.
#include "core/base/BuildConfig.h"
#include "core/card/PinInput.h"
#include "core/tls/Fingerprint.h"
#include "gui/AppSettings.h"
#include "gui/MainWindow.h"
#include "gui/Translator.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QScreen>
#include <QTimer>

#include <cstdio>
#include <cstring>
#include <memory>

namespace {
// --help and --version must work without a display (packaging checks, man page tests, ssh sessions), and a
// QApplication aborts without one: those two are answered by a core application.
bool wantsOnlyHelpOrVersion(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        for (const char* option : {"-h", "--help", "-?", "--help-all", "-v", "--version"}) {
            if (std::strcmp(argv[i], option) == 0) {
                return true;
            }
        }
    }
    return false;
}
} // namespace

int main(int argc, char** argv)
{
    std::unique_ptr<QCoreApplication> application = wantsOnlyHelpOrVersion(argc, argv)
                                                        ? std::make_unique<QCoreApplication>(argc, argv)
                                                        : std::make_unique<QApplication>(argc, argv);
    QCoreApplication& app = *application;
    QCoreApplication::setApplicationName(QStringLiteral("secure-remote-access"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SRA_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Secure Remote Access: authenticate to a remote machine with your PIV card, see and control its screen, and "
        "insert your card there."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption settingsFile(QStringLiteral("settings"),
                                          QStringLiteral("Use this settings file instead of the user's."),
                                          QStringLiteral("file"));
    const QCommandLineOption knownHosts(
        QStringLiteral("known-hosts"),
        QStringLiteral("Known-hosts file (default ~/.config/secure-remote-access/known_hosts)."),
        QStringLiteral("file"));
    const QCommandLineOption root(
        QStringLiteral("root"),
        QStringLiteral("Read this machine's license under DIR instead of / (as sra-setup --root)."),
        QStringLiteral("dir"));
    const QCommandLineOption language(QStringLiteral("language"),
                                      QStringLiteral("en or de (default: Preferences, else the system's)."),
                                      QStringLiteral("code"));
    const QCommandLineOption connectTo(
        QStringLiteral("connect"), QStringLiteral("Connect to host[:port] at start."), QStringLiteral("host[:port]"));
    const QCommandLineOption acceptNew(QStringLiteral("accept-new"),
                                       QStringLiteral("Trust a host seen for the first time without asking (a changed "
                                                      "identity still stops the connection)."));
    const QCommandLineOption pinFd(
        QStringLiteral("pin-fd"),
        QStringLiteral("Read the first PIN from file descriptor N (up to a newline) instead of "
                       "asking."),
        QStringLiteral("N"));
    const QCommandLineOption screenShare(QStringLiteral("screen-share"),
                                         QStringLiteral("Show the remote screen once authenticated."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Once the remote screen shows, save a picture of the window to "
                                                       "FILE and quit."),
                                        QStringLiteral("file"));
    parser.addOptions({settingsFile, knownHosts, root, language, connectTo, acceptNew, pinFd, screenShare, screenshot});
    parser.process(app); // answers --help/--version and exits

    QApplication::setApplicationDisplayName(QStringLiteral("Secure Remote Access"));
    QApplication::setDesktopFileName(QStringLiteral("secure-remote-access"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/secure-remote-access.svg")));

    sra::gui::AppSettings* settings = parser.isSet(settingsFile)
                                          ? new sra::gui::AppSettings(parser.value(settingsFile), &app)
                                          : new sra::gui::AppSettings(&app);
    if (parser.isSet(knownHosts)) {
        settings->overrideKnownHostsFile(parser.value(knownHosts));
    }
    if (parser.isSet(root)) {
        settings->overrideSradRoot(parser.value(root));
    }

    sra::gui::Translator translator(&app);
    translator.install(parser.isSet(language) ? parser.value(language) : settings->language());

    sra::gui::MainWindow::Autostart autostart;
    autostart.target = parser.value(connectTo);
    autostart.acceptNewHost = parser.isSet(acceptNew);
    autostart.screenShare = parser.isSet(screenShare) || parser.isSet(screenshot);
    if (parser.isSet(pinFd)) {
        QString error;
        bool isNumber = false;
        const int fd = parser.value(pinFd).toInt(&isNumber);
        if (!isNumber || !sra::core::readPinFromFd(fd, autostart.pin, error)) {
            std::fprintf(stderr,
                         "secure-remote-access: --pin-fd: %s\n",
                         qPrintable(isNumber ? error : QStringLiteral("not a descriptor number")));
            return 2;
        }
    }

    sra::gui::MainWindow window(settings);
    window.show();
    if (parser.isSet(screenshot)) {
        // The first picture from the VNC server can still be black: give it a moment to settle.
        const QString file = parser.value(screenshot);
        // Unattended (the demo without a display): never wait forever; the status line in the picture says why.
        QTimer::singleShot(90000, &window, [&window, file] {
            std::fprintf(stderr, "the remote screen did not show within 90 s: %s\n", qPrintable(window.statusText()));
            window.grab().save(file);
            QCoreApplication::exit(1);
        });
        QObject::connect(&window, &sra::gui::MainWindow::remoteScreenShown, &window, [&window, file] {
            QTimer::singleShot(3000, &window, [&window, file] {
                const bool saved = window.grab().save(file);
                std::fprintf(saved ? stdout : stderr,
                             saved ? "screenshot: %s\n" : "cannot write the screenshot %s\n",
                             qPrintable(file));
                QCoreApplication::exit(saved ? 0 : 1);
            });
        });
    }
    window.autostart(std::move(autostart));
    return QCoreApplication::exec();
}
