// The "local card" baseline: how fast the admin machine signs with a PIV card through pcscd, one PC/SC
// transaction per signature, as the relay will do for each remote request. Later relay figures are divided
// by these. Not a test: run it through bench/run-local-sign, which brings up the lab around it.
//
//   bench_local_sign [--reader NAME] [--iterations N] [--pin-fd N]
#include "bench/BenchAdmin.h"
#include "core/card/CardInfo.h"
#include "core/pcsc/PcscCardChannel.h"
#include "core/pcsc/PcscContext.h"
#include "core/piv/PivClient.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace {
using Clock = std::chrono::steady_clock;

struct Summary
{
    double medianMs;
    double p95Ms;
    double opsPerSecond;
};

Summary summarize(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    double total = 0;
    for (double v : ms) {
        total += v;
    }
    return {ms[ms.size() / 2],
            ms[std::min(ms.size() - 1, ms.size() * 95 / 100)],
            1000.0 * static_cast<double>(ms.size()) / total};
}

double elapsedMs(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("reader"),                             QStringLiteral("Reader name (substring)."), QStringLiteral("name")},
        { QStringLiteral("iterations"),
         QStringLiteral("Signatures per measurement."),
         QStringLiteral("n"),
         QStringLiteral("200")},
        {                                                                                                    QStringLiteral("pin-fd"),
         QStringLiteral("Read the PIN from this descriptor."),
         QStringLiteral("n"),
         QStringLiteral("0")},
    });
    parser.process(app);
    const int iterations = std::max(10, parser.value(QStringLiteral("iterations")).toInt());

    sra::base::SecureBytes pin;
    if (!sra::bench::readPin("bench_local_sign", parser.value(QStringLiteral("pin-fd")).toInt(), pin)) {
        return 1;
    }

    sra::core::PcscContext context;
    auto readers = context.listReaders();
    if (!readers) {
        std::fprintf(stderr, "bench_local_sign: %s\n", readers.error().detail.c_str());
        return 1;
    }
    std::unique_ptr<sra::core::PcscCardChannel> channel;
    for (const QString& reader : readers.value()) {
        if (reader.contains(parser.value(QStringLiteral("reader")))) {
            if (auto c = sra::core::PcscCardChannel::connect(context, reader)) {
                channel = std::move(c.value());
                break;
            }
        }
    }
    if (!channel) {
        std::fprintf(stderr, "bench_local_sign: no card found\n");
        return 1;
    }
    auto info = sra::core::readCardInfo(*channel);
    if (!info || !info->find(0x9A) || !info->find(0x9A)->algorithm) {
        std::fprintf(stderr, "bench_local_sign: cannot read the card's PIV Authentication certificate\n");
        return 1;
    }
    const auto algorithm = *info->find(0x9A)->algorithm;
    const QByteArray digest = QCryptographicHash::hash("benchmark", QCryptographicHash::Sha256);
    const sra::base::ByteView digestView(reinterpret_cast<const std::uint8_t*>(digest.constData()), 32);

    sra::piv::PivClient client(*channel);
    // (a) PIN verified once, then one transaction per signature: the relay's steady state.
    std::vector<double> signOnly;
    {
        sra::piv::TransactionGuard t(*channel);
        if (!client.select() || !client.verifyPin(pin)) {
            std::fprintf(stderr, "bench_local_sign: SELECT or VERIFY failed (wrong PIN?)\n");
            return 1;
        }
    }
    for (int i = 0; i < iterations; ++i) {
        const auto start = Clock::now();
        sra::piv::TransactionGuard t(*channel);
        auto sig = client.signDigest(0x9A, algorithm, sra::piv::HashAlgorithm::Sha256, digestView);
        if (!sig) {
            std::fprintf(
                stderr, "bench_local_sign: signature failed: %s\n", sra::base::errorCodeName(sig.error().code));
            return 1;
        }
        signOnly.push_back(elapsedMs(start));
    }
    // (b) VERIFY + sign in one transaction, as session authentication does.
    std::vector<double> verifyAndSign;
    for (int i = 0; i < iterations / 4; ++i) {
        const auto start = Clock::now();
        sra::piv::TransactionGuard t(*channel);
        if (!client.verifyPin(pin)
            || !client.signDigest(0x9A, algorithm, sra::piv::HashAlgorithm::Sha256, digestView)) {
            std::fprintf(stderr, "bench_local_sign: VERIFY + sign failed\n");
            return 1;
        }
        verifyAndSign.push_back(elapsedMs(start));
    }
    sra::base::secureZero(pin.data(), pin.size());

    const Summary a = summarize(signOnly);
    const Summary b = summarize(verifyAndSign);
    std::printf("card: %s (soft card through pcscd + vpcd)\n", sra::piv::pivAlgorithmName(algorithm));
    std::printf("sign, PIN verified        n=%-5zu median %.3f ms  p95 %.3f ms  %.1f signatures/s\n",
                signOnly.size(),
                a.medianMs,
                a.p95Ms,
                a.opsPerSecond);
    std::printf("VERIFY + sign             n=%-5zu median %.3f ms  p95 %.3f ms  %.1f operations/s\n",
                verifyAndSign.size(),
                b.medianMs,
                b.p95Ms,
                b.opsPerSecond);
    return 0;
}
