// End to end: the soft card in a private pcscd → sra-connect → srad on loopback, all from the lab. Each
// refusal must reach the admin as its own sentence and exit code.
#include "support/Lab.h"
#include "support/Process.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>

using sra::test::Lab;
using sra::test::ProcessResult;
using sra::test::runProcess;

namespace {
QString tool(const QString& relative)
{
    return sra::test::binaryDir() + QLatin1Char('/') + relative;
}

// sra-connect with the lab's card, PIN from stdin, a known-hosts file of the test's own.
ProcessResult connectAdmin(const Lab& lab,
                           const QString& knownHosts,
                           const QByteArray& pin,
                           const QStringList& extra = {QStringLiteral("--accept-new")})
{
    QStringList args{QStringLiteral("127.0.0.1:") + lab.env(QStringLiteral("SRAD_PORT")),
                     QStringLiteral("--known-hosts"),
                     knownHosts,
                     QStringLiteral("--pin-fd"),
                     QStringLiteral("0")};
    args += extra;
    return runProcess(tool(QStringLiteral("admin-cli/sra-connect")), args, lab.clientEnvironment(), pin + '\n', 60000);
}

ProcessResult setup(const Lab& lab, const QStringList& args)
{
    return runProcess(tool(QStringLiteral("setup-tool/sra-setup")),
                      QStringList{QStringLiteral("--root"), lab.env(QStringLiteral("SRAD_ROOT"))} + args);
}

int triesLeft(const Lab& lab)
{
    const ProcessResult r = runProcess(tool(QStringLiteral("softcard/sra-softcard")),
                                       {QStringLiteral("status"), lab.env(QStringLiteral("SOFTCARD_DIR"))});
    const QRegularExpressionMatch m =
        QRegularExpression(QStringLiteral("pin tries left: (\\d+)")).match(QString::fromUtf8(r.out));
    return m.hasMatch() ? m.captured(1).toInt() : -1;
}

QString sradLog(const Lab& lab)
{
    QFile f(lab.dir() + QStringLiteral("/srad.log"));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}
} // namespace

class TestSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void authenticates_data();
    void authenticates();
    void wrongPinThenBlocked();
    void unpairedCertificate();
    void expiredAdminCertificate();
    void license_data();
    void license();
    void changedServerFingerprint();
    void unknownHostWithoutAcceptIsNotTrusted();
    void tls12RefusedTls13ShowsFingerprint();

private:
    QTemporaryDir m_work;
};

void TestSession::authenticates_data()
{
    QTest::addColumn<QString>("key");
    QTest::addRow("rsa2048") << QStringLiteral("rsa2048");
    QTest::addRow("p256") << QStringLiteral("p256");
    QTest::addRow("p384") << QStringLiteral("p384");
}

void TestSession::authenticates()
{
    QFETCH(QString, key);
    Lab lab({.key = key});
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    const QString knownHosts = m_work.filePath(QStringLiteral("kh-") + key);

    const ProcessResult r = connectAdmin(lab, knownHosts, lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8());
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    const QString out = QString::fromUtf8(r.out);
    QVERIFY2(out.contains(QStringLiteral("as %1 (session ").arg(lab.env(QStringLiteral("SRAD_ACCOUNT")))),
             qPrintable(out));
    // The fingerprint shown and remembered is the one srad --fingerprint prints.
    QVERIFY2(r.err.contains(lab.env(QStringLiteral("SRAD_FINGERPRINT")).toUtf8()), qPrintable(r.describe()));
    QFile kh(knownHosts);
    QVERIFY(kh.open(QIODevice::ReadOnly));
    QVERIFY(kh.readAll().contains(lab.env(QStringLiteral("SRAD_FINGERPRINT")).toUtf8()));
    QTRY_VERIFY2(sradLog(lab).contains(QStringLiteral("authenticated")), qPrintable(sradLog(lab)));
    QCOMPARE(triesLeft(lab), 3);

    // The second time the host is known: no --accept-new needed.
    const ProcessResult again = connectAdmin(lab, knownHosts, lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8(), {});
    QVERIFY2(again.ok(), qPrintable(again.describe()));
}

