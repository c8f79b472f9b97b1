#pragma once

#include "core/base/Bytes.h"
#include "core/base/Result.h"
#include "core/card/CardInfo.h"
#include "core/piv/ApduChannel.h"
#include "core/piv/PivObjects.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace sra::core {

// The card's readable objects as InsertCard carries them (BER-TLV list: object tag → object exactly as GET DATA
// returns it) and its key algorithms (byte pairs slot, algorithm).
struct RelayCardContents
{
    QByteArray objects;
    QByteArray keyAlgorithms;
};

// An opened PIV card and everything the admin side does with it, each operation one transaction (SELECT and what
// follows cannot be split by another application). Synchronous and not thread-safe: CardWorker runs it on its
// own thread, one operation at a time, as a card behind a reader is used. Every PIN passed in is wiped before the
// call returns, whatever the outcome; the last known tries-left count is kept for the prompts.
class CardSession
{
public:
    // `channel` must hold a card whose PIV application and PIV Authentication key (9A) were found: open() checks.
    CardSession(std::unique_ptr<piv::ApduChannel> channel, QString readerName);
    ~CardSession();

    // Reads the card (certificates, PIN tries); NotFound when there is no usable PIV Authentication key.
    base::Status open();

    const CardInfo& info() const
    {
        return m_info;
    }

    const QString& readerName() const
    {
        return m_readerName;
    }

    int pinTriesLeft() const
    {
        return m_triesLeft;
    }

    // Session sign-in: VERIFY `pin`, then sign the SHA-256 `digest` with slot 9A (RSA PKCS#1 v1.5 or ECDSA).
    base::Result<QByteArray> signChallenge(const QByteArray& digest, base::SecureBytes pin);

    // What the remote's virtual card shows: every object readable without a PIN, and the key algorithms.
    base::Result<RelayCardContents> readRelayCard();

    // The relayed operations, as the remote's programs ask for them. A relayed VERIFY keeps the card verified for
    // the signatures that follow (PIV's "PIN once" for 9A, which PKCS#11 applications rely on: one C_Login, many
    // C_Sign) until the card leaves the remote or the session ends (resetPinState()).
    // The tries left are read in the same transaction, right before the VERIFY: with one left, LastPinTry and
    // nothing sent unless `lastTryConfirmed` (a check made when the request was queued may be stale by now).
    base::Status verifyPin(base::SecureBytes pin, bool lastTryConfirmed = false);
    base::Result<QByteArray>
    generalAuthenticate(std::uint8_t slot, piv::PivAlgorithm algorithm, const QByteArray& input);

    // Makes the card forget a verified PIN (VERIFY with P1=FF, SP 800-73-4 part 2, 3.2.1), so no other program on
    // this machine can use the card unlocked by us: after the sign-in signature, when the card is
    // removed from a remote or a session ends, and when the session object goes (the program exits).
    // (After every sign-in signature: the sign-in is our own use.)
    base::Status resetPinState();

private:
    void notePinResult(const base::Error& error);

    std::unique_ptr<piv::ApduChannel> m_channel;
    QString m_readerName;
    CardInfo m_info;
    int m_triesLeft = -1;
};

} // namespace sra::core
