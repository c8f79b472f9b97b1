#include "remote-service/FailureLimiter.h"

#include <algorithm>

namespace sra::srad {

namespace {
// IPv4 clients on a dual-stack socket arrive as ::ffff:a.b.c.d; count them as the IPv4 address they are.
// IPv6 sources count by their /64 (the scope id is dropped with the interface half).
QByteArray key(const QHostAddress& address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4) {
        QByteArray k(1, '4');
        for (int shift = 24; shift >= 0; shift -= 8) {
            k.append(static_cast<char>((v4 >> shift) & 0xFF));
        }
        return k;
    }
    const Q_IPV6ADDR v6 = address.toIPv6Address();
    QByteArray k(1, '6');
    k.append(reinterpret_cast<const char*>(v6.c), 8);
    return k;
}
} // namespace

FailureLimiter::FailureLimiter(int maxFailures, int windowSeconds)
    : m_maxFailures(std::max(1, maxFailures))
    , m_windowMs(qint64{std::max(1, windowSeconds)} * 1000)
{}

void FailureLimiter::prune(QList<qint64>& times, qint64 nowMs) const
{
    times.removeIf([&](qint64 t) { return nowMs - t >= m_windowMs; });
}

void FailureLimiter::makeRoom(qint64 nowMs)
{
    if (m_failures.size() < m_pruneAt && m_failures.size() < kHardLimit) {
        return;
    }
    for (auto it = m_failures.begin(); it != m_failures.end();) {
        prune(it.value(), nowMs);
        it = it.value().isEmpty() ? m_failures.erase(it) : std::next(it);
    }
    // The next full pass only after a quarter of the soft limit more, so a flood of new sources costs amortised
    // constant time per failure instead of a pass each.
    m_pruneAt = std::max<qsizetype>(kMaxTrackedAddresses, m_failures.size() + kMaxTrackedAddresses / 4);
    if (m_failures.size() < kHardLimit) {
        return;
    }
    // Still full of sources that failed recently (many attackers at once): forget the one that has been
    // quiet longest, so memory stays bounded; it costs that source at most its count in the window.
    auto quietest = m_failures.begin();
    for (auto it = m_failures.begin(); it != m_failures.end(); ++it) {
        if (it.value().constLast() < quietest.value().constLast()) {
            quietest = it;
        }
    }
    m_failures.erase(quietest);
}

void FailureLimiter::recordFailure(const QHostAddress& address, qint64 nowMs)
{
    const QByteArray k = key(address);
    if (!m_failures.contains(k)) {
        makeRoom(nowMs);
    }
    auto& times = m_failures[k];
    prune(times, nowMs);
    times.append(nowMs);
    // Only the newest m_maxFailures decide when the source may try again.
    if (times.size() > m_maxFailures) {
        times.remove(0, times.size() - m_maxFailures);
    }
}

void FailureLimiter::recordSuccess(const QHostAddress& address)
{
    m_failures.remove(key(address));
}

qint64 FailureLimiter::retryAfterMs(const QHostAddress& address, qint64 nowMs)
{
    const auto it = m_failures.find(key(address));
    if (it == m_failures.end()) {
        return 0;
    }
    prune(it.value(), nowMs);
    if (it.value().size() < m_maxFailures) {
        return 0;
    }
    // The address may try again when enough failures have aged out to bring it under the limit.
    const qint64 oldestCounted = it.value().at(it.value().size() - m_maxFailures);
    return std::max<qint64>(1, oldestCounted + m_windowMs - nowMs);
}

} // namespace sra::srad
