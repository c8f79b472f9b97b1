// sra-card against a private pcscd with the soft card in a vpcd reader: what the admin machine reads from
// a PIV card and the signatures it makes, checked with openssl against the card's own certificate files.
#include "support/Lab.h"
#include "support/Process.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using sra::test::Lab;
using sra::test::ProcessResult;
using sra::test::runProcess;

namespace {
QString sraCard()
{
    return sra::test::binaryDir() + QStringLiteral("/admin-cli/sra-card");
}

QString softcardBin()
{
    return sra::test::binaryDir() + QStringLiteral("/softcard/sra-softcard");
}

// SHA-256 fingerprint of a PEM certificate as `openssl x509 -fingerprint` prints it (AA:BB:…).
QString opensslFingerprint(const QString& pem)
{
    const ProcessResult r = runProcess(QStringLiteral("openssl"),
                                       {QStringLiteral("x509"),
                                        QStringLiteral("-in"),
                                        pem,
                                        QStringLiteral("-noout"),
                                        QStringLiteral("-fingerprint"),
                                        QStringLiteral("-sha256")});
    const QString line = QString::fromUtf8(r.out).trimmed();
    return line.mid(line.indexOf(QLatin1Char('=')) + 1);
}

ProcessResult sign(const Lab& lab,
                   const QString& in,
                   const QString& out,
                   const QByteArray& pin,
                   const QString& hash = QStringLiteral("sha256"))
{
    return runProcess(sraCard(),
                      {QStringLiteral("sign"),
                       QStringLiteral("--slot"),
                       QStringLiteral("9a"),
                       QStringLiteral("--in"),
                       in,
                       QStringLiteral("--out"),
                       out,
                       QStringLiteral("--hash"),
                       hash,
                       QStringLiteral("--pin-fd"),
                       QStringLiteral("0")},
                      lab.clientEnvironment(),
                      pin + '\n');
}

int softcardTriesLeft(const Lab& lab)
{
    const ProcessResult r =
        runProcess(softcardBin(), {QStringLiteral("status"), lab.env(QStringLiteral("SOFTCARD_DIR"))});
    const QString out = QString::fromUtf8(r.out);
    const qsizetype at = out.indexOf(QStringLiteral("pin tries left: "));
    return at < 0 ? -99 : out.mid(at + 16).trimmed().toInt();
}
} // namespace

class TestSraCard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void listAndSign_data();
    void listAndSign();
    void wrongPinCountsDownAndBlocks();
    void noServiceNoCard();
};

void TestSraCard::listAndSign_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("algorithmName");
    QTest::addRow("rsa2048") << QStringLiteral("rsa2048") << QStringLiteral("RSA-2048");
    QTest::addRow("p256") << QStringLiteral("p256") << QStringLiteral("ECC P-256");
    QTest::addRow("p384") << QStringLiteral("p384") << QStringLiteral("ECC P-384");
}

void TestSraCard::listAndSign()
{
    QFETCH(QString, key);
    QFETCH(QString, algorithmName);
    Lab lab({.key = key, .pin = QStringLiteral("24681357")});
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    const QDir card(lab.env(QStringLiteral("SOFTCARD_DIR")));

    const ProcessResult list = runProcess(sraCard(), {QStringLiteral("list")}, lab.clientEnvironment());
    QVERIFY2(list.ok(), qPrintable(list.describe()));
    const QString out = QString::fromUtf8(list.out);
    QVERIFY2(out.contains(QStringLiteral("Reader: ") + lab.env(QStringLiteral("LAB_READER"))), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("Card: present (PIV)")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("Cardholder: SRA Lab Admin")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("PIN tries left: 3")), qPrintable(out));
    for (const char* slot : {"9a", "9c", "9d", "9e"}) {
        const QString fingerprint =
            opensslFingerprint(card.filePath(QStringLiteral("slot-%1.cert.pem").arg(QLatin1String(slot))));
        QVERIFY(fingerprint.size() == 95);
        QVERIFY2(out.contains(QStringLiteral("SHA-256: ") + fingerprint),
                 qPrintable(QLatin1String(slot) + QStringLiteral(": ") + out));
    }
    QCOMPARE(out.count(QStringLiteral(": ") + algorithmName), 4);
    QVERIFY2(out.contains(QStringLiteral("Card: none")), qPrintable(out)); // vpcd's second reader is empty

    QTemporaryDir work;
    const QString message = work.filePath(QStringLiteral("message.txt"));
    QFile f(message);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("Sign me: " + key.toUtf8());
    f.close();
    const QString publicKey = work.filePath(QStringLiteral("pub.pem"));
    QVERIFY(runProcess(QStringLiteral("openssl"),
                       {QStringLiteral("x509"),
                        QStringLiteral("-in"),
                        card.filePath(QStringLiteral("slot-9a.cert.pem")),
                        QStringLiteral("-pubkey"),
                        QStringLiteral("-noout"),
                        QStringLiteral("-out"),
                        publicKey})
                .ok());

    for (const QString& hash : {QStringLiteral("sha256"), QStringLiteral("sha384")}) {
        const QString signature = work.filePath(QStringLiteral("sig-") + hash);
        const ProcessResult signing = sign(lab, message, signature, "24681357", hash);
        QVERIFY2(signing.ok(), qPrintable(signing.describe()));
        const ProcessResult verify = runProcess(QStringLiteral("openssl"),
                                                {QStringLiteral("dgst"),
                                                 QLatin1Char('-') + hash,
                                                 QStringLiteral("-verify"),
                                                 publicKey,
                                                 QStringLiteral("-signature"),
                                                 signature,
                                                 message});
        QVERIFY2(verify.ok() && verify.out.contains("Verified OK"), qPrintable(verify.describe()));

        // The same signature must not verify for another message: the check above can fail.
        const ProcessResult other = runProcess(QStringLiteral("openssl"),
                                               {QStringLiteral("dgst"),
                                                QLatin1Char('-') + hash,
                                                QStringLiteral("-verify"),
                                                publicKey,
                                                QStringLiteral("-signature"),
                                                signature,
                                                publicKey});
        QVERIFY(!other.ok());
    }
    QCOMPARE(softcardTriesLeft(lab), 3);
}

