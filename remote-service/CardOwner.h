#pragma once

#include "core/wire/Message.h"

#include <QObject>
#include <QString>

namespace sra::srad {

// What the card relay (and LoginPolicy's CardLogin advice) needs from the admin session that inserted the
// card: who it is, and a way to send it relay requests and other messages. ServerSession is the one
// implementation in srad. The seam exists so CardRelay can be unit-tested with an in-process owner instead
// of a TLS session that went through the whole sign-in (license, pairing, a card); behaviour is the same.
// A QObject so the relay can hold the owner in a QPointer and notice when the session is destroyed.
class CardOwner : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    virtual QString account() const = 0;
    virtual QString sessionId() const = 0;
    // A RelayVerifyPin or RelaySign for the admin's card.
    virtual void sendRelayRequest(const wire::Message& message) = 0;
    // Any other message for the admin of an authenticated session (CardLogin, …); dropped otherwise.
    virtual void sendToAdmin(const wire::Message& message) = 0;
};

} // namespace sra::srad
