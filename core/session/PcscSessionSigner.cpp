#include "core/session/PcscSessionSigner.h"

#include "core/card/CardSigner.h"
#include "core/piv/InsertedCard.h"
#include "core/piv/PivClient.h"

namespace sra::core {

PcscSessionSigner::PcscSessionSigner(QObject* parent)
    : SessionSigner(parent)
{}

PcscSessionSigner::~PcscSessionSigner() = default;

base::Status PcscSessionSigner::open(const QString& readerFilter)
{
    if (auto valid = m_context.ensureValid(); !valid) {
        return valid.error();
    }
    auto readers = m_context.listReaders();
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
            last = base::makeError(base::ErrorCode::NotFound, "no usable PIV Authentication key (slot 9A)");
            continue;
        }
        m_channel = std::move(channel.value());
        m_info = info.value();
        m_triesLeft = m_info.pinTriesLeft;
        return base::okStatus();
    }
    if (sawReader && last.code == base::ErrorCode::NoReader) {
        last.code = base::ErrorCode::NoCard;
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

void PcscSessionSigner::sign(const QByteArray& digest, base::SecureBytes pin)
{
    const auto* auth = m_info.find(0x9A);
    if (!m_channel || !auth || !auth->algorithm) {
        base::secureZero(pin.data(), pin.size());
        Q_EMIT signatureFailed(base::makeError(base::ErrorCode::NoCard, "card not open"));
        return;
    }
    auto signature =
        signDigestWithCard(*m_channel, 0x9A, *auth->algorithm, piv::HashAlgorithm::Sha256, digest, std::move(pin));
    if (!signature) {
        if (signature.error().code == base::ErrorCode::WrongPin) {
            m_triesLeft = signature.error().triesLeft;
        } else if (signature.error().code == base::ErrorCode::PinBlocked) {
            m_triesLeft = 0;
        }
        Q_EMIT signatureFailed(signature.error());
        return;
    }
    m_triesLeft = -1; // verified: the card no longer reports a count until reset
    Q_EMIT signatureReady(signature.value());
}

base::Status PcscSessionSigner::readRelayCard(QByteArray& objects, QByteArray& keyAlgorithms)
{
    if (!m_channel) {
        return base::makeError(base::ErrorCode::NoCard, "card not open");
    }
    piv::TransactionGuard transaction(*m_channel);
    if (!transaction.status()) {
        return transaction.status().error();
    }
    piv::PivClient client(*m_channel);
    if (auto selected = client.select(); !selected) {
        return selected.error();
    }
    // Everything the remote may read without a PIN, so that reads there never cross the network.
    piv::InsertedCard card;
    for (const auto& info : piv::pivObjectCatalogue()) {
        if (info.access != piv::ObjectAccess::Always) {
            continue;
        }
        auto object = client.readObject(info.tag);
        if (!object) {
            if (object.error().code == base::ErrorCode::NotFound) {
                continue;
            }
            return object.error();
        }
        card.objects.emplace(info.tag, std::move(object.value()));
    }
    for (const auto& certificate : m_info.certificates) {
        if (certificate.algorithm) {
            card.keys.emplace(certificate.slot, *certificate.algorithm);
        }
    }
    // The codec srad and the remote's drivers decode with: what it refuses to encode, they would refuse.
    auto payload = piv::encodeInsertedCard(card);
    if (!payload) {
        return payload.error();
    }
    objects = QByteArray(reinterpret_cast<const char*>(payload->cardObjects.data()),
                         static_cast<qsizetype>(payload->cardObjects.size()));
    keyAlgorithms = QByteArray(reinterpret_cast<const char*>(payload->keyAlgorithms.data()),
                               static_cast<qsizetype>(payload->keyAlgorithms.size()));
    return base::okStatus();
}

base::Status PcscSessionSigner::verifyPin(base::SecureBytes pin)
{
    if (!m_channel) {
        base::secureZero(pin.data(), pin.size());
        return base::makeError(base::ErrorCode::NoCard, "card not open");
    }
    piv::TransactionGuard transaction(*m_channel);
    if (!transaction.status()) {
        base::secureZero(pin.data(), pin.size());
        return transaction.status().error();
    }
    piv::PivClient client(*m_channel);
    if (auto selected = client.select(); !selected) {
        base::secureZero(pin.data(), pin.size());
        return selected.error();
    }
    auto verified = client.verifyPin(std::move(pin));
    if (!verified) {
        if (verified.error().code == base::ErrorCode::WrongPin) {
            m_triesLeft = verified.error().triesLeft;
        } else if (verified.error().code == base::ErrorCode::PinBlocked) {
            m_triesLeft = 0;
        }
        return verified.error();
    }
    m_triesLeft = -1;
    return base::okStatus();
}

base::Result<QByteArray>
PcscSessionSigner::generalAuthenticate(std::uint8_t slot, piv::PivAlgorithm algorithm, const QByteArray& input)
{
    if (!m_channel) {
        return base::makeError(base::ErrorCode::NoCard, "card not open");
    }
    piv::TransactionGuard transaction(*m_channel);
    if (!transaction.status()) {
        return transaction.status().error();
    }
    piv::PivClient client(*m_channel);
    if (auto selected = client.select(); !selected) {
        return selected.error();
    }
    auto signature = client.generalAuthenticate(slot,
                                                algorithm,
                                                base::ByteView(reinterpret_cast<const std::uint8_t*>(input.constData()),
                                                               static_cast<std::size_t>(input.size())));
    if (!signature) {
        return signature.error();
    }
    return QByteArray(reinterpret_cast<const char*>(signature->data()), static_cast<qsizetype>(signature->size()));
}

} // namespace sra::core
