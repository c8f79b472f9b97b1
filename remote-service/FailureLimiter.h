#pragma once

#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QList>

namespace sra::srad {

// Failed authentications per source address over a sliding window. Past the limit an address is refused
// (RateLimited, with the time until its oldest counted failure leaves the window) before any work is done for
// it, so guessing against the PIN-less parts of the handshake is slow and cannot lock out other addresses.
class FailureLimiter
{
public:
    // Past this many tracked addresses, recordFailure first drops the addresses whose failures all aged out.
    static constexpr int kMaxTrackedAddresses = 10000;

    FailureLimiter(int maxFailures, int windowSeconds);

    void recordFailure(const QHostAddress& address, qint64 nowMs);
    void recordSuccess(const QHostAddress& address);
    // 0 when the address may try, else milliseconds until it may.
    qint64 retryAfterMs(const QHostAddress& address, qint64 nowMs);
    // Addresses with state held (for tests and diagnostics).
    qsizetype trackedAddresses() const
    {
        return m_failures.size();
    }

private:
    void prune(QList<qint64>& times, qint64 nowMs) const;

    int m_maxFailures;
    qint64 m_windowMs;
    QHash<QString, QList<qint64>> m_failures;
};

} // namespace sra::srad
