// The approval rules that the window and sra-connect share (core/admin/ApprovalQueue). Each case names what a
// front-end relies on: the window shows current() as its one dialog and answers from the dialog's buttons;
// sra-connect asks current() on the terminal and maps yes/no/session to Allow/Deny/AllowForSession.
#include "core/admin/ApprovalQueue.h"

#include <QTest>

using sra::core::ApprovalQueue;
using Answer = ApprovalQueue::Answer;
using Decision = ApprovalQueue::Decision;

namespace sra::core {
// For QCOMPARE's failure message (found by argument-dependent lookup).
char* toString(const QList<Decision>& decisions)
{
    QByteArray text;
    for (const Decision& d : decisions) {
        text += QByteArray::number(d.id) + (d.allow ? " allow" : " deny") + (d.forSession ? " session; " : "; ");
    }
    return qstrdup(text.constData());
}
} // namespace sra::core

namespace {

ApprovalQueue queueOf(std::initializer_list<ApprovalQueue::Question> questions)
{
    ApprovalQueue queue;
    for (const auto& question : questions) {
        queue.add(question);
    }
    return queue;
}

} // namespace

class TestApprovalQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneQuestionAtATimeInArrivalOrder();
    void allowAndDenyAnswerOneRequest();
    void allowForSessionCoversWhatWaits();
    void allowForSessionNeverCoversOneTryLeft();
    void answeringAQuestionThatIsNotCurrent();
    void staleAnswersChangeNothing();
    void clearDropsEverything();
};

void TestApprovalQueue::oneQuestionAtATimeInArrivalOrder()
{
    ApprovalQueue queue;
    QVERIFY(queue.add({1, QStringLiteral("PIN check"), false}));  // shown at once (both front-ends)
    QVERIFY(!queue.add({2, QStringLiteral("signature"), false})); // waits behind it
    QCOMPARE(queue.current()->id, 1u);
    queue.answer(1, Answer::Allow);
    QCOMPARE(queue.current()->id, 2u);
    QCOMPARE(queue.current()->description, QStringLiteral("signature"));
}

void TestApprovalQueue::allowAndDenyAnswerOneRequest()
{
    ApprovalQueue queue = queueOf({
        {1, {}, false},
        {2, {}, false}
    });
    QCOMPARE(queue.answer(1, Answer::Deny),
             (QList<Decision>{
                 {1, false, false}
    }));
    QCOMPARE(queue.answer(2, Answer::Allow),
             (QList<Decision>{
                 {2, true, false}
    }));
    QVERIFY(queue.isEmpty());
}

void TestApprovalQueue::allowForSessionCoversWhatWaits()
{
    // Before the controller, the window approved the waiting requests with "for this session" and sra-connect did
    // not: now both do.
    ApprovalQueue queue = queueOf({
        {1, {}, false},
        {2, {}, false},
        {3, {}, false}
    });
    QCOMPARE(queue.answer(1, Answer::AllowForSession),
             (QList<Decision>{
                 {1, true, true },
                 {2, true, false},
                 {3, true, false}
    }));
    QVERIFY(queue.isEmpty());
    QVERIFY(!queue.current());
}

void TestApprovalQueue::allowForSessionNeverCoversOneTryLeft()
{
    ApprovalQueue queue = queueOf({
        {1, {},                                        false},
        {2, QStringLiteral("PIN check, ONE try left"), true },
        {3, {},                                        false}
    });
    QCOMPARE(queue.answer(1, Answer::AllowForSession),
             (QList<Decision>{
                 {1, true, true },
                 {3, true, false}
    }));
    // The one-try-left PIN check is still asked, on its own.
    QCOMPARE(queue.size(), 1);
    QCOMPARE(queue.current()->id, 2u);
    QVERIFY(queue.current()->alwaysAsk);
    QCOMPARE(queue.answer(2, Answer::Deny),
             (QList<Decision>{
                 {2, false, false}
    }));
}

void TestApprovalQueue::answeringAQuestionThatIsNotCurrent()
{
    // The relay may time a request out while another is shown; an answer by id is still exact.
    ApprovalQueue queue = queueOf({
        {1, {}, false},
        {2, {}, false}
    });
    QCOMPARE(queue.answer(2, Answer::Allow),
             (QList<Decision>{
                 {2, true, false}
    }));
    QCOMPARE(queue.current()->id, 1u);
}

void TestApprovalQueue::staleAnswersChangeNothing()
{
    ApprovalQueue queue = queueOf({
        {1, {}, false}
    });
    queue.answer(1, Answer::Allow);
    QVERIFY(queue.answer(1, Answer::AllowForSession).isEmpty()); // a double click, a late terminal line
    QVERIFY(queue.answer(7, Answer::Deny).isEmpty());
}

void TestApprovalQueue::clearDropsEverything()
{
    ApprovalQueue queue = queueOf({
        {4, {}, false},
        {5, {}, true }
    });
    QCOMPARE(queue.clear(), (QList<quint32>{4, 5}));
    QVERIFY(queue.isEmpty());
    QVERIFY(queue.answer(4, Answer::Allow).isEmpty()); // the card was removed: a late answer is moot
}

QTEST_GUILESS_MAIN(TestApprovalQueue)
#include "TestApprovalQueue.moc"
