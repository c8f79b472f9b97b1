// The C ABI pcscd calls (ifdhandler.h, IFD handler API 3.0). Every entry point is noexcept and catches
// everything: an exception must never cross into pcscd. Every out-length is zeroed on every error path, every
// pointer and the Lun are checked before use. Only the IFDH* functions are exported (ifd-sra.map).
//
// Lun = 0xRRRRSSSS: RRRR picks the reader (one per reader.conf entry using this driver), SSSS the slot; each
// reader has exactly one slot.

#include "core/base/BuildConfig.h"
#include "core/base/Environment.h"
#include "pcscd-driver/IfdLog.h"
#include "pcscd-driver/VirtualReader.h"

// ifdhandler.h has no extern "C" of its own, and its declarations carry no noexcept while ours do (a
// different function type in C++17). Its declarations are read under other names and each definition below is
// checked against them (kSameSignature), so the exported functions keep the header's exact C signatures.
#define IFDHCreateChannelByName   sraHeader_IFDHCreateChannelByName
#define IFDHCreateChannel         sraHeader_IFDHCreateChannel
#define IFDHCloseChannel          sraHeader_IFDHCloseChannel
#define IFDHGetCapabilities       sraHeader_IFDHGetCapabilities
#define IFDHSetCapabilities       sraHeader_IFDHSetCapabilities
#define IFDHSetProtocolParameters sraHeader_IFDHSetProtocolParameters
#define IFDHPowerICC              sraHeader_IFDHPowerICC
#define IFDHTransmitToICC         sraHeader_IFDHTransmitToICC
#define IFDHICCPresence           sraHeader_IFDHICCPresence
#define IFDHControl               sraHeader_IFDHControl
extern "C" {
#include <ifdhandler.h>
// reader.h (CM_IOCTL_GET_FEATURE_REQUEST, SCARD_ATTR_*) has C's zero-length arrays in its PIN pad structures.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include <reader.h>
#pragma GCC diagnostic pop
}
#undef IFDHCreateChannelByName
#undef IFDHCreateChannel
#undef IFDHCloseChannel
#undef IFDHGetCapabilities
#undef IFDHSetCapabilities
#undef IFDHSetProtocolParameters
#undef IFDHPowerICC
#undef IFDHTransmitToICC
#undef IFDHICCPresence
#undef IFDHControl

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>

