// The constants and helpers Pkcs11Module.cpp, Pkcs11Objects.cpp and Pkcs11Sign.cpp share; private to sra_ctk.
#pragma once

#include "ctk/Pkcs11Module.h"

namespace sra::pkcs11::detail {

constexpr CK_ULONG kUnavailable = ~CK_ULONG{0}; // CK_UNAVAILABLE_INFORMATION, without its C cast

struct MechanismEntry
{
    CK_MECHANISM_TYPE type;
    ctk::SignScheme scheme;
};

const MechanismEntry* findMechanism(CK_MECHANISM_TYPE type);
CK_RV relayError(wire::RelayStatus status);

} // namespace sra::pkcs11::detail
