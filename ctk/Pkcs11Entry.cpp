// The C ABI of libsra-pkcs11.so: PKCS#11 v2.40 entry points over sra::pkcs11::Module. Nothing but state
// checks, the application's locking and a catch-all lives here: every C_* is one call to a noexcept helper
// that catches everything, so no exception ever crosses into the application.
//
// C_Initialize to the letter: pReserved must be NULL; the mutex callbacks are all set or all NULL
// (otherwise CKR_ARGUMENTS_BAD); with CKF_OS_LOCKING_OK, or with no callbacks, the module locks with native
// mutexes; with callbacks and without the flag it uses the application's mutex for its API lock. The pid of
// C_Initialize is recorded: in a child after fork() every call answers CKR_CRYPTOKI_NOT_INITIALIZED until the
// child calls C_Initialize itself (the parent's connection and thread are not the child's).
#include "ctk/Pkcs11Module.h"

#include <memory>
#include <new>
#include <pthread.h>
#include <shared_mutex>
#include <unistd.h>

namespace {
using sra::pkcs11::Module;

struct State
{
    std::shared_mutex lifecycle; // shared: any call; exclusive: C_Initialize / C_Finalize
    Module* module = nullptr;
    pid_t pid = 0;
    // The API lock: native, or the application's (CreateMutex & co. without CKF_OS_LOCKING_OK).
    std::mutex native;
    CK_C_INITIALIZE_ARGS callbacks{};
    void* appMutex = nullptr;
    bool useAppMutex = false;
};

State* g_state = nullptr;

void atforkChild()
{
    // The child inherits the parent's module without its thread: it is abandoned (never joined or freed) and
    // the child starts from scratch, with fresh locks in case a parent thread held one at fork().
    g_state = new (std::nothrow) State();
}

State* state()
{
    static State* const first = [] {
        g_state = new State();
        ::pthread_atfork(nullptr, nullptr, atforkChild);
        return g_state;
    }();
    (void)first;
    return g_state;
}

class ApiLock
{
public:
    explicit ApiLock(State& s)
        : m_state(s)
    {
        if (s.useAppMutex) {
            m_rv = s.callbacks.LockMutex(s.appMutex);
        } else {
            s.native.lock();
        }
    }

    ~ApiLock()
    {
        if (m_rv != CKR_OK) {
            return;
        }
        if (m_state.useAppMutex) {
            m_state.callbacks.UnlockMutex(m_state.appMutex);
        } else {
            m_state.native.unlock();
        }
    }

    ApiLock(const ApiLock&) = delete;
    ApiLock& operator=(const ApiLock&) = delete;

