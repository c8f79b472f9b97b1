#include "OpenSslCli.h"
#include "core/remote/PairingStore.h"
#include "core/remote/TlsIdentity.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QTemporaryDir>
#include <QTest>

using sra::core::AttributeRule;
using sra::core::MappedAttribute;
using sra::core::PairingStore;

Q_DECLARE_METATYPE(sra::core::MappedAttribute)

namespace {

// Owner, group and other bits (the "User" bits repeat the owner's for the running user).
constexpr auto kEverybody = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                            | QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
                            | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;

const char kUpn[] =
    "subjectAltName=otherName:1.3.6.1.4.1.311.20.2.3;UTF8:alice@corp.example,email:alice.mail@corp.example";

bool writeFile(const QString& file, const QByteArray& bytes)
{
    QFile f(file);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

AttributeRule rule(MappedAttribute attribute, const QString& pattern, const QString& account)
{
    AttributeRule r;
    r.attribute = attribute;
    r.pattern = pattern;
    r.account = account;
    return r;
}

const QString kHashA = QString(64, QLatin1Char('a'));
const QString kHashB = QString(64, QLatin1Char('B'));

} // namespace

// Pairings of public keys with accounts, attribute rules, and the strict pairings.json loader.
class TestPairingStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void publicKeyHashIsSha256OfSpki();
    void attributes_data();
    void attributes();
    void pairAndMatchByKey();
    void pairReplacesTheSameKey();
    void unpair();
    void rules_data();
    void rules();
    void keyPairingWinsOverRules();
    void firstRuleWins();
    void rulesCanBeSwitchedOff();
    void removeRule();
    void saveLoadRoundTrip();
    void missingFileIsEmpty();
    void damaged_data();
    void damaged();
    void tooLarge();
    void accountNames_data();
    void accountNames();
    void checkRule_data();
    void checkRule();

private:
    QSslCertificate cert(const char* name) const
    {
        return m_certs.value(QLatin1String(name));
    }

    QTemporaryDir m_dir;
    QHash<QString, QSslCertificate> m_certs;
};

void TestPairingStore::initTestCase()
{
    QVERIFY(m_dir.isValid());

    struct Spec
    {
        const char* name;
        const char* subject;
        const char* type;
        QStringList extensions;
    };

    const QList<Spec> specs{
        {"alice",  "/CN=Alice Example/O=Corp",              "ec",  {QLatin1String(kUpn)}},
        {"alice2", "/CN=Alice Example/O=Corp",              "ec",  {QLatin1String(kUpn)}}, // same names, new key
        {"bob",    "/CN=bob/emailAddress=bob@corp.example", "rsa", {}                   },
        {"carol",  "/CN=carol",                             "ec",  {}                   },
        {"dave",
         "/CN=dave/emailAddress=ignored@corp.example",      "ec",
         {QStringLiteral("subjectAltName=email:dave@mail.example")}                     },
    };
    for (const Spec& s : specs) {
        const QString certFile = m_dir.filePath(QLatin1String(s.name) + QStringLiteral(".pem"));
        auto r = sra::test::makeSelfSigned(certFile,
                                           m_dir.filePath(QLatin1String(s.name) + QStringLiteral(".key")),
                                           QLatin1String(s.subject),
                                           QLatin1String(s.type),
                                           s.extensions);
        QVERIFY2(r.ok, qPrintable(r.error));
        QSslCertificate c;
        QString error;
        QVERIFY2(sra::core::loadCertificateFile(certFile, c, error), qPrintable(error));
        m_certs.insert(QLatin1String(s.name), c);
    }
}

void TestPairingStore::publicKeyHashIsSha256OfSpki()
{
    // openssl's DER SubjectPublicKeyInfo, hashed here: the same 32 bytes.
    for (const char* name : {"alice", "bob"}) {
        const QString pub = m_dir.filePath(QLatin1String(name) + QStringLiteral(".spki"));
        auto r = sra::test::runOpenSsl({QStringLiteral("x509"),
                                        QStringLiteral("-in"),
                                        m_dir.filePath(QLatin1String(name) + QStringLiteral(".pem")),
                                        QStringLiteral("-noout"),
                                        QStringLiteral("-pubkey")});
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(writeFile(pub + QStringLiteral(".pem"), r.out));
        r = sra::test::runOpenSsl({QStringLiteral("pkey"),
                                   QStringLiteral("-pubin"),
                                   QStringLiteral("-in"),
                                   pub + QStringLiteral(".pem"),
                                   QStringLiteral("-outform"),
                                   QStringLiteral("DER")});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(PairingStore::publicKeySha256(cert(name)),
                 QCryptographicHash::hash(r.out, QCryptographicHash::Sha256));
    }
    QVERIFY(PairingStore::publicKeySha256(QSslCertificate()).isEmpty());
}

