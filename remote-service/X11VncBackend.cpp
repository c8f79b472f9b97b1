#include "remote-service/X11VncBackend.h"

#include "core/vnc/VncPasswordFile.h"
#include "core/vnc/X11VncCommand.h"
#include "remote-service/SradLogging.h"

#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <csignal>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sra::srad {

namespace {
constexpr int kPollIntervalMs = 25;
constexpr int kKillAfterMs = 1500;
constexpr int kKeptOutputLines = 20;

bool isSocket(const QString& path)
{
    struct stat st
    {};

    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 && S_ISSOCK(st.st_mode);
}
} // namespace

X11VncBackend::X11VncBackend(Options options, QObject* parent)
    : ScreenBackend(parent)
    , m_options(std::move(options))
{
    m_poll.setInterval(kPollIntervalMs);
    connect(&m_poll, &QTimer::timeout, this, &X11VncBackend::pollSocket);
}

X11VncBackend::~X11VncBackend()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        // srad is shutting this grant down without waiting (service stopping): no x11vnc may survive it.
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(2000);
    }
}

QString X11VncBackend::endpoint() const
{
    return m_started ? m_socketPath : QString();
}

qint64 X11VncBackend::processId() const
{
    return m_process && m_process->state() != QProcess::NotRunning ? m_process->processId() : 0;
}

void X11VncBackend::start(const QString& display, const QByteArray& password)
{
    if (m_process || m_finished) {
        return;
    }
    const QString program =
        m_options.program.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("x11vnc")) : m_options.program;
    if (program.isEmpty()) {
        QTimer::singleShot(0, this, [this] { finish(QStringLiteral("x11vnc is not installed (run sra-setup -s)")); });
        return;
    }
    // QTemporaryDir makes the directory 0700: only srad's user can reach the socket and the password file.
    m_dir = std::make_unique<QTemporaryDir>(m_options.runtimeDir + QStringLiteral("/vnc-XXXXXX"));
    QString error;
    if (!m_dir->isValid()) {
        error = QStringLiteral("cannot create a private directory in %1: %2")
                    .arg(m_options.runtimeDir, m_dir->errorString());
    }
    const QString passwordFile = m_dir->filePath(QStringLiteral("passwd"));
    m_socketPath = m_dir->filePath(QStringLiteral("vnc"));
    if (error.isEmpty()) {
        core::writeVncPasswordFile(passwordFile, password, error);
    }
    if (!error.isEmpty()) {
        QTimer::singleShot(0, this, [this, error] { finish(error); });
        return;
    }

    core::X11VncCommand command;
    command.display = display;
    command.xauthority = m_options.xauthority;
    command.passwordFile = passwordFile;
    command.transport = core::X11VncTransport::UnixSocket;
    command.unixSocket = m_socketPath;
    command.idleTimeoutSeconds = m_options.idleTimeoutSeconds;
    const QStringList args = core::x11vncArguments(command);
    m_process = new QProcess(this);
    m_process->setProgram(program);
    m_process->setArguments(args);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    connect(m_process, &QProcess::readyRead, this, [this] {
        while (m_process->canReadLine()) {
            const QString line = QString::fromLocal8Bit(m_process->readLine()).trimmed();
            qCDebug(lcScreen).noquote() << "x11vnc:" << line;
            m_output.append(line);
            if (m_output.size() > kKeptOutputLines) {
                m_output.removeFirst();
            }
        }
    });
    connect(m_process, &QProcess::finished, this, &X11VncBackend::onProcessFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) {
            finish(QStringLiteral("x11vnc could not be started: ") + m_process->errorString());
        }
    });
    qCInfo(lcScreen).noquote() << "starting x11vnc on display" << display << "socket" << m_socketPath;
    m_startClock.start();
    m_process->start();
    m_poll.start();
}

void X11VncBackend::pollSocket()
{
    if (m_finished || m_started) {
        m_poll.stop();
        return;
    }
    if (isSocket(m_socketPath)) {
        m_poll.stop();
        m_started = true;
        qCInfo(lcScreen).noquote() << "x11vnc pid" << m_process->processId() << "ready after" << m_startClock.elapsed()
                                   << "ms";
        Q_EMIT started(m_socketPath);
        return;
    }
    if (m_startClock.elapsed() > m_options.startTimeoutMs) {
        m_poll.stop();
        m_stopReason = QStringLiteral("x11vnc did not open its socket within %1 ms").arg(m_options.startTimeoutMs);
        stop();
    }
}

void X11VncBackend::stop()
{
    if (m_finished) {
        return;
    }
    if (m_stopReason.isEmpty()) {
        m_stopReason = QStringLiteral("stopped");
    }
    m_poll.stop();
    if (!m_process || m_process->state() == QProcess::NotRunning) {
        QTimer::singleShot(0, this, [this] { finish(m_stopReason); });
        return;
    }
    m_process->terminate();
    QTimer::singleShot(kKillAfterMs, this, [this] {
        if (m_process && m_process->state() != QProcess::NotRunning) {
            qCWarning(lcScreen) << "x11vnc ignored SIGTERM; killing it";
            m_process->kill();
        }
    });
}

void X11VncBackend::onProcessFinished(int exitCode, QProcess::ExitStatus status)
{
    QString reason = m_stopReason;
    if (reason.isEmpty()) {
        reason = m_started ? QStringLiteral("the VNC server stopped (the viewer left)")
                           : QStringLiteral("x11vnc exited during start-up (exit code %1): %2")
                                 .arg(status == QProcess::NormalExit ? exitCode : -1)
                                 .arg(m_output.join(QStringLiteral(" | ")).right(600));
    }
    finish(reason);
}

void X11VncBackend::finish(const QString& reason)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    m_poll.stop();
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(1000);
    }
    // The socket and the password file go with the directory.
    m_dir.reset();
    Q_EMIT finished(reason);
}

} // namespace sra::srad
