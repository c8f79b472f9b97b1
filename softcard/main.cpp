// sra-softcard: a software PIV card for demos, tests and benchmarks.
//   sra-softcard create DIR [--key rsa2048|p256|p384] [--pin PIN] [--subject DN] [--days N] [--expired] [--compress]
//   sra-softcard serve DIR --vpcd HOST:PORT [--operation-delay-ms N]
//   sra-softcard status DIR
#include "core/base/BuildConfig.h"
#include "softcard/SoftCard.h"
#include "softcard/VpcdCardLink.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <csignal>
#include <cstdio>

namespace {
sra::softcard::VpcdCardLink* g_link = nullptr;

void onStopSignal(int)
{
    if (g_link) {
        g_link->stop();
    }
}

int fail(const QString& message)
{
    std::fprintf(stderr, "sra-softcard: %s\n", qPrintable(message));
    return 1;
}

int runCreate(const QCommandLineParser& parser, const QString& dir)
{
    sra::softcard::CreateOptions options;
    const QString key = parser.value(QStringLiteral("key"));
    if (key == QLatin1String("rsa2048")) {
        options.algorithm = sra::piv::PivAlgorithm::Rsa2048;
    } else if (key == QLatin1String("p256")) {
        options.algorithm = sra::piv::PivAlgorithm::EccP256;
    } else if (key == QLatin1String("p384")) {
        options.algorithm = sra::piv::PivAlgorithm::EccP384;
    } else {
        return fail(QStringLiteral("unknown key type \"%1\" (use rsa2048, p256 or p384)").arg(key));
    }
    options.pin = parser.value(QStringLiteral("pin"));
    options.subject = parser.value(QStringLiteral("subject"));
    bool ok = false;
    options.validDays = parser.value(QStringLiteral("days")).toInt(&ok);
    if (!ok || options.validDays < 1) {
        return fail(QStringLiteral("--days needs a positive number"));
    }
    options.expired = parser.isSet(QStringLiteral("expired"));
    options.compressCertificates = parser.isSet(QStringLiteral("compress"));
    const QString error = sra::softcard::SoftCard::create(dir, options);
    if (!error.isEmpty()) {
        return fail(error);
    }
    std::printf("created %s soft PIV card in %s\n", qPrintable(key), qPrintable(dir));
    return 0;
}

int runServe(const QCommandLineParser& parser, const QString& dir)
{
    const QString target = parser.value(QStringLiteral("vpcd"));
    const qsizetype colon = target.lastIndexOf(QLatin1Char(':'));
    bool ok = false;
    const uint port = colon > 0 ? target.mid(colon + 1).toUInt(&ok) : 0;
    if (!ok || port == 0 || port > 65535) {
        return fail(QStringLiteral("--vpcd needs HOST:PORT, e.g. --vpcd 127.0.0.1:35963"));
    }
    QString error;
    auto card = sra::softcard::SoftCard::load(dir, &error);
    if (!card) {
        return fail(error);
    }
    sra::piv::PivCardEmulator emulator(*card);
    card->installObjects(emulator);
    sra::softcard::VpcdCardLink link(emulator, target.left(colon), static_cast<std::uint16_t>(port));
    const int delay = parser.value(QStringLiteral("operation-delay-ms")).toInt(&ok);
    if (!ok || delay < 0 || delay > 60000) {
        return fail(QStringLiteral("--operation-delay-ms needs 0 to 60000"));
    }
    link.setOperationDelayMs(delay);
    g_link = &link;

    struct sigaction sa
    {};

    sa.sa_handler = onStopSignal; // no SA_RESTART: a blocked recv() returns EINTR
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    const int rc = link.run();
    g_link = nullptr;
    return rc;
}

int runStatus(const QString& dir)
{
    QString error;
    auto card = sra::softcard::SoftCard::load(dir, &error);
    if (!card) {
        return fail(error);
    }
    std::printf("algorithm: %s\n", sra::piv::pivAlgorithmName(*card->keyAlgorithm(0x9A)));
    std::printf("pin tries left: %d\n", card->pinTriesLeft());
    return 0;
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sra-softcard"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SRA_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A software PIV card for demos and tests.\n"
                                                    "  create DIR   make keys and certificates for slots 9A 9C 9D 9E\n"
                                                    "  serve DIR    present the card to vpcd (--vpcd HOST:PORT)\n"
                                                    "  status DIR   show the PIN retry counter"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("create, serve or status"));
    parser.addPositionalArgument(QStringLiteral("dir"), QStringLiteral("the card's directory"));
    parser.addOptions({
        {QStringLiteral("key"),
         QStringLiteral("Key type: rsa2048, p256 or p384."),
         QStringLiteral("type"),
         QStringLiteral("rsa2048")},
        {QStringLiteral("pin"),
         QStringLiteral("PIN (6 to 8 characters)."),
         QStringLiteral("pin"),
         QStringLiteral("123456")},
        {QStringLiteral("subject"),
         QStringLiteral("Certificate subject, e.g. /CN=Jane Doe/O=Example."),
         QStringLiteral("dn"),
         QStringLiteral("/CN=SRA Demo Admin/O=SRA Demo")},
        {QStringLiteral("days"),
         QStringLiteral("Certificate validity in days."),
         QStringLiteral("n"),
         QStringLiteral("365")},
        {QStringLiteral("expired"),                      QStringLiteral("Issue certificates that expired yesterday (for tests).")                                                                                                     },
        {QStringLiteral("compress"),                                            QStringLiteral("Store certificates gzip-compressed (CertInfo 01).")},
        {QStringLiteral("operation-delay-ms"),
         QStringLiteral("serve: answer PIN checks and private-key operations after N ms (a slow card, for tests)."),
         QStringLiteral("n"),
         QStringLiteral("0")},
        {QStringLiteral("vpcd"),                                                  QStringLiteral("vpcd reader to serve into."),                                                                                                      QStringLiteral("host:port")},
    });
    parser.process(app);

    const QStringList args = parser.positionalArguments();
    if (args.size() != 2) {
        return fail(QStringLiteral("expected a command and a directory; see --help"));
    }
    const QString& command = args.at(0);
    if (command == QLatin1String("create")) {
        return runCreate(parser, args.at(1));
    }
    if (command == QLatin1String("serve")) {
        return runServe(parser, args.at(1));
    }
    if (command == QLatin1String("status")) {
        return runStatus(args.at(1));
    }
    return fail(QStringLiteral("unknown command \"%1\"; use create, serve or status").arg(command));
}
