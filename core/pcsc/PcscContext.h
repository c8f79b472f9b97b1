#pragma once

#include "core/base/Result.h"

#include <QStringList>

#include <winscard.h>

namespace sra::core {

// Owns one PC/SC resource-manager context (SCARDCONTEXT).
//
// pcsc-lite does not notice on its own that pcscd went away: the handle stays "valid" locally while every call
// fails with SCARD_E_NO_SERVICE and friends. So every call that reaches the daemon goes through
// ensureValid() and, when the answer says the service was lost, re-establishes once and tries again. This is
// what lets a long-running admin program survive a pcscd restart without being restarted itself.
//
// Not thread-safe: use one context per thread (pcsc-lite allows that), except for SCardCancel().
class PcscContext
{
public:
    PcscContext() = default;
    ~PcscContext();

    PcscContext(PcscContext&& other) noexcept;
    PcscContext& operator=(PcscContext&& other) noexcept;
    PcscContext(const PcscContext&) = delete;
    PcscContext& operator=(const PcscContext&) = delete;

    // Establishes a context if there is none or the current one is no longer valid. NoService when pcscd is
    // not running.
    base::Status ensureValid();

    // Drops the current context and establishes a new one (after the caller saw isServiceLost()).
    base::Status reestablish();

    void release() noexcept;

    bool isEstablished() const noexcept
    {
        return m_established;
    }

    // Only meaningful after a successful ensureValid().
    SCARDCONTEXT handle() const noexcept
    {
        return m_context;
    }

    // Names of the readers pcscd knows. No readers is an empty list, not an error.
    base::Result<QStringList> listReaders();

    // Cap on the size of the reader list pcscd may announce: a daemon answering nonsense must not make us
    // allocate without bound. Hundreds of readers fit easily.
    static constexpr DWORD kMaxReaderListSize = 16384;

private:
    SCARDCONTEXT m_context = 0;
    bool m_established = false;
};

// Splits a PC/SC multi-string ("a\0b\0\0") into its names. Exposed for tests.
QStringList parseMultiString(const char* data, std::size_t size);

} // namespace sra::core
