#include "remote-service/FailureLimiter.h"

#include <QHostAddress>
#include <QTest>

#include <algorithm>

using sra::srad::FailureLimiter;

namespace {

QHostAddress addr(const char* text)
{
    const QHostAddress a{QLatin1String(text)};
    Q_ASSERT(!a.isNull());
    return a;
}

// A distinct IPv4 address per index (10.0.0.0/8).
QHostAddress nthAddress(int i)
{
    return QHostAddress(quint32{0x0A000000u} + quint32(i) + 1u);
}

constexpr qint64 kStart = 1'700'000'000'000; // an arbitrary monotonic "now" in milliseconds

} // namespace

// Failed authentications per source address over a sliding window, driven with explicit times.
class TestFailureLimiter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void unknownAddressMayTry();
    void belowTheLimit_data();
    void belowTheLimit();
    void atTheLimit_data();
    void atTheLimit();
    void failuresAgeOut();
    void successClears();
    void ipv4MappedCountsAsIpv4_data();
    void ipv4MappedCountsAsIpv4();
    void addressesAreIndependent();
    void degenerateSettings();
    void capPrunesExpiredAddresses();
    void capKeepsActiveAddresses();
    void ipv6CountsBySlash64_data();
    void ipv6CountsBySlash64();
    void hardLimitForgetsTheQuietest();
};

void TestFailureLimiter::unknownAddressMayTry()
{
    FailureLimiter limiter(3, 60);
    QCOMPARE(limiter.retryAfterMs(addr("192.0.2.1"), kStart), 0);
    QCOMPARE(limiter.trackedAddresses(), 0);
}

void TestFailureLimiter::belowTheLimit_data()
{
    QTest::addColumn<int>("maxFailures");
    QTest::addColumn<int>("failures");
    QTest::addRow("1 of 2") << 2 << 1;
    QTest::addRow("4 of 5") << 5 << 4;
    QTest::addRow("9 of 10") << 10 << 9;
}

void TestFailureLimiter::belowTheLimit()
{
    QFETCH(int, maxFailures);
    QFETCH(int, failures);
    FailureLimiter limiter(maxFailures, 60);
    const QHostAddress a = addr("192.0.2.1");
    for (int i = 0; i < failures; ++i) {
        limiter.recordFailure(a, kStart + i * 100);
        QCOMPARE(limiter.retryAfterMs(a, kStart + i * 100), 0);
    }
    QCOMPARE(limiter.retryAfterMs(a, kStart + failures * 100), 0);
}

