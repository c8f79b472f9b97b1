#include "core/config/IniEditor.h"
#include "core/config/IniLexer.h"
#include "core/config/SradConfig.h"
#include "core/config/SradConfigSchema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using sra::core::IniLine;
using sra::core::IniLineKind;
using sra::core::SradConfig;
using sra::core::sradConfigSchema;
using sra::core::SradKey;
using sra::core::SradPaths;
using sra::core::SradValueType;

namespace {

// Owner, group and other bits (the "User" bits repeat the owner's for the running user).
constexpr auto kEverybody = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                            | QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
                            | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;

bool writeFile(const QString& file, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(file).absolutePath());
    QFile f(file);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QString addresses(const QList<QHostAddress>& list)
{
    QStringList parts;
    for (const QHostAddress& a : list) {
        parts.append(a.toString());
    }
    return parts.join(QLatin1Char(','));
}

// One field of the configuration as text, so that rows can name the field they check.
QString field(const SradConfig& c, const QString& name)
{
    if (name == QLatin1String("port"))
        return QString::number(c.port);
    if (name == QLatin1String("listen"))
        return addresses(c.listen);
    if (name == QLatin1String("certificate"))
        return c.certificateFile;
    if (name == QLatin1String("key"))
        return c.keyFile;
    if (name == QLatin1String("license"))
        return c.licenseDir;
    if (name == QLatin1String("pairings"))
        return c.pairingsFile;
    if (name == QLatin1String("ca_bundle"))
        return c.caBundleFile;
    if (name == QLatin1String("handshake_timeout_ms"))
        return QString::number(c.handshakeTimeoutMs);
    if (name == QLatin1String("max_unauthenticated"))
        return QString::number(c.maxUnauthenticated);
    if (name == QLatin1String("max_failures"))
        return QString::number(c.maxFailures);
    if (name == QLatin1String("failure_window_s"))
        return QString::number(c.failureWindowSeconds);
    if (name == QLatin1String("keepalive_interval_s"))
        return QString::number(c.keepaliveIntervalSeconds);
    if (name == QLatin1String("resume_grace_ms"))
        return QString::number(c.resumeGraceMs);
    if (name == QLatin1String("enabled"))
        return c.enabled ? QStringLiteral("true") : QStringLiteral("false");
    if (name == QLatin1String("backend"))
        return c.screenBackend;
    if (name == QLatin1String("display"))
        return c.screenDisplay;
    return QStringLiteral("<unknown field>");
}

QByteArray readAll(const QString& file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The keys of "key = value" lines (active or, with `commented`, commented out with ';') per section, in order.
QStringList keysOf(const QString& text, bool commented)
{
    QStringList keys;
    QString section;
    static const QRegularExpression header(QStringLiteral("^\\[(\\w+)\\]$"));
    static const QRegularExpression active(QStringLiteral("^(\\w+) ="));
    static const QRegularExpression inactive(QStringLiteral("^;(\\w+) ="));
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        if (const auto m = header.match(line); m.hasMatch()) {
            section = m.captured(1);
        } else if (const auto k = (commented ? inactive : active).match(line); k.hasMatch()) {
            keys.append(section + QLatin1Char('/') + k.captured(1));
        }
    }
    return keys;
}

QString packagedConfig()
{
    return qEnvironmentVariable("SRA_SOURCE_DIR") + QStringLiteral("/packaging/srad.conf");
}

QString sourceFile(const char* relative)
{
    return qEnvironmentVariable("SRA_SOURCE_DIR") + QLatin1Char('/') + QLatin1String(relative);
}

QString idOf(const SradKey& key)
{
    return QLatin1String(key.section) + QLatin1Char('/') + QLatin1String(key.key);
}

// "section/key" of every key in the schema, in its order.
QStringList schemaKeys()
{
    QStringList keys;
    for (const SradKey& key : sradConfigSchema()) {
        keys.append(idOf(key));
    }
    return keys;
}

bool isNumeric(const SradKey& key)
{
    return key.type == SradValueType::Integer || key.type == SradValueType::Port;
}

// srad.conf(5): the text of each key's entry ("*port* = _number_" and its indented paragraph), by section/key.
QHash<QString, QString> manPageEntries(const QString& text)
{
    QHash<QString, QString> entries;
    static const QRegularExpression section(QStringLiteral("^## \\[([a-z0-9_]+)\\]"));
    static const QRegularExpression heading(QStringLiteral("^\\*([a-z0-9_]+)\\* ="));
    QString current;
    QString key;
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        if (const auto m = section.match(line); m.hasMatch()) {
            current = m.captured(1);
            key.clear();
        } else if (line.startsWith(QLatin1String("# "))) {
            current.clear();
            key.clear();
        } else if (const auto h = heading.match(line); h.hasMatch() && !current.isEmpty()) {
            key = current + QLatin1Char('/') + h.captured(1);
            entries.insert(key, QString());
        } else if (line.startsWith(QLatin1Char('\t')) && !key.isEmpty()) {
            entries[key] += line.mid(1) + QLatin1Char(' ');
        } else {
            key.clear();
        }
    }
    return entries;
}

