#pragma once

#include "core/card/AdminCard.h"
#include "core/card/CardSession.h"

#include <QHash>
#include <QMutex>
#include <QPointer>
#include <QWaitCondition>

#include <deque>
#include <functional>
#include <memory>
#include <optional>

class QThread;

namespace sra::core {

// AdminCard on a thread of its own: the one owner of the card connection, which runs every operation in the
// order asked and hands each answer back to the asking thread (queued), so neither the window nor the network
// ever waits on the card. The card is opened on that thread too, by `opener` — a PC/SC reader (pcsc()), or an
// in-process emulator in tests. Destroying the worker lets the running operation finish, wipes the PINs of the
// queued ones and drops them.
class CardWorker final : public AdminCard
{
    Q_OBJECT

public:
    using Opener = std::function<base::Result<std::unique_ptr<CardSession>>()>;

    // The card of the first reader holding a PIV card (or the first whose name contains `readerFilter`).
    static Opener pcsc(const QString& readerFilter = {});

    explicit CardWorker(Opener opener, QObject* parent = nullptr);
    ~CardWorker() override;

    // Opens the card (queued like every operation): opened() or openFailed().
    void open();
    // open(), and waits for the answer in a local event loop: for benchmarks and tests, never the window.
    base::Status openAndWait(int timeoutMs = 30000);

    CardInfo info() const override
    {
        return m_info;
    }

    QString readerName() const override
    {
        return m_readerName;
    }

    bool isOpen() const override
    {
        return m_open;
    }

    int pinTriesLeft() const override
    {
        return m_triesLeft;
    }

    Ticket signChallenge(const QByteArray& digest,
                         base::SecureBytes pin,
                         QObject* context,
                         std::function<void(base::Result<QByteArray>)> done) override;
    Ticket readRelayCard(QObject* context, std::function<void(base::Result<RelayCardContents>)> done) override;
    Ticket verifyPin(base::SecureBytes pin,
                     bool lastTryConfirmed,
                     QObject* context,
                     std::function<void(base::Status)> done) override;
    Ticket generalAuthenticate(std::uint8_t slot,
                               piv::PivAlgorithm algorithm,
                               const QByteArray& input,
                               QObject* context,
                               std::function<void(base::Result<QByteArray>)> done) override;
    Ticket resetPinState(QObject* context, std::function<void(base::Status)> done) override;
    bool cancel(Ticket ticket) override;

private:
    enum class Kind
    {
        Open,
        SignChallenge,
        ReadRelayCard,
        VerifyPin,
        GeneralAuthenticate,
        ResetPinState,
    };

    // What the worker thread needs; nothing here touches a QObject.
    struct Job
    {
        Kind kind = Kind::Open;
        Ticket ticket = 0;
        QByteArray data; // digest or input
        base::SecureBytes pin;
        std::uint8_t slot = 0;
        piv::PivAlgorithm algorithm = piv::PivAlgorithm::Rsa2048;
        bool lastTryConfirmed = false;
    };

    // What the worker hands back (no PIN in it).
    struct Outcome
    {
        std::optional<base::Error> error;
        QByteArray data;
        RelayCardContents relayCard;
        CardInfo info;
        QString readerName;
        std::optional<int> triesLeft; // what the card said, when it was asked
    };

    // Where an answer goes; owner thread only.
    struct Waiter
    {
        QPointer<QObject> context;
        bool hasContext = false;
        std::function<void(const Outcome&)> deliver;
    };

    Ticket enqueue(Job job, QObject* context, std::function<void(const Outcome&)> deliver);
    void run();                                           // the worker thread's loop
    Outcome perform(Job& job);                            // worker thread
    void complete(Ticket ticket, const Outcome& outcome); // owner thread
    void setBusy(bool busy);

    Opener m_opener;
    QThread* m_thread = nullptr;

    // Shared with the worker thread, under m_mutex.
    QMutex m_mutex;
    QWaitCondition m_wake;
    std::deque<Job> m_queue;
    bool m_stopping = false;

    // Worker thread only.
    std::unique_ptr<CardSession> m_session;

    // Owner thread only.
    QHash<Ticket, Waiter> m_waiters;
    Ticket m_nextTicket = 1;
    CardInfo m_info;
    QString m_readerName;
    bool m_open = false;
    bool m_busy = false;
    int m_triesLeft = -1;
};

} // namespace sra::core
