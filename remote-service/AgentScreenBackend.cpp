#include "remote-service/AgentScreenBackend.h"

#include "remote-service/ScreenAgents.h"
#include "remote-service/SradLogging.h"

#include <unistd.h>
#include <utility>

namespace sra::srad {

AgentScreenBackend::AgentScreenBackend(ScreenAgents* agents, int startTimeoutMs, QObject* parent)
    : ScreenBackend(parent)
    , m_agents(agents)
    , m_startTimeoutMs(startTimeoutMs)
{
    m_deadline.setSingleShot(true);
}

AgentScreenBackend::~AgentScreenBackend()
{
    // srad is dropping this grant without waiting (service stopping): the agent still stops its server.
    if (m_link && m_requestId != 0) {
        m_link->stopVnc(m_requestId);
        m_link->forget(m_requestId);
    }
    closeSocket();
}

void AgentScreenBackend::closeSocket()
{
    if (m_socket >= 0) {
        ::close(std::exchange(m_socket, -1));
    }
}

QString AgentScreenBackend::endpoint() const
{
    return m_started ? m_endpoint : QString();
}

qint64 AgentScreenBackend::processId() const
{
    return m_started && !m_finished ? m_vncPid : 0;
}

int AgentScreenBackend::takeStreamSocket()
{
    return std::exchange(m_socket, -1);
}

void AgentScreenBackend::start(const QString& display, const QByteArray& password)
{
    if (m_finished || m_link) {
        return;
    }
    QString why;
    ScreenAgentLink* link = m_agents ? m_agents->agentFor(display, why) : nullptr;
    if (!link) {
        if (why.isEmpty()) {
            why = QStringLiteral(
                "the screen agents' socket is not open (restart srad after setting [screen] backend = agent)");
        }
        // Queued, like every finished(): the share is still wiring itself up.
        QTimer::singleShot(0, this, [this, why] {
            m_finished = true;
            refuse(wire::ErrorCode::ScreenNoSession, why);
        });
        return;
    }
    m_link = link;
    m_endpoint = QStringLiteral("screen agent %1").arg(link->describe());
    m_requestId = link->startVnc(this, password);
    if (m_requestId == 0) {
        QTimer::singleShot(0, this, [this] { finish(QStringLiteral("the desktop session agent cannot be reached")); });
        return;
    }
    qCInfo(lcScreen).noquote() << "asked" << m_endpoint << "for a VNC server, request" << m_requestId;
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        m_stopReason =
            QStringLiteral("the desktop session agent did not start its VNC server within %1 ms").arg(m_startTimeoutMs);
        stop();
    });
    m_deadline.start(m_startTimeoutMs);
}

void AgentScreenBackend::agentStarted(int fd, qint64 vncPid)
{
    if (m_finished || m_started || !m_stopReason.isEmpty()) {
        ::close(fd); // stopping already: the agent has been told
        return;
    }
    m_deadline.stop();
    m_socket = fd;
    m_vncPid = vncPid;
    m_started = true;
    qCInfo(lcScreen).noquote() << m_endpoint << "runs x11vnc pid" << vncPid << "for request" << m_requestId;
    Q_EMIT started(m_endpoint);
}

void AgentScreenBackend::agentEnded(const QString& reason)
{
    m_requestId = 0; // the link has forgotten it
    finish(!m_stopReason.isEmpty() ? m_stopReason
           : m_started             ? QStringLiteral("the VNC server stopped (%1)").arg(reason)
                       : QStringLiteral("the desktop session agent could not start x11vnc: %1").arg(reason));
}

void AgentScreenBackend::agentGone(const QString& reason)
{
    m_requestId = 0;
    finish(QStringLiteral("the desktop session agent went away (%1)").arg(reason));
}

void AgentScreenBackend::stop()
{
    if (m_finished) {
        return;
    }
    if (m_stopReason.isEmpty()) {
        m_stopReason = QStringLiteral("stopped");
    }
    // EOF on its socket ends x11vnc -inetd by itself; AgentStop makes sure (and covers a server not started yet).
    closeSocket();
    if (!m_link || m_requestId == 0) {
        QTimer::singleShot(0, this, [this] { finish(m_stopReason); });
        return;
    }
    m_link->stopVnc(m_requestId);
    m_deadline.disconnect(this);
    connect(&m_deadline, &QTimer::timeout, this, [this] { finish(m_stopReason); });
    m_deadline.start(kStopTimeoutMs);
}

void AgentScreenBackend::finish(const QString& reason)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    m_deadline.stop();
    closeSocket();
    if (m_link && m_requestId != 0) {
        // No answer in time: whatever the agent says later about this request is not for us any more.
        m_link->stopVnc(m_requestId);
        m_link->forget(std::exchange(m_requestId, 0));
    }
    Q_EMIT finished(reason);
}

} // namespace sra::srad