// docs/CONFIGURATION.md: the rows of the table under "## srad.conf" as {default, valid values} by section/key; an
// empty first cell continues the section above.
QHash<QString, QStringList> guideRows(const QString& text)
{
    QHash<QString, QStringList> rows;
    bool inside = false;
    QString section;
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("## "))) {
            inside = line.startsWith(QLatin1String("## srad.conf"));
            continue;
        }
        if (!inside || !line.startsWith(QLatin1Char('|'))) {
            continue;
        }
        QStringList cells = line.split(QLatin1Char('|'));
        if (cells.size() < 6) {
            continue;
        }
        for (QString& cell : cells) {
            cell = cell.trimmed();
        }
        static const QRegularExpression name(QStringLiteral("^`([a-z0-9_]+)`$"));
        if (const auto m = name.match(cells.at(1)); m.hasMatch()) {
            section = m.captured(1);
        }
        if (const auto k = name.match(cells.at(2)); k.hasMatch() && !section.isEmpty()) {
            rows.insert(section + QLatin1Char('/') + k.captured(1), {cells.at(3), cells.at(4)});
        }
    }
    return rows;
}

} // namespace

// srad.conf: defaults, every key, every invalid value named by its key, path resolution, save and load.
class TestSradConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void paths();
    void defaults();
    void keys_data();
    void keys();
    void invalid_data();
    void invalid();
    void relativePathsFollowTheFile();
    void saveLoadRoundTrip();
    void saveRefusesValuesThatWouldNotReadBack();
    void unreadableFile();
    void schemaDefaults();
    void lexer_data();
    void lexer();
    void packagedFileStatesTheDefaults();
    void documentationStatesTheSchema();
    void saveKeepsAnEditedFile();
    void iniEditorEdgeCases();

private:
    QString savedAsNewFile(const SradConfig& c, const QString& name);

    QString configFile() const
    {
        return m_paths.configFile();
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    SradPaths m_paths;
};

void TestSradConfig::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_paths.root = m_dir->path();
}

void TestSradConfig::paths()
{
    SradPaths system;
    QCOMPARE(system.configDir(), QStringLiteral("/etc/secure-remote-access"));
    QCOMPARE(system.configFile(), QStringLiteral("/etc/secure-remote-access/srad.conf"));
    QCOMPARE(system.stateDir(), QStringLiteral("/var/lib/secure-remote-access"));
    QCOMPARE(system.runtimeDir(), QStringLiteral("/run/secure-remote-access"));
    QCOMPARE(system.pairingsFile(), QStringLiteral("/etc/secure-remote-access/pairings.json"));
    QCOMPARE(system.identityCertificate(), QStringLiteral("/etc/secure-remote-access/identity.crt"));
    QCOMPARE(system.identityKey(), QStringLiteral("/etc/secure-remote-access/identity.key"));
    QCOMPARE(system.certificateStoreDir(), QStringLiteral("/etc/ssl/certs"));
    QCOMPARE(system.privateKeyStoreDir(), QStringLiteral("/etc/ssl/private"));
    QCOMPARE(m_paths.configFile(), m_dir->path() + QStringLiteral("/etc/secure-remote-access/srad.conf"));
    QCOMPARE(m_paths.privateKeyStoreDir(), m_dir->path() + QStringLiteral("/etc/ssl/private"));
}

void TestSradConfig::defaults()
{
    SradConfig c;
    QString error;
    QVERIFY2(SradConfig::load(m_paths, QString(), c, error), qPrintable(error));
    const QString dir = m_paths.configDir();
    QCOMPARE(c.port, quint16(4116));
    QCOMPARE(addresses(c.listen), QStringLiteral("0.0.0.0,::"));
    QCOMPARE(c.certificateFile, dir + QStringLiteral("/identity.crt"));
    QCOMPARE(c.keyFile, dir + QStringLiteral("/identity.key"));
    QCOMPARE(c.licenseDir, dir);
    QCOMPARE(c.pairingsFile, dir + QStringLiteral("/pairings.json"));
    QVERIFY(c.caBundleFile.isEmpty());
    QCOMPARE(c.handshakeTimeoutMs, 60000);
    QCOMPARE(c.maxUnauthenticated, 16);
    QCOMPARE(c.maxFailures, 5);
    QCOMPARE(c.failureWindowSeconds, 300);
    QCOMPARE(c.enabled, false);
    QVERIFY(c.screenBackend.isEmpty());
    QCOMPARE(c.screenDisplay, QStringLiteral(":0"));

    // An empty file and one with only comments give the same defaults.
    QVERIFY(writeFile(configFile(), "; comment\n# another\n\n[network]\n"));
    SradConfig c2;
    QVERIFY2(SradConfig::load(m_paths, QString(), c2, error), qPrintable(error));
    QCOMPARE(c2.port, quint16(4116));
    QCOMPARE(c2.certificateFile, c.certificateFile);
}

