// CardWorker over the in-process soft card: the card's real code path (PIV client, PIN counter, the soft card's
// keys) on the worker thread, answered on the asking thread, in order, with cancel and lifetime rules.
#include "core/card/CardWorker.h"
#include "support/EmulatedCard.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <openssl/evp.h>
#include <openssl/x509.h>

using sra::base::ErrorCode;
using sra::base::SecureBytes;
using sra::core::CardWorker;
using sra::test::EmulatedCard;

namespace {

// P-256 keys are generated in milliseconds, RSA-2048 keys for four slots take seconds: the cases that are not
// about the algorithm use P-256.
sra::softcard::CreateOptions fastCard()
{
    sra::softcard::CreateOptions options;
    options.algorithm = sra::piv::PivAlgorithm::EccP256;
    return options;
}

SecureBytes pin(const char* text)
{
    return sra::test::pinBytes(text);
}

// Verifies a signature over `digest` (SHA-256) with the certificate's public key, independently of our code.
bool signatureValid(const QSslCertificate& certificate, const QByteArray& digest, const QByteArray& signature)
{
    const QByteArray der = certificate.toDer();
    const auto* p = reinterpret_cast<const unsigned char*>(der.constData());
    X509* x509 = d2i_X509(nullptr, &p, der.size());
    if (!x509) {
        return false;
    }
    EVP_PKEY* key = X509_get_pubkey(x509);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
    bool ok = ctx && EVP_PKEY_verify_init(ctx) > 0 && EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) > 0
              && EVP_PKEY_verify(ctx,
                                 reinterpret_cast<const unsigned char*>(signature.constData()),
                                 static_cast<size_t>(signature.size()),
                                 reinterpret_cast<const unsigned char*>(digest.constData()),
                                 static_cast<size_t>(digest.size()))
                     == 1;
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(key);
    X509_free(x509);
    return ok;
}

} // namespace

class TestCardWorker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void opensAndShowsTheCard();
    void openFailsWithTheReason();
    void signsTheChallengeWithTheCardKey_data();
    void signsTheChallengeWithTheCardKey();
    void wrongPinCostsExactlyOneTry();
    void answersInOrderOnTheAskingThread();
    void cancelledBeforeStartIsNeverAnsweredNorRun();
    void goneContextGetsNoAnswer();
    void callerNeverWaitsOnASlowCard();
    void relayOperations();

private:
    QTemporaryDir m_dir;
};

void TestCardWorker::opensAndShowsTheCard()
{
    EmulatedCard emulated(m_dir.filePath(QStringLiteral("open")), fastCard());
    QVERIFY2(emulated.error().isEmpty(), qPrintable(emulated.error()));
    CardWorker card(emulated.opener(QStringLiteral("Reader A")));
    QVERIFY(!card.isOpen());
    QSignalSpy opened(&card, &CardWorker::opened);
    QVERIFY(card.openAndWait());
    QCOMPARE(opened.count(), 1);
    QVERIFY(card.isOpen());
    QCOMPARE(card.readerName(), QStringLiteral("Reader A"));
    QCOMPARE(card.info().cardholder, QStringLiteral("SRA Demo Admin"));
    QCOMPARE(card.pinTriesLeft(), 3);
    QVERIFY(!card.authenticationCertificate().isNull());
}

void TestCardWorker::openFailsWithTheReason()
{
    CardWorker card([] {
        return sra::base::Result<std::unique_ptr<sra::core::CardSession>>(
            sra::base::makeError(ErrorCode::NoReader, "no reader here"));
    });
    QSignalSpy failed(&card, &CardWorker::openFailed);
    auto opened = card.openAndWait();
    QVERIFY(!opened);
    QCOMPARE(opened.error().code, ErrorCode::NoReader);
    QCOMPARE(failed.count(), 1);
    QVERIFY(!card.isOpen());
    // Operations on a card that is not open fail at once, they do not hang.
    bool answered = false;
    card.verifyPin(pin("123456"), false, this, [&](sra::base::Status status) {
        answered = true;
        QCOMPARE(status.error().code, ErrorCode::NoCard);
    });
    QTRY_VERIFY(answered);
}

