#include "support/LinkProxy.h"

#include <QHostAddress>
#include <QList>
#include <QMetaObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

namespace sra::test {

class LinkProxyWorker : public QObject
{
public:
    explicit LinkProxyWorker(quint16 targetPort)
        : m_targetPort(targetPort)
    {}

    quint16 listen()
    {
        m_server = new QTcpServer(this);
        if (!m_server->listen(QHostAddress::LocalHost, 0)) {
            return 0;
        }
        connect(m_server, &QTcpServer::newConnection, this, &LinkProxyWorker::onNewConnection);
        return m_server->serverPort();
    }

    void cut()
    {
        m_cut = true;
        resetAll();
    }

    void restore()
    {
        m_cut = false;
    }

    void setTargetPort(quint16 port)
    {
        m_targetPort = port;
    }

private:
    struct Pair
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> server;
    };

    void onNewConnection()
    {
        while (QTcpSocket* client = m_server->nextPendingConnection()) {
            client->setParent(this);
            if (m_cut) {
                client->abort();
                client->deleteLater();
                continue;
            }
            relay(client);
        }
    }

    void relay(QTcpSocket* client)
    {
        auto* server = new QTcpSocket(this);
        m_pairs.append(Pair{client, server});
        auto pass = [this](QTcpSocket* from, QTcpSocket* to) {
            connect(from, &QTcpSocket::readyRead, this, [from, to] {
                if (to->state() == QAbstractSocket::ConnectedState) {
                    to->write(from->readAll());
                }
            });
        };
        pass(client, server);
        pass(server, client);
        connect(server, &QTcpSocket::connected, this, [client, server] {
            if (client->bytesAvailable() > 0) {
                server->write(client->readAll());
            }
        });
        auto close = [this, client, server] { closePair(client, server); };
        connect(client, &QTcpSocket::disconnected, this, close);
        connect(server, &QTcpSocket::disconnected, this, close);
        connect(server, &QTcpSocket::errorOccurred, this, close);
        server->connectToHost(QHostAddress::LocalHost, m_targetPort);
    }

    void closePair(QTcpSocket* client, QTcpSocket* server)
    {
        for (qsizetype i = 0; i < m_pairs.size(); ++i) {
            if (m_pairs[i].client == client) {
                m_pairs.removeAt(i);
                break;
            }
        }
        for (QTcpSocket* socket : {client, server}) {
            if (socket) {
                socket->disconnect(this);
                socket->disconnectFromHost();
                socket->deleteLater();
            }
        }
    }

    void resetAll()
    {
        for (const Pair& pair : std::exchange(m_pairs, {})) {
            for (QTcpSocket* socket : {pair.client.data(), pair.server.data()}) {
                if (socket) {
                    socket->disconnect(this);
                    socket->abort();
                    socket->deleteLater();
                }
            }
        }
    }

    quint16 m_targetPort;
    QTcpServer* m_server = nullptr;
    bool m_cut = false;
    QList<Pair> m_pairs;
};

LinkProxy::LinkProxy(quint16 targetPort)
    : m_thread(std::make_unique<QThread>())
    , m_worker(new LinkProxyWorker(targetPort))
{
    m_thread->setObjectName(QStringLiteral("link-proxy"));
    m_worker->moveToThread(m_thread.get());
    QObject::connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
    QMetaObject::invokeMethod(
        m_worker, [this] { m_port = m_worker->listen(); }, Qt::BlockingQueuedConnection);
}

LinkProxy::~LinkProxy()
{
    m_thread->quit();
    m_thread->wait();
}

void LinkProxy::cut()
{
    QMetaObject::invokeMethod(
        m_worker, [this] { m_worker->cut(); }, Qt::BlockingQueuedConnection);
}

void LinkProxy::restore()
{
    QMetaObject::invokeMethod(
        m_worker, [this] { m_worker->restore(); }, Qt::BlockingQueuedConnection);
}

void LinkProxy::setTargetPort(quint16 port)
{
    QMetaObject::invokeMethod(
        m_worker, [this, port] { m_worker->setTargetPort(port); }, Qt::BlockingQueuedConnection);
}

} // namespace sra::test
