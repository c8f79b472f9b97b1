#pragma once

#include "core/config/SradConfig.h"
#include "core/wire/Message.h"

#include <QHash>
#include <QList>
#include <QLocalServer>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <sys/types.h>

namespace sra::core {
class UnixFrameSocket;
}

namespace sra::srad {

class AgentScreenBackend;

// One connected, authorized sra-screen-agent (docs/PROTOCOL.md, "Screen agent channel"): the uid the kernel
// vouches for, the display it said it serves, and the VNC servers srad asked it for, by request id.
class ScreenAgentLink : public QObject
{
    Q_OBJECT

public:
    ScreenAgentLink(core::UnixFrameSocket* socket, uid_t uid, qint64 pid, QObject* parent);
    ~ScreenAgentLink() override;

    uid_t uid() const
    {
        return m_uid;
    }

    qint64 pid() const
    {
        return m_pid;
    }

    QString display() const
    {
        return m_display;
    }

    bool isGreeted() const
    {
        return !m_display.isEmpty();
    }

    QString describe() const;

    // Asks the agent for a VNC server with this one-time password; its answers go to `backend`. 0 when the
    // request could not be sent.
    quint32 startVnc(AgentScreenBackend* backend, const QByteArray& password);
    // The agent stops the server of request `id`; its AgentEnded still goes to the backend.
    void stopVnc(quint32 id);

    // The backend is done with request `id` (or gone): later answers for it are dropped.
    void forget(quint32 id)
    {
        m_requests.remove(id);
    }

    void close(const QString& reason);

Q_SIGNALS:
    void greeted(sra::srad::ScreenAgentLink* link);
    void gone(sra::srad::ScreenAgentLink* link, const QString& reason);

private:
    void onMessage(const wire::Message& message);

    core::UnixFrameSocket* m_socket;
    uid_t m_uid;
    qint64 m_pid;
    QString m_display;
    QTimer m_helloDeadline;
    quint32 m_nextRequest = 0;
    QHash<quint32, QPointer<AgentScreenBackend>> m_requests;
    bool m_gone = false;
};

// srad's end of the screen agents: the socket <runtimeDir>/screen-agent.sock (mode 0666: any local user may
// knock, srad decides who is let in), and the agents that are in.
//
// Who is let in is decided by the peer's uid from the kernel (SO_PEERCRED), before a byte is read: the active
// user of seat0 as logind publishes it (<root>/run/systemd/seats/seat0, ACTIVE_UID=), or a user listed in
// [screen] agent_users. Everybody else is logged (audit) and closed. One agent per display: a newer one
// replaces the older. The active user is checked again each time a screen is requested, so after a user
// switch the previous user's agent is not used (and is closed).
class ScreenAgents : public QObject
{
    Q_OBJECT

public:
    static constexpr int kMaxAgents = 16;
    static constexpr int kHelloDeadlineMs = 5000;

    explicit ScreenAgents(const core::SradConfig& config, QObject* parent = nullptr);
    ~ScreenAgents() override;

    void reconfigure(const core::SradConfig& config)
    {
        m_config = config;
    }

    static QString socketPath(const core::SradConfig& config);
    bool listen(QString& error);

    bool isListening() const
    {
        return m_server.isListening();
    }

    // The agent to serve `display`: the one on that display, else the only one there is. nullptr with the
    // reason for the admin when there is none.
    ScreenAgentLink* agentFor(const QString& display, QString& why);

    int count() const
    {
        return static_cast<int>(m_links.size());
    }

    // Why `uid` may run an agent ("the active user of seat0", "listed in [screen] agent_users"), or empty.
    QString authorization(uid_t uid) const;

private:
    class Server : public QLocalServer
    {
    public:
        explicit Server(ScreenAgents* owner)
            : m_owner(owner)
        {}

    protected:
        // The raw descriptor, not a QLocalSocket: descriptors come over this connection (SCM_RIGHTS).
        void incomingConnection(quintptr descriptor) override
        {
            m_owner->onConnection(static_cast<int>(descriptor));
        }

    private:
        ScreenAgents* m_owner;
    };

    void onConnection(int fd);
    void onGreeted(ScreenAgentLink* link);
    void onGone(ScreenAgentLink* link, const QString& reason);

    core::SradConfig m_config;
    Server m_server;
    QList<ScreenAgentLink*> m_links;
};

} // namespace sra::srad