void TestSession::wrongPinThenBlocked()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    const QString knownHosts = m_work.filePath(QStringLiteral("kh-pin"));

    ProcessResult r = connectAdmin(lab, knownHosts, "000000");
    QCOMPARE(r.exitCode, 5);
    QVERIFY2(r.err.contains("Wrong PIN (2 tries left)"), qPrintable(r.describe()));
    QCOMPARE(triesLeft(lab), 2); // exactly one try spent: the tool does not retry a PIN it cannot correct
    QVERIFY(!sradLog(lab).contains(QStringLiteral("refused"))); // the server saw no failed authentication

    // Nothing else changed: the right PIN still works and resets the counter.
    r = connectAdmin(lab, knownHosts, lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8());
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QCOMPARE(triesLeft(lab), 3);

    for (int i = 0; i < 3; ++i) {
        r = connectAdmin(lab, knownHosts, "000000");
    }
    QCOMPARE(triesLeft(lab), 0);
    r = connectAdmin(lab, knownHosts, lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8());
    QCOMPARE(r.exitCode, 6);
    QVERIFY2(r.err.contains("PIN is blocked"), qPrintable(r.describe()));
}

void TestSession::unpairedCertificate()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    const ProcessResult unpair =
        setup(lab, {QStringLiteral("unpair"), QStringLiteral("--user"), lab.env(QStringLiteral("SRAD_ACCOUNT"))});
    QVERIFY2(unpair.ok(), qPrintable(unpair.describe()));

    const ProcessResult r = connectAdmin(
        lab, m_work.filePath(QStringLiteral("kh-unpaired")), lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8());
    QCOMPARE(r.exitCode, 14);
    QVERIFY2(r.err.contains("not paired with an account"), qPrintable(r.describe()));
    QTRY_VERIFY2(sradLog(lab).contains(QStringLiteral("NotPaired")), qPrintable(sradLog(lab)));

    // Pairing takes effect at the next attempt, without restarting srad.
    const ProcessResult pair = setup(lab,
                                     {QStringLiteral("pair"),
                                      QStringLiteral("--user"),
                                      QStringLiteral("helpdesk"),
                                      QStringLiteral("--cert"),
                                      lab.env(QStringLiteral("SOFTCARD_DIR")) + QStringLiteral("/slot-9a.cert.pem")});
    QVERIFY2(pair.ok(), qPrintable(pair.describe()));
    const ProcessResult ok = connectAdmin(
        lab, m_work.filePath(QStringLiteral("kh-unpaired")), lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8());
    QVERIFY2(ok.ok() && ok.out.contains("as helpdesk"), qPrintable(ok.describe()));
}

void TestSession::expiredAdminCertificate()
{
    Lab lab({.expiredCard = true});
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    const ProcessResult r = connectAdmin(
        lab, m_work.filePath(QStringLiteral("kh-expired")), lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8());
    QCOMPARE(r.exitCode, 14);
    QVERIFY2(r.err.contains("certificate is expired"), qPrintable(r.describe()));
    QCOMPARE(triesLeft(lab), 3); // refused before the PIN was asked for
}

void TestSession::license_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("sentence");
    QTest::addRow("missing") << QStringLiteral("missing") << QStringLiteral("The remote machine has no license");
    QTest::addRow("expired") << QStringLiteral("expired") << QStringLiteral("license has expired");
    QTest::addRow("tampered") << QStringLiteral("tampered") << QStringLiteral("license has an invalid signature");
    QTest::addRow("wrong product") << QStringLiteral("product") << QStringLiteral("for another product");
}

