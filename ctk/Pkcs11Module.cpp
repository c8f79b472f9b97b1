#include "ctk/Pkcs11Module.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sra::pkcs11 {

namespace {
using base::Bytes;
using base::ByteView;

constexpr const char* kManufacturer = "Secure Remote Access";
constexpr const char* kSlotDescription = "SRA Virtual Card";
constexpr const char* kTokenLabel = "SRA Virtual Card";
constexpr CK_ULONG kMinPin = 6;
constexpr CK_ULONG kMaxPin = 8;
constexpr CK_ULONG kUnavailable = ~CK_ULONG{0}; // CK_UNAVAILABLE_INFORMATION, without its C cast

void padded(CK_UTF8CHAR* field, std::size_t size, const std::string& text)
{
    std::memset(field, ' ', size);
    std::memcpy(field, text.data(), std::min(size, text.size()));
}

Bytes ulongBytes(CK_ULONG value)
{
    Bytes out(sizeof value);
    std::memcpy(out.data(), &value, sizeof value);
    return out;
}

Bytes boolBytes(bool value)
{
    return Bytes{static_cast<std::uint8_t>(value ? CK_TRUE : CK_FALSE)};
}

Bytes textBytes(const std::string& text)
{
    return Bytes(text.begin(), text.end());
}

struct MechanismEntry
{
    CK_MECHANISM_TYPE type;
    ctk::SignScheme scheme;
};

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

const MechanismEntry* findMechanism(CK_MECHANISM_TYPE type)
{
    for (const auto& m : kMechanisms) {
        if (m.type == type) {
            return &m;
        }
    }
    return nullptr;
}

CK_RV relayError(wire::RelayStatus status)
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

bool sensitiveAttribute(CK_ATTRIBUTE_TYPE type)
{
    switch (type) {
    case CKA_VALUE:
    case CKA_PRIVATE_EXPONENT:
    case CKA_PRIME_1:
    case CKA_PRIME_2:
    case CKA_EXPONENT_1:
    case CKA_EXPONENT_2:
    case CKA_COEFFICIENT:
        return true;
    default:
        return false;
    }
}
} // namespace

