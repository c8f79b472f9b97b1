// The headline, end to end: the admin's card (soft card in the lab's admin pcscd) is inserted with
// sra-connect --insert-card; on the "remote" — the lab's second pcscd, running our driver libifd-sra.so —
// OpenSC sees a PIV card, lists its certificates and signs, and the signature is made by the admin's card.
#include "support/Lab.h"
#include "support/Process.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using sra::test::Lab;
using sra::test::ProcessResult;
using sra::test::runProcess;

namespace {
const QString kOpenScModule = QStringLiteral("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so");

QProcessEnvironment remoteEnvironment(const Lab& lab)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PCSCLITE_CSOCK_NAME"), lab.env(QStringLiteral("REMOTE_PCSCLITE_CSOCK_NAME")));
    return env;
}

bool remoteCardPresent(const Lab& lab)
{
    const ProcessResult r = runProcess(QStringLiteral("opensc-tool"), {QStringLiteral("-l")}, remoteEnvironment(lab));
    return QRegularExpression(QStringLiteral("\\bYes\\s+SRA Virtual Card Reader"))
        .match(QString::fromUtf8(r.out))
        .hasMatch();
}

int triesLeft(const Lab& lab)
{
    const ProcessResult r = runProcess(sra::test::binaryDir() + QStringLiteral("/softcard/sra-softcard"),
                                       {QStringLiteral("status"), lab.env(QStringLiteral("SOFTCARD_DIR"))});
    const auto m = QRegularExpression(QStringLiteral("pin tries left: (\\d+)")).match(QString::fromUtf8(r.out));
    return m.hasMatch() ? m.captured(1).toInt() : -1;
}
} // namespace

class TestRemoteCard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void openScOnTheRemote_data();
    void openScOnTheRemote();
};

void TestRemoteCard::openScOnTheRemote_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("mechanism");
    QTest::addRow("rsa2048") << QStringLiteral("rsa2048") << QStringLiteral("SHA256-RSA-PKCS");
    QTest::addRow("p256") << QStringLiteral("p256") << QStringLiteral("ECDSA-SHA256");
    QTest::addRow("p384") << QStringLiteral("p384") << QStringLiteral("ECDSA-SHA256");
}

void TestRemoteCard::openScOnTheRemote()
{
    QFETCH(QString, key);
    QFETCH(QString, mechanism);
    Lab lab({.key = key});
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    QVERIFY(!remoteCardPresent(lab)); // nothing inserted yet

    QProcess admin;
    QByteArray out;
    QVERIFY2(sra::test::startLabAdmin(
                 admin,
                 lab,
                 {QStringLiteral("--insert-card"), QStringLiteral("--approve"), QStringLiteral("session")},
                 "Card inserted",
                 &out),
             out.constData());
    QTRY_VERIFY_WITH_TIMEOUT(remoteCardPresent(lab), 5000);

    const QProcessEnvironment env = remoteEnvironment(lab);
    ProcessResult r = runProcess(QStringLiteral("pkcs15-tool"), {QStringLiteral("--list-certificates")}, env);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    for (const char* name : {"Certificate for PIV Authentication",
                             "Certificate for Digital Signature",
                             "Certificate for Key Management",
                             "Certificate for Card Authentication"}) {
        QVERIFY2(r.out.contains(name), qPrintable(r.describe()));
    }

    QTemporaryDir work;
    const QString message = work.filePath(QStringLiteral("m"));
    const QString signature = work.filePath(QStringLiteral("s"));
    const QString publicKey = work.filePath(QStringLiteral("pub.pem"));
    QFile f(message);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("signed on the remote with the admin's " + key.toUtf8() + " card");
    f.close();
    QVERIFY(runProcess(QStringLiteral("openssl"),
                       {QStringLiteral("x509"),
                        QStringLiteral("-in"),
                        lab.env(QStringLiteral("SOFTCARD_DIR")) + QStringLiteral("/slot-9a.cert.pem"),
                        QStringLiteral("-pubkey"),
                        QStringLiteral("-noout"),
                        QStringLiteral("-out"),
                        publicKey})
                .ok());
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
    r = runProcess(QStringLiteral("openssl"),
                   {QStringLiteral("dgst"),
                    QStringLiteral("-sha256"),
                    QStringLiteral("-verify"),
                    publicKey,
                    QStringLiteral("-signature"),
                    signature,
                    message});
    QVERIFY2(r.ok() && r.out.contains("Verified OK"), qPrintable(r.describe()));
    QTRY_VERIFY_WITH_TIMEOUT((out += admin.readAllStandardOutput()).contains("Relayed: signature with slot 9A"), 5000);

    // A wrong PIN typed on the remote is checked by the admin's card: reported as such, exactly one try spent.
    QCOMPARE(triesLeft(lab), 3);
    r = runProcess(QStringLiteral("pkcs11-tool"),
                   {QStringLiteral("--module"),
                    kOpenScModule,
                    QStringLiteral("--login"),
                    QStringLiteral("--pin"),
                    QStringLiteral("99999999"),
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
    QCOMPARE(triesLeft(lab), 2);

    // The admin's card is pulled: the remote reader is empty within a second.
    QElapsedTimer pulled;
    pulled.start();
    QVERIFY(lab.cardStop());
    QTRY_VERIFY_WITH_TIMEOUT(!remoteCardPresent(lab), 3000);
    qInfo("remote reader empty %lld ms after the admin's card was pulled (incl. sra-lab card-stop)", pulled.elapsed());
    QVERIFY(pulled.elapsed() < 1500);
    // waitForFinished() is false for a process that already finished while the test waited above.
    QVERIFY(admin.state() == QProcess::NotRunning || admin.waitForFinished(10000));
    QCOMPARE(admin.exitCode(), 7); // sra-connect: "card removed"
}

QTEST_GUILESS_MAIN(TestRemoteCard)
#include "TestRemoteCard.moc"
