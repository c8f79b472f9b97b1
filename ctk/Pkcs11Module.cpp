// Module's lifecycle and card state, slot/token/mechanism info, sessions and login, slot events.
#include "ctk/Pkcs11Module.h"

#include "core/base/Environment.h"
#include "ctk/Pkcs11Internal.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace sra::pkcs11 {

namespace {
using base::ByteView;
using detail::findMechanism;
using detail::kUnavailable;
using detail::MechanismEntry;
using detail::relayError;

constexpr const char* kManufacturer = "Secure Remote Access";
constexpr const char* kSlotDescription = "SRA Virtual Card";
constexpr const char* kTokenLabel = "SRA Virtual Card";
constexpr CK_ULONG kMinPin = 6;
constexpr CK_ULONG kMaxPin = 8;

void padded(CK_UTF8CHAR* field, std::size_t size, const std::string& text)
{
    std::memset(field, ' ', size);
    std::memcpy(field, text.data(), std::min(size, text.size()));
}

constexpr MechanismEntry kMechanisms[] = {
    {CKM_RSA_PKCS,        ctk::SignScheme::RsaPkcs1      },
    {CKM_SHA256_RSA_PKCS, ctk::SignScheme::RsaPkcs1Sha256},
    {CKM_SHA384_RSA_PKCS, ctk::SignScheme::RsaPkcs1Sha384},
    {CKM_SHA512_RSA_PKCS, ctk::SignScheme::RsaPkcs1Sha512},
    {CKM_ECDSA,           ctk::SignScheme::Ecdsa         },
    {CKM_ECDSA_SHA256,    ctk::SignScheme::EcdsaSha256   },
    {CKM_ECDSA_SHA384,    ctk::SignScheme::EcdsaSha384   },
    {CKM_ECDSA_SHA512,    ctk::SignScheme::EcdsaSha512   },
};
} // namespace

const MechanismEntry* detail::findMechanism(CK_MECHANISM_TYPE type)
{
    for (const auto& m : kMechanisms) {
        if (m.type == type) {
            return &m;
        }
    }
    return nullptr;
}

CK_RV detail::relayError(wire::RelayStatus status)
{
    switch (status) {
    case wire::RelayStatus::Ok:
        return CKR_OK;
    case wire::RelayStatus::WrongPin:
        return CKR_PIN_INCORRECT;
    case wire::RelayStatus::PinBlocked:
        return CKR_PIN_LOCKED;
    case wire::RelayStatus::SecurityStatus:
        return CKR_USER_NOT_LOGGED_IN;
    case wire::RelayStatus::RefusedByPolicy:
    case wire::RelayStatus::DeniedByAdmin:
        return CKR_FUNCTION_REJECTED;
    case wire::RelayStatus::NoCard:
        return CKR_DEVICE_REMOVED;
    case wire::RelayStatus::Timeout:
    case wire::RelayStatus::Malformed:
    case wire::RelayStatus::CardError:
        return CKR_DEVICE_ERROR;
    }
    return CKR_DEVICE_ERROR;
}

void debugLog(const char* format, ...)
{
    static const bool enabled = base::trustedGetenv("SRA_PKCS11_DEBUG") != nullptr;
    if (!enabled) {
        return;
    }
    std::fputs("sra-pkcs11: ", stderr);
    va_list args;
    va_start(args, format);
    std::vfprintf(stderr, format, args);
    va_end(args);
    std::fputc('\n', stderr);
}

Module::Module(local::LocalChannelClient::Options options)
    : m_client(std::move(options))
{}

Module::~Module()
{
    m_client.stop();
    dropAllSessions();
}

bool Module::start()
{
    if (!m_client.start()) {
        return false;
    }
    // Applications list slots right after C_Initialize: give srad a moment to say whether a card is in.
    const bool connected = m_client.waitForFirstStatus(std::chrono::milliseconds(2000));
    debugLog("initialized; srad %s", connected ? "connected" : "not reachable (retrying in the background)");
    auto snapshot = m_client.snapshot();
    std::lock_guard lock(m_eventMutex);
    m_eventSerial = snapshot->serial;
    m_eventPresent = snapshot->present;
    return true;
}

void Module::beginFinalize()
{
    m_finalizing.store(true);
}

