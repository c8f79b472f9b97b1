#include "core/net/ByteBridge.h"

#include <QElapsedTimer>
#include <QLocalServer>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>
#include <sys/socket.h>

using sra::core::ByteBridge;

namespace {

// One connected socket pair: `near` is handed to the bridge, `far` is the peer the test plays.
struct Pair
{
    std::unique_ptr<QIODevice> near;
    std::unique_ptr<QIODevice> far;
};

enum class Kind
{
    Tcp,
    Local
};

// Small kernel buffers, so that "the kernel's buffers are full" happens after a few hundred KiB instead of
// the megabytes loopback TCP autotunes to, and the backpressure checks below see a bounded steady state.
void shrinkKernelBuffers(qintptr fd)
{
    const int size = 64 * 1024;
    ::setsockopt(static_cast<int>(fd), SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    ::setsockopt(static_cast<int>(fd), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

Pair tcpPair()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0)) {
        qFatal("cannot listen on loopback");
    }
    auto client = std::make_unique<QTcpSocket>();
    client->connectToHost(QHostAddress::LocalHost, server.serverPort());
    if (!client->waitForConnected(5000) || !server.waitForNewConnection(5000)) {
        qFatal("loopback connection failed");
    }
    std::unique_ptr<QTcpSocket> accepted(server.nextPendingConnection());
    accepted->setParent(nullptr);
    shrinkKernelBuffers(client->socketDescriptor());
    shrinkKernelBuffers(accepted->socketDescriptor());
    return {std::move(accepted), std::move(client)};
}

Pair localPair(const QString& path)
{
    QLocalServer server;
    QLocalServer::removeServer(path);
    if (!server.listen(path)) {
        qFatal("cannot listen on a UNIX socket");
    }
    auto client = std::make_unique<QLocalSocket>();
    client->connectToServer(path);
    if (!client->waitForConnected(5000) || !server.waitForNewConnection(5000)) {
        qFatal("UNIX socket connection failed");
    }
    std::unique_ptr<QLocalSocket> accepted(server.nextPendingConnection());
    accepted->setParent(nullptr);
    shrinkKernelBuffers(client->socketDescriptor());
    shrinkKernelBuffers(accepted->socketDescriptor());
    return {std::move(accepted), std::move(client)};
}

// A byte sequence whose value depends on its offset (not with period 256), so a lost, repeated or reordered
// chunk shows up as a mismatch.
char patternAt(qint64 i)
{
    return static_cast<char>((i * 7 + (i >> 10) + (i >> 17)) & 0xFF);
}

QByteArray pattern(qint64 from, qint64 size)
{
    QByteArray out(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i) {
        out[i] = patternAt(from + i);
    }
    return out;
}

// Where the first byte differs from the pattern (-1: none), for a readable failure message.
qint64 firstMismatch(const QByteArray& got, qint64 from = 0)
{
    for (qint64 i = 0; i < got.size(); ++i) {
        if (got[i] != patternAt(from + i)) {
            return i;
        }
    }
    return -1;
}

bool isUnconnected(QIODevice* device)
{
    if (auto* s = qobject_cast<QAbstractSocket*>(device)) {
        return s->state() == QAbstractSocket::UnconnectedState;
    }
    if (auto* l = qobject_cast<QLocalSocket*>(device)) {
        return l->state() == QLocalSocket::UnconnectedState;
    }
    return !device->isOpen();
}

void setReadBufferSize(QIODevice* device, qint64 size)
{
    if (auto* s = qobject_cast<QAbstractSocket*>(device)) {
        s->setReadBufferSize(size);
    } else if (auto* l = qobject_cast<QLocalSocket*>(device)) {
        l->setReadBufferSize(size);
    }
}

// Lets the event loop run until `done` or `ms` passed.
template <typename F>
bool spinUntil(F done, int ms)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > ms) {
            return false;
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        QTest::qWait(1);
    }
    return true;
}

} // namespace

