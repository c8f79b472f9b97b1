// AdminController end to end in one process, without root, pcscd or a lab: a real srad (SradService, TLS 1.3 on
// a loopback port chosen by the kernel, a license signed with the test key, the card paired), the admin's card
// as the soft card behind the emulator on its CardWorker thread, and local clients of srad's card relay as the
// remote's programs. What the window and sra-connect present is what is checked here: sign-in, trust on first
// use and the hard stop on a changed identity, a wrong PIN costing exactly one try, insert card, and the
// approval rules applied to real relayed requests.
#include "core/admin/AdminController.h"
#include "core/card/CardWorker.h"
#include "core/session/KnownHosts.h"
#include "support/EmulatedCard.h"
#include "support/InProcessSrad.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using sra::core::AdminController;
using sra::core::AdminSession;
using sra::core::ApprovalQueue;
using sra::core::CardWorker;
using sra::test::pinBytes;

using sra::test::InProcessSrad;
using sra::test::RemoteProgram;

namespace {

constexpr const char* kPin = "123456";

AdminController::Options optionsWith(const QString& knownHostsFile)
{
    AdminController::Options options;
    options.knownHostsFile = knownHostsFile;
    return options;
}

} // namespace

class TestAdminController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void signsInAndRemembersTheIdentity();
    void wrongPinCostsOneTryThenSignsIn();
    void unpairedCardIsRefused();
    void changedIdentityIsAHardStop();
    void relayedPinCheckIsAskedAndLogged();
    void allowForSessionAnswersWaitingRequests();
    void cardRemovedDropsTheQuestions();
    void queuedWrongPinsStopBeforeTheLastTry();

private:
    // A controller signed in to m_srad, answering the host decision and the PIN.
    std::unique_ptr<AdminController> signedInController(AdminController::Options options = {});
    // The same, with the card inserted into the remote (null when either failed).
    std::unique_ptr<AdminController> insertedController();

    QTemporaryDir m_dir;
    std::unique_ptr<sra::test::EmulatedCard> m_emulated;
    std::unique_ptr<CardWorker> m_card;
    InProcessSrad m_srad;
    QString m_knownHosts;
};

void TestAdminController::initTestCase()
{
    QVERIFY(m_dir.isValid());
    sra::softcard::CreateOptions fast; // P-256: generated in milliseconds
    fast.algorithm = sra::piv::PivAlgorithm::EccP256;
    m_emulated = std::make_unique<sra::test::EmulatedCard>(m_dir.filePath(QStringLiteral("card")), fast);
    QVERIFY2(m_emulated->error().isEmpty(), qPrintable(m_emulated->error()));
    m_card = std::make_unique<CardWorker>(m_emulated->opener());
    QVERIFY(m_card->openAndWait());
    QString error;
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("srad"))));
    QVERIFY2(m_srad.start(m_dir.filePath(QStringLiteral("srad")), m_card->authenticationCertificate(), error),
             qPrintable(error));
    m_knownHosts = m_dir.filePath(QStringLiteral("known_hosts"));
}

std::unique_ptr<AdminController> TestAdminController::signedInController(AdminController::Options options)
{
    options.knownHostsFile = m_knownHosts;
    auto controller = std::make_unique<AdminController>(m_card.get(), options);
    AdminController* c = controller.get();
    QObject::connect(c, &AdminController::hostDecisionNeeded, c, [c] { c->acceptHost(); });
    QObject::connect(c, &AdminController::pinNeeded, c, [c] { c->providePin(pinBytes(kPin)); });
    QSignalSpy signedIn(c, &AdminController::signedIn);
    QString error;
    if (!c->connectTo(m_srad.target(), &error) || !signedIn.wait(20000)) {
        qWarning("not signed in: %s", qPrintable(error));
        return nullptr;
    }
    return controller;
}

std::unique_ptr<AdminController> TestAdminController::insertedController()
{
    auto controller = signedInController();
    if (!controller) {
        return nullptr;
    }
    QSignalSpy inserted(controller.get(), &AdminController::cardInserted);
    controller->insertCard();
    if (!inserted.wait(10000)) {
        qWarning("the card was not inserted");
        return nullptr;
    }
    return controller;
}

void TestAdminController::signsInAndRemembersTheIdentity()
{
    QFile::remove(m_knownHosts);
    AdminController controller(m_card.get(), optionsWith(m_knownHosts));
    QSignalSpy decision(&controller, &AdminController::hostDecisionNeeded);
    QSignalSpy pin(&controller, &AdminController::pinNeeded);
    QSignalSpy signedIn(&controller, &AdminController::signedIn);
    QString error;
    QVERIFY2(controller.connectTo(m_srad.target(), &error), qPrintable(error));
    QVERIFY(!controller.connectTo(m_srad.target(), &error)); // one session at a time
    QVERIFY(decision.wait(10000));
    QCOMPARE(decision.first().at(2).toByteArray(), m_srad.fingerprint());
    controller.acceptHost();
    QVERIFY(pin.wait(10000));
    QCOMPARE(pin.first().at(0).toInt(), 3);
    QVERIFY(pin.first().at(1).toString().isEmpty());
    controller.providePin(pinBytes(kPin));
    QVERIFY(signedIn.wait(20000));
    QCOMPARE(signedIn.first().at(0).toString(), QStringLiteral("root"));
    QVERIFY(controller.authenticated());
    sra::core::KnownHosts hosts(m_knownHosts);
    QVERIFY(hosts.load());
    QCOMPARE(hosts.find(QStringLiteral("127.0.0.1"), controller.session()->port()).value_or(QByteArray()),
             m_srad.fingerprint());
    QSignalSpy closed(&controller, &AdminController::closed);
    controller.disconnectFromRemote();
    QVERIFY(closed.count() == 1 || closed.wait(5000));
    QVERIFY(!controller.active());
}