void TestSradConfig::keys_data()
{
    QTest::addColumn<QString>("ini");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("expected"); // "@" stands for the configuration directory

    QTest::addRow("port") << "[network]\nport = 5000\n"
                          << "port"
                          << "5000";
    QTest::addRow("port 1") << "[network]\nport=1\n"
                            << "port"
                            << "1";
    QTest::addRow("port 65535") << "[network]\nport = 65535 ; highest\n"
                                << "port"
                                << "65535";
    QTest::addRow("listen one") << "[network]\nlisten = 127.0.0.1\n"
                                << "listen"
                                << "127.0.0.1";
    QTest::addRow("listen v6") << "[network]\nlisten = ::1, 192.168.1.2\n"
                               << "listen"
                               << "::1,192.168.1.2";
    QTest::addRow("certificate relative") << "[identity]\ncertificate = tls/server.pem\n"
                                          << "certificate"
                                          << "@/tls/server.pem";
    QTest::addRow("certificate absolute") << "[identity]\ncertificate = /etc/ssl/certs/a.pem\n"
                                          << "certificate"
                                          << "/etc/ssl/certs/a.pem";
    QTest::addRow("key") << "[identity]\nkey = ../../ssl/private/a.key\n"
                         << "key"
                         << "@/../../ssl/private/a.key";
    QTest::addRow("license") << "[license]\ndirectory = licenses\n"
                             << "license"
                             << "@/licenses";
    QTest::addRow("pairings") << "[auth]\npairings = /var/lib/sra/p.json\n"
                              << "pairings"
                              << "/var/lib/sra/p.json";
    QTest::addRow("ca_bundle") << "[auth]\nca_bundle = ca.pem\n"
                               << "ca_bundle"
                               << "@/ca.pem";
    QTest::addRow("ca_bundle empty") << "[auth]\nca_bundle =\n"
                                     << "ca_bundle"
                                     << "";
    QTest::addRow("handshake_timeout_ms") << "[auth]\nhandshake_timeout_ms = 2500\n"
                                          << "handshake_timeout_ms"
                                          << "2500";
    QTest::addRow("max_unauthenticated") << "[auth]\nmax_unauthenticated = 3\n"
                                         << "max_unauthenticated"
                                         << "3";
    QTest::addRow("max_failures") << "[auth]\nmax_failures = 9\n"
                                  << "max_failures"
                                  << "9";
    QTest::addRow("failure_window_s") << "[auth]\nfailure_window_s = 60\n"
                                      << "failure_window_s"
                                      << "60";
    QTest::addRow("enabled true") << "[service]\nenabled = true\n"
                                  << "enabled"
                                  << "true";
    QTest::addRow("enabled yes") << "[service]\nenabled = Yes\n"
                                 << "enabled"
                                 << "true";
    QTest::addRow("enabled false") << "[service]\nenabled = false # off\n"
                                   << "enabled"
                                   << "false";
    QTest::addRow("backend") << "[screen]\nbackend = x11vnc\n"
                             << "backend"
                             << "x11vnc";
    QTest::addRow("display") << "[screen]\ndisplay = :1.0\n"
                             << "display"
                             << ":1.0";
    QTest::addRow("resume grace") << "[network]\nresume_grace_ms = 1500\n"
                                  << "resume_grace_ms"
                                  << "1500";
    QTest::addRow("resume off") << "[network]\nresume_grace_ms = 0\n"
                                << "resume_grace_ms"
                                << "0";
    QTest::addRow("resume default") << "[network]\n"
                                    << "resume_grace_ms"
                                    << "30000";
    QTest::addRow("keepalive default") << "[auth]\n"
                                       << "keepalive_interval_s"
                                       << "10";
    QTest::addRow("CRLF lines") << "[network]\r\nport = 4117\r\n"
                                << "port"
                                << "4117";
}

void TestSradConfig::keys()
{
    QFETCH(QString, ini);
    QFETCH(QString, field);
    QFETCH(QString, expected);
    QVERIFY(writeFile(configFile(), ini.toUtf8()));
    SradConfig c;
    QString error;
    QVERIFY2(SradConfig::load(m_paths, QString(), c, error), qPrintable(error));
    if (expected.startsWith(QLatin1Char('@'))) {
        expected = QDir::cleanPath(m_paths.configDir() + expected.mid(1));
    }
    QCOMPARE(::field(c, field), expected);
}

