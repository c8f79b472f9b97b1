#include "core/session/KnownHosts.h"
#include "core/tls/HostPort.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using sra::core::KnownHosts;
using sra::core::parseHostPort;

namespace {

// A distinct 32-byte fingerprint per label.
QByteArray fingerprint(const char* label)
{
    return QCryptographicHash::hash(QByteArray(label), QCryptographicHash::Sha256);
}

// The line format written independently of KnownHosts::save: colon-separated upper-case hex.
QByteArray hexColons(const QByteArray& bytes)
{
    return bytes.toHex(':').toUpper();
}

bool writeFile(const QString& file, const QByteArray& bytes)
{
    QFile f(file);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QByteArray readFile(const QString& file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

// Trust-on-first-use store: host[:port] parsing, the known_hosts file format, and its tolerant loader.
class TestKnownHosts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void parseUsesTheDefaultPort();
    void saveLoadRoundTrip();
    void savedFormat();
    void setReplaces();
    void remove();
    void hostIsCaseInsensitive();
    void malformedLinesSkipped_data();
    void malformedLinesSkipped();
    void commentsAndBlankLines();
    void tooLargeRefused();
    void missingFileIsEmpty();
    void loadReplacesWhatWasInMemory();

private:
    QString file(const char* name) const
    {
        return m_dir.filePath(QLatin1String(name));
    }

    QTemporaryDir m_dir;
};

void TestKnownHosts::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestKnownHosts::parseValid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addRow("name") << "srv.example"
                          << "srv.example" << 4116;
    QTest::addRow("name:port") << "srv.example:2222"
                               << "srv.example" << 2222;
    QTest::addRow("name:65535") << "srv:65535"
                                << "srv" << 65535;
    QTest::addRow("name:1") << "srv:1"
                            << "srv" << 1;
    QTest::addRow("ipv4") << "192.0.2.7"
                          << "192.0.2.7" << 4116;
    QTest::addRow("ipv4:port") << "192.0.2.7:443"
                               << "192.0.2.7" << 443;
    QTest::addRow("[v6]") << "[::1]"
                          << "::1" << 4116;
    QTest::addRow("[v6]:port") << "[::1]:4116"
                               << "::1" << 4116;
    QTest::addRow("[v6]:other port") << "[2001:db8::5]:9000"
                                     << "2001:db8::5" << 9000;
    QTest::addRow("bare v6") << "::1"
                             << "::1" << 4116;
    QTest::addRow("bare v6 full") << "2001:db8:0:0:1:0:0:1"
                                  << "2001:db8:0:0:1:0:0:1" << 4116;
    QTest::addRow("bare v6 zone") << "fe80::1%eth0"
                                  << "fe80::1%eth0" << 4116;
    QTest::addRow("[v6 zone]:port") << "[fe80::1%eth0]:22"
                                    << "fe80::1%eth0" << 22;
    QTest::addRow("v4-mapped v6") << "[::ffff:192.0.2.1]:5"
                                  << "::ffff:192.0.2.1" << 5;
    QTest::addRow("upper-case name") << "SRV.Example.ORG:10"
                                     << "srv.example.org" << 10;
    QTest::addRow("upper-case v6") << "[2001:DB8::AB]"
                                   << "2001:db8::ab" << 4116;
    QTest::addRow("surrounding blanks") << "  srv:7 "
                                        << "srv" << 7;
    QTest::addRow("underscore") << "my_host"
                                << "my_host" << 4116;
    QTest::addRow("253-character name") << QString(253, QLatin1Char('a')) << QString(253, QLatin1Char('a')) << 4116;
}

void TestKnownHosts::parseValid()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QFETCH(int, port);
    QString gotHost = QStringLiteral("unchanged");
    quint16 gotPort = 1;
    QVERIFY(parseHostPort(text, gotHost, gotPort));
    QCOMPARE(gotHost, host);
    QCOMPARE(int(gotPort), port);
    // formatHostPort writes what parseHostPort reads back, with and without the default port spelled out.
    for (const quint16 defaultPort : {sra::core::kDefaultSradPort, quint16(0)}) {
        const QString written = sra::core::formatHostPort(gotHost, gotPort, defaultPort);
        QString again;
        quint16 againPort = 0;
        QVERIFY2(parseHostPort(written, again, againPort), qPrintable(written));
        QCOMPARE(again, host);
        QCOMPARE(int(againPort), port);
        QCOMPARE(written.endsWith(QStringLiteral(":%1").arg(port)), defaultPort == 0 || gotPort != defaultPort);
    }
}