Q_DECLARE_METATYPE(Kind)

// The byte pump of both ends of a screen stream, over real loopback TCP and UNIX socket pairs: whatever one
// peer writes reaches the other intact, memory stays bounded when the reader is slow, and the end of either
// side (close, error, or close() from outside) ends the other after it got what was already delivered.
class TestByteBridge : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void copiesBothWays_data();
    void copiesBothWays();
    void bufferedBeforeStartIsPumped();
    void slowReaderIsBackpressured_data();
    void slowReaderIsBackpressured();
    void fullDuplexLargeTransfer();
    void peerCloseIsPropagatedAfterData_data();
    void peerCloseIsPropagatedAfterData();
    void peerErrorEndsTheBridge();
    void closedBeforeStart();
    void closeFromOutsideFlushesWhatWasForwarded();
    void closeGivesUpOnAPeerThatNeverReads();

private:
    Pair makePair(Kind kind)
    {
        return kind == Kind::Tcp ? tcpPair() : localPair(m_dir->filePath(QStringLiteral("s%1").arg(++m_sockets)));
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    int m_sockets = 0;
};

void TestByteBridge::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestByteBridge::cleanup()
{
    m_dir.reset();
}

void TestByteBridge::copiesBothWays_data()
{
    QTest::addColumn<Kind>("firstKind");
    QTest::addColumn<Kind>("secondKind");
    QTest::newRow("tcp-tcp") << Kind::Tcp << Kind::Tcp;
    QTest::newRow("local-local") << Kind::Local << Kind::Local;
    QTest::newRow("tcp-local") << Kind::Tcp << Kind::Local; // srad: TLS ↔ the VNC server's UNIX socket
}

void TestByteBridge::copiesBothWays()
{
    QFETCH(Kind, firstKind);
    QFETCH(Kind, secondKind);
    Pair a = makePair(firstKind);
    Pair b = makePair(secondKind);
    ByteBridge bridge(a.near.get(), b.near.get());
    bridge.start();

    a.far->write("RFB 003.008\n");
    QByteArray atB;
    QVERIFY(spinUntil(
        [&] {
            atB += b.far->readAll();
            return atB.size() >= 12;
        },
        5000));
    QCOMPARE(atB, QByteArray("RFB 003.008\n"));

    b.far->write("\x01\x02\x03", 3);
    QByteArray atA;
    QVERIFY(spinUntil(
        [&] {
            atA += a.far->readAll();
            return atA.size() >= 3;
        },
        5000));
    QCOMPARE(atA, QByteArray("\x01\x02\x03", 3));
    QCOMPARE(bridge.bytesFirstToSecond(), 12);
    QCOMPARE(bridge.bytesSecondToFirst(), 3);
    QVERIFY(!bridge.isFinished());
}

void TestByteBridge::bufferedBeforeStartIsPumped()
{
    Pair a = makePair(Kind::Tcp);
    Pair b = makePair(Kind::Local);
    a.far->write("early");
    QVERIFY(spinUntil([&] { return a.near->bytesAvailable() == 5; }, 5000)); // already in the bridge's side
    ByteBridge bridge(a.near.get(), b.near.get());
    bridge.start(); // no readyRead will come for those bytes: start() must take them
    QByteArray got;
    QVERIFY(spinUntil(
        [&] {
            got += b.far->readAll();
            return got.size() >= 5;
        },
        5000));
    QCOMPARE(got, QByteArray("early"));
}

void TestByteBridge::slowReaderIsBackpressured_data()
{
    QTest::addColumn<Kind>("kind");
    QTest::newRow("tcp") << Kind::Tcp;
    QTest::newRow("local") << Kind::Local;
}