void TestFailureLimiter::atTheLimit_data()
{
    QTest::addColumn<int>("maxFailures");
    QTest::addColumn<int>("windowSeconds");
    QTest::addColumn<QList<qint64>>("failureOffsets"); // ms after kStart, ascending
    QTest::addColumn<qint64>("nowOffset");
    QTest::addRow("3 of 3, asked at once") << 3 << 60 << QList<qint64>{0, 1000, 2000} << qint64{2000};
    QTest::addRow("3 of 3, asked later") << 3 << 60 << QList<qint64>{0, 1000, 2000} << qint64{30'000};
    QTest::addRow("1 of 1") << 1 << 10 << QList<qint64>{500} << qint64{600};
    QTest::addRow("same millisecond") << 2 << 5 << QList<qint64>{7, 7} << qint64{7};
    // Beyond the limit: the failure that must leave the window to come back under it is not the oldest.
    QTest::addRow("5 failures, limit 3") << 3 << 60 << QList<qint64>{0, 100, 200, 300, 400} << qint64{1000};
    // An aged-out failure does not count: the oldest counted one is the second.
    QTest::addRow("oldest aged out") << 2 << 1 << QList<qint64>{0, 900, 1500} << qint64{1600};
}

void TestFailureLimiter::atTheLimit()
{
    QFETCH(int, maxFailures);
    QFETCH(int, windowSeconds);
    QFETCH(QList<qint64>, failureOffsets);
    QFETCH(qint64, nowOffset);
    const qint64 windowMs = qint64{windowSeconds} * 1000;
    const qint64 now = kStart + nowOffset;

    FailureLimiter limiter(maxFailures, windowSeconds);
    const QHostAddress a = addr("2001:db8::7");
    for (qint64 t : failureOffsets) {
        limiter.recordFailure(a, kStart + t);
    }
    // The failures still in the window at `now`; the address may try again once (count - max + 1) of them left,
    // i.e. when the (count - max)-th of them does.
    QList<qint64> counted;
    for (qint64 t : failureOffsets) {
        if (now - (kStart + t) < windowMs) {
            counted.append(kStart + t);
        }
    }
    QVERIFY(counted.size() >= maxFailures);
    const qint64 oldestCounted = counted.at(counted.size() - maxFailures);
    const qint64 expected = oldestCounted + windowMs - now;
    QVERIFY(expected > 0);
    QCOMPARE(limiter.retryAfterMs(a, now), expected);

    // And it is the exact moment: one millisecond earlier still refused (with 1 ms left), then allowed.
    QCOMPARE(limiter.retryAfterMs(a, now + expected - 1), 1);
    QCOMPARE(limiter.retryAfterMs(a, now + expected), 0);
}

void TestFailureLimiter::failuresAgeOut()
{
    FailureLimiter limiter(2, 30);
    const QHostAddress a = addr("198.51.100.4");
    limiter.recordFailure(a, kStart);
    limiter.recordFailure(a, kStart + 10'000);
    QVERIFY(limiter.retryAfterMs(a, kStart + 10'000) > 0);
    // The first leaves the window at kStart + 30 s: one failure left, under the limit.
    QCOMPARE(limiter.retryAfterMs(a, kStart + 30'000), 0);
    // Another failure brings it back to the limit, counted from the second failure.
    limiter.recordFailure(a, kStart + 31'000);
    QCOMPARE(limiter.retryAfterMs(a, kStart + 31'000), 10'000 + 30'000 - 31'000);
    // Long after, everything has aged out, and a single new failure is below the limit again.
    QCOMPARE(limiter.retryAfterMs(a, kStart + 100'000), 0);
    limiter.recordFailure(a, kStart + 100'000);
    QCOMPARE(limiter.retryAfterMs(a, kStart + 100'000), 0);
}

void TestFailureLimiter::successClears()
{
    FailureLimiter limiter(2, 60);
    const QHostAddress a = addr("192.0.2.9");
    limiter.recordFailure(a, kStart);
    limiter.recordFailure(a, kStart + 1);
    QVERIFY(limiter.retryAfterMs(a, kStart + 2) > 0);
    limiter.recordSuccess(a);
    QCOMPARE(limiter.retryAfterMs(a, kStart + 2), 0);
    QCOMPARE(limiter.trackedAddresses(), 0);
    // Counting starts again from nothing.
    limiter.recordFailure(a, kStart + 3);
    QCOMPARE(limiter.retryAfterMs(a, kStart + 3), 0);
    limiter.recordFailure(a, kStart + 4);
    QCOMPARE(limiter.retryAfterMs(a, kStart + 4), 60'000 - 1);
    // A success through the mapped form clears the IPv4 address too.
    limiter.recordSuccess(addr("::ffff:192.0.2.9"));
    QCOMPARE(limiter.retryAfterMs(a, kStart + 5), 0);
}

void TestFailureLimiter::ipv4MappedCountsAsIpv4_data()
{
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("second");
    QTest::addRow("mapped, then plain") << "::ffff:1.2.3.4"
                                        << "1.2.3.4";
    QTest::addRow("plain, then mapped") << "1.2.3.4"
                                        << "::ffff:1.2.3.4";
    QTest::addRow("mapped in hex") << "::ffff:102:304"
                                   << "1.2.3.4";
    QTest::addRow("mapped twice") << "::ffff:1.2.3.4"
                                  << "::ffff:1.2.3.4";
}

void TestFailureLimiter::ipv4MappedCountsAsIpv4()
{
    QFETCH(QString, first);
    QFETCH(QString, second);
    FailureLimiter limiter(2, 60);
    limiter.recordFailure(QHostAddress(first), kStart);
    limiter.recordFailure(QHostAddress(second), kStart + 1000);
    QCOMPARE(limiter.trackedAddresses(), 1);
    const qint64 expected = kStart + 60'000 - (kStart + 1000);
    QCOMPARE(limiter.retryAfterMs(addr("1.2.3.4"), kStart + 1000), expected);
    QCOMPARE(limiter.retryAfterMs(addr("::ffff:1.2.3.4"), kStart + 1000), expected);
    // Neighbours are not affected.
    QCOMPARE(limiter.retryAfterMs(addr("1.2.3.5"), kStart + 1000), 0);
    QCOMPARE(limiter.retryAfterMs(addr("::ffff:1.2.3.5"), kStart + 1000), 0);
}

void TestFailureLimiter::addressesAreIndependent()
{
    FailureLimiter limiter(2, 60);
    const QList<QHostAddress> addresses{addr("192.0.2.1"),
                                        addr("192.0.2.2"),
                                        addr("2001:db8:0:1::1"),
                                        addr("2001:db8:0:2::1"),
                                        addr("::1"),
                                        addr("127.0.0.1")};
    // Each address in turn reaches the limit; the others stay untouched.
    for (int i = 0; i < addresses.size(); ++i) {
        const qint64 t = kStart + i * 1000;
        limiter.recordFailure(addresses.at(i), t);
        limiter.recordFailure(addresses.at(i), t + 1);
        for (int j = 0; j < addresses.size(); ++j) {
            const qint64 retry = limiter.retryAfterMs(addresses.at(j), t + 1);
            if (j <= i) {
                QVERIFY2(retry > 0, qPrintable(addresses.at(j).toString()));
            } else {
                QVERIFY2(retry == 0, qPrintable(addresses.at(j).toString()));
            }
        }
    }
    QCOMPARE(limiter.trackedAddresses(), addresses.size());
    limiter.recordSuccess(addresses.at(2));
    QCOMPARE(limiter.retryAfterMs(addresses.at(2), kStart + 10'000), 0);
    QVERIFY(limiter.retryAfterMs(addresses.at(3), kStart + 10'000) > 0);
}

void TestFailureLimiter::degenerateSettings()
{
    // A limit below 1 counts as 1 and a window below 1 s as 1 s.
    FailureLimiter limiter(0, 0);
    const QHostAddress a = addr("192.0.2.1");
    QCOMPARE(limiter.retryAfterMs(a, kStart), 0);
    limiter.recordFailure(a, kStart);
    QCOMPARE(limiter.retryAfterMs(a, kStart), 1000);
    QCOMPARE(limiter.retryAfterMs(a, kStart + 1000), 0);
}

void TestFailureLimiter::capPrunesExpiredAddresses()
{
    constexpr int cap = FailureLimiter::kMaxTrackedAddresses;
    FailureLimiter limiter(1, 60);
    for (int i = 0; i < cap; ++i) {
        limiter.recordFailure(nthAddress(i), kStart + i % 1000);
    }
    QCOMPARE(limiter.trackedAddresses(), cap);
    QVERIFY(limiter.retryAfterMs(nthAddress(0), kStart + 1000) > 0);

    // Half of them fail again later; when the first batch has aged out, the next new address prunes it.
    const qint64 later = kStart + 30'000;
    for (int i = 0; i < cap; i += 2) {
        limiter.recordFailure(nthAddress(i), later);
    }
    QCOMPARE(limiter.trackedAddresses(), cap);
    const qint64 afterFirstBatch = kStart + 60'000 + 1000;
    limiter.recordFailure(addr("2001:db8::99"), afterFirstBatch);
    QCOMPARE(limiter.trackedAddresses(), cap / 2 + 1);
    // What was kept still counts; what was dropped had nothing left to count.
    QCOMPARE(limiter.retryAfterMs(nthAddress(0), afterFirstBatch), later + 60'000 - afterFirstBatch);
    QCOMPARE(limiter.retryAfterMs(nthAddress(1), afterFirstBatch), 0);
    QVERIFY(limiter.retryAfterMs(addr("2001:db8::99"), afterFirstBatch) > 0);
}

void TestFailureLimiter::capKeepsActiveAddresses()
{
    constexpr int cap = FailureLimiter::kMaxTrackedAddresses;
    FailureLimiter limiter(1, 60);
    for (int i = 0; i < cap; ++i) {
        limiter.recordFailure(nthAddress(i), kStart);
    }
    // Nothing has aged out yet: pruning must not forget any address that is still refused.
    const qint64 now = kStart + 59'999;
    limiter.recordFailure(addr("2001:db8::1"), now);
    for (int i = 0; i < cap; i += 997) {
        QCOMPARE(limiter.retryAfterMs(nthAddress(i), now), 1);
    }
    QCOMPARE(limiter.retryAfterMs(addr("2001:db8::1"), now), 60'000);
}

void TestFailureLimiter::ipv6CountsBySlash64_data()
{
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("second");
    QTest::addColumn<bool>("sameSource");
    QTest::addRow("same /64, other interface id") << "2001:db8:1:2::1"
                                                  << "2001:db8:1:2:ffff:ffff:ffff:fffe" << true;
    QTest::addRow("same address") << "2001:db8:1:2::1"
                                  << "2001:db8:1:2::1" << true;
    QTest::addRow("neighbouring /64") << "2001:db8:1:2::1"
                                      << "2001:db8:1:3::1" << false;
    QTest::addRow("other /48") << "2001:db8:1:2::1"
                               << "2001:db8:2:2::1" << false;
    QTest::addRow("IPv4 apart from the IPv6 ::/64") << "1.2.3.4"
                                                    << "::ffff:0:0:1" << false;
}

void TestFailureLimiter::ipv6CountsBySlash64()
{
    QFETCH(QString, first);
    QFETCH(QString, second);
    QFETCH(bool, sameSource);
    FailureLimiter limiter(2, 60);
    limiter.recordFailure(QHostAddress(first), kStart);
    limiter.recordFailure(QHostAddress(second), kStart + 1);
    QCOMPARE(limiter.trackedAddresses(), sameSource ? 1 : 2);
    QCOMPARE(limiter.retryAfterMs(QHostAddress(first), kStart + 1) > 0, sameSource);
    QCOMPARE(limiter.retryAfterMs(QHostAddress(second), kStart + 1) > 0, sameSource);
}

void TestFailureLimiter::hardLimitForgetsTheQuietest()
{
    constexpr int hard = FailureLimiter::kHardLimit;
    FailureLimiter limiter(1, 3600);
    // All refused and none aged out; nthAddress(0) failed first, everything else one millisecond later.
    limiter.recordFailure(nthAddress(0), kStart);
    for (int i = 1; i < hard; ++i) {
        limiter.recordFailure(nthAddress(i), kStart + 1);
    }
    QCOMPARE(limiter.trackedAddresses(), hard);
    // A further source is tracked, at the cost of the one quiet longest; memory stays bounded.
    limiter.recordFailure(addr("2001:db8::1"), kStart + 2);
    QCOMPARE(limiter.trackedAddresses(), hard);
    QVERIFY(limiter.retryAfterMs(addr("2001:db8::1"), kStart + 2) > 0);
    QCOMPARE(limiter.retryAfterMs(nthAddress(0), kStart + 2), 0);
    QVERIFY(limiter.retryAfterMs(nthAddress(1), kStart + 2) > 0);
    QVERIFY(limiter.retryAfterMs(nthAddress(hard - 1), kStart + 2) > 0);
    // A source already tracked never evicts anyone.
    limiter.recordFailure(nthAddress(5), kStart + 3);
    QCOMPARE(limiter.trackedAddresses(), hard);
    QVERIFY(limiter.retryAfterMs(nthAddress(1), kStart + 3) > 0);
}

QTEST_GUILESS_MAIN(TestFailureLimiter)
#include "TestFailureLimiter.moc"
