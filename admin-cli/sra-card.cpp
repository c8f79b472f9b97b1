// sra-card: what the admin machine sees of its PIV card, and a signature made with it.
//   sra-card list
//   sra-card sign --slot 9a --in FILE --out SIG [--hash sha256] [--pin-fd N] [--reader NAME]
#include "admin-cli/ExitCodes.h"
#include "core/base/BuildConfig.h"
#include "core/card/CardErrors.h"
#include "core/card/CardInfo.h"
#include "core/card/CardSigner.h"
#include "core/card/PinInput.h"
#include "core/pcsc/PcscCardChannel.h"
#include "core/pcsc/PcscContext.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QSaveFile>

#include <cstdio>

namespace {
using sra::base::ErrorCode;

using namespace sra::admincli;

int fail(const QString& message, int code)
{
    std::fprintf(stderr, "sra-card: %s\n", qPrintable(message));
    return code;
}

int failCard(const sra::base::Error& error)
{
    return fail(sra::core::cardErrorMessage(error), exitCodeForCardError(error.code));
}

QString slotName(std::uint8_t slot)
{
    const auto* info = sra::piv::findPivKeySlot(slot);
    return QStringLiteral("%1 (%2)").arg(QString::number(slot, 16).toUpper(),
                                         QString::fromLatin1(info ? info->name : "?"));
}

int runList(sra::core::PcscContext& context)
{
    auto readers = context.listReaders();
    if (!readers) {
        return failCard(readers.error());
    }
    if (readers->isEmpty()) {
        return failCard(sra::base::makeError(ErrorCode::NoReader));
    }
    for (const QString& reader : readers.value()) {
        std::printf("Reader: %s\n", qPrintable(reader));
        auto channel = sra::core::PcscCardChannel::connect(context, reader);
        if (!channel) {
            if (channel.error().code == ErrorCode::NoCard) {
                std::printf("  Card: none\n");
            } else {
                std::printf("  Card: %s\n", qPrintable(sra::core::cardErrorMessage(channel.error())));
            }
            continue;
        }
        auto info = sra::core::readCardInfo(*channel.value());
        if (!info) {
            std::printf("  Card: present, %s\n", qPrintable(sra::core::cardErrorMessage(info.error())));
            continue;
        }
        std::printf("  Card: present (PIV)\n");
        std::printf("  Cardholder: %s\n",
                    qPrintable(info->cardholder.isEmpty() ? QStringLiteral("(unknown)") : info->cardholder));
        if (info->pinTriesLeft >= 0) {
            std::printf("  PIN tries left: %d\n", info->pinTriesLeft);
        }
        for (const auto& c : info->certificates) {
            std::printf("  Slot %s: %s\n",
                        qPrintable(slotName(c.slot)),
                        c.algorithm ? sra::piv::pivAlgorithmName(*c.algorithm) : "unsupported key type");
            std::printf("    Subject: %s\n", qPrintable(c.subject()));
            std::printf("    SHA-256: %s\n", qPrintable(c.fingerprintText()));
        }
    }
    return kOk;
}

struct HashChoice
{
    const char* name;
    QCryptographicHash::Algorithm qt;
    sra::piv::HashAlgorithm piv;
};

constexpr HashChoice kHashes[] = {
    {"sha256", QCryptographicHash::Sha256, sra::piv::HashAlgorithm::Sha256},
    {"sha384", QCryptographicHash::Sha384, sra::piv::HashAlgorithm::Sha384},
    {"sha512", QCryptographicHash::Sha512, sra::piv::HashAlgorithm::Sha512},
};

// The reader to use: the named one (substring match), or the first that holds a card.
sra::base::Result<std::unique_ptr<sra::core::PcscCardChannel>> openCard(sra::core::PcscContext& context,
                                                                        const QString& wanted)
{
    auto readers = context.listReaders();
    if (!readers) {
        return readers.error();
    }
    sra::base::Error last = sra::base::makeError(ErrorCode::NoReader);
    bool sawReader = false;
    for (const QString& reader : readers.value()) {
        if (!wanted.isEmpty() && !reader.contains(wanted)) {
            continue;
        }
        sawReader = true;
        auto channel = sra::core::PcscCardChannel::connect(context, reader);
        if (channel) {
            return channel;
        }
        last = channel.error();
    }
    if (sawReader && last.code == ErrorCode::NoReader) {
        last.code = ErrorCode::NoCard;
    }
    return last;
}

int runSign(sra::core::PcscContext& context, const QCommandLineParser& parser)
{
    bool ok = false;
    const uint slot = parser.value(QStringLiteral("slot")).toUInt(&ok, 16);
    if (!ok || !sra::piv::findPivKeySlot(static_cast<std::uint8_t>(slot))) {
        return fail(QStringLiteral("--slot must be 9a, 9c, 9d or 9e"), kUsage);
    }
    const HashChoice* hash = nullptr;
    for (const auto& h : kHashes) {
        if (parser.value(QStringLiteral("hash")) == QLatin1String(h.name)) {
            hash = &h;
        }
    }
    if (!hash) {
        return fail(QStringLiteral("--hash must be sha256, sha384 or sha512"), kUsage);
    }
    if (!parser.isSet(QStringLiteral("in")) || !parser.isSet(QStringLiteral("out"))) {
        return fail(QStringLiteral("sign needs --in FILE and --out SIG"), kUsage);
    }
    QFile in(parser.value(QStringLiteral("in")));
    if (!in.open(QIODevice::ReadOnly)) {
        return fail(QStringLiteral("cannot read %1: %2").arg(in.fileName(), in.errorString()), kUsage);
    }
    QCryptographicHash hasher(hash->qt);
    hasher.addData(&in);
    const QByteArray digest = hasher.result();

    auto channel = openCard(context, parser.value(QStringLiteral("reader")));
    if (!channel) {
        return failCard(channel.error());
    }
    auto info = sra::core::readCardInfo(*channel.value());
    if (!info) {
        return failCard(info.error());
    }
    const auto* certificate = info->find(static_cast<std::uint8_t>(slot));
    if (!certificate) {
        return failCard(sra::base::makeError(ErrorCode::NotFound));
    }
    if (!certificate->algorithm) {
        return fail(QStringLiteral("the key in slot %1 is of a type this tool does not sign with")
                        .arg(slotName(static_cast<std::uint8_t>(slot))),
                    kCardError);
    }
    if (info->pinTriesLeft == 0) {
        return failCard(sra::base::makeError(ErrorCode::PinBlocked));
    }

    sra::base::SecureBytes pin;
    QString error;
    const bool gotPin =
        parser.isSet(QStringLiteral("pin-fd"))
            ? sra::core::readPinFromFd(parser.value(QStringLiteral("pin-fd")).toInt(), pin, error)
            : sra::core::promptPin(
                QStringLiteral("PIN for %1 (%2 tries left): ").arg(info->cardholder).arg(info->pinTriesLeft),
                pin,
                error);
    if (!gotPin) {
        return fail(error, kUsage);
    }
    auto signature = sra::core::signDigestWithCard(
        *channel.value(), static_cast<std::uint8_t>(slot), *certificate->algorithm, hash->piv, digest, std::move(pin));
    if (!signature) {
        return failCard(signature.error());
    }
    QSaveFile out(parser.value(QStringLiteral("out")));
    if (!out.open(QIODevice::WriteOnly) || out.write(signature.value()) != signature->size() || !out.commit()) {
        return fail(QStringLiteral("cannot write %1: %2").arg(out.fileName(), out.errorString()), kCardError);
    }
    std::printf("signed %s with slot %s (%s, %s): %s\n",
                qPrintable(in.fileName()),
                qPrintable(slotName(static_cast<std::uint8_t>(slot))),
                sra::piv::pivAlgorithmName(*certificate->algorithm),
                hash->name,
                qPrintable(out.fileName()));
    return kOk;
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sra-card"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SRA_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Shows the PIV card in this machine's readers and signs with it.\n"
                       "  list   readers, card, cardholder, certificate subjects and SHA-256 fingerprints\n"
                       "  sign   sign a file's digest with a card key (asks for the PIN)\n"
                       "Exit codes: 0 ok, 1 usage, 2 no pcscd, 3 no reader, 4 no card, 5 wrong PIN, 6 PIN blocked,\n"
                       "7 card removed, 8 other card error."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("list or sign"));
    parser.addOptions({
        {QStringLiteral("slot"),
         QStringLiteral("Key slot to sign with."),
         QStringLiteral("9a|9c|9d|9e"),
         QStringLiteral("9a")},
        {QStringLiteral("in"),                        QStringLiteral("File to sign."),                   QStringLiteral("file")},
        {QStringLiteral("out"),
         QStringLiteral("Where to write the signature (PKCS#1 v1.5 or DER ECDSA)."),
         QStringLiteral("file")    },
        {QStringLiteral("hash"),
         QStringLiteral("Digest: sha256, sha384 or sha512."),
         QStringLiteral("name"),
         QStringLiteral("sha256")},
        {QStringLiteral("pin-fd"),
         QStringLiteral("Read the PIN from this file descriptor instead of the terminal."),
         QStringLiteral("n")                           },
        {QStringLiteral("reader"),
         QStringLiteral("Use the reader whose name contains this text."),
         QStringLiteral("name")     },
    });
    parser.process(app);
    const QStringList args = parser.positionalArguments();
    if (args.size() != 1) {
        return fail(QStringLiteral("expected one command: list or sign (see --help)"), kUsage);
    }

    sra::core::PcscContext context;
    if (auto valid = context.ensureValid(); !valid) {
        return failCard(valid.error());
    }
    if (args.at(0) == QLatin1String("list")) {
        return runList(context);
    }
    if (args.at(0) == QLatin1String("sign")) {
        return runSign(context, parser);
    }
    return fail(QStringLiteral("unknown command \"%1\"; use list or sign").arg(args.at(0)), kUsage);
}
