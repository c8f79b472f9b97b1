#include "screen-agent/ScreenAgent.h"

#include "core/base/Bytes.h"
#include "core/net/UnixFrameSocket.h"
#include "core/wire/Message.h"
#include "screen-agent/VncServer.h"

#include <QDir>
#include <QLoggingCategory>

#include <cerrno>
#include <cstring>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcAgent, "sra.agent", QtInfoMsg)

namespace sra::agent {

namespace {
constexpr std::uint32_t kMaxFrame = 4096;

// Where the password files go: the session's runtime directory (per user, 0700, on tmpfs), else the temp
// directory (QTemporaryDir makes a 0700 directory there either way).
QString privateBaseDir()
{
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    return !runtime.isEmpty() && QDir(runtime).exists() ? runtime : QDir::tempPath();
}
} // namespace

ScreenAgent::ScreenAgent(Options options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_backoffMs(m_options.minBackoffMs)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &ScreenAgent::tryConnect);
}

ScreenAgent::~ScreenAgent()
{
    qDeleteAll(m_servers); // each kills its x11vnc and removes its files
}

void ScreenAgent::start()
{
    qCInfo(lcAgent).noquote() << "screen agent for display" << m_options.display << ", srad at" << m_options.socketPath;
    tryConnect();
}

void ScreenAgent::tryConnect()
{
    const int fd = core::UnixFrameSocket::connectTo(m_options.socketPath);
    if (fd < 0) {
        if (!m_reportedWaiting) {
            // Once, not on every retry: srad may simply not be running yet, or screen sharing not be set up.
            qCInfo(lcAgent).noquote() << "waiting for srad at" << m_options.socketPath << ":"
                                      << QString::fromLocal8Bit(std::strerror(errno));
            m_reportedWaiting = true;
        }
        scheduleReconnect();
        return;
    }
    m_socket = new core::UnixFrameSocket(fd, kMaxFrame, this);
    connect(m_socket, &core::UnixFrameSocket::messageReceived, this, &ScreenAgent::onMessage);
    connect(m_socket, &core::UnixFrameSocket::closed, this, &ScreenAgent::onClosed);
    wire::Message hello(wire::MessageType::AgentHello);
    hello.set(wire::Field::ClientName, QStringLiteral("sra-screen-agent %1").arg(m_options.version).toStdString());
    hello.set(wire::Field::Display, m_options.display.toStdString());
    m_socket->send(hello);
    qCInfo(lcAgent).noquote() << "connected to srad at" << m_options.socketPath;
}

void ScreenAgent::scheduleReconnect()
{
    m_retry.start(m_backoffMs);
    m_backoffMs = std::min(m_backoffMs * 2, m_options.maxBackoffMs);
}

void ScreenAgent::onClosed(const QString& reason)
{
    // srad went away (restarted, stopped) or did not let us in: our servers' other ends were its, so they end.
    qCInfo(lcAgent).noquote() << "connection to srad closed:" << reason;
    if (m_socket) {
        m_socket->deleteLater();
    }
    m_socket = nullptr;
    const auto servers = std::exchange(m_servers, {});
    for (VncServer* server : servers) {
        server->disconnect(this);
        server->stop();
        connect(server, &VncServer::finished, server, &QObject::deleteLater);
    }
    m_reportedWaiting = false;
    scheduleReconnect();
}

void ScreenAgent::onMessage(const wire::Message& message)
{
    m_backoffMs = m_options.minBackoffMs; // srad speaks to us: it let us in
    const quint32 id = message.u32(wire::Field::RequestId).value_or(0);
    switch (message.type()) {
    case wire::MessageType::AgentStart: {
        const auto password = message.bytes(wire::Field::VncPassword);
        QByteArray secret(reinterpret_cast<const char*>(password.data()), static_cast<qsizetype>(password.size()));
        startServer(id, secret);
        base::secureZero(secret.data(), static_cast<std::size_t>(secret.size()));
        return;
    }
    case wire::MessageType::AgentStop:
        stopServer(id);
        return;
    default:
        m_socket->close(QStringLiteral("unexpected message type %1 from srad").arg(static_cast<int>(message.type())));
        return;
    }
}

void ScreenAgent::startServer(quint32 id, const QByteArray& password)
{
    if (m_servers.contains(id)) {
        return;
    }
    auto* server = new VncServer({m_options.x11vnc, m_options.display, privateBaseDir()}, this);
    int peer = -1;
    QString error;
    if (!server->start(password, peer, error)) {
        qCWarning(lcAgent).noquote() << "request" << id << ": cannot start x11vnc:" << error;
        delete server;
        sendEnded(id, error);
        return;
    }
    m_servers.insert(id, server);
    connect(server, &VncServer::finished, this, [this, id, server](const QString& reason) {
        qCInfo(lcAgent).noquote() << "request" << id << ":" << reason;
        m_servers.remove(id);
        server->deleteLater();
        sendEnded(id, reason);
    });
    wire::Message started(wire::MessageType::AgentStarted);
    started.setU32(wire::Field::RequestId, id);
    started.setU32(wire::Field::ProcessId, static_cast<std::uint32_t>(server->processId()));
    // srad's end of the socketpair travels with this frame; ours is closed once it is on its way.
    m_socket->send(started, peer);
    ::close(peer);
}

void ScreenAgent::stopServer(quint32 id)
{
    if (VncServer* server = m_servers.value(id)) {
        server->stop();
    }
}

void ScreenAgent::sendEnded(quint32 id, const QString& reason)
{
    if (!m_socket) {
        return;
    }
    wire::Message ended(wire::MessageType::AgentEnded);
    ended.setU32(wire::Field::RequestId, id);
    ended.set(wire::Field::Reason, reason.left(500).toStdString());
    m_socket->send(ended);
}

} // namespace sra::agent
