#include "core/pcsc/PcscCardChannel.h"
#include "core/pcsc/PcscContext.h"
#include "support/Lab.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>
#include <QThread>

#include <winscard.h>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>

using sra::base::ErrorCode;
using sra::core::PcscCardChannel;
using sra::core::PcscContext;

namespace {

// SELECT the PIV application by its AID (NIST SP 800-73-4); the soft card answers 9000 with its APT.
const sra::base::Bytes kSelectPiv = {
    0x00, 0xA4, 0x04, 0x00, 0x09, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x00};

unsigned statusWord(const sra::base::Bytes& response)
{
    return response.size() < 2 ? 0U : (unsigned(response[response.size() - 2]) << 8) | response.back();
}

const char* codeName(ErrorCode code)
{
    return sra::base::errorCodeName(code);
}

} // namespace

// PcscCardChannel against a private pcscd with the soft card (sra::test::Lab), and its errors when the card,
// the reader or pcscd itself is missing.
class TestPcscChannel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void listsLabReader();
    void selectPivAnswers9000();
    void transactionAroundCommands();
    void recoversFromCardReset();
    void unknownReaderIsNoReader();
    void stoppedCardIsReported();
    void contextSurvivesPcscdRestart();
    void noPcscdIsNoService(); // last: it takes the lab down
    void cleanup();
    void cleanupTestCase();

private:
    // Waits until the lab reader has its card again (after cardStart() or a pcscd restart).
    bool waitForCard(PcscContext& context, int timeoutMs);

    std::unique_ptr<sra::test::Lab> m_lab;
    QString m_reader;
};

void TestPcscChannel::initTestCase()
{
    m_lab = std::make_unique<sra::test::Lab>();
    QVERIFY2(m_lab->isUp(), qPrintable(m_lab->error()));
    // Before the first PC/SC call of this process: pcsc-lite reads the socket path once.
    const QString socket = m_lab->env(QStringLiteral("ADMIN_PCSCLITE_CSOCK_NAME"));
    QVERIFY(!socket.isEmpty());
    qputenv("PCSCLITE_CSOCK_NAME", QFile::encodeName(socket));
    m_reader = m_lab->env(QStringLiteral("LAB_READER"));
    QVERIFY(!m_reader.isEmpty());
    PcscContext context;
    QVERIFY(waitForCard(context, 10000));
}

bool TestPcscChannel::waitForCard(PcscContext& context, int timeoutMs)
{
    // Uses a status-change wait like an application would, so this helper adds no latency of its own.
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (!context.ensureValid()) {
            QThread::msleep(100);
            continue;
        }
        const QByteArray name = m_reader.toUtf8();
        SCARD_READERSTATE state{};
        state.szReader = name.constData();
        state.dwCurrentState = SCARD_STATE_UNAWARE;
        LONG rv = SCardGetStatusChange(context.handle(), 0, &state, 1);
        while (rv == SCARD_S_SUCCESS && !(state.dwEventState & SCARD_STATE_PRESENT) && !deadline.hasExpired()) {
            state.dwCurrentState = state.dwEventState;
            rv = SCardGetStatusChange(context.handle(), DWORD(qMax<qint64>(1, deadline.remainingTime())), &state, 1);
        }
        if (rv == SCARD_S_SUCCESS && (state.dwEventState & SCARD_STATE_PRESENT)) {
            return true;
        }
        // The reader may not exist yet (pcscd just started) or the context is stale: start over shortly.
        context.release();
        QThread::msleep(100);
    }
    return false;
}

void TestPcscChannel::listsLabReader()
{
    PcscContext context;
    const auto readers = context.listReaders();
    QVERIFY2(readers.ok(), readers.ok() ? "" : readers.error().detail.c_str());
    QVERIFY2(readers->contains(m_reader), qPrintable(readers->join(QStringLiteral(", "))));
}

