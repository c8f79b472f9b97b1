// The parsing parts of srad --check: pcsc-lite reader.conf entries, p11-kit module files, where a relative
// module: is looked for, and the POSIX rule that decides whether the service user may read the TLS key.
#include "remote-service/SradCheck.h"

#include <QTest>

using sra::srad::Access;
using sra::srad::CheckResult;
using sra::srad::FileOwnership;
using sra::srad::ReaderConf;

class TestSradCheck : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readerConfOneReader();
    void readerConfSeveralReaders();
    void readerConfComments();
    void readerConfMissingLibpath();
    void readerConfErrors_data();
    void readerConfErrors();
    void p11KitModule_data();
    void p11KitModule();
    void p11KitCandidates_data();
    void p11KitCandidates();
    void userMay_data();
    void userMay();
    void resultLine();
};

// The file the build installs (pcscd-driver/reader.conf.in, configured).
void TestSradCheck::readerConfOneReader()
{
    const ReaderConf conf = sra::srad::parseReaderConf("# SRA virtual card reader\n"
                                                       "FRIENDLYNAME \"SRA Virtual Card Reader\"\n"
                                                       "DEVICENAME /run/secure-remote-access/local.sock\n"
                                                       "LIBPATH /usr/lib/pcsc/drivers/serial/libifd-sra.so\n"
                                                       "CHANNELID 0\n");
    QVERIFY2(conf.errors.isEmpty(), qPrintable(conf.errors.join(QLatin1Char('\n'))));
    QVERIFY(conf.incomplete.isEmpty());
    QCOMPARE(conf.readers.size(), 1);
    QCOMPARE(conf.readers[0].friendlyName, QStringLiteral("SRA Virtual Card Reader")); // quotes stripped
    QCOMPARE(conf.readers[0].deviceName, QStringLiteral("/run/secure-remote-access/local.sock"));
    QCOMPARE(conf.readers[0].libPath, QStringLiteral("/usr/lib/pcsc/drivers/serial/libifd-sra.so"));
    QCOMPARE(conf.readers[0].channelId, QStringLiteral("0"));
    QCOMPARE(conf.readers[0].line, 2);
}

void TestSradCheck::readerConfSeveralReaders()
{
    // Order within an entry is free; an entry ends once it has all four keywords.
    const ReaderConf conf = sra::srad::parseReaderConf("FRIENDLYNAME \"Serial reader\"\n"
                                                       "DEVICENAME /dev/ttyS0\n"
                                                       "LIBPATH /usr/lib/pcsc/drivers/serial/libccidtwin.so\n"
                                                       "CHANNELID 0x0103F8\n"
                                                       "\n"
                                                       "LIBPATH /usr/lib/pcsc/drivers/serial/libifd-sra.so\n"
                                                       "CHANNELID 0\n"
                                                       "DEVICENAME /run/sra.sock\n"
                                                       "FRIENDLYNAME SRA\n");
    QVERIFY2(conf.errors.isEmpty(), qPrintable(conf.errors.join(QLatin1Char('\n'))));
    QCOMPARE(conf.readers.size(), 2);
    QCOMPARE(conf.readers[0].libPath, QStringLiteral("/usr/lib/pcsc/drivers/serial/libccidtwin.so"));
    QCOMPARE(conf.readers[1].libPath, QStringLiteral("/usr/lib/pcsc/drivers/serial/libifd-sra.so"));
    QCOMPARE(conf.readers[1].deviceName, QStringLiteral("/run/sra.sock"));
    QCOMPARE(conf.readers[1].line, 6);
}