// A viewer that stops reading must not make the bridge buffer the producer's stream: the bridge stops reading
// (its read buffer is capped), the kernel buffers fill, and the producer's own writes back up.
void TestByteBridge::slowReaderIsBackpressured()
{
    QFETCH(Kind, kind);
    constexpr qint64 kTotal = 8 * 1024 * 1024;
    Pair a = makePair(kind);
    Pair b = makePair(kind);
    ByteBridge bridge(a.near.get(), b.near.get());

    qint64 maxPendingWrite = 0; // on the bridge's side towards the slow reader
    qint64 maxReadBuffer = 0;   // on the bridge's side from the producer
    auto sample = [&] {
        maxPendingWrite = std::max(maxPendingWrite, b.near->bytesToWrite());
        maxReadBuffer = std::max(maxReadBuffer, a.near->bytesAvailable());
    };
    // Sample after every step of the bridge, not only when the test looks.
    connect(b.near.get(), &QIODevice::bytesWritten, this, sample);
    connect(a.near.get(), &QIODevice::readyRead, this, sample, Qt::QueuedConnection);
    bridge.start();

    setReadBufferSize(b.far.get(), 16 * 1024); // the "viewer" stops taking bytes out of the kernel
    a.far->write(pattern(0, kTotal));

    // Wait for the steady state: nothing moves any more.
    qint64 last = -1;
    QElapsedTimer stable;
    stable.start();
    QVERIFY(spinUntil(
        [&] {
            sample();
            if (bridge.bytesFirstToSecond() != last) {
                last = bridge.bytesFirstToSecond();
                stable.restart();
            }
            return stable.elapsed() > 300;
        },
        10000));
    QVERIFY2(bridge.bytesFirstToSecond() < kTotal / 2,
             qPrintable(QStringLiteral("the bridge took %1 bytes from a producer whose reader is stalled")
                            .arg(bridge.bytesFirstToSecond())));
    QVERIFY2(a.far->bytesToWrite() > kTotal / 2, "the producer is not held back");
    QVERIFY2(maxPendingWrite <= ByteBridge::kHighWater,
             qPrintable(QStringLiteral("%1 bytes queued towards the slow side").arg(maxPendingWrite)));
    QVERIFY2(maxReadBuffer <= ByteBridge::kHighWater,
             qPrintable(QStringLiteral("%1 bytes in the read buffer").arg(maxReadBuffer)));

    // The reader resumes: everything arrives, in order, and the bounds held throughout.
    setReadBufferSize(b.far.get(), 0);
    QByteArray got;
    got.reserve(kTotal);
    QVERIFY(spinUntil(
        [&] {
            sample();
            got += b.far->readAll();
            return got.size() >= kTotal;
        },
        20000));
    QCOMPARE(got.size(), kTotal);
    QCOMPARE(firstMismatch(got), -1);
    QCOMPARE(bridge.bytesFirstToSecond(), kTotal);
    QVERIFY(maxPendingWrite <= ByteBridge::kHighWater);
    QVERIFY(maxReadBuffer <= ByteBridge::kHighWater);
}

void TestByteBridge::fullDuplexLargeTransfer()
{
    constexpr qint64 kTotal = 4 * 1024 * 1024;
    Pair a = makePair(Kind::Tcp);
    Pair b = makePair(Kind::Local);
    ByteBridge bridge(a.near.get(), b.near.get());
    bridge.start();
    a.far->write(pattern(0, kTotal));
    b.far->write(pattern(1000, kTotal));
    QByteArray atA;
    QByteArray atB;
    QVERIFY(spinUntil(
        [&] {
            atA += a.far->readAll();
            atB += b.far->readAll();
            return atA.size() >= kTotal && atB.size() >= kTotal;
        },
        20000));
    QCOMPARE(firstMismatch(atB, 0), -1);
    QCOMPARE(firstMismatch(atA, 1000), -1);
    QCOMPARE(bridge.bytesFirstToSecond(), kTotal);
    QCOMPARE(bridge.bytesSecondToFirst(), kTotal);
}

