#include "support/Process.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using sra::test::ProcessResult;
using sra::test::runProcess;

// The real sra-license binary: issue with the committed test key, then show (always with --public-key, so the
// test does not depend on which key the build trusts).
class TestSraLicense : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void issueThenShow_data();
    void issueThenShow();
    void tamperedCopyFails();
    void mobileconfigIsWellFormedPlist();
    void showDirectory();
    void keygenMakesUsableKeys();
    void usageErrors_data();
    void usageErrors();

private:
    ProcessResult license(const QStringList& args) const
    {
        return runProcess(m_tool, args);
    }

    QString issue(const QString& name, const QStringList& extra = {});
    QString m_tool;
    QString m_privateKey;
    QString m_publicKey;
    QTemporaryDir m_dir;
};

void TestSraLicense::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_tool = sra::test::binaryDir() + QStringLiteral("/license-tool/sra-license");
    m_privateKey = sra::test::sourceDir() + QStringLiteral("/tests/data/license/test-license-key.pem");
    m_publicKey = sra::test::sourceDir() + QStringLiteral("/tests/data/license/test-license-key.pub.pem");
    QVERIFY2(QFile::exists(m_tool), qPrintable(m_tool));
    QVERIFY2(QFile::exists(m_privateKey), qPrintable(m_privateKey));
}

QString TestSraLicense::issue(const QString& name, const QStringList& extra)
{
    const QString out = m_dir.filePath(name);
    const auto result = license(QStringList{QStringLiteral("issue"),
                                            QStringLiteral("--key"),
                                            m_privateKey,
                                            QStringLiteral("--licensee"),
                                            QStringLiteral("ACME Corp"),
                                            QStringLiteral("--seats"),
                                            QStringLiteral("25"),
                                            QStringLiteral("--issued"),
                                            QStringLiteral("2026-01-01"),
                                            QStringLiteral("--expires"),
                                            QStringLiteral("2026-12-31"),
                                            QStringLiteral("--out"),
                                            out}
                                + extra);
    if (!result.ok()) {
        qWarning("issue failed: %s", qPrintable(result.describe()));
        return {};
    }
    return out;
}

void TestSraLicense::issueThenShow_data()
{
    QTest::addColumn<QStringList>("issueArgs");
    QTest::addColumn<QString>("date");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("sentence");

    const QStringList plain{QStringLiteral("--id"), QStringLiteral("ACME-0001")};
    QTest::addRow("valid") << plain << QStringLiteral("2026-06-15") << 0 << QStringLiteral("valid")
                           << QStringLiteral("This machine is licensed to ACME Corp for 25 seat");
    QTest::addRow("last day") << plain << QStringLiteral("2026-12-31") << 0 << QStringLiteral("valid")
                              << QStringLiteral("until 2026-12-31.");
    QTest::addRow("expired") << plain << QStringLiteral("2027-01-01") << 3 << QStringLiteral("expired")
                             << QStringLiteral("This machine's license expired on 2026-12-31. Install a renewed "
                                               "license with sra-setup or in Preferences.");
    QTest::addRow("not yet valid") << plain << QStringLiteral("2025-12-31") << 4 << QStringLiteral("not-yet-valid")
                                   << QStringLiteral("valid only from 2026-01-01");
    QTest::addRow("wrong product") << (plain
                                       + QStringList{QStringLiteral("--product"), QStringLiteral("other-product")})
                                   << QStringLiteral("2026-06-15") << 6 << QStringLiteral("wrong-product")
                                   << QStringLiteral("for another product (other-product)");
    QTest::addRow("mobileconfig") << (plain + QStringList{QStringLiteral("--mobileconfig")})
                                  << QStringLiteral("2026-06-15") << 0 << QStringLiteral("valid")
                                  << QStringLiteral("licensed to ACME Corp");
}

void TestSraLicense::issueThenShow()
{
    QFETCH(QStringList, issueArgs);
    QFETCH(QString, date);
    QFETCH(int, exitCode);
    QFETCH(QString, status);
    QFETCH(QString, sentence);

    const QString file = issue(QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('-'))
                                   + QStringLiteral(".lic"),
                               issueArgs);
    QVERIFY(!file.isEmpty());
    const auto result = license(
        {QStringLiteral("show"), file, QStringLiteral("--public-key"), m_publicKey, QStringLiteral("--date"), date});
    QVERIFY2(result.started && !result.crashed && !result.timedOut, qPrintable(result.describe()));
    QVERIFY2(result.exitCode == exitCode, qPrintable(result.describe()));
    const QString out = QString::fromUtf8(result.out);
    const QString product = issueArgs.contains(QStringLiteral("--product")) ? QStringLiteral("other-product")
                                                                            : QStringLiteral("secure-remote-access");
    for (const QString& line : QStringList{QStringLiteral("Product:   ") + product,
                                           QStringLiteral("ID:        ACME-0001"),
                                           QStringLiteral("Licensee:  ACME Corp"),
                                           QStringLiteral("Seats:     25"),
                                           QStringLiteral("Issued:    2026-01-01"),
                                           QStringLiteral("Expires:   2026-12-31"),
                                           QStringLiteral("Status:    ") + status}) {
        QVERIFY2(out.contains(line + QLatin1Char('\n')), qPrintable(line + QStringLiteral(" not in:\n") + out));
    }
    QVERIFY2(out.contains(sentence), qPrintable(out));
}