void TestSradConfig::invalid_data()
{
    QTest::addColumn<QByteArray>("ini");
    QTest::addColumn<QString>("mentions");

    QTest::addRow("port 0") << QByteArray("[network]\nport = 0\n") << "[network] port";
    QTest::addRow("port 65536") << QByteArray("[network]\nport = 65536\n") << "[network] port";
    QTest::addRow("port text") << QByteArray("[network]\nport = https\n") << "[network] port";
    QTest::addRow("port empty") << QByteArray("[network]\nport =\n") << "[network] port";
    QTest::addRow("port negative") << QByteArray("[network]\nport = -1\n") << "[network] port";
    QTest::addRow("listen bad") << QByteArray("[network]\nlisten = 0.0.0.0, 10.0.0.300\n") << "[network] listen";
    QTest::addRow("listen host name") << QByteArray("[network]\nlisten = localhost\n") << "[network] listen";
    QTest::addRow("listen empty") << QByteArray("[network]\nlisten =\n") << "[network] listen";
    QTest::addRow("listen twice") << QByteArray("[network]\nlisten = ::, ::\n") << "[network] listen";
    QTest::addRow("resume negative") << QByteArray("[network]\nresume_grace_ms = -1\n") << "[network] resume_grace_ms";
    QTest::addRow("resume too long") << QByteArray("[network]\nresume_grace_ms = 600001\n")
                                     << "[network] resume_grace_ms";
    QTest::addRow("certificate empty") << QByteArray("[identity]\ncertificate =\n") << "[identity] certificate";
    QTest::addRow("key empty") << QByteArray("[identity]\nkey = ; none\n") << "[identity] key";
    QTest::addRow("license empty") << QByteArray("[license]\ndirectory =\n") << "[license] directory";
    QTest::addRow("pairings empty") << QByteArray("[auth]\npairings =\n") << "[auth] pairings";
    QTest::addRow("timeout 0") << QByteArray("[auth]\nhandshake_timeout_ms = 0\n") << "[auth] handshake_timeout_ms";
    QTest::addRow("timeout huge") << QByteArray("[auth]\nhandshake_timeout_ms = 99999999999\n")
                                  << "[auth] handshake_timeout_ms";
    QTest::addRow("timeout fraction") << QByteArray("[auth]\nhandshake_timeout_ms = 1.5\n")
                                      << "[auth] handshake_timeout_ms";
    QTest::addRow("max_unauthenticated 0")
        << QByteArray("[auth]\nmax_unauthenticated = 0\n") << "[auth] max_unauthenticated";
    QTest::addRow("max_failures text") << QByteArray("[auth]\nmax_failures = five\n") << "[auth] max_failures";
    QTest::addRow("failure_window_s -1") << QByteArray("[auth]\nfailure_window_s = -1\n") << "[auth] failure_window_s";
    QTest::addRow("enabled maybe") << QByteArray("[service]\nenabled = maybe\n") << "[service] enabled";
    QTest::addRow("backend unknown") << QByteArray("[screen]\nbackend = tigervnc\n") << "[screen] backend";
    QTest::addRow("display without colon") << QByteArray("[screen]\ndisplay = 0\n") << "[screen] display";
    QTest::addRow("display remote") << QByteArray("[screen]\ndisplay = host:0\n") << "[screen] display";
    QTest::addRow("unknown key") << QByteArray("[auth]\nca_bundel = x.pem\n") << "ca_bundel";
    QTest::addRow("unknown section") << QByteArray("[netwrok]\nport = 1\n") << "[netwrok]";
    QTest::addRow("repeated key") << QByteArray("[network]\nport = 1\nport = 2\n") << "[network] port is set twice";
    QTest::addRow("key before section") << QByteArray("port = 1\n") << "\"port\"";
    QTest::addRow("no equals") << QByteArray("[network]\nport 4116\n") << "line 2";
    QTest::addRow("broken header") << QByteArray("[network\n") << "line 1";
    QTest::addRow("not UTF-8") << QByteArray("[network]\nport = \xff\xfe\n") << "UTF-8";
    QTest::addRow("too large") << QByteArray(70000, ';') << "larger than";
}

