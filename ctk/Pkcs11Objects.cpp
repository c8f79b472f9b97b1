// Module's token objects: built from the card contents, their attributes and the C_FindObjects* search.
#include "ctk/Pkcs11Internal.h"

#include <algorithm>
#include <cstring>

namespace sra::pkcs11 {

namespace {
using base::Bytes;
using detail::kUnavailable;

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

} // namespace sra::pkcs11