void TestSradCheck::readerConfComments()
{
    const ReaderConf conf =
        sra::srad::parseReaderConf("#LIBPATH /commented/out/libifd-sra.so\n"
                                   "FRIENDLYNAME SRA   # a comment after a value\n"
                                   "  # an indented comment line\n"
                                   "DEVICENAME /run/a#b.sock\n" // '#' inside a token is part of it, as in pcscd's lexer
                                   "LIBPATH /usr/lib/libifd-sra.so\r\n"
                                   "CHANNELID 0\n");
    QVERIFY2(conf.errors.isEmpty(), qPrintable(conf.errors.join(QLatin1Char('\n'))));
    QCOMPARE(conf.readers.size(), 1);
    QCOMPARE(conf.readers[0].friendlyName, QStringLiteral("SRA"));
    QCOMPARE(conf.readers[0].deviceName, QStringLiteral("/run/a#b.sock"));
    QCOMPARE(conf.readers[0].libPath, QStringLiteral("/usr/lib/libifd-sra.so"));
}

void TestSradCheck::readerConfMissingLibpath()
{
    const ReaderConf conf = sra::srad::parseReaderConf("FRIENDLYNAME \"SRA Virtual Card Reader\"\n"
                                                       "DEVICENAME /run/secure-remote-access/local.sock\n"
                                                       "# LIBPATH /usr/lib/pcsc/drivers/serial/libifd-sra.so\n"
                                                       "CHANNELID 0\n");
    QVERIFY(conf.readers.isEmpty());
    QCOMPARE(conf.incomplete.size(), 1);
    QVERIFY(conf.incomplete[0].libPath.isEmpty());
    QCOMPARE(conf.incomplete[0].deviceName, QStringLiteral("/run/secure-remote-access/local.sock"));
    QCOMPARE(conf.incomplete[0].line, 1);
}

void TestSradCheck::readerConfErrors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("error");
    QTest::addRow("unknown keyword") << QByteArray("FRIENDLYNAME a\nDRIVER x\n") << "line 2: unknown keyword DRIVER";
    QTest::addRow("value on the next line")
        << QByteArray("LIBPATH\n/usr/lib/x.so\n") << "line 1: LIBPATH has no value on its line";
    QTest::addRow("no value at the end") << QByteArray("FRIENDLYNAME a\nCHANNELID") << "line 2: CHANNELID has no value";
    QTest::addRow("twice in one reader") << QByteArray("LIBPATH /a.so\nLIBPATH /b.so\n")
                                         << "line 2: LIBPATH twice in one reader";
}

void TestSradCheck::readerConfErrors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, error);
    const ReaderConf conf = sra::srad::parseReaderConf(text);
    QVERIFY(!conf.errors.isEmpty());
    QVERIFY2(conf.errors.first().startsWith(error), qPrintable(conf.errors.first()));
    QVERIFY(conf.readers.isEmpty());
}

void TestSradCheck::p11KitModule_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("module");
    QTest::addColumn<int>("errors");
    QTest::addRow("the installed file") << QByteArray(
        "# p11-kit registration\nmodule: /usr/lib/x86_64-linux-gnu/pkcs11/libsra-pkcs11.so\n"
        "# comment\ntrust-policy: no\n") << "/usr/lib/x86_64-linux-gnu/pkcs11/libsra-pkcs11.so"
                                        << 0;
    QTest::addRow("relative, blanks") << QByteArray("  module:   libsra-pkcs11.so  \n") << "libsra-pkcs11.so" << 0;
    QTest::addRow("other keys only") << QByteArray("enable-in: firefox\npriority: 5\ncritical: no\n") << "" << 0;
    QTest::addRow("commented out") << QByteArray("#module: libsra-pkcs11.so\n") << "" << 0;
    QTest::addRow("no colon") << QByteArray("module libsra-pkcs11.so\n") << "" << 1;
    QTest::addRow("section header") << QByteArray("[module]\nmodule: libsra-pkcs11.so\n") << "libsra-pkcs11.so" << 1;
    QTest::addRow("key that only contains module")
        << QByteArray("x-module: other.so\nmodule: libsra-pkcs11.so\n") << "libsra-pkcs11.so" << 0;
}

void TestSradCheck::p11KitModule()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, module);
    QFETCH(int, errors);
    const auto conf = sra::srad::parseP11KitModule(text);
    QCOMPARE(conf.module, module);
    QCOMPARE(conf.errors.size(), errors);
}

