// The soft card must be a PIV card to programs we did not write: OpenSC (pkcs15-tool, pkcs11-tool through
// opensc-pkcs11.so) and yubico-piv-tool, talking to it through a private pcscd. Signatures are checked with
// openssl against the certificate files of the card.
#include "support/Lab.h"
#include "support/Process.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using sra::test::Lab;
using sra::test::ProcessResult;
using sra::test::runProcess;

namespace {
const QString kOpenScModule = QStringLiteral("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so");

QString fingerprintHex(const QString& pem)
{
    const ProcessResult r = runProcess(QStringLiteral("openssl"),
                                       {QStringLiteral("x509"),
                                        QStringLiteral("-in"),
                                        pem,
                                        QStringLiteral("-noout"),
                                        QStringLiteral("-fingerprint"),
                                        QStringLiteral("-sha256")});
    QString line = QString::fromUtf8(r.out).trimmed();
    line = line.mid(line.indexOf(QLatin1Char('=')) + 1);
    return line.remove(QLatin1Char(':')).toLower();
}
} // namespace

class TestIndependentClients : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void openScAndYubico_data();
    void openScAndYubico();
};

void TestIndependentClients::openScAndYubico_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("mechanism");
    QTest::addColumn<QString>("yubicoAlgorithm");
    QTest::addRow("rsa2048") << QStringLiteral("rsa2048") << QStringLiteral("SHA256-RSA-PKCS")
                             << QStringLiteral("RSA2048");
    QTest::addRow("p256") << QStringLiteral("p256") << QStringLiteral("ECDSA-SHA256") << QStringLiteral("ECCP256");
    QTest::addRow("p384") << QStringLiteral("p384") << QStringLiteral("ECDSA-SHA256") << QStringLiteral("ECCP384");
}

void TestIndependentClients::openScAndYubico()
{
    QFETCH(QString, key);
    QFETCH(QString, mechanism);
    QFETCH(QString, yubicoAlgorithm);
    Lab lab({.key = key});
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    const QDir card(lab.env(QStringLiteral("SOFTCARD_DIR")));
    const QProcessEnvironment env = lab.clientEnvironment();

    // pkcs15-tool (OpenSC's PIV driver) lists the four certificates with their PIV names.
    ProcessResult r = runProcess(QStringLiteral("pkcs15-tool"), {QStringLiteral("--list-certificates")}, env);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    const QString certs = QString::fromUtf8(r.out);
    for (const char* name : {"Certificate for PIV Authentication",
                             "Certificate for Digital Signature",
                             "Certificate for Key Management",
                             "Certificate for Card Authentication"}) {
        QVERIFY2(certs.contains(QLatin1String(name)), qPrintable(certs));
    }

    // pkcs11-tool signs with the PIV Authentication key (ID 01) after C_Login with the PIN.
    QTemporaryDir work;
    const QString message = work.filePath(QStringLiteral("message"));
    const QString signature = work.filePath(QStringLiteral("signature"));
    const QString publicKey = work.filePath(QStringLiteral("pub.pem"));
    QFile f(message);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("signed through OpenSC by a " + key.toUtf8() + " soft card");
    f.close();
    r = runProcess(QStringLiteral("pkcs11-tool"),
                   {QStringLiteral("--module"),
                    kOpenScModule,
                    QStringLiteral("--login"),
                    QStringLiteral("--pin"),
                    lab.env(QStringLiteral("SOFTCARD_PIN")),
                    QStringLiteral("--sign"),
                    QStringLiteral("--id"),
                    QStringLiteral("01"),
                    QStringLiteral("-m"),
                    mechanism,
                    QStringLiteral("--signature-format"),
                    QStringLiteral("openssl"),
                    QStringLiteral("-i"),
                    message,
                    QStringLiteral("-o"),
                    signature},
                   env);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QVERIFY(runProcess(QStringLiteral("openssl"),
                       {QStringLiteral("x509"),
                        QStringLiteral("-in"),
                        card.filePath(QStringLiteral("slot-9a.cert.pem")),
                        QStringLiteral("-pubkey"),
                        QStringLiteral("-noout"),
                        QStringLiteral("-out"),
                        publicKey})
                .ok());
    r = runProcess(QStringLiteral("openssl"),
                   {QStringLiteral("dgst"),
                    QStringLiteral("-sha256"),
                    QStringLiteral("-verify"),
                    publicKey,
                    QStringLiteral("-signature"),
                    signature,
                    message});
    QVERIFY2(r.ok() && r.out.contains("Verified OK"), qPrintable(r.describe()));

    // A wrong PIN through OpenSC is reported as such and costs exactly one try.
    r = runProcess(QStringLiteral("pkcs11-tool"),
                   {QStringLiteral("--module"),
                    kOpenScModule,
                    QStringLiteral("--login"),
                    QStringLiteral("--pin"),
                    QStringLiteral("999999"),
                    QStringLiteral("--sign"),
                    QStringLiteral("--id"),
                    QStringLiteral("01"),
                    QStringLiteral("-m"),
                    mechanism,
                    QStringLiteral("-i"),
                    message,
                    QStringLiteral("-o"),
                    signature},
                   env);
    QVERIFY2(!r.ok() && r.err.contains("CKR_PIN_INCORRECT"), qPrintable(r.describe()));

    // yubico-piv-tool reads every slot and the counter (one wrong PIN above: 2 left).
    r = runProcess(
        QStringLiteral("yubico-piv-tool"),
        {QStringLiteral("-r"), lab.env(QStringLiteral("LAB_READER")), QStringLiteral("-a"), QStringLiteral("status")},
        env);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    const QString status = QString::fromUtf8(r.out);
    for (const char* slot : {"9a", "9c", "9d", "9e"}) {
        QVERIFY2(status.contains(QStringLiteral("Slot %1:").arg(QLatin1String(slot))), qPrintable(status));
        const QString fp = fingerprintHex(card.filePath(QStringLiteral("slot-%1.cert.pem").arg(QLatin1String(slot))));
        QCOMPARE(fp.size(), 64);
        QVERIFY2(status.contains(fp), qPrintable(status));
    }
    QCOMPARE(status.count(QStringLiteral("Algorithm:\t") + yubicoAlgorithm), 4);
    QVERIFY2(status.contains(QStringLiteral("PIN tries left:\t2")), qPrintable(status));
    QVERIFY2(status.contains(QStringLiteral("CHUID:\t30")), qPrintable(status));
}

QTEST_GUILESS_MAIN(TestIndependentClients)
#include "TestIndependentClients.moc"