void Module::refresh()
{
    auto snapshot = m_client.snapshot();
    if (m_snapshot && snapshot->serial == m_snapshot->serial) {
        return;
    }
    m_snapshot = snapshot;
    const bool present = snapshot->present;
    if (present && m_present && snapshot->generation == m_generation) {
        if (snapshot->pinTriesLeft) {
            m_triesLeft = snapshot->pinTriesLeft;
        }
        return; // the same card (e.g. the status repeated)
    }
    debugLog("card %s (generation %u)", present ? "present" : "absent", snapshot->generation);
    dropAllSessions();
    m_loggedIn = false;
    m_objects.clear();
    m_contents = {};
    m_present = present;
    m_generation = snapshot->generation;
    m_triesLeft = snapshot->pinTriesLeft;
    if (present) {
        auto contents = ctk::parseCardContents(snapshot->cardObjects, snapshot->keyAlgorithms);
        if (contents) {
            m_contents = std::move(contents.value());
        } else {
            debugLog("card objects do not parse: %s", contents.error().detail.c_str());
        }
        buildObjects();
    }
}

bool Module::tokenPresent()
{
    refresh();
    return m_present;
}

void Module::dropAllSessions()
{
    m_sessions.clear();
}

CK_RV Module::sessionFor(CK_SESSION_HANDLE handle, Session*& session)
{
    refresh();
    const auto it = m_sessions.find(handle);
    if (it == m_sessions.end()) {
        return CKR_SESSION_HANDLE_INVALID;
    }
    session = &it->second;
    return CKR_OK;
}

CK_RV Module::getInfo(CK_INFO_PTR info)
{
    if (!info) {
        return CKR_ARGUMENTS_BAD;
    }
    std::memset(info, 0, sizeof *info);
    info->cryptokiVersion = {CRYPTOKI_VERSION_MAJOR, CRYPTOKI_VERSION_MINOR};
    padded(info->manufacturerID, sizeof info->manufacturerID, kManufacturer);
    info->flags = 0;
    padded(info->libraryDescription, sizeof info->libraryDescription, "SRA relayed PIV card");
    info->libraryVersion = {0, 1};
    return CKR_OK;
}

CK_RV Module::getSlotList(CK_BBOOL tokenPresentOnly, CK_SLOT_ID_PTR list, CK_ULONG_PTR count)
{
    if (!count) {
        return CKR_ARGUMENTS_BAD;
    }
    const CK_ULONG slots = (tokenPresentOnly == CK_FALSE || tokenPresent()) ? 1 : 0;
    if (!list) {
        *count = slots;
        return CKR_OK;
    }
    if (*count < slots) {
        *count = slots;
        return CKR_BUFFER_TOO_SMALL;
    }
    if (slots == 1) {
        list[0] = kSlotId;
    }
    *count = slots;
    return CKR_OK;
}

CK_RV Module::getSlotInfo(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info)
{
    if (slot != kSlotId) {
        return CKR_SLOT_ID_INVALID;
    }
    if (!info) {
        return CKR_ARGUMENTS_BAD;
    }
    std::memset(info, 0, sizeof *info);
    padded(info->slotDescription, sizeof info->slotDescription, kSlotDescription);
    padded(info->manufacturerID, sizeof info->manufacturerID, kManufacturer);
    info->flags = CKF_REMOVABLE_DEVICE | (tokenPresent() ? CKF_TOKEN_PRESENT : 0);
    info->hardwareVersion = {0, 1};
    info->firmwareVersion = {0, 1};
    return CKR_OK;
}