void TestPairingStore::attributes_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<MappedAttribute>("attribute");
    QTest::addColumn<QString>("expected");
    QTest::addRow("cn") << "alice" << MappedAttribute::CommonName << "Alice Example";
    QTest::addRow("upn from SAN otherName") << "alice" << MappedAttribute::UserPrincipalName << "alice@corp.example";
    QTest::addRow("email from SAN rfc822Name") << "alice" << MappedAttribute::Email << "alice.mail@corp.example";
    QTest::addRow("email from subject") << "bob" << MappedAttribute::Email << "bob@corp.example";
    QTest::addRow("SAN email wins over subject") << "dave" << MappedAttribute::Email << "dave@mail.example";
    QTest::addRow("no upn") << "bob" << MappedAttribute::UserPrincipalName << "";
    QTest::addRow("no email") << "carol" << MappedAttribute::Email << "";
    QTest::addRow("null certificate") << "none" << MappedAttribute::CommonName << "";
}

void TestPairingStore::attributes()
{
    QFETCH(QString, certificate);
    QFETCH(MappedAttribute, attribute);
    QFETCH(QString, expected);
    QCOMPARE(sra::core::certificateAttribute(m_certs.value(certificate), attribute), expected);
}

void TestPairingStore::pairAndMatchByKey()
{
    PairingStore store;
    store.pair(QStringLiteral("alice"), cert("alice"));
    QCOMPARE(store.keys().size(), 1);
    QCOMPARE(store.keys().first().publicKeySha256, PairingStore::publicKeySha256(cert("alice")));
    QCOMPARE(store.keys().first().subject, QStringLiteral("O=Corp,CN=Alice Example"));
    QVERIFY(store.keys().first().added.isValid());
    auto m = store.match(cert("alice"));
    QVERIFY(m.has_value());
    QCOMPARE(m->account, QStringLiteral("alice"));
    QCOMPARE(m->how, QStringLiteral("public key"));
    // Same subject and names, another key: not paired.
    QVERIFY(!store.match(cert("alice2")).has_value());
    QVERIFY(!store.match(cert("bob")).has_value());
    QVERIFY(!store.match(QSslCertificate()).has_value());
}

void TestPairingStore::pairReplacesTheSameKey()
{
    PairingStore store;
    store.pair(QStringLiteral("alice"), cert("alice"));
    store.pair(QStringLiteral("bob"), cert("bob"));
    store.pair(QStringLiteral("admin"), cert("alice"));
    QCOMPARE(store.keys().size(), 2);
    QCOMPARE(store.match(cert("alice"))->account, QStringLiteral("admin"));
    QCOMPARE(store.match(cert("bob"))->account, QStringLiteral("bob"));
}

void TestPairingStore::unpair()
{
    PairingStore store;
    store.pair(QStringLiteral("alice"), cert("alice"));
    store.pair(QStringLiteral("alice"), cert("alice2"));
    store.pair(QStringLiteral("bob"), cert("bob"));
    QCOMPARE(store.unpairAccount(QStringLiteral("nobody")), 0);
    QCOMPARE(store.unpairAccount(QStringLiteral("alice")), 2);
    QVERIFY(!store.match(cert("alice")).has_value());
    QCOMPARE(store.unpairCertificate(cert("bob")), 1);
    QCOMPARE(store.unpairCertificate(cert("bob")), 0);
    QVERIFY(store.keys().isEmpty());
}

