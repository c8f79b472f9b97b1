#include "VncTestDisplay.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QThread>

#include <csignal>
#include <sys/prctl.h>

namespace {

bool waitFor(const std::function<bool()>& condition, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!condition()) {
        if (deadline.hasExpired()) {
            return false;
        }
        QThread::msleep(20);
    }
    return true;
}

} // namespace

VncTestDisplay::VncTestDisplay() = default;

VncTestDisplay::~VncTestDisplay()
{
    // In reverse order of start: the VNC server, the client program, then the X server.
    stop(m_x11vnc);
    stop(m_screen);
    stop(m_xvfb);
}

bool VncTestDisplay::toolsAvailable(QString* missing)
{
    for (const char* tool : {"Xvfb", "x11vnc"}) {
        if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty()) {
            *missing = QString::fromLatin1(tool);
            return false;
        }
    }
    return true;
}

bool VncTestDisplay::startProcess(QProcess& process,
                                  const QString& program,
                                  const QStringList& args,
                                  const QString& logName)
{
    process.setStandardErrorFile(m_dir.filePath(logName));
    // If the test itself is killed (ctest timeout), the kernel ends its X server, VNC server and screen too.
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    process.start(program, args);
    if (!process.waitForStarted(5000)) {
        m_error = QStringLiteral("%1 did not start: %2").arg(program, process.errorString());
        return false;
    }
    return true;
}

void VncTestDisplay::stop(QProcess& process)
{
    if (process.state() == QProcess::NotRunning) {
        return;
    }
    process.terminate();
    if (!process.waitForFinished(5000)) {
        process.kill();
        process.waitForFinished(2000);
    }
}

bool VncTestDisplay::start(const QString& testScreenProgram, const QByteArray& password)
{
    // SRA_KEEP_VNC_TEST_DIR=1 keeps the logs (x11vnc.log, screen.log, keys.log) for a failing run.
    m_dir.setAutoRemove(qEnvironmentVariableIntValue("SRA_KEEP_VNC_TEST_DIR") == 0);
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("no temporary directory");
        return false;
    }
    // Xvfb picks a free display number and writes it to fd 1 (our pipe) once it accepts connections.
    m_xvfb.setProcessChannelMode(QProcess::SeparateChannels);
    if (!startProcess(m_xvfb,
                      QStringLiteral("Xvfb"),
                      {QStringLiteral("-displayfd"),
                       QStringLiteral("1"),
                       QStringLiteral("-screen"),
                       QStringLiteral("0"),
                       QStringLiteral("1024x768x24"),
                       QStringLiteral("-nolisten"),
                       QStringLiteral("tcp")},
                      QStringLiteral("xvfb.log"))) {
        return false;
    }
    QByteArray number;
    QDeadlineTimer deadline(10000);
    while (!number.contains('\n') && !deadline.hasExpired() && m_xvfb.state() == QProcess::Running) {
        m_xvfb.waitForReadyRead(100);
        number += m_xvfb.readAllStandardOutput();
    }
    if (!number.contains('\n')) {
        m_error = QStringLiteral("Xvfb gave no display number");
        return false;
    }
    m_display = QLatin1Char(':') + QString::fromLatin1(number.trimmed());

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DISPLAY"), m_display);
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
    env.remove(QStringLiteral("XAUTHORITY"));
    const QString ready = m_dir.filePath(QStringLiteral("ready"));
    m_screen.setProcessEnvironment(env);
    if (!startProcess(m_screen,
                      testScreenProgram,
                      {QStringLiteral("--keylog"), keyLogPath(), QStringLiteral("--ready"), ready},
                      QStringLiteral("screen.log"))) {
        return false;
    }
    if (!waitFor([&] { return QFileInfo::exists(ready) || m_screen.state() != QProcess::Running; }, 15000)
        || !QFileInfo::exists(ready)) {
        m_error = QStringLiteral("sra-test-screen did not show its picture");
        return false;
    }

    const QString passFile = m_dir.filePath(QStringLiteral("pass"));
    QProcess store;
    store.start(QStringLiteral("x11vnc"), {QStringLiteral("-storepasswd"), QString::fromUtf8(password), passFile});
    if (!store.waitForFinished(10000) || store.exitCode() != 0) {
        m_error = QStringLiteral("x11vnc -storepasswd failed");
        return false;
    }
    m_x11vnc.setProcessEnvironment(env);
    // -forever -shared: every test case connects anew, sometimes two clients at once.
    if (!startProcess(m_x11vnc,
                      QStringLiteral("x11vnc"),
                      {QStringLiteral("-display"),
                       m_display,
                       QStringLiteral("-rfbauth"),
                       passFile,
                       QStringLiteral("-unixsock"),
                       socketPath(),
                       QStringLiteral("-rfbport"),
                       QStringLiteral("0"),
                       QStringLiteral("-rfbportv6"),
                       QStringLiteral("0"),
                       QStringLiteral("-forever"),
                       QStringLiteral("-shared"),
                       QStringLiteral("-noxdamage"),
                       QStringLiteral("-norc"),
                       QStringLiteral("-nolookup"),
                       QStringLiteral("-seldir"),
                       QStringLiteral("send,recv,debug")},
                      QStringLiteral("x11vnc.log"))) {
        return false;
    }
    if (!waitFor([&] { return QFileInfo::exists(socketPath()) || m_x11vnc.state() != QProcess::Running; }, 15000)
        || !QFileInfo::exists(socketPath())) {
        QFile log(m_dir.filePath(QStringLiteral("x11vnc.log")));
        log.open(QIODevice::ReadOnly);
        m_error =
            QStringLiteral("x11vnc did not create its socket: ") + QString::fromLocal8Bit(log.readAll().right(2000));
        return false;
    }
    return true;
}

QString VncTestDisplay::socketPath() const
{
    return m_dir.filePath(QStringLiteral("vnc.sock"));
}

QString VncTestDisplay::serverLog() const
{
    QFile file(m_dir.filePath(QStringLiteral("x11vnc.log")));
    return file.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(file.readAll()) : QString();
}

QString VncTestDisplay::keyLogPath() const
{
    return m_dir.filePath(QStringLiteral("keys.log"));
}

QStringList VncTestDisplay::keyLog() const
{
    QFile file(keyLogPath());
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

QString VncTestDisplay::typedText() const
{
    // From the keysym X delivered (the screen's nativeVirtualKey()), not from its text field: that is what
    // the remote's applications act on. Keysyms of characters only (Latin-1 and Unicode keysyms).
    QString text;
    static const QRegularExpression press(QStringLiteral("^press keysym=0x([0-9a-f]+) "));
    for (const QString& line : keyLog()) {
        const QRegularExpressionMatch match = press.match(line);
        if (!match.hasMatch()) {
            continue;
        }
        const uint keysym = match.captured(1).toUInt(nullptr, 16);
        if ((keysym >= 0x20 && keysym <= 0x7e) || (keysym >= 0xa0 && keysym <= 0xff)) {
            text += QChar(char16_t(keysym));
        } else if (keysym >= 0x01000100 && keysym <= 0x0110ffff) {
            const char32_t cp = keysym - 0x01000000;
            text += QString::fromUcs4(&cp, 1);
        }
    }
    return text;
}