void TestSraCard::wrongPinCountsDownAndBlocks()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    QTemporaryDir work;
    const QString message = work.filePath(QStringLiteral("m"));
    QFile f(message);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("x");
    f.close();
    const QString signature = work.filePath(QStringLiteral("sig"));

    // A PIN of the wrong length is refused before the card sees it: no try is spent.
    ProcessResult r = sign(lab, message, signature, "123");
    QCOMPARE(r.exitCode, 5);
    QVERIFY2(r.err.contains("6 to 8 characters"), qPrintable(r.describe()));
    QCOMPARE(softcardTriesLeft(lab), 3);

    r = sign(lab, message, signature, "000000");
    QCOMPARE(r.exitCode, 5);
    QVERIFY2(r.err.contains("Wrong PIN (2 tries left)"), qPrintable(r.describe()));
    QCOMPARE(softcardTriesLeft(lab), 2);

    // The right PIN resets the counter, as on a real card.
    r = sign(lab, message, signature, lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8());
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QCOMPARE(softcardTriesLeft(lab), 3);

    r = sign(lab, message, signature, "000000");
    QVERIFY2(r.err.contains("Wrong PIN (2 tries left)"), qPrintable(r.describe()));
    r = sign(lab, message, signature, "000000");
    QVERIFY2(r.err.contains("Wrong PIN (1 try left"), qPrintable(r.describe()));
    r = sign(lab, message, signature, "000000");
    QCOMPARE(r.exitCode, 6);
    QVERIFY2(r.err.contains("PIN is blocked"), qPrintable(r.describe()));
    QCOMPARE(softcardTriesLeft(lab), 0);

    // Blocked stays blocked, for the right PIN too, and sra-card does not spend anything on it.
    r = sign(lab, message, signature, lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8());
    QCOMPARE(r.exitCode, 6);
    const ProcessResult list = runProcess(sraCard(), {QStringLiteral("list")}, lab.clientEnvironment());
    QVERIFY2(list.out.contains("PIN tries left: 0"), qPrintable(list.describe()));
}

void TestSraCard::noServiceNoCard()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    QVERIFY2(lab.cardStop(), qPrintable(lab.error()));
    QTemporaryDir work;
    const QString message = work.filePath(QStringLiteral("m"));
    QFile f(message);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();

    // pcscd notices the pulled card at its next presence poll; wait for that, as a user would see the reader empty.
    ProcessResult r;
    QTRY_VERIFY_WITH_TIMEOUT(
        (r = runProcess(sraCard(), {QStringLiteral("list")}, lab.clientEnvironment())).out.count("Card: none") == 2,
        3000);
    r = sign(lab, message, work.filePath(QStringLiteral("sig")), "123456");
    QCOMPARE(r.exitCode, 4);
    QVERIFY2(r.err.contains("No card in the reader"), qPrintable(r.describe()));
    QCOMPARE(r.err.count('\n'), 1); // one clear line

    r = runProcess(sraCard(), {QStringLiteral("list")}, lab.clientEnvironment());
    QVERIFY2(r.ok() && r.out.contains("Card: none") && !r.out.contains("present"), qPrintable(r.describe()));

    QVERIFY(lab.down());
    r = runProcess(sraCard(), {QStringLiteral("list")}, lab.clientEnvironment());
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("pcscd") && r.err.count('\n') == 1, qPrintable(r.describe()));
}

QTEST_GUILESS_MAIN(TestSraCard)
#include "TestSraCard.moc"
