#include "core/pcsc/PcscContext.h"

#include "core/pcsc/PcscError.h"
#include "core/pcsc/PcscLogging.h"

#include <QByteArray>

#include <algorithm>
#include <utility>
#include <vector>

namespace sra::core {

PcscContext::~PcscContext()
{
    release();
}

PcscContext::PcscContext(PcscContext&& other) noexcept
    : m_context(std::exchange(other.m_context, 0))
    , m_established(std::exchange(other.m_established, false))
{}

PcscContext& PcscContext::operator=(PcscContext&& other) noexcept
{
    if (this != &other) {
        release();
        m_context = std::exchange(other.m_context, 0);
        m_established = std::exchange(other.m_established, false);
    }
    return *this;
}

base::Status PcscContext::ensureValid()
{
    if (m_established && SCardIsValidContext(m_context) == SCARD_S_SUCCESS) {
        return base::okStatus();
    }
    return reestablish();
}

base::Status PcscContext::reestablish()
{
    release();
    SCARDCONTEXT context = 0;
    const LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
    if (rv != SCARD_S_SUCCESS) {
        qCDebug(lcPcsc) << "SCardEstablishContext failed:" << pcsc_stringify_error(rv);
        return pcscError(rv, PcscStage::Connect, "SCardEstablishContext");
    }
    m_context = context;
    m_established = true;
    return base::okStatus();
}

void PcscContext::release() noexcept
{
    if (m_established) {
        // Fails harmlessly when pcscd is gone; the client library still frees its local state.
        SCardReleaseContext(m_context);
        m_established = false;
        m_context = 0;
    }
}

base::Result<QStringList> PcscContext::listReaders()
{
    // Two attempts: the first may run into a context left over from a pcscd that has since restarted.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (auto status = ensureValid(); !status) {
            return status.error();
        }
        DWORD size = 0;
        LONG rv = SCardListReaders(m_context, nullptr, nullptr, &size);
        if (rv == SCARD_S_SUCCESS) {
            if (size == 0 || size > kMaxReaderListSize) {
                if (size > kMaxReaderListSize) {
                    qCWarning(lcPcsc) << "reader list of" << size << "bytes exceeds the cap, ignored";
                }
                return QStringList{};
            }
            std::vector<char> buffer(size);
            rv = SCardListReaders(m_context, nullptr, buffer.data(), &size);
            if (rv == SCARD_S_SUCCESS) {
                return parseMultiString(buffer.data(), std::min<std::size_t>(size, buffer.size()));
            }
            // A reader may have been plugged in between the two calls: SCARD_E_INSUFFICIENT_BUFFER ends up
            // in the retry below like a lost service.
        }
        if (rv == SCARD_E_NO_READERS_AVAILABLE) {
            return QStringList{};
        }
        if (isServiceLost(rv) && attempt == 0) {
            release();
            continue;
        }
        if (rv == SCARD_E_INSUFFICIENT_BUFFER && attempt == 0) {
            continue;
        }
        return pcscError(rv, PcscStage::Connect, "SCardListReaders");
    }
    return base::makeError(base::ErrorCode::Transport, "SCardListReaders: gave up after retry");
}

QStringList parseMultiString(const char* data, std::size_t size)
{
    QStringList names;
    std::size_t start = 0;
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] == '\0') {
            if (i == start) {
                break; // the empty string terminates the list
            }
            names.append(QString::fromUtf8(data + start, static_cast<qsizetype>(i - start)));
            start = i + 1;
        }
    }
    // A list that is not terminated within `size` bytes is cut there; the unterminated tail is dropped.
    return names;
}

} // namespace sra::core
