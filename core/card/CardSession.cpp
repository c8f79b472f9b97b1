#include "core/card/CardSession.h"

#include "core/card/CardSigner.h"
#include "core/piv/InsertedCard.h"
#include "core/piv/PivClient.h"

namespace sra::core {

namespace {

// One transaction with the PIV application selected, so that SELECT and the operation after it cannot be split by
// another program using the card.
template <typename T, typename Operation>
base::Result<T> inSelectedApplication(piv::ApduChannel& channel, Operation&& operation)
{
    piv::TransactionGuard transaction(channel);
    if (!transaction.status()) {
        return transaction.status().error();
    }
    piv::PivClient client(channel);
    if (auto selected = client.select(); !selected) {
        return selected.error();
    }
    return operation(client);
}

} // namespace

CardSession::CardSession(std::unique_ptr<piv::ApduChannel> channel, QString readerName)
    : m_channel(std::move(channel))
    , m_readerName(std::move(readerName))
{}

CardSession::~CardSession()
{
    if (m_channel && m_info.find(0x9A)) {
        resetPinState(); // best effort: a card already gone has forgotten the PIN anyway
    }
}

base::Status CardSession::resetPinState()
{
    return inSelectedApplication<base::Unit>(*m_channel, [&](piv::PivClient& client) -> base::Status {
        if (auto reset = client.resetPinStatus(); !reset) {
            return reset;
        }
        if (auto tries = client.pinTriesLeft()) {
            m_triesLeft = *tries; // the card reports the count again now
        }
        return base::okStatus();
    });
}

base::Status CardSession::open()
{
    auto info = readCardInfo(*m_channel);
    if (!info) {
        return info.error();
    }
    const auto* auth = info->find(0x9A);
    if (!auth || !auth->algorithm) {
        return base::makeError(base::ErrorCode::NotFound, "no usable PIV Authentication key (slot 9A)");
    }
    m_info = std::move(info.value());
    m_triesLeft = m_info.pinTriesLeft;
    return base::okStatus();
}

void CardSession::notePinResult(const base::Error& error)
{
    if (error.code == base::ErrorCode::WrongPin) {
        m_triesLeft = error.triesLeft;
    } else if (error.code == base::ErrorCode::PinBlocked) {
        m_triesLeft = 0;
    }
}

base::Result<QByteArray> CardSession::signChallenge(const QByteArray& digest, base::SecureBytes pin)
{
    const auto* auth = m_info.find(0x9A);
    if (!auth || !auth->algorithm) {
        base::secureZero(pin.data(), pin.size());
        return base::makeError(base::ErrorCode::NotFound, "card not opened");
    }
    auto signature =
        signDigestWithCard(*m_channel, 0x9A, *auth->algorithm, piv::HashAlgorithm::Sha256, digest, std::move(pin));
    if (!signature) {
        notePinResult(signature.error());
        if (signature.error().code != base::ErrorCode::WrongPin) {
            resetPinState(); // the VERIFY may have passed before the signature failed
        }
        return signature.error();
    }
    m_triesLeft = -1;
    resetPinState(); // signed in: the card is not left unlocked for other programs
    return signature;
}

base::Result<RelayCardContents> CardSession::readRelayCard()
{
    return inSelectedApplication<RelayCardContents>(
        *m_channel, [&](piv::PivClient& client) -> base::Result<RelayCardContents> {
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
            RelayCardContents contents;
            contents.objects = QByteArray(reinterpret_cast<const char*>(payload->cardObjects.data()),
                                          static_cast<qsizetype>(payload->cardObjects.size()));
            contents.keyAlgorithms = QByteArray(reinterpret_cast<const char*>(payload->keyAlgorithms.data()),
                                                static_cast<qsizetype>(payload->keyAlgorithms.size()));
            return contents;
        });
}

base::Status CardSession::verifyPin(base::SecureBytes pin, bool lastTryConfirmed)
{
    base::Status verified = inSelectedApplication<base::Unit>(*m_channel, [&](piv::PivClient& client) -> base::Status {
        if (!lastTryConfirmed) {
            if (auto tries = client.pinTriesLeft(); tries && *tries >= 0 && *tries <= 1) {
                m_triesLeft = *tries;
                return base::makeError(base::ErrorCode::LastPinTry, "one PIN try left, not confirmed");
            }
        }
        return client.verifyPin(std::move(pin));
    });
    base::secureZero(pin.data(), pin.size()); // whether or not it reached the card
    if (!verified) {
        notePinResult(verified.error());
        return verified;
    }
    m_triesLeft = -1;
    return base::okStatus();
}

base::Result<QByteArray>
CardSession::generalAuthenticate(std::uint8_t slot, piv::PivAlgorithm algorithm, const QByteArray& input)
{
    return inSelectedApplication<QByteArray>(*m_channel, [&](piv::PivClient& client) -> base::Result<QByteArray> {
        auto signed_ =
            client.generalAuthenticate(slot,
                                       algorithm,
                                       base::ByteView(reinterpret_cast<const std::uint8_t*>(input.constData()),
                                                      static_cast<std::size_t>(input.size())));
        if (!signed_) {
            return signed_.error();
        }
        return QByteArray(reinterpret_cast<const char*>(signed_->data()), static_cast<qsizetype>(signed_->size()));
    });
}

} // namespace sra::core
