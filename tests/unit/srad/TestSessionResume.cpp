// srad's side of resuming a session whose connection dropped (docs/PROTOCOL.md, "Resuming a session"), against a
// real srad in this process (ResumeHarness: its own thread, TLS 1.3 on a loopback port, the admin's certificate
// paired), the admin as RawSradClient speaking the protocol, and programs on the remote as local clients of srad's
// card relay. What is checked is what the remote's programs and the admin see: the card stays inserted with the
// same generation through a drop, relayed requests reach the admin after the resume with their RequestId, tokens
// are single use, and the orderly ends (Bye), the grace's end and changed pairings remove the card.
#include "ResumeHarness.h"
#include "core/net/QtBytes.h"
#include "support/RawSradClient.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <future>
#include <optional>

using sra::test::CardWatcher;
using sra::test::LogCapture;
using sra::test::RawSradClient;
namespace wire = sra::wire;
using Reply = sra::local::LocalChannelClient::Reply;

namespace {

constexpr int kGraceMs = 10000; // held sessions are never waited out here, except in graceExpiryRemovesTheCard
// A CHUID in its 53 wrapper (srad decodes InsertCard strictly) and three P-256 keys.
const QByteArray kObjects("\x5F\xC1\x02\x05\x53\x03\x30\x01\x02", 9);
const QByteArray kAlgorithms("\x9A\x11\x9C\x11\x9E\x11", 6);

QByteArray bytesOf(const wire::Message& m, wire::Field field)
{
    return sra::core::toQByteArray(m.bytes(field));
}

std::optional<wire::ErrorCode> errorOf(const std::optional<wire::Message>& m)
{
    if (!m || m->type() != wire::MessageType::Error) {
        return std::nullopt;
    }
    return static_cast<wire::ErrorCode>(m->u32(wire::Field::ErrorCode).value_or(0));
}

// The next message from srad that is not a keepalive or the CardLogin advice.
std::optional<wire::Message> next(RawSradClient& admin, int timeoutMs = 5000)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        auto m = admin.receive(static_cast<int>(std::max<qint64>(1, timeoutMs - clock.elapsed())));
        if (!m || (m->type() != wire::MessageType::Keepalive && m->type() != wire::MessageType::CardLogin)) {
            return m;
        }
    }
    return std::nullopt;
}

// A PIN check by a program on the remote, on a thread of its own (the local client waits for the answer).
std::future<Reply> verifyPinLater(CardWatcher& program)
{
    return std::async(std::launch::async, [&program] { return program.client().verifyPin(sra::base::view("123456")); });
}

bool ready(std::future<Reply>& reply, int timeoutMs = 10000)
{
    return QTest::qWaitFor([&] { return reply.wait_for(std::chrono::seconds(0)) == std::future_status::ready; },
                           timeoutMs);
}

wire::Message relayOk(quint32 requestId)
{
    wire::Message m(wire::MessageType::RelayResult);
    m.setU32(wire::Field::RequestId, requestId);
    m.setU32(wire::Field::Status, static_cast<std::uint32_t>(wire::RelayStatus::Ok));
    m.setU32(wire::Field::PinTriesLeft, 3);
    return m;
}

} // namespace

class TestSessionResume : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void resumeKeepsTheCard();
    void requestsAreDeliveredAfterTheResume();
    void requestTimesOutWhileAway();
    void wrongTokenLeavesTheSessionResumable();
    void oldTokenIsDeadAfterAResume();
    void onlyAWrongTokenCountsAsAFailure();
    void graceExpiryRemovesTheCard();
    void takeoverClosesTheOldConnection();
    void silentLinkIsSuspended();
    void byeIsNotSuspended();
    void graceZeroHandsOutNoToken();
    void changedPairingEndsTheHeldSession();
    void resumeNeedsALicense();
    void suspendedSessionIsNotUnauthenticated();

