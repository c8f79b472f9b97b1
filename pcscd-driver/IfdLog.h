#pragma once

namespace sra::ifd {

// Levels of SRA_IFD_LOG (a number or a name; ignored in setuid/setgid programs, base::trustedGetenv): 0/off,
// 1/error (the default), 2/info, 3/debug. The driver logs into pcscd's own log through log_msg() from
// debuglog.h, looked up in the hosting process at run time, so the module has no undefined symbols
// (-Wl,--no-undefined) and also loads into a test program, where it writes to stderr instead. Never log PINs, VERIFY
// data or keys: APDUs are logged as their header and lengths only.
enum class LogLevel
{
    Off = 0,
    Error = 1,
    Info = 2,
    Debug = 3,
};

bool logEnabled(LogLevel level) noexcept;
void logf(LogLevel level, const char* format, ...) noexcept __attribute__((format(printf, 2, 3)));

} // namespace sra::ifd
