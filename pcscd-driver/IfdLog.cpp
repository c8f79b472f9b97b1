#include "pcscd-driver/IfdLog.h"

#include "core/base/Environment.h"

#include <debuglog.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <mutex>

namespace sra::ifd {

namespace {

using LogMsgFn = void (*)(int, const char*, ...);

struct LogSink
{
    LogLevel level = LogLevel::Error;
    LogMsgFn logMsg = nullptr;
};

LogLevel parseLevel(const char* text)
{
    if (text == nullptr || *text == '\0') {
        return LogLevel::Error;
    }
    if (std::strcmp(text, "0") == 0 || std::strcmp(text, "off") == 0) {
        return LogLevel::Off;
    }
    if (std::strcmp(text, "2") == 0 || std::strcmp(text, "info") == 0) {
        return LogLevel::Info;
    }
    if (std::strcmp(text, "3") == 0 || std::strcmp(text, "debug") == 0) {
        return LogLevel::Debug;
    }
    return LogLevel::Error;
}

const LogSink& sink() noexcept
{
    static LogSink s_sink;
    static std::once_flag s_once;
    try {
        std::call_once(s_once, [] {
            s_sink.level = parseLevel(base::trustedGetenv("SRA_IFD_LOG"));
            // pcscd exports log_msg (nm -D /usr/sbin/pcscd); a test program that dlopens us does not.
            s_sink.logMsg = reinterpret_cast<LogMsgFn>(dlsym(RTLD_DEFAULT, "log_msg"));
        });
    } catch (...) {
    }
    return s_sink;
}

int pcscPriority(LogLevel level) noexcept
{
    switch (level) {
    case LogLevel::Error:
        return PCSC_LOG_ERROR;
    case LogLevel::Info:
        return PCSC_LOG_INFO;
    case LogLevel::Off:
    case LogLevel::Debug:
        break;
    }
    return PCSC_LOG_DEBUG;
}

} // namespace

bool logEnabled(LogLevel level) noexcept
{
    return level != LogLevel::Off && static_cast<int>(level) <= static_cast<int>(sink().level);
}

void logf(LogLevel level, const char* format, ...) noexcept
{
    if (!logEnabled(level) || format == nullptr) {
        return;
    }
    char line[512];
    va_list args;
    va_start(args, format);
    std::vsnprintf(line, sizeof line, format, args);
    va_end(args);
    if (const LogMsgFn logMsg = sink().logMsg) {
        logMsg(pcscPriority(level), "ifd-sra: %s", line);
    } else {
        std::fprintf(stderr, "ifd-sra: %s\n", line);
    }
}

} // namespace sra::ifd
