#include "support/LinkProxy.h"

#include <QHostAddress>
#include <QList>
#include <QMetaObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <atomic>

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

    void cut(LinkProxy::Cut how)
    {
        m_state = how == LinkProxy::Cut::Reset ? State::Reset : State::Blackhole;
        if (m_state == State::Reset) {
            resetAll();
        }
    }

    void restore()
    {
        if (m_state == State::Blackhole) {
            resetAll();
        }
        m_state = State::Up;
    }

    void setTargetPort(quint16 port)
    {
        m_targetPort = port;
    }

    std::atomic<int> accepted{0};
    std::atomic<int> open{0};

private:
    enum class State
    {
        Up,
        Reset,
        Blackhole,
    };

    struct Pair
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> server;
    };

    void onNewConnection()
    {
        while (QTcpSocket* client = m_server->nextPendingConnection()) {
            ++accepted;
            client->setParent(this);
            if (m_state == State::Reset) {
                client->abort();
                client->deleteLater();
                continue;
            }
            if (m_state == State::Blackhole) {
                m_held.append(client); // never answered, reset on restore()
                continue;
            }
            relay(client);
        }
    }

    void relay(QTcpSocket* client)
    {
        auto* server = new QTcpSocket(this);
        m_pairs.append(Pair{client, server});
        ++open;
        auto pass = [this](QTcpSocket* from, QTcpSocket* to) {
            connect(from, &QTcpSocket::readyRead, this, [this, from, to] {
                if (m_state == State::Blackhole) {
                    return; // bytes pile up unread, as in a dead link
                }
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
        auto close = [this, client, server] {
            if (m_state == State::Blackhole) {
                return;
            }
            closePair(client, server);
        };
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
                --open;
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
        open = 0;
        for (QTcpSocket* held : std::exchange(m_held, {})) {
            if (held) {
                held->abort();
                held->deleteLater();
            }
        }
    }

    quint16 m_targetPort;
    QTcpServer* m_server = nullptr;
    State m_state = State::Up;
    QList<Pair> m_pairs;
    QList<QPointer<QTcpSocket>> m_held;
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

void LinkProxy::cut(Cut how)
{
    QMetaObject::invokeMethod(
        m_worker, [this, how] { m_worker->cut(how); }, Qt::BlockingQueuedConnection);
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

int LinkProxy::connectionsAccepted() const
{
    return m_worker->accepted.load();
}

int LinkProxy::connectionsOpen() const
{
    return m_worker->open.load();
}

} // namespace sra::test
