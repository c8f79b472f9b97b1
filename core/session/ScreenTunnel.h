#pragma once

#include "core/wire/Frame.h"
#include "core/wire/Message.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

#include <optional>

class QIODevice;
class QLocalSocket;
class QSslSocket;

namespace sra::core {

class AdminSession;
class ByteBridge;
struct ScreenGrant;

// The admin end of a screen stream. After a ScreenGrant it opens a second TLS 1.3 connection to the same
// host and port as the session, requires the very certificate the authenticated session saw (pinned by its
// SHA-256: a different one is refused without asking — the session already decided whom to trust),
// presents the ticket (StreamOpen) and waits for StreamReady. From then on it carries raw RFB between srad
// and the local viewer:
//
//  - by default the viewer's end is one side of a socketpair(): takeViewerSocket() gives its descriptor to a
//    VNC client (libvncclient: `client->sock = fd; client->listenSpecified = TRUE;` before rfbInitClient(),
//    which then owns and closes it);
//  - or setViewerDevice() before open(): an already connected socket (sra-connect --screen uses the TCP
//    connection of an external viewer).
//
// Both directions are backpressured (core::ByteBridge). closed() comes once when either end finished;
// failed() instead when the tunnel never opened (with a translated sentence). Nothing is retried: a ticket
// works once.
class ScreenTunnel : public QObject
{
    Q_OBJECT

public:
    enum class State
    {
        Idle,
        Connecting, // TCP + TLS
        Opening,    // StreamOpen sent, waiting for StreamReady
        Open,
        Closed,
    };
    Q_ENUM(State)

    enum class Failure
    {
        None,
        ConnectFailed,
        TlsFailed,
        IdentityMismatch, // not the certificate of the authenticated session
        Refused,          // srad answered Error: refusedCode() says which (ticket unknown/expired/used, ...)
        ProtocolError,
        Timeout,
        LocalFailed, // socketpair() or the viewer device failed
    };
    Q_ENUM(Failure)

    explicit ScreenTunnel(QObject* parent = nullptr);
    ~ScreenTunnel() override;

    // Instead of a socketpair: bridge to this connected socket (QAbstractSocket or QLocalSocket, not owned).
    void setViewerDevice(QIODevice* device);

    // `serverSha256` is the SHA-256 of the certificate the session authenticated (AdminSession::serverFingerprint()).
    void open(const QString& host, quint16 port, const QByteArray& serverSha256, const QByteArray& ticket);
    void open(const AdminSession& session, const ScreenGrant& grant);
    void close();

    // Open: the viewer's end of the socketpair (ownership passes to the caller; -1 after the first call, and
    // with setViewerDevice()).
    int takeViewerSocket();

    State state() const
    {
        return m_state;
    }

    Failure failure() const
    {
        return m_failure;
    }

    std::optional<wire::ErrorCode> refusedCode() const
    {
        return m_refusedCode;
    }

    qint64 bytesFromServer() const;
    qint64 bytesToServer() const;

    void setTimeout(int ms)
    {
        m_timeoutMs = ms;
    }

Q_SIGNALS:
    void ready();
    void failed(sra::core::ScreenTunnel::Failure failure, const QString& message);
    void closed(const QString& reason);

private:
    void onEncrypted();
    void onReadyRead();
    void onSocketError();
    void startBridge();
    void fail(Failure failure, const QString& message);

    QSslSocket* m_tls = nullptr;
    QIODevice* m_viewer = nullptr;        // external device, or m_pairSocket
    QLocalSocket* m_pairSocket = nullptr; // our end of the socketpair
    int m_viewerFd = -1;                  // the other end, until taken
    ByteBridge* m_bridge = nullptr;
    wire::FrameDecoder m_decoder;
    QByteArray m_expectedSha256;
    QByteArray m_ticket;
    QString m_host;
    quint16 m_port = 0;
    QTimer m_timer;
    int m_timeoutMs = 15000;
    State m_state = State::Idle;
    Failure m_failure = Failure::None;
    std::optional<wire::ErrorCode> m_refusedCode;
};

} // namespace sra::core
