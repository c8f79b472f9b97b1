// sra-test-screen [--input-log FILE] [--ready FILE] [--clipboard TEXT]
// The known picture for screen-sharing tests and the demo (see TestScreen.h). --clipboard sets the X
// clipboard at start and keeps owning it, so a test can check that it reaches the VNC client.
#include "TestScreen.h"

#include <QApplication>
#include <QClipboard>
#include <QCommandLineParser>
#include <QScreen>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("sra-test-screen"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Known test picture and input recorder for VNC tests."));
    parser.addHelpOption();
    const QCommandLineOption inputLog({QStringLiteral("input-log"), QStringLiteral("keylog")},
                                      QStringLiteral("Append received keys, buttons and clipboard changes to FILE."),
                                      QStringLiteral("FILE"));
    const QCommandLineOption ready(
        QStringLiteral("ready"), QStringLiteral("Write FILE once the picture is shown."), QStringLiteral("FILE"));
    const QCommandLineOption clipboard(
        QStringLiteral("clipboard"), QStringLiteral("Set the clipboard to TEXT."), QStringLiteral("TEXT"));
    parser.addOptions({inputLog, ready, clipboard});
    parser.process(app);

    TestScreen screen(parser.value(inputLog), parser.value(ready));
    screen.setGeometry(QApplication::primaryScreen()->geometry());
    screen.show();
    if (parser.isSet(clipboard)) {
        QApplication::clipboard()->setText(parser.value(clipboard));
    }
    return QApplication::exec();
}
