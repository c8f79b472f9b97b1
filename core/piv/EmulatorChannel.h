#pragma once

#include "core/base/Result.h"
#include "core/piv/Apdu.h"
#include "core/piv/ApduChannel.h"
#include "core/piv/PivCardEmulator.h"

#include <cstddef>

namespace sra::piv {

// The host talking to the card-side emulator in the same process: the in-process card of the admin side's unit
// tests (CardWorker over a soft card, no reader, no pcscd), and of the PIV layer's own tests. A short-APDU reader
// unless `extended` says otherwise, as most readers are.
class EmulatorChannel final : public ApduChannel
{
public:
    explicit EmulatorChannel(PivCardEmulator& card, bool extended = false)
        : m_card(card)
        , m_extended(extended)
    {}

    base::Result<base::Bytes> transmitRaw(base::ByteView commandApdu) override
    {
        ++commandCount;
        if (!m_extended && commandApdu.size() > 4 + 1 + kMaxShortData + 1) {
            return base::makeError(base::ErrorCode::Transport, "extended APDU sent to a short-APDU reader");
        }
        return m_card.process(commandApdu);
    }

    bool supportsExtendedLength() const override
    {
        return m_extended;
    }

    std::size_t commandCount = 0; // how many APDUs went to the card, for tests that count them

private:
    PivCardEmulator& m_card;
    bool m_extended;
};

} // namespace sra::piv
