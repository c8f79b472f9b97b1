#pragma once

#include "core/base/Bytes.h"
#include "core/base/Result.h"
#include "core/card/CardInfo.h"
#include "core/card/CardSession.h"
#include "core/piv/PivObjects.h"

#include <QByteArray>
#include <QObject>
#include <QSslCertificate>
#include <QString>

#include <functional>

namespace sra::core {

// The admin's card as the session, the relay and the window use it: asynchronous, so that no caller waits on
// the card (a real card's RSA signature or PIN check takes 100–500 ms). Operations are queued and run one at a
// time, in order, for every user of the card (session sign-ins of every remote, relayed PIN checks and
// signatures); each is answered exactly once, on the thread that asked, through `done` — unless `context` is
// destroyed first, or the operation is cancelled before it started (then never). Implementations: CardWorker
// (a worker thread over a PC/SC reader or an in-process emulator).
class AdminCard : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    using Ticket = quint64; // names a queued operation for cancel()

    // What the card showed when it was opened. Valid once opened() was emitted.
    virtual CardInfo info() const = 0;
    virtual QString readerName() const = 0;
    virtual bool isOpen() const = 0;
    // The last count the card reported; -1 while the PIN is verified (the card does not say then).
    virtual int pinTriesLeft() const = 0;

    QSslCertificate authenticationCertificate() const
    {
        const CardInfo card = info();
        const auto* auth = card.find(0x9A);
        return auth ? auth->certificate : QSslCertificate();
    }

    // Session sign-in: VERIFY `pin` (consumed, wiped) and sign the SHA-256 `digest` with slot 9A.
    virtual Ticket signChallenge(const QByteArray& digest,
                                 base::SecureBytes pin,
                                 QObject* context,
                                 std::function<void(base::Result<QByteArray>)> done) = 0;
    // The objects and key algorithms InsertCard carries.
    virtual Ticket readRelayCard(QObject* context, std::function<void(base::Result<RelayCardContents>)> done) = 0;
    // Relayed operations.
    // `lastTryConfirmed`: the admin confirmed using the card's last PIN try (else LastPinTry when one is left).
    virtual Ticket verifyPin(base::SecureBytes pin,
                             bool lastTryConfirmed,
                             QObject* context,
                             std::function<void(base::Status)> done) = 0;
    virtual Ticket generalAuthenticate(std::uint8_t slot,
                                       piv::PivAlgorithm algorithm,
                                       const QByteArray& input,
                                       QObject* context,
                                       std::function<void(base::Result<QByteArray>)> done) = 0;

    // The card forgets a verified PIN (CardSession::resetPinState), after what is queued before it. `done` may be
    // empty.
    virtual Ticket resetPinState(QObject* context, std::function<void(base::Status)> done) = 0;

    // Drops a queued operation that has not started (its PIN is wiped, `done` is never called). False when it
    // already runs or ran: a card operation cannot be interrupted halfway.
    virtual bool cancel(Ticket ticket) = 0;

Q_SIGNALS:
    void opened();
    void openFailed(const sra::base::Error& error);
    // True while an operation runs or waits: the window shows progress where a person waits on it.
    void busyChanged(bool busy);
    void pinTriesLeftChanged(int triesLeft);
};

} // namespace sra::core

Q_DECLARE_METATYPE(sra::base::Error)
