#include "support/Lab.h"
#include "support/Process.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QTest>
#include <QThread>

#include <sys/stat.h>

using sra::test::Lab;
using sra::test::processAlive;
using sra::test::processesWithArgument;
using sra::test::ProcessResult;
using sra::test::runProcess;

namespace {

bool isSocket(const QString& path)
{
    struct stat st
    {};

    return ::stat(QFile::encodeName(path).constData(), &st) == 0 && S_ISSOCK(st.st_mode);
}

// The card column ("Yes"/"No") that `opensc-tool -l` shows for `reader` through the lab's pcscd; empty when
// the reader is not listed. OpenSC is an independent PC/SC client, so this checks the lab from outside.
QString cardColumn(const Lab& lab, const QString& reader, QString* listing = nullptr)
{
    const ProcessResult result =
        runProcess(QStringLiteral("opensc-tool"), {QStringLiteral("-l")}, lab.clientEnvironment(), {}, 10000);
    const QString out = QString::fromLocal8Bit(result.out);
    if (listing) {
        *listing = result.describe();
    }
    // Rows: "<nr> <Yes|No> [features] <reader name>".
    const QStringList lines = out.split(QLatin1Char('\n'));
    for (const QString& line : lines) {
        if (line.endsWith(reader)) {
            const QStringList columns = line.simplified().split(QLatin1Char(' '));
            return columns.size() > 1 ? columns.at(1) : QString();
        }
    }
    return {};
}

// Polls until the reader shows `want` in the card column or `ms` pass.
bool waitCardColumn(const Lab& lab, const QString& want, int ms)
{
    QDeadlineTimer deadline(ms);
    const QString reader = lab.env(QStringLiteral("LAB_READER"));
    while (cardColumn(lab, reader) != want) {
        if (deadline.hasExpired()) {
            return false;
        }
        QThread::msleep(100);
    }
    return true;
}

} // namespace

// scripts/sra-lab through sra::test::Lab, checked with OpenSC and /proc: the machinery every other
// integration test stands on.
class TestLab : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void upServesCardAndDownLeavesNothing();
    void upTwiceIsNoOp();
    void cardStopAndStart();
    void pcscdRestart();
    void optionsAndTwoLabsSideBySide();
    void failedUpLeavesNothingRunning();
};

void TestLab::initTestCase()
{
    QVERIFY2(!sra::test::sourceDir().isEmpty(), "SRA_SOURCE_DIR not set");
    QVERIFY2(QFileInfo(sra::test::sourceDir() + QStringLiteral("/scripts/sra-lab")).isExecutable(),
             "scripts/sra-lab is missing or not executable");
}

void TestLab::upServesCardAndDownLeavesNothing()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));

    // lab.env: what the tests and the demo rely on.
    const QString socket = lab.env(QStringLiteral("ADMIN_PCSCLITE_CSOCK_NAME"));
    QCOMPARE(socket, lab.dir() + QStringLiteral("/run/pcscd/pcscd.comm"));
    QVERIFY2(isSocket(socket), qPrintable(socket));
    QCOMPARE(lab.env(QStringLiteral("SOFTCARD_DIR")), lab.dir() + QStringLiteral("/card"));
    QVERIFY(QFileInfo(lab.env(QStringLiteral("SOFTCARD_DIR"))).isDir());
    QCOMPARE(lab.env(QStringLiteral("SOFTCARD_PIN")), QStringLiteral("123456"));
    QCOMPARE(lab.env(QStringLiteral("SOFTCARD_KEY")), QStringLiteral("rsa2048"));
    bool portOk = false;
    const int port = lab.env(QStringLiteral("LAB_VPCD_PORT")).toInt(&portOk);
    QVERIFY(portOk && port > 1024 && port < 65535);
    const QString reader = lab.env(QStringLiteral("LAB_READER"));
    QCOMPARE(reader, QStringLiteral("SRA Lab Reader 00 00"));

    // An independent PC/SC client sees the card in the lab reader and the empty second vpcd slot.
    QString listing;
    QCOMPARE(cardColumn(lab, reader, &listing), QStringLiteral("Yes"));
    QCOMPARE(cardColumn(lab, lab.env(QStringLiteral("LAB_SPARE_READER"))), QStringLiteral("No"));

    const qint64 pcscd = lab.pcscdPid();
    const qint64 softcard = lab.softcardPid();
    QVERIFY(processAlive(pcscd));
    QVERIFY(processAlive(softcard));
    QVERIFY(pcscd != softcard);

    QVERIFY2(lab.down(), qPrintable(lab.error()));
    QVERIFY(!processAlive(pcscd));
    QVERIFY(!processAlive(softcard));
    QVERIFY2(processesWithArgument(lab.dir()).isEmpty(), "a process of the lab survived down");
    QVERIFY(!QFileInfo::exists(lab.dir() + QStringLiteral("/lab.env")));
    QVERIFY(!QFileInfo::exists(socket));
    // down is idempotent, and the card persists for the next up.
    QVERIFY2(lab.down(), qPrintable(lab.error()));
    QVERIFY(QFileInfo(lab.dir() + QStringLiteral("/card")).isDir());
}

