#include "core/card/CardSigner.h"

#include "core/piv/PivClient.h"

namespace sra::core {

base::Result<QByteArray> signDigestWithCard(piv::ApduChannel& channel,
                                            std::uint8_t slot,
                                            piv::PivAlgorithm algorithm,
                                            piv::HashAlgorithm hash,
                                            const QByteArray& digest,
                                            base::SecureBytes pin)
{
    piv::TransactionGuard transaction(channel);
    if (!transaction.status()) {
        base::secureZero(pin.data(), pin.size());
        return transaction.status().error();
    }
    piv::PivClient client(channel);
    if (auto selected = client.select(); !selected) {
        base::secureZero(pin.data(), pin.size());
        return selected.error();
    }
    if (auto verified = client.verifyPin(std::move(pin)); !verified) {
        return verified.error();
    }
    auto signature = client.signDigest(slot,
                                       algorithm,
                                       hash,
                                       base::ByteView(reinterpret_cast<const std::uint8_t*>(digest.constData()),
                                                      static_cast<std::size_t>(digest.size())));
    // Leave the card locked again: a PIN typed for this one signature must not unlock later ones (a relayed
    // request from the remote must prove the PIN itself). Cards without the reset still sign correctly.
    (void)client.resetPinStatus();
    if (!signature) {
        return signature.error();
    }
    return QByteArray(reinterpret_cast<const char*>(signature->data()), static_cast<qsizetype>(signature->size()));
}

} // namespace sra::core