namespace {

using sra::ifd::logf;
using sra::ifd::LogLevel;
using sra::ifd::VirtualReader;

constexpr const char* kDefaultSocketPath = SRA_LOCAL_SOCKET_PATH;
constexpr DWORD kMaxReaders = 16;

std::mutex s_readersMutex;
std::map<DWORD, std::shared_ptr<VirtualReader>> s_readers; // by reader number (Lun >> 16)

// The reader behind a Lun, or nullptr for an unknown reader or a slot other than 0. The table lock is held only
// for the lookup; the shared_ptr keeps the reader alive while the caller uses it, even across IFDHCloseChannel.
std::shared_ptr<VirtualReader> readerFor(DWORD lun)
{
    if ((lun & 0xFFFF) != 0) {
        return nullptr;
    }
    std::lock_guard lock(s_readersMutex);
    const auto it = s_readers.find(lun >> 16);
    return it == s_readers.end() ? nullptr : it->second;
}

std::chrono::milliseconds relayTimeout()
{
    if (const char* text = sra::base::trustedGetenv("SRA_IFD_RELAY_TIMEOUT_MS")) {
        char* end = nullptr;
        const long value = std::strtol(text, &end, 10);
        if (end != text && *end == '\0' && value > 0 && value <= 600000) {
            return std::chrono::milliseconds(value);
        }
    }
    return std::chrono::milliseconds(30000);
}

RESPONSECODE createReader(DWORD lun, std::string socketPath)
{
    if ((lun & 0xFFFF) != 0) {
        return IFD_COMMUNICATION_ERROR;
    }
    std::lock_guard lock(s_readersMutex);
    if (s_readers.count(lun >> 16) != 0 || s_readers.size() >= kMaxReaders) {
        logf(LogLevel::Error, "reader 0x%lX: already open or too many readers", static_cast<unsigned long>(lun));
        return IFD_COMMUNICATION_ERROR;
    }
    VirtualReader::Options options;
    options.socketPath = std::move(socketPath);
    options.relayTimeout = relayTimeout();
    auto reader = std::make_shared<VirtualReader>(options);
    if (!reader->start()) {
        return IFD_COMMUNICATION_ERROR;
    }
    logf(LogLevel::Info,
         "reader 0x%lX on %s, relay deadline %lld ms",
         static_cast<unsigned long>(lun),
         options.socketPath.c_str(),
         static_cast<long long>(options.relayTimeout.count()));
    s_readers.emplace(lun >> 16, std::move(reader));
    return IFD_SUCCESS;
}

// TAG_IFD_POLLING_THREAD_WITH_TIMEOUT: pcscd's event thread blocks here instead of polling IFDHICCPresence.
RESPONSECODE pollPresence(DWORD lun, int timeoutMs) noexcept
{
    try {
        const auto reader = readerFor(lun);
        if (!reader) {
            return IFD_NO_SUCH_DEVICE;
        }
        reader->waitForPresenceChange(timeoutMs);
        return IFD_SUCCESS;
    } catch (...) {
        return IFD_COMMUNICATION_ERROR;
    }
}

// TAG_IFD_STOP_POLLING_THREAD: makes a pollPresence() in progress return at once.
RESPONSECODE stopPolling(DWORD lun) noexcept
{
    try {
        if (const auto reader = readerFor(lun)) {
            reader->stopPolling();
            return IFD_SUCCESS;
        }
        return IFD_NO_SUCH_DEVICE;
    } catch (...) {
        return IFD_COMMUNICATION_ERROR;
    }
}

RESPONSECODE putByte(PDWORD length, PUCHAR value, UCHAR byte)
{
    if (*length < 1) {
        *length = 0;
        return IFD_ERROR_INSUFFICIENT_BUFFER;
    }
    value[0] = byte;
    *length = 1;
    return IFD_SUCCESS;
}

template <typename Fn>
RESPONSECODE putFunction(PDWORD length, PUCHAR value, Fn function)
{
    if (*length < sizeof function) {
        *length = 0;
        return IFD_ERROR_INSUFFICIENT_BUFFER;
    }
    std::memcpy(value, &function, sizeof function);
    *length = sizeof function;
    return IFD_SUCCESS;
}

} // namespace

