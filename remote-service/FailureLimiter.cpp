#include "remote-service/FailureLimiter.h"

#include <algorithm>

namespace sra::srad {

namespace {
// IPv4 clients on a dual-stack socket arrive as ::ffff:a.b.c.d; count them as the IPv4 address they are.
QString key(const QHostAddress& address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4).toString() : address.toString();
}
} // namespace

FailureLimiter::FailureLimiter(int maxFailures, int windowSeconds)
    : m_maxFailures(std::max(1, maxFailures))
    , m_windowMs(qint64{std::max(1, windowSeconds)} * 1000)
{
}

void FailureLimiter::prune(QList<qint64>& times, qint64 nowMs) const
{
    times.removeIf([&](qint64 t) { return nowMs - t >= m_windowMs; });
}

void FailureLimiter::recordFailure(const QHostAddress& address, qint64 nowMs)
{
    if (m_failures.size() >= kMaxTrackedAddresses) {
        for (auto it = m_failures.begin(); it != m_failures.end();) {
            prune(it.value(), nowMs);
            it = it.value().isEmpty() ? m_failures.erase(it) : std::next(it);
        }
    }
    auto& times = m_failures[key(address)];
    prune(times, nowMs);
    times.append(nowMs);
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
