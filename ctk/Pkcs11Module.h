#pragma once

#include "core/local/LocalChannelClient.h"
#include "ctk/CardToken.h"
#include "ctk/Pkcs11Api.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace sra::pkcs11 {

// The PKCS#11 semantics of the relayed card, one instance between C_Initialize and C_Finalize: one slot, the
// token while srad reports the card present, certificate/public-key/private-key objects built from CardStatus
// (ctk::CardToken), sessions, login relayed as a PIN check and signatures relayed to the admin's card.
// Every method returns a CK_RV and follows the argument contracts of the specification; the C ABI shim
// (Pkcs11Entry.cpp) only adds initialization state, the application's locking and the catch-all.
class Module
{
public:
    static constexpr CK_SLOT_ID kSlotId = 0;

    explicit Module(local::LocalChannelClient::Options options);
    ~Module();

    bool start(); // connects (in the background) and waits briefly for srad's first CardStatus

    CK_RV getInfo(CK_INFO_PTR info);
    CK_RV getSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR list, CK_ULONG_PTR count);
    CK_RV getSlotInfo(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info);
    CK_RV getTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info);
    CK_RV getMechanismList(CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count);
    CK_RV getMechanismInfo(CK_SLOT_ID slot, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info);
    CK_RV openSession(CK_SLOT_ID slot, CK_FLAGS flags, CK_SESSION_HANDLE_PTR session);
    CK_RV closeSession(CK_SESSION_HANDLE session);
    CK_RV closeAllSessions(CK_SLOT_ID slot);
    CK_RV getSessionInfo(CK_SESSION_HANDLE session, CK_SESSION_INFO_PTR info);
    CK_RV login(CK_SESSION_HANDLE session, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pin, CK_ULONG pinLength);
    CK_RV logout(CK_SESSION_HANDLE session);
    CK_RV getAttributeValue(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_PTR templ, CK_ULONG count);
    CK_RV getObjectSize(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ULONG_PTR size);
    CK_RV findObjectsInit(CK_SESSION_HANDLE session, CK_ATTRIBUTE_PTR templ, CK_ULONG count);
    CK_RV findObjects(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE_PTR objects, CK_ULONG max, CK_ULONG_PTR count);
    CK_RV findObjectsFinal(CK_SESSION_HANDLE session);
    CK_RV signInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key);
    CK_RV sign(CK_SESSION_HANDLE session,
               CK_BYTE_PTR data,
               CK_ULONG dataLength,
               CK_BYTE_PTR signature,
               CK_ULONG_PTR signatureLength);
    CK_RV signUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part, CK_ULONG partLength);
    CK_RV signFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR signature, CK_ULONG_PTR signatureLength);
    // Blocking waits poll in short steps and end with CKR_CRYPTOKI_NOT_INITIALIZED once finalizing is set.
    CK_RV waitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR slot);

    void beginFinalize();

private:
    struct Object
    {
        std::map<CK_ATTRIBUTE_TYPE, base::Bytes> attributes;
        bool isPrivate = false;
        std::size_t keyIndex = 0;
        bool signingKey = false;
    };

    struct Session
    {
        CK_FLAGS flags = 0;
        std::uint32_t generation = 0;
        bool finding = false;
        std::vector<CK_OBJECT_HANDLE> found;
        std::size_t foundPos = 0;
        std::unique_ptr<ctk::Signer> signer;
        bool signUpdated = false;
        bool contextLoggedIn = false;
    };

    // The token as of the latest CardStatus: rebuilt when the generation changes; sessions of an older
    // generation are gone (the card was removed).
    void refresh();
    bool tokenPresent();
    CK_RV sessionFor(CK_SESSION_HANDLE handle, Session*& session);
    void dropAllSessions();
    void buildObjects();
    CK_RV finishSign(Session& session, CK_BYTE_PTR signature, CK_ULONG_PTR signatureLength, bool alreadyUpdated);

    local::LocalChannelClient m_client;
    std::shared_ptr<const local::CardSnapshot> m_snapshot;
    std::uint32_t m_generation = 0;
    bool m_present = false;
    ctk::CardContents m_contents;
    std::map<CK_OBJECT_HANDLE, Object> m_objects;
    std::map<CK_SESSION_HANDLE, Session> m_sessions;
    CK_SESSION_HANDLE m_nextSession = 1;
    bool m_loggedIn = false;
    std::optional<std::uint32_t> m_triesLeft;
    std::atomic<bool> m_finalizing{false};
    std::mutex m_eventMutex;         // C_WaitForSlotEvent runs outside the API lock
    std::uint64_t m_eventSerial = 0; // snapshot serial up to which presence events were reported
    bool m_eventPresent = false;
};

// SRA_PKCS11_DEBUG set (and not in a setuid/setgid program: base::trustedGetenv): one line to stderr. Never
// called with a PIN.
void debugLog(const char* format, ...) __attribute__((format(printf, 1, 2)));

} // namespace sra::pkcs11