void TestPairingStore::rules_data()
{
    QTest::addColumn<MappedAttribute>("attribute");
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("account");
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("expected"); // empty: no match

    QTest::addRow("upn capture") << MappedAttribute::UserPrincipalName << "(.+)@corp\\.example"
                                 << "\\1"
                                 << "alice"
                                 << "alice";
    QTest::addRow("email capture from subject") << MappedAttribute::Email << "([a-z]+)@corp\\.example"
                                                << "\\1"
                                                << "bob"
                                                << "bob";
    QTest::addRow("email two groups") << MappedAttribute::Email << "([a-z]+)\\.([a-z]+)@corp\\.example"
                                      << "\\2_\\1"
                                      << "alice"
                                      << "mail_alice";
    QTest::addRow("cn fixed account") << MappedAttribute::CommonName << "carol"
                                      << "operator"
                                      << "carol"
                                      << "operator";
    QTest::addRow("cn capture") << MappedAttribute::CommonName << "(\\w+) Example"
                                << "\\1"
                                << "alice"
                                << "Alice";
    QTest::addRow("whole value only") << MappedAttribute::UserPrincipalName << "corp\\.example"
                                      << "x"
                                      << "alice"
                                      << "";
    QTest::addRow("no prefix match") << MappedAttribute::CommonName << "Alice"
                                     << "x"
                                     << "alice"
                                     << "";
    QTest::addRow("case sensitive") << MappedAttribute::CommonName << "CAROL"
                                    << "x"
                                    << "carol"
                                    << "";
    QTest::addRow("case insensitive by flag") << MappedAttribute::CommonName << "(?i)CAROL"
                                              << "x"
                                              << "carol"
                                              << "x";
    QTest::addRow("alternation stays anchored") << MappedAttribute::CommonName << "zzz|car"
                                                << "x"
                                                << "carol"
                                                << "";
    QTest::addRow("invalid account after capture") << MappedAttribute::CommonName << "(.*)"
                                                   << "\\1"
                                                   << "alice"
                                                   << "";
    QTest::addRow("attribute absent") << MappedAttribute::UserPrincipalName << ".*"
                                      << "x"
                                      << "carol"
                                      << "";
    QTest::addRow("capture that did not take part") << MappedAttribute::CommonName << "carol|(x)"
                                                    << "u\\1"
                                                    << "carol"
                                                    << "u";
}

void TestPairingStore::rules()
{
    QFETCH(MappedAttribute, attribute);
    QFETCH(QString, pattern);
    QFETCH(QString, account);
    QFETCH(QString, certificate);
    QFETCH(QString, expected);
    const AttributeRule r = rule(attribute, pattern, account);
    QString error;
    QVERIFY2(PairingStore::checkRule(r, error), qPrintable(error));
    PairingStore store;
    store.addRule(r);
    const auto m = store.match(m_certs.value(certificate));
    if (expected.isEmpty()) {
        QVERIFY2(!m.has_value(), qPrintable(m ? m->account : QString()));
    } else {
        QVERIFY(m.has_value());
        QCOMPARE(m->account, expected);
        QCOMPARE(m->how, QStringLiteral("rule 1 (%1)").arg(PairingStore::attributeName(attribute)));
    }
}

void TestPairingStore::keyPairingWinsOverRules()
{
    PairingStore store;
    store.addRule(rule(MappedAttribute::CommonName, QStringLiteral(".*Example"), QStringLiteral("fromrule")));
    store.pair(QStringLiteral("fromkey"), cert("alice"));
    QCOMPARE(store.match(cert("alice"))->account, QStringLiteral("fromkey"));
    QCOMPARE(store.match(cert("alice"))->how, QStringLiteral("public key"));
    QCOMPARE(store.match(cert("alice2"))->account, QStringLiteral("fromrule"));
}

void TestPairingStore::firstRuleWins()
{
    PairingStore store;
    store.addRule(rule(MappedAttribute::CommonName, QStringLiteral("nobody"), QStringLiteral("zero")));
    store.addRule(rule(MappedAttribute::Email, QStringLiteral("(.+)@corp\\.example"), QStringLiteral("\\1")));
    store.addRule(rule(MappedAttribute::CommonName, QStringLiteral("bob"), QStringLiteral("second")));
    const auto m = store.match(cert("bob"));
    QVERIFY(m.has_value());
    QCOMPARE(m->account, QStringLiteral("bob"));
    QCOMPARE(m->how, QStringLiteral("rule 2 (email)"));
}