void TestPcscChannel::selectPivAnswers9000()
{
    PcscContext context;
    auto channel = PcscCardChannel::connect(context, m_reader);
    QVERIFY2(channel.ok(), channel.ok() ? "" : channel.error().detail.c_str());
    QCOMPARE((*channel)->readerName(), m_reader);
    QVERIFY((*channel)->activeProtocol() == SCARD_PROTOCOL_T0 || (*channel)->activeProtocol() == SCARD_PROTOCOL_T1);
    QVERIFY(!(*channel)->supportsExtendedLength());

    const auto response = (*channel)->transmitRaw(kSelectPiv);
    QVERIFY2(response.ok(), response.ok() ? "" : response.error().detail.c_str());
    QCOMPARE(statusWord(response.value()), 0x9000U);
}

void TestPcscChannel::transactionAroundCommands()
{
    PcscContext context;
    auto channel = PcscCardChannel::connect(context, m_reader);
    QVERIFY(channel.ok());
    PcscContext other;
    auto otherChannel = PcscCardChannel::connect(other, m_reader);
    QVERIFY(otherChannel.ok());

    std::optional<sra::piv::TransactionGuard> transaction(std::in_place, **channel);
    QVERIFY2(transaction->status().ok(),
             transaction->status().ok() ? "" : transaction->status().error().detail.c_str());
    const auto response = (*channel)->transmitRaw(kSelectPiv);
    QVERIFY(response.ok());
    QCOMPARE(statusWord(response.value()), 0x9000U);

    // Another application's transaction waits until ours ends: that is what keeps a VERIFY and the signature
    // that needs it together.
    QElapsedTimer held;
    held.start();
    std::atomic<qint64> otherBeganAfterMs{-1};
    std::thread otherApp([&] {
        if ((*otherChannel)->beginTransaction().ok()) {
            otherBeganAfterMs = held.elapsed();
            (*otherChannel)->endTransaction();
        }
    });
    QThread::msleep(400);
    const bool otherWaited = otherBeganAfterMs.load() < 0;
    transaction.reset(); // SCardEndTransaction: the other application goes ahead
    otherApp.join();
    QVERIFY2(otherWaited, "another application's transaction started while we held ours");
    QVERIFY(otherBeganAfterMs.load() >= 400);

    // Ours can be taken again, and commands go on working.
    QVERIFY((*channel)->beginTransaction().ok());
    QVERIFY((*channel)->transmitRaw(kSelectPiv).ok());
    (*channel)->endTransaction();
}

void TestPcscChannel::recoversFromCardReset()
{
    PcscContext context;
    auto channel = PcscCardChannel::connect(context, m_reader);
    QVERIFY(channel.ok());
    QVERIFY((*channel)->transmitRaw(kSelectPiv).ok());

    // Another application resets the card; our next command meets SCARD_W_RESET_CARD once, reconnects and
    // goes through.
    PcscContext other;
    QVERIFY(other.ensureValid().ok());
    {
        const QByteArray name = m_reader.toUtf8();
        SCARDHANDLE card = 0;
        DWORD protocol = 0;
        QCOMPARE(SCardConnect(other.handle(),
                              name.constData(),
                              SCARD_SHARE_SHARED,
                              SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                              &card,
                              &protocol),
                 LONG(SCARD_S_SUCCESS));
        QCOMPARE(SCardReconnect(
                     card, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, SCARD_RESET_CARD, &protocol),
                 LONG(SCARD_S_SUCCESS));
        SCardDisconnect(card, SCARD_LEAVE_CARD);
    }
    const auto response = (*channel)->transmitRaw(kSelectPiv);
    QVERIFY2(response.ok(), response.ok() ? "" : response.error().detail.c_str());
    QCOMPARE(statusWord(response.value()), 0x9000U);
}

void TestPcscChannel::unknownReaderIsNoReader()
{
    PcscContext context;
    const auto channel = PcscCardChannel::connect(context, QStringLiteral("No Such Reader 00 00"));
    QVERIFY(!channel.ok());
    QCOMPARE(codeName(channel.error().code), codeName(ErrorCode::NoReader));
    QVERIFY2(channel.error().detail.find("SCardConnect") != std::string::npos, channel.error().detail.c_str());
}