CK_RV Module::getTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info)
{
    if (slot != kSlotId) {
        return CKR_SLOT_ID_INVALID;
    }
    if (!info) {
        return CKR_ARGUMENTS_BAD;
    }
    if (!tokenPresent()) {
        return CKR_TOKEN_NOT_PRESENT;
    }
    std::memset(info, 0, sizeof *info);
    padded(info->label, sizeof info->label, kTokenLabel);
    padded(info->manufacturerID, sizeof info->manufacturerID, kManufacturer);
    padded(info->model, sizeof info->model, "PIV II (relayed)");
    padded(info->serialNumber,
           sizeof info->serialNumber,
           m_contents.serial.empty() ? std::string("0") : m_contents.serial);
    info->flags = CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED | CKF_LOGIN_REQUIRED;
    if (m_triesLeft) {
        if (*m_triesLeft == 0) {
            info->flags |= CKF_USER_PIN_LOCKED;
        } else if (*m_triesLeft == 1) {
            info->flags |= CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW;
        } else if (*m_triesLeft < 3) {
            info->flags |= CKF_USER_PIN_COUNT_LOW;
        }
    }
    info->ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
    info->ulSessionCount = m_sessions.size();
    info->ulMaxRwSessionCount = CK_EFFECTIVELY_INFINITE;
    info->ulRwSessionCount = static_cast<CK_ULONG>(std::count_if(
        m_sessions.begin(), m_sessions.end(), [](const auto& s) { return (s.second.flags & CKF_RW_SESSION) != 0; }));
    info->ulMaxPinLen = kMaxPin;
    info->ulMinPinLen = kMinPin;
    info->ulTotalPublicMemory = kUnavailable;
    info->ulFreePublicMemory = kUnavailable;
    info->ulTotalPrivateMemory = kUnavailable;
    info->ulFreePrivateMemory = kUnavailable;
    info->hardwareVersion = {0, 1};
    info->firmwareVersion = {0, 1};
    padded(info->utcTime, sizeof info->utcTime, "");
    return CKR_OK;
}

CK_RV Module::getMechanismList(CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count)
{
    if (slot != kSlotId) {
        return CKR_SLOT_ID_INVALID;
    }
    if (!count) {
        return CKR_ARGUMENTS_BAD;
    }
    if (!tokenPresent()) {
        return CKR_TOKEN_NOT_PRESENT;
    }
    const bool rsa =
        std::any_of(m_contents.keys.begin(), m_contents.keys.end(), [](const auto& k) { return !k.isEc(); });
    const bool ec = std::any_of(m_contents.keys.begin(), m_contents.keys.end(), [](const auto& k) { return k.isEc(); });
    std::vector<CK_MECHANISM_TYPE> types;
    for (const auto& m : kMechanisms) {
        if (ctk::schemeIsEc(m.scheme) ? ec : rsa) {
            types.push_back(m.type);
        }
    }
    if (!list) {
        *count = types.size();
        return CKR_OK;
    }
    if (*count < types.size()) {
        *count = types.size();
        return CKR_BUFFER_TOO_SMALL;
    }
    std::copy(types.begin(), types.end(), list);
    *count = types.size();
    return CKR_OK;
}

CK_RV Module::getMechanismInfo(CK_SLOT_ID slot, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info)
{
    if (slot != kSlotId) {
        return CKR_SLOT_ID_INVALID;
    }
    if (!info) {
        return CKR_ARGUMENTS_BAD;
    }
    if (!tokenPresent()) {
        return CKR_TOKEN_NOT_PRESENT;
    }
    const MechanismEntry* m = findMechanism(type);
    if (!m) {
        return CKR_MECHANISM_INVALID;
    }
    if (ctk::schemeIsEc(m->scheme)) {
        info->ulMinKeySize = 256;
        info->ulMaxKeySize = 384;
        info->flags = CKF_HW | CKF_SIGN | CKF_EC_F_P | CKF_EC_NAMEDCURVE | CKF_EC_UNCOMPRESS;
    } else {
        info->ulMinKeySize = 2048;
        info->ulMaxKeySize = 2048;
        info->flags = CKF_HW | CKF_SIGN;
    }
    return CKR_OK;
}

CK_RV Module::openSession(CK_SLOT_ID slot, CK_FLAGS flags, CK_SESSION_HANDLE_PTR session)
{
    if (slot != kSlotId) {
        return CKR_SLOT_ID_INVALID;
    }
    if ((flags & CKF_SERIAL_SESSION) == 0) {
        return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
    }
    if (!session) {
        return CKR_ARGUMENTS_BAD;
    }
    if (!tokenPresent()) {
        return CKR_TOKEN_NOT_PRESENT;
    }
    Session s;
    s.flags = flags & (CKF_SERIAL_SESSION | CKF_RW_SESSION);
    s.generation = m_generation;
    const CK_SESSION_HANDLE handle = m_nextSession++;
    m_sessions.emplace(handle, std::move(s));
    *session = handle;
    return CKR_OK;
}

CK_RV Module::closeSession(CK_SESSION_HANDLE handle)
{
    Session* s = nullptr;
    if (const CK_RV rv = sessionFor(handle, s); rv != CKR_OK) {
        return rv;
    }
    m_sessions.erase(handle);
    if (m_sessions.empty()) {
        m_loggedIn = false; // the login state ends with the application's last session
    }
    return CKR_OK;
}