void TestAdminController::wrongPinCostsOneTryThenSignsIn()
{
    AdminController controller(m_card.get(), optionsWith(m_knownHosts));
    QList<QPair<int, QString>> asked;
    connect(&controller, &AdminController::pinNeeded, this, [&](int triesLeft, const QString& reason) {
        asked.append({triesLeft, reason});
        controller.providePin(pinBytes(asked.size() == 1 ? "999999" : kPin));
    });
    QSignalSpy signedIn(&controller, &AdminController::signedIn);
    QString error;
    QVERIFY2(controller.connectTo(m_srad.target(), &error), qPrintable(error));
    QVERIFY(signedIn.wait(20000));
    QCOMPARE(asked.size(), 2);
    QCOMPARE(asked.at(1).first, 2); // exactly one try spent by the wrong PIN
    QVERIFY(!asked.at(1).second.isEmpty());
    controller.disconnectFromRemote();
    // The right PIN reset the counter on the card.
    CardWorker fresh(m_emulated->opener());
    QVERIFY(fresh.openAndWait());
    QCOMPARE(fresh.pinTriesLeft(), 3);
}

void TestAdminController::unpairedCardIsRefused()
{
    // Another card, not paired on this srad.
    sra::softcard::CreateOptions fast;
    fast.algorithm = sra::piv::PivAlgorithm::EccP256;
    sra::test::EmulatedCard other(m_dir.filePath(QStringLiteral("other-card")), fast);
    QVERIFY(other.error().isEmpty());
    CardWorker otherCard(other.opener());
    QVERIFY(otherCard.openAndWait());
    AdminController controller(&otherCard, optionsWith(m_knownHosts));
    connect(&controller, &AdminController::pinNeeded, this, [&] { controller.providePin(pinBytes(kPin)); });
    QSignalSpy failed(&controller, &AdminController::failed);
    QString error;
    QVERIFY(controller.connectTo(m_srad.target(), &error));
    QVERIFY(failed.wait(20000));
    QCOMPARE(failed.first().at(0).value<AdminSession::Failure>(), AdminSession::Failure::ServerError);
    QVERIFY2(!failed.first().at(1).toString().isEmpty(), "the refusal must say why");
}

void TestAdminController::changedIdentityIsAHardStop()
{
    const QString pinned = m_dir.filePath(QStringLiteral("known_hosts_changed"));
    sra::core::KnownHosts hosts(pinned);
    QString target = m_srad.target();
    const quint16 port = static_cast<quint16>(target.section(QLatin1Char(':'), 1).toUInt());
    hosts.set(QStringLiteral("127.0.0.1"), port, QByteArray(32, '\x42'));
    QVERIFY(hosts.save());
    AdminController::Options options = optionsWith(pinned);
    options.acceptNewHost = true;
    AdminController controller(m_card.get(), options);
    QSignalSpy decision(&controller, &AdminController::hostDecisionNeeded);
    QSignalSpy pin(&controller, &AdminController::pinNeeded);
    QSignalSpy failed(&controller, &AdminController::failed);
    QString error;
    QVERIFY(controller.connectTo(target, &error));
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.first().at(0).value<AdminSession::Failure>(), AdminSession::Failure::HostKeyChanged);
    // Not even acceptNewHost trusts a changed identity, and nothing was asked.
    QCOMPARE(decision.count(), 0);
    QCOMPARE(pin.count(), 0);
}

void TestAdminController::relayedPinCheckIsAskedAndLogged()
{
    auto controller = insertedController();
    QVERIFY(controller);
    RemoteProgram program(m_srad.localSocket());
    QVERIFY(program.waitForCard());
    QSignalSpy asked(controller.get(), &AdminController::approvalNeeded);
    QSignalSpy logged(controller.get(), &AdminController::relayFinished);
    program.verifyPinInBackground(kPin);
    QVERIFY(asked.wait(10000));
    QCOMPARE(asked.first().at(1).toString(), m_srad.target()); // host:port: two remotes may share an address
    QVERIFY(asked.first().at(2).toString().contains(QStringLiteral("PIN check")));
    controller->answerApproval(asked.first().at(0).toUInt(), ApprovalQueue::Answer::Deny);
    QVERIFY(program.waitForReply());
    QCOMPARE(program.status(), sra::wire::RelayStatus::DeniedByAdmin);
    QTRY_COMPARE(logged.count(), 1);
    // Allowed, the card checks the PIN.
    RemoteProgram second(m_srad.localSocket());
    QVERIFY(second.waitForCard());
    second.verifyPinInBackground(kPin);
    QVERIFY(asked.wait(10000));
    controller->answerApproval(asked.last().at(0).toUInt(), ApprovalQueue::Answer::Allow);
    QVERIFY(second.waitForReply());
    QCOMPARE(second.status(), sra::wire::RelayStatus::Ok);
    controller->disconnectFromRemote();
}

