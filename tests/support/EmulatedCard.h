#pragma once

#include "core/card/CardWorker.h"
#include "softcard/SoftCard.h"

#include <QString>

#include <atomic>
#include <cstring>
#include <memory>

namespace sra::test {

// A PIN as the card APIs take it (zeroizing memory).
inline base::SecureBytes pinBytes(const char* text)
{
    return base::SecureBytes(text, text + std::strlen(text));
}

// The admin's card without a reader: a soft card (softcard/) in a directory of the test's, behind the card-side
// emulator in the same process, as CardWorker's opener. The admin-side logic then runs on its real code path (PIV
// client, PIN tries, signatures by the soft card's keys) with no pcscd and no root.
class EmulatedCard
{
public:
    // Creates the soft card in `dir` (which must not hold one). error() says why when that failed.
    EmulatedCard(const QString& dir, const softcard::CreateOptions& options = {});

    const QString& error() const
    {
        return m_error;
    }

    // An opener for CardWorker: each call loads the card from its directory (PIN tries are kept there).
    core::CardWorker::Opener opener(const QString& readerName = QStringLiteral("SRA Emulated Reader"));

    // Every card operation (each APDU exchange) waits this long first: a slow card, for tests of what must
    // not wait on the card.
    void setDelayPerCommandMs(int ms)
    {
        m_delay->store(ms);
    }

private:
    QString m_dir;
    QString m_error;
    std::shared_ptr<std::atomic_int> m_delay = std::make_shared<std::atomic_int>(0);
};

} // namespace sra::test
