// VNC full-frame throughput through the screen tunnel vs. directly on x11vnc's UNIX socket, against the lab's
// srad and Xvfb. Each sample: libvncclient (raw encoding, 32 bpp, on a thread of its own as in the GUI) asks
// for a non-incremental update of the whole screen and waits until it has arrived, N times; frames per
// second = N / time. The tunnel path is srad's own x11vnc reached through ScreenTunnel (second TLS connection,
// srad's ScreenStream, both ByteBridges); the direct path is an x11vnc started here by X11VncBackend on the same
// display, read over its UNIX socket. Not a test: run it through bench/run-screen.
//   bench_screen --port N [--frames N] [--rounds N] [--pin-fd N]
#include "bench/BenchAdmin.h"
#include "core/session/AdminSession.h"
#include "core/session/KnownHosts.h"
#include "core/session/ScreenTunnel.h"
#include "remote-service/X11VncBackend.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>

#include <rfb/rfbclient.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

using sra::core::AdminSession;

namespace {

struct Run
{
    bool ok = false;
    int width = 0;
    int height = 0;
    double fps = 0;
    double mbPerSecond = 0;
};

// Keys for rfbClientSetClientData.
int g_passwordTag = 0;
int g_countTag = 0;

void quietLog(const char*, ...) {}

char* password(rfbClient* client)
{
    return strdup(static_cast<const QByteArray*>(rfbClientGetClientData(client, &g_passwordTag))->constData());
}

void finished(rfbClient* client)
{
    ++*static_cast<int*>(rfbClientGetClientData(client, &g_countTag));
}

// Connects (fd >= 0: that socket; else the UNIX socket `path`), then times `frames` full-frame updates.
Run measure(int fd, const QByteArray& path, const QByteArray& pass, int frames)
{
    Run run;
    int done = 0;
    rfbClient* client = rfbGetClient(8, 3, 4);
    client->appData.encodingsString = "raw"; // the bytes of a frame, not how well it compresses
    client->GetPassword = &password;
    client->FinishedFrameBufferUpdate = &finished;
    rfbClientSetClientData(client, &g_passwordTag, const_cast<QByteArray*>(&pass));
    rfbClientSetClientData(client, &g_countTag, &done);
    if (fd >= 0) {
        client->sock = fd;
        client->listenSpecified = TRUE;
    } else {
        client->serverHost = strdup(path.constData());
        client->serverPort = 0;
    }
    int argc = 0;
    if (!rfbInitClient(client, &argc, nullptr)) {
        std::fprintf(stderr, "bench_screen: VNC connection failed\n");
        return run;
    }
    run.width = client->width;
    run.height = client->height;
    // Warm-up: the first (possibly black) update.
    while (done < 1 && WaitForMessage(client, 2 * 1000 * 1000) > 0 && HandleRFBServerMessage(client)) {
    }
    QElapsedTimer clock;
    clock.start();
    int counted = 0;
    for (; counted < frames; ++counted) {
        const int before = done;
        if (!SendFramebufferUpdateRequest(client, 0, 0, client->width, client->height, FALSE)) {
            break;
        }
        while (done == before) {
            if (WaitForMessage(client, 2 * 1000 * 1000) <= 0 || !HandleRFBServerMessage(client)) {
                std::fprintf(stderr, "bench_screen: no update after %d frames\n", counted);
                rfbClientCleanup(client);
                return run;
            }
        }
    }
    const double seconds = static_cast<double>(clock.nsecsElapsed()) / 1e9;
    run.ok = counted == frames;
    run.fps = counted / seconds;
    run.mbPerSecond = run.fps * run.width * run.height * 4 / 1e6;
    rfbClientCleanup(client);
    return run;
}

// Runs `measure` on a thread while this thread's event loop moves the tunnel's bytes.
Run measureOnThread(int fd, const QByteArray& path, const QByteArray& pass, int frames)
{
    Run result;
    std::atomic<bool> finishedFlag{false};
    std::thread worker([&] {
        result = measure(fd, path, pass, frames);
        finishedFlag = true;
    });
    while (!finishedFlag) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
    worker.join();
    return result;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

template <typename Pred>
bool waitFor(Pred done, int ms)
{
    QElapsedTimer clock;
    clock.start();
    while (!done() && clock.elapsed() < ms) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
    return done();
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("port"),                  QStringLiteral("srad port on 127.0.0.1."), QStringLiteral("n")},
        {                        QStringLiteral("display"), QStringLiteral("The lab's X display."),                       QStringLiteral("d")                   },
        { QStringLiteral("frames"),                    QStringLiteral("Full frames per round."),                                         QStringLiteral("n"),                    QStringLiteral("60")},
        { QStringLiteral("rounds"),                    QStringLiteral("Rounds per path."),                                          QStringLiteral("n"),                    QStringLiteral("5")},
        { QStringLiteral("pin-fd"),
         QStringLiteral("Read the PIN from this descriptor."),
         QStringLiteral("n"),
         QStringLiteral("0")},
    });
    parser.process(app);
    if (qEnvironmentVariableIsEmpty("SRA_BENCH_VNC_LOG")) {
        rfbClientLog = &quietLog;
    }
    const int frames = std::max(5, parser.value(QStringLiteral("frames")).toInt());
    const int rounds = std::max(1, parser.value(QStringLiteral("rounds")).toInt());

    sra::base::SecureBytes pin;
    sra::core::CardWorker signer(sra::core::CardWorker::pcsc());
    if (!sra::bench::openCardWithPin("bench_screen", parser.value(QStringLiteral("pin-fd")).toInt(), signer, pin)) {
        return 1;
    }
    QTemporaryDir dir;
    sra::core::KnownHosts knownHosts(dir.filePath(QStringLiteral("known_hosts")));
    AdminSession session(&signer, &knownHosts);
    QObject::connect(&session, &AdminSession::hostDecisionNeeded, [&] { session.acceptHost(); });
    QObject::connect(&session, &AdminSession::pinRequested, [&](int, const QString&) {
        session.providePin(sra::base::SecureBytes(pin));
    });
    session.connectToServer(QStringLiteral("127.0.0.1:") + parser.value(QStringLiteral("port")));
    if (!waitFor(
            [&] {
                return session.state() == AdminSession::State::Authenticated
                       || session.state() == AdminSession::State::Closed;
            },
            30000)
        || session.state() != AdminSession::State::Authenticated) {
        std::fprintf(stderr, "bench_screen: not authenticated: %s\n", qPrintable(session.failureMessage()));
        return 1;
    }
    sra::base::secureZero(pin.data(), pin.size());

    std::vector<double> tunnelFps, directFps;
    Run last;
    for (int round = 0; round < rounds; ++round) {
        // Through srad: one grant per round (a grant serves one viewer).
        sra::core::ScreenGrant grant;
        bool granted = false;
        auto c = QObject::connect(&session, &AdminSession::screenGranted, [&](const sra::core::ScreenGrant& g) {
            grant = g;
            granted = true;
        });
        waitFor([&] { return session.requestScreen(); }, 10000); // the previous screen's end may still be on its way
        if (!waitFor([&] { return granted; }, 15000)) {
            std::fprintf(stderr, "bench_screen: no screen grant\n");
            return 1;
        }
        QObject::disconnect(c);
        sra::core::ScreenTunnel tunnel;
        tunnel.open(session, grant);
        if (!waitFor([&] { return tunnel.state() == sra::core::ScreenTunnel::State::Open; }, 10000)) {
            std::fprintf(stderr, "bench_screen: tunnel did not open\n");
            return 1;
        }
        const Run t = measureOnThread(tunnel.takeViewerSocket(), {}, grant.password, frames);
        if (!t.ok) {
            std::fprintf(stderr, "bench_screen: tunnel run failed\n");
            return 1;
        }
        tunnelFps.push_back(t.fps);
        waitFor([&] { return tunnel.state() == sra::core::ScreenTunnel::State::Closed; }, 5000);

        // Directly: an x11vnc of our own on the same display, on its UNIX socket.
        sra::srad::X11VncBackend::Options options;
        options.runtimeDir = dir.path();
        sra::srad::X11VncBackend direct(options);
        QString endpoint;
        bool over = false;
        QObject::connect(&direct, &sra::srad::ScreenBackend::started, [&](const QString& e) { endpoint = e; });
        QObject::connect(&direct, &sra::srad::ScreenBackend::finished, [&](const QString&) { over = true; });
        const QByteArray pass("benchpw1");
        direct.start(parser.value(QStringLiteral("display")), pass);
        if (!waitFor([&] { return !endpoint.isEmpty() || over; }, 10000) || endpoint.isEmpty()) {
            std::fprintf(stderr, "bench_screen: direct x11vnc did not start\n");
            return 1;
        }
        const Run d = measureOnThread(-1, endpoint.toLocal8Bit(), pass, frames);
        if (!d.ok) {
            std::fprintf(stderr, "bench_screen: direct run failed\n");
            return 1;
        }
        directFps.push_back(d.fps);
        direct.stop();
        waitFor([&] { return over; }, 5000);
        last = d;
    }
    session.disconnectFromServer();

    const double t = median(tunnelFps);
    const double d = median(directFps);
    std::printf("full-frame updates (raw, %dx%d, 32 bpp, %.1f MB each), %d frames x %d rounds, loopback\n",
                last.width,
                last.height,
                last.width * last.height * 4 / 1e6,
                frames,
                rounds);
    std::printf(
        "  direct UNIX socket  median %7.1f frames/s  (%7.1f MB/s)\n", d, d * last.width * last.height * 4 / 1e6);
    std::printf(
        "  through the tunnel  median %7.1f frames/s  (%7.1f MB/s)\n", t, t * last.width * last.height * 4 / 1e6);
    std::printf("  ratio tunnel/direct %.2f\n", t / d);
    return 0;
}
