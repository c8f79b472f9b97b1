#include "core/session/PcscSessionSigner.h"

#include "core/card/CardSigner.h"

namespace sra::core {

PcscSessionSigner::PcscSessionSigner(QObject* parent)
    : SessionSigner(parent)
{
}

PcscSessionSigner::~PcscSessionSigner() = default;

piv::Status PcscSessionSigner::open(const QString& readerFilter)
{
    if (auto valid = m_context.ensureValid(); !valid) {
        return valid.error();
    }
    auto readers = m_context.listReaders();
    if (!readers) {
        return readers.error();
    }
    piv::Error last = piv::makeError(piv::ErrorCode::NoReader, "no reader");
    bool sawReader = false;
    for (const QString& reader : readers.value()) {
        if (!readerFilter.isEmpty() && !reader.contains(readerFilter)) {
            continue;
        }
        sawReader = true;
        auto channel = PcscCardChannel::connect(m_context, reader);
        if (!channel) {
            last = channel.error();
            continue;
        }
        auto info = readCardInfo(*channel.value());
        if (!info) {
            last = info.error();
            continue;
        }
        const auto* auth = info->find(0x9A);
        if (!auth || !auth->algorithm) {
            last = piv::makeError(piv::ErrorCode::NotFound, "no usable PIV Authentication key (slot 9A)");
            continue;
        }
        m_channel = std::move(channel.value());
        m_info = info.value();
        m_triesLeft = m_info.pinTriesLeft;
        return piv::okStatus();
    }
    if (sawReader && last.code == piv::ErrorCode::NoReader) {
        last.code = piv::ErrorCode::NoCard;
    }
    return last;
}

QString PcscSessionSigner::readerName() const
{
    return m_channel ? m_channel->readerName() : QString();
}

QSslCertificate PcscSessionSigner::certificate() const
{
    const auto* auth = m_info.find(0x9A);
    return auth ? auth->certificate : QSslCertificate();
}

int PcscSessionSigner::pinTriesLeft() const
{
    return m_triesLeft;
}

void PcscSessionSigner::sign(const QByteArray& digest, piv::SecureBytes pin)
{
    const auto* auth = m_info.find(0x9A);
    if (!m_channel || !auth || !auth->algorithm) {
        piv::secureZero(pin.data(), pin.size());
        Q_EMIT signatureFailed(piv::makeError(piv::ErrorCode::NoCard, "card not open"));
        return;
    }
    auto signature = signDigestWithCard(*m_channel, 0x9A, *auth->algorithm, piv::HashAlgorithm::Sha256, digest, std::move(pin));
    if (!signature) {
        if (signature.error().code == piv::ErrorCode::WrongPin) {
            m_triesLeft = signature.error().triesLeft;
        } else if (signature.error().code == piv::ErrorCode::PinBlocked) {
            m_triesLeft = 0;
        }
        Q_EMIT signatureFailed(signature.error());
        return;
    }
    m_triesLeft = -1; // verified: the card no longer reports a count until reset
    Q_EMIT signatureReady(signature.value());
}

} // namespace sra::core
