#include "core/pcsc/ReaderStateDiff.h"

#include <QTest>

using sra::core::CardEvent;
using sra::core::cardEvents;
using sra::core::ReaderSnapshot;
using sra::core::ReaderState;

Q_DECLARE_METATYPE(sra::core::ReaderSnapshot)

namespace {

const QByteArray kAtrA = QByteArray::fromHex("3B8880010000000000000000");
const QByteArray kAtrB = QByteArray::fromHex("3BF81300008131FE15597562696B657934D4");

ReaderState reader(const char* name, bool card, const QByteArray& atr = {})
{
    ReaderState r;
    r.name = QString::fromLatin1(name);
    r.cardPresent = card;
    r.atr = card ? atr : QByteArray();
    return r;
}

// A snapshot from (reader, counter) pairs.
ReaderSnapshot snapshot(std::initializer_list<std::pair<ReaderState, int>> entries)
{
    ReaderSnapshot s;
    for (const auto& [state, counter] : entries) {
        s.readers.append(state);
        s.eventCounters.insert(state.name, counter);
    }
    return s;
}

QString describe(const QList<CardEvent>& events)
{
    QStringList parts;
    for (const CardEvent& e : events) {
        parts.append((e.kind == CardEvent::Kind::Removed ? QStringLiteral("-") : QStringLiteral("+")) + e.reader
                     + (e.atr.isEmpty()
                            ? QString()
                            : QStringLiteral("[") + QString::fromLatin1(e.atr.toHex()) + QStringLiteral("]")));
    }
    return parts.join(QLatin1Char(' '));
}

} // namespace

// The rules by which the reader monitor turns two successive pcscd snapshots into card events.
class TestReaderStateDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void events_data();
    void events();
};

void TestReaderStateDiff::events_data()
{
    QTest::addColumn<ReaderSnapshot>("before");
    QTest::addColumn<ReaderSnapshot>("after");
    QTest::addColumn<QString>("expected");

    const QString atrA = QStringLiteral("[") + QString::fromLatin1(kAtrA.toHex()) + QStringLiteral("]");
    const QString atrB = QStringLiteral("[") + QString::fromLatin1(kAtrB.toHex()) + QStringLiteral("]");

    QTest::newRow("nothing to nothing") << ReaderSnapshot{} << ReaderSnapshot{} << QString();
    QTest::newRow("first sight of a card") << ReaderSnapshot{} << snapshot({{reader("R", true, kAtrA), 1}})
                                           << QStringLiteral("+R") + atrA;
    QTest::newRow("first sight of an empty reader") << ReaderSnapshot{
    } << snapshot({{reader("R", false), 0}}) << QString();
    QTest::newRow("insertion") << snapshot({
        {reader("R", false), 0}
    })
                               << snapshot({{reader("R", true, kAtrA), 1}}) << QStringLiteral("+R") + atrA;
    QTest::newRow("removal") << snapshot({
        {reader("R", true, kAtrA), 1}
    })
                             << snapshot({{reader("R", false), 2}}) << QStringLiteral("-R");
    QTest::newRow("unchanged card") << snapshot({
        {reader("R", true, kAtrA), 1}
    })
                                    << snapshot({{reader("R", true, kAtrA), 1}}) << QString();
    QTest::newRow("in-use flag only") << snapshot({
        {reader("R", true, kAtrA), 1}
    })
                                      <<
        [] {
            auto s = snapshot({
                {reader("R", true, kAtrA), 1}
            });
            s.readers[0].inUse = true;
            return s;
        }() << QString();
    QTest::newRow("swapped between wake-ups") << snapshot({
        {reader("R", true, kAtrA), 1}
    }) << snapshot({{reader("R", true, kAtrB), 3}})
                                              << QStringLiteral("-R +R") + atrB;
    QTest::newRow("same card pulled and pushed back") << snapshot({
        {reader("R", true, kAtrA), 1}
    }) << snapshot({{reader("R", true, kAtrA), 3}})
                                                      << QStringLiteral("-R +R") + atrA;
    QTest::newRow("reader unplugged with its card") << snapshot({
        {reader("R", true, kAtrA),      1},
        {reader("S",          false),     0}
    })
                                                    << snapshot({{reader("S", false), 0}}) << QStringLiteral("-R");
    QTest::newRow("empty reader unplugged") << snapshot({
        {reader("R", false), 0}
    }) << ReaderSnapshot{}
                                            << QString();
    QTest::newRow("reader plugged with a card") << snapshot({
        {reader("S", false), 0}
    }) << snapshot({{reader("S", false), 0}, {reader("R", true, kAtrB), 1}})
                                                << QStringLiteral("+R") + atrB;
    QTest::newRow("service lost: everything goes") << snapshot({
        {reader("R", true, kAtrA), 1},
        {reader("S", true, kAtrB), 5}
    })
                                                   << ReaderSnapshot{} << QStringLiteral("-R -S");
    QTest::newRow("removals before insertions")
        << snapshot({
               {reader("R", false), 0},
               { reader("S",      true, kAtrB), 1}
    })
        << snapshot({{reader("R", true, kAtrA), 1}, {reader("S", false), 2}}) << QStringLiteral("-S +R") + atrA;
    QTest::newRow("counter unknown before: no phantom cycle") << ReaderSnapshot{
        {reader("R", true, kAtrA)},
        {      }
    } << snapshot({{reader("R", true, kAtrA), 7}}) << QString();
}

void TestReaderStateDiff::events()
{
    QFETCH(ReaderSnapshot, before);
    QFETCH(ReaderSnapshot, after);
    QFETCH(QString, expected);
    QCOMPARE(describe(cardEvents(before, after)), expected);
}

QTEST_GUILESS_MAIN(TestReaderStateDiff)
#include "TestReaderStateDiff.moc"
