#include "bench/BenchAdmin.h"

#include "core/card/PinInput.h"

#include <QString>

#include <cstdio>

namespace sra::bench {

bool readPin(const char* program, int pinFd, base::SecureBytes& pin)
{
    QString error;
    if (!core::readPinFromFd(pinFd, pin, error)) {
        std::fprintf(stderr, "%s: %s\n", program, qPrintable(error));
        return false;
    }
    return true;
}

bool openCardWithPin(const char* program, int pinFd, core::CardWorker& card, base::SecureBytes& pin)
{
    if (!readPin(program, pinFd, pin)) {
        return false;
    }
    if (auto opened = card.openAndWait(); !opened) {
        std::fprintf(stderr, "%s: no card: %s\n", program, opened.error().detail.c_str());
        return false;
    }
    return true;
}

} // namespace sra::bench