void TestSession::license()
{
    QFETCH(QString, kind);
    QFETCH(QString, sentence);
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    const QString licenseFile = lab.env(QStringLiteral("SRAD_CONFIG_DIR")) + QStringLiteral("/license.sralic");
    const QString issuer = tool(QStringLiteral("license-tool/sra-license"));
    const QStringList common{QStringLiteral("issue"),
                             QStringLiteral("--key"),
                             lab.env(QStringLiteral("LAB_LICENSE_KEY")),
                             QStringLiteral("--licensee"),
                             QStringLiteral("Test"),
                             QStringLiteral("--seats"),
                             QStringLiteral("1"),
                             QStringLiteral("--out"),
                             licenseFile};
    if (kind == QLatin1String("missing")) {
        QVERIFY(QFile::remove(licenseFile));
    } else if (kind == QLatin1String("expired")) {
        QVERIFY(runProcess(issuer,
                           common
                               + QStringList{QStringLiteral("--issued"),
                                             QStringLiteral("2020-01-01"),
                                             QStringLiteral("--expires"),
                                             QStringLiteral("2021-01-01")})
                    .ok());
    } else if (kind == QLatin1String("product")) {
        QVERIFY(runProcess(issuer,
                           common
                               + QStringList{QStringLiteral("--expires"),
                                             QStringLiteral("2099-01-01"),
                                             QStringLiteral("--product"),
                                             QStringLiteral("another-product")})
                    .ok());
    } else {
        QFile f(licenseFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray text = f.readAll();
        f.close();
        // Change one character of the base64 payload (second line): the signature no longer matches.
        const qsizetype at = text.indexOf('\n') + 10;
        text[at] = text[at] == 'A' ? 'B' : 'A';
        QVERIFY(writeFile(licenseFile, text));
    }
    const ProcessResult r = connectAdmin(
        lab, m_work.filePath(QStringLiteral("kh-license")), lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8());
    QCOMPARE(r.exitCode, 14);
    QVERIFY2(r.err.contains(sentence.toUtf8()), qPrintable(r.describe()));
    QCOMPARE(triesLeft(lab), 3); // refused before any authentication
}

void TestSession::changedServerFingerprint()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    const QString knownHosts = m_work.filePath(QStringLiteral("kh-changed"));
    QVERIFY(connectAdmin(lab, knownHosts, lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8()).ok());

    // The remote's identity is regenerated: the admin must be stopped, with both fingerprints shown.
    QVERIFY(lab.runLab(QStringLiteral("srad-stop")).ok());
    const ProcessResult regen = setup(lab, {QStringLiteral("-g"), QStringLiteral("--force")});
    QVERIFY2(regen.ok(), qPrintable(regen.describe()));
    QVERIFY(lab.runLab(QStringLiteral("srad-start")).ok());
    const ProcessResult fp =
        runProcess(tool(QStringLiteral("remote-service/srad")),
                   {QStringLiteral("--root"), lab.env(QStringLiteral("SRAD_ROOT")), QStringLiteral("--fingerprint")});
    const QByteArray newFingerprint = fp.out.trimmed();
    QVERIFY(newFingerprint.size() == 95 && newFingerprint != lab.env(QStringLiteral("SRAD_FINGERPRINT")).toUtf8());

    const ProcessResult r = connectAdmin(lab, knownHosts, lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8());
    QCOMPARE(r.exitCode, 12);
    QVERIFY2(r.err.contains("has CHANGED"), qPrintable(r.describe()));
    QVERIFY(r.err.contains(lab.env(QStringLiteral("SRAD_FINGERPRINT")).toUtf8()));
    QVERIFY(r.err.contains(newFingerprint));
    QVERIFY(r.err.contains("srad --fingerprint"));
    QCOMPARE(triesLeft(lab), 3); // nothing was sent to the changed server, no PIN asked
}

void TestSession::unknownHostWithoutAcceptIsNotTrusted()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    // No terminal and no --accept-new: the unknown identity is not accepted.
    const ProcessResult r = connectAdmin(
        lab, m_work.filePath(QStringLiteral("kh-none")), lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8(), {});
    QCOMPARE(r.exitCode, 13);
    QVERIFY2(r.err.contains(lab.env(QStringLiteral("SRAD_FINGERPRINT")).toUtf8()), qPrintable(r.describe()));
    QVERIFY(!QFile::exists(m_work.filePath(QStringLiteral("kh-none"))));
}

void TestSession::tls12RefusedTls13ShowsFingerprint()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    const QString target = QStringLiteral("127.0.0.1:") + lab.env(QStringLiteral("SRAD_PORT"));
    const ProcessResult tls12 =
        runProcess(QStringLiteral("openssl"),
                   {QStringLiteral("s_client"), QStringLiteral("-connect"), target, QStringLiteral("-tls1_2")},
                   QProcessEnvironment::systemEnvironment(),
                   QByteArray(),
                   15000);
    QVERIFY2(!tls12.ok(), qPrintable(tls12.describe()));
    QVERIFY2(!tls12.out.contains("BEGIN CERTIFICATE"), qPrintable(tls12.describe()));

    const ProcessResult tls13 =
        runProcess(QStringLiteral("openssl"),
                   {QStringLiteral("s_client"), QStringLiteral("-connect"), target, QStringLiteral("-tls1_3")},
                   QProcessEnvironment::systemEnvironment(),
                   QByteArray(),
                   15000);
    QVERIFY2(tls13.out.contains("TLSv1.3"), qPrintable(tls13.describe()));
    const qsizetype begin = tls13.out.indexOf("-----BEGIN CERTIFICATE-----");
    const qsizetype end = tls13.out.indexOf("-----END CERTIFICATE-----");
    QVERIFY(begin >= 0 && end > begin);
    const QSslCertificate presented(tls13.out.mid(begin, end + 25 - begin), QSsl::Pem);
    QVERIFY(!presented.isNull());
    const QString fingerprint = QString::fromLatin1(presented.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
    QCOMPARE(fingerprint, lab.env(QStringLiteral("SRAD_FINGERPRINT")));
}

QTEST_GUILESS_MAIN(TestSession)
#include "TestSession.moc"
