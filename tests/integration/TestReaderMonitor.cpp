#include "core/pcsc/ReaderMonitor.h"
#include "support/Lab.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <optional>

using sra::core::ReaderMonitor;
using sra::core::ReaderState;

namespace {

// The vpcd reader the lab's soft card is served into, with a card in it, if the monitor sees one.
std::optional<ReaderState> readerWithCard(const QList<ReaderState>& readers, const QString& name)
{
    for (const ReaderState& r : readers) {
        if (r.name == name && r.cardPresent) {
            return r;
        }
    }
    return std::nullopt;
}

} // namespace

// The reader monitor against a private pcscd with a vpcd reader and the soft card (sra::test::Lab): what it
// reports at start, how fast it sees a removal, and that it survives a pcscd restart without being recreated.
class TestReaderMonitor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void seesLabReaderWithCard();
    void cardRemovalAndInsertion();
    void survivesPcscdRestart();
    void stopIsPromptAndIdempotent();
    void cleanup();
    void cleanupTestCase();

private:
    std::unique_ptr<sra::test::Lab> m_lab;
    std::unique_ptr<ReaderMonitor> m_monitor;
    QString m_reader;
};

void TestReaderMonitor::initTestCase()
{
    m_lab = std::make_unique<sra::test::Lab>();
    QVERIFY2(m_lab->isUp(), qPrintable(m_lab->error()));
    // Before the first PC/SC call of this process: pcsc-lite reads the socket path once.
    const QString socket = m_lab->env(QStringLiteral("ADMIN_PCSCLITE_CSOCK_NAME"));
    QVERIFY(!socket.isEmpty());
    qputenv("PCSCLITE_CSOCK_NAME", QFile::encodeName(socket));
    m_reader = m_lab->env(QStringLiteral("LAB_READER"));
    QVERIFY(!m_reader.isEmpty());
    m_monitor = std::make_unique<ReaderMonitor>();
}

void TestReaderMonitor::seesLabReaderWithCard()
{
    QSignalSpy service(m_monitor.get(), &ReaderMonitor::serviceAvailableChanged);
    QSignalSpy inserted(m_monitor.get(), &ReaderMonitor::cardInserted);
    QSignalSpy readers(m_monitor.get(), &ReaderMonitor::readersChanged);
    m_monitor->start();

    QTRY_VERIFY_WITH_TIMEOUT(readerWithCard(m_monitor->currentReaders(), m_reader).has_value(), 10000);
    QVERIFY(m_monitor->isServiceAvailable());
    QCOMPARE(service.count(), 1);
    QCOMPARE(service.at(0).at(0).toBool(), true);
    QVERIFY(readers.count() >= 1);

    // The insertion the monitor reports for the card already there at start names our reader and its ATR.
    QTRY_VERIFY(!inserted.isEmpty());
    const auto state = readerWithCard(m_monitor->currentReaders(), m_reader);
    QCOMPARE(inserted.last().at(0).toString(), m_reader);
    QCOMPARE(inserted.last().at(1).toByteArray(), state->atr);
    QVERIFY(state->atr.size() >= 2);
    QCOMPARE(static_cast<quint8>(state->atr.at(0)), quint8(0x3B));
    QVERIFY(!state->mute);
}

