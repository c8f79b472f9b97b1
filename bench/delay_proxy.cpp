// A user-space TCP proxy that delays every byte by a fixed time in each direction (tc netem does not work on
// this kernel), for measuring the relay over a slow link on loopback. At exit (SIGTERM) it prints how many
// deliveries (reads that found data) each direction had: with the link idle between operations, a relayed
// signature that costs one round trip shows up as one delivery each way.
//   delay_proxy --listen PORT --to HOST:PORT --delay-ms N
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <deque>
#include <sys/socket.h>
#include <unistd.h>

namespace {
int g_pipe[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    (void)!::write(g_pipe[1], &c, 1);
}

// One direction of one connection: bytes wait `delay` ms before they are written on.
class DelayedPipe : public QObject
{
public:
    DelayedPipe(QTcpSocket* from, QTcpSocket* to, int delayMs, quint64* bursts, QObject* parent)
        : QObject(parent)
        , m_from(from)
        , m_to(to)
        , m_delayMs(delayMs)
        , m_bursts(bursts)
    {
        m_clock.start();
        m_timer.setSingleShot(true);
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this, &DelayedPipe::flush);
        connect(m_from, &QTcpSocket::readyRead, this, [this] {
            m_queue.push_back({m_clock.elapsed() + m_delayMs, m_from->readAll()});
            ++*m_bursts;
            if (!m_timer.isActive()) {
                m_timer.start(static_cast<int>(std::max<qint64>(0, m_queue.front().due - m_clock.elapsed())));
            }
        });
    }

private:
    void flush()
    {
        while (!m_queue.empty() && m_queue.front().due <= m_clock.elapsed()) {
            m_to->write(m_queue.front().data);
            m_queue.pop_front();
        }
        if (!m_queue.empty()) {
            m_timer.start(static_cast<int>(std::max<qint64>(0, m_queue.front().due - m_clock.elapsed())));
        }
    }

    struct Chunk
    {
        qint64 due;
        QByteArray data;
    };

    QTcpSocket* m_from;
    QTcpSocket* m_to;
    int m_delayMs;
    quint64* m_bursts;
    QElapsedTimer m_clock;
    QTimer m_timer;
    std::deque<Chunk> m_queue;
};
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("listen"),                        QStringLiteral("Port to listen on (127.0.0.1)."), QStringLiteral("port")},
        {                          QStringLiteral("to"), QStringLiteral("Where to forward: host:port."),                         QStringLiteral("target")                      },
        { QStringLiteral("delay-ms"),
         QStringLiteral("Delay in each direction."),
         QStringLiteral("ms"),
         QStringLiteral("25")},
    });
    parser.process(app);
    const QString target = parser.value(QStringLiteral("to"));
    const QString host = target.section(QLatin1Char(':'), 0, 0);
    const quint16 port = static_cast<quint16>(target.section(QLatin1Char(':'), 1, 1).toUInt());
    const int delay = parser.value(QStringLiteral("delay-ms")).toInt();
    quint64 clientToServer = 0;
    quint64 serverToClient = 0;

    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost,
                       static_cast<quint16>(parser.value(QStringLiteral("listen")).toUInt()))) {
        std::fprintf(stderr, "delay_proxy: cannot listen: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    QObject::connect(&server, &QTcpServer::newConnection, &app, [&] {
        while (QTcpSocket* client = server.nextPendingConnection()) {
            auto* upstream = new QTcpSocket(client);
            client->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            upstream->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            upstream->connectToHost(host, port);
            new DelayedPipe(client, upstream, delay, &clientToServer, client);
            new DelayedPipe(upstream, client, delay, &serverToClient, client);
            QObject::connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
            QObject::connect(upstream, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
        }
    });
    (void)::socketpair(AF_UNIX, SOCK_STREAM, 0, g_pipe);
    QSocketNotifier notifier(g_pipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&] {
        std::printf("delay_proxy: %llu client->server and %llu server->client deliveries\n",
                    static_cast<unsigned long long>(clientToServer),
                    static_cast<unsigned long long>(serverToClient));
        QCoreApplication::quit();
    });
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    std::printf("delay_proxy: 127.0.0.1:%u -> %s, %d ms each way\n", server.serverPort(), qPrintable(target), delay);
    std::fflush(stdout);
    return QCoreApplication::exec();
}
