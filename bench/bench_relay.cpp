// Latency of one relayed signature: a local-channel client on the remote (what the pcscd driver and the
// PKCS#11 module are) asks srad for a signature, srad relays it to the admin's sra-connect, whose card signs.
// Not a test: run it through bench/run-relay, which sets up the lab, sra-connect --insert-card and the
// delay proxy.
//   bench_relay --socket PATH [--iterations N] [--pin-fd N]
#include "core/piv/InsertedCard.h"
#include "core/piv/PivObjects.h"
#include "core/piv/Pkcs1.h"
#include "core/wire/Message.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QLocalSocket>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <vector>

namespace wire = sra::wire;
namespace base = sra::base;
namespace piv = sra::piv;

namespace {
QLocalSocket* g_socket = nullptr;
wire::FrameDecoder g_decoder(512 * 1024);

bool send(const wire::Message& m)
{
    auto frame = wire::encodeMessage(m);
    g_socket->write(reinterpret_cast<const char*>(frame->data()), static_cast<qint64>(frame->size()));
    return g_socket->waitForBytesWritten(5000);
}

std::optional<wire::Message> receive(wire::MessageType type)
{
    while (true) {
        if (auto frame = g_decoder.next()) {
            auto m = wire::decodeMessage(*frame);
            if (!m) {
                return std::nullopt;
            }
            if (m->type() == type) {
                return m.value();
            }
            continue;
        }
        if (g_socket->bytesAvailable() == 0 && !g_socket->waitForReadyRead(60000)) {
            return std::nullopt;
        }
        const QByteArray data = g_socket->readAll();
        g_decoder.feed(
            {reinterpret_cast<const std::uint8_t*>(data.constData()), static_cast<std::size_t>(data.size())});
    }
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("socket"),                                                                  QStringLiteral("srad's local socket."), QStringLiteral("path")},
        { QStringLiteral("iterations"),
         QStringLiteral("Signatures to measure."),
         QStringLiteral("n"),
         QStringLiteral("100")},
        {                                                                                                                                     QStringLiteral("pin-fd"),
         QStringLiteral("Read the PIN (relayed once before the signatures) from this descriptor."),
         QStringLiteral("n"),
         QStringLiteral("0")},
    });
    parser.process(app);
    QLocalSocket socket;
    g_socket = &socket;
    socket.connectToServer(parser.value(QStringLiteral("socket")));
    if (!socket.waitForConnected(3000)) {
        std::fprintf(stderr, "bench_relay: cannot connect to srad's local socket\n");
        return 1;
    }
    wire::Message hello(wire::MessageType::LocalHello);
    hello.setU32(wire::Field::Role, static_cast<std::uint32_t>(wire::LocalRole::Pkcs11Module));
    send(hello);
    auto status = receive(wire::MessageType::CardStatus);
    if (!status || status->u32(wire::Field::Present) != 1u) {
        std::fprintf(stderr, "bench_relay: no card inserted on srad\n");
        return 1;
    }
    // The payload's one codec, as the PKCS#11 module and the pcscd driver read it.
    const auto card =
        piv::decodeInsertedCard(status->bytes(wire::Field::CardObjects), status->bytes(wire::Field::KeyAlgorithms));
    const auto algorithm = card ? card->keyAlgorithm(0x9A) : std::nullopt;
    if (!algorithm) {
        std::fprintf(stderr, "bench_relay: the inserted card has no key 9A\n");
        return 1;
    }
    // The relay signs only for a client that proved the PIN: one relayed VERIFY first (not measured).
    QFile pinInput;
    if (!pinInput.open(parser.value(QStringLiteral("pin-fd")).toInt(), QIODevice::ReadOnly)) {
        std::fprintf(stderr, "bench_relay: cannot read the PIN\n");
        return 1;
    }
    QByteArray pin = pinInput.readLine().trimmed();
    wire::Message verify(wire::MessageType::LocalVerifyPin);
    verify.setU32(wire::Field::RequestId, 0);
    verify.set(
        wire::Field::Pin,
        base::ByteView(reinterpret_cast<const std::uint8_t*>(pin.constData()), static_cast<std::size_t>(pin.size())));
    base::secureZero(pin.data(), static_cast<std::size_t>(pin.size()));
    send(verify);
    if (auto r = receive(wire::MessageType::RelayResult); !r || r->u32(wire::Field::Status) != 0u) {
        std::fprintf(stderr, "bench_relay: the relayed PIN check failed\n");
        return 1;
    }
    const QByteArray digest = QCryptographicHash::hash("relay benchmark", QCryptographicHash::Sha256);
    const base::ByteView digestView(reinterpret_cast<const std::uint8_t*>(digest.constData()), 32);
    base::Bytes input;
    if (piv::isEcc(*algorithm)) {
        input = piv::ecdsaInput(digestView, piv::pivAlgorithmInputSize(*algorithm));
    } else {
        input = piv::pkcs1v15SignatureBlock(piv::buildDigestInfo(piv::HashAlgorithm::Sha256, digestView).value(), 256)
                    .value();
    }

    const int iterations = std::max(5, parser.value(QStringLiteral("iterations")).toInt());
    std::vector<double> ms;
    for (int i = 0; i < iterations; ++i) {
        wire::Message request(wire::MessageType::LocalSign);
        request.setU32(wire::Field::RequestId, static_cast<std::uint32_t>(i + 1));
        request.setU32(wire::Field::Slot, 0x9A);
        request.setU32(wire::Field::Algorithm, static_cast<std::uint32_t>(*algorithm));
        request.set(wire::Field::Input, input);
        QElapsedTimer t;
        t.start();
        send(request);
        auto result = receive(wire::MessageType::RelayResult);
        if (!result || result->u32(wire::Field::Status) != 0u) {
            std::fprintf(stderr,
                         "bench_relay: signature %d failed (status %u)\n",
                         i,
                         result ? result->u32(wire::Field::Status).value_or(99) : 99);
            return 1;
        }
        ms.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    std::printf("relayed signature, %s, n=%d: median %.3f ms  p95 %.3f ms\n",
                piv::pivAlgorithmName(*algorithm),
                iterations,
                ms[ms.size() / 2],
                ms[std::min(ms.size() - 1, ms.size() * 95 / 100)]);
    return 0;
}
