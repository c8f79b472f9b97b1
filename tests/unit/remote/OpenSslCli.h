#pragma once

// Test helpers around the openssl command-line tool: certificates and keys made by an implementation other
// than the one under test, and digests computed by it.

#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace sra::test {

struct OpenSslResult
{
    bool ok = false;
    QByteArray out;
    QString error; // for QVERIFY2
};

inline OpenSslResult runOpenSsl(const QStringList& args, const QString& workingDir = QString())
{
    OpenSslResult result;
    QProcess process;
    if (!workingDir.isEmpty()) {
        process.setWorkingDirectory(workingDir);
    }
    process.start(QStringLiteral("openssl"), args);
    if (!process.waitForStarted(10000) || !process.waitForFinished(60000)) {
        result.error = QStringLiteral("openssl %1: %2").arg(args.join(QLatin1Char(' ')), process.errorString());
        return result;
    }
    result.out = process.readAllStandardOutput();
    result.ok = process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    if (!result.ok) {
        result.error = QStringLiteral("openssl %1 failed: %2")
                           .arg(args.join(QLatin1Char(' ')), QString::fromUtf8(process.readAllStandardError()));
    }
    return result;
}

// A self-signed certificate `certFile` with its unencrypted key `keyFile` (mode 0600, PKCS#8 PEM).
// keyType: "ec" (P-256) or "rsa" (2048). `extensions`: values for -addext (e.g. "subjectAltName=...").
inline OpenSslResult makeSelfSigned(const QString& certFile,
                                    const QString& keyFile,
                                    const QString& subject,
                                    const QString& keyType = QStringLiteral("ec"),
                                    const QStringList& extensions = {})
{
    QStringList args{QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey")};
    if (keyType == QLatin1String("rsa")) {
        args << QStringLiteral("rsa:2048");
    } else {
        args << QStringLiteral("ec") << QStringLiteral("-pkeyopt") << QStringLiteral("ec_paramgen_curve:P-256");
    }
    args << QStringLiteral("-nodes") << QStringLiteral("-keyout") << keyFile << QStringLiteral("-out") << certFile
         << QStringLiteral("-days") << QStringLiteral("30") << QStringLiteral("-subj") << subject;
    for (const QString& e : extensions) {
        args << QStringLiteral("-addext") << e;
    }
    OpenSslResult result = runOpenSsl(args);
    if (result.ok) {
        QFile::setPermissions(keyFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    return result;
}

// The colon-separated upper-case fingerprint `openssl x509 -fingerprint -<digest>` prints for a certificate.
inline QString openSslFingerprint(const QString& certFile, const QString& digest = QStringLiteral("sha256"))
{
    const OpenSslResult r = runOpenSsl({QStringLiteral("x509"),
                                        QStringLiteral("-noout"),
                                        QStringLiteral("-fingerprint"),
                                        QStringLiteral("-") + digest,
                                        QStringLiteral("-in"),
                                        certFile});
    if (!r.ok) {
        return {};
    }
    const QString line = QString::fromLatin1(r.out).trimmed();
    return line.section(QLatin1Char('='), 1);
}

} // namespace sra::test
