#include "core/base/Environment.h"

#include <cstdlib>

namespace sra::base {

const char* trustedGetenv(const char* name) noexcept
{
    // glibc 2.17 and later; declared by <stdlib.h> under _GNU_SOURCE, which g++ always defines.
    return name == nullptr ? nullptr : ::secure_getenv(name);
}

} // namespace sra::base
