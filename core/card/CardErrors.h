#pragma once

#include "core/base/Result.h"

#include <QString>

namespace sra::core {

// One sentence for the user: what went wrong and what to do about it. Translated (context "sra::core::CardErrors").
QString cardErrorMessage(const base::Error& error);

} // namespace sra::core
