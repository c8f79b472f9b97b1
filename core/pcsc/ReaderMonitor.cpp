#include "core/pcsc/ReaderMonitor.h"

#include "core/pcsc/PcscContext.h"
#include "core/pcsc/PcscError.h"
#include "core/pcsc/PcscLogging.h"
#include "core/pcsc/ReaderStateDiff.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QThread>

#include <winscard.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace sra::core {

namespace {

// pcsc-lite's pseudo-reader whose state changes when a reader is added or removed.
constexpr char kPnpNotification[] = "\\\\?PnP?\\Notification";

constexpr int kFirstBackoffMs = 250;
constexpr int kMaxBackoffMs = 1000;

// pcsc-lite keeps a per-reader event counter in the upper 16 bits of dwEventState; a change of it while a card
// stays present means the card was removed and (another one) inserted between two wake-ups.
int eventCounter(DWORD state)
{
    return static_cast<int>((state >> 16) & 0xFFFFU);
}

} // namespace

// The worker. It owns its SCARDCONTEXT; the only thing other threads do with it is SCardCancel(), under
// m_mutex so that it never meets a context being released.
class ReaderMonitorThread : public QThread
{
public:
    ReaderMonitorThread(ReaderMonitor* monitor, quint64 generation)
        : m_monitor(monitor)
        , m_generation(generation)
    {
        setObjectName(QStringLiteral("ReaderMonitor"));
    }

    // Asks the worker to finish and wakes it wherever it waits. pcsc-lite drops an SCardCancel() that arrives
    // while the worker is between two SCardGetStatusChange() calls, so the caller repeats it until the worker
    // has ended (see ReaderMonitor::stop()).
    void requestStop()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
            if (m_hasContext) {
                SCardCancel(m_context);
            }
        }
        m_wake.notify_all();
    }

protected:
    void run() override;

private:
    bool stopRequested()
    {
        std::lock_guard lock(m_mutex);
        return m_stop;
    }

    // Waits `ms` or until stop is requested; true when stop was requested.
    bool sleepUnlessStopped(int ms)
    {
        std::unique_lock lock(m_mutex);
        return m_wake.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_stop; });
    }

    bool establish();
    void dropContext();
    bool rebuildReaderStates();
    void processStates();
    void publish(ReaderSnapshot snapshot);
    void publishService(bool available);

    ReaderMonitor* m_monitor;
    const quint64 m_generation;

    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;        // guarded by m_mutex
    SCARDCONTEXT m_context = 0; // written under m_mutex, read freely by the worker
    bool m_hasContext = false;  // written under m_mutex by the worker, which alone reads it unlocked

    // Worker-only state.
    std::vector<QByteArray> m_names;         // backing storage for szReader pointers, PnP entry last
    std::vector<SCARD_READERSTATE> m_states; // one per reader, then the PnP pseudo-reader
    ReaderSnapshot m_reported;               // what the owner has been told
    bool m_serviceReported = false;          // whether the owner has heard "available"
    bool m_serviceKnown = false;             // whether the owner has heard anything about the service yet
};

bool ReaderMonitorThread::establish()
{
    SCARDCONTEXT context = 0;
    const LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
    if (rv != SCARD_S_SUCCESS) {
        qCDebug(lcPcsc) << "monitor: no PC/SC service:" << pcsc_stringify_error(rv);
        return false;
    }
    std::lock_guard lock(m_mutex);
    m_context = context;
    m_hasContext = true;
    return true;
}

void ReaderMonitorThread::dropContext()
{
    std::lock_guard lock(m_mutex);
    if (m_hasContext) {
        SCardReleaseContext(m_context);
        m_hasContext = false;
        m_context = 0;
    }
}

