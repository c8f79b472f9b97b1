// Status words (core/piv/StatusWord.h): the table lookup, its families (61xx, 63Cx, 6Cxx) and the mapping
// to errors, notably the PIN outcomes a user sees.

#include "core/piv/StatusWord.h"

#include <QTest>

using namespace sra::base;
using namespace sra::piv;

Q_DECLARE_METATYPE(sra::base::ErrorCode)

class TestStatusWord : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lookup_data();
    void lookup();
    void unknown();
    void errors_data();
    void errors();
    void describe();
};

void TestStatusWord::lookup_data()
{
    QTest::addColumn<uint>("sw");
    QTest::addColumn<QByteArray>("description");
    QTest::addColumn<ErrorCode>("code");

    QTest::addRow("9000") << 0x9000u << QByteArray("success") << ErrorCode::CardError;
    QTest::addRow("6100") << 0x6100u << QByteArray("more response bytes") << ErrorCode::CardError;
    QTest::addRow("61FF") << 0x61FFu << QByteArray("more response bytes") << ErrorCode::CardError;
    QTest::addRow("63C0") << 0x63C0u << QByteArray("verification failed") << ErrorCode::WrongPin;
    QTest::addRow("63CF") << 0x63CFu << QByteArray("verification failed") << ErrorCode::WrongPin;
    QTest::addRow("6700") << 0x6700u << QByteArray("wrong length") << ErrorCode::CardError;
    QTest::addRow("6881") << 0x6881u << QByteArray("logical channel") << ErrorCode::Unsupported;
    QTest::addRow("6882") << 0x6882u << QByteArray("secure messaging") << ErrorCode::Unsupported;
    QTest::addRow("6883") << 0x6883u << QByteArray("last command of the chain") << ErrorCode::CardError;
    QTest::addRow("6982") << 0x6982u << QByteArray("security status") << ErrorCode::SecurityStatus;
    QTest::addRow("6983") << 0x6983u << QByteArray("blocked") << ErrorCode::PinBlocked;
    QTest::addRow("6985") << 0x6985u << QByteArray("conditions of use") << ErrorCode::SecurityStatus;
    QTest::addRow("6A80") << 0x6A80u << QByteArray("incorrect data") << ErrorCode::CardError;
    QTest::addRow("6A81") << 0x6A81u << QByteArray("function not supported") << ErrorCode::Unsupported;
    QTest::addRow("6A82") << 0x6A82u << QByteArray("not found") << ErrorCode::NotFound;
    QTest::addRow("6A86") << 0x6A86u << QByteArray("P1-P2") << ErrorCode::Unsupported;
    QTest::addRow("6A88") << 0x6A88u << QByteArray("referenced data not found") << ErrorCode::NotFound;
    QTest::addRow("6C00") << 0x6C00u << QByteArray("wrong Le") << ErrorCode::CardError;
    QTest::addRow("6C1F") << 0x6C1Fu << QByteArray("wrong Le") << ErrorCode::CardError;
    QTest::addRow("6D00") << 0x6D00u << QByteArray("instruction not supported") << ErrorCode::Unsupported;
    QTest::addRow("6E00") << 0x6E00u << QByteArray("class not supported") << ErrorCode::Unsupported;
    QTest::addRow("6F00") << 0x6F00u << QByteArray("no precise diagnosis") << ErrorCode::CardError;
}

void TestStatusWord::lookup()
{
    QFETCH(uint, sw);
    QFETCH(QByteArray, description);
    QFETCH(ErrorCode, code);
    const auto* row = lookupStatusWord(static_cast<std::uint16_t>(sw));
    QVERIFY(row);
    QVERIFY2(QByteArray(row->description).contains(description), row->description);
    QCOMPARE(row->code, code);
    QCOMPARE(static_cast<uint>(sw & row->mask), static_cast<uint>(row->value));
}

void TestStatusWord::unknown()
{
    for (const std::uint16_t sw : {0x0000, 0x1234, 0x6B00, 0x6300, 0x63B1, 0x6A87, 0x9001, 0xFFFF}) {
        QVERIFY2(!lookupStatusWord(sw), QByteArray::number(sw, 16).constData());
        const Error e = statusWordError(sw, "TEST");
        QCOMPARE(e.code, ErrorCode::CardError);
        QCOMPARE(e.sw, static_cast<unsigned>(sw));
    }
}

void TestStatusWord::errors_data()
{
    QTest::addColumn<uint>("sw");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("triesLeft");

    QTest::addRow("63C3: wrong PIN, 3 left") << 0x63C3u << ErrorCode::WrongPin << 3;
    QTest::addRow("63C2: wrong PIN, 2 left") << 0x63C2u << ErrorCode::WrongPin << 2;
    QTest::addRow("63C1: wrong PIN, 1 left") << 0x63C1u << ErrorCode::WrongPin << 1;
    QTest::addRow("63CF: wrong PIN, 15 left") << 0x63CFu << ErrorCode::WrongPin << 15;
    QTest::addRow("63C0: blocked") << 0x63C0u << ErrorCode::PinBlocked << 0;
    QTest::addRow("6983: blocked") << 0x6983u << ErrorCode::PinBlocked << -1;
    QTest::addRow("6982: PIN needed") << 0x6982u << ErrorCode::SecurityStatus << -1;
    QTest::addRow("6A82: not found") << 0x6A82u << ErrorCode::NotFound << -1;
    QTest::addRow("6283: not PIV") << 0x6283u << ErrorCode::NotPiv << -1;
    QTest::addRow("6D00: unsupported") << 0x6D00u << ErrorCode::Unsupported << -1;
    QTest::addRow("6F00: card error") << 0x6F00u << ErrorCode::CardError << -1;
}

void TestStatusWord::errors()
{
    QFETCH(uint, sw);
    QFETCH(ErrorCode, code);
    QFETCH(int, triesLeft);
    const Error e = statusWordError(static_cast<std::uint16_t>(sw), "VERIFY");
    QCOMPARE(e.code, code);
    QCOMPARE(e.triesLeft, triesLeft);
    QCOMPARE(e.sw, sw);
    const QByteArray detail = QByteArray::fromStdString(e.detail);
    QVERIFY2(detail.startsWith("VERIFY"), detail.constData());
    QVERIFY2(detail.contains(QByteArray::number(sw, 16).toUpper()), detail.constData());
}

void TestStatusWord::describe()
{
    QCOMPARE(describeStatusWord(0x6A82), std::string("6A82 (file or application not found)"));
    QCOMPARE(describeStatusWord(0x61FF), std::string("61FF (more response bytes available)"));
    QCOMPARE(describeStatusWord(0x0001), std::string("0001 (unknown status)"));
}

QTEST_GUILESS_MAIN(TestStatusWord)
#include "TestStatusWord.moc"
