#include "core/session/ScreenTunnel.h"

#include "core/net/ByteBridge.h"
#include "core/net/QtBytes.h"
#include "core/session/AdminSession.h"
#include "core/session/ScreenGrant.h"
#include "core/session/SessionErrors.h"
#include "core/tls/Fingerprint.h"
#include "core/tls/PinnedTls.h"
#include "core/wire/Message.h"

#include <QCryptographicHash>
#include <QLocalSocket>
#include <QLoggingCategory>
#include <QSslConfiguration>
#include <QSslSocket>

#include <openssl/crypto.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sra::core {

Q_LOGGING_CATEGORY(lcTunnel, "sra.core.screentunnel", QtInfoMsg)

namespace {
// Only StreamReady or an Error can come before the raw stream; both are small.
constexpr std::uint32_t kMaxFrame = 4096;
} // namespace

ScreenTunnel::ScreenTunnel(QObject* parent)
    : QObject(parent)
    , m_decoder(kMaxFrame)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        fail(Failure::Timeout, tr("The remote machine did not open the screen stream in time."));
    });
}

ScreenTunnel::~ScreenTunnel()
{
    if (m_viewerFd >= 0) {
        ::close(m_viewerFd);
    }
    if (!m_ticket.isEmpty()) {
        OPENSSL_cleanse(m_ticket.data(), static_cast<std::size_t>(m_ticket.size()));
    }
    if (m_tls) {
        m_tls->disconnect(this);
        m_tls->abort();
    }
}

void ScreenTunnel::setViewerDevice(QIODevice* device)
{
    if (m_state == State::Idle) {
        m_viewer = device;
    }
}

void ScreenTunnel::open(const AdminSession& session, const ScreenGrant& grant)
{
    open(session.host(), session.port(), session.serverFingerprint(), grant.ticket);
}

void ScreenTunnel::open(const QString& host, quint16 port, const QByteArray& serverSha256, const QByteArray& ticket)
{
    if (m_state != State::Idle) {
        return;
    }
    m_host = host;
    m_port = port;
    m_expectedSha256 = serverSha256;
    m_ticket = QByteArray(ticket.constData(), ticket.size()); // our own buffer, wiped once sent
    m_state = State::Connecting;
    m_tls = new QSslSocket(this);
    // Trust is the pinned fingerprint of the session's server, checked in onEncrypted() before anything is sent.
    m_tls->setSslConfiguration(pinnedClientConfiguration());
    m_tls->setPeerVerifyName(host);
    connect(m_tls, &QSslSocket::sslErrors, m_tls, [this](const QList<QSslError>&) { m_tls->ignoreSslErrors(); });
    connect(m_tls, &QSslSocket::encrypted, this, &ScreenTunnel::onEncrypted);
    connect(m_tls, &QSslSocket::readyRead, this, &ScreenTunnel::onReadyRead);
    // Queued, as in AdminSession: the TLS backend reports handshake failures from inside its own processing.
    connect(m_tls, &QSslSocket::errorOccurred, this, &ScreenTunnel::onSocketError, Qt::QueuedConnection);
    m_timer.start(m_timeoutMs);
    m_tls->connectToHostEncrypted(host, port);
}

void ScreenTunnel::onEncrypted()
{
    const QByteArray presented = QCryptographicHash::hash(m_tls->peerCertificate().toDer(), QCryptographicHash::Sha256);
    if (m_expectedSha256.isEmpty() || presented != m_expectedSha256) {
        fail(Failure::IdentityMismatch,
             tr("The screen stream reached a machine with another identity than the session with %1 (%2 instead of "
                "%3). The connection was not used.")
                 .arg(m_host, formatFingerprint(presented), formatFingerprint(m_expectedSha256)));
        return;
    }
    wire::Message open(wire::MessageType::StreamOpen);
    open.set(wire::Field::Ticket, asByteView(m_ticket));
    auto frame = wire::encodeMessage(open);
    OPENSSL_cleanse(m_ticket.data(), static_cast<std::size_t>(m_ticket.size()));
    m_ticket.clear();
    if (!frame) {
        fail(Failure::ProtocolError,
             tr("The screen ticket is not valid (%1).").arg(QString::fromStdString(frame.error().detail)));
        return;
    }
    m_state = State::Opening;
    m_tls->write(reinterpret_cast<const char*>(frame->data()), static_cast<qint64>(frame->size()));
    OPENSSL_cleanse(frame->data(), frame->size());
    onReadyRead();
}