void TestCardWorker::signsTheChallengeWithTheCardKey_data()
{
    QTest::addColumn<int>("algorithm");
    QTest::newRow("RSA-2048") << int(sra::piv::PivAlgorithm::Rsa2048);
    QTest::newRow("P-256") << int(sra::piv::PivAlgorithm::EccP256);
    QTest::newRow("P-384") << int(sra::piv::PivAlgorithm::EccP384);
}

void TestCardWorker::signsTheChallengeWithTheCardKey()
{
    QFETCH(int, algorithm);
    sra::softcard::CreateOptions options;
    options.algorithm = static_cast<sra::piv::PivAlgorithm>(algorithm);
    EmulatedCard emulated(m_dir.filePath(QStringLiteral("sign-%1").arg(algorithm)), options);
    QVERIFY2(emulated.error().isEmpty(), qPrintable(emulated.error()));
    CardWorker card(emulated.opener());
    QVERIFY(card.openAndWait());
    const QByteArray digest = QCryptographicHash::hash("challenge", QCryptographicHash::Sha256);
    std::optional<sra::base::Result<QByteArray>> result;
    card.signChallenge(digest, pin("123456"), this, [&](sra::base::Result<QByteArray> r) { result = r; });
    QTRY_VERIFY(result.has_value());
    QVERIFY2(result->ok(), result->ok() ? "" : result->error().detail.c_str());
    QVERIFY(signatureValid(card.authenticationCertificate(), digest, result->value()));
    // Not the same signature for another digest: the card signed what it was given.
    QVERIFY(!signatureValid(card.authenticationCertificate(),
                            QCryptographicHash::hash("other", QCryptographicHash::Sha256),
                            result->value()));
}

void TestCardWorker::wrongPinCostsExactlyOneTry()
{
    EmulatedCard emulated(m_dir.filePath(QStringLiteral("wrong-pin")), fastCard());
    CardWorker card(emulated.opener());
    QVERIFY(card.openAndWait());
    QSignalSpy tries(&card, &CardWorker::pinTriesLeftChanged);
    std::optional<sra::base::Status> result;
    card.verifyPin(pin("654321"), false, this, [&](sra::base::Status s) { result = s; });
    QTRY_VERIFY(result.has_value());
    QCOMPARE(result->error().code, ErrorCode::WrongPin);
    QCOMPARE(result->error().triesLeft, 2);
    QCOMPARE(card.pinTriesLeft(), 2);
    QCOMPARE(tries.count(), 1);
    // The counter is the card's: a new worker on the same card reads 2.
    CardWorker again(emulated.opener());
    QVERIFY(again.openAndWait());
    QCOMPARE(again.pinTriesLeft(), 2);
}

void TestCardWorker::answersInOrderOnTheAskingThread()
{
    EmulatedCard emulated(m_dir.filePath(QStringLiteral("order")), fastCard());
    CardWorker card(emulated.opener());
    QVERIFY(card.openAndWait());
    QList<int> order;
    QList<QThread*> threads;
    QSignalSpy busy(&card, &CardWorker::busyChanged);
    for (int i = 0; i < 5; ++i) {
        card.readRelayCard(this, [&, i](sra::base::Result<sra::core::RelayCardContents> contents) {
            QVERIFY(contents.ok());
            QVERIFY(!contents->objects.isEmpty());
            QCOMPARE(contents->keyAlgorithms.size() % 2, 0);
            order.append(i);
            threads.append(QThread::currentThread());
        });
    }
    QTRY_COMPARE(order.size(), 5);
    QCOMPARE(order, (QList<int>{0, 1, 2, 3, 4}));
    for (QThread* thread : threads) {
        QCOMPARE(thread, QThread::currentThread());
    }
    // Busy once for the whole burst, then idle.
    QTRY_COMPARE(busy.count(), 2);
    QCOMPARE(busy.at(0).at(0).toBool(), true);
    QCOMPARE(busy.at(1).at(0).toBool(), false);
}

