#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>

namespace sra::core {

// One reader as pcscd last reported it.
struct ReaderState
{
    QString name;
    bool cardPresent = false;
    QByteArray atr;         // empty without a card
    bool exclusive = false; // another application holds the card exclusively: connecting will fail for now
    bool inUse = false;     // some application (perhaps us) is connected to the card
    bool mute = false;      // a card is present but does not answer (no ATR): usually inserted the wrong way round

    bool operator==(const ReaderState&) const = default;
};

class ReaderMonitorThread;

// Live view of PC/SC readers and cards, for the admin GUI and CLI.
//
// A worker thread blocks in SCardGetStatusChange() with an INFINITE timeout over every reader plus the
// "\\?PnP?\Notification" pseudo-reader, so insertions, removals and reader hot-plug wake it immediately and
// nothing polls on our side. When pcscd goes away, the monitor reports serviceAvailableChanged(false), tries to
// establish a new context with a short backoff (250 ms doubling to 1 s: pcscd has no way to tell us that it is
// back), and carries on when it is.
//
// All signals are emitted in the thread that owns the monitor (the events are queued to it), in the order the
// worker saw them; readersChanged() comes before the cardInserted()/cardRemoved() of the same change, so a
// slot may consult currentReaders(). Use the monitor from its owner thread only.
class ReaderMonitor : public QObject
{
    Q_OBJECT

public:
    explicit ReaderMonitor(QObject* parent = nullptr);
    ~ReaderMonitor() override;

    // Starts the worker; the first readersChanged() follows as soon as pcscd answered. No-op when running.
    void start();
    // Wakes the worker with SCardCancel() and joins it. Called by the destructor.
    void stop();
    bool isRunning() const;

    QList<ReaderState> currentReaders() const
    {
        return m_readers;
    }

    bool isServiceAvailable() const
    {
        return m_serviceAvailable;
    }

Q_SIGNALS:
    void readersChanged(const QList<sra::core::ReaderState>& readers);
    void cardInserted(const QString& reader, const QByteArray& atr);
    void cardRemoved(const QString& reader);
    void serviceAvailableChanged(bool available);

private:
    friend class ReaderMonitorThread;

    // Called (queued, in the owner thread) by the worker of generation `generation`. Events of a worker that
    // was stopped and replaced are dropped.
    void deliverReaders(quint64 generation, const QList<ReaderState>& readers);
    void deliverInserted(quint64 generation, const QString& reader, const QByteArray& atr);
    void deliverRemoved(quint64 generation, const QString& reader);
    void deliverService(quint64 generation, bool available);

    std::unique_ptr<ReaderMonitorThread> m_thread;
    quint64 m_generation = 0;
    QList<ReaderState> m_readers;
    bool m_serviceAvailable = false;
};

} // namespace sra::core

Q_DECLARE_METATYPE(sra::core::ReaderState)
