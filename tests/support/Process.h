#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace sra::test {

// What a finished (or failed) child process left behind.
struct ProcessResult
{
    bool started = false;  // false: the program could not be run at all (see errorString)
    bool timedOut = false; // true: killed after the timeout; exitCode is then meaningless
    bool crashed = false;  // ended by a signal
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QString errorString;

    bool ok() const
    {
        return started && !timedOut && !crashed && exitCode == 0;
    }

    // One line for QVERIFY2 messages: program status and both output streams.
    QString describe() const;
};

// Runs a program to completion with the given environment, feeding stdinData to its standard input.
// A program still running after timeoutMs is killed. Never throws; never leaves the child running.
ProcessResult runProcess(const QString& program,
                         const QStringList& args,
                         const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(),
                         const QByteArray& stdinData = {},
                         int timeoutMs = 30000);

// True while a process with this pid exists and is not a zombie (a zombie has exited; only its parent's
// bookkeeping is left, and a daemon's parent here may be slow to reap it).
bool processAlive(qint64 pid);

// Pids of live processes one of whose command-line arguments contains `needle` (e.g. a lab directory).
QList<qint64> processesWithArgument(const QString& needle);

// The repository root (SRA_SOURCE_DIR) and the build directory (SRA_BINARY_DIR), as set by sra_add_qtest.
// Empty when the variable is missing.
QString sourceDir();
QString binaryDir();

} // namespace sra::test
