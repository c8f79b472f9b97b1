#include "core/pcsc/PcscContext.h"
#include "core/pcsc/PcscError.h"

#include <QTest>

#include <pcsclite.h>

#include <cstring>

using sra::base::ErrorCode;
using sra::core::PcscStage;

Q_DECLARE_METATYPE(sra::core::PcscStage)
Q_DECLARE_METATYPE(sra::base::ErrorCode)

// No pcscd needed: the mapping is a pure function, and the multi-string parser works on plain buffers.
class TestPcscError : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mapping_data();
    void mapping();
    void detailNamesCallAndReason();
    void serviceLost_data();
    void serviceLost();
    void multiString_data();
    void multiString();
};

void TestPcscError::mapping_data()
{
    QTest::addColumn<qint64>("rv");
    QTest::addColumn<PcscStage>("stage");
    QTest::addColumn<ErrorCode>("expected");

    const auto row = [](const char* name, LONG rv, PcscStage stage, ErrorCode code) {
        QTest::newRow(name) << static_cast<qint64>(rv) << stage << code;
    };
    const auto both = [&](const char* name, LONG rv, ErrorCode code) {
        row(QByteArray(QByteArray(name) + " connect").constData(), rv, PcscStage::Connect, code);
        row(QByteArray(QByteArray(name) + " operation").constData(), rv, PcscStage::Operation, code);
    };

    both("NO_SERVICE", SCARD_E_NO_SERVICE, ErrorCode::NoService);
    both("SERVICE_STOPPED", SCARD_E_SERVICE_STOPPED, ErrorCode::NoService);
    both("NO_READERS_AVAILABLE", SCARD_E_NO_READERS_AVAILABLE, ErrorCode::NoReader);
    both("UNKNOWN_READER", SCARD_E_UNKNOWN_READER, ErrorCode::NoReader);
    both("READER_UNAVAILABLE", SCARD_E_READER_UNAVAILABLE, ErrorCode::NoReader);
    both("CANCELLED", SCARD_E_CANCELLED, ErrorCode::Cancelled);

    // Stage-dependent: an empty reader before we hold the card, a removal once we do.
    row("NO_SMARTCARD connect", SCARD_E_NO_SMARTCARD, PcscStage::Connect, ErrorCode::NoCard);
    row("REMOVED_CARD connect", SCARD_W_REMOVED_CARD, PcscStage::Connect, ErrorCode::NoCard);
    row("NO_SMARTCARD operation", SCARD_E_NO_SMARTCARD, PcscStage::Operation, ErrorCode::CardRemoved);
    row("REMOVED_CARD operation", SCARD_W_REMOVED_CARD, PcscStage::Operation, ErrorCode::CardRemoved);

    // Everything else is a transport failure, whatever the stage.
    both("SHARING_VIOLATION", SCARD_E_SHARING_VIOLATION, ErrorCode::Transport);
    both("RESET_CARD", SCARD_W_RESET_CARD, ErrorCode::Transport);
    both("UNRESPONSIVE_CARD", SCARD_W_UNRESPONSIVE_CARD, ErrorCode::Transport);
    both("UNPOWERED_CARD", SCARD_W_UNPOWERED_CARD, ErrorCode::Transport);
    both("PROTO_MISMATCH", SCARD_E_PROTO_MISMATCH, ErrorCode::Transport);
    both("NOT_TRANSACTED", SCARD_E_NOT_TRANSACTED, ErrorCode::Transport);
    both("INSUFFICIENT_BUFFER", SCARD_E_INSUFFICIENT_BUFFER, ErrorCode::Transport);
    both("TIMEOUT", SCARD_E_TIMEOUT, ErrorCode::Transport);
    both("INVALID_HANDLE", SCARD_E_INVALID_HANDLE, ErrorCode::Transport);
    both("INVALID_PARAMETER", SCARD_E_INVALID_PARAMETER, ErrorCode::Transport);
    both("COMM_ERROR", SCARD_F_COMM_ERROR, ErrorCode::Transport);
    both("INTERNAL_ERROR", SCARD_F_INTERNAL_ERROR, ErrorCode::Transport);
    both("unknown code", static_cast<LONG>(0x80100FFF), ErrorCode::Transport);
}