void TestReaderMonitor::cardRemovalAndInsertion()
{
    QTRY_VERIFY_WITH_TIMEOUT(readerWithCard(m_monitor->currentReaders(), m_reader).has_value(), 10000);

    QElapsedTimer timer;
    qint64 removedAfterMs = -1;
    QString removedReader;
    // Timestamped in the slot itself, so the figure does not include the test's own polling interval.
    const auto connection = connect(m_monitor.get(), &ReaderMonitor::cardRemoved, this, [&](const QString& reader) {
        if (removedAfterMs < 0) {
            removedAfterMs = timer.elapsed();
            removedReader = reader;
        }
    });
    timer.start();
    QVERIFY2(m_lab->cardStop(), qPrintable(m_lab->error()));
    // The signal is queued to this thread, which is busy in cardStop() until sra-lab returns: the measured
    // figure is therefore an upper bound (it includes the script's own run time).
    const qint64 stopReturnedMs = timer.elapsed();
    QTRY_VERIFY_WITH_TIMEOUT(removedAfterMs >= 0, 5000);
    disconnect(connection);
    qInfo("card removal reported %lld ms after starting to stop the soft card (sra-lab card-stop took %lld ms)",
          removedAfterMs,
          stopReturnedMs);
    QCOMPARE(removedReader, m_reader);
    QVERIFY2(removedAfterMs < 1000, qPrintable(QStringLiteral("removal took %1 ms").arg(removedAfterMs)));
    QVERIFY(!readerWithCard(m_monitor->currentReaders(), m_reader).has_value());

    QSignalSpy inserted(m_monitor.get(), &ReaderMonitor::cardInserted);
    QVERIFY2(m_lab->cardStart(), qPrintable(m_lab->error()));
    QTRY_VERIFY_WITH_TIMEOUT(!inserted.isEmpty(), 10000);
    QCOMPARE(inserted.first().at(0).toString(), m_reader);
    QTRY_VERIFY_WITH_TIMEOUT(readerWithCard(m_monitor->currentReaders(), m_reader).has_value(), 10000);
}

void TestReaderMonitor::survivesPcscdRestart()
{
    QTRY_VERIFY_WITH_TIMEOUT(readerWithCard(m_monitor->currentReaders(), m_reader).has_value(), 10000);
    QSignalSpy service(m_monitor.get(), &ReaderMonitor::serviceAvailableChanged);
    QSignalSpy removed(m_monitor.get(), &ReaderMonitor::cardRemoved);
    QSignalSpy inserted(m_monitor.get(), &ReaderMonitor::cardInserted);

    QVERIFY2(m_lab->pcscdRestart(), qPrintable(m_lab->error()));

    QTRY_VERIFY_WITH_TIMEOUT(service.count() >= 2, 15000);
    QCOMPARE(service.at(0).at(0).toBool(), false);
    QCOMPARE(service.at(1).at(0).toBool(), true);
    // The card vanished with the old daemon and is found again through the new one, by the same monitor.
    QVERIFY(!removed.isEmpty());
    QCOMPARE(removed.first().at(0).toString(), m_reader);
    QTRY_VERIFY_WITH_TIMEOUT(readerWithCard(m_monitor->currentReaders(), m_reader).has_value(), 10000);
    QTRY_VERIFY(!inserted.isEmpty());
    QCOMPARE(inserted.last().at(0).toString(), m_reader);
    QVERIFY(m_monitor->isServiceAvailable());
    QVERIFY(m_monitor->isRunning());
}

void TestReaderMonitor::stopIsPromptAndIdempotent()
{
    // stop() must wake a worker blocked in an INFINITE SCardGetStatusChange (SCardCancel), not wait for an event.
    QElapsedTimer timer;
    timer.start();
    m_monitor->stop();
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QStringLiteral("stop took %1 ms").arg(timer.elapsed())));
    QVERIFY(!m_monitor->isRunning());
    m_monitor->stop();

    // A restarted monitor reports the card again.
    QSignalSpy inserted(m_monitor.get(), &ReaderMonitor::cardInserted);
    m_monitor->start();
    QTRY_VERIFY_WITH_TIMEOUT(!inserted.isEmpty(), 10000);
    QCOMPARE(inserted.first().at(0).toString(), m_reader);
}

// A test that failed half-way may leave the card pulled; put it back so the next test starts from a served card.
void TestReaderMonitor::cleanup()
{
    if (m_lab && m_lab->isUp() && m_lab->softcardPid() == 0) {
        QVERIFY2(m_lab->cardStart(), qPrintable(m_lab->error()));
    }
}

void TestReaderMonitor::cleanupTestCase()
{
    m_monitor.reset();
    m_lab.reset();
}

QTEST_GUILESS_MAIN(TestReaderMonitor)
#include "TestReaderMonitor.moc"
