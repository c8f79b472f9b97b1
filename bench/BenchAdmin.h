#pragma once

#include "core/base/Bytes.h"
#include "core/card/CardWorker.h"

// The admin side every client benchmark starts with. Each prints "<program>: <reason>" on stderr and returns
// false on failure, so that a benchmark's main() only has to return 1.
namespace sra::bench {

// Reads the card's PIN from the descriptor the run-* script passes (--pin-fd).
bool readPin(const char* program, int pinFd, base::SecureBytes& pin);

// readPin, then opens the lab's card for admin sessions.
bool openCardWithPin(const char* program, int pinFd, core::CardWorker& card, base::SecureBytes& pin);

} // namespace sra::bench