void TestPcscChannel::stoppedCardIsReported()
{
    PcscContext context;
    auto channel = PcscCardChannel::connect(context, m_reader);
    QVERIFY(channel.ok());
    QVERIFY((*channel)->transmitRaw(kSelectPiv).ok());

    QVERIFY2(m_lab->cardStop(), qPrintable(m_lab->error()));

    // The open channel: removed mid-session, reported as such on the first failing command even when pcscd has
    // not polled the reader yet (the channel then asks the reader to confirm the removal).
    QElapsedTimer timer;
    timer.start();
    const auto response = (*channel)->transmitRaw(kSelectPiv);
    QVERIFY(!response.ok());
    const sra::base::Error& error = response.error();
    QVERIFY2(error.code == ErrorCode::CardRemoved || error.code == ErrorCode::NoCard,
             qPrintable(QStringLiteral("%1: %2").arg(QString::fromUtf8(codeName(error.code)),
                                                     QString::fromStdString(error.detail))));
    QVERIFY2(timer.elapsed() < 3000, "reporting the removal took too long");

    // A new connection to the empty reader: no card.
    QTRY_VERIFY_WITH_TIMEOUT(!PcscCardChannel::connect(context, m_reader).ok(), 5000);
    const auto fresh = PcscCardChannel::connect(context, m_reader);
    QCOMPARE(codeName(fresh.error().code), codeName(ErrorCode::NoCard));

    QVERIFY2(m_lab->cardStart(), qPrintable(m_lab->error()));
    QVERIFY(waitForCard(context, 10000));
    auto again = PcscCardChannel::connect(context, m_reader);
    QVERIFY(again.ok());
    QVERIFY((*again)->transmitRaw(kSelectPiv).ok());
}

void TestPcscChannel::contextSurvivesPcscdRestart()
{
    // A context established with the old daemon is renewed transparently by listReaders() and connect().
    PcscContext context;
    QVERIFY(context.ensureValid().ok());
    QVERIFY2(m_lab->pcscdRestart(), qPrintable(m_lab->error()));
    PcscContext probe;
    QVERIFY(waitForCard(probe, 10000));

    const auto readers = context.listReaders();
    QVERIFY2(readers.ok(), readers.ok() ? "" : readers.error().detail.c_str());
    QVERIFY(readers->contains(m_reader));
    auto channel = PcscCardChannel::connect(context, m_reader);
    QVERIFY2(channel.ok(), channel.ok() ? "" : channel.error().detail.c_str());
    QCOMPARE(statusWord((*channel)->transmitRaw(kSelectPiv).value()), 0x9000U);
}

void TestPcscChannel::noPcscdIsNoService()
{
    PcscContext stale;
    QVERIFY(stale.ensureValid().ok());
    auto channel = PcscCardChannel::connect(stale, m_reader);
    QVERIFY(channel.ok());

    QVERIFY2(m_lab->down(), qPrintable(m_lab->error()));

    // An open channel whose daemon went away fails instead of hanging.
    const auto response = (*channel)->transmitRaw(kSelectPiv);
    QVERIFY(!response.ok());

    // A fresh context and one left over from the daemon that is gone both say: no service.
    PcscContext fresh;
    const auto freshResult = PcscCardChannel::connect(fresh, m_reader);
    QVERIFY(!freshResult.ok());
    QCOMPARE(codeName(freshResult.error().code), codeName(ErrorCode::NoService));
    const auto staleResult = PcscCardChannel::connect(stale, m_reader);
    QVERIFY(!staleResult.ok());
    QCOMPARE(codeName(staleResult.error().code), codeName(ErrorCode::NoService));
    const auto readers = fresh.listReaders();
    QVERIFY(!readers.ok());
    QCOMPARE(codeName(readers.error().code), codeName(ErrorCode::NoService));
    channel = sra::base::makeError(ErrorCode::Cancelled); // close the handle before the lab object goes
}

// A test that failed half-way may leave the card pulled; put it back so the next test starts from a served card.
void TestPcscChannel::cleanup()
{
    if (m_lab && m_lab->isUp() && m_lab->softcardPid() == 0) {
        QVERIFY2(m_lab->cardStart(), qPrintable(m_lab->error()));
    }
}

void TestPcscChannel::cleanupTestCase()
{
    m_lab.reset();
}

QTEST_GUILESS_MAIN(TestPcscChannel)
#include "TestPcscChannel.moc"
