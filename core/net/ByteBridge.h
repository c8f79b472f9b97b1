#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

class QIODevice;

namespace sra::core {

// Copies bytes both ways between two connected sockets (QAbstractSocket incl. QSslSocket, or QLocalSocket):
// the screen stream on srad (TLS ↔ the VNC server's UNIX socket) and on the admin side (TLS ↔ the VNC
// client's end of a socketpair) use the same pump.
//
// Backpressure: a side is read only while the other side has less than kHighWater bytes waiting to be
// written, and each side's Qt read buffer is capped at kHighWater, so a fast producer fills the kernel's
// socket buffers and is then slowed by TCP / the UNIX socket itself instead of growing our memory. Memory per
// bridge is therefore bounded by about 4 × kHighWater whatever the peers do.
//
// When either side ends (closed, error), what it had already delivered is passed on, the other side is
// closed after its pending writes went out, and finished() is emitted once both are closed (at the latest
// after kCloseGraceMs, then by abort). The devices are not owned.
class ByteBridge : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kHighWater = 256 * 1024;
    static constexpr int kCloseGraceMs = 3000;

    ByteBridge(QIODevice* first, QIODevice* second, QObject* parent = nullptr);

    // Starts pumping (also whatever both sides have buffered already).
    void start();
    // Ends the bridge from outside: both sides are closed after their pending writes.
    void close(const QString& reason);

    bool isFinished() const
    {
        return m_finished;
    }

    QString reason() const
    {
        return m_reason;
    }

    qint64 bytesFirstToSecond() const
    {
        return m_firstToSecond;
    }

    qint64 bytesSecondToFirst() const
    {
        return m_secondToFirst;
    }

Q_SIGNALS:
    // Once, after both sides are closed; `reason` says which side ended first and why.
    void finished(const QString& reason);

private:
    void watch(QIODevice* side);
    void pump(QIODevice* from, QIODevice* to);
    void sideEnded(QIODevice* side, const QString& why);
    void closeSide(QIODevice* side, bool force);
    void finishIfClosed();
    void finish();

    QIODevice* other(QIODevice* side) const
    {
        return side == m_first ? m_second : m_first;
    }

    QIODevice* m_first;
    QIODevice* m_second;
    qint64 m_firstToSecond = 0;
    qint64 m_secondToFirst = 0;
    bool m_started = false;
    bool m_ending = false;
    bool m_finished = false;
    QString m_reason;
    QTimer m_grace;
};

} // namespace sra::core
