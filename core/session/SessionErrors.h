#pragma once

#include "core/wire/Message.h"

#include <QString>

namespace sra::core {

// What the admin reads when srad refuses: the cause and what to do, translated on the admin side
// (srad sends only the code). retryAfterMs is shown for RateLimited.
QString serverErrorMessage(wire::ErrorCode code, quint32 retryAfterMs = 0);

} // namespace sra::core
