#pragma once

#include "remote-service/ScreenBackend.h"

#include <QPointer>
#include <QTimer>

namespace sra::srad {

class ScreenAgentLink;
class ScreenAgents;

// ScreenBackend through sra-screen-agent, the program in the console user's desktop session: srad itself
// runs sandboxed (PrivateTmp=, ProtectHome=) and cannot reach the session's X server, the agent can.
//
// start() picks the agent for the display (ScreenAgents::agentFor) — none connected is refused with
// ScreenNoSession and a reason the admin sees — and sends it AgentStart with the one-time password. The agent
// starts `x11vnc -inetd` on one end of a socketpair and passes srad the other end with AgentStarted; that
// connected socket is what takeStreamSocket() hands the stream. stop() closes it (x11vnc sees EOF) and sends
// AgentStop; finished() comes with the agent's AgentEnded, or when the agent goes away, or at the latest
// kStopTimeoutMs after stop().
class AgentScreenBackend : public ScreenBackend
{
    Q_OBJECT

public:
    static constexpr int kStopTimeoutMs = 3000;

    AgentScreenBackend(ScreenAgents* agents, int startTimeoutMs, QObject* parent = nullptr);
    ~AgentScreenBackend() override;

    void start(const QString& display, const QByteArray& password) override;
    void stop() override;
    QString endpoint() const override;
    qint64 processId() const override;
    int takeStreamSocket() override;

    // From the agent's link (ScreenAgentLink), for this backend's request.
    void agentStarted(int fd, qint64 vncPid);
    void agentEnded(const QString& reason);
    void agentGone(const QString& reason);

private:
    void finish(const QString& reason);
    void closeSocket();

    QPointer<ScreenAgents> m_agents;
    QPointer<ScreenAgentLink> m_link;
    quint32 m_requestId = 0;
    int m_startTimeoutMs;
    int m_socket = -1;
    qint64 m_vncPid = 0;
    QString m_endpoint;
    QString m_stopReason;
    QTimer m_deadline;
    bool m_started = false;
    bool m_finished = false;
};

} // namespace sra::srad
