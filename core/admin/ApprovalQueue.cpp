#include "core/admin/ApprovalQueue.h"

namespace sra::core {

bool ApprovalQueue::add(Question question)
{
    m_questions.append(std::move(question));
    return m_questions.size() == 1;
}

std::optional<ApprovalQueue::Question> ApprovalQueue::current() const
{
    if (m_questions.isEmpty()) {
        return std::nullopt;
    }
    return m_questions.first();
}

QList<ApprovalQueue::Decision> ApprovalQueue::answer(quint32 id, Answer answer)
{
    const qsizetype index = [&] {
        for (qsizetype i = 0; i < m_questions.size(); ++i) {
            if (m_questions.at(i).id == id) {
                return i;
            }
        }
        return qsizetype(-1);
    }();
    if (index < 0) {
        return {};
    }
    const Question answered = m_questions.takeAt(index);
    QList<Decision> decisions;
    if (answer != Answer::AllowForSession) {
        decisions.append({answered.id, answer == Answer::Allow, false});
        return decisions;
    }
    decisions.append({answered.id, true, true});
    // The session-wide approval covers what already waits, but never a question that must always be asked.
    QList<Question> keep;
    for (const Question& waiting : std::as_const(m_questions)) {
        if (waiting.alwaysAsk) {
            keep.append(waiting);
        } else {
            decisions.append({waiting.id, true, false});
        }
    }
    m_questions = keep;
    return decisions;
}

QList<quint32> ApprovalQueue::clear()
{
    QList<quint32> ids;
    for (const Question& question : std::as_const(m_questions)) {
        ids.append(question.id);
    }
    m_questions.clear();
    return ids;
}

} // namespace sra::core