void TestSradCheck::p11KitCandidates_data()
{
    QTest::addColumn<QString>("module");
    QTest::addColumn<QString>("modulePath");
    QTest::addColumn<QStringList>("candidates");
    QTest::addRow("absolute") << "/opt/sra/../sra/libsra-pkcs11.so"
                              << "/usr/lib/pkcs11" << QStringList{QStringLiteral("/opt/sra/libsra-pkcs11.so")};
    QTest::addRow("relative") << "libsra-pkcs11.so"
                              << "/usr/lib/x86_64-linux-gnu/pkcs11"
                              << QStringList{QStringLiteral("/usr/lib/x86_64-linux-gnu/pkcs11/libsra-pkcs11.so")};
    QTest::addRow("relative, two dirs") << "sub/libsra-pkcs11.so"
                                        << "/a:/b/"
                                        << QStringList{QStringLiteral("/a/sub/libsra-pkcs11.so"),
                                                       QStringLiteral("/b/sub/libsra-pkcs11.so")};
    QTest::addRow("none") << ""
                          << "/a" << QStringList{};
}

void TestSradCheck::p11KitCandidates()
{
    QFETCH(QString, module);
    QFETCH(QString, modulePath);
    QFETCH(QStringList, candidates);
    QCOMPARE(sra::srad::p11KitModuleCandidates(module, modulePath), candidates);
}

void TestSradCheck::userMay_data()
{
    QTest::addColumn<uint>("owner");
    QTest::addColumn<uint>("group");
    QTest::addColumn<uint>("mode");
    QTest::addColumn<uint>("uid");
    QTest::addColumn<QList<uint>>("groups");
    QTest::addColumn<bool>("read");

    const uint srad = 998;
    const uint sradGroup = 997;
    QTest::addRow("root's 0600 key, srad") << 0u << 0u << 0600u << srad << QList<uint>{sradGroup} << false;
    QTest::addRow("0640 root:sra-srad") << 0u << sradGroup << 0640u << srad << QList<uint>{sradGroup} << true;
    QTest::addRow("0640, group by supplementary membership")
        << 0u << 42u << 0640u << srad << QList<uint>{sradGroup, 42u} << true;
    QTest::addRow("0640, other group") << 0u << 42u << 0640u << srad << QList<uint>{sradGroup} << false;
    QTest::addRow("0600 owned by srad") << srad << 0u << 0600u << srad << QList<uint>{sradGroup} << true;
    // The owner class decides for the owner, even when group or other would allow it.
    QTest::addRow("0044 owned by srad") << srad << sradGroup << 0044u << srad << QList<uint>{sradGroup} << false;
    QTest::addRow("0604, group excluded") << 0u << sradGroup << 0604u << srad << QList<uint>{sradGroup} << false;
    QTest::addRow("0604, other") << 0u << 42u << 0604u << srad << QList<uint>{sradGroup} << true;
    QTest::addRow("root reads anything") << 5u << 5u << 0000u << 0u << QList<uint>{0u} << true;
}

void TestSradCheck::userMay()
{
    QFETCH(uint, owner);
    QFETCH(uint, group);
    QFETCH(uint, mode);
    QFETCH(uint, uid);
    QFETCH(QList<uint>, groups);
    QFETCH(bool, read);
    const FileOwnership file{owner, group, mode};
    QCOMPARE(sra::srad::userMay(file, uid, groups, Access::Read), read);
    // Directories: search is the x bit of the same class.
    const FileOwnership dir{owner, group, mode >> 2};
    QCOMPARE(sra::srad::userMay(dir, uid, groups, Access::Search), read);
}

void TestSradCheck::resultLine()
{
    QCOMPARE((CheckResult{true, QStringLiteral("license"), QStringLiteral("valid"), {}}).line(),
             QStringLiteral("OK   license: valid"));
    QCOMPARE((CheckResult{false,
                          QStringLiteral("local socket"),
                          QStringLiteral("gone\nreally"),
                          QStringLiteral("systemctl start srad")})
                 .line(),
             QStringLiteral("FAIL local socket: gone really — systemctl start srad"));
}

QTEST_GUILESS_MAIN(TestSradCheck)
#include "TestSradCheck.moc"