    CK_RV status() const
    {
        return m_rv;
    }

private:
    State& m_state;
    CK_RV m_rv = CKR_OK;
};

// Runs `f(module)` for an initialized module of this process under the API lock; never throws.
template <typename F>
CK_RV guarded(F&& f, bool apiLock = true) noexcept
{
    try {
        State* s = state();
        if (!s) {
            return CKR_HOST_MEMORY;
        }
        std::shared_lock life(s->lifecycle);
        if (!s->module || s->pid != ::getpid()) {
            return CKR_CRYPTOKI_NOT_INITIALIZED;
        }
        if (!apiLock) {
            return f(*s->module);
        }
        ApiLock lock(*s);
        if (lock.status() != CKR_OK) {
            return lock.status();
        }
        return f(*s->module);
    } catch (const std::bad_alloc&) {
        return CKR_HOST_MEMORY;
    } catch (...) {
        return CKR_GENERAL_ERROR;
    }
}

CK_RV notSupported() noexcept
{
    return guarded([](Module&) { return CKR_FUNCTION_NOT_SUPPORTED; });
}

CK_RV initialize(CK_VOID_PTR initArgs) noexcept
{
    try {
        State* s = state();
        if (!s) {
            return CKR_HOST_MEMORY;
        }
        CK_C_INITIALIZE_ARGS args{};
        if (initArgs) {
            args = *static_cast<CK_C_INITIALIZE_ARGS_PTR>(initArgs);
            if (args.pReserved) {
                return CKR_ARGUMENTS_BAD;
            }
            const int set = (args.CreateMutex ? 1 : 0) + (args.DestroyMutex ? 1 : 0) + (args.LockMutex ? 1 : 0)
                            + (args.UnlockMutex ? 1 : 0);
            if (set != 0 && set != 4) {
                return CKR_ARGUMENTS_BAD;
            }
        }
        std::unique_lock life(s->lifecycle);
        if (s->module && s->pid == ::getpid()) {
            return CKR_CRYPTOKI_ALREADY_INITIALIZED;
        }
        s->module = nullptr; // a parent's module after fork(): abandoned
        const bool osLocking = (args.flags & CKF_OS_LOCKING_OK) != 0;
        s->useAppMutex = false;
        s->appMutex = nullptr;
        if (args.CreateMutex && !osLocking) {
            // The application wants its own mutexes used.
            void* mutex = nullptr;
            if (args.CreateMutex(&mutex) != CKR_OK || !mutex) {
                return CKR_CANT_LOCK;
            }
            s->callbacks = args;
            s->appMutex = mutex;
            s->useAppMutex = true;
        }
        sra::local::LocalChannelClient::Options options;
        options.socketPath = sra::local::defaultSocketPath();
        options.role = sra::wire::LocalRole::Pkcs11Module;
        options.clientName = "sra-pkcs11";
        auto module = std::make_unique<Module>(std::move(options));
        if (!module->start()) {
            return CKR_GENERAL_ERROR;
        }
        s->module = module.release();
        s->pid = ::getpid();
        return CKR_OK;
    } catch (const std::bad_alloc&) {
        return CKR_HOST_MEMORY;
    } catch (...) {
        return CKR_GENERAL_ERROR;
    }
}

CK_RV finalize(CK_VOID_PTR reserved) noexcept
{
    try {
        State* s = state();
        if (!s) {
            return CKR_HOST_MEMORY;
        }
        if (reserved) {
            return CKR_ARGUMENTS_BAD;
        }
        {
            // Wake blocking C_WaitForSlotEvent calls before waiting for the calls in progress to end.
            std::shared_lock life(s->lifecycle);
            if (!s->module || s->pid != ::getpid()) {
                return CKR_CRYPTOKI_NOT_INITIALIZED;
            }
            s->module->beginFinalize();
        }
        std::unique_lock life(s->lifecycle);
        if (!s->module || s->pid != ::getpid()) {
            return CKR_CRYPTOKI_NOT_INITIALIZED;
        }
        delete s->module;
        s->module = nullptr;
        if (s->useAppMutex) {
            s->callbacks.DestroyMutex(s->appMutex);
            s->useAppMutex = false;
            s->appMutex = nullptr;
        }
        return CKR_OK;
    } catch (...) {
        return CKR_GENERAL_ERROR;
    }
}

extern CK_FUNCTION_LIST g_functionList;
} // namespace

extern "C" {

CK_RV C_Initialize(CK_VOID_PTR pInitArgs)
{
    return initialize(pInitArgs);
}

CK_RV C_Finalize(CK_VOID_PTR pReserved)
{
    return finalize(pReserved);
}

CK_RV C_GetInfo(CK_INFO_PTR pInfo)
{
    return guarded([&](Module& m) { return m.getInfo(pInfo); });
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList)
{
    if (!ppFunctionList) {
        return CKR_ARGUMENTS_BAD;
    }
    *ppFunctionList = &g_functionList;
    return CKR_OK;
}

CK_RV C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList, CK_ULONG_PTR pulCount)
{
    return guarded([&](Module& m) { return m.getSlotList(tokenPresent, pSlotList, pulCount); });
}

CK_RV C_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo)
{
    return guarded([&](Module& m) { return m.getSlotInfo(slotID, pInfo); });
}

CK_RV C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo)
{
    return guarded([&](Module& m) { return m.getTokenInfo(slotID, pInfo); });
}

CK_RV C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR pSlot, CK_VOID_PTR pReserved)
{
    if (pReserved) {
        return guarded([](Module&) { return CKR_ARGUMENTS_BAD; });
    }
    // Outside the API lock: a blocking wait must not stop the application's other threads.
    return guarded([&](Module& m) { return m.waitForSlotEvent(flags, pSlot); }, false);
}

CK_RV C_GetMechanismList(CK_SLOT_ID slotID, CK_MECHANISM_TYPE_PTR pMechanismList, CK_ULONG_PTR pulCount)
{
    return guarded([&](Module& m) { return m.getMechanismList(slotID, pMechanismList, pulCount); });
}

CK_RV C_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR pInfo)
{
    return guarded([&](Module& m) { return m.getMechanismInfo(slotID, type, pInfo); });
}

CK_RV C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, CK_VOID_PTR, CK_NOTIFY, CK_SESSION_HANDLE_PTR phSession)
{
    return guarded([&](Module& m) { return m.openSession(slotID, flags, phSession); });
}

