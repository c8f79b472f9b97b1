#include "support/EmulatedCard.h"

#include "core/piv/EmulatorChannel.h"
#include "core/piv/PivCardEmulator.h"

#include <QThread>

namespace sra::test {

namespace {

// Owns the soft card and its emulator, and hands their APDUs through (after the configured delay).
class SoftCardChannel final : public piv::ApduChannel
{
public:
    SoftCardChannel(std::unique_ptr<softcard::SoftCard> card, std::shared_ptr<std::atomic_int> delay)
        : m_card(std::move(card))
        , m_emulator(*m_card)
        , m_channel(m_emulator)
        , m_delay(std::move(delay))
    {
        m_card->installObjects(m_emulator);
    }

    base::Result<base::Bytes> transmitRaw(base::ByteView commandApdu) override
    {
        if (const int ms = m_delay->load(); ms > 0) {
            QThread::msleep(static_cast<unsigned long>(ms));
        }
        return m_channel.transmitRaw(commandApdu);
    }

private:
    std::unique_ptr<softcard::SoftCard> m_card;
    piv::PivCardEmulator m_emulator;
    piv::EmulatorChannel m_channel;
    std::shared_ptr<std::atomic_int> m_delay;
};

} // namespace

EmulatedCard::EmulatedCard(const QString& dir, const softcard::CreateOptions& options)
    : m_dir(dir)
{
    m_error = softcard::SoftCard::create(dir, options);
}

core::CardWorker::Opener EmulatedCard::opener(const QString& readerName)
{
    return [dir = m_dir, delay = m_delay, readerName]() -> base::Result<std::unique_ptr<core::CardSession>> {
        QString error;
        auto card = softcard::SoftCard::load(dir, &error);
        if (!card) {
            return base::makeError(base::ErrorCode::NoCard, error.toStdString());
        }
        auto session =
            std::make_unique<core::CardSession>(std::make_unique<SoftCardChannel>(std::move(card), delay), readerName);
        if (auto opened = session->open(); !opened) {
            return opened.error();
        }
        return session;
    };
}

} // namespace sra::test
