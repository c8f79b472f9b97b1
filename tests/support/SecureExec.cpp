#include "support/SecureExec.h"

#include <QFile>
#include <QFileInfo>

#include <grp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace sra::test {

namespace {

// Debian's "nogroup", which root is not a member of; any group other than our real one would do.
gid_t foreignGroup()
{
    const group* entry = ::getgrnam("nogroup");
    const gid_t gid = entry != nullptr ? entry->gr_gid : 65534;
    return gid != ::getgid() ? gid : 1;
}

} // namespace

SecureExecProgram makeSecureExecCopy(const QString& program, const QString& dir)
{
    SecureExecProgram result;
    if (::geteuid() != 0) {
        result.skipReason = QStringLiteral("needs root: only root can make a program setgid to a group it is not "
                                           "in, which is what makes the kernel run it in secure-execution mode; "
                                           "CI runs the tests as root");
        return result;
    }
    if (::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1) {
        result.skipReason = QStringLiteral("this process has no_new_privs set (a container or systemd's "
                                           "NoNewPrivileges=), so exec ignores setgid bits");
        return result;
    }

    struct statvfs fs
    {};

    if (::statvfs(QFile::encodeName(dir).constData(), &fs) == 0 && (fs.f_flag & ST_NOSUID) != 0) {
        result.skipReason = QStringLiteral("%1 is on a file system mounted nosuid").arg(dir);
        return result;
    }
    const QString copy = dir + QLatin1Char('/') + QFileInfo(program).fileName();
    if (!QFile::copy(program, copy)) {
        result.skipReason = QStringLiteral("cannot copy %1 to %2").arg(program, dir);
        return result;
    }
    const QByteArray path = QFile::encodeName(copy);
    // chown first: changing the owner or group clears the setgid bit.
    if (::chown(path.constData(), static_cast<uid_t>(-1), foreignGroup()) != 0
        || ::chmod(path.constData(), S_ISGID | 0755) != 0) {
        result.skipReason = QStringLiteral("cannot make %1 setgid").arg(copy);
        return result;
    }
    result.path = copy;
    return result;
}

QMap<QString, QString> probeLines(const QByteArray& out)
{
    QMap<QString, QString> lines;
    for (const QByteArray& line : out.split('\n')) {
        if (line.isEmpty()) {
            continue;
        }
        const qsizetype eq = line.indexOf('=');
        if (eq < 0) {
            lines.insert(QString::fromUtf8(line.left(line.indexOf(' '))), QString());
        } else {
            lines.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
        }
    }
    return lines;
}

QString secureExecProbe()
{
    return qEnvironmentVariable("SRA_SECURE_EXEC_PROBE");
}

} // namespace sra::test
