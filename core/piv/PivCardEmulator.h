#pragma once

#include "core/base/Bytes.h"
#include "core/piv/Apdu.h"
#include "core/piv/PivCardBackend.h"

#include <cstdint>
#include <map>

namespace sra::piv {

// The card side of the PIV application: what a PIV card's applet does with the APDUs a host sends, over a
// PivCardBackend that holds PIN and keys. Used by the soft card (sra-softcard) and by the remote's virtual
// card. It answers SELECT, GET DATA, VERIFY (incl. the empty VERIFY that reports tries left and the P1=FF
// reset), GENERAL AUTHENTICATE for signing with RSA-2048 and ECDSA P-256/P-384, GET RESPONSE, and command
// chaining. Anything else gets the ISO status word a card gives for it. Not thread-safe: one card, one
// caller at a time, as with a real card behind a reader.
class PivCardEmulator
{
public:
    explicit PivCardEmulator(PivCardBackend& backend);

    // Stores a data object exactly as GET DATA returns it (with its 53/7E wrapper), keyed by its tag.
    void setDataObject(std::uint32_t tag, base::Bytes encoded);

    const std::map<std::uint32_t, base::Bytes>& dataObjects() const
    {
        return m_objects;
    }

    // ATR: T=1, historical bytes spell the product so logs say what the card is.
    static base::Bytes answerToReset();

    // One command APDU in, one response APDU (data + SW1 SW2) out. Never throws; malformed input gets 6700.
    base::Bytes process(base::ByteView commandApdu);

    // Power cycle/reset: deselects, forgets PIN verification and any pending chain or response.
    void reset();

    bool pinVerified() const
    {
        return m_pinVerified;
    }

private:
    ResponseApdu dispatch(const CommandApdu& command);
    ResponseApdu select(const CommandApdu& command);
    ResponseApdu getData(const CommandApdu& command);
    ResponseApdu verify(const CommandApdu& command);
    ResponseApdu generalAuthenticate(const CommandApdu& command);
    ResponseApdu getVersion(const CommandApdu& command);
    base::Bytes respond(ResponseApdu response, const CommandApdu& command);
    base::Bytes getResponse(const CommandApdu& command);

    PivCardBackend& m_backend;
    std::map<std::uint32_t, base::Bytes> m_objects;
    bool m_selected = false;
    bool m_pinVerified = false;
    bool m_pinJustVerified = false; // for PIN-always slots (9C): the VERIFY immediately before counts
    base::Bytes m_chainData;        // data of a command chain so far
    std::uint8_t m_chainIns = 0;
    std::uint8_t m_chainP1 = 0;
    std::uint8_t m_chainP2 = 0;
    bool m_chaining = false;
    base::Bytes m_pendingResponse; // what GET RESPONSE still has to hand out
    std::uint16_t m_pendingSw = 0;
};

} // namespace sra::piv
