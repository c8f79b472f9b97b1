#include "core/net/ByteBridge.h"

#include <QAbstractSocket>
#include <QLocalSocket>

#include <algorithm>

namespace sra::core {

namespace {
constexpr qint64 kChunk = 64 * 1024;

bool isClosed(QIODevice* side)
{
    if (auto* s = qobject_cast<QAbstractSocket*>(side)) {
        return s->state() == QAbstractSocket::UnconnectedState;
    }
    if (auto* l = qobject_cast<QLocalSocket*>(side)) {
        return l->state() == QLocalSocket::UnconnectedState;
    }
    return !side->isOpen();
}
} // namespace

ByteBridge::ByteBridge(QIODevice* first, QIODevice* second, QObject* parent)
    : QObject(parent)
    , m_first(first)
    , m_second(second)
{
    m_grace.setSingleShot(true);
    connect(&m_grace, &QTimer::timeout, this, [this] {
        closeSide(m_first, true);
        closeSide(m_second, true);
        finish();
    });
}

void ByteBridge::watch(QIODevice* side)
{
    // Qt stops reading from the kernel when this buffer is full; together with pump() not reading while the
    // other side is backed up, that is what turns a slow reader into backpressure on the fast writer.
    if (auto* s = qobject_cast<QAbstractSocket*>(side)) {
        s->setReadBufferSize(kHighWater);
        // Queued: Qt's TLS backend reports errors from inside its own processing (see ServerSession).
        connect(
            s,
            &QAbstractSocket::errorOccurred,
            this,
            [this, s](QAbstractSocket::SocketError e) {
                sideEnded(s,
                          e == QAbstractSocket::RemoteHostClosedError ? QStringLiteral("closed by the peer")
                                                                      : s->errorString());
            },
            Qt::QueuedConnection);
        connect(
            s, &QAbstractSocket::disconnected, this, [this, s] { sideEnded(s, QStringLiteral("closed by the peer")); });
    } else if (auto* l = qobject_cast<QLocalSocket*>(side)) {
        l->setReadBufferSize(kHighWater);
        connect(
            l,
            &QLocalSocket::errorOccurred,
            this,
            [this, l](QLocalSocket::LocalSocketError e) {
                sideEnded(l,
                          e == QLocalSocket::PeerClosedError ? QStringLiteral("closed by the peer") : l->errorString());
            },
            Qt::QueuedConnection);
        connect(
            l, &QLocalSocket::disconnected, this, [this, l] { sideEnded(l, QStringLiteral("closed by the peer")); });
    }
    connect(side, &QIODevice::readyRead, this, [this, side] { pump(side, other(side)); });
    connect(side, &QIODevice::readChannelFinished, this, [this, side] {
        sideEnded(side, QStringLiteral("closed by the peer"));
    });
    // Room on this side: resume reading the other one.
    connect(side, &QIODevice::bytesWritten, this, [this, side] {
        pump(other(side), side);
        finishIfClosed();
    });
}

void ByteBridge::start()
{
    if (m_started) {
        return;
    }
    m_started = true;
    watch(m_first);
    watch(m_second);
    pump(m_first, m_second);
    pump(m_second, m_first);
    if (isClosed(m_first)) {
        sideEnded(m_first, QStringLiteral("closed before the bridge started"));
    } else if (isClosed(m_second)) {
        sideEnded(m_second, QStringLiteral("closed before the bridge started"));
    }
}

void ByteBridge::pump(QIODevice* from, QIODevice* to)
{
    if (m_finished || !to->isWritable()) {
        return;
    }
    qint64& counter = from == m_first ? m_firstToSecond : m_secondToFirst;
    while (from->bytesAvailable() > 0) {
        const qint64 room = kHighWater - to->bytesToWrite();
        if (room <= 0) {
            return; // resumed by to's bytesWritten
        }
        const QByteArray chunk = from->read(std::min(room, kChunk));
        if (chunk.isEmpty()) {
            return;
        }
        if (to->write(chunk) != chunk.size()) {
            sideEnded(to, QStringLiteral("write failed: ") + to->errorString());
            return;
        }
        counter += chunk.size();
    }
}

void ByteBridge::sideEnded(QIODevice* side, const QString& why)
{
    if (m_finished) {
        return;
    }
    if (!m_ending) {
        m_ending = true;
        m_reason = (side == m_first ? QStringLiteral("first side ") : QStringLiteral("second side ")) + why;
        // What the ending side delivered before it went still reaches the other side.
        pump(side, other(side));
        closeSide(side, false);
        closeSide(other(side), false);
        m_grace.start(kCloseGraceMs);
    }
    finishIfClosed();
}

void ByteBridge::close(const QString& reason)
{
    if (m_finished || m_ending) {
        return;
    }
    m_ending = true;
    m_reason = reason;
    closeSide(m_first, false);
    closeSide(m_second, false);
    m_grace.start(kCloseGraceMs);
    finishIfClosed();
}

void ByteBridge::closeSide(QIODevice* side, bool force)
{
    // disconnectFrom…() first writes what is pending, then closes; abort() drops it.
    if (auto* s = qobject_cast<QAbstractSocket*>(side)) {
        if (force) {
            s->abort();
        } else if (s->state() != QAbstractSocket::UnconnectedState) {
            s->disconnectFromHost();
        }
    } else if (auto* l = qobject_cast<QLocalSocket*>(side)) {
        if (force) {
            l->abort();
        } else if (l->state() != QLocalSocket::UnconnectedState) {
            l->disconnectFromServer();
        }
    } else {
        side->close();
    }
}

void ByteBridge::finishIfClosed()
{
    if (m_ending && !m_finished && isClosed(m_first) && isClosed(m_second)) {
        finish();
    }
}

void ByteBridge::finish()
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    m_grace.stop();
    Q_EMIT finished(m_reason);
}

} // namespace sra::core