void TestByteBridge::peerCloseIsPropagatedAfterData_data()
{
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<bool>("slowReader");
    QTest::newRow("tcp") << Kind::Tcp << false;
    QTest::newRow("local") << Kind::Local << false;
    // The producer closes while the bridge is backed up: the tail still waiting in the bridge must not be lost.
    QTest::newRow("tcp, backed up") << Kind::Tcp << true;
    QTest::newRow("local, backed up") << Kind::Local << true;
}

// The VNC server sends its last bytes and exits: the viewer gets every byte, then its connection closes, and
// the bridge reports which side ended.
void TestByteBridge::peerCloseIsPropagatedAfterData()
{
    QFETCH(Kind, kind);
    QFETCH(bool, slowReader);
    constexpr qint64 kTotal = 2 * 1024 * 1024;
    Pair a = makePair(kind);
    Pair b = makePair(kind);
    ByteBridge bridge(a.near.get(), b.near.get());
    QSignalSpy finished(&bridge, &ByteBridge::finished);
    bridge.start();

    if (slowReader) {
        setReadBufferSize(b.far.get(), 16 * 1024);
    }
    a.far->write(pattern(0, kTotal));
    if (auto* s = qobject_cast<QAbstractSocket*>(a.far.get())) {
        s->disconnectFromHost(); // after its pending writes: a clean FIN
    } else {
        qobject_cast<QLocalSocket*>(a.far.get())->disconnectFromServer();
    }
    QElapsedTimer clock;
    clock.start();
    if (slowReader) {
        QTest::qWait(300);
        setReadBufferSize(b.far.get(), 0);
    }
    QByteArray got;
    QVERIFY(spinUntil(
        [&] {
            got += b.far->readAll();
            return isUnconnected(b.far.get());
        },
        10000));
    // Closed because the bridge passed the close on, not because its grace period ran out.
    QVERIFY2(clock.elapsed() < ByteBridge::kCloseGraceMs, qPrintable(QString::number(clock.elapsed())));
    got += b.far->readAll();
    QCOMPARE(got.size(), kTotal);
    QCOMPARE(firstMismatch(got), -1);
    QVERIFY(spinUntil([&] { return finished.count() > 0; }, 5000));
    QTest::qWait(50); // a second finished() would come in here
    QCOMPARE(finished.count(), 1);
    QVERIFY(bridge.isFinished());
    QCOMPARE(bridge.reason(), QStringLiteral("first side closed by the peer"));
    QCOMPARE(finished.at(0).at(0).toString(), bridge.reason());
}

