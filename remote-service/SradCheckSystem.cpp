// srad --check of the rest of the system: pcscd and p11-kit registrations, the local socket, screen sharing.
#include "remote-service/SradCheck.h"
#include "remote-service/SradCheckSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocalSocket>
#include <QStandardPaths>

#include <utility>

namespace sra::srad {

using namespace check;

namespace {

// reader.conf.d and p11-kit files are a few lines; anything larger is not one of them.
constexpr qint64 kMaxSmallConfigFile = 64 * 1024;
// The package that installs the driver, the module and their registrations.
constexpr char kPackage[] = "sra-remote";

QString reinstallFix()
{
    return QStringLiteral("reinstall the package: apt install --reinstall %1").arg(QLatin1String(kPackage));
}

QByteArray readSmallFile(const QString& file, QString& error)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        error = QStringLiteral("cannot read %1 (%2)").arg(file, f.errorString());
        return {};
    }
    const QByteArray bytes = f.read(kMaxSmallConfigFile + 1);
    if (bytes.size() > kMaxSmallConfigFile) {
        error = QStringLiteral("%1 is larger than %2 bytes").arg(file).arg(kMaxSmallConfigFile);
        return {};
    }
    return bytes;
}

// The keywords a reader entry still lacks, for the line that says why pcscd ignores it.
QString missingKeywords(const ReaderConfEntry& entry)
{
    QStringList missing;
    for (const auto& [value, keyword] : {
             std::pair{&entry.friendlyName, "FRIENDLYNAME"},
             std::pair{&entry.deviceName,   "DEVICENAME"  },
             std::pair{&entry.libPath,      "LIBPATH"     },
             std::pair{&entry.channelId,    "CHANNELID"   }
    }) {
        if (value->isEmpty()) {
            missing.append(QLatin1String(keyword));
        }
    }
    return missing.join(QStringLiteral(", "));
}

} // namespace

CheckResult SradCheck::pcscdDriver()
{
    const QString item = QStringLiteral("pcscd driver");
    const QString dir = underRoot(m_env.readerConfDir);
    const QString restart = QStringLiteral("systemctl restart pcscd");
    QStringList problems; // what was seen on the way, for the FAIL line when no file registers the driver
    for (const QFileInfo& info : QDir(dir).entryInfoList(QDir::Files, QDir::Name)) {
        QString error;
        const QByteArray text = readSmallFile(info.filePath(), error);
        if (!error.isEmpty()) {
            problems.append(error);
            continue;
        }
        const ReaderConf conf = parseReaderConf(text);
        for (const ReaderConfEntry& entry : conf.incomplete) {
            problems.append(QStringLiteral("%1 line %2: a reader without %3")
                                .arg(info.filePath())
                                .arg(entry.line)
                                .arg(missingKeywords(entry)));
        }
        for (const ReaderConfEntry& entry : conf.readers) {
            if (QFileInfo(entry.libPath).fileName() != m_env.ifdFileName) {
                continue;
            }
            if (!conf.errors.isEmpty()) {
                return fail(
                    item,
                    QStringLiteral("%1 %2 (pcscd ignores what follows)").arg(info.filePath(), conf.errors.first()),
                    QStringLiteral("%1, then: %2").arg(reinstallFix(), restart));
            }
            if (!QFileInfo::exists(underRoot(entry.libPath))) {
                return fail(item,
                            QStringLiteral("%1 names LIBPATH %2, which does not exist")
                                .arg(info.filePath(), underRoot(entry.libPath)),
                            QStringLiteral("%1, then: %2").arg(reinstallFix(), restart));
            }
            // The file names the socket as the system sees it; under a staging root it may be the root-less path.
            // "sra:" before the path keeps pcscd from stat()ing it (pcscd-driver/IfdEntry.cpp); the driver drops it.
            QString socket = entry.deviceName;
            if (socket.startsWith(QLatin1String("sra:"))) {
                socket.remove(0, 4);
            }
            if (socket != m_config.relaySocket && underRoot(socket) != m_config.relaySocket) {
                return fail(item,
                            QStringLiteral("%1 has DEVICENAME %2, but srad's local socket is %3")
                                .arg(info.filePath(), entry.deviceName, m_config.relaySocket),
                            QStringLiteral("set \"DEVICENAME sra:%1\" in %2, then: %3")
                                .arg(m_config.relaySocket, info.filePath(), restart));
            }
            return ok(item,
                      QStringLiteral("%1 registers %2 for %3").arg(info.filePath(), entry.libPath, entry.deviceName));
        }
        if (!conf.errors.isEmpty()) {
            problems.append(QStringLiteral("%1 %2").arg(info.filePath(), conf.errors.first()));
        }
    }
    const QString none = QStringLiteral("no reader in %1 has LIBPATH .../%2").arg(dir, m_env.ifdFileName);
    return fail(item,
                problems.isEmpty() ? none : QStringLiteral("%1 (%2)").arg(none, problems.join(QStringLiteral("; "))),
                QStringLiteral("%1, then: %2").arg(reinstallFix(), restart));
}

