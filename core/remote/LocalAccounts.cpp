#include "core/remote/LocalAccounts.h"

#include <QCoreApplication>
#include <QFile>

#include <pwd.h>

namespace sra::core {

namespace {
// Far beyond any real passwd file; a bound so that a wrong path (a device, a huge log) cannot exhaust memory.
constexpr qint64 kMaxPasswdFile = 16 * 1024 * 1024;
} // namespace

PasswdLookup lookUpPasswdFile(const QString& passwdFile, const QString& account, QString& error)
{
    QFile f(passwdFile);
    if (!f.open(QIODevice::ReadOnly)) {
        error =
            QCoreApplication::translate("sra::core::LocalAccounts", "Cannot read %1 (%2); give a readable passwd file.")
                .arg(passwdFile, f.errorString());
        return PasswdLookup::Unreadable;
    }
    const QByteArray text = f.read(kMaxPasswdFile);
    const QByteArray prefix = account.toUtf8() + ':';
    for (const QByteArray& line : text.split('\n')) {
        if (line.startsWith(prefix)) {
            return PasswdLookup::Found;
        }
    }
    return PasswdLookup::NotFound;
}

bool systemAccountExists(const QString& account)
{
    const QByteArray name = account.toUtf8();
    return ::getpwnam(name.constData()) != nullptr;
}

} // namespace sra::core