void TestPairingStore::rulesCanBeSwitchedOff()
{
    PairingStore store;
    store.addRule(rule(MappedAttribute::CommonName, QStringLiteral("carol"), QStringLiteral("carol")));
    store.pair(QStringLiteral("bob"), cert("bob"));
    QVERIFY(store.match(cert("carol"), true).has_value());
    QVERIFY(!store.match(cert("carol"), false).has_value());
    QVERIFY(store.match(cert("bob"), false).has_value());
}

void TestPairingStore::removeRule()
{
    PairingStore store;
    store.addRule(rule(MappedAttribute::CommonName, QStringLiteral("a"), QStringLiteral("a")));
    store.addRule(rule(MappedAttribute::CommonName, QStringLiteral("b"), QStringLiteral("b")));
    QVERIFY(!store.removeRule(2));
    QVERIFY(!store.removeRule(-1));
    QVERIFY(store.removeRule(0));
    QCOMPARE(store.rules().size(), 1);
    QCOMPARE(store.rules().first().account, QStringLiteral("b"));
}

void TestPairingStore::saveLoadRoundTrip()
{
    PairingStore store;
    store.pair(QStringLiteral("alice"), cert("alice"));
    store.pair(QStringLiteral("bob"), cert("bob"));
    store.addRule(
        rule(MappedAttribute::UserPrincipalName, QStringLiteral("(.+)@corp\\.example"), QStringLiteral("\\1")));
    store.addRule(rule(MappedAttribute::Email, QStringLiteral("ops@corp\\.example"), QStringLiteral("ops")));
    const QString file = m_dir.filePath(QStringLiteral("pairings.json"));
    QString error;
    QVERIFY2(store.save(file, error), qPrintable(error));
    QCOMPARE(QFileInfo(file).permissions() & kEverybody,
             QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);

    PairingStore back;
    QVERIFY2(PairingStore::load(file, back, error), qPrintable(error));
    QCOMPARE(back.keys().size(), 2);
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(back.keys().at(i).account, store.keys().at(i).account);
        QCOMPARE(back.keys().at(i).publicKeySha256, store.keys().at(i).publicKeySha256);
        QCOMPARE(back.keys().at(i).subject, store.keys().at(i).subject);
        QCOMPARE(back.keys().at(i).added, store.keys().at(i).added);
    }
    QCOMPARE(back.rules().size(), 2);
    QCOMPARE(back.rules().at(0).attribute, MappedAttribute::UserPrincipalName);
    QCOMPARE(back.rules().at(1).pattern, QStringLiteral("ops@corp\\.example"));
    QCOMPARE(back.toJson(), store.toJson());
    QCOMPARE(back.match(cert("alice2"))->account, QStringLiteral("alice"));
}

void TestPairingStore::missingFileIsEmpty()
{
    PairingStore store;
    store.pair(QStringLiteral("x"), cert("carol"));
    QString error;
    QVERIFY(PairingStore::load(m_dir.filePath(QStringLiteral("none.json")), store, error));
    QVERIFY(store.keys().isEmpty());
    QVERIFY(store.rules().isEmpty());
}

