#include "support/Process.h"

#include <QDir>
#include <QFile>
#include <QProcess>

namespace sra::test {

QString ProcessResult::describe() const
{
    if (!started) {
        return QStringLiteral("could not start: %1").arg(errorString);
    }
    QString status;
    if (timedOut) {
        status = QStringLiteral("timed out");
    } else if (crashed) {
        status = QStringLiteral("crashed");
    } else {
        status = QStringLiteral("exit %1").arg(exitCode);
    }
    return QStringLiteral("%1; stdout: %2; stderr: %3")
        .arg(status, QString::fromLocal8Bit(out).trimmed(), QString::fromLocal8Bit(err).trimmed());
}

ProcessResult runProcess(const QString& program,
                         const QStringList& args,
                         const QProcessEnvironment& env,
                         const QByteArray& stdinData,
                         int timeoutMs)
{
    ProcessResult result;
    QProcess process;
    process.setProcessEnvironment(env);
    process.setProgram(program);
    process.setArguments(args);
    process.start();
    if (!process.waitForStarted(timeoutMs)) {
        result.errorString = process.errorString();
        return result;
    }
    result.started = true;
    if (!stdinData.isEmpty()) {
        process.write(stdinData);
    }
    // Always close: a child reading its standard input must see end-of-file rather than wait forever.
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        result.timedOut = true;
        process.kill();
        process.waitForFinished(5000);
    }
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    result.crashed = !result.timedOut && process.exitStatus() == QProcess::CrashExit;
    result.exitCode = process.exitCode();
    result.errorString = process.errorString();
    return result;
}

bool processAlive(qint64 pid)
{
    if (pid <= 0) {
        return false;
    }
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly)) {
        return false;
    }
    // "pid (comm) S ...": the state follows the last ')' (comm itself may contain parentheses).
    const QByteArray line = stat.readAll();
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0 || close + 2 >= line.size()) {
        return false;
    }
    return line.at(close + 2) != 'Z';
}

QList<qint64> processesWithArgument(const QString& needle)
{
    QList<qint64> pids;
    const QByteArray want = needle.toLocal8Bit();
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& entry : entries) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        if (!isPid) {
            continue;
        }
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (!cmdline.open(QIODevice::ReadOnly)) {
            continue;
        }
        const QList<QByteArray> argv = cmdline.readAll().split('\0');
        for (const QByteArray& arg : argv) {
            if (arg.contains(want)) {
                if (processAlive(pid)) {
                    pids.append(pid);
                }
                break;
            }
        }
    }
    return pids;
}

QString sourceDir()
{
    return qEnvironmentVariable("SRA_SOURCE_DIR");
}

QString binaryDir()
{
    return qEnvironmentVariable("SRA_BINARY_DIR");
}

} // namespace sra::test
