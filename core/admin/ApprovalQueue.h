#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace sra::core {

// The admin's answers to the remote's requests for the card, as one set of rules for every front-end (the window
// shows one dialog at a time, sra-connect one terminal question at a time):
//
//  - questions are asked one at a time, in the order the requests came; current() is the one to show;
//  - Allow and Deny answer that request only;
//  - AllowForSession answers it and every request already waiting, and the relay asks no more for this session —
//    except requests marked `alwaysAsk` (a PIN check when the card has one try left): those are never answered by
//    a session-wide approval, whether waiting or still to come;
//  - an answer to a request that is no longer waiting (answered, or dropped by clear()) changes nothing.
class ApprovalQueue
{
public:
    enum class Answer
    {
        Deny,
        Allow,
        AllowForSession,
    };

    struct Question
    {
        quint32 id = 0;
        QString description;
        bool alwaysAsk = false;
    };

    // What to tell the relay: allow or deny request `id`; `forSession` switches the relay to session approval.
    struct Decision
    {
        quint32 id = 0;
        bool allow = false;
        bool forSession = false;

        bool operator==(const Decision&) const = default;
    };

    // True when this question became current (the front-end shows it now).
    bool add(Question question);

    std::optional<Question> current() const;

    bool isEmpty() const
    {
        return m_questions.isEmpty();
    }

    qsizetype size() const
    {
        return m_questions.size();
    }

    // The decisions that follow from answering `id`, in order; empty when `id` is not waiting.
    QList<Decision> answer(quint32 id, Answer answer);

    // The remaining questions are moot (card removed, session ended); their ids, so the relay can be told.
    QList<quint32> clear();

private:
    QList<Question> m_questions;
};

} // namespace sra::core
