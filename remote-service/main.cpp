// srad: the Secure Remote Access service on the remote machine.
//   srad [--config FILE] [--root DIR]      run the service (foreground; systemd supervises it)
//   srad --fingerprint [--config FILE]     print the TLS identity's SHA-256 fingerprint for comparison
#include "core/remote/SradConfig.h"
#include "core/remote/TlsIdentity.h"
#include "remote-service/SradService.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {
int g_signalPipe[2] = {-1, -1};

void onSignal(int signal)
{
    const char s = static_cast<char>(signal);
    (void)!::write(g_signalPipe[1], &s, 1); // async-signal-safe hand-off to the event loop
}

int fail(const QString& message)
{
    std::fprintf(stderr, "srad: %s\n", qPrintable(message));
    return 1;
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("srad"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SRA_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Secure Remote Access service: admins authenticate with their PIV card over TLS 1.3."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("config"), QStringLiteral("Configuration file (default /etc/secure-remote-access/srad.conf)."), QStringLiteral("file")},
        {QStringLiteral("root"), QStringLiteral("Root of the file tree (tests and staging); default /."), QStringLiteral("dir"), QStringLiteral("/")},
        {QStringLiteral("fingerprint"), QStringLiteral("Print the SHA-256 fingerprint of this machine's TLS identity and exit.")},
    });
    parser.process(app);

    sra::core::SradPaths paths;
    paths.root = parser.value(QStringLiteral("root"));
    sra::core::SradConfig config;
    QString error;
    if (!sra::core::SradConfig::load(paths, parser.value(QStringLiteral("config")), config, error)) {
        return fail(error);
    }

    if (parser.isSet(QStringLiteral("fingerprint"))) {
        sra::core::TlsIdentity identity;
        if (!sra::core::TlsIdentity::load(config.certificateFile, config.keyFile, identity, error)) {
            return fail(error);
        }
        std::printf("%s\n", qPrintable(identity.sha256Fingerprint()));
        return 0;
    }

    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalPipe) != 0) {
        return fail(QStringLiteral("cannot create the signal pipe"));
    }
    QSocketNotifier signalNotifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &app, [&] {
        char s = 0;
        if (::read(g_signalPipe[0], &s, 1) == 1 && (s == SIGTERM || s == SIGINT)) {
            std::fprintf(stderr, "srad: stopping\n");
            QCoreApplication::quit();
        }
    });
    struct sigaction sa{};
    sa.sa_handler = onSignal;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    sra::srad::SradService service(config);
    if (!service.start(error)) {
        return fail(error);
    }
    return QCoreApplication::exec();
}
