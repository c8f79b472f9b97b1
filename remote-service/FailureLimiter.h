#pragma once

#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QList>

namespace sra::srad {

// Failed authentications per source over a sliding window. Past the limit a source is refused (RateLimited,
// with the time until its oldest counted failure leaves the window) before any work is done for it, so
// guessing against the PIN-less parts of the handshake is slow and cannot lock out other sources.
//
// A source is an IPv4 address (also when it arrives IPv4-mapped on a dual-stack socket) or an IPv6 /64: one
// subscriber usually holds a whole /64, and counting its 2^64 addresses apart would make the limit void.
// Memory is bounded: past kMaxTrackedAddresses sources the ones whose failures all aged out are dropped, and
// at kHardLimit the source whose last failure is oldest makes room for the new one.
class FailureLimiter
{
public:
    static constexpr int kMaxTrackedAddresses = 10000;
    static constexpr int kHardLimit = 4 * kMaxTrackedAddresses;

    FailureLimiter(int maxFailures, int windowSeconds);

    void recordFailure(const QHostAddress& address, qint64 nowMs);
    void recordSuccess(const QHostAddress& address);
    // 0 when the address may try, else milliseconds until it may.
    qint64 retryAfterMs(const QHostAddress& address, qint64 nowMs);

    // Sources with state held (for tests and diagnostics).
    qsizetype trackedAddresses() const
    {
        return m_failures.size();
    }

private:
    void prune(QList<qint64>& times, qint64 nowMs) const;
    void makeRoom(qint64 nowMs);

    int m_maxFailures;
    qint64 m_windowMs;
    qsizetype m_pruneAt = kMaxTrackedAddresses;  // size at which makeRoom next drops aged-out sources
    QHash<QByteArray, QList<qint64>> m_failures; // by source key; at most m_maxFailures newest times each
};

} // namespace sra::srad