void TestPairingStore::damaged_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("mentions");
    const QString key = QStringLiteral(R"({"account":"alice","spki_sha256":"%1"})").arg(kHashA);

    QTest::addRow("empty") << ""
                           << "not valid JSON";
    QTest::addRow("truncated") << R"({"version":1,"keys":[)"
                               << "not valid JSON";
    QTest::addRow("array at top") << "[]"
                                  << "top level";
    QTest::addRow("no version") << R"({"keys":[]})"
                                << "\"version\"";
    QTest::addRow("version 2") << R"({"version":2})"
                               << "\"version\"";
    QTest::addRow("version as string") << R"({"version":"1"})"
                                       << "\"version\"";
    QTest::addRow("version 1.5") << R"({"version":1.5})"
                                 << "\"version\"";
    QTest::addRow("unknown top member") << R"({"version":1,"key":[]})"
                                        << "unknown member \"key\"";
    QTest::addRow("keys not array") << R"({"version":1,"keys":{}})"
                                    << "arrays";
    QTest::addRow("rules not array") << R"({"version":1,"rules":"x"})"
                                     << "arrays";
    QTest::addRow("key not object") << R"({"version":1,"keys":["alice"]})"
                                    << "keys[0] must be an object";
    QTest::addRow("key without account") << QStringLiteral(R"({"version":1,"keys":[{"spki_sha256":"%1"}]})").arg(kHashA)
                                         << "keys[0] lacks \"account\"";
    QTest::addRow("account not string")
        << QStringLiteral(R"({"version":1,"keys":[{"account":7,"spki_sha256":"%1"}]})").arg(kHashA)
        << "keys[0].account must be a string";
    QTest::addRow("account with space")
        << QStringLiteral(R"({"version":1,"keys":[{"account":"a b","spki_sha256":"%1"}]})").arg(kHashA)
        << "keys[0].account";
    QTest::addRow("account with slash")
        << QStringLiteral(R"({"version":1,"keys":[{"account":"../root","spki_sha256":"%1"}]})").arg(kHashA)
        << "keys[0].account";
    QTest::addRow("account with NUL")
        << QStringLiteral(R"({"version":1,"keys":[{"account":"root\u0000x","spki_sha256":"%1"}]})").arg(kHashA)
        << "NUL";
    QTest::addRow("spki short") << R"({"version":1,"keys":[{"account":"a","spki_sha256":"abcd"}]})"
                                << "keys[0].spki_sha256";
    QTest::addRow("spki not hex") << QStringLiteral(R"({"version":1,"keys":[{"account":"a","spki_sha256":"%1"}]})")
                                         .arg(QString(64, QLatin1Char('z')))
                                  << "keys[0].spki_sha256";
    QTest::addRow("spki with colons") << QStringLiteral(R"({"version":1,"keys":[{"account":"a","spki_sha256":"%1"}]})")
                                             .arg(QString::fromLatin1(QByteArray(32, 'a').toHex(':')))
                                      << "keys[0].spki_sha256";
    QTest::addRow("same key twice") << QStringLiteral(
                                           R"({"version":1,"keys":[%1,{"account":"bob","spki_sha256":"%2"}]})")
                                           .arg(key, kHashA.toUpper())
                                    << "keys[1] pairs a public key that is already paired";
    QTest::addRow("unknown key member")
        << QStringLiteral(R"({"version":1,"keys":[{"account":"a","spki_sha256":"%1","acount":"b"}]})").arg(kHashA)
        << "unknown member \"acount\"";
    QTest::addRow("subject not string")
        << QStringLiteral(R"({"version":1,"keys":[{"account":"a","spki_sha256":"%1","subject":[]}]})").arg(kHashA)
        << "keys[0].subject must be a string";
    QTest::addRow("added not a date")
        << QStringLiteral(R"({"version":1,"keys":[{"account":"a","spki_sha256":"%1","added":"yesterday"}]})")
               .arg(kHashA)
        << "keys[0].added";
    QTest::addRow("second row damaged")
        << QStringLiteral(R"({"version":1,"keys":[%1,{"account":"b","spki_sha256":"%2","added":5}]})").arg(key, kHashB)
        << "keys[1].added must be a string";
    QTest::addRow("rule not object") << R"({"version":1,"rules":[1]})"
                                     << "rules[0] must be an object";
    QTest::addRow("rule bad attribute") << R"({"version":1,"rules":[{"attribute":"dn","pattern":"x","account":"a"}]})"
                                        << "rules[0].attribute \"dn\"";
    QTest::addRow("rule without pattern") << R"({"version":1,"rules":[{"attribute":"cn","account":"a"}]})"
                                          << "rules[0] lacks \"pattern\"";
    QTest::addRow("rule empty pattern") << R"({"version":1,"rules":[{"attribute":"cn","pattern":"","account":"a"}]})"
                                        << "rules[0]: the pattern";
    QTest::addRow("rule pattern does not compile")
        << R"({"version":1,"rules":[{"attribute":"cn","pattern":"(a","account":"a"}]})"
        << "not a valid regular expression";
    QTest::addRow("rule group missing")
        << R"j({"version":1,"rules":[{"attribute":"cn","pattern":"(a)","account":"\\2"}]})j"
        << "group \\2";
    QTest::addRow("rule account invalid")
        << R"({"version":1,"rules":[{"attribute":"cn","pattern":"a","account":"a b"}]})"
        << "rules[0]: the account \"a b\"";
    QTest::addRow("rule unknown member")
        << R"({"version":1,"rules":[{"attribute":"cn","pattern":"a","account":"a","flags":"i"}]})"
        << "unknown member \"flags\"";
}

