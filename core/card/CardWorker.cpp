#include "core/card/CardWorker.h"

#include "core/card/PcscCard.h"

#include <QEventLoop>
#include <QMutexLocker>
#include <QThread>
#include <QTimer>

namespace sra::core {

CardWorker::Opener CardWorker::pcsc(const QString& readerFilter)
{
    return [readerFilter] { return openPcscCard(readerFilter); };
}

CardWorker::CardWorker(Opener opener, QObject* parent)
    : AdminCard(parent)
    , m_opener(std::move(opener))
{
    qRegisterMetaType<base::Error>();
    m_thread = QThread::create([this] { run(); });
    m_thread->setObjectName(QStringLiteral("sra-card"));
    m_thread->start();
}

CardWorker::~CardWorker()
{
    {
        QMutexLocker lock(&m_mutex);
        m_stopping = true;
        for (Job& job : m_queue) {
            base::secureZero(job.pin.data(), job.pin.size());
        }
        m_queue.clear();
    }
    m_wake.wakeAll();
    m_thread->wait();
    delete m_thread;
}

void CardWorker::open()
{
    Job job;
    job.kind = Kind::Open;
    enqueue(std::move(job), nullptr, [this](const Outcome& outcome) {
        if (outcome.error) {
            m_open = false;
            Q_EMIT openFailed(*outcome.error);
            return;
        }
        m_info = outcome.info;
        m_readerName = outcome.readerName;
        m_open = true;
        Q_EMIT opened();
    });
}

base::Status CardWorker::openAndWait(int timeoutMs)
{
    QEventLoop loop;
    base::Status result = base::makeError(base::ErrorCode::Transport, "the card did not answer in time");
    connect(this, &CardWorker::opened, &loop, [&] {
        result = base::okStatus();
        loop.quit();
    });
    connect(this, &CardWorker::openFailed, &loop, [&](const base::Error& error) {
        result = error;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    open();
    loop.exec();
    return result;
}

CardWorker::Ticket CardWorker::signChallenge(const QByteArray& digest,
                                             base::SecureBytes pin,
                                             QObject* context,
                                             std::function<void(base::Result<QByteArray>)> done)
{
    Job job;
    job.kind = Kind::SignChallenge;
    job.data = digest;
    job.pin = std::move(pin);
    return enqueue(std::move(job), context, [done = std::move(done)](const Outcome& outcome) {
        done(outcome.error ? base::Result<QByteArray>(*outcome.error) : base::Result<QByteArray>(outcome.data));
    });
}

CardWorker::Ticket CardWorker::readRelayCard(QObject* context,
                                             std::function<void(base::Result<RelayCardContents>)> done)
{
    Job job;
    job.kind = Kind::ReadRelayCard;
    return enqueue(std::move(job), context, [done = std::move(done)](const Outcome& outcome) {
        done(outcome.error ? base::Result<RelayCardContents>(*outcome.error)
                           : base::Result<RelayCardContents>(outcome.relayCard));
    });
}

CardWorker::Ticket CardWorker::verifyPin(base::SecureBytes pin,
                                         bool lastTryConfirmed,
                                         QObject* context,
                                         std::function<void(base::Status)> done)
{
    Job job;
    job.kind = Kind::VerifyPin;
    job.pin = std::move(pin);
    job.lastTryConfirmed = lastTryConfirmed;
    return enqueue(std::move(job), context, [done = std::move(done)](const Outcome& outcome) {
        done(outcome.error ? base::Status(*outcome.error) : base::okStatus());
    });
}

CardWorker::Ticket CardWorker::generalAuthenticate(std::uint8_t slot,
                                                   piv::PivAlgorithm algorithm,
                                                   const QByteArray& input,
                                                   QObject* context,
                                                   std::function<void(base::Result<QByteArray>)> done)
{
    Job job;
    job.kind = Kind::GeneralAuthenticate;
    job.slot = slot;
    job.algorithm = algorithm;
    job.data = input;
    return enqueue(std::move(job), context, [done = std::move(done)](const Outcome& outcome) {
        done(outcome.error ? base::Result<QByteArray>(*outcome.error) : base::Result<QByteArray>(outcome.data));
    });
}

CardWorker::Ticket CardWorker::resetPinState(QObject* context, std::function<void(base::Status)> done)
{
    Job job;
    job.kind = Kind::ResetPinState;
    return enqueue(std::move(job), context, [done = std::move(done)](const Outcome& outcome) {
        if (done) {
            done(outcome.error ? base::Status(*outcome.error) : base::okStatus());
        }
    });
}

bool CardWorker::cancel(Ticket ticket)
{
    {
        QMutexLocker lock(&m_mutex);
        auto it = std::find_if(m_queue.begin(), m_queue.end(), [&](const Job& job) { return job.ticket == ticket; });
        if (it == m_queue.end()) {
            return false;
        }
        base::secureZero(it->pin.data(), it->pin.size());
        m_queue.erase(it);
    }
    m_waiters.remove(ticket);
    setBusy(!m_waiters.isEmpty());
    return true;
}

CardWorker::Ticket CardWorker::enqueue(Job job, QObject* context, std::function<void(const Outcome&)> deliver)
{
    const Ticket ticket = m_nextTicket++;
    job.ticket = ticket;
    m_waiters.insert(ticket, Waiter{QPointer<QObject>(context), context != nullptr, std::move(deliver)});
    {
        QMutexLocker lock(&m_mutex);
        m_queue.push_back(std::move(job));
    }
    m_wake.wakeOne();
    setBusy(true);
    return ticket;
}

void CardWorker::run()
{
    for (;;) {
        Job job;
        {
            QMutexLocker lock(&m_mutex);
            while (m_queue.empty() && !m_stopping) {
                m_wake.wait(&m_mutex);
            }
            if (m_stopping) {
                return;
            }
            job = std::move(m_queue.front());
            m_queue.pop_front();
        }
        Outcome outcome = perform(job);
        base::secureZero(job.pin.data(), job.pin.size());
        // Queued to this object, which lives on the owner's thread; dropped by Qt if the worker is gone.
        QMetaObject::invokeMethod(
            this,
            [this, ticket = job.ticket, outcome = std::move(outcome)] { complete(ticket, outcome); },
            Qt::QueuedConnection);
    }
}

CardWorker::Outcome CardWorker::perform(Job& job)
{
    Outcome outcome;
    if (job.kind == Kind::Open) {
        m_session.reset();
        auto opened = m_opener ? m_opener()
                               : base::Result<std::unique_ptr<CardSession>>(
                                   base::makeError(base::ErrorCode::NoReader, "no card opener"));
        if (!opened) {
            outcome.error = opened.error();
            return outcome;
        }
        m_session = std::move(opened.value());
        outcome.info = m_session->info();
        outcome.readerName = m_session->readerName();
        outcome.triesLeft = m_session->pinTriesLeft();
        return outcome;
    }
    if (!m_session) {
        outcome.error = base::makeError(base::ErrorCode::NoCard, "card not opened");
        return outcome;
    }
    switch (job.kind) {
    case Kind::Open:
        break;
    case Kind::SignChallenge: {
        auto signature = m_session->signChallenge(job.data, std::move(job.pin));
        if (signature) {
            outcome.data = signature.value();
        } else {
            outcome.error = signature.error();
        }
        break;
    }
    case Kind::ReadRelayCard: {
        auto contents = m_session->readRelayCard();
        if (contents) {
            outcome.relayCard = contents.value();
        } else {
            outcome.error = contents.error();
        }
        break;
    }
    case Kind::VerifyPin: {
        auto verified = m_session->verifyPin(std::move(job.pin), job.lastTryConfirmed);
        if (!verified) {
            outcome.error = verified.error();
        }
        break;
    }
    case Kind::GeneralAuthenticate: {
        auto signature = m_session->generalAuthenticate(job.slot, job.algorithm, job.data);
        if (signature) {
            outcome.data = signature.value();
        } else {
            outcome.error = signature.error();
        }
        break;
    }
    case Kind::ResetPinState:
        if (auto reset = m_session->resetPinState(); !reset) {
            outcome.error = reset.error();
        }
        break;
    }
    outcome.triesLeft = m_session->pinTriesLeft();
    return outcome;
}

void CardWorker::complete(Ticket ticket, const Outcome& outcome)
{
    if (outcome.triesLeft && *outcome.triesLeft != m_triesLeft) {
        m_triesLeft = *outcome.triesLeft;
        Q_EMIT pinTriesLeftChanged(m_triesLeft);
    }
    const Waiter waiter = m_waiters.take(ticket);
    setBusy(!m_waiters.isEmpty());
    if (waiter.deliver && (!waiter.hasContext || waiter.context)) {
        waiter.deliver(outcome);
    }
}

void CardWorker::setBusy(bool busy)
{
    if (busy != m_busy) {
        m_busy = busy;
        Q_EMIT busyChanged(busy);
    }
}

} // namespace sra::core
