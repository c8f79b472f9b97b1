#pragma once

#include "core/base/Bytes.h"
#include "core/base/Result.h"
#include "core/piv/ApduChannel.h"
#include "core/piv/PivObjects.h"
#include "core/piv/Pkcs1.h"

#include <QByteArray>

namespace sra::core {

// Signs a message digest with a card key, in one PC/SC transaction: SELECT, VERIFY, GENERAL AUTHENTICATE, so
// no other application can slip a command in between the PIN check and the signature, then resets the PIN
// status so the card does not stay unlocked. The PIN is wiped before this returns, whatever the outcome.
// RSA: PKCS#1 v1.5 with the DigestInfo built on the host. ECDSA: DER.
base::Result<QByteArray> signDigestWithCard(piv::ApduChannel& channel,
                                            std::uint8_t slot,
                                            piv::PivAlgorithm algorithm,
                                            piv::HashAlgorithm hash,
                                            const QByteArray& digest,
                                            base::SecureBytes pin);

} // namespace sra::core
