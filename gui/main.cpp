// secure-remote-access: the admin window (card, connect, PIN, insert card, preferences). See gui/MainWindow.h.
#include "gui/AppSettings.h"
#include "gui/MainWindow.h"
#include "gui/Translator.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("secure-remote-access"));
    QApplication::setApplicationDisplayName(QStringLiteral("Secure Remote Access"));
    QApplication::setApplicationVersion(QStringLiteral(SRA_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("secure-remote-access"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/secure-remote-access.svg")));

    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption settingsFile(QStringLiteral("settings"),
                                          QStringLiteral("Use this settings file instead of the user's."),
                                          QStringLiteral("file"));
    const QCommandLineOption knownHosts(QStringLiteral("known-hosts"),
                                        QStringLiteral("Known-hosts file (default ~/.config/secure-remote-access/known_hosts)."),
                                        QStringLiteral("file"));
    const QCommandLineOption root(QStringLiteral("root"),
                                  QStringLiteral("Read this machine's license under DIR instead of / (as sra-setup --root)."),
                                  QStringLiteral("dir"));
    const QCommandLineOption language(QStringLiteral("language"), QStringLiteral("en or de (default: Preferences, else the system's)."),
                                      QStringLiteral("code"));
    parser.addOptions({settingsFile, knownHosts, root, language});
    parser.process(app);

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

    sra::gui::MainWindow window(settings);
    window.show();
    return QApplication::exec();
}