void TestSradConfig::invalid()
{
    QFETCH(QByteArray, ini);
    QFETCH(QString, mentions);
    QVERIFY(writeFile(configFile(), ini));
    SradConfig c;
    c.port = 1234; // must stay untouched on failure
    QString error;
    QVERIFY(!SradConfig::load(m_paths, QString(), c, error));
    QVERIFY2(error.contains(mentions), qPrintable(error));
    QVERIFY2(error.contains(configFile()), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
    QCOMPARE(c.port, quint16(1234));
}

void TestSradConfig::relativePathsFollowTheFile()
{
    // srad --config FILE elsewhere: relative paths are relative to FILE's directory, not to the root's.
    const QString other = m_dir->filePath(QStringLiteral("lab/conf/srad.conf"));
    QVERIFY(
        writeFile(other, "[identity]\ncertificate = id.crt\nkey = ./keys/../id.key\n[auth]\npairings = /abs/p.json\n"));
    SradConfig c;
    QString error;
    QVERIFY2(SradConfig::load(m_paths, other, c, error), qPrintable(error));
    QCOMPARE(c.certificateFile, m_dir->filePath(QStringLiteral("lab/conf/id.crt")));
    QCOMPARE(c.keyFile, m_dir->filePath(QStringLiteral("lab/conf/id.key")));
    QCOMPARE(c.licenseDir, m_dir->filePath(QStringLiteral("lab/conf")));
    QCOMPARE(c.pairingsFile, QStringLiteral("/abs/p.json"));
}

void TestSradConfig::saveLoadRoundTrip()
{
    QString error;
    SradConfig c;
    QVERIFY(SradConfig::load(m_paths, QString(), c, error));
    c.port = 4200;
    c.listen = {QHostAddress(QStringLiteral("127.0.0.1")), QHostAddress(QStringLiteral("::1"))};
    c.certificateFile = m_paths.root + QStringLiteral("/etc/ssl/certs/server.pem");
    c.keyFile = m_paths.root + QStringLiteral("/etc/ssl/private/server.key");
    c.caBundleFile = m_paths.configDir() + QStringLiteral("/admins-ca.pem");
    c.handshakeTimeoutMs = 3000;
    c.maxUnauthenticated = 4;
    c.maxFailures = 2;
    c.failureWindowSeconds = 30;
    c.enabled = true;
    c.screenBackend = QStringLiteral("x11vnc");
    c.screenDisplay = QStringLiteral(":2");
    QVERIFY(QDir().mkpath(m_paths.configDir()));
    QVERIFY2(c.save(QString(), error), qPrintable(error));

    QFile f(configFile());
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    QVERIFY2(text.contains("ca_bundle = admins-ca.pem\n"), text.constData()); // inside configDir: relative
    QVERIFY2(text.contains("pairings = pairings.json\n"), text.constData());
    QVERIFY2(text.contains("certificate = /"), text.constData()); // outside: absolute
    QCOMPARE(QFileInfo(configFile()).permissions() & kEverybody,
             QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);

    SradConfig back;
    QVERIFY2(SradConfig::load(m_paths, QString(), back, error), qPrintable(error));
    for (const char* name : {"port",
                             "listen",
                             "certificate",
                             "key",
                             "license",
                             "pairings",
                             "ca_bundle",
                             "handshake_timeout_ms",
                             "max_unauthenticated",
                             "max_failures",
                             "failure_window_s",
                             "enabled",
                             "backend",
                             "display"}) {
        QCOMPARE(field(back, QLatin1String(name)), field(c, QLatin1String(name)));
    }
}

void TestSradConfig::saveRefusesValuesThatWouldNotReadBack()
{
    SradConfig c;
    QString error;
    QVERIFY(SradConfig::load(m_paths, QString(), c, error));
    QVERIFY(QDir().mkpath(m_paths.configDir()));
    c.certificateFile = QStringLiteral("/tmp/a ;b.pem");
    QVERIFY(!c.save(QString(), error));
    QVERIFY2(error.contains(QStringLiteral("[identity] certificate")), qPrintable(error));
    QVERIFY(!QFileInfo::exists(configFile()));
    // A value that starts with a comment marker would read back empty ("lock_command = ; x").
    c.certificateFile = m_paths.configDir() + QStringLiteral("/identity.crt");
    c.loginLockCommand = QStringLiteral("; x");
    QVERIFY(!c.save(QString(), error));
    QVERIFY2(error.contains(QStringLiteral("[login] lock_command")), qPrintable(error));
    QVERIFY(!QFileInfo::exists(configFile()));
}

void TestSradConfig::unreadableFile()
{
    if (::geteuid() == 0) {
        // root reads anything; a directory in the file's place is unreadable as a file for everyone.
        QVERIFY(QDir().mkpath(configFile()));
    } else {
        QVERIFY(writeFile(configFile(), "[network]\n"));
        QVERIFY(QFile::setPermissions(configFile(), QFileDevice::WriteOwner));
    }
    SradConfig c;
    QString error;
    QVERIFY(!SradConfig::load(m_paths, QString(), c, error));
    QVERIFY2(error.contains(configFile()), qPrintable(error));
}

// Saving to a file that does not exist yet writes every key: a complete text to compare configurations with.
QString TestSradConfig::savedAsNewFile(const SradConfig& c, const QString& name)
{
    const QString file = m_paths.configDir() + QLatin1Char('/') + name;
    QFile::remove(file);
    QString error;
    if (!c.save(file, error)) {
        return QStringLiteral("<save failed: %1>").arg(error);
    }
    return QString::fromUtf8(readAll(file));
}

// The commented srad.conf the remote package installs changes nothing, documents every key sra-setup writes,
// and the default it documents for each key is the real one.
void TestSradConfig::packagedFileStatesTheDefaults()
{
    const QByteArray packaged = readAll(packagedConfig());
    QVERIFY2(!packaged.isEmpty(), qPrintable(packagedConfig()));
    QVERIFY(QDir().mkpath(m_paths.configDir()));
    QString error;
    SradConfig defaults;
    QVERIFY2(SradConfig::load(m_paths, QString(), defaults, error), qPrintable(error));
    const QString expected = savedAsNewFile(defaults, QStringLiteral("expected.conf"));

    QVERIFY(writeFile(configFile(), packaged));
    SradConfig asShipped;
    QVERIFY2(SradConfig::load(m_paths, QString(), asShipped, error), qPrintable(error));
    QCOMPARE(savedAsNewFile(asShipped, QStringLiteral("shipped.conf")), expected);
    QCOMPARE(keysOf(QString::fromUtf8(packaged), false), QStringList());
    QCOMPARE(keysOf(QString::fromUtf8(packaged), true), schemaKeys());
    QCOMPARE(keysOf(expected, false), schemaKeys());
    // Each key is commented out with the table's default, spelt as the table spells it.
    const QStringList packagedLines = QString::fromUtf8(packaged).split(QLatin1Char('\n'));
    for (const SradKey& key : sradConfigSchema()) {
        const QString line =
            QLatin1Char(';') + sra::core::formatIniSetting(QLatin1String(key.key), QLatin1String(key.defaultValue));
        QVERIFY2(packagedLines.contains(line), qPrintable(idOf(key) + QStringLiteral(": no line ") + line));
    }

    QString uncommented = QString::fromUtf8(packaged);
    uncommented.replace(QRegularExpression(QStringLiteral("^;(\\w+ =)"), QRegularExpression::MultilineOption),
                        QStringLiteral("\\1"));
    // The one absolute default: the runtime directory, which lies under the test's root here.
    uncommented.replace(QStringLiteral("= /run/secure-remote-access/"),
                        QStringLiteral("= ") + m_paths.runtimeDir() + QLatin1Char('/'));
    QVERIFY(writeFile(configFile(), uncommented.toUtf8()));
    SradConfig documented;
    QVERIFY2(SradConfig::load(m_paths, QString(), documented, error), qPrintable(error));
    QCOMPARE(savedAsNewFile(documented, QStringLiteral("documented.conf")), expected);
}

// The table's defaults are values its own reader accepts, they are what load() gives for a missing file, and
// SradConfig's initializers (for a configuration made without load()) repeat them.
void TestSradConfig::schemaDefaults()
{
    const SradPaths system;
    const SradConfig initialized;
    const SradConfig defaults = sra::core::sradConfigDefaults(system, system.configDir());
    QCOMPARE(sradConfigSchema().size(), std::size_t(27));
    QStringList seen;
    for (const SradKey& key : sradConfigSchema()) {
        QVERIFY2(!seen.contains(idOf(key)), qPrintable(idOf(key)));
        seen.append(idOf(key));
        QVERIFY2(QByteArray(key.meaning).size() > 5, qPrintable(idOf(key)));
        SradConfig scratch;
        QString problem;
        QVERIFY2(
            sra::core::readSradConfigValue(key, QLatin1String(key.defaultValue), system.configDir(), scratch, problem),
            qPrintable(idOf(key) + QStringLiteral(": ") + problem));
        QCOMPARE(sra::core::sradConfigValueText(key, defaults, system.configDir()), QLatin1String(key.defaultValue));
        const bool isPath = key.type == SradValueType::Path || key.type == SradValueType::OptionalPath;
        if (!isPath) {
            QCOMPARE(sra::core::sradConfigValueText(key, initialized, system.configDir()),
                     QLatin1String(key.defaultValue));
        }
        if (isNumeric(key)) {
            QVERIFY2(key.min >= 0 && key.min < key.max, qPrintable(idOf(key))); // 0: resume_grace_ms off
        }
    }
    // Under a root, absolute defaults move with it and relative ones follow the file.
    QVERIFY(QDir().mkpath(m_paths.configDir()));
    SradConfig loaded;
    QString error;
    QVERIFY2(SradConfig::load(m_paths, QString(), loaded, error), qPrintable(error));
    QCOMPARE(loaded.relaySocket, m_paths.runtimeDir() + QStringLiteral("/local.sock"));
    QCOMPARE(savedAsNewFile(loaded, QStringLiteral("a.conf")),
             savedAsNewFile(sra::core::sradConfigDefaults(m_paths, m_paths.configDir()), QStringLiteral("b.conf")));
}

void TestSradConfig::lexer_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("indent");
    QTest::addColumn<int>("commentStart");

    const int blank = int(IniLineKind::Blank);
    const int comment = int(IniLineKind::Comment);
    const int section = int(IniLineKind::Section);
    const int setting = int(IniLineKind::Setting);
    const int malformed = int(IniLineKind::Malformed);
    QTest::addRow("empty") << "" << blank << ""
                           << "" << 0 << -1;
    QTest::addRow("blanks and CR") << " \t\r" << blank << ""
                                   << "" << 3 << -1;
    QTest::addRow("comment") << "; TCP port admins connect to." << comment << ""
                             << "" << 0 << -1;
    QTest::addRow("commented setting") << ";port = 4116" << comment << "port"
                                       << "" << 0 << -1;
    QTest::addRow("hash commented setting") << "  #  listen = ::" << comment << "listen"
                                            << "" << 2 << -1;
    QTest::addRow("section") << "[ network ]\r" << section << "network"
                             << "" << 0 << -1;
    QTest::addRow("unclosed section") << "[network" << malformed << ""
                                      << "" << 0 << -1;
    QTest::addRow("section with comment") << "[network] ; x" << malformed << ""
                                          << "" << 0 << -1;
    QTest::addRow("setting") << "port = 4116" << setting << "port"
                             << "4116" << 0 << -1;
    QTest::addRow("no blanks") << "port=1" << setting << "port"
                               << "1" << 0 << -1;
    QTest::addRow("trailing comment") << "  port = 1 ; why\r" << setting << "port"
                                      << "1" << 2 << 10;
    QTest::addRow("tab before hash") << "k = a\t# b" << setting << "k"
                                     << "a" << 0 << 5;
    QTest::addRow("marker inside a word") << "k = a;b#c" << setting << "k"
                                          << "a;b#c" << 0 << -1;
    QTest::addRow("marker right after =") << "k =;x" << setting << "k"
                                          << ";x" << 0 << -1;
    QTest::addRow("comment as value") << "k = ; none" << setting << "k"
                                      << "" << 0 << 3;
    QTest::addRow("second equals") << "k = a = b" << setting << "k"
                                   << "a = b" << 0 << -1;
    QTest::addRow("empty value") << "k =" << setting << "k"
                                 << "" << 0 << -1;
    QTest::addRow("quotes are kept") << "k = \"a b\"" << setting << "k"
                                     << "\"a b\"" << 0 << -1;
    QTest::addRow("no equals") << "port 4116" << malformed << ""
                               << "" << 0 << -1;
    QTest::addRow("no key") << " = 1" << malformed << ""
                            << "" << 1 << -1;
}