void TestKnownHosts::parseInvalid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addRow("empty") << "";
    QTest::addRow("blank") << "   ";
    QTest::addRow("colon") << ":";
    QTest::addRow("port only") << ":4116";
    QTest::addRow("host:") << "host:";
    QTest::addRow("host:0") << "host:0";
    QTest::addRow("host:65536") << "host:65536";
    QTest::addRow("host:99999999999") << "host:99999999999";
    QTest::addRow("host:-1") << "host:-1";
    QTest::addRow("host:+80") << "host:+80";
    QTest::addRow("host: 80") << "host: 80";
    QTest::addRow("host :80") << "host :80";
    QTest::addRow("[ ::1]") << "[ ::1]";
    QTest::addRow("host:0x50") << "host:0x50";
    QTest::addRow("host:abc") << "host:abc";
    QTest::addRow("[::1") << "[::1";
    QTest::addRow("[::1]x") << "[::1]x";
    QTest::addRow("[::1]:") << "[::1]:";
    QTest::addRow("[::1]:0") << "[::1]:0";
    QTest::addRow("[::1]:65536") << "[::1]:65536";
    QTest::addRow("[]") << "[]";
    QTest::addRow("[notv6]") << "[notv6]";
    QTest::addRow("[ipv4]") << "[192.0.2.1]";
    QTest::addRow("a b") << "a b";
    QTest::addRow("host:port:port") << "host:80:80";
    QTest::addRow("bare v6 with garbage") << "::1::2";
    QTest::addRow("254-character name") << QString(254, QLatin1Char('a'));
    QTest::addRow("tab") << QStringLiteral("ho\tst");
    QTest::addRow("nul") << QString::fromLatin1("ho\0st", 5);
    QTest::addRow("escape") << QStringLiteral("host\x1b[0m");
    QTest::addRow("newline") << QStringLiteral("host\nevil 00:11");
    QTest::addRow("delete") << QStringLiteral("ho\x7fst");
    QTest::addRow("slash") << "host/path";
    QTest::addRow("at") << "user@host";
    // Lower-casing U+0130 gives "i" plus a combining dot: what would be stored is not a valid host.
    QTest::addRow("lower-cases to a combining mark") << QStringLiteral("\u0130stanbul");
}

void TestKnownHosts::parseInvalid()
{
    QFETCH(QString, text);
    QString host = QStringLiteral("unchanged");
    quint16 port = 1;
    QVERIFY(!parseHostPort(text, host, port));
    QCOMPARE(host, QStringLiteral("unchanged"));
}

void TestKnownHosts::parseUsesTheDefaultPort()
{
    QString host;
    quint16 port = 0;
    QVERIFY(parseHostPort(QStringLiteral("srv"), host, port, 2200));
    QCOMPARE(int(port), 2200);
    QVERIFY(parseHostPort(QStringLiteral("[::1]"), host, port, 2201));
    QCOMPARE(int(port), 2201);
    QVERIFY(parseHostPort(QStringLiteral("::1"), host, port, 2202));
    QCOMPARE(int(port), 2202);
    QVERIFY(parseHostPort(QStringLiteral("srv:80"), host, port, 2203));
    QCOMPARE(int(port), 80);
}