void TestAdminController::allowForSessionAnswersWaitingRequests()
{
    auto controller = insertedController();
    QVERIFY(controller);
    RemoteProgram first(m_srad.localSocket());
    RemoteProgram second(m_srad.localSocket());
    QVERIFY(first.waitForCard());
    QVERIFY(second.waitForCard());
    QSignalSpy asked(controller.get(), &AdminController::approvalNeeded);
    first.verifyPinInBackground(kPin);
    QVERIFY(asked.wait(10000));
    second.verifyPinInBackground(kPin);
    QTRY_COMPARE(controller->approvals().size(), 2); // one shown, one waiting behind it
    QCOMPARE(asked.count(), 1);
    controller->answerApproval(asked.first().at(0).toUInt(), ApprovalQueue::Answer::AllowForSession);
    QVERIFY(first.waitForReply());
    QVERIFY(second.waitForReply());
    QCOMPARE(first.status(), sra::wire::RelayStatus::Ok);
    QCOMPARE(second.status(), sra::wire::RelayStatus::Ok);
    QCOMPARE(asked.count(), 1); // the waiting one was never asked separately
    // And what comes later is not asked either.
    RemoteProgram third(m_srad.localSocket());
    QVERIFY(third.waitForCard());
    third.verifyPinInBackground(kPin);
    QVERIFY(third.waitForReply());
    QCOMPARE(third.status(), sra::wire::RelayStatus::Ok);
    QCOMPARE(asked.count(), 1);
    controller->disconnectFromRemote();
}

void TestAdminController::cardRemovedDropsTheQuestions()
{
    auto controller = insertedController();
    QVERIFY(controller);
    RemoteProgram program(m_srad.localSocket());
    QVERIFY(program.waitForCard());
    QSignalSpy asked(controller.get(), &AdminController::approvalNeeded);
    QSignalSpy cleared(controller.get(), &AdminController::approvalsCleared);
    program.verifyPinInBackground(kPin);
    QVERIFY(asked.wait(10000));
    controller->removeCard(QStringLiteral("the test removed the card"));
    QCOMPARE(cleared.count(), 1);
    QVERIFY(controller->approvals().isEmpty());
    QVERIFY(program.waitForReply());
    QCOMPARE(program.status(), sra::wire::RelayStatus::NoCard);
    // A late answer to the dropped question changes nothing.
    controller->answerApproval(asked.first().at(0).toUInt(), ApprovalQueue::Answer::Allow);
    QVERIFY(!controller->cardInsertedInRemote());
    controller->disconnectFromRemote();
}

// Issue 19: the one-try-left guard is checked when the card does the VERIFY, not only when the request arrived.
// With two tries left, two wrong PIN checks queued and allowed for the session: the first costs a try, the second
// finds one left and is refused before it reaches the card, which is not blocked.
void TestAdminController::queuedWrongPinsStopBeforeTheLastTry()
{
    auto controller = insertedController(); // signed in with the right PIN: 3 tries
    QVERIFY(controller);
    QSignalSpy asked(controller.get(), &AdminController::approvalNeeded);
    RemoteProgram first(m_srad.localSocket());
    QVERIFY(first.waitForCard());
    first.verifyPinInBackground("999999");
    QVERIFY(asked.wait(10000));
    controller->answerApproval(asked.last().at(0).toUInt(), ApprovalQueue::Answer::Allow);
    QVERIFY(first.waitForReply());
    QCOMPARE(first.status(), sra::wire::RelayStatus::WrongPin);
    QTRY_COMPARE(m_card->pinTriesLeft(), 2);

    RemoteProgram second(m_srad.localSocket());
    RemoteProgram third(m_srad.localSocket());
    QVERIFY(second.waitForCard());
    QVERIFY(third.waitForCard());
    second.verifyPinInBackground("999999");
    QTRY_COMPARE(asked.count(), 2);
    third.verifyPinInBackground("999999");
    QTRY_COMPARE(controller->approvals().size(), 2);
    controller->answerApproval(asked.last().at(0).toUInt(), ApprovalQueue::Answer::AllowForSession);
    QVERIFY(second.waitForReply());
    QVERIFY(third.waitForReply());
    QCOMPARE(second.status(), sra::wire::RelayStatus::WrongPin);
    QCOMPARE(third.status(), sra::wire::RelayStatus::RefusedByPolicy);
    QTRY_COMPARE(m_card->pinTriesLeft(), 1); // not blocked by our own retries
    controller->disconnectFromRemote();
}

QTEST_GUILESS_MAIN(TestAdminController)
#include "TestAdminController.moc"
