// Module's signatures: C_SignInit, C_Sign, C_SignUpdate and C_SignFinal, relayed to the admin's card.
#include "ctk/Pkcs11Internal.h"

#include <cstring>
#include <memory>

namespace sra::pkcs11 {

namespace {
using base::ByteView;
using detail::findMechanism;
using detail::MechanismEntry;
using detail::relayError;
} // namespace

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

} // namespace sra::pkcs11