void TestLab::upTwiceIsNoOp()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    const qint64 pcscd = lab.pcscdPid();
    const qint64 softcard = lab.softcardPid();

    const ProcessResult again = lab.runLab(QStringLiteral("up"));
    QVERIFY2(again.ok(), qPrintable(again.describe()));
    QCOMPARE(lab.pcscdPid(), pcscd);
    QCOMPARE(lab.softcardPid(), softcard);
    QVERIFY(processAlive(pcscd));
    QVERIFY(processAlive(softcard));

    // After down, up again reuses the same card and comes back fully.
    QVERIFY2(lab.down(), qPrintable(lab.error()));
    const ProcessResult up = lab.runLab(QStringLiteral("up"));
    QVERIFY2(up.ok(), qPrintable(up.describe()));
    QVERIFY(processAlive(lab.pcscdPid()));
    QVERIFY(lab.pcscdPid() != pcscd);
    QVERIFY(waitCardColumn(lab, QStringLiteral("Yes"), 5000));
}

void TestLab::cardStopAndStart()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    const qint64 softcard = lab.softcardPid();

    QVERIFY2(lab.cardStop(), qPrintable(lab.error()));
    QVERIFY(!processAlive(softcard));
    // vpcd polls its card about twice a second, so pcsc-lite sees the removal soon after.
    QVERIFY2(waitCardColumn(lab, QStringLiteral("No"), 3000), "card still shown after card-stop");
    QVERIFY(processAlive(lab.pcscdPid()));

    QVERIFY2(lab.cardStart(), qPrintable(lab.error()));
    QCOMPARE(cardColumn(lab, lab.env(QStringLiteral("LAB_READER"))), QStringLiteral("Yes"));
    QVERIFY(processAlive(lab.softcardPid()));
    QVERIFY(lab.softcardPid() != softcard);
    // card-start on a served card is harmless.
    QVERIFY2(lab.cardStart(), qPrintable(lab.error()));
}

void TestLab::pcscdRestart()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    const qint64 pcscd = lab.pcscdPid();
    const qint64 softcard = lab.softcardPid();

    QVERIFY2(lab.pcscdRestart(), qPrintable(lab.error()));
    QVERIFY(!processAlive(pcscd));
    QVERIFY(processAlive(lab.pcscdPid()));
    // The soft card reconnects to the new pcscd's vpcd by itself: same process, card present again.
    QCOMPARE(lab.softcardPid(), softcard);
    QVERIFY(processAlive(softcard));
    QCOMPARE(cardColumn(lab, lab.env(QStringLiteral("LAB_READER"))), QStringLiteral("Yes"));
}