void TestSraLicense::tamperedCopyFails()
{
    const QString file = issue(QStringLiteral("original.sralic"), {QStringLiteral("--id"), QStringLiteral("T-1")});
    QVERIFY(!file.isEmpty());
    QFile in(file);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QByteArray text = in.readAll();
    in.close();

    // One base64 character of the payload changed: the payload's bytes differ, the armour stays well-formed.
    const qsizetype at = text.indexOf('\n') + 20;
    text[at] = text.at(at) == 'A' ? 'B' : 'A';
    const QString tampered = m_dir.filePath(QStringLiteral("tampered.sralic"));
    QFile out(tampered);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(text);
    out.close();

    const auto result = license({QStringLiteral("show"), tampered, QStringLiteral("--public-key"), m_publicKey});
    QVERIFY2(result.started && !result.crashed && result.exitCode == 5, qPrintable(result.describe()));
    const QString shown = QString::fromUtf8(result.out);
    QVERIFY2(shown.contains(QStringLiteral("Status:    bad-signature")), qPrintable(shown));
    QVERIFY2(
        shown.contains(QStringLiteral("This machine's license has an invalid signature: it was altered or not "
                                      "issued by the vendor. Install the original license file from your vendor.")),
        qPrintable(shown));
    // Nothing from an unverified payload is shown.
    QVERIFY2(!shown.contains(QStringLiteral("Licensee:")), qPrintable(shown));

    // The untouched original still verifies.
    QCOMPARE(license({QStringLiteral("show"), file, QStringLiteral("--public-key"), m_publicKey}).exitCode, 0);
}

