#pragma once

#include "core/config/SradConfig.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

// srad --check: one line per thing the remote side needs, each "OK" or "FAIL" with what was found and, for FAIL,
// the command that fixes it. It only looks: it never writes a file, creates a directory or generates anything, so
// it is safe to run on a live machine, as root or as the service user. Every path is taken under the root, so the
// tests check a scratch tree exactly as a real system. The parsers are free functions for the unit test.
namespace sra::srad {

struct CheckResult
{
    bool ok = false;
    QString item;  // "license", "listening 0.0.0.0:4116", ...
    QString found; // what was found
    QString fix;   // FAIL: what to do, with a concrete command

    // "OK   item: found" or "FAIL item: found — fix"; always one line.
    QString line() const;
};

// --- pcsc-lite's reader.conf (reader.conf.d/*) -----------------------------------------------------------------
// "KEYWORD value" pairs, keyword and value on one line, '#' starts a comment; a reader is complete once it has
// FRIENDLYNAME, DEVICENAME, LIBPATH and CHANNELID (each once), as pcscd's own parser requires.
struct ReaderConfEntry
{
    QString friendlyName;
    QString deviceName;
    QString libPath;
    QString channelId;
    int line = 0; // where the entry started
};

struct ReaderConf
{
    QList<ReaderConfEntry> readers;    // complete entries, in file order
    QList<ReaderConfEntry> incomplete; // an entry the file ends in the middle of (what it has so far)
    QStringList errors;                // "line N: ..." for each problem pcscd would refuse
};

ReaderConf parseReaderConf(const QByteArray& text);

// --- p11-kit module configuration (*.module) -------------------------------------------------------------------
// "key: value" lines, '#' comments. `module` is the library; a relative one lives in p11-kit's module directory.
struct P11KitModuleConf
{
    QString module;     // empty when the file has no module: line
    QStringList errors; // "line N: ..." for lines p11-kit would refuse
};

P11KitModuleConf parseP11KitModule(const QByteArray& text);

// The library a module: value names: absolute as it is, relative under each directory of p11-kit's module path
// (colon-separated). Paths are system paths (not under a --root).
QStringList p11KitModuleCandidates(const QString& module, const QString& modulePath);

// --- file access -----------------------------------------------------------------------------------------------
// POSIX permission bits as the kernel applies them (owner class, else group class, else other), without ACLs.
struct FileOwnership
{
    uint owner = 0;
    uint group = 0;
    uint mode = 0; // st_mode's permission bits
};

enum class Access
{
    Read = 4,
    Search = 1, // execute/search, for directories on the way to a file
};

bool userMay(const FileOwnership& file, uint uid, const QList<uint>& groups, Access access);

// The checks. Environment holds the system directories the check looks in (under the root); the defaults are the
// build's (pkg-config of pcsc-lite and p11-kit), tests may point elsewhere.
class SradCheck
{
public:
    struct Environment
    {
        QString readerConfDir;        // pcsc-lite's serialconfdir, e.g. /etc/reader.conf.d
        QStringList p11KitModuleDirs; // where p11-kit reads *.module files
        QString p11KitModulePath;     // where p11-kit finds relative module: libraries
        QString ifdFileName;          // libifd-sra.so
        QString pkcs11FileName;       // libsra-pkcs11.so
        int networkTimeoutMs = 3000;  // per connection and per TLS handshake

        static Environment build();
    };

    // `configFile` as given with --config (empty: the default under the root).
    SradCheck(const core::SradPaths& paths,
              const QString& configFile,
              const Environment& environment = Environment::build());

    // Exit status of srad --check.
    enum Status
    {
        AllOk = 0,
        SomethingFailed = 1,
        CannotCheck = 2, // usage error, or a configuration that cannot be read: nothing else can be checked
    };

    // Runs every check in the documented order and hands each line to `report` as soon as it is known (a check
    // of an address that does not answer takes a few seconds; the lines before it should not wait for it).
    Status run(const std::function<void(const CheckResult&)>& report);

private:
    CheckResult configuration();
    CheckResult license();
    QList<CheckResult> identity();
    QList<CheckResult> listening();
    QList<CheckResult> pairings();
    CheckResult pcscdDriver();
    CheckResult pkcs11Module();
    CheckResult localSocket();
    CheckResult screen();

    QString underRoot(const QString& systemPath) const;
    bool realRoot() const;

    core::SradPaths m_paths;
    QString m_configFile;
    Environment m_env;
    core::SradConfig m_config;
    QString m_configError;
    QString m_fingerprint; // of the configured identity, when it loaded
};

} // namespace sra::srad