private:
    // A srad with resume_grace_ms = kGraceMs, changed by `tweak`.
    bool startSrad(const std::function<void(sra::core::SradConfig&)>& tweak = {}, bool licensed = true);
    // An admin signed in to it; the AuthOk in `ok`.
    std::unique_ptr<RawSradClient> signIn(wire::Message* ok = nullptr);
    bool insertCard(RawSradClient& admin);
    // A new connection whose first message is Resume; srad's answer in `answer`.
    std::unique_ptr<RawSradClient>
    resume(const QString& sessionId, const QByteArray& token, std::optional<wire::Message>& answer);
    // The admin's connection breaks (no Bye), and srad notices.
    bool dropAndWaitForSuspension(RawSradClient& admin, const QString& sessionId);

    QTemporaryDir m_dir;
    sra::test::ResumeFixture m_fixture;
    std::unique_ptr<sra::test::SradThread> m_srad;
};

void TestSessionResume::initTestCase()
{
    QVERIFY(m_dir.isValid());
    LogCapture::install();
    QString error;
    QVERIFY2(m_fixture.create(m_dir.path(), error), qPrintable(error));
}

void TestSessionResume::init()
{
    LogCapture::clear();
    QString error;
    QVERIFY2(m_fixture.writePairings(true, error), qPrintable(error));
}

void TestSessionResume::cleanup()
{
    m_srad.reset();
    if (QTest::currentTestFailed()) {
        qInfo().noquote() << QStringLiteral("srad's log:\n") + LogCapture::lines().join(u'\n');
    }
}

bool TestSessionResume::startSrad(const std::function<void(sra::core::SradConfig&)>& tweak, bool licensed)
{
    sra::core::SradConfig config = m_fixture.config(licensed);
    config.resumeGraceMs = kGraceMs;
    if (tweak) {
        tweak(config);
    }
    m_srad = std::make_unique<sra::test::SradThread>();
    QString error;
    if (!m_srad->start(config, error)) {
        qWarning("srad did not start: %s", qPrintable(error));
        return false;
    }
    return true;
}

std::unique_ptr<RawSradClient> TestSessionResume::signIn(wire::Message* ok)
{
    auto admin = std::make_unique<RawSradClient>();
    if (!admin->connect(m_srad->port())) {
        return nullptr;
    }
    const auto answer = admin->authenticate(m_fixture.certificate(), m_fixture.key());
    if (!answer || answer->type() != wire::MessageType::AuthOk) {
        qWarning("not signed in");
        return nullptr;
    }
    if (ok) {
        *ok = *answer;
    }
    return admin;
}

bool TestSessionResume::insertCard(RawSradClient& admin)
{
    wire::Message insert(wire::MessageType::InsertCard);
    insert.set(wire::Field::CardObjects, sra::core::asByteView(kObjects));
    insert.set(wire::Field::KeyAlgorithms, sra::core::asByteView(kAlgorithms));
    insert.setU32(wire::Field::PinTriesLeft, 3);
    if (!admin.send(insert)) {
        return false;
    }
    const auto login = admin.receive();
    return login && login->type() == wire::MessageType::CardLogin;
}

std::unique_ptr<RawSradClient>
TestSessionResume::resume(const QString& sessionId, const QByteArray& token, std::optional<wire::Message>& answer)
{
    auto admin = std::make_unique<RawSradClient>();
    answer.reset();
    if (!admin->connect(m_srad->port())) {
        return admin;
    }
    wire::Message resume(wire::MessageType::Resume);
    resume.set(wire::Field::SessionId, sessionId.toStdString());
    resume.set(wire::Field::ClientName, std::string_view("unit test"));
    resume.set(wire::Field::ResumeToken, sra::core::asByteView(token));
    if (admin->send(resume)) {
        answer = next(*admin);
    }
    return admin;
}

bool TestSessionResume::dropAndWaitForSuspension(RawSradClient& admin, const QString& sessionId)
{
    admin.socket().abort();
    return LogCapture::waitFor(QStringLiteral("session %1 of account root suspended").arg(sessionId));
}