void TestPairingStore::damaged()
{
    QFETCH(QString, json);
    QFETCH(QString, mentions);
    const QString file = m_dir.filePath(QStringLiteral("damaged.json"));
    QVERIFY(writeFile(file, json.toUtf8()));
    PairingStore store;
    store.pair(QStringLiteral("kept"), cert("carol"));
    QString error;
    QVERIFY(!PairingStore::load(file, store, error));
    QVERIFY2(error.contains(mentions), qPrintable(error));
    QVERIFY2(error.startsWith(file + QStringLiteral(": ")), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
    QCOMPARE(store.keys().size(), 1); // untouched on failure
}

void TestPairingStore::tooLarge()
{
    const QString file = m_dir.filePath(QStringLiteral("large.json"));
    QByteArray big = R"({"version":1,"keys":[],"rules":[],"pad":")";
    big += QByteArray(1024 * 1024, 'x') + "\"}";
    QVERIFY(writeFile(file, big));
    PairingStore store;
    QString error;
    QVERIFY(!PairingStore::load(file, store, error));
    QVERIFY2(error.contains(QStringLiteral("1 MiB")), qPrintable(error));
}

void TestPairingStore::accountNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::addRow("simple") << "alice" << true;
    QTest::addRow("underscore first") << "_svc" << true;
    QTest::addRow("dots and dashes") << "first.last-2" << true;
    QTest::addRow("upper case") << "Admin" << true;
    QTest::addRow("32 characters") << QString(32, QLatin1Char('a')) << true;
    QTest::addRow("33 characters") << QString(33, QLatin1Char('a')) << false;
    QTest::addRow("empty") << "" << false;
    QTest::addRow("leading dash") << "-rf" << false;
    QTest::addRow("leading digit") << "1user" << false;
    QTest::addRow("all digits") << "1000" << false;
    QTest::addRow("dot") << "." << false;
    QTest::addRow("dot dot") << ".." << false;
    QTest::addRow("slash") << "a/b" << false;
    QTest::addRow("colon") << "a:b" << false;
    QTest::addRow("space") << "a b" << false;
    QTest::addRow("at sign") << "a@b" << false;
    QTest::addRow("dollar") << "machine$" << false;
    QTest::addRow("non-ASCII") << "j\u00fcrgen" << false;
}

void TestPairingStore::accountNames()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(PairingStore::isValidAccountName(name), valid);
}

void TestPairingStore::checkRule_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("account");
    QTest::addColumn<QString>("mentions"); // empty: valid
    QTest::addRow("fixed") << "x"
                           << "alice"
                           << "";
    QTest::addRow("nine groups") << "(a)(b)(c)(d)(e)(f)(g)(h)(i)"
                                 << "\\9\\1"
                                 << "";
    QTest::addRow("reference too high") << "(a)"
                                        << "\\2"
                                        << "group \\2";
    QTest::addRow("bad regex") << "[a"
                               << "x"
                               << "not a valid regular expression";
    QTest::addRow("empty pattern") << ""
                                   << "x"
                                   << "the pattern";
    QTest::addRow("long pattern") << QString(1025, QLatin1Char('a')) << "x"
                                  << "the pattern";
    QTest::addRow("stray backslash") << "(a)"
                                     << "a\\x"
                                     << "not a valid account name";
    QTest::addRow("empty account") << "a"
                                   << ""
                                   << "not a valid account name";
}

void TestPairingStore::checkRule()
{
    QFETCH(QString, pattern);
    QFETCH(QString, account);
    QFETCH(QString, mentions);
    QString error;
    const bool ok = PairingStore::checkRule(rule(MappedAttribute::CommonName, pattern, account), error);
    QCOMPARE(ok, mentions.isEmpty());
    QVERIFY2(error.contains(mentions), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestPairingStore)
#include "TestPairingStore.moc"