void TestKnownHosts::saveLoadRoundTrip()
{
    const QString path = m_dir.filePath(QStringLiteral("sub/dir/known_hosts")); // save creates the directory
    KnownHosts hosts(path);
    hosts.set(QStringLiteral("192.0.2.7"), 4116, fingerprint("v4"));
    hosts.set(QStringLiteral("2001:db8::5"), 4116, fingerprint("v6"));
    hosts.set(QStringLiteral("fe80::1%eth0"), 22, fingerprint("zone"));
    hosts.set(QStringLiteral("srv.example"), 4116, fingerprint("a"));
    hosts.set(QStringLiteral("srv.example"), 4117, fingerprint("b"));
    hosts.set(QStringLiteral("srv.example"), 65535, fingerprint("c"));
    QString error;
    QVERIFY2(hosts.save(&error), qPrintable(error));

    KnownHosts loaded(path);
    int skipped = -1;
    QVERIFY2(loaded.load(&error, &skipped), qPrintable(error));
    QCOMPARE(skipped, 0);
    QCOMPARE(loaded.entries().size(), 6);
    for (int i = 0; i < hosts.entries().size(); ++i) {
        const auto& want = hosts.entries().at(i);
        const auto& got = loaded.entries().at(i);
        QCOMPARE(got.host, want.host);
        QCOMPARE(got.port, want.port);
        QCOMPARE(got.sha256, want.sha256);
    }
    QCOMPARE(loaded.find(QStringLiteral("2001:db8::5"), 4116), fingerprint("v6"));
    QCOMPARE(loaded.find(QStringLiteral("srv.example"), 4117), fingerprint("b"));
    QVERIFY(!loaded.find(QStringLiteral("srv.example"), 4118).has_value());
    QVERIFY(!loaded.find(QStringLiteral("192.0.2.8"), 4116).has_value());

    // Saving what was loaded writes the same bytes.
    const QByteArray first = readFile(path);
    QVERIFY(loaded.save(&error));
    QCOMPARE(readFile(path), first);
}

void TestKnownHosts::savedFormat()
{
    const QString path = file("format");
    KnownHosts hosts(path);
    hosts.set(QStringLiteral("srv"), 4116, fingerprint("x"));
    hosts.set(QStringLiteral("::1"), 2222, fingerprint("y"));
    QVERIFY(hosts.save());
    QList<QByteArray> lines;
    for (const QByteArray& line : readFile(path).split('\n')) {
        if (!line.isEmpty() && !line.startsWith('#')) {
            lines.append(line);
        }
    }
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(0), "srv:4116 " + hexColons(fingerprint("x")));
    QCOMPARE(lines.at(1), "[::1]:2222 " + hexColons(fingerprint("y"))); // IPv6 in brackets
}

void TestKnownHosts::setReplaces()
{
    KnownHosts hosts(file("set"));
    hosts.set(QStringLiteral("srv"), 4116, fingerprint("old"));
    hosts.set(QStringLiteral("other"), 4116, fingerprint("other"));
    hosts.set(QStringLiteral("srv"), 4116, fingerprint("new"));
    QCOMPARE(hosts.entries().size(), 2);
    QCOMPARE(hosts.find(QStringLiteral("srv"), 4116), fingerprint("new"));
    QCOMPARE(hosts.find(QStringLiteral("other"), 4116), fingerprint("other"));
    QVERIFY(hosts.save());
    KnownHosts loaded(file("set"));
    QVERIFY(loaded.load());
    QCOMPARE(loaded.entries().size(), 2);
    QCOMPARE(loaded.find(QStringLiteral("srv"), 4116), fingerprint("new"));
}

void TestKnownHosts::remove()
{
    KnownHosts hosts(file("remove"));
    hosts.set(QStringLiteral("srv"), 4116, fingerprint("a"));
    hosts.set(QStringLiteral("srv"), 4117, fingerprint("b"));
    QVERIFY(!hosts.remove(QStringLiteral("srv"), 4118));
    QVERIFY(!hosts.remove(QStringLiteral("other"), 4116));
    QCOMPARE(hosts.entries().size(), 2);
    QVERIFY(hosts.remove(QStringLiteral("SRV"), 4116));
    QVERIFY(!hosts.find(QStringLiteral("srv"), 4116).has_value());
    QCOMPARE(hosts.find(QStringLiteral("srv"), 4117), fingerprint("b")); // the other port stays
    QVERIFY(!hosts.remove(QStringLiteral("srv"), 4116));
    QVERIFY(hosts.save());
    KnownHosts loaded(file("remove"));
    QVERIFY(loaded.load());
    QCOMPARE(loaded.entries().size(), 1);
    QVERIFY(!loaded.find(QStringLiteral("srv"), 4116).has_value());
}

