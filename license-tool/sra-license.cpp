// sra-license: issue and inspect Secure Remote Access licenses (docs/LICENSE-FORMAT.md).
//   sra-license issue --key PRIVATE.pem --licensee NAME --seats N --expires YYYY-MM-DD [--issued YYYY-MM-DD]
//                     [--product NAME] [--id ID] [--mobileconfig] --out FILE
//   sra-license show FILE|DIR [--public-key PEM] [--date YYYY-MM-DD]
//   sra-license keygen --out PRIVATE.pem
#include "core/base/BuildConfig.h"
#include "core/license/License.h"
#include "core/license/LicenseContainer.h"
#include "core/license/LicenseIssuer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUuid>

#include <cstdio>

namespace {
using sra::core::LicenseStatus;

// Exit codes (documented in --help).
enum ExitCode
{
    kOk = 0,
    kUsage = 1,
    kMissing = 2,
    kExpired = 3,
    kNotYetValid = 4,
    kBadSignature = 5,
    kWrongProduct = 6,
    kInvalid = 7,
    kError = 8, // issue/keygen failed
};

int exitCodeFor(LicenseStatus::Code code)
{
    switch (code) {
    case LicenseStatus::Valid:
        return kOk;
    case LicenseStatus::Missing:
        return kMissing;
    case LicenseStatus::Expired:
        return kExpired;
    case LicenseStatus::NotYetValid:
        return kNotYetValid;
    case LicenseStatus::BadSignature:
        return kBadSignature;
    case LicenseStatus::WrongProduct:
        return kWrongProduct;
    case LicenseStatus::Invalid:
        break;
    }
    return kInvalid;
}

QString tr(const char* text)
{
    return QCoreApplication::translate("sra-license", text);
}

void print(const QString& text)
{
    std::fprintf(stdout, "%s\n", qPrintable(text));
}

int fail(const QString& message, int code)
{
    std::fprintf(stderr, "sra-license: %s\n", qPrintable(message));
    return code;
}

QDate todayUtc()
{
    return QDateTime::currentDateTimeUtc().date();
}

QDate parseDate(const QString& text)
{
    return text.size() == 10 ? QDate::fromString(text, Qt::ISODate) : QDate();
}

// Reads a small file whole; refuses anything larger than the license limit (keys and licenses are tiny).
bool readSmallFile(const QString& path, QByteArray& out, QString& error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        error = tr("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    out = file.read(sra::core::kMaxLicenseFileSize + 1);
    if (out.size() > sra::core::kMaxLicenseFileSize) {
        error = tr("%1 is larger than %2 bytes").arg(path).arg(sra::core::kMaxLicenseFileSize);
        return false;
    }
    return true;
}

bool writeFile(const QString& path, const QByteArray& data, QFileDevice::Permissions permissions, QString& error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(permissions) || file.write(data) != data.size()
        || !file.commit()) {
        error = tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

int runIssue(const QCommandLineParser& parser)
{
    for (const char* required : {"key", "licensee", "seats", "expires", "out"}) {
        if (!parser.isSet(QString::fromLatin1(required))) {
            return fail(tr("issue needs --%1 (see --help).").arg(QString::fromLatin1(required)), kUsage);
        }
    }
    sra::core::License license;
    license.format = 1;
    license.product = parser.isSet(QStringLiteral("product")) ? parser.value(QStringLiteral("product"))
                                                              : sra::core::licenseProductName();
    license.id = parser.isSet(QStringLiteral("id")) ? parser.value(QStringLiteral("id"))
                                                    : QUuid::createUuid().toString(QUuid::WithoutBraces);
    license.licensee = parser.value(QStringLiteral("licensee"));
    bool ok = false;
    license.seats = parser.value(QStringLiteral("seats")).toInt(&ok);
    if (!ok) {
        return fail(tr("--seats must be a whole number."), kUsage);
    }
    license.expires = parseDate(parser.value(QStringLiteral("expires")));
    if (!license.expires.isValid()) {
        return fail(tr("--expires must be a date written YYYY-MM-DD."), kUsage);
    }
    license.issued =
        parser.isSet(QStringLiteral("issued")) ? parseDate(parser.value(QStringLiteral("issued"))) : todayUtc();
    if (!license.issued.isValid()) {
        return fail(tr("--issued must be a date written YYYY-MM-DD."), kUsage);
    }

    QByteArray privateKey;
    QString error;
    if (!readSmallFile(parser.value(QStringLiteral("key")), privateKey, error)) {
        return fail(error, kError);
    }
    QByteArray text = sra::core::issueLicense(license, privateKey, &error);
    if (text.isEmpty()) {
        return fail(tr("cannot issue the license: %1.").arg(error), kError);
    }
    if (parser.isSet(QStringLiteral("mobileconfig"))) {
        text = sra::core::makeLicenseMobileConfig(text,
                                                  license.id,
                                                  license.licensee,
                                                  QUuid::createUuid().toString(QUuid::WithoutBraces).toUpper(),
                                                  QUuid::createUuid().toString(QUuid::WithoutBraces).toUpper());
    }
    // Check what we are about to hand out with the key it was made with (wrong products and future dates
    // are allowed on purpose: tests and renewals need them).
    const QByteArray publicKey = sra::core::licensePublicKeyFromPem(privateKey, &error);
    const auto check = sra::core::verifyLicense(text, license.issued, publicKey);
    if (!check.signatureVerified) {
        return fail(tr("the issued license does not verify (%1); nothing written.").arg(check.detail), kError);
    }
    const QString out = parser.value(QStringLiteral("out"));
    if (!writeFile(out,
                   text,
                   QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther,
                   error)) {
        return fail(error, kError);
    }
    print(tr("Issued license %1 for %2 (%3 seats, %4 to %5) to %6.")
              .arg(license.id, license.licensee)
              .arg(license.seats)
              .arg(license.issued.toString(Qt::ISODate), license.expires.toString(Qt::ISODate), out));
    return kOk;
}

int runShow(const QCommandLineParser& parser, const QStringList& args)
{
    if (args.size() != 2) {
        return fail(tr("show needs exactly one FILE or directory (see --help)."), kUsage);
    }
    QByteArray publicKey = sra::core::builtInLicensePublicKey();
    QString keyDescription =
        sra::core::builtInLicenseKeyIsTestKey() ? tr("built-in (the TEST key: tests and lab only)") : tr("built-in");
    QString error;
    if (parser.isSet(QStringLiteral("public-key"))) {
        QByteArray pem;
        if (!readSmallFile(parser.value(QStringLiteral("public-key")), pem, error)) {
            return fail(error, kUsage);
        }
        publicKey = sra::core::licensePublicKeyFromPem(pem, &error);
        if (publicKey.isEmpty()) {
            return fail(tr("--public-key: %1.").arg(error), kUsage);
        }
        keyDescription = parser.value(QStringLiteral("public-key"));
    }
    QDate today = todayUtc();
    if (parser.isSet(QStringLiteral("date"))) {
        today = parseDate(parser.value(QStringLiteral("date")));
        if (!today.isValid()) {
            return fail(tr("--date must be a date written YYYY-MM-DD."), kUsage);
        }
    }

    const QString path = args.at(1);
    const QFileInfo info(path);
    LicenseStatus status;
    if (info.isDir()) {
        status = sra::core::loadInstalledLicense(path, today, publicKey);
    } else if (!info.exists()) {
        status.code = LicenseStatus::Missing;
        status.detail = tr("%1 does not exist").arg(path);
    } else {
        QByteArray contents;
        if (!readSmallFile(path, contents, error)) {
            status.code = LicenseStatus::Invalid;
            status.detail = error;
        } else {
            status = sra::core::verifyLicense(contents, today, publicKey);
        }
        status.source = path;
    }

    const auto field = [](const QString& name, const QString& value) {
        print(QStringLiteral("%1 %2").arg(name + QLatin1Char(':'), -10).arg(value));
    };
    if (!status.source.isEmpty()) {
        field(tr("File"), status.source);
    }
    if (status.signatureVerified) {
        const auto& license = status.license;
        field(tr("Product"), license.product);
        field(tr("ID"), license.id);
        field(tr("Licensee"), license.licensee);
        field(tr("Seats"), QString::number(license.seats));
        field(tr("Issued"), license.issued.toString(Qt::ISODate));
        field(tr("Expires"), license.expires.toString(Qt::ISODate));
    }
    field(tr("Key"), keyDescription);
    field(tr("Status"), sra::core::licenseStatusCodeName(status.code));
    if (!status.detail.isEmpty()) {
        field(tr("Detail"), status.detail);
    }
    print(sra::core::licenseStatusMessage(status));
    return exitCodeFor(status.code);
}

int runKeygen(const QCommandLineParser& parser)
{
    if (!parser.isSet(QStringLiteral("out"))) {
        return fail(tr("keygen needs --out PRIVATE.pem (see --help)."), kUsage);
    }
    const QString out = parser.value(QStringLiteral("out"));
    if (QFileInfo::exists(out)) {
        return fail(tr("%1 exists; refusing to overwrite a key.").arg(out), kError);
    }
    QString publicOut = out;
    if (publicOut.endsWith(QStringLiteral(".pem"))) {
        publicOut.chop(4);
    }
    publicOut += QStringLiteral(".pub.pem");
    QString error;
    const QByteArray privateKey = sra::core::generateLicenseKeyPem(&error);
    const QByteArray publicKey =
        privateKey.isEmpty() ? QByteArray() : sra::core::licensePublicKeyPemFromPrivate(privateKey, &error);
    if (publicKey.isEmpty()) {
        return fail(error, kError);
    }
    if (!writeFile(out, privateKey, QFileDevice::ReadOwner | QFileDevice::WriteOwner, error)
        || !writeFile(publicOut,
                      publicKey,
                      QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                          | QFileDevice::ReadOther,
                      error)) {
        return fail(error, kError);
    }
    print(tr("Wrote the private key to %1 (keep it offline) and the public key to %2 (build with "
             "-DSRA_LICENSE_PUBLIC_KEY=%2).")
              .arg(out, publicOut));
    return kOk;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sra-license"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SRA_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Issue and inspect Secure Remote Access licenses.\n\n"
           "  issue --key PRIVATE.pem --licensee NAME --seats N --expires YYYY-MM-DD --out FILE\n"
           "        [--issued YYYY-MM-DD] [--product NAME] [--id ID] [--mobileconfig]\n"
           "        Sign a license with the vendor's private key (.sralic text, or a configuration profile).\n"
           "  show FILE|DIR [--public-key PEM] [--date YYYY-MM-DD]\n"
           "        Print a license's fields and verdict; a directory is searched like srad does.\n"
           "  keygen --out PRIVATE.pem\n"
           "        Make a vendor key pair (the public half goes next to it as .pub.pem).\n\n"
           "Exit codes of show: 0 valid, 2 missing, 3 expired, 4 not yet valid, 5 bad signature,\n"
           "6 wrong product, 7 invalid; 1 usage error, 8 issue or keygen failed."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), tr("issue, show or keygen"));
    parser.addOptions({
        {QStringLiteral("key"),                                                 tr("Ed25519 private key (PEM) to sign with."),                   tr("PRIVATE.pem")},
        {QStringLiteral("licensee"),                                            tr("Who the license is for."),                                   tr("NAME")       },
        {QStringLiteral("seats"),                                               tr("Number of seats (1 to 1000000)."),                           tr("N")          },
        {QStringLiteral("issued"),                                              tr("First valid day (default: today, UTC)."),                    tr("YYYY-MM-DD") },
        {QStringLiteral("expires"),                                             tr("Last valid day, inclusive (UTC)."),                          tr("YYYY-MM-DD") },
        {QStringLiteral("product"),                                             tr("Product name (default: secure-remote-access)."),             tr("NAME")       },
        {QStringLiteral("id"),                                                  tr("License id (default: a random UUID)."),                      tr("ID")         },
        {QStringLiteral("mobileconfig"),                                        tr("Write an Apple configuration profile holding the license.")},
        {QStringLiteral("out"),                                                   tr("Output file."),                                                      tr("FILE")                 },
        {QStringLiteral("public-key"), tr("Verify with this public key (PEM) instead of the built-in one."),                                                       tr("PEM")},
        {QStringLiteral("date"),            tr("Judge expiry as of this day instead of today (UTC)."),                                                tr("YYYY-MM-DD")                 },
    });
    parser.process(app);

    const QStringList args = parser.positionalArguments();
    if (args.isEmpty()) {
        return fail(tr("no command given (issue, show or keygen; see --help)."), kUsage);
    }
    const QString command = args.constFirst();
    if (command == QStringLiteral("issue") && args.size() == 1) {
        return runIssue(parser);
    }
    if (command == QStringLiteral("show")) {
        return runShow(parser, args);
    }
    if (command == QStringLiteral("keygen") && args.size() == 1) {
        return runKeygen(parser);
    }
    return fail(tr("unknown command or extra arguments: %1 (see --help).").arg(args.join(QLatin1Char(' '))), kUsage);
}