void TestCardWorker::cancelledBeforeStartIsNeverAnsweredNorRun()
{
    EmulatedCard emulated(m_dir.filePath(QStringLiteral("cancel")), fastCard());
    emulated.setDelayPerCommandMs(100);
    CardWorker card(emulated.opener());
    QVERIFY(card.openAndWait());
    bool firstDone = false;
    bool secondCalled = false;
    card.readRelayCard(this, [&](auto) { firstDone = true; });
    // A wrong PIN queued behind the slow read: cancelled before it runs, it must not cost a try.
    const auto ticket = card.verifyPin(pin("000000"), false, this, [&](sra::base::Status) { secondCalled = true; });
    QVERIFY(card.cancel(ticket));
    QVERIFY(!card.cancel(ticket)); // once
    QTRY_VERIFY_WITH_TIMEOUT(firstDone, 10000);
    QTest::qWait(200);
    QVERIFY(!secondCalled);
    emulated.setDelayPerCommandMs(0);
    CardWorker again(emulated.opener());
    QVERIFY(again.openAndWait());
    QCOMPARE(again.pinTriesLeft(), 3);
}

void TestCardWorker::goneContextGetsNoAnswer()
{
    EmulatedCard emulated(m_dir.filePath(QStringLiteral("context")), fastCard());
    emulated.setDelayPerCommandMs(20);
    CardWorker card(emulated.opener());
    QVERIFY(card.openAndWait());
    bool called = false;
    auto* context = new QObject;
    card.readRelayCard(context, [&](auto) { called = true; });
    delete context;
    QSignalSpy busy(&card, &CardWorker::busyChanged);
    QTRY_VERIFY_WITH_TIMEOUT(busy.count() >= 1 && !busy.last().at(0).toBool(), 10000);
    QVERIFY(!called);
}

void TestCardWorker::callerNeverWaitsOnASlowCard()
{
    EmulatedCard emulated(m_dir.filePath(QStringLiteral("slow")), fastCard());
    CardWorker card(emulated.opener());
    QVERIFY(card.openAndWait());
    emulated.setDelayPerCommandMs(150); // a signature is several APDUs: well over a second in all
    bool done = false;
    QElapsedTimer clock;
    clock.start();
    card.signChallenge(QByteArray(32, 'x'), pin("123456"), this, [&](auto) { done = true; });
    QVERIFY2(clock.elapsed() < 50, "signChallenge() waited on the card");
    // The event loop keeps turning while the card works: a 10 ms timer fires on time, again and again.
    qint64 worstGapMs = 0;
    qint64 last = clock.elapsed();
    QTimer tick;
    tick.setInterval(10);
    connect(&tick, &QTimer::timeout, this, [&] {
        worstGapMs = std::max(worstGapMs, clock.elapsed() - last);
        last = clock.elapsed();
    });
    tick.start();
    QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
    QVERIFY2(clock.elapsed() > 400, "the delay did not apply: the test would prove nothing");
    QVERIFY2(worstGapMs < 100, qPrintable(QStringLiteral("event loop stalled for %1 ms").arg(worstGapMs)));
}

void TestCardWorker::relayOperations()
{
    EmulatedCard emulated(m_dir.filePath(QStringLiteral("relay")), fastCard());
    CardWorker card(emulated.opener());
    QVERIFY(card.openAndWait());
    // GENERAL AUTHENTICATE before VERIFY: the card refuses (security status), as a real PIV card does.
    std::optional<sra::base::Result<QByteArray>> refused;
    const QByteArray hash(32, '\x01');
    card.generalAuthenticate(0x9A, sra::piv::PivAlgorithm::EccP256, hash, this, [&](auto r) { refused = r; });
    QTRY_VERIFY(refused.has_value());
    QVERIFY(!refused->ok());
    QCOMPARE(refused->error().code, ErrorCode::SecurityStatus);
    std::optional<sra::base::Status> verified;
    card.verifyPin(pin("123456"), false, this, [&](sra::base::Status s) { verified = s; });
    QTRY_VERIFY(verified.has_value());
    QVERIFY(verified->ok());
    QCOMPARE(card.pinTriesLeft(), -1); // verified: the card does not report a count
}

QTEST_GUILESS_MAIN(TestCardWorker)
#include "TestCardWorker.moc"