void TestKnownHosts::hostIsCaseInsensitive()
{
    KnownHosts hosts(file("case"));
    hosts.set(QStringLiteral("Srv.Example"), 4116, fingerprint("a"));
    QCOMPARE(hosts.find(QStringLiteral("srv.example"), 4116), fingerprint("a"));
    QCOMPARE(hosts.find(QStringLiteral("SRV.EXAMPLE"), 4116), fingerprint("a"));
    hosts.set(QStringLiteral("SRV.example"), 4116, fingerprint("b"));
    QCOMPARE(hosts.entries().size(), 1);
    QCOMPARE(hosts.entries().first().host, QStringLiteral("srv.example"));
    QCOMPARE(hosts.find(QStringLiteral("srv.example"), 4116), fingerprint("b"));

    // Upper case in the file as well.
    QVERIFY(writeFile(file("case-file"),
                      "SRV.EXAMPLE:4116 " + hexColons(fingerprint("c")) + "\n[2001:DB8::1]:1 "
                          + fingerprint("d").toHex() + "\n"));
    KnownHosts loaded(file("case-file"));
    int skipped = -1;
    QVERIFY(loaded.load(nullptr, &skipped));
    QCOMPARE(skipped, 0);
    QCOMPARE(loaded.find(QStringLiteral("Srv.Example"), 4116), fingerprint("c"));
    QCOMPARE(loaded.find(QStringLiteral("2001:db8::1"), 1), fingerprint("d"));
}

void TestKnownHosts::malformedLinesSkipped_data()
{
    const QByteArray fp = hexColons(fingerprint("good"));
    QTest::addColumn<QByteArray>("line");
    QTest::addRow("fingerprint of 31 bytes") << "bad:4116 " + hexColons(fingerprint("x").left(31));
    QTest::addRow("fingerprint of 33 bytes") << "bad:4116 " + hexColons(fingerprint("x") + 'x');
    QTest::addRow("SHA-1 fingerprint") << "bad:4116 "
                                              + hexColons(QCryptographicHash::hash("x", QCryptographicHash::Sha1));
    QTest::addRow("fingerprint not hex") << "bad:4116 " + QByteArray(64, 'g');
    QTest::addRow("fingerprint odd hex digits") << "bad:4116 " + fingerprint("x").toHex().left(63);
    QTest::addRow("missing fingerprint") << QByteArray("bad:4116");
    QTest::addRow("missing host") << QByteArray(fp);
    QTest::addRow("bad host") << "bad host!:4116 " + fp;
    QTest::addRow("port 0") << "bad:0 " + fp;
    QTest::addRow("port too large") << "bad:70000 " + fp;
    QTest::addRow("empty port") << "bad: " + fp;
    QTest::addRow("unclosed bracket") << "[::1:4116 " + fp;
    QTest::addRow("extra field") << "bad:4116 " + fp + " extra";
    QTest::addRow("tab separated") << "bad:4116\t" + fp;
}

void TestKnownHosts::malformedLinesSkipped()
{
    QFETCH(QByteArray, line);
    const QByteArray good1 = "good1:4116 " + hexColons(fingerprint("1"));
    const QByteArray good2 = "[::1]:4116 " + hexColons(fingerprint("2"));
    QVERIFY(writeFile(file("malformed"), good1 + '\n' + line + '\n' + line + '\n' + good2 + '\n'));
    KnownHosts hosts(file("malformed"));
    QString error;
    int skipped = -1;
    QVERIFY2(hosts.load(&error, &skipped), qPrintable(error));
    QCOMPARE(skipped, 2);
    QCOMPARE(hosts.entries().size(), 2);
    QCOMPARE(hosts.find(QStringLiteral("good1"), 4116), fingerprint("1"));
    QCOMPARE(hosts.find(QStringLiteral("::1"), 4116), fingerprint("2"));
    QVERIFY(!hosts.find(QStringLiteral("bad"), 4116).has_value());
}