// The viewer's connection breaks (RST): the other side is closed too, well before the grace period.
void TestByteBridge::peerErrorEndsTheBridge()
{
    Pair a = makePair(Kind::Local);
    Pair b = makePair(Kind::Tcp);
    ByteBridge bridge(a.near.get(), b.near.get());
    QSignalSpy finished(&bridge, &ByteBridge::finished);
    bridge.start();
    a.far->write(pattern(0, 1024 * 1024)); // keep the bridge writing towards the side that breaks
    QVERIFY(spinUntil([&] { return bridge.bytesFirstToSecond() > 0; }, 5000));

    auto* viewer = qobject_cast<QTcpSocket*>(b.far.get());
    const linger hard{1, 0}; // close() then sends RST instead of FIN
    ::setsockopt(static_cast<int>(viewer->socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    QElapsedTimer clock;
    clock.start();
    viewer->abort();

    QVERIFY(spinUntil([&] { return finished.count() > 0; }, 10000));
    QVERIFY2(clock.elapsed() < ByteBridge::kCloseGraceMs, "the bridge waited for the grace period");
    QVERIFY2(bridge.reason().startsWith(QStringLiteral("second side")), qPrintable(bridge.reason()));
    QVERIFY(spinUntil([&] { return isUnconnected(a.far.get()); }, 5000)); // the VNC server is told
    QCOMPARE(finished.count(), 1);
}

void TestByteBridge::closedBeforeStart()
{
    Pair a = makePair(Kind::Tcp);
    Pair b = makePair(Kind::Local);
    qobject_cast<QLocalSocket*>(b.near.get())->abort();
    ByteBridge bridge(a.near.get(), b.near.get());
    QSignalSpy finished(&bridge, &ByteBridge::finished);
    bridge.start();
    QVERIFY(spinUntil([&] { return finished.count() > 0; }, 5000));
    QCOMPARE(bridge.reason(), QStringLiteral("second side closed before the bridge started"));
    QVERIFY(spinUntil([&] { return isUnconnected(a.far.get()); }, 5000));
    bridge.start(); // a second start() is a no-op, and emits nothing
    QTest::qWait(20);
    QCOMPARE(finished.count(), 1);
}

// close() from outside (session ended, ticket expired): what the bridge already took from one peer still
// reaches the other, then both peers see their connection close.
void TestByteBridge::closeFromOutsideFlushesWhatWasForwarded()
{
    Pair a = makePair(Kind::Tcp);
    Pair b = makePair(Kind::Tcp);
    ByteBridge bridge(a.near.get(), b.near.get());
    QSignalSpy finished(&bridge, &ByteBridge::finished);
    bridge.start();
    setReadBufferSize(b.far.get(), 16 * 1024);
    a.far->write(pattern(0, 4 * 1024 * 1024));
    QVERIFY(spinUntil([&] { return b.near->bytesToWrite() > 0; }, 5000)); // something is pending in the bridge

    // What the bridge has already taken from the producer (written on, or in its capped read buffer) is
    // passed on; nothing more is read from the producer.
    const qint64 taken = bridge.bytesFirstToSecond() + a.near->bytesAvailable();
    bridge.close(QStringLiteral("the session ended"));
    setReadBufferSize(b.far.get(), 0);
    QByteArray got;
    QVERIFY(spinUntil(
        [&] {
            got += b.far->readAll();
            return isUnconnected(b.far.get()) && isUnconnected(a.far.get());
        },
        10000));
    got += b.far->readAll();
    QCOMPARE(got.size(), taken);
    QCOMPARE(bridge.bytesFirstToSecond(), taken);
    QVERIFY(taken < 4 * 1024 * 1024);
    QCOMPARE(firstMismatch(got), -1);
    QVERIFY(spinUntil([&] { return finished.count() > 0; }, 5000));
    QCOMPARE(bridge.reason(), QStringLiteral("the session ended"));
    bridge.close(QStringLiteral("again")); // ignored once ending
    QCOMPARE(bridge.reason(), QStringLiteral("the session ended"));
    QCOMPARE(finished.count(), 1);
}

// A viewer that never reads again cannot keep the bridge (and its VNC server) alive: after kCloseGraceMs the
// pending bytes are dropped and both sides aborted.
void TestByteBridge::closeGivesUpOnAPeerThatNeverReads()
{
    Pair a = makePair(Kind::Local);
    Pair b = makePair(Kind::Local);
    ByteBridge bridge(a.near.get(), b.near.get());
    QSignalSpy finished(&bridge, &ByteBridge::finished);
    bridge.start();
    setReadBufferSize(b.far.get(), 16 * 1024);
    a.far->write(pattern(0, 4 * 1024 * 1024));
    QVERIFY(spinUntil([&] { return b.near->bytesToWrite() >= ByteBridge::kHighWater / 2; }, 5000));

    QElapsedTimer clock;
    clock.start();
    bridge.close(QStringLiteral("stop"));
    QVERIFY(spinUntil([&] { return finished.count() > 0; }, ByteBridge::kCloseGraceMs + 3000));
    const qint64 took = clock.elapsed();
    QVERIFY2(took >= ByteBridge::kCloseGraceMs - 200, qPrintable(QStringLiteral("gave up after %1 ms").arg(took)));
    QVERIFY(isUnconnected(a.near.get()));
    QVERIFY(isUnconnected(b.near.get()));
    QCOMPARE(finished.count(), 1);
}

QTEST_GUILESS_MAIN(TestByteBridge)
#include "TestByteBridge.moc"
