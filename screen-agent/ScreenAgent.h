#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

namespace sra::core {
class UnixFrameSocket;
}

namespace sra::wire {
class Message;
}

namespace sra::agent {

class VncServer;

// sra-screen-agent's core: keeps a connection to srad's agent socket (reconnecting with a doubling backoff while
// srad is not there), greets with AgentHello{Display}, and runs one x11vnc (VncServer) per AgentStart on its own
// display only. docs/SERVICE.md ("The screen backend and the sandbox") says why it exists.
class ScreenAgent : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString socketPath;
        QString x11vnc;  // program; empty: x11vnc from PATH
        QString display; // ":N" or ":N.M"
        QString version;
        int minBackoffMs = 250;
        int maxBackoffMs = 5000;
    };

    explicit ScreenAgent(Options options, QObject* parent = nullptr);
    ~ScreenAgent() override;

    void start();

    int serverCount() const
    {
        return static_cast<int>(m_servers.size());
    }

private:
    void tryConnect();
    void scheduleReconnect();
    void onMessage(const wire::Message& message);
    void onClosed(const QString& reason);
    void startServer(quint32 id, const QByteArray& password);
    void stopServer(quint32 id);
    void sendEnded(quint32 id, const QString& reason);

    Options m_options;
    QPointer<core::UnixFrameSocket> m_socket;
    QTimer m_retry;
    int m_backoffMs;
    bool m_reportedWaiting = false;
    QHash<quint32, VncServer*> m_servers;
};

} // namespace sra::agent
