#pragma once

#include "core/piv/InsertedCard.h"
#include "core/relay/RelayPolicy.h"
#include "core/wire/Message.h"
#include "remote-service/CardOwner.h"

#include <QByteArray>
#include <QList>
#include <QLocalServer>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <map>

class QLocalSocket;

namespace sra::srad {

class LocalClient;

// The virtual card on the remote machine and everything that talks to it. An authenticated admin session
// inserts the card (its objects and key algorithms); local clients — the pcscd driver and the PKCS#11 module —
// connect over a UNIX socket, get the card's status pushed to them, and send PIN checks and private-key
// operations, which are checked against the allow-list, relayed to the admin session that owns the card and
// answered when the admin's card has done them (or refused, or timed out). One card at a time: the latest
// insertion wins. Every relayed operation is written to the audit log with the requesting process.
class CardRelay : public QObject
{
    Q_OBJECT

public:
    CardRelay(core::RelayPolicy policy, int requestTimeoutMs, QObject* parent = nullptr);
    ~CardRelay() override;

    // A reloaded configuration (SIGHUP): applies to requests from now on; pending ones keep their deadline.
    void reconfigure(core::RelayPolicy policy, int requestTimeoutMs);

    // Binds the local socket (mode 0660, group "sra-card" when that group exists). False with a sentence.
    bool listen(const QString& socketPath, QString& error);

    // From admin sessions (ServerSession; a test owner in unit tests). An InsertCard whose payload does not
    // decode is refused (CardRefused to its admin, audit-logged); the session and any card inserted before stay.
    void insertCard(CardOwner* owner, const wire::Message& insert);
    void removeCard(CardOwner* owner, const QString& reason);
    void relayResult(CardOwner* owner, const wire::Message& result);
    // The owner's session took up a new connection after its old one dropped (docs/PROTOCOL.md, "Resuming a
    // session"): every request still waiting for the current card is sent again, with its RequestId, because
    // it or its answer may have been lost with the old connection. The admin side answers a RequestId it has
    // seen from its cache instead of asking the card twice; deadlines stay as they were.
    void resendPending(CardOwner* owner);

    bool cardPresent() const
    {
        return !m_owner.isNull();
    }

    bool ownsCard(const CardOwner* owner) const
    {
        return m_owner && m_owner == owner;
    }

    // For local clients.
    wire::Message cardStatus() const;
    void verifyPin(LocalClient* client, const wire::Message& request);
    void sign(LocalClient* client, const wire::Message& request);
    void clientGone(LocalClient* client);

Q_SIGNALS:
    // The card appeared on the remote (as InsertCard carried it, decoded) or left it: removed by the admin,
    // pulled from the admin's reader, the admin's session ended, or replaced by another admin's card.
    void cardInserted(sra::srad::CardOwner* owner, const sra::piv::InsertedCard& card);
    void cardRemoved(const QString& reason);

private:
    struct Pending
    {
        QPointer<LocalClient> client;
        quint32 clientRequestId = 0;
        QString what; // for the audit line: "PIN check" / "sign 9A ECC P-256"
        QString requester;
        bool isPinCheck = false;
        quint32 generation = 0; // the card the request was forwarded for
        QTimer* deadline = nullptr;
        // As sent to the admin, for resendPending(); may hold a PIN, so it is wiped when the request ends.
        wire::Message message;
    };

    void onNewConnection();
    void broadcastStatus();
    void answer(LocalClient* client,
                quint32 requestId,
                wire::RelayStatus status,
                const QByteArray& data = {},
                int triesLeft = -1);
    void finish(quint32 relayId, wire::RelayStatus status, const QByteArray& data, int triesLeft);
    quint32 forward(LocalClient* client, quint32 clientRequestId, const QString& what, wire::Message&& message);

    core::RelayPolicy m_policy;
    int m_requestTimeoutMs;
    QLocalServer m_server;
    QList<LocalClient*> m_clients;
    QPointer<CardOwner> m_owner;
    QByteArray m_objects;
    QByteArray m_algorithms;
    int m_triesLeft = -1;
    quint32 m_generation = 0;
    quint32 m_nextRelayId = 1;
    // By relay id, so a resend keeps the order requests came in. A std::map, not an implicitly shared QHash: a
    // detach would copy the PINs in the messages into memory nothing wipes.
    std::map<quint32, Pending> m_pending;
};

// One local client connection (pcscd driver or PKCS#11 module).
class LocalClient : public QObject
{
    Q_OBJECT

public:
    LocalClient(QLocalSocket* socket, CardRelay* relay);
    ~LocalClient() override;

    void send(const wire::Message& message);

    QString describe() const // "uid 1000 pid 4242 /usr/bin/ssh (PKCS#11 module)"
    {
        return m_description;
    }

    bool greeted() const
    {
        return m_greeted;
    }

    // The card generation for which this client proved the PIN with a relayed VERIFY (0: none). A private-key
    // operation is relayed only for a client that did: the admin's card may still be unlocked from another
    // use, and that must not let a process that never knew the PIN sign.
    quint32 verifiedGeneration() const
    {
        return m_verifiedGeneration;
    }

    void setVerifiedGeneration(quint32 generation)
    {
        m_verifiedGeneration = generation;
    }

    int pending() const
    {
        return m_pending;
    }

    void addPending(int delta)
    {
        m_pending += delta;
    }

private:
    void onReadyRead();
    void fail(const QString& why);

    QLocalSocket* m_socket;
    CardRelay* m_relay;
    wire::FrameDecoder m_decoder;
    QString m_credentials;
    QString m_description;
    bool m_greeted = false;
    quint32 m_verifiedGeneration = 0;
    int m_pending = 0;
    QTimer m_helloDeadline;
};

} // namespace sra::srad