void TestSessionResume::resumeKeepsTheCard()
{
    QVERIFY(startSrad());
    wire::Message ok;
    auto admin = signIn(&ok);
    QVERIFY(admin);
    const QString id = QString::fromStdString(ok.text(wire::Field::SessionId));
    const QByteArray token = bytesOf(ok, wire::Field::ResumeToken);
    QCOMPARE(token.size(), 32);
    QCOMPARE(ok.u32(wire::Field::ResumeGraceMs), std::optional<std::uint32_t>(kGraceMs));
    CardWatcher program(m_fixture.localSocket());
    QVERIFY(insertCard(*admin));
    QVERIFY(program.waitPresent());
    const std::uint32_t generation = program.generation();
    const std::size_t from = program.seen();

    QVERIFY(dropAndWaitForSuspension(*admin, id));
    QVERIFY(LogCapture::contains(QStringLiteral("card kept for %1 ms").arg(kGraceMs)));
    QTest::qWait(200); // a removal, had srad sent one, would have arrived by now
    std::optional<wire::Message> answer;
    auto again = resume(id, token, answer);
    QVERIFY(answer && answer->type() == wire::MessageType::AuthOk);
    QCOMPARE(QString::fromStdString(answer->text(wire::Field::SessionId)), id);
    QCOMPARE(answer->text(wire::Field::Account), std::string("root"));
    const QByteArray fresh = bytesOf(*answer, wire::Field::ResumeToken);
    QCOMPARE(fresh.size(), 32);
    QVERIFY(fresh != token);
    QCOMPARE(answer->u32(wire::Field::ResumeGraceMs), std::optional<std::uint32_t>(kGraceMs));
    QVERIFY(LogCapture::waitFor(QStringLiteral("resumed session %1 of account root from [").arg(id)));
    // The remote's program never saw the card leave or change.
    QVERIFY(program.presentThroughout(from, generation));
    QCOMPARE(program.generation(), generation);
    // And the session goes on on the new connection: its RemoveCard is the admin's.
    wire::Message remove(wire::MessageType::RemoveCard);
    QVERIFY(again->send(remove));
    QVERIFY(program.waitAbsent());
    QVERIFY(LogCapture::contains(QStringLiteral("card of root removed: removed by the admin")));
}

void TestSessionResume::requestsAreDeliveredAfterTheResume()
{
    QVERIFY(startSrad());
    wire::Message ok;
    auto admin = signIn(&ok);
    QVERIFY(admin);
    const QString id = QString::fromStdString(ok.text(wire::Field::SessionId));
    CardWatcher before(m_fixture.localSocket());
    CardWatcher during(m_fixture.localSocket());
    QVERIFY(insertCard(*admin));
    QVERIFY(before.waitPresent() && during.waitPresent());

    // Forwarded before the drop: it reached the admin, whose answer is lost with the connection.
    auto first = verifyPinLater(before);
    const auto forwarded = next(*admin);
    QVERIFY(forwarded && forwarded->type() == wire::MessageType::RelayVerifyPin);
    const quint32 firstId = *forwarded->u32(wire::Field::RequestId);
    QVERIFY(dropAndWaitForSuspension(*admin, id));
    // Asked while the admin is away.
    auto second = verifyPinLater(during);
    QVERIFY(LogCapture::waitFor(QStringLiteral("kept for the resume")));
    QVERIFY(!ready(first, 100) && !ready(second, 100));

    std::optional<wire::Message> answer;
    auto again = resume(id, bytesOf(ok, wire::Field::ResumeToken), answer);
    QVERIFY(answer && answer->type() == wire::MessageType::AuthOk);
    QList<quint32> ids;
    for (int i = 0; i < 2; ++i) {
        const auto request = next(*again);
        QVERIFY(request && request->type() == wire::MessageType::RelayVerifyPin);
        QCOMPARE(bytesOf(*request, wire::Field::Pin), QByteArray("123456"));
        ids.append(*request->u32(wire::Field::RequestId));
    }
    QCOMPARE(ids.first(), firstId); // the same request, not a new one: the admin side deduplicates by id
    QVERIFY(ids.last() != firstId);
    for (const quint32 requestId : std::as_const(ids)) {
        QVERIFY(again->send(relayOk(requestId)));
    }
    QVERIFY(ready(first) && ready(second));
    QCOMPARE(first.get().status, wire::RelayStatus::Ok);
    QCOMPARE(second.get().status, wire::RelayStatus::Ok);
    QVERIFY(LogCapture::contains(QStringLiteral("re-sent 2 pending relay request(s) to root")));
}