CK_RV C_CloseSession(CK_SESSION_HANDLE hSession)
{
    return guarded([&](Module& m) { return m.closeSession(hSession); });
}

CK_RV C_CloseAllSessions(CK_SLOT_ID slotID)
{
    return guarded([&](Module& m) { return m.closeAllSessions(slotID); });
}

CK_RV C_GetSessionInfo(CK_SESSION_HANDLE hSession, CK_SESSION_INFO_PTR pInfo)
{
    return guarded([&](Module& m) { return m.getSessionInfo(hSession, pInfo); });
}

CK_RV C_Login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen)
{
    return guarded([&](Module& m) { return m.login(hSession, userType, pPin, ulPinLen); });
}

CK_RV C_Logout(CK_SESSION_HANDLE hSession)
{
    return guarded([&](Module& m) { return m.logout(hSession); });
}

CK_RV C_GetObjectSize(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ULONG_PTR pulSize)
{
    return guarded([&](Module& m) { return m.getObjectSize(hSession, hObject, pulSize); });
}

CK_RV C_GetAttributeValue(CK_SESSION_HANDLE hSession,
                          CK_OBJECT_HANDLE hObject,
                          CK_ATTRIBUTE_PTR pTemplate,
                          CK_ULONG ulCount)
{
    return guarded([&](Module& m) { return m.getAttributeValue(hSession, hObject, pTemplate, ulCount); });
}

CK_RV C_FindObjectsInit(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
    return guarded([&](Module& m) { return m.findObjectsInit(hSession, pTemplate, ulCount); });
}

CK_RV C_FindObjects(CK_SESSION_HANDLE hSession,
                    CK_OBJECT_HANDLE_PTR phObject,
                    CK_ULONG ulMaxObjectCount,
                    CK_ULONG_PTR pulObjectCount)
{
    return guarded([&](Module& m) { return m.findObjects(hSession, phObject, ulMaxObjectCount, pulObjectCount); });
}

CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE hSession)
{
    return guarded([&](Module& m) { return m.findObjectsFinal(hSession); });
}

CK_RV C_SignInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
    return guarded([&](Module& m) { return m.signInit(hSession, pMechanism, hKey); });
}

CK_RV C_Sign(CK_SESSION_HANDLE hSession,
             CK_BYTE_PTR pData,
             CK_ULONG ulDataLen,
             CK_BYTE_PTR pSignature,
             CK_ULONG_PTR pulSignatureLen)
{
    return guarded([&](Module& m) { return m.sign(hSession, pData, ulDataLen, pSignature, pulSignatureLen); });
}

CK_RV C_SignUpdate(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen)
{
    return guarded([&](Module& m) { return m.signUpdate(hSession, pPart, ulPartLen); });
}

CK_RV C_SignFinal(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen)
{
    return guarded([&](Module& m) { return m.signFinal(hSession, pSignature, pulSignatureLen); });
}

// Not offered: the token is read-only, keys never leave the card, and the relay only ever signs.
#define SRA_UNSUPPORTED(name, params)                                                                                  \
    CK_RV name params                                                                                                  \
    {                                                                                                                  \
        return notSupported();                                                                                         \
    }

SRA_UNSUPPORTED(C_InitToken, (CK_SLOT_ID, CK_UTF8CHAR_PTR, CK_ULONG, CK_UTF8CHAR_PTR))
SRA_UNSUPPORTED(C_InitPIN, (CK_SESSION_HANDLE, CK_UTF8CHAR_PTR, CK_ULONG))
SRA_UNSUPPORTED(C_SetPIN, (CK_SESSION_HANDLE, CK_UTF8CHAR_PTR, CK_ULONG, CK_UTF8CHAR_PTR, CK_ULONG))
SRA_UNSUPPORTED(C_GetOperationState, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_SetOperationState, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_OBJECT_HANDLE, CK_OBJECT_HANDLE))
SRA_UNSUPPORTED(C_CreateObject, (CK_SESSION_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR))
SRA_UNSUPPORTED(C_CopyObject, (CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR))
SRA_UNSUPPORTED(C_DestroyObject, (CK_SESSION_HANDLE, CK_OBJECT_HANDLE))
SRA_UNSUPPORTED(C_SetAttributeValue, (CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG))
SRA_UNSUPPORTED(C_EncryptInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE))
SRA_UNSUPPORTED(C_Encrypt, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_EncryptUpdate, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_EncryptFinal, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_DecryptInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE))
SRA_UNSUPPORTED(C_Decrypt, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_DecryptUpdate, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_DecryptFinal, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_DigestInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR))
SRA_UNSUPPORTED(C_Digest, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_DigestUpdate, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG))
SRA_UNSUPPORTED(C_DigestKey, (CK_SESSION_HANDLE, CK_OBJECT_HANDLE))
SRA_UNSUPPORTED(C_DigestFinal, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_SignRecoverInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE))
SRA_UNSUPPORTED(C_SignRecover, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_VerifyInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE))
SRA_UNSUPPORTED(C_Verify, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG))
SRA_UNSUPPORTED(C_VerifyUpdate, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG))
SRA_UNSUPPORTED(C_VerifyFinal, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG))
SRA_UNSUPPORTED(C_VerifyRecoverInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE))
SRA_UNSUPPORTED(C_VerifyRecover, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_DigestEncryptUpdate, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_DecryptDigestUpdate, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_SignEncryptUpdate, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_DecryptVerifyUpdate, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_GenerateKey, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR))
SRA_UNSUPPORTED(C_GenerateKeyPair,
                (CK_SESSION_HANDLE,
                 CK_MECHANISM_PTR,
                 CK_ATTRIBUTE_PTR,
                 CK_ULONG,
                 CK_ATTRIBUTE_PTR,
                 CK_ULONG,
                 CK_OBJECT_HANDLE_PTR,
                 CK_OBJECT_HANDLE_PTR))
