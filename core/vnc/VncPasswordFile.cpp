#include "core/vnc/VncPasswordFile.h"

#include <QFile>

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

// libvncserver's writer of the -rfbauth format (rfb/rfbproto.h declares it without C linkage for C++). The
// format is a fixed-key DES obfuscation, not worth a second implementation.
extern "C" int rfbEncryptAndStorePasswd(char* passwd, char* fname);

namespace sra::core {

bool writeVncPasswordFile(const QString& path, const QByteArray& password, QString& error)
{
    // libvncserver's writer then truncates and fills the file (keeping the mode).
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = QStringLiteral("cannot create %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    ::close(fd);
    std::array<char, 9> secret{};
    std::copy_n(password.constData(), std::min<qsizetype>(password.size(), 8), secret.begin());
    std::array<char, 4096> file{};
    std::copy_n(name.constData(), std::min<qsizetype>(name.size(), file.size() - 1), file.begin());
    const int rc = rfbEncryptAndStorePasswd(secret.data(), file.data());
    OPENSSL_cleanse(secret.data(), secret.size());
    if (rc != 0) {
        error = QStringLiteral("cannot write the VNC password file %1").arg(path);
        return false;
    }
    return true;
}

} // namespace sra::core
