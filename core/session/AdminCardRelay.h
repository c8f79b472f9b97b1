#pragma once

#include "core/card/AdminCard.h"
#include "core/relay/RelayPolicy.h"
#include "core/session/AdminSession.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>

namespace sra::core {

// One finished relay request as the admin's log shows it (no PIN, no input data).
struct RelayLogEntry
{
    QDateTime time;    // when it was answered (UTC)
    QString requester; // the process on the remote, from its peer credentials
    RelayRequest::Kind kind = RelayRequest::Kind::Sign;
    quint8 slot = 0; // Sign only
    wire::RelayStatus status = wire::RelayStatus::Ok;
    QString note; // why it was refused or failed (English, as in the audit log), may be empty
};

// The admin side of "Insert card": sends the card's objects to the remote, then serves the remote's PIN checks
// and private-key operations with the real card through its worker (one transaction each, queued with every
// other use of the card). The allow-list is checked again
// here, where the card is — srad's check is not trusted — and each operation needs the admin's approval:
// asked every time (Approval::Ask) or granted for this session. A PIN check when the card has one try left is
// always asked. Every relayed operation is logged (sra.core.relay.audit) with the requesting process.
class AdminCardRelay : public QObject
{
    Q_OBJECT

public:
    enum class Approval
    {
        Ask,
        Session,
    };

    AdminCardRelay(
        AdminSession* session, AdminCard* card, RelayPolicy policy, Approval approval, QObject* parent = nullptr);
    ~AdminCardRelay() override;

    // Reads the card (on the card's thread) and sends it to the remote: inserted() or insertFailed().
    void insert();
    void remove(const QString& reason);

    bool inserted() const
    {
        return m_inserted;
    }

    // Answer to approvalNeeded(): allow or deny this request; `forSession` allows the rest of the session too.
    // An answer that comes after `approvalTimeoutMs` is too late: srad has given up on the request, so the card
    // is not touched and the request is answered Timeout.
    void approve(quint32 id, bool allow, bool forSession = false);

    void setApprovalTimeout(int ms)
    {
        m_approvalTimeoutMs = ms;
    }

Q_SIGNALS:
    void insertSucceeded();
    void insertFailed(const sra::base::Error& error);
    // `alwaysAsk`: a request that a session-wide approval does not cover (a PIN check with one try left).
    void approvalNeeded(quint32 id, const QString& description, bool alwaysAsk);
    void relayed(const QString& line);                    // the audit line of each finished request
    void finished(const sra::core::RelayLogEntry& entry); // the same, structured (admin window log)

private:
    void onRequest(RelayRequest& request);
    void perform(RelayRequest& request);
    QString describe(const RelayRequest& request) const;
    void finish(const RelayRequest& request,
                wire::RelayStatus status,
                const QByteArray& data = {},
                int triesLeft = -1,
                const QString& note = {});

    AdminSession* m_session;
    AdminCard* m_card;
    RelayPolicy m_policy;
    Approval m_approval;
    bool m_inserted = false;
    bool m_inserting = false;               // the card is being read for InsertCard
    quint64 m_insertion = 0;                // counts removals, so an answer for an earlier insertion is not sent
    bool m_remoteVerifiedPin = false;       // a relayed VERIFY succeeded since this insertion
    QHash<quint32, RelayRequest> m_waiting; // waiting for the admin's decision (PINs in zeroizing memory)
    QHash<quint32, qint64> m_arrived;       // when each waiting request came, on m_clock
    QElapsedTimer m_clock;
    int m_approvalTimeoutMs = 30000; // srad's default [relay] request_timeout_ms
};

} // namespace sra::core