CheckResult SradCheck::pkcs11Module()
{
    const QString item = QStringLiteral("PKCS#11 module");
    QStringList dirs;
    for (const QString& dir : m_env.p11KitModuleDirs) {
        dirs.append(underRoot(dir));
    }
    dirs.removeDuplicates();
    for (const QString& dir : dirs) {
        for (const QFileInfo& info : QDir(dir).entryInfoList({QStringLiteral("*.module")}, QDir::Files, QDir::Name)) {
            QString error;
            const P11KitModuleConf conf = parseP11KitModule(readSmallFile(info.filePath(), error));
            if (!error.isEmpty() || QFileInfo(conf.module).fileName() != m_env.pkcs11FileName) {
                continue;
            }
            if (!conf.errors.isEmpty()) {
                return fail(
                    item,
                    QStringLiteral("%1 %2 (p11-kit ignores the file)").arg(info.filePath(), conf.errors.first()),
                    reinstallFix());
            }
            QStringList looked;
            for (const QString& candidate : p11KitModuleCandidates(conf.module, m_env.p11KitModulePath)) {
                if (QFileInfo::exists(underRoot(candidate))) {
                    return ok(item, QStringLiteral("%1 registers %2").arg(info.filePath(), underRoot(candidate)));
                }
                looked.append(underRoot(candidate));
            }
            return fail(item,
                        QStringLiteral("%1 names module %2, which does not exist (%3)")
                            .arg(info.filePath(), conf.module, looked.join(QStringLiteral(", "))),
                        reinstallFix());
        }
    }
    return fail(
        item,
        QStringLiteral("no *.module file in %1 names %2").arg(dirs.join(QStringLiteral(" or ")), m_env.pkcs11FileName),
        reinstallFix());
}

CheckResult SradCheck::localSocket()
{
    const QString item = QStringLiteral("local socket");
    const QString path = m_config.relaySocket;
    if (!QFileInfo::exists(path)) {
        return fail(item, QStringLiteral("%1 does not exist: srad is not running").arg(path), startFix());
    }
    QLocalSocket socket;
    socket.connectToServer(path);
    if (socket.waitForConnected(m_env.networkTimeoutMs)) {
        socket.abort();
        return ok(item, QStringLiteral("srad accepts connections on %1").arg(path));
    }
    if (socket.error() == QLocalSocket::SocketAccessError) {
        return fail(item,
                    QStringLiteral("%1 refuses this user (%2)").arg(path, socket.errorString()),
                    QStringLiteral("run the check as root or as %1: sudo srad --check")
                        .arg(QLatin1String(core::kServiceAccount)));
    }
    return fail(item,
                QStringLiteral("%1 exists but nothing accepts connections on it (%2)").arg(path, socket.errorString()),
                startFix());
}

CheckResult SradCheck::screen()
{
    const QString item = QStringLiteral("screen sharing");
    const QString& backend = m_config.screenBackend;
    if (backend.isEmpty()) {
        return ok(item,
                  QStringLiteral("not set up (optional; %1 enables it)")
                      .arg(setupCommand(m_paths, realRoot(), QStringLiteral("-s"))));
    }
    if (backend == QLatin1String("x11vnc")) {
        // The program srad will start: the configured one, else x11vnc from PATH (X11VncBackend does the same).
        const QString program = m_config.screenX11vnc.isEmpty()
                                    ? QStandardPaths::findExecutable(QStringLiteral("x11vnc"))
                                    : m_config.screenX11vnc;
        const QFileInfo info(program);
        if (program.isEmpty() || !info.isFile() || !info.isExecutable()) {
            return fail(item,
                        program.isEmpty() ? QStringLiteral("x11vnc is not in PATH")
                                          : QStringLiteral("%1 is not an executable program").arg(program),
                        QStringLiteral("install it: apt install x11vnc"));
        }
        return ok(item, QStringLiteral("x11vnc %1 for display %2").arg(program, m_config.screenDisplay));
    }
    if (backend == QLatin1String("agent")) {
        // Backend agent (remote-service/ScreenAgents): srad listens on SradPaths::screenAgentSocket() and the
        // console session's sra-screen-agent connects to it. Only the socket's presence is checked here (a
        // connected agent is srad's knowledge, not the file system's); the agent's owners may refine this.
        const QString socket = m_paths.screenAgentSocket();
        if (QFileInfo::exists(socket)) {
            return ok(item, QStringLiteral("backend agent, screen agents connect to %1").arg(socket));
        }
        return fail(
            item, QStringLiteral("backend agent, but %1 does not exist: srad is not running").arg(socket), startFix());
    }
    return fail(item,
                QStringLiteral("unknown [screen] backend \"%1\"").arg(backend),
                QStringLiteral("prepare screen sharing again: %1")
                    .arg(setupCommand(m_paths, realRoot(), QStringLiteral("-s"))));
}

} // namespace sra::srad