SRA_UNSUPPORTED(C_WrapKey,
                (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_OBJECT_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR))
SRA_UNSUPPORTED(C_UnwrapKey,
                (CK_SESSION_HANDLE,
                 CK_MECHANISM_PTR,
                 CK_OBJECT_HANDLE,
                 CK_BYTE_PTR,
                 CK_ULONG,
                 CK_ATTRIBUTE_PTR,
                 CK_ULONG,
                 CK_OBJECT_HANDLE_PTR))
SRA_UNSUPPORTED(
    C_DeriveKey,
    (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR))
SRA_UNSUPPORTED(C_SeedRandom, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG))
SRA_UNSUPPORTED(C_GenerateRandom, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG))

CK_RV C_GetFunctionStatus(CK_SESSION_HANDLE)
{
    return guarded([](Module&) { return CKR_FUNCTION_NOT_PARALLEL; });
}

CK_RV C_CancelFunction(CK_SESSION_HANDLE)
{
    return guarded([](Module&) { return CKR_FUNCTION_NOT_PARALLEL; });
}

} // extern "C"

namespace {
CK_FUNCTION_LIST g_functionList = {
    {CRYPTOKI_VERSION_MAJOR, CRYPTOKI_VERSION_MINOR},
    C_Initialize,
    C_Finalize,
    C_GetInfo,
    C_GetFunctionList,
    C_GetSlotList,
    C_GetSlotInfo,
    C_GetTokenInfo,
    C_GetMechanismList,
    C_GetMechanismInfo,
    C_InitToken,
    C_InitPIN,
    C_SetPIN,
    C_OpenSession,
    C_CloseSession,
    C_CloseAllSessions,
    C_GetSessionInfo,
    C_GetOperationState,
    C_SetOperationState,
    C_Login,
    C_Logout,
    C_CreateObject,
    C_CopyObject,
    C_DestroyObject,
    C_GetObjectSize,
    C_GetAttributeValue,
    C_SetAttributeValue,
    C_FindObjectsInit,
    C_FindObjects,
    C_FindObjectsFinal,
    C_EncryptInit,
    C_Encrypt,
    C_EncryptUpdate,
    C_EncryptFinal,
    C_DecryptInit,
    C_Decrypt,
    C_DecryptUpdate,
    C_DecryptFinal,
    C_DigestInit,
    C_Digest,
    C_DigestUpdate,
    C_DigestKey,
    C_DigestFinal,
    C_SignInit,
    C_Sign,
    C_SignUpdate,
    C_SignFinal,
    C_SignRecoverInit,
    C_SignRecover,
    C_VerifyInit,
    C_Verify,
    C_VerifyUpdate,
    C_VerifyFinal,
    C_VerifyRecoverInit,
    C_VerifyRecover,
    C_DigestEncryptUpdate,
    C_DecryptDigestUpdate,
    C_SignEncryptUpdate,
    C_DecryptVerifyUpdate,
    C_GenerateKey,
    C_GenerateKeyPair,
    C_WrapKey,
    C_UnwrapKey,
    C_DeriveKey,
    C_SeedRandom,
    C_GenerateRandom,
    C_GetFunctionStatus,
    C_CancelFunction,
    C_WaitForSlotEvent,
};
} // namespace
