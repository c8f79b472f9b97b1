#pragma once

#include "core/card/CardInfo.h"
#include "core/pcsc/PcscCardChannel.h"
#include "core/pcsc/PcscContext.h"
#include "core/session/SessionSigner.h"

#include <memory>

namespace sra::core {

// SessionSigner over a card in a PC/SC reader, synchronous (for the command-line tools). open() reads the
// card once; each sign() is one PC/SC transaction (SELECT, VERIFY, GENERAL AUTHENTICATE).
class PcscSessionSigner final : public SessionSigner
{
    Q_OBJECT

public:
    explicit PcscSessionSigner(QObject* parent = nullptr);
    ~PcscSessionSigner() override;

    // Connects to the first reader with a PIV card (or the one whose name contains `readerFilter`) and reads
    // its certificate. NotFound when the card has no PIV Authentication certificate.
    base::Status open(const QString& readerFilter = {});

    QSslCertificate certificate() const override;
    int pinTriesLeft() const override;
    void sign(const QByteArray& digest, base::SecureBytes pin) override;

    const CardInfo& cardInfo() const
    {
        return m_info;
    }

    QString readerName() const;

    // For the card relay, each one PC/SC transaction. The card's readable objects as InsertCard carries them
    // (BER-TLV list: object tag → object exactly as GET DATA returns it) and its key algorithms (byte pairs).
    base::Status readRelayCard(QByteArray& objects, QByteArray& keyAlgorithms);
    base::Status verifyPin(base::SecureBytes pin);
    base::Result<QByteArray>
    generalAuthenticate(std::uint8_t slot, piv::PivAlgorithm algorithm, const QByteArray& input);

private:
    PcscContext m_context;
    std::unique_ptr<PcscCardChannel> m_channel;
    CardInfo m_info;
    int m_triesLeft = -1;
};

} // namespace sra::core