void TestSradConfig::lexer()
{
    QFETCH(QString, line);
    QFETCH(int, kind);
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(int, indent);
    QFETCH(int, commentStart);
    const IniLine lexed = sra::core::lexIniLine(line);
    QCOMPARE(int(lexed.kind), kind);
    QCOMPARE(lexed.name, name);
    QCOMPARE(lexed.value, value);
    QCOMPARE(lexed.indent, qsizetype(indent));
    QCOMPARE(lexed.commentStart, qsizetype(commentStart));
    QCOMPARE(lexed.problem == sra::core::IniLineProblem::None, kind != int(IniLineKind::Malformed));
}

// srad.conf(5) and docs/CONFIGURATION.md document exactly the table's keys, each with the table's default and,
// for numbers, its range.
void TestSradConfig::documentationStatesTheSchema()
{
    const QHash<QString, QString> page =
        manPageEntries(QString::fromUtf8(readAll(sourceFile("docs/man/srad.conf.5.scd"))));
    const QHash<QString, QStringList> guide =
        guideRows(QString::fromUtf8(readAll(sourceFile("docs/CONFIGURATION.md"))));
    QStringList pageKeys = page.keys();
    QStringList guideKeys = guide.keys();
    QStringList keys = schemaKeys();
    pageKeys.sort();
    guideKeys.sort();
    keys.sort();
    QCOMPARE(pageKeys, keys);
    QCOMPARE(guideKeys, keys);
    for (const SradKey& key : sradConfigSchema()) {
        const QString id = idOf(key);
        const QString value = QLatin1String(key.defaultValue);
        const QString entry = page.value(id);
        const QString pageDefault =
            value.isEmpty() ? QStringLiteral("Default: empty") : QStringLiteral("Default: *%1*").arg(value);
        QVERIFY2(entry.contains(pageDefault), qPrintable(id + QStringLiteral(": srad.conf(5) lacks ") + pageDefault));
        const QStringList row = guide.value(id);
        QCOMPARE(row.at(0), value.isEmpty() ? QStringLiteral("(empty)") : QStringLiteral("`%1`").arg(value));
        if (isNumeric(key)) {
            const QString range = QStringLiteral("%1 to %2").arg(key.min).arg(key.max);
            QVERIFY2(entry.contains(range), qPrintable(id + QStringLiteral(": srad.conf(5) lacks ") + range));
            const QString guideRange = QStringLiteral("%1 – %2").arg(key.min).arg(key.max);
            QVERIFY2(row.at(1).startsWith(guideRange),
                     qPrintable(id + QStringLiteral(": CONFIGURATION.md lacks ") + guideRange));
        }
    }
}

