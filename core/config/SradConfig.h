#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

namespace sra::core {

// Where the remote machine keeps SRA's files. Everything hangs off `root` so sra-setup --root DIR and the tests
// work on a scratch tree exactly as on a real system (root "/"). The system locations are this build's
// (core/base/BuildConfig.h: SRA_CONFIG_DIR, SRA_STATE_DIR, SRA_RUNTIME_DIR, SRA_AGENT_SOCKET_PATH).
// The system user (and its group) srad runs as under its unit (packaging/systemd/srad.service); the package's
// postinst creates it. sra-setup gives it the identity key, srad --check checks it can read what it must.
inline constexpr char kServiceAccount[] = "sra-srad";

struct SradPaths
{
    QString root = QStringLiteral("/");

    QString configDir() const;           // <root>/etc/secure-remote-access
    QString configFile() const;          // <configDir>/srad.conf
    QString stateDir() const;            // <root>/var/lib/secure-remote-access
    QString runtimeDir() const;          // <root>/run/secure-remote-access
    QString screenAgentSocket() const;   // <root>/run/secure-remote-access/screen-agent.sock (srad listens)
    QString activeSeatFile() const;      // <root>/run/systemd/seats/seat0: logind's state of seat0 (ACTIVE_UID=)
    QString pairingsFile() const;        // <configDir>/pairings.json
    QString identityCertificate() const; // <configDir>/identity.crt  (generated self-signed identity)
    QString identityKey() const;         // <configDir>/identity.key  (mode 0600)
    QString certificateStoreDir() const; // <root>/etc/ssl/certs: where -c FP looks for installed certificates
    QString privateKeyStoreDir() const;  // <root>/etc/ssl/private: and their keys
};

// srad.conf (INI). Every key is optional; missing keys take their defaults. Paths in the file are absolute or
// relative to the directory that holds the file (the configuration directory for the default file). Unknown
// sections or keys, repeated keys and invalid values are errors naming the key, so that a typo (say
// "ca_bundel") can never silently switch a check off. The keys, with their types, defaults, ranges and
// meaning, are the table in SradConfigSchema.cpp; the syntax is IniLexer's; for people: srad.conf(5) and
// docs/CONFIGURATION.md. The initializers below repeat the table's defaults for a SradConfig made without
// load() (the unit test holds them equal).
struct SradConfig
{
    SradPaths paths;
    quint16 port = 4116;
    QList<QHostAddress> listen{QHostAddress(QHostAddress::AnyIPv4), QHostAddress(QHostAddress::AnyIPv6)};
    int resumeGraceMs = 30000; // a dropped session (and its inserted card) is held this long for a Resume; 0: never
    QString certificateFile;   // absolute after load()
    QString keyFile;           // absolute after load()
    QString licenseDir;        // absolute after load()
    QString pairingsFile;      // absolute after load()
    QString caBundleFile;      // empty: no CA check
    int handshakeTimeoutMs = 60000;
    int maxUnauthenticated = 16;
    int maxFailures = 5;
    int failureWindowSeconds = 300;
    int keepaliveIntervalSeconds = 10; // srad's keepalive; an authenticated session silent 3× as long is suspended
    bool enabled = false;
    QString screenBackend; // empty: screen sharing not set up
    QString screenDisplay = QStringLiteral(":0");
    QString screenX11vnc;     // empty: "x11vnc" from PATH
    QString screenXauthority; // empty: x11vnc's own default (XAUTHORITY, ~/.Xauthority)
    int screenTicketTtlMs = 30000;
    int screenMaxStreams = 4;
    QStringList screenAgentUsers; // names or uids whose screen agent srad accepts (besides seat0's)
    QString relaySocket;          // absolute after load(); default <root>/run/secure-remote-access/local.sock
    QList<quint8> relayAllowedSlots{0x9A};
    int relayRequestTimeoutMs = 30000; // how long srad waits for the admin's answer to a relayed request
    QString loginRemovalPolicy = QStringLiteral("none"); // none | lock | logout, when the card leaves the remote
    QString loginLockCommand = QStringLiteral("loginctl lock-sessions");
    QString loginLogoutCommand = QStringLiteral("loginctl terminate-user %u");

    // Reads `file` (default: paths.configFile()). A missing file gives the defaults; an unreadable or invalid
    // value gives false with one sentence in `error` naming the key and the fix.
    static bool load(const SradPaths& paths, const QString& file, SradConfig& out, QString& error);

    // Writes the configuration (used by sra-setup), atomically, mode 0644. An existing file is edited in place
    // (IniEditor: changed keys only, comments and layout kept); a new one gets every key. Paths inside the
    // file's directory are written relative to it, others absolute. The directory must exist.
    bool save(const QString& file, QString& error) const;

    // Checks a display value for [screen] display (":N" or ":N.M").
    static bool isValidDisplay(const QString& display);
};

} // namespace sra::core
