#include "core/card/PcscCard.h"

#include "core/pcsc/PcscCardChannel.h"
#include "core/pcsc/PcscContext.h"

namespace sra::core {

namespace {

// A PC/SC card channel that owns its context: releasing a context invalidates its card handles, so the two
// must go together.
class OwnedPcscChannel final : public piv::ApduChannel
{
public:
    OwnedPcscChannel(std::unique_ptr<PcscContext> context, std::unique_ptr<PcscCardChannel> channel)
        : m_context(std::move(context))
        , m_channel(std::move(channel))
    {}

    ~OwnedPcscChannel() override
    {
        m_channel.reset(); // before the context
    }

    base::Result<base::Bytes> transmitRaw(base::ByteView commandApdu) override
    {
        return m_channel->transmitRaw(commandApdu);
    }

    bool supportsExtendedLength() const override
    {
        return m_channel->supportsExtendedLength();
    }

    base::Status beginTransaction() override
    {
        return m_channel->beginTransaction();
    }

    void endTransaction() override
    {
        m_channel->endTransaction();
    }

private:
    std::unique_ptr<PcscContext> m_context;
    std::unique_ptr<PcscCardChannel> m_channel;
};

} // namespace

base::Result<std::unique_ptr<CardSession>> openPcscCard(const QString& readerFilter)
{
    auto context = std::make_unique<PcscContext>();
    if (auto valid = context->ensureValid(); !valid) {
        return valid.error();
    }
    auto readers = context->listReaders();
    if (!readers) {
        return readers.error();
    }
    base::Error last = base::makeError(base::ErrorCode::NoReader, "no reader");
    bool sawReader = false;
    for (const QString& reader : readers.value()) {
        if (!readerFilter.isEmpty() && !reader.contains(readerFilter)) {
            continue;
        }
        sawReader = true;
        auto channel = PcscCardChannel::connect(*context, reader);
        if (!channel) {
            last = channel.error();
            continue;
        }
        // Each candidate gets a context of its own, so the one that works can take it along.
        auto owned = std::make_unique<OwnedPcscChannel>(std::exchange(context, std::make_unique<PcscContext>()),
                                                        std::move(channel.value()));
        auto session = std::make_unique<CardSession>(std::move(owned), reader);
        if (auto opened = session->open(); !opened) {
            last = opened.error();
            if (auto valid = context->ensureValid(); !valid) {
                return valid.error();
            }
            continue;
        }
        return session;
    }
    if (sawReader && last.code == base::ErrorCode::NoReader) {
        last.code = base::ErrorCode::NoCard;
    }
    return last;
}

} // namespace sra::core