void ScreenTunnel::onReadyRead()
{
    // After StreamReady the bridge reads; before it, exactly one frame is taken and nothing beyond it (RFB bytes
    // that follow in the same segment stay in the socket for the bridge).
    while (m_state == State::Opening && m_tls->bytesAvailable() > 0) {
        const qint64 want = std::max<qint64>(1, static_cast<qint64>(m_decoder.bytesWanted()));
        m_decoder.feed(asByteView(m_tls->read(want)));
        if (m_decoder.error() != wire::FrameError::None) {
            fail(Failure::ProtocolError,
                 tr("The remote machine does not speak the SRA protocol on the screen stream."));
            return;
        }
        auto frame = m_decoder.next();
        if (!frame) {
            continue;
        }
        auto message = wire::decodeMessage(*frame);
        if (!message) {
            fail(Failure::ProtocolError, tr("The remote machine sent an invalid message on the screen stream."));
            return;
        }
        if (message->type() == wire::MessageType::StreamReady) {
            startBridge();
            return;
        }
        if (message->type() == wire::MessageType::Error) {
            const auto code = static_cast<wire::ErrorCode>(message->u32(wire::Field::ErrorCode).value_or(0));
            m_refusedCode = code;
            qCInfo(lcTunnel) << "screen stream refused:" << wire::errorCodeName(code);
            fail(Failure::Refused, serverErrorMessage(code));
            return;
        }
        fail(Failure::ProtocolError, tr("The remote machine sent an unexpected message on the screen stream."));
        return;
    }
}

void ScreenTunnel::onSocketError()
{
    if (!m_tls || m_state == State::Open || m_state == State::Closed) {
        return; // once open, the bridge reports the end
    }
    if (m_state == State::Opening) {
        onReadyRead(); // an Error frame that came with the close is the better explanation
        if (m_state != State::Opening) {
            return;
        }
        fail(Failure::ConnectFailed, tr("The remote machine closed the screen stream before it opened."));
        return;
    }
    const auto error = m_tls->error();
    if (error == QAbstractSocket::SslHandshakeFailedError || error == QAbstractSocket::SslInternalError
        || error == QAbstractSocket::SslInvalidUserDataError) {
        fail(Failure::TlsFailed,
             tr("The secure connection for the screen stream to %1 failed (%2).").arg(m_host, m_tls->errorString()));
    } else {
        fail(Failure::ConnectFailed,
             tr("Cannot connect to %1 port %2 for the screen stream: %3.")
                 .arg(m_host)
                 .arg(m_port)
                 .arg(m_tls->errorString()));
    }
}

void ScreenTunnel::startBridge()
{
    m_timer.stop();
    if (!m_viewer) {
        int fds[2] = {-1, -1};
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
            fail(Failure::LocalFailed, tr("Cannot create the local end of the screen stream."));
            return;
        }
        // Our end is non-blocking (Qt's event loop drives it); the viewer's end stays blocking, as
        // libvncclient expects of a socket it is given.
        ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
        m_pairSocket = new QLocalSocket(this);
        if (!m_pairSocket->setSocketDescriptor(fds[0], QLocalSocket::ConnectedState, QIODevice::ReadWrite)) {
            ::close(fds[0]);
            ::close(fds[1]);
            fail(Failure::LocalFailed, tr("Cannot create the local end of the screen stream."));
            return;
        }
        m_viewerFd = fds[1];
        m_viewer = m_pairSocket;
    }
    m_state = State::Open;
    m_bridge = new ByteBridge(m_tls, m_viewer, this);
    connect(m_bridge, &ByteBridge::finished, this, [this](const QString& why) {
        m_state = State::Closed;
        const QString reason = why.startsWith(QLatin1String("first"))
                                   ? tr("The remote machine ended the screen stream.")
                               : why.startsWith(QLatin1String("second")) ? tr("The viewer closed the screen stream.")
                                                                         : why;
        qCDebug(lcTunnel) << "screen stream closed:" << why;
        Q_EMIT closed(reason);
    });
    m_bridge->start();
    Q_EMIT ready();
}

int ScreenTunnel::takeViewerSocket()
{
    const int fd = m_viewerFd;
    m_viewerFd = -1;
    return fd;
}

qint64 ScreenTunnel::bytesFromServer() const
{
    return m_bridge ? m_bridge->bytesFirstToSecond() : 0;
}

qint64 ScreenTunnel::bytesToServer() const
{
    return m_bridge ? m_bridge->bytesSecondToFirst() : 0;
}

void ScreenTunnel::close()
{
    switch (m_state) {
    case State::Open:
        m_bridge->close(tr("The screen stream was closed on this side."));
        return;
    case State::Closed:
        return;
    default:
        m_timer.stop();
        if (m_tls) {
            m_tls->disconnect(this);
            m_tls->abort();
        }
        m_state = State::Closed;
        Q_EMIT closed(tr("The screen stream was closed on this side."));
        return;
    }
}

void ScreenTunnel::fail(Failure failure, const QString& message)
{
    if (m_state == State::Closed || m_state == State::Open) {
        return;
    }
    m_timer.stop();
    m_failure = failure;
    m_state = State::Closed;
    if (m_tls) {
        m_tls->disconnect(this);
        m_tls->abort();
    }
    qCDebug(lcTunnel) << "screen stream failed:" << failure << message;
    Q_EMIT failed(failure, message);
}

} // namespace sra::core