void TestSessionResume::requestTimesOutWhileAway()
{
    QVERIFY(startSrad([](sra::core::SradConfig& c) { c.relayRequestTimeoutMs = 500; }));
    wire::Message ok;
    auto admin = signIn(&ok);
    QVERIFY(admin);
    const QString id = QString::fromStdString(ok.text(wire::Field::SessionId));
    CardWatcher program(m_fixture.localSocket());
    QVERIFY(insertCard(*admin));
    QVERIFY(program.waitPresent());
    QVERIFY(dropAndWaitForSuspension(*admin, id));
    QElapsedTimer clock;
    clock.start();
    auto reply = verifyPinLater(program);
    QVERIFY(ready(reply));
    QCOMPARE(reply.get().status, wire::RelayStatus::Timeout); // its deadline, not the grace
    QVERIFY(clock.elapsed() < kGraceMs / 2);
    QVERIFY(LogCapture::contains(QStringLiteral("relayed PIN check for")));
    std::optional<wire::Message> answer;
    auto again = resume(id, bytesOf(ok, wire::Field::ResumeToken), answer);
    QVERIFY(answer && answer->type() == wire::MessageType::AuthOk);
    QVERIFY2(!next(*again, 300), "a request that had ended was sent again");
}

void TestSessionResume::wrongTokenLeavesTheSessionResumable()
{
    QVERIFY(startSrad());
    wire::Message ok;
    auto admin = signIn(&ok);
    QVERIFY(admin);
    const QString id = QString::fromStdString(ok.text(wire::Field::SessionId));
    QByteArray wrong = bytesOf(ok, wire::Field::ResumeToken);
    wrong[31] = static_cast<char>(wrong[31] ^ 1);
    QVERIFY(dropAndWaitForSuspension(*admin, id));
    std::optional<wire::Message> answer;
    auto guess = resume(id, wrong, answer);
    QCOMPARE(errorOf(answer), wire::ErrorCode::ResumeRefused);
    QVERIFY(guess->waitClosed());
    QVERIFY(LogCapture::contains(QStringLiteral("wrong resume token for session %1").arg(id)));
    auto again = resume(id, bytesOf(ok, wire::Field::ResumeToken), answer);
    QVERIFY(answer && answer->type() == wire::MessageType::AuthOk);
}

void TestSessionResume::oldTokenIsDeadAfterAResume()
{
    QVERIFY(startSrad());
    wire::Message ok;
    auto admin = signIn(&ok);
    QVERIFY(admin);
    const QString id = QString::fromStdString(ok.text(wire::Field::SessionId));
    const QByteArray first = bytesOf(ok, wire::Field::ResumeToken);
    QVERIFY(dropAndWaitForSuspension(*admin, id));
    std::optional<wire::Message> answer;
    auto second = resume(id, first, answer);
    QVERIFY(answer && answer->type() == wire::MessageType::AuthOk);
    const QByteArray rotated = bytesOf(*answer, wire::Field::ResumeToken);
    LogCapture::clear();
    QVERIFY(dropAndWaitForSuspension(*second, id));
    auto replay = resume(id, first, answer);
    QCOMPARE(errorOf(answer), wire::ErrorCode::ResumeRefused);
    auto third = resume(id, rotated, answer);
    QVERIFY(answer && answer->type() == wire::MessageType::AuthOk);
}

void TestSessionResume::onlyAWrongTokenCountsAsAFailure()
{
    QVERIFY(startSrad([](sra::core::SradConfig& c) { c.maxFailures = 2; }));
    wire::Message ok;
    auto admin = signIn(&ok);
    QVERIFY(admin);
    const QString id = QString::fromStdString(ok.text(wire::Field::SessionId));
    QVERIFY(dropAndWaitForSuspension(*admin, id));
    std::optional<wire::Message> answer;
    for (int i = 0; i < 4; ++i) { // more than max_failures, none of them counted
        auto unknown = resume(QStringLiteral("%1").arg(i, 32, 16, QLatin1Char('0')), QByteArray(32, 'x'), answer);
        QCOMPARE(errorOf(answer), wire::ErrorCode::ResumeRefused);
    }
    for (int i = 0; i < 2; ++i) {
        auto wrong = resume(id, QByteArray(32, 'x'), answer);
        QCOMPARE(errorOf(answer), wire::ErrorCode::ResumeRefused);
    }
    auto limited = resume(id, bytesOf(ok, wire::Field::ResumeToken), answer);
    QCOMPARE(errorOf(answer), wire::ErrorCode::RateLimited);
}