CK_RV Module::closeAllSessions(CK_SLOT_ID slot)
{
    if (slot != kSlotId) {
        return CKR_SLOT_ID_INVALID;
    }
    refresh();
    dropAllSessions();
    m_loggedIn = false;
    return CKR_OK;
}

CK_RV Module::getSessionInfo(CK_SESSION_HANDLE handle, CK_SESSION_INFO_PTR info)
{
    Session* s = nullptr;
    if (const CK_RV rv = sessionFor(handle, s); rv != CKR_OK) {
        return rv;
    }
    if (!info) {
        return CKR_ARGUMENTS_BAD;
    }
    const bool rw = (s->flags & CKF_RW_SESSION) != 0;
    info->slotID = kSlotId;
    info->state = m_loggedIn ? (rw ? CKS_RW_USER_FUNCTIONS : CKS_RO_USER_FUNCTIONS)
                             : (rw ? CKS_RW_PUBLIC_SESSION : CKS_RO_PUBLIC_SESSION);
    info->flags = s->flags;
    info->ulDeviceError = 0;
    return CKR_OK;
}

CK_RV Module::login(CK_SESSION_HANDLE handle, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pin, CK_ULONG pinLength)
{
    Session* s = nullptr;
    if (const CK_RV rv = sessionFor(handle, s); rv != CKR_OK) {
        return rv;
    }
    if (userType == CKU_SO) {
        return CKR_FUNCTION_REJECTED; // the PIV management key is never relayed
    }
    if (userType != CKU_USER && userType != CKU_CONTEXT_SPECIFIC) {
        return CKR_USER_TYPE_INVALID;
    }
    if (userType == CKU_USER && m_loggedIn) {
        return CKR_USER_ALREADY_LOGGED_IN;
    }
    if (userType == CKU_CONTEXT_SPECIFIC && !s->signer) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if (!pin) {
        return CKR_ARGUMENTS_BAD; // no protected authentication path
    }
    if (pinLength < kMinPin || pinLength > kMaxPin) {
        return CKR_PIN_LEN_RANGE;
    }
    const base::SecureBytes secret(pin, pin + pinLength);
    const auto reply = m_client.verifyPin(ByteView(secret.data(), secret.size()));
    if (reply.pinTriesLeft) {
        m_triesLeft = reply.pinTriesLeft;
    }
    debugLog("PIN check relayed: status %u", static_cast<unsigned>(reply.status));
    if (reply.status == wire::RelayStatus::Ok) {
        if (userType == CKU_USER) {
            m_loggedIn = true;
        } else {
            s->contextLoggedIn = true;
        }
        return CKR_OK;
    }
    if (reply.status == wire::RelayStatus::NoCard) {
        refresh();
        return m_present ? CKR_DEVICE_REMOVED : CKR_TOKEN_NOT_PRESENT;
    }
    return relayError(reply.status);
}

CK_RV Module::logout(CK_SESSION_HANDLE handle)
{
    Session* s = nullptr;
    if (const CK_RV rv = sessionFor(handle, s); rv != CKR_OK) {
        return rv;
    }
    if (!m_loggedIn) {
        return CKR_USER_NOT_LOGGED_IN;
    }
    m_loggedIn = false;
    for (auto& [h, session] : m_sessions) {
        session.signer.reset();
        session.finding = false;
    }
    return CKR_OK;
}

CK_RV Module::waitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR slot)
{
    if (!slot) {
        return CKR_ARGUMENTS_BAD;
    }
    for (;;) {
        if (m_finalizing.load()) {
            return CKR_CRYPTOKI_NOT_INITIALIZED;
        }
        std::uint64_t seen = 0;
        {
            std::lock_guard lock(m_eventMutex);
            seen = m_eventSerial;
            const auto snapshot = m_client.snapshot();
            if (snapshot->serial != m_eventSerial) {
                const bool changed = snapshot->present != m_eventPresent;
                m_eventSerial = snapshot->serial;
                m_eventPresent = snapshot->present;
                if (changed) {
                    *slot = kSlotId;
                    return CKR_OK;
                }
                seen = snapshot->serial;
            }
        }
        if (flags & CKF_DONT_BLOCK) {
            return CKR_NO_EVENT;
        }
        m_client.waitForChange(seen, std::chrono::milliseconds(200));
    }
}

} // namespace sra::pkcs11