void TestLab::optionsAndTwoLabsSideBySide()
{
    Lab first({.key = QStringLiteral("p256"), .pin = QStringLiteral("24681357")});
    QVERIFY2(first.isUp(), qPrintable(first.error()));
    Lab second({.key = QStringLiteral("p384"), .pin = QStringLiteral("123456")});
    QVERIFY2(second.isUp(), qPrintable(second.error()));

    QCOMPARE(first.env(QStringLiteral("SOFTCARD_KEY")), QStringLiteral("p256"));
    QCOMPARE(first.env(QStringLiteral("SOFTCARD_PIN")), QStringLiteral("24681357"));
    QCOMPARE(second.env(QStringLiteral("SOFTCARD_KEY")), QStringLiteral("p384"));
    QVERIFY(first.env(QStringLiteral("LAB_VPCD_PORT")) != second.env(QStringLiteral("LAB_VPCD_PORT")));
    QVERIFY(first.env(QStringLiteral("ADMIN_PCSCLITE_CSOCK_NAME"))
            != second.env(QStringLiteral("ADMIN_PCSCLITE_CSOCK_NAME")));

    // Pulling the card of one lab leaves the other alone.
    QVERIFY2(first.cardStop(), qPrintable(first.error()));
    QVERIFY(waitCardColumn(first, QStringLiteral("No"), 3000));
    QCOMPARE(cardColumn(second, second.env(QStringLiteral("LAB_READER"))), QStringLiteral("Yes"));

    // A card is made once: a later up with another key type is refused with a clear message.
    QVERIFY2(first.down(), qPrintable(first.error()));
    const ProcessResult otherKey =
        first.runLab(QStringLiteral("up"), {QStringLiteral("--key"), QStringLiteral("rsa2048")});
    QVERIFY(otherKey.started && otherKey.exitCode != 0);
    QVERIFY2(otherKey.err.contains("already holds a p256 card"), otherKey.err.constData());
}

void TestLab::failedUpLeavesNothingRunning()
{
    // A soft card binary that exits at once: up must fail with one clear line and take down the pcscd it
    // started rather than leave it behind.
    QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/sra-lab-fail-XXXXXX"));
    QVERIFY(dir.isValid());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SRA_SOFTCARD"), QStringLiteral("/bin/false"));
    const QString script = sra::test::sourceDir() + QStringLiteral("/scripts/sra-lab");
    const ProcessResult up = runProcess(script, {QStringLiteral("up"), dir.path()}, env, {}, 60000);
    QVERIFY(up.started && !up.timedOut);
    QVERIFY(up.exitCode != 0);
    const QString err = QString::fromLocal8Bit(up.err).trimmed();
    QVERIFY2(err.startsWith(QStringLiteral("sra-lab: sra-softcard create failed")), qPrintable(err));
    QVERIFY2(!err.contains(QLatin1Char('\n')), qPrintable(err));
    QVERIFY2(processesWithArgument(dir.path()).isEmpty(), "a process of the failed lab is still running");

    // And when serve is what fails (the card was already made), the started pcscd is taken down too.
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("card")));
    QFile params(dir.path() + QStringLiteral("/card.params"));
    QVERIFY(params.open(QIODevice::WriteOnly));
    params.write("rsa2048 123456\n");
    params.close();
    const ProcessResult serve = runProcess(script, {QStringLiteral("up"), dir.path()}, env, {}, 60000);
    QVERIFY(serve.started && !serve.timedOut && serve.exitCode != 0);
    QVERIFY2(serve.err.contains("sra-softcard exited"), serve.err.constData());
    QVERIFY2(processesWithArgument(dir.path()).isEmpty(), "pcscd of the failed lab is still running");
    const ProcessResult down = runProcess(script, {QStringLiteral("down"), dir.path()}, env, {}, 60000);
    QVERIFY2(down.ok(), qPrintable(down.describe()));
}

QTEST_GUILESS_MAIN(TestLab)
#include "TestLab.moc"
