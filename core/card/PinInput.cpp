#include "core/card/PinInput.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace sra::core {

namespace {
constexpr std::size_t kMaxPinInput = 64; // a PIV PIN is at most 8; anything longer is not a PIN

bool readLine(int fd, base::SecureBytes& pin, QString& error)
{
    pin.clear();
    pin.reserve(kMaxPinInput); // no reallocation, so no stray copies of partial PINs
    while (true) {
        std::uint8_t c = 0;
        const ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            error = QStringLiteral("cannot read the PIN: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
        if (n == 0 || c == '\n') {
            break;
        }
        if (c == '\r') {
            continue;
        }
        if (pin.size() >= kMaxPinInput) {
            base::secureZero(pin.data(), pin.size());
            pin.clear();
            error = QStringLiteral("the PIN input is too long");
            return false;
        }
        pin.push_back(c);
    }
    if (pin.empty()) {
        error = QStringLiteral("no PIN given");
        return false;
    }
    return true;
}
} // namespace

bool readPinFromFd(int fd, base::SecureBytes& pin, QString& error)
{
    return readLine(fd, pin, error);
}

bool promptPin(const QString& prompt, base::SecureBytes& pin, QString& error)
{
    const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0) {
        error = QStringLiteral("no terminal to ask for the PIN; pass it with --pin-fd N");
        return false;
    }
    const QByteArray text = prompt.toLocal8Bit();
    (void)!::write(tty, text.constData(), static_cast<std::size_t>(text.size()));
    termios saved{};
    const bool haveTermios = ::tcgetattr(tty, &saved) == 0;
    if (haveTermios) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        ::tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    const bool ok = readLine(tty, pin, error);
    if (haveTermios) {
        ::tcsetattr(tty, TCSAFLUSH, &saved);
    }
    ::close(tty);
    return ok;
}

} // namespace sra::core
