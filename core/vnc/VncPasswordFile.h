#pragma once

#include <QByteArray>
#include <QString>

namespace sra::core {

// Writes `password` (its first 8 characters: VNC authentication uses 8) to `path` in the format x11vnc's
// -rfbauth reads. The file is created here, exclusively and with mode 0600 (O_EXCL, O_NOFOLLOW), so the secret
// is never readable by anyone else, not even between creation and a chmod. The password is not logged.
// False with a sentence in `error`.
bool writeVncPasswordFile(const QString& path, const QByteArray& password, QString& error);

} // namespace sra::core
