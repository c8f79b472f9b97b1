#pragma once

#include "core/base/Bytes.h"

#include <QString>

namespace sra::core {

// Reads a PIN for the command-line tools without it ever passing through a QString or an unzeroed buffer:
// from a file descriptor the caller opened (--pin-fd N, up to the first newline or EOF), or typed at the
// terminal with echo off. Returns false with `error` set when no PIN could be read.
bool readPinFromFd(int fd, base::SecureBytes& pin, QString& error);
bool promptPin(const QString& prompt, base::SecureBytes& pin, QString& error);

} // namespace sra::core
