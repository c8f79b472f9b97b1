#include "core/remote/PamServiceFile.h"

#include <QTest>

using sra::core::PamServiceFile;

namespace {

const QString kConfig = QStringLiteral("/etc/secure-remote-access/smartcard-login/pam_pkcs11.conf");

QByteArray ourLines()
{
    return PamServiceFile::markerLine() + '\n' + PamServiceFile::entryLine(kConfig) + '\n';
}

// Debian 12's /etc/pam.d/login, shortened: comments, a module with arguments in brackets, includes.
const QByteArray kLogin = "#\n"
                          "# The PAM configuration file for the Shadow `login' service\n"
                          "#\n"
                          "auth       optional   pam_faildelay.so  delay=3000000\n"
                          "auth [success=ok new_authtok_reqd=ok ignore=ignore user_unknown=bad default=die] "
                          "pam_securetty.so\n"
                          "@include common-auth\n"
                          "@include common-account\n"
                          "session    optional   pam_motd.so motd=/run/motd.dynamic\n";

} // namespace

// PamServiceFile: what smart-card login set-up reads from a PAM service file, and that adding and then removing
// our two lines gives back every byte of the original, whatever the file holds.
class TestPamServiceFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void logicalLines();
    void authStart_data();
    void authStart();
    void entryDetection();
    void insertsBeforeTheAuthStack();
    void appendsWithoutAnAuthStack();
    void insertingTwiceChangesNothing();
    void roundTrip_data();
    void roundTrip();
    void removesOnlyOurLines();
    void removesAContinuedEntry();
};

void TestPamServiceFile::logicalLines()
{
    // A backslash at the end of a line joins the next one (a CR before the newline does not hide it); '#'
    // starts a comment up to the end of the logical line; blank and comment lines have no tokens.
    const PamServiceFile file = PamServiceFile::parse("auth required \\\r\n  pam_unix.so # why\n"
                                                      "\n"
                                                      "# comment\n"
                                                      "account\trequired\tpam_unix.so\r\n");
    QCOMPARE(file.physicalLines().size(), 6); // the final newline leaves an empty last piece
    QCOMPARE(file.lines().size(), 5);
    const PamServiceFile::Line& first = file.lines().at(0);
    QCOMPARE(first.firstPhysical, 0);
    QCOMPARE(first.physicalCount, 2);
    QCOMPARE(first.tokens, (QList<QByteArray>{"auth", "required", "pam_unix.so"}));
    QVERIFY(file.lines().at(1).tokens.isEmpty());
    QVERIFY(file.lines().at(2).tokens.isEmpty());
    QCOMPARE(file.lines().at(3).firstPhysical, 4);
    QCOMPARE(file.lines().at(3).tokens, (QList<QByteArray>{"account", "required", "pam_unix.so"}));
    QVERIFY(file.lines().at(4).tokens.isEmpty());

    // A backslash on the last line has nothing to join and stays a line of its own.
    const PamServiceFile last = PamServiceFile::parse("auth required pam_unix.so \\");
    QCOMPARE(last.lines().size(), 1);
    QCOMPARE(last.lines().at(0).tokens, (QList<QByteArray>{"auth", "required", "pam_unix.so", "\\"}));
}

void TestPamServiceFile::authStart_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qsizetype>("start");

    QTest::addRow("login") << kLogin << qsizetype(3);
    QTest::addRow("-auth") << QByteArray("# x\naccount required pam_unix.so\n-auth optional pam_gnome_keyring.so\n")
                           << qsizetype(2);
    QTest::addRow("include common-auth") << QByteArray("session required pam_env.so\n@include common-auth\n")
                                         << qsizetype(1);
    QTest::addRow("include without auth")
        << QByteArray("@include common-account\n@include common-session\n") << qsizetype(-1);
    QTest::addRow("auth in a comment") << QByteArray("# auth required pam_unix.so\naccount required x.so\n")
                                       << qsizetype(-1);
    QTest::addRow("after a continuation")
        << QByteArray("account required \\\n pam_unix.so\nauth required x.so\n") << qsizetype(2);
    QTest::addRow("empty") << QByteArray() << qsizetype(-1);
}

void TestPamServiceFile::authStart()
{
    QFETCH(QByteArray, text);
    QFETCH(qsizetype, start);
    QCOMPARE(PamServiceFile::parse(text).authStart(), start);
}

void TestPamServiceFile::entryDetection()
{
    const PamServiceFile plain = PamServiceFile::parse(kLogin);
    QVERIFY(!plain.hasEntryFor(kConfig));
    QVERIFY(!plain.usesPamPkcs11());

    const PamServiceFile ours = PamServiceFile::parse(plain.withEntry(kConfig));
    QVERIFY(ours.hasEntryFor(kConfig));
    QVERIFY(ours.usesPamPkcs11());
    QVERIFY(!ours.hasEntryFor(QStringLiteral("/etc/pam_pkcs11/pam_pkcs11.conf")));

    // Someone else's pam_pkcs11 (by path, or as an optional "-auth" line) counts as pam_pkcs11, not as ours.
    const PamServiceFile foreign = PamServiceFile::parse(
        "auth sufficient /lib/x86_64-linux-gnu/security/pam_pkcs11.so config_file=/etc/other.conf\n");
    QVERIFY(foreign.usesPamPkcs11());
    QVERIFY(!foreign.hasEntryFor(kConfig));
    QVERIFY(PamServiceFile::parse("-auth optional pam_pkcs11.so\n").usesPamPkcs11());
    // Our argument on a line that is not an auth line, or before the module, is not our entry.
    QVERIFY(!PamServiceFile::parse("session optional pam_pkcs11.so config_file=" + kConfig.toUtf8() + '\n')
                 .hasEntryFor(kConfig));
    QVERIFY(!PamServiceFile::parse("auth sufficient config_file=" + kConfig.toUtf8() + " pam_pkcs11.so\n")
                 .hasEntryFor(kConfig));
    // A commented-out entry is no entry.
    QVERIFY(!PamServiceFile::parse("# " + PamServiceFile::entryLine(kConfig) + '\n').hasEntryFor(kConfig));
}

