#include "screen-agent/VncServer.h"

#include "core/vnc/VncPasswordFile.h"
#include "core/vnc/X11VncCommand.h"

#include <QFile>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QTimer>

#include <csignal>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcVnc, "sra.agent.vnc", QtInfoMsg)

namespace sra::agent {

namespace {
constexpr int kKillAfterMs = 1500;
constexpr int kKeptOutputLines = 20;
} // namespace

VncServer::VncServer(Options options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
{}

VncServer::~VncServer()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(2000);
    }
    removePasswordFile();
}

qint64 VncServer::processId() const
{
    return m_process && m_process->state() != QProcess::NotRunning ? m_process->processId() : 0;
}

bool VncServer::passwordFileExists() const
{
    return !m_passwordFile.isEmpty() && QFile::exists(m_passwordFile);
}

void VncServer::removePasswordFile()
{
    if (m_inotifyNotifier) {
        m_inotifyNotifier->setEnabled(false);
    }
    if (m_inotify >= 0) {
        ::close(m_inotify);
        m_inotify = -1;
    }
    if (!m_passwordFile.isEmpty()) {
        QFile::remove(m_passwordFile);
    }
    m_dir.reset();
}

void VncServer::onPasswordFileEvent()
{
    alignas(inotify_event) char buffer[4096];
    bool read = false;
    for (;;) {
        const ssize_t n = ::read(m_inotify, buffer, sizeof buffer);
        if (n <= 0) {
            break;
        }
        for (ssize_t offset = 0; offset < n;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
            read = read || (event->mask & IN_CLOSE_NOWRITE) != 0;
            offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
        }
    }
    if (read) {
        // x11vnc read the password (libvncserver reads -rfbauth when the client authenticates): it is not needed
        // on disk any more, and this grant allows one client only.
        qCDebug(lcVnc) << "x11vnc read the password file; removing it";
        removePasswordFile();
    }
}

bool VncServer::start(const QByteArray& password, int& peerSocket, QString& error)
{
    const QString program =
        m_options.program.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("x11vnc")) : m_options.program;
    if (program.isEmpty()) {
        error = QStringLiteral("x11vnc is not installed (apt install x11vnc)");
        return false;
    }
    // QTemporaryDir makes the directory 0700: only this user can read the password file.
    m_dir = std::make_unique<QTemporaryDir>(m_options.baseDir + QStringLiteral("/sra-vnc-XXXXXX"));
    if (!m_dir->isValid()) {
        error =
            QStringLiteral("cannot create a private directory in %1: %2").arg(m_options.baseDir, m_dir->errorString());
        return false;
    }
    m_passwordFile = m_dir->filePath(QStringLiteral("passwd"));
    if (!core::writeVncPasswordFile(m_passwordFile, password, error)) {
        return false;
    }
    m_inotify = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (m_inotify >= 0
        && ::inotify_add_watch(m_inotify, QFile::encodeName(m_passwordFile).constData(), IN_CLOSE_NOWRITE) >= 0) {
        m_inotifyNotifier = new QSocketNotifier(m_inotify, QSocketNotifier::Read, this);
        connect(m_inotifyNotifier, &QSocketNotifier::activated, this, &VncServer::onPasswordFileEvent);
    }

    int pair[2] = {-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        error = QStringLiteral("socketpair failed");
        return false;
    }
    const int serverEnd = pair[0];
    core::X11VncCommand command;
    command.display = m_options.display;
    command.passwordFile = m_passwordFile;
    command.transport = core::X11VncTransport::Inetd; // the client is the socketpair on stdin/stdout
    const QStringList args = core::x11vncArguments(command);
    m_process = new QProcess(this);
    m_process->setProgram(program);
    m_process->setArguments(args);
    // stdin/stdout become the socketpair in the child (below); stderr is x11vnc's log, kept for the reason.
    m_process->setStandardInputFile(QProcess::nullDevice());
    m_process->setStandardOutputFile(QProcess::nullDevice());
    m_process->setChildProcessModifier([serverEnd] {
        // Runs in the child after QProcess set up its channels, before exec: only async-signal-safe calls.
        ::dup2(serverEnd, STDIN_FILENO);
        ::dup2(serverEnd, STDOUT_FILENO);
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    });
    m_process->setReadChannel(QProcess::StandardError);
    connect(m_process, &QProcess::readyReadStandardError, this, [this] {
        while (m_process->canReadLine()) {
            const QString line = QString::fromLocal8Bit(m_process->readLine()).trimmed();
            qCDebug(lcVnc).noquote() << "x11vnc:" << line;
            m_output.append(line);
            if (m_output.size() > kKeptOutputLines) {
                m_output.removeFirst();
            }
        }
    });
    connect(m_process, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
        removePasswordFile();
        if (m_finished) {
            return;
        }
        m_finished = true;
        Q_EMIT finished(
            m_stopping ? QStringLiteral("stopped")
                       : QStringLiteral("x11vnc exited (%1)")
                                 .arg(status == QProcess::NormalExit ? QStringLiteral("exit code %1").arg(exitCode)
                                                                     : QStringLiteral("killed"))
                             + (m_output.isEmpty() ? QString() : QStringLiteral(": ") + m_output.last().right(300)));
    });
    m_process->start();
    ::close(serverEnd); // the child has its copies (0 and 1)
    if (!m_process->waitForStarted(5000)) {
        ::close(pair[1]);
        error = QStringLiteral("x11vnc could not be started: %1").arg(m_process->errorString());
        m_finished = true;
        return false;
    }
    qCInfo(lcVnc).noquote() << "x11vnc pid" << m_process->processId() << "on display" << m_options.display;
    peerSocket = pair[1];
    return true;
}

void VncServer::stop()
{
    if (m_finished || !m_process) {
        return;
    }
    m_stopping = true;
    m_process->terminate();
    QTimer::singleShot(kKillAfterMs, this, [this] {
        if (m_process && m_process->state() != QProcess::NotRunning) {
            qCWarning(lcVnc) << "x11vnc ignored SIGTERM; killing it";
            m_process->kill();
        }
    });
}

} // namespace sra::agent
