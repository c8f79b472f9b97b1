#pragma once

#include "core/base/Result.h"
#include "core/card/CardSession.h"

#include <QString>

#include <memory>

namespace sra::core {

// Opens the PIV card of the first reader that holds one (or of the first whose name contains `readerFilter`) and
// reads it. The session owns its own PC/SC context, so it can live on the thread that uses it (pcsc-lite wants a
// context per thread). Errors: NoService, NoReader, NoCard when readers exist but none holds a card, NotPiv or
// NotFound (no PIV Authentication key) from the last card tried.
base::Result<std::unique_ptr<CardSession>> openPcscCard(const QString& readerFilter = {});

} // namespace sra::core
