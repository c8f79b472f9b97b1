#pragma once

#include "core/crypto/OpenSslPtr.h"
#include "core/piv/PivCardBackend.h"
#include "core/piv/PivCardEmulator.h"

#include <QString>

#include <array>
#include <map>
#include <memory>

namespace sra::softcard {

using EvpPkeyPtr = crypto::Owned<EVP_PKEY>;

struct CreateOptions
{
    piv::PivAlgorithm algorithm = piv::PivAlgorithm::Rsa2048;
    QString pin = QStringLiteral("123456");
    QString subject = QStringLiteral("/CN=SRA Demo Admin/O=SRA Demo");
    int validDays = 365;
    bool expired = false; // certificates that ended yesterday, for tests of expiry handling
    bool compressCertificates = false;
};

// A software PIV card kept in a directory: a small demo CA, one key and certificate per slot (9A 9C 9D 9E),
// the PIN as a salted PBKDF2 hash and a persistent retry counter (3 tries, as on real cards). The counter is
// decremented and written to disk *before* the PIN is compared, so killing the process mid-VERIFY cannot
// give a free try — the same tearing protection a card's chip has.
class SoftCard final : public piv::PivCardBackend
{
public:
    static constexpr int kMaxPinTries = 3;

    // Creates DIR (which must not hold a card yet). Returns an error sentence on failure.
    static QString create(const QString& dir, const CreateOptions& options);

    // Loads a card from DIR; returns nullptr and sets `error` when the directory is not a valid card.
    static std::unique_ptr<SoftCard> load(const QString& dir, QString* error);

    // Fills an emulator with this card's data objects (certificates, CHUID, discovery, key history).
    void installObjects(piv::PivCardEmulator& emulator) const;

    std::optional<piv::PivAlgorithm> keyAlgorithm(std::uint8_t slot) const override;
    piv::PinCheck verifyPin(const base::SecureBytes& pin) override;
    int pinTriesLeft() const override;
    base::Result<base::Bytes> sign(std::uint8_t slot, piv::PivAlgorithm algorithm, base::ByteView input) override;

    QString directory() const
    {
        return m_dir;
    }

private:
    SoftCard() = default;
    bool savePinState(QString* error) const;
    bool loadPinState(QString* error);

    QString m_dir;
    piv::PivAlgorithm m_algorithm = piv::PivAlgorithm::Rsa2048;
    std::map<std::uint8_t, EvpPkeyPtr> m_keys;
    std::map<std::uint8_t, base::Bytes> m_certificates; // DER
    std::array<std::uint8_t, 16> m_guid{};
    bool m_compress = false;
    QByteArray m_pinSalt;
    QByteArray m_pinHash;
    int m_triesLeft = kMaxPinTries;
};

} // namespace sra::softcard