// Re-reads the reader list and rebuilds the SCardGetStatusChange() array. Readers we already watch keep their
// last known state so that rebuilding does not report their cards again. False when the service was lost.
bool ReaderMonitorThread::rebuildReaderStates()
{
    QStringList names;
    DWORD size = 0;
    LONG rv = SCardListReaders(m_context, nullptr, nullptr, &size);
    if (rv == SCARD_S_SUCCESS && size > 0 && size <= PcscContext::kMaxReaderListSize) {
        std::vector<char> buffer(size);
        rv = SCardListReaders(m_context, nullptr, buffer.data(), &size);
        if (rv == SCARD_S_SUCCESS) {
            names = parseMultiString(buffer.data(), std::min<std::size_t>(size, buffer.size()));
        }
    }
    if (isServiceLost(rv)) {
        return false;
    }
    if (rv != SCARD_S_SUCCESS && rv != SCARD_E_NO_READERS_AVAILABLE) {
        // Typically a reader appeared between the two calls; the PnP entry will wake us again for it.
        qCDebug(lcPcsc) << "monitor: SCardListReaders:" << pcsc_stringify_error(rv);
    }

    QHash<QString, DWORD> previous;
    DWORD pnpState = 0;
    for (std::size_t i = 0; i < m_states.size(); ++i) {
        if (i + 1 == m_states.size()) {
            pnpState = m_states[i].dwCurrentState;
        } else {
            previous.insert(QString::fromUtf8(m_names[i]), m_states[i].dwCurrentState);
        }
    }

    m_names.clear();
    for (const QString& name : names) {
        m_names.push_back(name.toUtf8());
    }
    m_names.emplace_back(kPnpNotification);
    m_states.assign(m_names.size(), SCARD_READERSTATE{});
    for (std::size_t i = 0; i < m_names.size(); ++i) {
        m_states[i].szReader = m_names[i].constData();
        m_states[i].dwCurrentState = SCARD_STATE_UNAWARE;
    }
    for (std::size_t i = 0; i + 1 < m_names.size(); ++i) {
        m_states[i].dwCurrentState = previous.value(names[static_cast<qsizetype>(i)], SCARD_STATE_UNAWARE);
        // Keep what the owner was told as the event state until the next wait says otherwise.
        m_states[i].dwEventState = m_states[i].dwCurrentState;
    }
    // pcsc-lite keeps the reader count in the upper bits of the PnP entry's state; carrying it over means
    // "wake me when the count differs from what I have just listed".
    m_states.back().dwCurrentState = pnpState;
    return true;
}

void ReaderMonitorThread::processStates()
{
    ReaderSnapshot snapshot;
    for (std::size_t i = 0; i + 1 < m_states.size(); ++i) {
        SCARD_READERSTATE& s = m_states[i];
        const DWORD state = s.dwEventState;
        s.dwCurrentState = state & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
        if (state & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE | SCARD_STATE_IGNORE)) {
            continue; // the reader is going away; the PnP entry tells us and we rebuild
        }
        ReaderState r;
        r.name = QString::fromUtf8(m_names[i]);
        r.cardPresent = (state & SCARD_STATE_PRESENT) != 0;
        if (r.cardPresent) {
            r.atr = QByteArray(reinterpret_cast<const char*>(s.rgbAtr),
                               static_cast<qsizetype>(std::min<DWORD>(s.cbAtr, MAX_ATR_SIZE)));
        }
        r.exclusive = (state & SCARD_STATE_EXCLUSIVE) != 0;
        r.inUse = (state & SCARD_STATE_INUSE) != 0;
        r.mute = (state & SCARD_STATE_MUTE) != 0;
        snapshot.eventCounters.insert(r.name, eventCounter(state));
        snapshot.readers.append(r);
    }
    publish(std::move(snapshot));
}

// Tells the owner what changed since the last report: the new list first, then removals, then insertions.
void ReaderMonitorThread::publish(ReaderSnapshot snapshot)
{
    ReaderMonitor* monitor = m_monitor;
    const quint64 generation = m_generation;

    if (snapshot.readers != m_reported.readers) {
        QMetaObject::invokeMethod(
            monitor,
            [=, readers = snapshot.readers] { monitor->deliverReaders(generation, readers); },
            Qt::QueuedConnection);
    }
    const QList<CardEvent> events = cardEvents(m_reported, snapshot);
    for (const CardEvent& event : events) {
        if (event.kind == CardEvent::Kind::Removed) {
            QMetaObject::invokeMethod(
                monitor, [=] { monitor->deliverRemoved(generation, event.reader); }, Qt::QueuedConnection);
        } else {
            QMetaObject::invokeMethod(
                monitor, [=] { monitor->deliverInserted(generation, event.reader, event.atr); }, Qt::QueuedConnection);
        }
    }
    m_reported = std::move(snapshot);
}

void ReaderMonitorThread::publishService(bool available)
{
    if (m_serviceKnown && m_serviceReported == available) {
        return;
    }
    m_serviceKnown = true;
    m_serviceReported = available;
    qCInfo(lcPcsc) << "PC/SC service" << (available ? "available" : "unavailable");
    ReaderMonitor* monitor = m_monitor;
    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(
        monitor, [=] { monitor->deliverService(generation, available); }, Qt::QueuedConnection);
    if (!available) {
        // Without a service there are no readers: report the cards as removed, the list as empty.
        publish({});
        m_states.clear();
        m_names.clear();
    }
}

