#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

class QLocalSocket;
class QSslSocket;

namespace sra::core {
class ByteBridge;
}

namespace sra::srad {

// The srad end of one screen stream: the admin's second TLS connection, whose StreamOpen ticket was
// accepted, joined to the VNC server's local socket. Connects to the server, answers StreamReady, then
// pumps raw RFB both ways (core::ByteBridge: backpressured, bounded memory). finished() once both ends are
// closed, whichever ended first.
class ScreenStream : public QObject
{
    Q_OBJECT

public:
    // Takes ownership of `tls` (an encrypted, connected socket with nothing read past StreamOpen).
    ScreenStream(QSslSocket* tls, const QString& endpoint, const QString& peer, QObject* parent = nullptr);
    // The same with the VNC server already connected: `connectedSocket` is a UNIX stream socket (taken over)
    // whose peer is the server, e.g. the screen agent's x11vnc -inetd on the other end of a socketpair.
    ScreenStream(QSslSocket* tls, int connectedSocket, const QString& peer, QObject* parent = nullptr);
    ~ScreenStream() override;

    void start();
    void close(const QString& reason);

    QString peer() const
    {
        return m_peer;
    }

    qint64 bytesToAdmin() const;
    qint64 bytesFromAdmin() const;

Q_SIGNALS:
    void opened();
    void finished(const QString& reason);

private:
    void onLocalConnected();
    void fail(const QString& reason);
    void finish(const QString& reason);

    QSslSocket* m_tls;
    QLocalSocket* m_local;
    core::ByteBridge* m_bridge = nullptr;
    QString m_endpoint;
    int m_connectedSocket = -1;
    QString m_peer;
    QTimer m_grace;
    bool m_finished = false;
};

} // namespace sra::srad