void TestSessionResume::graceExpiryRemovesTheCard()
{
    QVERIFY(startSrad([](sra::core::SradConfig& c) { c.resumeGraceMs = 1500; }));
    wire::Message ok;
    auto admin = signIn(&ok);
    QVERIFY(admin);
    const QString id = QString::fromStdString(ok.text(wire::Field::SessionId));
    CardWatcher program(m_fixture.localSocket());
    QVERIFY(insertCard(*admin));
    QVERIFY(program.waitPresent());
    QVERIFY(dropAndWaitForSuspension(*admin, id));
    QElapsedTimer clock;
    clock.start();
    QTest::qWait(700);
    QVERIFY(program.waitPresent(0)); // held, for now
    QVERIFY(program.waitAbsent(5000));
    QVERIFY2(clock.elapsed() >= 1000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(LogCapture::contains(
        QStringLiteral("card of root removed: the admin's connection did not come back within 1.5 s")));
    std::optional<wire::Message> answer;
    auto late = resume(id, bytesOf(ok, wire::Field::ResumeToken), answer);
    QCOMPARE(errorOf(answer), wire::ErrorCode::ResumeRefused);
}

void TestSessionResume::takeoverClosesTheOldConnection()
{
    QVERIFY(startSrad());
    wire::Message ok;
    auto admin = signIn(&ok);
    QVERIFY(admin);
    const QString id = QString::fromStdString(ok.text(wire::Field::SessionId));
    CardWatcher program(m_fixture.localSocket());
    QVERIFY(insertCard(*admin));
    QVERIFY(program.waitPresent());
    const std::uint32_t generation = program.generation();
    const std::size_t from = program.seen();
    // The old connection is still open as far as srad knows (a half-open link).
    std::optional<wire::Message> answer;
    auto again = resume(id, bytesOf(ok, wire::Field::ResumeToken), answer);
    QVERIFY(answer && answer->type() == wire::MessageType::AuthOk);
    QVERIFY2(admin->waitClosed(), "srad kept the old connection of the resumed session");
    QTest::qWait(200);
    QVERIFY(program.presentThroughout(from, generation));
    QVERIFY(LogCapture::contains(QStringLiteral("was still open and is closed")));
    QVERIFY(!LogCapture::contains(QStringLiteral("suspended")));
    QVERIFY(again->send(wire::Message(wire::MessageType::Keepalive)));
    QVERIFY(!again->waitClosed(300)); // the new connection is the session's now
}

void TestSessionResume::silentLinkIsSuspended()
{
    QVERIFY(startSrad([](sra::core::SradConfig& c) { c.keepaliveIntervalSeconds = 1; }));
    wire::Message ok;
    auto admin = signIn(&ok);
    QVERIFY(admin);
    const QString id = QString::fromStdString(ok.text(wire::Field::SessionId));
    CardWatcher program(m_fixture.localSocket());
    QVERIFY(insertCard(*admin));
    QVERIFY(program.waitPresent());
    const std::size_t from = program.seen();
    // The admin says nothing more (its link died silently): after 3 keepalive intervals srad suspends.
    QVERIFY(LogCapture::waitFor(QStringLiteral("session %1 of account root suspended").arg(id), 8000));
    QVERIFY(LogCapture::contains(QStringLiteral("(silent for 3 s)")));
    std::optional<wire::Message> answer;
    auto again = resume(id, bytesOf(ok, wire::Field::ResumeToken), answer);
    QVERIFY(answer && answer->type() == wire::MessageType::AuthOk);
    QVERIFY(program.presentThroughout(from, program.generation()));
    QVERIFY(program.waitPresent(0));
}

void TestSessionResume::byeIsNotSuspended()
{
    QVERIFY(startSrad());
    wire::Message ok;
    auto admin = signIn(&ok);
    QVERIFY(admin);
    const QString id = QString::fromStdString(ok.text(wire::Field::SessionId));
    CardWatcher program(m_fixture.localSocket());
    QVERIFY(insertCard(*admin));
    QVERIFY(program.waitPresent());
    QVERIFY(admin->send(wire::Message(wire::MessageType::Bye)));
    QVERIFY(program.waitAbsent(3000));
    std::optional<wire::Message> answer;
    auto again = resume(id, bytesOf(ok, wire::Field::ResumeToken), answer);
    QCOMPARE(errorOf(answer), wire::ErrorCode::ResumeRefused);
    QVERIFY(LogCapture::contains(QStringLiteral("card of root removed: the admin's session ended")));
    QVERIFY(!LogCapture::contains(QStringLiteral("suspended")));
}

void TestSessionResume::graceZeroHandsOutNoToken()
{
    QVERIFY(startSrad([](sra::core::SradConfig& c) { c.resumeGraceMs = 0; }));
    wire::Message ok;
    auto admin = signIn(&ok);
    QVERIFY(admin);
    QVERIFY(!ok.has(wire::Field::ResumeToken));
    QVERIFY(!ok.has(wire::Field::ResumeGraceMs));
    CardWatcher program(m_fixture.localSocket());
    QVERIFY(insertCard(*admin));
    QVERIFY(program.waitPresent());
    admin->socket().abort();
    QVERIFY(program.waitAbsent(3000)); // at once, not after a grace
    QVERIFY(!LogCapture::contains(QStringLiteral("suspended")));
}

void TestSessionResume::changedPairingEndsTheHeldSession()
{
    QVERIFY(startSrad());
    wire::Message ok;
    auto admin = signIn(&ok);
    QVERIFY(admin);
    const QString id = QString::fromStdString(ok.text(wire::Field::SessionId));
    CardWatcher program(m_fixture.localSocket());
    QVERIFY(insertCard(*admin));
    QVERIFY(program.waitPresent());
    QVERIFY(dropAndWaitForSuspension(*admin, id));
    QString error;
    QVERIFY2(m_fixture.writePairings(false, error), qPrintable(error)); // unpaired while the admin was away
    std::optional<wire::Message> answer;
    auto refused = resume(id, bytesOf(ok, wire::Field::ResumeToken), answer);
    QCOMPARE(errorOf(answer), wire::ErrorCode::NotPaired);
    QVERIFY(program.waitAbsent(3000));
    QVERIFY(LogCapture::contains(QStringLiteral("no longer paired")));
    auto again = resume(id, bytesOf(ok, wire::Field::ResumeToken), answer);
    QCOMPARE(errorOf(answer), wire::ErrorCode::ResumeRefused); // the session is gone
}

void TestSessionResume::resumeNeedsALicense()
{
    QVERIFY(startSrad({}, false));
    std::optional<wire::Message> answer;
    auto client = resume(QStringLiteral("00112233445566778899aabbccddeeff"), QByteArray(32, 'x'), answer);
    QCOMPARE(errorOf(answer), wire::ErrorCode::LicenseMissing);
}

void TestSessionResume::suspendedSessionIsNotUnauthenticated()
{
    // One connection still authenticating at a time: the suspended session must not take that place.
    QVERIFY(startSrad([](sra::core::SradConfig& c) { c.maxUnauthenticated = 1; }));
    wire::Message ok;
    auto admin = signIn(&ok);
    QVERIFY(admin);
    const QString id = QString::fromStdString(ok.text(wire::Field::SessionId));
    QVERIFY(dropAndWaitForSuspension(*admin, id));
    std::optional<wire::Message> answer;
    auto again = resume(id, bytesOf(ok, wire::Field::ResumeToken), answer);
    QVERIFY2(answer && answer->type() == wire::MessageType::AuthOk,
             qPrintable(QString::number(static_cast<int>(errorOf(answer).value_or(wire::ErrorCode::InternalError)))));
}

QTEST_GUILESS_MAIN(TestSessionResume)
#include "TestSessionResume.moc"
