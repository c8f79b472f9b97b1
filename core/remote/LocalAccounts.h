#pragma once

#include <QString>

namespace sra::core {

// Whether an account exists, as sra-setup pair and srad --check ask it. On the real system the answer comes from
// getpwnam (so NSS accounts, LDAP for example, count); on a staging tree (--root) only a passwd-format file can
// answer, because the accounts of the running machine say nothing about the tree's.
enum class PasswdLookup
{
    Found,
    NotFound,
    Unreadable, // the file cannot be read; `error` says why and what to do
};

// Looks for a line "account:..." in a passwd-format file (read up to 16 MiB).
PasswdLookup lookUpPasswdFile(const QString& passwdFile, const QString& account, QString& error);

// getpwnam on this machine.
bool systemAccountExists(const QString& account);

} // namespace sra::core
