#pragma once

#include "core/base/Bytes.h"
#include "core/base/Result.h"

namespace sra::piv {

// The host's view of a card: one APDU out, one response back. Implemented over PC/SC on the admin machine
// and directly over PivCardEmulator in tests. ISO 7816-4 chaining, GET RESPONSE and Le correction are done
// above this interface, by exchangeApdu() in Apdu.h, so every transport gets them the same way.
class ApduChannel
{
public:
    virtual ~ApduChannel() = default;

    // Sends one command APDU exactly as given; the response includes SW1 SW2 as its last two bytes.
    virtual base::Result<base::Bytes> transmitRaw(base::ByteView commandApdu) = 0;

    // Whether commands and responses longer than 255/256 bytes may be sent as extended APDUs.
    virtual bool supportsExtendedLength() const
    {
        return false;
    }

    // Exclusive access for a multi-APDU operation (VERIFY then GENERAL AUTHENTICATE must not be split by
    // another application). Transports without sharing keep the defaults.
    virtual base::Status beginTransaction()
    {
        return base::okStatus();
    }

    virtual void endTransaction() {}
};

// Holds a transaction for the lifetime of a scope.
class TransactionGuard
{
public:
    explicit TransactionGuard(ApduChannel& channel)
        : m_channel(channel)
        , m_status(channel.beginTransaction())
    {}

    ~TransactionGuard()
    {
        if (m_status.ok()) {
            m_channel.endTransaction();
        }
    }

    TransactionGuard(const TransactionGuard&) = delete;
    TransactionGuard& operator=(const TransactionGuard&) = delete;

    const base::Status& status() const
    {
        return m_status;
    }

private:
    ApduChannel& m_channel;
    base::Status m_status;
};

} // namespace sra::piv
