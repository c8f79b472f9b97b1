#pragma once

#include "support/Process.h"

#include <QMap>
#include <QString>

namespace sra::test {

// A program the kernel runs in secure-execution mode (AT_SECURE), as it runs sudo, su or a setgid program:
// where the environment belongs to a less privileged caller. `path` is empty and `skipReason` says why (for
// QSKIP) when this process cannot make one.
struct SecureExecProgram
{
    QString path;
    QString skipReason;
};

// Copies `program` into `dir` and makes the copy setgid with a group other than ours. It keeps our user, so
// it may read and connect to everything we may, and only the mode differs from running `program` itself; any
// change of effective group makes the kernel set AT_SECURE (for root as for anyone, where a root-owned setuid
// copy run by root would change nothing). Needs root (the group is one root is not in), a file system of
// `dir` without nosuid, and no no_new_privs on this process (both make exec ignore the bit).
SecureExecProgram makeSecureExecCopy(const QString& program, const QString& dir);

// The "key=value" lines of sra-secure-exec-probe (tests/support/secure-exec-probe) by key; a line without '='
// ("NAME unset") is a key with a null value.
QMap<QString, QString> probeLines(const QByteArray& out);

// sra-secure-exec-probe of this build (SRA_SECURE_EXEC_PROBE, set by the test's CMakeLists.txt); empty if unset.
QString secureExecProbe();

} // namespace sra::test
