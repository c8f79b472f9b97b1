#include "remote-service/ScreenStream.h"

#include "core/net/ByteBridge.h"
#include "core/wire/Message.h"
#include "remote-service/SradLogging.h"

#include <QLocalSocket>
#include <QSslSocket>

#include <unistd.h>
#include <utility>

namespace sra::srad {

namespace {
constexpr int kConnectTimeoutMs = 5000;
constexpr int kErrorGraceMs = 2000;

void writeMessage(QSslSocket* socket, const wire::Message& message)
{
    if (auto frame = wire::encodeMessage(message)) {
        socket->write(reinterpret_cast<const char*>(frame->data()), static_cast<qint64>(frame->size()));
    }
}
} // namespace

ScreenStream::ScreenStream(QSslSocket* tls, const QString& endpoint, const QString& peer, QObject* parent)
    : QObject(parent)
    , m_tls(tls)
    , m_local(new QLocalSocket(this))
    , m_endpoint(endpoint)
    , m_peer(peer)
{
    m_tls->setParent(this);
    m_grace.setSingleShot(true);
}

ScreenStream::ScreenStream(QSslSocket* tls, int connectedSocket, const QString& peer, QObject* parent)
    : ScreenStream(tls, QString(), peer, parent)
{
    m_connectedSocket = connectedSocket;
}

ScreenStream::~ScreenStream()
{
    if (m_connectedSocket >= 0) {
        ::close(m_connectedSocket); // never started
    }
    // Sockets are children; aborting first makes sure no pending write is attempted on a half-destroyed peer.
    m_tls->abort();
    m_local->abort();
}

qint64 ScreenStream::bytesToAdmin() const
{
    return m_bridge ? m_bridge->bytesSecondToFirst() : 0;
}

qint64 ScreenStream::bytesFromAdmin() const
{
    return m_bridge ? m_bridge->bytesFirstToSecond() : 0;
}

void ScreenStream::start()
{
    // Until the bridge runs, the admin side may only wait; a close from there ends the stream.
    connect(m_tls, &QSslSocket::disconnected, this, [this] {
        if (!m_bridge) {
            finish(QStringLiteral("the admin closed the stream before it opened"));
        }
    });
    connect(m_local, &QLocalSocket::connected, this, &ScreenStream::onLocalConnected);
    connect(
        m_local,
        &QLocalSocket::errorOccurred,
        this,
        [this](QLocalSocket::LocalSocketError) {
            if (!m_bridge) {
                fail(QStringLiteral("cannot reach the VNC server: ") + m_local->errorString());
            }
        },
        Qt::QueuedConnection);
    connect(
        &m_grace, &QTimer::timeout, this, [this] { fail(QStringLiteral("the VNC server did not answer in time")); });
    m_grace.start(kConnectTimeoutMs);
    if (m_connectedSocket >= 0) {
        // Already connected: whatever the server said so far (its RFB greeting) waits in the socket and is
        // read by the bridge, after StreamReady.
        const int fd = std::exchange(m_connectedSocket, -1);
        if (!m_local->setSocketDescriptor(fd, QLocalSocket::ConnectedState, QIODevice::ReadWrite)) {
            ::close(fd);
            QTimer::singleShot(0, this, [this] { fail(QStringLiteral("cannot take over the VNC server's socket")); });
            return;
        }
        QTimer::singleShot(0, this, &ScreenStream::onLocalConnected);
        return;
    }
    m_local->connectToServer(m_endpoint);
}

void ScreenStream::onLocalConnected()
{
    if (m_finished || m_bridge) {
        return; // closed meanwhile (a taken-over socket is "connected" one event-loop turn later)
    }
    m_grace.stop();
    // StreamReady goes out before any RFB byte: the bridge starts reading the VNC server only after this write.
    writeMessage(m_tls, wire::Message(wire::MessageType::StreamReady));
    m_bridge = new core::ByteBridge(m_tls, m_local, this);
    connect(m_bridge, &core::ByteBridge::finished, this, [this](const QString& why) {
        // first = the admin's TLS connection, second = the VNC server.
        finish(why.startsWith(QLatin1String("first"))    ? QStringLiteral("the admin closed the stream")
               : why.startsWith(QLatin1String("second")) ? QStringLiteral("the VNC server closed the stream")
                                                         : why);
    });
    m_bridge->start();
    Q_EMIT opened();
}

void ScreenStream::fail(const QString& reason)
{
    if (m_finished || m_bridge) {
        return;
    }
    qCWarning(lcScreen).noquote() << "stream from" << m_peer << "failed:" << reason;
    writeMessage(m_tls, wire::makeError(wire::ErrorCode::ScreenFailed, "VNC server unreachable"));
    m_tls->disconnectFromHost();
    m_local->abort();
    // The Error frame gets a moment to leave; then the stream is over either way.
    m_grace.disconnect(this);
    connect(&m_grace, &QTimer::timeout, this, [this, reason] { finish(reason); });
    m_grace.start(kErrorGraceMs);
}

void ScreenStream::close(const QString& reason)
{
    if (m_finished) {
        return;
    }
    if (m_bridge) {
        m_bridge->close(reason);
        return;
    }
    m_tls->disconnectFromHost();
    m_local->abort();
    finish(reason);
}

void ScreenStream::finish(const QString& reason)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    m_grace.stop();
    Q_EMIT finished(reason);
}

} // namespace sra::srad