void ReaderMonitorThread::run()
{
    int backoffMs = 0;
    bool needRebuild = true;
    while (!stopRequested()) {
        if (!m_hasContext) {
            if (backoffMs > 0 && sleepUnlessStopped(backoffMs)) {
                break;
            }
            if (!establish()) {
                publishService(false);
                // The one wait we cannot avoid: pcscd has no way to announce that it is back.
                backoffMs = backoffMs == 0 ? kFirstBackoffMs : std::min(backoffMs * 2, kMaxBackoffMs);
                continue;
            }
            backoffMs = 0;
            needRebuild = true;
            publishService(true);
        }
        if (needRebuild) {
            if (!rebuildReaderStates()) {
                dropContext();
                publishService(false);
                continue;
            }
            needRebuild = false;
        }

        const LONG rv = SCardGetStatusChange(m_context, INFINITE, m_states.data(), static_cast<DWORD>(m_states.size()));
        if (stopRequested()) {
            break;
        }
        if (rv == SCARD_S_SUCCESS) {
            SCARD_READERSTATE& pnp = m_states.back();
            if (pnp.dwEventState & SCARD_STATE_CHANGED) {
                needRebuild = true;
            }
            pnp.dwCurrentState = pnp.dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
            processStates();
            for (std::size_t i = 0; i + 1 < m_states.size(); ++i) {
                if (m_states[i].dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE)) {
                    needRebuild = true;
                }
            }
        } else if (isServiceLost(rv)) {
            qCInfo(lcPcsc) << "monitor: PC/SC service lost:" << pcsc_stringify_error(rv);
            dropContext();
            publishService(false);
        } else if (rv == SCARD_E_UNKNOWN_READER || rv == SCARD_E_READER_UNAVAILABLE) {
            needRebuild = true;
        } else if (rv != SCARD_E_CANCELLED && rv != SCARD_E_TIMEOUT) {
            // Unexpected: do not spin on a persistent failure, and start over from a fresh list.
            qCWarning(lcPcsc) << "monitor: SCardGetStatusChange:" << pcsc_stringify_error(rv);
            needRebuild = true;
            if (sleepUnlessStopped(kFirstBackoffMs)) {
                break;
            }
        }
    }
    dropContext();
}

ReaderMonitor::ReaderMonitor(QObject* parent)
    : QObject(parent)
{}

ReaderMonitor::~ReaderMonitor()
{
    stop();
}

void ReaderMonitor::start()
{
    if (m_thread) {
        return;
    }
    ++m_generation;
    m_thread = std::make_unique<ReaderMonitorThread>(this, m_generation);
    m_thread->start();
}

void ReaderMonitor::stop()
{
    if (!m_thread) {
        return;
    }
    // Repeated because a cancel that arrives between two waits is lost (see requestStop()).
    do {
        m_thread->requestStop();
    } while (!m_thread->wait(QDeadlineTimer(50)));
    m_thread.reset();
    // Events the old worker queued are dropped by the generation check.
    ++m_generation;
}

bool ReaderMonitor::isRunning() const
{
    return m_thread != nullptr;
}

void ReaderMonitor::deliverReaders(quint64 generation, const QList<ReaderState>& readers)
{
    if (generation != m_generation) {
        return;
    }
    m_readers = readers;
    Q_EMIT readersChanged(m_readers);
}

void ReaderMonitor::deliverInserted(quint64 generation, const QString& reader, const QByteArray& atr)
{
    if (generation != m_generation) {
        return;
    }
    qCInfo(lcPcsc) << "card inserted in" << reader << "ATR" << atr.toHex(' ');
    Q_EMIT cardInserted(reader, atr);
}

void ReaderMonitor::deliverRemoved(quint64 generation, const QString& reader)
{
    if (generation != m_generation) {
        return;
    }
    qCInfo(lcPcsc) << "card removed from" << reader;
    Q_EMIT cardRemoved(reader);
}

void ReaderMonitor::deliverService(quint64 generation, bool available)
{
    if (generation != m_generation || available == m_serviceAvailable) {
        return;
    }
    m_serviceAvailable = available;
    Q_EMIT serviceAvailableChanged(available);
}

} // namespace sra::core