// sra-setup changes an existing srad.conf line by line: comments, order and foreign lines stay.
void TestSradConfig::saveKeepsAnEditedFile()
{
    QByteArray original = readAll(packagedConfig());
    QVERIFY(!original.isEmpty());
    original += "; the site's own note\n";
    QVERIFY(writeFile(configFile(), original));
    QString error;
    SradConfig c;
    QVERIFY2(SradConfig::load(m_paths, QString(), c, error), qPrintable(error));
    c.enabled = true;
    c.port = 4200;
    c.screenBackend = QStringLiteral("x11vnc");
    QVERIFY2(c.save(QString(), error), qPrintable(error));

    const QStringList before = QString::fromUtf8(original).split(QLatin1Char('\n'));
    const QStringList after = QString::fromUtf8(readAll(configFile())).split(QLatin1Char('\n'));
    QCOMPARE(after.size(), before.size() + 3);
    // Every original line is still there, in order, and each new line follows its commented default.
    qsizetype j = 0;
    for (const QString& line : before) {
        while (j < after.size() && after.at(j) != line) {
            ++j;
        }
        QVERIFY2(j < after.size(), qPrintable(QStringLiteral("lost line: ") + line));
        ++j;
    }
    QCOMPARE(after.at(after.indexOf(QStringLiteral(";enabled = false")) + 1), QStringLiteral("enabled = true"));
    QCOMPARE(after.at(after.indexOf(QStringLiteral(";port = 4116")) + 1), QStringLiteral("port = 4200"));
    QCOMPARE(after.at(after.indexOf(QStringLiteral(";backend =")) + 1), QStringLiteral("backend = x11vnc"));

    SradConfig back;
    QVERIFY2(SradConfig::load(m_paths, QString(), back, error), qPrintable(error));
    QCOMPARE(back.enabled, true);
    QCOMPARE(back.port, quint16(4200));
    // Saving what was read changes nothing; going back to a default rewrites the active line in place.
    const QByteArray saved = readAll(configFile());
    QVERIFY2(back.save(QString(), error), qPrintable(error));
    QCOMPARE(readAll(configFile()), saved);
    back.port = 4116;
    QVERIFY2(back.save(QString(), error), qPrintable(error));
    const QString reverted = QString::fromUtf8(readAll(configFile()));
    QVERIFY2(reverted.contains(QStringLiteral(";port = 4116\nport = 4116\n")), qPrintable(reverted));
}

