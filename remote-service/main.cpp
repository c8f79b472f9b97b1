// srad: the Secure Remote Access service on the remote machine.
//   srad [--config FILE] [--root DIR]      run the service (foreground; systemd supervises it)
//   srad --fingerprint [--config FILE]     print the TLS identity's SHA-256 fingerprint for comparison
//   srad --check [--config FILE] [--root DIR]   troubleshooting: one OK/FAIL line per item (SradCheck)
// Signals: SIGTERM/SIGINT stop; SIGHUP re-reads the configuration (SradService::reload) without dropping
// sessions. Under systemd (Type=notify) it reports READY, RELOADING and STOPPING.
#include "core/base/BuildConfig.h"
#include "core/config/SradConfig.h"
#include "core/remote/TlsIdentity.h"
#include "remote-service/ServiceManagerNotifier.h"
#include "remote-service/SradCheck.h"
#include "remote-service/SradLogging.h"
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
    parser.setApplicationDescription(
        QStringLiteral("Secure Remote Access service: admins authenticate with their PIV card over TLS 1.3."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("config"),
         QStringLiteral("Configuration file (default " SRA_CONFIG_DIR "/srad.conf)."),
         QStringLiteral("file")},
        {QStringLiteral("root"),
         QStringLiteral("Root of the file tree (tests and staging); default /."),
         QStringLiteral("dir"),
         QStringLiteral("/")},
        {QStringLiteral("fingerprint"),
         QStringLiteral("Print the SHA-256 fingerprint of this machine's TLS identity and exit.")                                                                     },
        {QStringLiteral("check"),
         QStringLiteral("Check configuration, license, identity, listeners, pairings, pcscd driver, PKCS#11 "
                        "module, local socket and screen sharing; one OK/FAIL line each with the fix. "
                        "Changes nothing. Exit status 0 all OK, 1 a FAIL, 2 cannot check.")},
    });
    // --check promises exit status 2 for a usage error (1 means "something FAILed"), so its command line is parsed
    // before process(), which would exit with 1.
    const bool checking = QCoreApplication::arguments().contains(QStringLiteral("--check"));
    if (checking && !parser.parse(QCoreApplication::arguments())) {
        std::fprintf(stderr, "srad: %s\n", qPrintable(parser.errorText()));
        return sra::srad::SradCheck::CannotCheck;
    }
    parser.process(app);

    sra::core::SradPaths paths;
    paths.root = parser.value(QStringLiteral("root"));

    if (parser.isSet(QStringLiteral("check"))) {
        if (parser.isSet(QStringLiteral("fingerprint")) || !parser.positionalArguments().isEmpty()) {
            std::fprintf(stderr, "srad: --check takes only --config and --root\n");
            return sra::srad::SradCheck::CannotCheck;
        }
        sra::srad::SradCheck check(paths, parser.value(QStringLiteral("config")));
        return check.run([](const sra::srad::CheckResult& result) {
            std::printf("%s\n", qPrintable(result.line()));
            std::fflush(stdout); // each line as soon as it is known: a silent address takes seconds
        });
    }
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
    const auto manager = sra::srad::ServiceManagerNotifier::forThisProcess();
    sra::srad::SradService service(config);

    QSocketNotifier signalNotifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &app, [&] {
        char s = 0;
        if (::read(g_signalPipe[0], &s, 1) != 1) {
            return;
        }
        if (s == SIGTERM || s == SIGINT) {
            std::fprintf(stderr, "srad: stopping\n");
            manager->stopping();
            service.shutDown();
            QCoreApplication::quit();
        } else if (s == SIGHUP) {
            manager->reloading();
            sra::core::SradConfig fresh;
            QString reloadError;
            if (!sra::core::SradConfig::load(paths, parser.value(QStringLiteral("config")), fresh, reloadError)) {
                qCWarning(sra::srad::lcService).noquote()
                    << "configuration not reloaded, the running one stays:" << reloadError;
            } else {
                const QStringList notApplied = service.reload(std::move(fresh));
                for (const QString& note : notApplied) {
                    qCWarning(sra::srad::lcService).noquote() << note;
                }
                qCInfo(sra::srad::lcService) << "configuration reloaded";
            }
            manager->ready(QStringLiteral("configuration reloaded"));
        }
    });

    struct sigaction sa
    {};

    sa.sa_handler = onSignal;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    if (!service.start(error)) {
        return fail(error);
    }
    QStringList ports;
    for (const quint16 port : service.boundPorts()) {
        ports << QString::number(port);
    }
    manager->ready(QStringLiteral("listening on port %1").arg(ports.join(QLatin1Char(','))));
    return QCoreApplication::exec();
}