void TestPamServiceFile::insertsBeforeTheAuthStack()
{
    const QByteArray with = PamServiceFile::parse(kLogin).withEntry(kConfig);
    const qsizetype authAt = kLogin.indexOf("auth       optional");
    QCOMPARE(with, kLogin.left(authAt) + ourLines() + kLogin.mid(authAt));
    QVERIFY(PamServiceFile::entryLine(kConfig).startsWith("auth\tsufficient\tpam_pkcs11.so config_file="));
    QVERIFY(PamServiceFile::markerLine().startsWith("# "));
}

void TestPamServiceFile::appendsWithoutAnAuthStack()
{
    QCOMPARE(PamServiceFile::parse("account required pam_unix.so\n").withEntry(kConfig),
             "account required pam_unix.so\n" + ourLines());
    // Without a final newline the file gets none either.
    QCOMPARE(PamServiceFile::parse("account required pam_unix.so").withEntry(kConfig),
             "account required pam_unix.so\n" + ourLines().chopped(1));
    QCOMPARE(PamServiceFile::parse(QByteArray()).withEntry(kConfig), ourLines());
}

void TestPamServiceFile::insertingTwiceChangesNothing()
{
    const QByteArray once = PamServiceFile::parse(kLogin).withEntry(kConfig);
    QCOMPARE(PamServiceFile::parse(once).withEntry(kConfig), once);
}

void TestPamServiceFile::roundTrip_data()
{
    QTest::addColumn<QByteArray>("original");

    QTest::addRow("login") << kLogin;
    QTest::addRow("empty") << QByteArray();
    QTest::addRow("one newline") << QByteArray("\n");
    QTest::addRow("no final newline") << QByteArray("auth required pam_unix.so");
    QTest::addRow("only comments") << QByteArray("# nothing\n#auth required pam_unix.so\n");
    QTest::addRow("CRLF") << QByteArray("auth required pam_unix.so\r\naccount required pam_unix.so\r\n");
    QTest::addRow("continuation") << QByteArray("auth [success=1 \\\n default=ignore] pam_unix.so\n");
    QTest::addRow("include only") << QByteArray("@include common-auth\n");
    QTest::addRow("blank lines at the end") << QByteArray("auth required pam_unix.so\n\n\n");
    QTest::addRow("foreign pam_pkcs11") << QByteArray("auth sufficient pam_pkcs11.so config_file=/etc/o.conf\n");
    QTest::addRow("binary") << QByteArray("auth\0 \xff\xfe\\\n\\\\\n#\x01\n", 16);
}

void TestPamServiceFile::roundTrip()
{
    QFETCH(QByteArray, original);
    const QByteArray with = PamServiceFile::parse(original).withEntry(kConfig);
    QVERIFY(with != original);
    QVERIFY(PamServiceFile::parse(with).hasEntryFor(kConfig));
    QCOMPARE(PamServiceFile::parse(with).withoutEntry(kConfig), original);
    // Removing from a file that never had the entry changes nothing either.
    QCOMPARE(PamServiceFile::parse(original).withoutEntry(kConfig), original);
}

void TestPamServiceFile::removesOnlyOurLines()
{
    // Lines added around ours after the fact stay; so do a foreign pam_pkcs11 line and a marker that is part of
    // a longer comment.
    const QByteArray foreign = "auth sufficient pam_pkcs11.so config_file=/etc/o.conf\n";
    const QByteArray longerComment = PamServiceFile::markerLine() + " (and more)\n";
    const QByteArray edited = "# site note\n" + ourLines() + foreign + longerComment + "auth required pam_unix.so\n";
    QCOMPARE(PamServiceFile::parse(edited).withoutEntry(kConfig),
             "# site note\n" + foreign + longerComment + "auth required pam_unix.so\n");
    // Our entry without its marker (someone deleted the comment) still goes; a lone marker goes too.
    QCOMPARE(PamServiceFile::parse(PamServiceFile::entryLine(kConfig) + "\nx\n").withoutEntry(kConfig),
             QByteArray("x\n"));
    QCOMPARE(PamServiceFile::parse(PamServiceFile::markerLine() + "\nx\n").withoutEntry(kConfig), QByteArray("x\n"));
}

void TestPamServiceFile::removesAContinuedEntry()
{
    // An administrator split our line in two: it is still one logical line, and both physical lines go.
    const QByteArray split = "auth\tsufficient \\\n\tpam_pkcs11.so config_file=" + kConfig.toUtf8() + "\nx\n";
    const PamServiceFile file = PamServiceFile::parse(split);
    QVERIFY(file.hasEntryFor(kConfig));
    QCOMPARE(file.withoutEntry(kConfig), QByteArray("x\n"));
    QCOMPARE(file.withEntry(kConfig), split);
}

QTEST_GUILESS_MAIN(TestPamServiceFile)
#include "TestPamServiceFile.moc"
