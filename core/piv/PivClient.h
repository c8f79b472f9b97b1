#pragma once

#include "core/base/Bytes.h"
#include "core/base/Result.h"
#include "core/piv/ApduChannel.h"
#include "core/piv/PivObjects.h"
#include "core/piv/Pkcs1.h"

#include <cstdint>

namespace sra::piv {

// Host-side PIV commands (SP 800-73-4 part 2) over any ApduChannel. Each call is one or a few APDUs; callers
// that need several calls to be atomic (VERIFY then sign) hold a TransactionGuard around them. Qt-free, so
// the admin application, the CLI tools and tests share it.
class PivClient
{
public:
    explicit PivClient(ApduChannel& channel)
        : m_channel(channel)
    {}

    // SELECT the PIV application. NotPiv when the card does not have it.
    base::Status select();

    // GET DATA for a BER-TLV tag; returns the object as the card sends it (with its 53/7E wrapper).
    base::Result<base::Bytes> readObject(std::uint32_t tag);

    // The DER certificate of a key slot (9A, 9C, 9D, 9E), decompressed when CertInfo says gzip.
    base::Result<base::Bytes> readCertificate(std::uint8_t slot);

    // Remaining PIN tries, from a VERIFY without data; 0 when blocked. -1 means "already verified" (the card
    // does not say the count then).
    base::Result<int> pinTriesLeft();

    // VERIFY the PIV Card Application PIN. The PIN is consumed: wiped before this returns, and the padded APDU
    // buffer is wiped as well. WrongPin carries the tries left; PinBlocked when the counter is at zero.
    // A PIN that is not 6..8 characters is refused here, without spending a try.
    base::Status verifyPin(base::SecureBytes pin);

    // VERIFY with P1=FF: the card forgets that the PIN was verified (SP 800-73-4 part 2, 3.2.1), so the next
    // private-key use needs the PIN again.
    base::Status resetPinStatus();

    // GENERAL AUTHENTICATE with a prepared input (RSA: modulus-sized block; ECDSA: field-sized hash).
    base::Result<base::Bytes> generalAuthenticate(std::uint8_t slot, PivAlgorithm algorithm, base::ByteView input);

    // A signature over a message digest: RSA PKCS#1 v1.5 (DigestInfo and padding built here, on the host) or
    // ECDSA (DER ECDSA-Sig-Value as the card returns it).
    base::Result<base::Bytes>
    signDigest(std::uint8_t slot, PivAlgorithm algorithm, HashAlgorithm hash, base::ByteView digest);

private:
    ApduChannel& m_channel;
};

} // namespace sra::piv
