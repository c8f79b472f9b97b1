#pragma once

#include "core/piv/Result.h"

#include <QString>

namespace sra::core {

// One sentence for the user: what went wrong and what to do about it. Translated (context "sra::core::CardErrors").
QString cardErrorMessage(const piv::Error& error);

} // namespace sra::core
