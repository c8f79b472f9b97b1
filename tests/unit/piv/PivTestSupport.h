#pragma once

// Helpers shared by the PIV unit tests: hex literals, an ApduChannel that answers from a script, one that
// hands commands straight to a PivCardEmulator, and a tiny deterministic key backend. OpenSSL and soft-card
// helpers are in OpenSslSupport.h.

#include "core/base/Bytes.h"
#include "core/piv/Apdu.h"
#include "core/piv/ApduChannel.h"
#include "core/piv/EmulatorChannel.h"
#include "core/piv/PivCardBackend.h"
#include "core/piv/PivCardEmulator.h"
#include "core/piv/PivObjects.h"

#include <QByteArray>
#include <QTest>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace sra::piv::test {

inline base::Bytes hex(const char* text)
{
    base::Bytes out;
    if (!base::fromHex(text, out)) {
        qFatal("bad hex literal in test: %s", text);
    }
    return out;
}

inline base::Bytes toBytes(const QByteArray& a)
{
    return base::Bytes(a.begin(), a.end());
}

inline base::Bytes toBytesFrom(base::ByteView b)
{
    return base::Bytes(b.begin(), b.end());
}

inline QByteArray toQByteArray(base::ByteView b)
{
    return QByteArray(reinterpret_cast<const char*>(b.data()), static_cast<qsizetype>(b.size()));
}

inline std::uint16_t statusOf(const base::Bytes& response)
{
    if (response.size() < 2) {
        return 0;
    }
    return static_cast<std::uint16_t>((response[response.size() - 2] << 8) | response[response.size() - 1]);
}

inline base::Bytes dataOf(const base::Bytes& response)
{
    return response.size() < 2 ? base::Bytes{} : base::Bytes(response.begin(), response.end() - 2);
}

// Answers every command through a function of the command and the number of commands so far; records
// each command it was sent.
class ScriptedChannel final : public ApduChannel
{
public:
    using Responder = std::function<base::Result<base::Bytes>(const base::Bytes& command, std::size_t index)>;

    explicit ScriptedChannel(Responder responder, bool extended = false)
        : m_responder(std::move(responder))
        , m_extended(extended)
    {}

    // Answers from a fixed list in order; a command beyond the list is a transport error.
    static ScriptedChannel fromList(std::vector<base::Bytes> responses, bool extended = false)
    {
        return ScriptedChannel(
            [responses = std::move(responses)](const base::Bytes&, std::size_t index) -> base::Result<base::Bytes> {
                if (index >= responses.size()) {
                    return base::makeError(base::ErrorCode::Transport, "script exhausted");
                }
                return responses[index];
            },
            extended);
    }

    base::Result<base::Bytes> transmitRaw(base::ByteView commandApdu) override
    {
        commands.emplace_back(commandApdu.begin(), commandApdu.end());
        return m_responder(commands.back(), commands.size() - 1);
    }

    bool supportsExtendedLength() const override
    {
        return m_extended;
    }

    std::vector<base::Bytes> commands;

private:
    Responder m_responder;
    bool m_extended;
};

// PIN "123456" with three tries; 9A RSA-2048, 9C and 9E P-256, 9D P-384. Signing reverses the input, which
// is all an emulator test needs to see that the backend was (or was not) asked.
class TinyBackend final : public PivCardBackend
{
public:
    std::optional<PivAlgorithm> keyAlgorithm(std::uint8_t slot) const override
    {
        switch (slot) {
        case 0x9A:
            return PivAlgorithm::Rsa2048;
        case 0x9C:
        case 0x9E:
            return PivAlgorithm::EccP256;
        case 0x9D:
            return PivAlgorithm::EccP384;
        default:
            return std::nullopt;
        }
    }

    PinCheck verifyPin(const base::SecureBytes& pin) override
    {
        ++pinChecks;
        PinCheck r;
        if (tries <= 0) {
            r.outcome = PinCheck::Outcome::Blocked;
            r.triesLeft = 0;
            return r;
        }
        const base::SecureBytes good{'1', '2', '3', '4', '5', '6'};
        if (pin == good) {
            tries = 3;
            r.outcome = PinCheck::Outcome::Verified;
        } else {
            --tries;
            r.outcome = tries == 0 ? PinCheck::Outcome::Blocked : PinCheck::Outcome::Wrong;
        }
        r.triesLeft = tries;
        return r;
    }

    int pinTriesLeft() const override
    {
        return tries;
    }

    base::Result<base::Bytes> sign(std::uint8_t slot, PivAlgorithm algorithm, base::ByteView input) override
    {
        ++signatures;
        lastSlot = slot;
        lastAlgorithm = algorithm;
        lastInput.assign(input.begin(), input.end());
        base::Bytes out(input.begin(), input.end());
        std::reverse(out.begin(), out.end());
        return out;
    }

    int tries = 3;
    int pinChecks = 0;
    int signatures = 0;
    std::uint8_t lastSlot = 0;
    PivAlgorithm lastAlgorithm = PivAlgorithm::Rsa2048;
    base::Bytes lastInput;
};

} // namespace sra::piv::test
