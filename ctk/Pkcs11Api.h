#pragma once

// PKCS#11 v2.40 from p11-kit's pkcs11.h (Debian package libp11-kit-dev): a self-contained header (no platform
// macros to predefine), the one p11-kit itself builds its proxy with, and installed with a pkg-config file,
// while OpenSC ships no development package on Debian. Only the header is used: the module never links p11-kit.
// The prototypes get default visibility here so that the C_* definitions are the module's only exports
// (together with the version script sra-pkcs11.map).
#pragma GCC visibility push(default)
#include <p11-kit/pkcs11.h>
#pragma GCC visibility pop