void debugLog(const char* format, ...)
{
    static const bool enabled = std::getenv("SRA_PKCS11_DEBUG") != nullptr;
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

void Module::buildObjects()
{
    CK_OBJECT_HANDLE handle = 1;
    for (std::size_t i = 0; i < m_contents.keys.size(); ++i) {
        const ctk::TokenKey& key = m_contents.keys[i];
        const Bytes id{key.id};
        const CK_KEY_TYPE keyType = key.isEc() ? CKK_EC : CKK_RSA;

        Object certificate;
        certificate.keyIndex = i;
        auto& c = certificate.attributes;
        c[CKA_CLASS] = ulongBytes(CKO_CERTIFICATE);
        c[CKA_TOKEN] = boolBytes(true);
        c[CKA_PRIVATE] = boolBytes(false);
        c[CKA_MODIFIABLE] = boolBytes(false);
        c[CKA_COPYABLE] = boolBytes(false);
        c[CKA_DESTROYABLE] = boolBytes(false);
        c[CKA_LABEL] = textBytes(key.certificateLabel);
        c[CKA_CERTIFICATE_TYPE] = ulongBytes(CKC_X_509);
        c[CKA_TRUSTED] = boolBytes(false);
        c[CKA_CERTIFICATE_CATEGORY] = ulongBytes(0);
        c[CKA_ID] = id;
        c[CKA_SUBJECT] = key.subject;
        c[CKA_ISSUER] = key.issuer;
        c[CKA_SERIAL_NUMBER] = key.serialNumber;
        c[CKA_VALUE] = key.certificate;
        m_objects[handle++] = std::move(certificate);

        Object publicKey;
        publicKey.keyIndex = i;
        auto& p = publicKey.attributes;
        p[CKA_CLASS] = ulongBytes(CKO_PUBLIC_KEY);
        p[CKA_TOKEN] = boolBytes(true);
        p[CKA_PRIVATE] = boolBytes(false);
        p[CKA_MODIFIABLE] = boolBytes(false);
        p[CKA_COPYABLE] = boolBytes(false);
        p[CKA_DESTROYABLE] = boolBytes(false);
        p[CKA_LABEL] = textBytes(key.publicKeyLabel);
        p[CKA_KEY_TYPE] = ulongBytes(keyType);
        p[CKA_ID] = id;
        p[CKA_SUBJECT] = key.subject;
        p[CKA_LOCAL] = boolBytes(false);
        p[CKA_DERIVE] = boolBytes(false);
        p[CKA_ENCRYPT] = boolBytes(false);
        p[CKA_VERIFY] = boolBytes(true);
        p[CKA_VERIFY_RECOVER] = boolBytes(false);
        p[CKA_WRAP] = boolBytes(false);
        p[CKA_TRUSTED] = boolBytes(false);
        p[CKA_PUBLIC_KEY_INFO] = key.publicKeyInfo;
        if (key.isEc()) {
            p[CKA_EC_PARAMS] = key.ecParameters;
            p[CKA_EC_POINT] = key.ecPoint;
        } else {
            p[CKA_MODULUS] = key.modulus;
            p[CKA_MODULUS_BITS] = ulongBytes(key.keyBits);
            p[CKA_PUBLIC_EXPONENT] = key.publicExponent;
        }
        m_objects[handle++] = std::move(publicKey);

        Object privateKey;
        privateKey.keyIndex = i;
        privateKey.signingKey = true;
        privateKey.isPrivate = key.needsPin;
        auto& k = privateKey.attributes;
        k[CKA_CLASS] = ulongBytes(CKO_PRIVATE_KEY);
        k[CKA_TOKEN] = boolBytes(true);
        k[CKA_PRIVATE] = boolBytes(key.needsPin);
        k[CKA_MODIFIABLE] = boolBytes(false);
        k[CKA_COPYABLE] = boolBytes(false);
        k[CKA_DESTROYABLE] = boolBytes(false);
        k[CKA_LABEL] = textBytes(key.keyLabel);
        k[CKA_KEY_TYPE] = ulongBytes(keyType);
        k[CKA_ID] = id;
        k[CKA_SUBJECT] = key.subject;
        k[CKA_LOCAL] = boolBytes(false);
        k[CKA_DERIVE] = boolBytes(false); // key agreement is never relayed
        k[CKA_SENSITIVE] = boolBytes(true);
        k[CKA_ALWAYS_SENSITIVE] = boolBytes(true);
        k[CKA_EXTRACTABLE] = boolBytes(false);
        k[CKA_NEVER_EXTRACTABLE] = boolBytes(true);
        k[CKA_DECRYPT] = boolBytes(false); // the relay makes signatures only
        k[CKA_SIGN] = boolBytes(true);
        k[CKA_SIGN_RECOVER] = boolBytes(false);
        k[CKA_UNWRAP] = boolBytes(false);
        k[CKA_WRAP_WITH_TRUSTED] = boolBytes(false);
        k[CKA_ALWAYS_AUTHENTICATE] = boolBytes(key.alwaysAuthenticate);
        k[CKA_PUBLIC_KEY_INFO] = key.publicKeyInfo;
        if (key.isEc()) {
            k[CKA_EC_PARAMS] = key.ecParameters;
        } else {
            k[CKA_MODULUS] = key.modulus;
            k[CKA_MODULUS_BITS] = ulongBytes(key.keyBits);
            k[CKA_PUBLIC_EXPONENT] = key.publicExponent;
        }
        m_objects[handle++] = std::move(privateKey);
    }
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

CK_RV Module::getAttributeValue(CK_SESSION_HANDLE handle,
                                CK_OBJECT_HANDLE object,
                                CK_ATTRIBUTE_PTR templ,
                                CK_ULONG count)
{
    Session* s = nullptr;
    if (const CK_RV rv = sessionFor(handle, s); rv != CKR_OK) {
        return rv;
    }
    if (!templ && count > 0) {
        return CKR_ARGUMENTS_BAD;
    }
    const auto it = m_objects.find(object);
    if (it == m_objects.end() || (it->second.isPrivate && !m_loggedIn)) {
        return CKR_OBJECT_HANDLE_INVALID;
    }
    const Object& o = it->second;
    CK_RV result = CKR_OK;
    for (CK_ULONG i = 0; i < count; ++i) {
        CK_ATTRIBUTE& a = templ[i];
        if (o.signingKey && sensitiveAttribute(a.type)) {
            a.ulValueLen = kUnavailable;
            result = CKR_ATTRIBUTE_SENSITIVE;
            continue;
        }
        const auto value = o.attributes.find(a.type);
        if (value == o.attributes.end()) {
            a.ulValueLen = kUnavailable;
            result = CKR_ATTRIBUTE_TYPE_INVALID;
            continue;
        }
        const Bytes& v = value->second;
        if (!a.pValue) {
            a.ulValueLen = v.size();
        } else if (a.ulValueLen >= v.size()) {
            if (!v.empty()) {
                std::memcpy(a.pValue, v.data(), v.size());
            }
            a.ulValueLen = v.size();
        } else {
            a.ulValueLen = kUnavailable;
            result = CKR_BUFFER_TOO_SMALL;
        }
    }
    return result;
}

CK_RV Module::getObjectSize(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object, CK_ULONG_PTR size)
{
    Session* s = nullptr;
    if (const CK_RV rv = sessionFor(handle, s); rv != CKR_OK) {
        return rv;
    }
    if (!size) {
        return CKR_ARGUMENTS_BAD;
    }
    const auto it = m_objects.find(object);
    if (it == m_objects.end() || (it->second.isPrivate && !m_loggedIn)) {
        return CKR_OBJECT_HANDLE_INVALID;
    }
    *size = kUnavailable;
    return CKR_OK;
}

CK_RV Module::findObjectsInit(CK_SESSION_HANDLE handle, CK_ATTRIBUTE_PTR templ, CK_ULONG count)
{
    Session* s = nullptr;
    if (const CK_RV rv = sessionFor(handle, s); rv != CKR_OK) {
        return rv;
    }
    if (!templ && count > 0) {
        return CKR_ARGUMENTS_BAD;
    }
    if (s->finding) {
        return CKR_OPERATION_ACTIVE;
    }
    for (CK_ULONG i = 0; i < count; ++i) {
        if (!templ[i].pValue && templ[i].ulValueLen > 0) {
            return CKR_ARGUMENTS_BAD;
        }
    }
    s->found.clear();
    s->foundPos = 0;
    for (const auto& [h, o] : m_objects) {
        if (o.isPrivate && !m_loggedIn) {
            continue;
        }
        bool matches = true;
        for (CK_ULONG i = 0; i < count && matches; ++i) {
            const auto value = o.attributes.find(templ[i].type);
            const auto* p = static_cast<const std::uint8_t*>(templ[i].pValue);
            matches = value != o.attributes.end() && value->second.size() == templ[i].ulValueLen
                      && (templ[i].ulValueLen == 0 || std::equal(value->second.begin(), value->second.end(), p));
        }
        if (matches) {
            s->found.push_back(h);
        }
    }
    s->finding = true;
    return CKR_OK;
}

CK_RV Module::findObjects(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE_PTR objects, CK_ULONG max, CK_ULONG_PTR count)
{
    Session* s = nullptr;
    if (const CK_RV rv = sessionFor(handle, s); rv != CKR_OK) {
        return rv;
    }
    if (!objects || !count) {
        return CKR_ARGUMENTS_BAD;
    }
    if (!s->finding) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    CK_ULONG n = 0;
    while (n < max && s->foundPos < s->found.size()) {
        objects[n++] = s->found[s->foundPos++];
    }
    *count = n;
    return CKR_OK;
}

CK_RV Module::findObjectsFinal(CK_SESSION_HANDLE handle)
{
    Session* s = nullptr;
    if (const CK_RV rv = sessionFor(handle, s); rv != CKR_OK) {
        return rv;
    }
    if (!s->finding) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    s->finding = false;
    s->found.clear();
    return CKR_OK;
}

CK_RV Module::signInit(CK_SESSION_HANDLE handle, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key)
{
    Session* s = nullptr;
    if (const CK_RV rv = sessionFor(handle, s); rv != CKR_OK) {
        return rv;
    }
    if (!mechanism) {
        return CKR_ARGUMENTS_BAD;
    }
    if (s->signer) {
        return CKR_OPERATION_ACTIVE;
    }
    const auto it = m_objects.find(key);
    if (it == m_objects.end() || (it->second.isPrivate && !m_loggedIn)) {
        return it == m_objects.end() ? CKR_KEY_HANDLE_INVALID : CKR_USER_NOT_LOGGED_IN;
    }
    if (!it->second.signingKey) {
        return CKR_KEY_FUNCTION_NOT_PERMITTED;
    }
    const MechanismEntry* m = findMechanism(mechanism->mechanism);
    if (!m) {
        return CKR_MECHANISM_INVALID;
    }
    if (mechanism->pParameter || mechanism->ulParameterLen != 0) {
        return CKR_MECHANISM_PARAM_INVALID;
    }
    auto signer = std::make_unique<ctk::Signer>(m_contents.keys.at(it->second.keyIndex), m->scheme);
    if (!signer->start()) {
        return CKR_KEY_TYPE_INCONSISTENT;
    }
    s->signer = std::move(signer);
    s->signUpdated = false;
    s->contextLoggedIn = false;
    return CKR_OK;
}

CK_RV Module::finishSign(Session& s, CK_BYTE_PTR signature, CK_ULONG_PTR signatureLength, bool /*alreadyUpdated*/)
{
    const ctk::TokenKey& key = s.signer->key();
    const CK_ULONG size = key.signatureSize();
    if (!signature) {
        *signatureLength = size;
        return CKR_OK; // a size query: the operation goes on
    }
    if (*signatureLength < size) {
        *signatureLength = size;
        return CKR_BUFFER_TOO_SMALL;
    }
    std::unique_ptr<ctk::Signer> signer = std::move(s.signer); // from here on the operation ends
    if (key.alwaysAuthenticate && !s.contextLoggedIn) {
        return CKR_USER_NOT_LOGGED_IN;
    }
    auto input = signer->cardInput();
    if (!input) {
        return CKR_DATA_LEN_RANGE;
    }
    const auto reply = m_client.sign(key.keyReference, static_cast<std::uint8_t>(key.algorithm), input.value());
    debugLog("signature with slot %02X relayed: status %u", key.keyReference, static_cast<unsigned>(reply.status));
    if (reply.status != wire::RelayStatus::Ok) {
        if (reply.status == wire::RelayStatus::SecurityStatus) {
            m_loggedIn = false;
        }
        return relayError(reply.status);
    }
    auto finished = ctk::finishSignature(key, reply.data);
    if (!finished) {
        return CKR_DEVICE_ERROR;
    }
    std::memcpy(signature, finished->data(), finished->size());
    *signatureLength = finished->size();
    return CKR_OK;
}

CK_RV Module::sign(CK_SESSION_HANDLE handle,
                   CK_BYTE_PTR data,
                   CK_ULONG dataLength,
                   CK_BYTE_PTR signature,
                   CK_ULONG_PTR signatureLength)
{
    Session* s = nullptr;
    if (const CK_RV rv = sessionFor(handle, s); rv != CKR_OK) {
        return rv;
    }
    if (!s->signer) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if ((!data && dataLength > 0) || !signatureLength) {
        s->signer.reset();
        return CKR_ARGUMENTS_BAD;
    }
    if (s->signUpdated) {
        return CKR_OPERATION_ACTIVE; // a multi-part operation ends with C_SignFinal
    }
    if (!signature) {
        return finishSign(*s, signature, signatureLength, false);
    }
    if (*signatureLength < s->signer->key().signatureSize()) {
        return finishSign(*s, signature, signatureLength, false);
    }
    if (!s->signer->update(ByteView(data, dataLength))) {
        s->signer.reset();
        return CKR_DATA_LEN_RANGE;
    }
    return finishSign(*s, signature, signatureLength, false);
}

CK_RV Module::signUpdate(CK_SESSION_HANDLE handle, CK_BYTE_PTR part, CK_ULONG partLength)
{
    Session* s = nullptr;
    if (const CK_RV rv = sessionFor(handle, s); rv != CKR_OK) {
        return rv;
    }
    if (!s->signer) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if (!part && partLength > 0) {
        s->signer.reset();
        return CKR_ARGUMENTS_BAD;
    }
    if (!s->signer->update(ByteView(part, partLength))) {
        s->signer.reset();
        return CKR_DATA_LEN_RANGE;
    }
    s->signUpdated = true;
    return CKR_OK;
}

CK_RV Module::signFinal(CK_SESSION_HANDLE handle, CK_BYTE_PTR signature, CK_ULONG_PTR signatureLength)
{
    Session* s = nullptr;
    if (const CK_RV rv = sessionFor(handle, s); rv != CKR_OK) {
        return rv;
    }
    if (!s->signer) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if (!signatureLength) {
        s->signer.reset();
        return CKR_ARGUMENTS_BAD;
    }
    return finishSign(*s, signature, signatureLength, true);
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