void TestKnownHosts::commentsAndBlankLines()
{
    const QByteArray text = "# comment\n"
                            "\n"
                            "   \n"
                            "\t# indented comment\n"
                            "  a:1   "
                            + hexColons(fingerprint("a"))
                            + "  \r\n"
                              "#b:2 "
                            + hexColons(fingerprint("b"))
                            + "\n"
                              "c:3 "
                            + fingerprint("c").toHex(); // no final newline, plain hex
    QVERIFY(writeFile(file("comments"), text));
    KnownHosts hosts(file("comments"));
    int skipped = -1;
    QVERIFY(hosts.load(nullptr, &skipped));
    QCOMPARE(skipped, 0);
    QCOMPARE(hosts.entries().size(), 2);
    QCOMPARE(hosts.find(QStringLiteral("a"), 1), fingerprint("a"));
    QVERIFY(!hosts.find(QStringLiteral("b"), 2).has_value());
    QCOMPARE(hosts.find(QStringLiteral("c"), 3), fingerprint("c"));
}

void TestKnownHosts::tooLargeRefused()
{
    const QByteArray line = "srv:4116 " + hexColons(fingerprint("a")) + '\n';
    QByteArray text;
    while (text.size() <= 1024 * 1024) {
        text += "# padding padding padding padding padding padding padding padding padding padding\n";
    }
    text += line;
    QVERIFY(text.size() > 1024 * 1024);
    QVERIFY(writeFile(file("large"), text));
    KnownHosts hosts(file("large"));
    hosts.set(QStringLiteral("stale"), 1, fingerprint("stale"));
    QString error;
    QVERIFY(!hosts.load(&error));
    QVERIFY(!error.isEmpty());
    QVERIFY(hosts.entries().isEmpty());

    // Exactly 1 MiB is still read.
    QByteArray exact = line;
    exact.prepend(QByteArray(1024 * 1024 - line.size() - 1, '#') + '\n');
    QCOMPARE(exact.size(), 1024 * 1024);
    QVERIFY(writeFile(file("exact"), exact));
    KnownHosts atLimit(file("exact"));
    QVERIFY(atLimit.load(&error));
    QCOMPARE(atLimit.find(QStringLiteral("srv"), 4116), fingerprint("a"));
}

void TestKnownHosts::missingFileIsEmpty()
{
    KnownHosts hosts(file("does-not-exist"));
    hosts.set(QStringLiteral("stale"), 1, fingerprint("stale"));
    QString error;
    int skipped = -1;
    QVERIFY(hosts.load(&error, &skipped));
    QVERIFY(error.isEmpty());
    QCOMPARE(skipped, 0);
    QVERIFY(hosts.entries().isEmpty());
    QVERIFY(!QFile::exists(file("does-not-exist"))); // loading creates nothing
}

void TestKnownHosts::loadReplacesWhatWasInMemory()
{
    QVERIFY(writeFile(file("replace"), "a:1 " + hexColons(fingerprint("a")) + "\n"));
    KnownHosts hosts(file("replace"));
    hosts.set(QStringLiteral("stale"), 1, fingerprint("stale"));
    QVERIFY(hosts.load());
    QCOMPARE(hosts.entries().size(), 1);
    QVERIFY(!hosts.find(QStringLiteral("stale"), 1).has_value());
    // A later line for the same host and port wins.
    QVERIFY(writeFile(file("replace"),
                      "a:1 " + hexColons(fingerprint("a")) + "\nA:1 " + hexColons(fingerprint("b")) + "\n"));
    QVERIFY(hosts.load());
    QCOMPARE(hosts.entries().size(), 1);
    QCOMPARE(hosts.find(QStringLiteral("a"), 1), fingerprint("b"));
}

QTEST_GUILESS_MAIN(TestKnownHosts)
#include "TestKnownHosts.moc"