void TestSradConfig::iniEditorEdgeCases()
{
    using sra::core::applyIniSettings;
    using sra::core::IniSetting;
    // A value's trailing comment and indentation stay; a default for an absent key adds nothing.
    QCOMPARE(applyIniSettings(QStringLiteral("[network]\n  port = 1 ; why\n"),
                              {
                                  {QStringLiteral("network"), QStringLiteral("port"),   QStringLiteral("2"),  false},
                                  {QStringLiteral("network"), QStringLiteral("listen"), QStringLiteral("::"), true }
    }),
             QStringLiteral("[network]\n  port = 2 ; why\n"));
    // A key without a commented line goes to the end of its section, before the blank line and next section.
    QCOMPARE(
        applyIniSettings(QStringLiteral("[auth]\n# note\n\n[service]\n"),
                         {
                             {QStringLiteral("auth"), QStringLiteral("max_failures"), QStringLiteral("3"), false}
    }),
        QStringLiteral("[auth]\n# note\nmax_failures = 3\n\n[service]\n"));
    // A missing section is appended; an empty value is written without a trailing blank; no final newline is
    // made up for an empty text.
    QCOMPARE(applyIniSettings(QStringLiteral("; only a comment"),
                              {
                                  {QStringLiteral("screen"), QStringLiteral("backend"), QString(), false}
    }),
             QStringLiteral("; only a comment\n\n[screen]\nbackend =\n"));
    QCOMPARE(applyIniSettings(QString(), {}), QString());
    // A commented key of another section is not taken for this one.
    QCOMPARE(applyIniSettings(QStringLiteral("[a]\n;k = 1\n[b]\nx = 1\n"),
                              {
                                  {QStringLiteral("b"), QStringLiteral("k"), QStringLiteral("2"), false}
    }),
             QStringLiteral("[a]\n;k = 1\n[b]\nx = 1\nk = 2\n"));
}

QTEST_GUILESS_MAIN(TestSradConfig)
#include "TestSradConfig.moc"