void TestSraLicense::mobileconfigIsWellFormedPlist()
{
    const QString file = issue(QStringLiteral("acme.mobileconfig"), {QStringLiteral("--mobileconfig")});
    QVERIFY(!file.isEmpty());
    QFile in(file);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&in);
    bool sawDoctype = false;
    QStringList keys;
    QString rootElement;
    int depth = 0;
    while (!xml.atEnd()) {
        const auto token = xml.readNext();
        if (token == QXmlStreamReader::DTD) {
            sawDoctype = xml.text().contains(QStringLiteral("-//Apple//DTD PLIST 1.0//EN"));
        } else if (token == QXmlStreamReader::StartElement) {
            if (depth++ == 0) {
                rootElement = xml.name().toString();
                QCOMPARE(xml.attributes().value(QStringLiteral("version")).toString(), QStringLiteral("1.0"));
            }
            if (xml.name() == QStringLiteral("key")) {
                keys.append(xml.readElementText());
                --depth;
            }
        } else if (token == QXmlStreamReader::EndElement) {
            --depth;
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(sawDoctype);
    QCOMPARE(rootElement, QStringLiteral("plist"));
    QCOMPARE(depth, 0);
    for (const char* key : {"PayloadContent",
                            "License",
                            "PayloadType",
                            "PayloadUUID",
                            "PayloadIdentifier",
                            "PayloadVersion",
                            "PayloadDisplayName"}) {
        QVERIFY2(keys.contains(QString::fromLatin1(key)), key);
    }
    in.seek(0);
    const QByteArray text = in.readAll();
    QVERIFY(text.contains("<string>com.secureremoteaccess.license</string>"));
    QVERIFY(text.contains("<string>Configuration</string>"));
    QVERIFY(text.contains("-----BEGIN SRA LICENSE-----"));
}

void TestSraLicense::showDirectory()
{
    QTemporaryDir etc;
    QVERIFY(etc.isValid());
    const auto empty = license({QStringLiteral("show"), etc.path(), QStringLiteral("--public-key"), m_publicKey});
    QVERIFY2(empty.exitCode == 2, qPrintable(empty.describe()));
    QVERIFY(QString::fromUtf8(empty.out).contains(QStringLiteral("This machine has no license.")));

    const QString file = issue(QStringLiteral("for-etc.sralic"));
    QVERIFY(QFile::copy(file, etc.filePath(QStringLiteral("license.sralic"))));
    const auto one = license({QStringLiteral("show"),
                              etc.path(),
                              QStringLiteral("--public-key"),
                              m_publicKey,
                              QStringLiteral("--date"),
                              QStringLiteral("2026-02-01")});
    QVERIFY2(one.exitCode == 0, qPrintable(one.describe()));
    QVERIFY(QString::fromUtf8(one.out).contains(QStringLiteral("license.sralic")));

    const auto missingFile = license({QStringLiteral("show"), etc.filePath(QStringLiteral("nope.sralic"))});
    QVERIFY2(missingFile.exitCode == 2, qPrintable(missingFile.describe()));
}

void TestSraLicense::keygenMakesUsableKeys()
{
    const QString key = m_dir.filePath(QStringLiteral("vendor.pem"));
    const QString pub = m_dir.filePath(QStringLiteral("vendor.pub.pem"));
    const auto made = license({QStringLiteral("keygen"), QStringLiteral("--out"), key});
    QVERIFY2(made.ok(), qPrintable(made.describe()));
    QVERIFY(QFile::exists(pub));
    QCOMPARE(QFile::permissions(key) & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
             QFile::Permissions());

    const QString out = m_dir.filePath(QStringLiteral("vendor.sralic"));
    const auto issued = license({QStringLiteral("issue"),
                                 QStringLiteral("--key"),
                                 key,
                                 QStringLiteral("--licensee"),
                                 QStringLiteral("Vendor Test"),
                                 QStringLiteral("--seats"),
                                 QStringLiteral("1"),
                                 QStringLiteral("--expires"),
                                 QStringLiteral("2099-12-31"),
                                 QStringLiteral("--out"),
                                 out});
    QVERIFY2(issued.ok(), qPrintable(issued.describe()));
    QCOMPARE(license({QStringLiteral("show"), out, QStringLiteral("--public-key"), pub}).exitCode, 0);
    QCOMPARE(license({QStringLiteral("show"), out, QStringLiteral("--public-key"), m_publicKey}).exitCode, 5);

    const auto again = license({QStringLiteral("keygen"), QStringLiteral("--out"), key});
    QVERIFY2(again.exitCode == 8, qPrintable(again.describe()));
}

void TestSraLicense::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("output");

    const QString key = sra::test::sourceDir() + QStringLiteral("/tests/data/license/test-license-key.pem");
    const QString out = QDir::temp().filePath(QStringLiteral("sra-license-never-written.sralic"));
    const QStringList base{QStringLiteral("issue"),
                           QStringLiteral("--key"),
                           key,
                           QStringLiteral("--licensee"),
                           QStringLiteral("X"),
                           QStringLiteral("--out"),
                           out};
    QTest::addRow("help") << QStringList{QStringLiteral("--help")} << 0 << QStringLiteral("keygen --out PRIVATE.pem");
    QTest::addRow("version") << QStringList{QStringLiteral("--version")} << 0 << QStringLiteral("sra-license 0.");
    QTest::addRow("no command") << QStringList() << 1 << QStringLiteral("no command");
    QTest::addRow("unknown command") << QStringList{QStringLiteral("sign")} << 1 << QStringLiteral("unknown command");
    QTest::addRow("issue without key") << QStringList{QStringLiteral("issue"),
                                                      QStringLiteral("--licensee"),
                                                      QStringLiteral("X"),
                                                      QStringLiteral("--seats"),
                                                      QStringLiteral("1"),
                                                      QStringLiteral("--expires"),
                                                      QStringLiteral("2030-01-01"),
                                                      QStringLiteral("--out"),
                                                      out}
                                       << 1 << QStringLiteral("--key");
    QTest::addRow("seats not a number") << (base
                                            + QStringList{QStringLiteral("--seats"),
                                                          QStringLiteral("five"),
                                                          QStringLiteral("--expires"),
                                                          QStringLiteral("2030-01-01")})
                                        << 1 << QStringLiteral("--seats");
    QTest::addRow("seats zero") << (base
                                    + QStringList{QStringLiteral("--seats"),
                                                  QStringLiteral("0"),
                                                  QStringLiteral("--expires"),
                                                  QStringLiteral("2030-01-01")})
                                << 8 << QStringLiteral("seats");
    QTest::addRow("bad expiry date") << (base
                                         + QStringList{QStringLiteral("--seats"),
                                                       QStringLiteral("1"),
                                                       QStringLiteral("--expires"),
                                                       QStringLiteral("31.01.2030")})
                                     << 1 << QStringLiteral("--expires");
    QTest::addRow("public key as signing key")
        << QStringList{QStringLiteral("issue"),
                       QStringLiteral("--key"),
                       sra::test::sourceDir() + QStringLiteral("/tests/data/license/test-license-key.pub.pem"),
                       QStringLiteral("--licensee"),
                       QStringLiteral("X"),
                       QStringLiteral("--seats"),
                       QStringLiteral("1"),
                       QStringLiteral("--expires"),
                       QStringLiteral("2030-01-01"),
                       QStringLiteral("--out"),
                       out}
        << 8 << QStringLiteral("private key");
    QTest::addRow("show two files") << QStringList{QStringLiteral("show"), key, key} << 1
                                    << QStringLiteral("exactly one");
}

void TestSraLicense::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, output);
    const auto result = license(args);
    QVERIFY2(result.started && !result.crashed && result.exitCode == exitCode, qPrintable(result.describe()));
    QVERIFY2(QString::fromUtf8(result.out + result.err).contains(output), qPrintable(result.describe()));
    QVERIFY(!QFile::exists(QDir::temp().filePath(QStringLiteral("sra-license-never-written.sralic"))));
}

QTEST_GUILESS_MAIN(TestSraLicense)
#include "TestSraLicense.moc"
