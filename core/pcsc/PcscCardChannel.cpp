#include "core/pcsc/PcscCardChannel.h"

#include "core/pcsc/PcscContext.h"
#include "core/pcsc/PcscError.h"
#include "core/pcsc/PcscLogging.h"

#include <utility>

namespace sra::core {

namespace {

constexpr DWORD kProtocols = SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1;

const SCARD_IO_REQUEST* sendPci(DWORD protocol)
{
    // The protocol control information must name the protocol the card runs; pcsc-lite rejects a mismatch.
    return protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
}

} // namespace

base::Result<std::unique_ptr<PcscCardChannel>> PcscCardChannel::connect(PcscContext& context, const QString& readerName)
{
    const QByteArray name = readerName.toUtf8();
    LONG rv = SCARD_S_SUCCESS;
    // Two attempts: a context left over from a pcscd that has restarted since fails once, then is renewed.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (auto status = context.ensureValid(); !status) {
            return status.error();
        }
        SCARDHANDLE card = 0;
        DWORD protocol = 0;
        rv = SCardConnect(context.handle(), name.constData(), SCARD_SHARE_SHARED, kProtocols, &card, &protocol);
        if (rv == SCARD_S_SUCCESS) {
            qCDebug(lcPcsc) << "connected to" << readerName << "protocol"
                            << (protocol == SCARD_PROTOCOL_T0 ? "T=0" : "T=1");
            return std::unique_ptr<PcscCardChannel>(new PcscCardChannel(context, card, protocol, readerName));
        }
        if (!isServiceLost(rv)) {
            break;
        }
        context.release();
    }
    qCDebug(lcPcsc) << "SCardConnect to" << readerName << "failed:" << pcsc_stringify_error(rv);
    return pcscError(rv, PcscStage::Connect, "SCardConnect");
}

PcscCardChannel::PcscCardChannel(PcscContext& context, SCARDHANDLE card, DWORD protocol, QString readerName)
    : m_context(&context)
    , m_card(card)
    , m_protocol(protocol)
    , m_readerName(std::move(readerName))
{}

PcscCardChannel::~PcscCardChannel()
{
    if (m_inTransaction) {
        endTransaction();
    }
    // Leave the card as it is: resetting it would log the user out of every other application using it.
    SCardDisconnect(m_card, SCARD_LEAVE_CARD);
}

LONG PcscCardChannel::reconnect()
{
    DWORD protocol = 0;
    const LONG rv = SCardReconnect(m_card, SCARD_SHARE_SHARED, kProtocols, SCARD_LEAVE_CARD, &protocol);
    if (rv == SCARD_S_SUCCESS) {
        m_protocol = protocol;
        qCInfo(lcPcsc) << "card in" << m_readerName << "was reset; reconnected";
    }
    return rv;
}

base::Result<base::Bytes> PcscCardChannel::transmitRaw(base::ByteView commandApdu)
{
    // 4 header bytes at least; at most an extended case 4 APDU (4 + 3 Lc + 65535 data + 2 Le).
    if (commandApdu.size() < 4 || commandApdu.size() > 65544) {
        return base::makeError(base::ErrorCode::Malformed, "transmitRaw: command APDU length out of range");
    }
    base::Bytes response(kMaxResponseSize);
    LONG rv = SCARD_S_SUCCESS;
    // Retried once: the first SCARD_W_RESET_CARD only tells us that someone reset the card since our last use.
    for (int attempt = 0; attempt < 2; ++attempt) {
        DWORD responseSize = kMaxResponseSize;
        rv = SCardTransmit(m_card,
                           sendPci(m_protocol),
                           commandApdu.data(),
                           static_cast<DWORD>(commandApdu.size()),
                           nullptr,
                           response.data(),
                           &responseSize);
        if (rv == SCARD_S_SUCCESS) {
            if (responseSize < 2 || responseSize > kMaxResponseSize) {
                return base::makeError(base::ErrorCode::Transport, "SCardTransmit: response without status word");
            }
            response.resize(responseSize);
            // Only the instruction byte and the status word: APDU data may be a PIN.
            qCDebug(lcPcsc,
                    "INS %02X -> SW %02X%02X",
                    commandApdu[1],
                    response[responseSize - 2],
                    response[responseSize - 1]);
            return response;
        }
        if (rv != SCARD_W_RESET_CARD || attempt > 0) {
            break;
        }
        if (const LONG rrv = reconnect(); rrv != SCARD_S_SUCCESS) {
            rv = rrv;
            break;
        }
    }
    qCDebug(lcPcsc) << "SCardTransmit on" << m_readerName << "failed:" << pcsc_stringify_error(rv);
    return operationError(rv, "SCardTransmit");
}

base::Error PcscCardChannel::operationError(LONG rv, const char* call)
{
    base::Error error = pcscError(rv, PcscStage::Operation, call);
    const bool suspicious = rv == SCARD_E_NOT_TRANSACTED || rv == SCARD_W_UNRESPONSIVE_CARD
                            || rv == SCARD_W_UNPOWERED_CARD || rv == SCARD_E_COMM_DATA_LOST
                            || rv == SCARD_F_UNKNOWN_ERROR;
    if (!suspicious || !m_context->isEstablished()) {
        return error;
    }
    const QByteArray name = m_readerName.toUtf8();
    SCARD_READERSTATE state{};
    state.szReader = name.constData();
    state.dwCurrentState = SCARD_STATE_UNAWARE;
    LONG srv = SCardGetStatusChange(m_context->handle(), 0, &state, 1);
    if (srv == SCARD_S_SUCCESS && (state.dwEventState & SCARD_STATE_PRESENT)) {
        // Still shown as present: wait (bounded) for the next change, which is the removal if there is one.
        state.dwCurrentState = state.dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
        srv = SCardGetStatusChange(m_context->handle(), kRemovalConfirmMs, &state, 1);
    }
    if (srv == SCARD_S_SUCCESS && (state.dwEventState & SCARD_STATE_EMPTY)) {
        error.code = base::ErrorCode::CardRemoved;
        error.detail += " (card removed)";
    }
    return error;
}

base::Status PcscCardChannel::beginTransaction()
{
    LONG rv = SCardBeginTransaction(m_card);
    if (rv == SCARD_W_RESET_CARD) {
        rv = reconnect();
        if (rv == SCARD_S_SUCCESS) {
            rv = SCardBeginTransaction(m_card);
        }
    }
    if (rv != SCARD_S_SUCCESS) {
        qCDebug(lcPcsc) << "SCardBeginTransaction on" << m_readerName << "failed:" << pcsc_stringify_error(rv);
        return operationError(rv, "SCardBeginTransaction");
    }
    m_inTransaction = true;
    return base::okStatus();
}

void PcscCardChannel::endTransaction()
{
    if (!m_inTransaction) {
        return;
    }
    m_inTransaction = false;
    // SCARD_LEAVE_CARD keeps the PIN verification alive for the next transaction of this session; the PIV
    // client decides when to drop it. Failure (card gone) needs no handling: the transaction ended with it.
    if (const LONG rv = SCardEndTransaction(m_card, SCARD_LEAVE_CARD); rv != SCARD_S_SUCCESS) {
        qCDebug(lcPcsc) << "SCardEndTransaction on" << m_readerName << "failed:" << pcsc_stringify_error(rv);
    }
}

} // namespace sra::core
