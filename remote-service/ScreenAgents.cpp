#include "remote-service/ScreenAgents.h"

#include "core/net/UnixFrameSocket.h"
#include "remote-service/AgentScreenBackend.h"
#include "remote-service/SradLogging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <array>
#include <optional>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace sra::srad {

namespace {
// The agent channel carries small messages only (a display name, a password, request ids).
constexpr std::uint32_t kMaxAgentFrame = 4096;
constexpr qint64 kMaxSeatFile = 64 * 1024;

// logind's ACTIVE_UID= of seat0: the user whose session is in the foreground on the console.
std::optional<uid_t> activeSeatUid(const QString& seatFile)
{
    QFile file(seatFile);
    if (!file.open(QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    const QList<QByteArray> lines = file.read(kMaxSeatFile).split('\n');
    for (const QByteArray& line : lines) {
        if (line.startsWith("ACTIVE_UID=")) {
            bool ok = false;
            const uint uid = line.mid(11).trimmed().toUInt(&ok);
            if (ok) {
                return static_cast<uid_t>(uid);
            }
        }
    }
    return std::nullopt;
}

std::optional<uid_t> uidOf(const QString& user)
{
    bool numeric = false;
    const uint uid = user.toUInt(&numeric);
    if (numeric) {
        return static_cast<uid_t>(uid);
    }
    passwd entry{};
    passwd* found = nullptr;
    std::array<char, 4096> buffer{};
    if (::getpwnam_r(user.toUtf8().constData(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
        return std::nullopt;
    }
    return found->pw_uid;
}

QString describePeer(uid_t uid, qint64 pid)
{
    return QStringLiteral("uid %1 pid %2").arg(uid).arg(pid);
}
} // namespace

// ---- ScreenAgentLink -------------------------------------------------------------------------------------

ScreenAgentLink::ScreenAgentLink(core::UnixFrameSocket* socket, uid_t uid, qint64 pid, QObject* parent)
    : QObject(parent)
    , m_socket(socket)
    , m_uid(uid)
    , m_pid(pid)
{
    m_socket->setParent(this);
    connect(m_socket, &core::UnixFrameSocket::messageReceived, this, &ScreenAgentLink::onMessage);
    connect(m_socket, &core::UnixFrameSocket::closed, this, [this](const QString& reason) { close(reason); });
    m_helloDeadline.setSingleShot(true);
    connect(&m_helloDeadline, &QTimer::timeout, this, [this] { close(QStringLiteral("no AgentHello in time")); });
    m_helloDeadline.start(ScreenAgents::kHelloDeadlineMs);
}

ScreenAgentLink::~ScreenAgentLink() = default;

QString ScreenAgentLink::describe() const
{
    return describePeer(m_uid, m_pid) + (m_display.isEmpty() ? QString() : QStringLiteral(" display ") + m_display);
}

quint32 ScreenAgentLink::startVnc(AgentScreenBackend* backend, const QByteArray& password)
{
    if (m_gone || !isGreeted()) {
        return 0;
    }
    const quint32 id = ++m_nextRequest;
    wire::Message start(wire::MessageType::AgentStart);
    start.setU32(wire::Field::RequestId, id);
    start.set(wire::Field::VncPassword,
              std::string_view(password.constData(), static_cast<std::size_t>(password.size())));
    const bool sent = m_socket->send(start);
    start.wipe();
    if (!sent) {
        return 0;
    }
    m_requests.insert(id, backend);
    return id;
}

void ScreenAgentLink::stopVnc(quint32 id)
{
    if (!m_requests.contains(id) || m_gone) {
        return;
    }
    wire::Message stop(wire::MessageType::AgentStop);
    stop.setU32(wire::Field::RequestId, id);
    m_socket->send(stop);
}

void ScreenAgentLink::close(const QString& reason)
{
    if (m_gone) {
        return;
    }
    m_gone = true;
    m_helloDeadline.stop();
    m_socket->close(reason);
    // Every VNC server of this agent is gone with it (x11vnc dies with the agent, PR_SET_PDEATHSIG).
    const auto requests = std::exchange(m_requests, {});
    for (const auto& backend : requests) {
        if (backend) {
            backend->agentGone(reason);
        }
    }
    Q_EMIT gone(this, reason);
}

void ScreenAgentLink::onMessage(const wire::Message& message)
{
    if (!isGreeted()) {
        const QString display = QString::fromStdString(message.text(wire::Field::Display));
        if (message.type() != wire::MessageType::AgentHello || !core::SradConfig::isValidDisplay(display)) {
            close(QStringLiteral("expected AgentHello with an X display"));
            return;
        }
        m_display = display;
        m_helloDeadline.stop();
        Q_EMIT greeted(this);
        return;
    }
    const quint32 id = message.u32(wire::Field::RequestId).value_or(0);
    switch (message.type()) {
    case wire::MessageType::AgentStarted: {
        // The VNC server's end of the socketpair came with this frame's first byte.
        const int fd = m_socket->takeReceivedFd();
        if (fd < 0) {
            close(QStringLiteral("AgentStarted without the VNC server's socket"));
            return;
        }
        const QPointer<AgentScreenBackend> backend = m_requests.value(id);
        if (!backend) {
            // Stopped meanwhile (or never asked for): this server is not wanted.
            ::close(fd);
            m_requests.remove(id);
            wire::Message stop(wire::MessageType::AgentStop);
            stop.setU32(wire::Field::RequestId, id);
            m_socket->send(stop);
            return;
        }
        backend->agentStarted(fd, message.u32(wire::Field::ProcessId).value_or(0));
        return;
    }
    case wire::MessageType::AgentEnded: {
        const QPointer<AgentScreenBackend> backend = m_requests.take(id);
        if (backend) {
            backend->agentEnded(QString::fromStdString(message.text(wire::Field::Reason)));
        }
        return;
    }
    default:
        close(QStringLiteral("message type %1 not allowed from a screen agent").arg(static_cast<int>(message.type())));
        return;
    }
}

// ---- ScreenAgents ----------------------------------------------------------------------------------------

ScreenAgents::ScreenAgents(const core::SradConfig& config, QObject* parent)
    : QObject(parent)
    , m_config(config)
    , m_server(this)
{}

ScreenAgents::~ScreenAgents()
{
    // Links first (they tell their backends), while the list they leave still exists.
    const QList<ScreenAgentLink*> links = std::exchange(m_links, {});
    for (ScreenAgentLink* link : links) {
        link->disconnect(this);
        delete link;
    }
}

QString ScreenAgents::socketPath(const core::SradConfig& config)
{
    return config.paths.screenAgentSocket();
}

bool ScreenAgents::listen(QString& error)
{
    if (m_server.isListening()) {
        return true;
    }
    const QString path = socketPath(m_config);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QLocalServer::removeServer(path); // a stale socket file from a previous srad
    if (!m_server.listen(path)) {
        error = tr("srad cannot create the screen agents' socket %1: %2. Check that the runtime directory is writable "
                   "by srad.")
                    .arg(path, m_server.errorString());
        return false;
    }
    // Anybody may connect: the session agent runs as the console user, who is not known in advance. The peer's
    // uid decides (authorization()); the card socket stays group-only (CardRelay::listen).
    const QByteArray name = QFile::encodeName(path);
    if (::chmod(name.constData(), 0666) != 0) {
        qCWarning(lcScreen).noquote() << "cannot make" << path << "reachable for the console user's agent";
    }

    // Without "x" for others on the runtime directory the console user cannot reach the socket at all (the
    // unit's RuntimeDirectoryMode=0751 gives it; a hand-made directory may not have it).
    struct stat st
    {};

    const QByteArray dir = QFile::encodeName(QFileInfo(path).absolutePath());
    if (::stat(dir.constData(), &st) == 0 && (st.st_mode & S_IXOTH) == 0) {
        qCWarning(lcScreen).noquote() << "the console user's screen agent cannot reach" << path
                                      << ": its directory has mode" << QString::number(st.st_mode & 07777, 8)
                                      << "(others need x; the packaged unit sets RuntimeDirectoryMode=0751)";
    }
    qCInfo(lcService).noquote() << "screen agent socket" << path;
    return true;
}

QString ScreenAgents::authorization(uid_t uid) const
{
    if (const auto active = activeSeatUid(m_config.paths.activeSeatFile()); active && *active == uid) {
        return QStringLiteral("the active user of seat0");
    }
    for (const QString& user : m_config.screenAgentUsers) {
        if (const auto allowed = uidOf(user); allowed && *allowed == uid) {
            return QStringLiteral("listed in [screen] agent_users");
        }
    }
    return {};
}

void ScreenAgents::onConnection(int fd)
{
    auto* socket = new core::UnixFrameSocket(fd, kMaxAgentFrame, this);
    const auto uid = socket->peerUid();
    const qint64 pid = socket->peerPid();
    const QString why = uid ? authorization(*uid) : QString();
    if (why.isEmpty()) {
        qCInfo(lcAudit).noquote() << "screen agent refused:"
                                  << (uid ? describePeer(*uid, pid) : QStringLiteral("unknown peer"))
                                  << "is neither the active user of seat0 nor listed in [screen] agent_users";
        socket->close(QStringLiteral("not authorized"));
        socket->deleteLater();
        return;
    }
    if (m_links.size() >= kMaxAgents) {
        qCWarning(lcScreen).noquote() << "screen agent" << describePeer(*uid, pid) << "refused: too many agents";
        socket->close(QStringLiteral("too many agents"));
        socket->deleteLater();
        return;
    }
    auto* link = new ScreenAgentLink(socket, *uid, pid, this);
    connect(link, &ScreenAgentLink::greeted, this, &ScreenAgents::onGreeted);
    connect(link, &ScreenAgentLink::gone, this, &ScreenAgents::onGone);
    m_links.append(link);
    qCInfo(lcScreen).noquote() << "screen agent" << link->describe() << QStringLiteral("connected (%1)").arg(why);
}

void ScreenAgents::onGreeted(ScreenAgentLink* link)
{
    // One agent per display: the newer one is the session that is there now (the older one may be a session
    // that ended without its agent noticing, or a restart of the agent).
    const QList<ScreenAgentLink*> links = m_links; // close() takes a link out of m_links
    for (ScreenAgentLink* other : links) {
        if (other != link && other->isGreeted() && other->display() == link->display()) {
            qCInfo(lcScreen).noquote() << "screen agent" << other->describe() << "replaced by" << link->describe();
            other->close(QStringLiteral("replaced by a newer agent on the same display"));
        }
    }
    qCInfo(lcAudit).noquote() << "screen agent ready:" << link->describe();
}

void ScreenAgents::onGone(ScreenAgentLink* link, const QString& reason)
{
    qCInfo(lcScreen).noquote() << "screen agent" << link->describe() << "gone:" << reason;
    m_links.removeOne(link);
    link->deleteLater();
}

ScreenAgentLink* ScreenAgents::agentFor(const QString& display, QString& why)
{
    // The console may have changed hands since an agent connected: only agents still authorized count.
    QList<ScreenAgentLink*> ready;
    const QList<ScreenAgentLink*> links = m_links; // close() takes a link out of m_links
    for (ScreenAgentLink* link : links) {
        if (!link->isGreeted()) {
            continue;
        }
        if (authorization(link->uid()).isEmpty()) {
            qCInfo(lcAudit).noquote() << "screen agent" << link->describe()
                                      << "closed: its user is no longer authorized";
            link->close(QStringLiteral("the user is no longer authorized"));
            continue;
        }
        ready.append(link);
    }
    for (ScreenAgentLink* link : std::as_const(ready)) {
        if (link->display() == display) {
            return link;
        }
    }
    if (ready.size() == 1) {
        return ready.first();
    }
    if (ready.isEmpty()) {
        why = QStringLiteral("no desktop session agent is connected: log in on the console (the agent starts with the "
                             "session) or run sra-screen-agent");
    } else {
        QStringList displays;
        for (const ScreenAgentLink* link : std::as_const(ready)) {
            displays.append(link->display());
        }
        why = QStringLiteral("several desktop sessions have an agent (displays %1) and none is on [screen] display %2")
                  .arg(displays.join(QStringLiteral(", ")), display);
    }
    return nullptr;
}

} // namespace sra::srad