extern "C" {

// DEVICENAME of the reader.conf entry: the absolute path of srad's local socket, written "sra:/run/.../local.sock"
// in the installed entry. The "sra:" matters to pcscd, not to us: pcscd stat()s a DEVICENAME without a ':' when it
// reads its configuration and refuses to start at all if it is missing, and srad's socket is missing whenever
// srad is not running (not activated yet, stopped, restarting). A bare path is accepted too.
__attribute__((visibility("default"))) RESPONSECODE IFDHCreateChannelByName(DWORD Lun, LPSTR DeviceName) noexcept
{
    try {
        constexpr std::string_view kScheme = "sra:";
        std::string_view device = DeviceName != nullptr ? std::string_view(DeviceName) : std::string_view();
        if (device.substr(0, kScheme.size()) == kScheme) {
            device.remove_prefix(kScheme.size());
        }
        if (device.empty() || device.front() != '/' || device.size() >= 108) {
            logf(LogLevel::Error, "DEVICENAME must be sra: followed by the absolute path of srad's local socket");
            return IFD_COMMUNICATION_ERROR;
        }
        return createReader(Lun, std::string(device));
    } catch (...) {
        return IFD_COMMUNICATION_ERROR;
    }
}

// Without a DEVICENAME: srad's default local socket.
__attribute__((visibility("default"))) RESPONSECODE IFDHCreateChannel(DWORD Lun, DWORD Channel) noexcept
{
    (void)Channel;
    try {
        return createReader(Lun, kDefaultSocketPath);
    } catch (...) {
        return IFD_COMMUNICATION_ERROR;
    }
}

// Stops the reader's connection thread and frees it (a call still using it keeps it alive until it returns).
__attribute__((visibility("default"))) RESPONSECODE IFDHCloseChannel(DWORD Lun) noexcept
{
    try {
        std::shared_ptr<VirtualReader> reader;
        {
            std::lock_guard lock(s_readersMutex);
            const auto it = (Lun & 0xFFFF) == 0 ? s_readers.find(Lun >> 16) : s_readers.end();
            if (it == s_readers.end()) {
                return IFD_COMMUNICATION_ERROR;
            }
            reader = std::move(it->second);
            s_readers.erase(it);
        }
        reader->stopPolling();
        reader.reset(); // joins the thread unless another call still holds the reader
        return IFD_SUCCESS;
    } catch (...) {
        return IFD_COMMUNICATION_ERROR;
    }
}

// Capabilities; *Length is the buffer size on input and the value's size on output (0 on every error).
__attribute__((visibility("default"))) RESPONSECODE
IFDHGetCapabilities(DWORD Lun, DWORD Tag, PDWORD Length, PUCHAR Value) noexcept
{
    if (Length == nullptr) {
        return IFD_COMMUNICATION_ERROR;
    }
    try {
        const auto reader = readerFor(Lun);
        if (!reader || Value == nullptr) {
            *Length = 0;
            return reader ? IFD_COMMUNICATION_ERROR : IFD_NO_SUCH_DEVICE;
        }
        switch (Tag) {
        case TAG_IFD_ATR:
        case SCARD_ATTR_ATR_STRING: {
            const auto atr = reader->atr();
            if (!atr || *Length < atr->size()) {
                *Length = 0;
                return atr ? IFD_ERROR_INSUFFICIENT_BUFFER : IFD_COMMUNICATION_ERROR;
            }
            std::memcpy(Value, atr->data(), atr->size());
            *Length = static_cast<DWORD>(atr->size());
            return IFD_SUCCESS;
        }
        case TAG_IFD_SLOTS_NUMBER:
            return putByte(Length, Value, 1);
        case TAG_IFD_SIMULTANEOUS_ACCESS:
            // Readers one loaded copy of the driver serves (one per reader.conf entry).
            return putByte(Length, Value, static_cast<UCHAR>(kMaxReaders));
        case TAG_IFD_THREAD_SAFE:
            // 1: readers are independent objects; the table that maps Luns to them is behind a mutex.
            return putByte(Length, Value, 1);
        case TAG_IFD_SLOT_THREAD_SAFE:
            // 0: the reader has one slot, and its card, like a real one, serves one command at a time.
            return putByte(Length, Value, 0);
        case TAG_IFD_POLLING_THREAD_WITH_TIMEOUT:
            return putFunction(Length, Value, &pollPresence);
        case TAG_IFD_POLLING_THREAD_KILLABLE:
            // 0: the polling function waits on a C++ condition variable inside a noexcept frame, where
            // pthread_cancel's forced unwinding would terminate pcscd. pcscd stops it with the function below.
            return putByte(Length, Value, 0);
        case TAG_IFD_STOP_POLLING_THREAD:
            return putFunction(Length, Value, &stopPolling);
        default:
            *Length = 0;
            return IFD_ERROR_TAG;
        }
    } catch (...) {
        *Length = 0;
        return IFD_COMMUNICATION_ERROR;
    }
}

// Nothing is settable on a virtual reader.
__attribute__((visibility("default"))) RESPONSECODE
IFDHSetCapabilities(DWORD Lun, DWORD Tag, DWORD Length, PUCHAR Value) noexcept
{
    (void)Tag;
    (void)Length;
    (void)Value;
    try {
        return readerFor(Lun) ? IFD_ERROR_TAG : IFD_NO_SUCH_DEVICE;
    } catch (...) {
        return IFD_COMMUNICATION_ERROR;
    }
}

// The ATR offers T=0 and T=1; the card is reached APDU by APDU, so either is accepted with nothing to negotiate.
__attribute__((visibility("default"))) RESPONSECODE
IFDHSetProtocolParameters(DWORD Lun, DWORD Protocol, UCHAR Flags, UCHAR PTS1, UCHAR PTS2, UCHAR PTS3) noexcept
{
    (void)Flags;
    (void)PTS1;
    (void)PTS2;
    (void)PTS3;
    try {
        if (!readerFor(Lun)) {
            return IFD_NO_SUCH_DEVICE;
        }
        if (Protocol != SCARD_PROTOCOL_T1 && Protocol != SCARD_PROTOCOL_T0) {
            return IFD_PROTOCOL_NOT_SUPPORTED;
        }
        return IFD_SUCCESS;
    } catch (...) {
        return IFD_COMMUNICATION_ERROR;
    }
}

// Power up and reset reset the emulator (PIN verification forgotten) and give the ATR; *AtrLength is 0 on error
// and after power down. The ATR buffer is MAX_ATR_SIZE bytes as the API says.
__attribute__((visibility("default"))) RESPONSECODE
IFDHPowerICC(DWORD Lun, DWORD Action, PUCHAR Atr, PDWORD AtrLength) noexcept
{
    if (AtrLength == nullptr) {
        return IFD_COMMUNICATION_ERROR;
    }
    try {
        const auto reader = readerFor(Lun);
        if (!reader || Atr == nullptr) {
            *AtrLength = 0;
            return reader ? IFD_COMMUNICATION_ERROR : IFD_NO_SUCH_DEVICE;
        }
        switch (Action) {
        case IFD_POWER_DOWN:
            reader->powerDown();
            std::memset(Atr, 0, MAX_ATR_SIZE);
            *AtrLength = 0;
            return IFD_SUCCESS;
        case IFD_POWER_UP:
        case IFD_RESET: {
            const auto atr = reader->powerUp();
            if (!atr || atr->size() > MAX_ATR_SIZE) {
                *AtrLength = 0;
                return IFD_ERROR_POWER_ACTION;
            }
            std::memcpy(Atr, atr->data(), atr->size());
            *AtrLength = static_cast<DWORD>(atr->size());
            return IFD_SUCCESS;
        }
        default:
            *AtrLength = 0;
            return IFD_NOT_SUPPORTED;
        }
    } catch (...) {
        *AtrLength = 0;
        return IFD_COMMUNICATION_ERROR;
    }
}

// One APDU. Reads are answered from the card's objects; VERIFY and GENERAL AUTHENTICATE wait for srad at most
// the relay deadline. *RxLength is the buffer size on input, 0 on every error. A relay that fails as a removed
// card (srad or the admin gone, no answer in time) gives IFD_COMMUNICATION_ERROR and the card leaves.
__attribute__((visibility("default"))) RESPONSECODE IFDHTransmitToICC(DWORD Lun,
                                                                      SCARD_IO_HEADER SendPci,
                                                                      PUCHAR TxBuffer,
                                                                      DWORD TxLength,
                                                                      PUCHAR RxBuffer,
                                                                      PDWORD RxLength,
                                                                      PSCARD_IO_HEADER RecvPci) noexcept
{
    (void)SendPci;
    if (RxLength == nullptr) {
        return IFD_COMMUNICATION_ERROR;
    }
    try {
        const auto reader = readerFor(Lun);
        if (!reader) {
            *RxLength = 0;
            return IFD_NO_SUCH_DEVICE;
        }
        if (TxBuffer == nullptr || RxBuffer == nullptr || TxLength < 4 || TxLength > MAX_BUFFER_SIZE_EXTENDED) {
            *RxLength = 0;
            return IFD_COMMUNICATION_ERROR;
        }
        sra::base::Bytes response;
        switch (reader->transmit(sra::base::ByteView(TxBuffer, TxLength), response)) {
        case VirtualReader::TransmitResult::Ok:
            break;
        case VirtualReader::TransmitResult::NoCard:
            *RxLength = 0;
            return IFD_ICC_NOT_PRESENT;
        case VirtualReader::TransmitResult::CardLost:
            *RxLength = 0;
            return IFD_COMMUNICATION_ERROR;
        }
        if (response.size() > *RxLength) {
            sra::base::secureZero(response.data(), response.size());
            *RxLength = 0;
            return IFD_COMMUNICATION_ERROR;
        }
        std::memcpy(RxBuffer, response.data(), response.size());
        *RxLength = static_cast<DWORD>(response.size());
        if (RecvPci != nullptr) {
            RecvPci->Protocol = 1;
            RecvPci->Length = 0;
        }
        return IFD_SUCCESS;
    } catch (...) {
        *RxLength = 0;
        return IFD_COMMUNICATION_ERROR;
    }
}

__attribute__((visibility("default"))) RESPONSECODE IFDHICCPresence(DWORD Lun) noexcept
{
    try {
        const auto reader = readerFor(Lun);
        if (!reader) {
            return IFD_NO_SUCH_DEVICE;
        }
        return reader->present() ? IFD_ICC_PRESENT : IFD_ICC_NOT_PRESENT;
    } catch (...) {
        return IFD_COMMUNICATION_ERROR;
    }
}

// No reader features (no PIN pad): CM_IOCTL_GET_FEATURE_REQUEST answers an empty list, anything else is not
// supported. *pdwBytesReturned is 0 on every path.
__attribute__((visibility("default"))) RESPONSECODE IFDHControl(DWORD Lun,
                                                                DWORD dwControlCode,
                                                                PUCHAR TxBuffer,
                                                                DWORD TxLength,
                                                                PUCHAR RxBuffer,
                                                                DWORD RxLength,
                                                                LPDWORD pdwBytesReturned) noexcept
{
    (void)TxBuffer;
    (void)TxLength;
    (void)RxBuffer;
    (void)RxLength;
    if (pdwBytesReturned == nullptr) {
        return IFD_COMMUNICATION_ERROR;
    }
    *pdwBytesReturned = 0;
    try {
        if (!readerFor(Lun)) {
            return IFD_NO_SUCH_DEVICE;
        }
        return dwControlCode == CM_IOCTL_GET_FEATURE_REQUEST ? IFD_SUCCESS : IFD_ERROR_NOT_SUPPORTED;
    } catch (...) {
        return IFD_COMMUNICATION_ERROR;
    }
}

} // extern "C"

// True when a noexcept definition has the header's signature.
template <typename R, typename... A>
constexpr auto withoutNoexcept(R (*)(A...) noexcept) -> R (*)(A...);
#define SRA_CHECK_SIGNATURE(name)                                                                                      \
    static_assert(std::is_same_v<decltype(withoutNoexcept(&name)), decltype(&sraHeader_##name)>, #name)
SRA_CHECK_SIGNATURE(IFDHCreateChannelByName);
SRA_CHECK_SIGNATURE(IFDHCreateChannel);
SRA_CHECK_SIGNATURE(IFDHCloseChannel);
SRA_CHECK_SIGNATURE(IFDHGetCapabilities);
SRA_CHECK_SIGNATURE(IFDHSetCapabilities);
SRA_CHECK_SIGNATURE(IFDHSetProtocolParameters);
SRA_CHECK_SIGNATURE(IFDHPowerICC);
SRA_CHECK_SIGNATURE(IFDHTransmitToICC);
SRA_CHECK_SIGNATURE(IFDHICCPresence);
SRA_CHECK_SIGNATURE(IFDHControl);
