// Connect-to-authenticated time on loopback against the lab's srad, split into its parts:
//   TLS        TCP connect + TLS 1.3 handshake (Connecting)
//   challenge  Hello → Challenge, incl. srad's license check (Negotiating)
//   card       VERIFY + GENERAL AUTHENTICATE through pcscd (Signing)
//   verify     AuthResponse → AuthOk: srad's signature check and pairing lookup (Authenticating)
// Not a test: run it through bench/run-connect.
//   bench_connect --port N [--iterations N] [--pin-fd N]
#include "bench/BenchAdmin.h"
#include "core/session/AdminSession.h"
#include "core/session/KnownHosts.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

using sra::core::AdminSession;

namespace {
struct Samples
{
    std::vector<double> tls, challenge, card, verify, total;
};

void report(const char* name, std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    std::printf("  %-10s median %8.3f ms   p95 %8.3f ms\n",
                name,
                v[v.size() / 2],
                v[std::min(v.size() - 1, v.size() * 95 / 100)]);
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("port"),                               QStringLiteral("srad port on 127.0.0.1."), QStringLiteral("n")},
        { QStringLiteral("iterations"),
         QStringLiteral("Connections to measure."),
         QStringLiteral("n"),
         QStringLiteral("50")},
        {                                                                                                 QStringLiteral("pin-fd"),
         QStringLiteral("Read the PIN from this descriptor."),
         QStringLiteral("n"),
         QStringLiteral("0")},
    });
    parser.process(app);
    const int iterations = std::max(5, parser.value(QStringLiteral("iterations")).toInt());
    const QString target = QStringLiteral("127.0.0.1:") + parser.value(QStringLiteral("port"));

    sra::base::SecureBytes pin;
    sra::core::CardWorker signer(sra::core::CardWorker::pcsc());
    if (!sra::bench::openCardWithPin("bench_connect", parser.value(QStringLiteral("pin-fd")).toInt(), signer, pin)) {
        return 1;
    }
    QTemporaryDir dir;
    sra::core::KnownHosts knownHosts(dir.filePath(QStringLiteral("known_hosts")));

    Samples samples;
    // One warm-up connection (accepts the host key), then the measured ones.
    for (int i = -1; i < iterations; ++i) {
        AdminSession session(&signer, &knownHosts);
        QElapsedTimer clock;
        std::map<AdminSession::State, double> entered;
        bool ok = false;
        QObject::connect(&session, &AdminSession::stateChanged, [&](AdminSession::State s) {
            entered[s] = static_cast<double>(clock.nsecsElapsed()) / 1e6;
        });
        QObject::connect(&session, &AdminSession::hostDecisionNeeded, [&] { session.acceptHost(); });
        QObject::connect(&session, &AdminSession::pinRequested, [&](int, const QString& reason) {
            if (!reason.isEmpty()) {
                session.cancel();
                return;
            }
            session.providePin(sra::base::SecureBytes(pin));
        });
        QObject::connect(&session, &AdminSession::authenticated, [&] {
            entered[AdminSession::State::Authenticated] = static_cast<double>(clock.nsecsElapsed()) / 1e6;
            ok = true;
            session.disconnectFromServer();
        });
        QObject::connect(&session, &AdminSession::closed, &app, [&] { QCoreApplication::exit(); });
        clock.start();
        session.connectToServer(target);
        QCoreApplication::exec();
        if (!ok) {
            std::fprintf(stderr, "bench_connect: connection %d failed: %s\n", i, qPrintable(session.failureMessage()));
            return 1;
        }
        if (i < 0) {
            continue;
        }
        using S = AdminSession::State;
        samples.tls.push_back(entered[S::Negotiating]);
        samples.challenge.push_back(entered[S::PinEntry] - entered[S::Negotiating]);
        samples.card.push_back(entered[S::Authenticating] - entered[S::Signing]);
        samples.verify.push_back(entered[S::Authenticated] - entered[S::Authenticating]);
        samples.total.push_back(entered[S::Authenticated]);
    }
    sra::base::secureZero(pin.data(), pin.size());
    const auto* auth = signer.info().find(0x9A);
    std::printf("connect to authenticated, %s card, n=%d, loopback\n",
                auth && auth->algorithm ? sra::piv::pivAlgorithmName(*auth->algorithm) : "?",
                iterations);
    report("TLS", samples.tls);
    report("challenge", samples.challenge);
    report("card", samples.card);
    report("verify", samples.verify);
    report("total", samples.total);
    return 0;
}
