#pragma once

#include "core/piv/ApduChannel.h"

#include <QByteArray>
#include <QString>

#include <winscard.h>

#include <memory>

namespace sra::core {

class PcscContext;

// An ApduChannel to the card in one PC/SC reader, shared with other applications (SCARD_SHARE_SHARED);
// multi-APDU operations take a PC/SC transaction through begin/endTransaction().
//
// The context passed to connect() must outlive the channel: releasing a context invalidates its card handles.
class PcscCardChannel final : public piv::ApduChannel
{
public:
    // Connects to the card in `readerName`. Errors: NoService (no pcscd), NoReader (unknown reader),
    // NoCard (reader empty), Transport (anything else, e.g. another application holds the card exclusively).
    static base::Result<std::unique_ptr<PcscCardChannel>> connect(PcscContext& context, const QString& readerName);

    ~PcscCardChannel() override;

    PcscCardChannel(const PcscCardChannel&) = delete;
    PcscCardChannel& operator=(const PcscCardChannel&) = delete;

    base::Result<base::Bytes> transmitRaw(base::ByteView commandApdu) override;

    // Conservative: whether a reader passes extended APDUs cannot be asked reliably over PC/SC (the
    // SCARD_ATTR_MAXINPUT / CCID descriptor is not offered by every driver, vpcd among them), so the layer
    // above chains short APDUs, which every card and reader accepts.
    bool supportsExtendedLength() const override
    {
        return false;
    }

    base::Status beginTransaction() override;
    void endTransaction() override;

    const QString& readerName() const
    {
        return m_readerName;
    }

    // SCARD_PROTOCOL_T0 or SCARD_PROTOCOL_T1, as negotiated at connect (or at the last reconnect).
    DWORD activeProtocol() const
    {
        return m_protocol;
    }

    // Largest response we accept: 65536 data bytes of an extended Le plus SW1 SW2, with two bytes of slack
    // so that a reader returning exactly the maximum is not reported as a too-small buffer.
    static constexpr DWORD kMaxResponseSize = 65538 + 2;

private:
    PcscCardChannel(PcscContext& context, SCARDHANDLE card, DWORD protocol, QString readerName);

    // After SCARD_W_RESET_CARD (someone reset the card) the handle must be reconnected before it works again.
    LONG reconnect();

    // Turns a failed operation into an Error. A reader that loses its card mid-command often reports a generic
    // failure first (vpcd: SCARD_E_NOT_TRANSACTED) and the removal only when pcscd next polls it; asking the
    // reader for a moment lets us tell the user "card removed" rather than "transport error".
    base::Error operationError(LONG rv, const char* call);

    // How long operationError() waits for the reader to confirm a suspected removal.
    static constexpr DWORD kRemovalConfirmMs = 1000;

    PcscContext* m_context;
    SCARDHANDLE m_card = 0;
    DWORD m_protocol = 0;
    QString m_readerName;
    bool m_inTransaction = false;
};

} // namespace sra::core