void TestPcscError::mapping()
{
    QFETCH(qint64, rv);
    QFETCH(PcscStage, stage);
    QFETCH(ErrorCode, expected);

    const ErrorCode actual = sra::core::pcscErrorCode(static_cast<LONG>(rv), stage);
    QCOMPARE(sra::base::errorCodeName(actual), sra::base::errorCodeName(expected));
    QCOMPARE(sra::core::pcscError(static_cast<LONG>(rv), stage, "SCardX").code, expected);
}

void TestPcscError::detailNamesCallAndReason()
{
    const auto error = sra::core::pcscError(SCARD_E_NO_SERVICE, PcscStage::Connect, "SCardEstablishContext");
    QCOMPARE(error.code, ErrorCode::NoService);
    const QString detail = QString::fromStdString(error.detail);
    QVERIFY2(detail.startsWith(QStringLiteral("SCardEstablishContext: ")), qPrintable(detail));
    QVERIFY2(detail.contains(QString::fromUtf8(pcsc_stringify_error(SCARD_E_NO_SERVICE))), qPrintable(detail));
    QVERIFY2(detail.contains(QStringLiteral("0x8010001D")), qPrintable(detail));
}

void TestPcscError::serviceLost_data()
{
    QTest::addColumn<qint64>("rv");
    QTest::addColumn<bool>("lost");
    QTest::newRow("NO_SERVICE") << qint64(SCARD_E_NO_SERVICE) << true;
    QTest::newRow("SERVICE_STOPPED") << qint64(SCARD_E_SERVICE_STOPPED) << true;
    QTest::newRow("INVALID_HANDLE") << qint64(SCARD_E_INVALID_HANDLE) << true;
    QTest::newRow("COMM_ERROR") << qint64(SCARD_F_COMM_ERROR) << true;
    QTest::newRow("success") << qint64(SCARD_S_SUCCESS) << false;
    QTest::newRow("NO_SMARTCARD") << qint64(SCARD_E_NO_SMARTCARD) << false;
    QTest::newRow("UNKNOWN_READER") << qint64(SCARD_E_UNKNOWN_READER) << false;
    QTest::newRow("CANCELLED") << qint64(SCARD_E_CANCELLED) << false;
}

void TestPcscError::serviceLost()
{
    QFETCH(qint64, rv);
    QFETCH(bool, lost);
    QCOMPARE(sra::core::isServiceLost(static_cast<LONG>(rv)), lost);
}

void TestPcscError::multiString_data()
{
    QTest::addColumn<QByteArray>("buffer");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("empty buffer") << QByteArray() << QStringList{};
    QTest::newRow("empty list") << QByteArray("\0", 1) << QStringList{};
    QTest::newRow("one") << QByteArray("Reader A 00 00\0\0", 16) << QStringList{QStringLiteral("Reader A 00 00")};
    QTest::newRow("two") << QByteArray("A\0B\0\0", 5) << QStringList{QStringLiteral("A"), QStringLiteral("B")};
    QTest::newRow("stops at empty string") << QByteArray("A\0\0B\0\0", 6) << QStringList{QStringLiteral("A")};
    QTest::newRow("unterminated tail dropped") << QByteArray("A\0BC", 4) << QStringList{QStringLiteral("A")};
    QTest::newRow("utf8") << QByteArray("Lecteur \xc3\xa9\0\0", 12)
                          << QStringList{QString::fromUtf8("Lecteur \xc3\xa9")};
}

void TestPcscError::multiString()
{
    QFETCH(QByteArray, buffer);
    QFETCH(QStringList, expected);
    QCOMPARE(sra::core::parseMultiString(buffer.constData(), static_cast<std::size_t>(buffer.size())), expected);
}

QTEST_GUILESS_MAIN(TestPcscError)
#include "TestPcscError.moc"
