#include "softcard/VpcdCardLink.h"

#include "core/piv/Apdu.h"

#include <QByteArray>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace sra::softcard {

namespace {
constexpr std::uint8_t kPowerOff = 0x00;
constexpr std::uint8_t kPowerOn = 0x01;
constexpr std::uint8_t kReset = 0x02;
constexpr std::uint8_t kGetAtr = 0x04;
constexpr std::size_t kMaxMessage = 0xFFFF;

bool readFully(int fd, std::uint8_t* buffer, std::size_t size)
{
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::recv(fd, buffer + done, size - done, 0);
        // vpcd writes a message's length and body with two send()s and leaves Nagle on: its body waits for
        // our ACK of the length, which delayed ACK holds back for up to 40 ms. Quick ACK (which the kernel
        // clears again by itself, hence after every read) takes that 40 ms out of every APDU.
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
        if (n == 0) {
            return false;
        }
        if (n < 0) {
            if (errno == EINTR) {
                return false; // a stop signal: leave the loop
            }
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

bool writeMessage(int fd, base::ByteView payload)
{
    if (payload.size() > kMaxMessage) {
        return false;
    }
    base::Bytes frame{static_cast<std::uint8_t>(payload.size() >> 8), static_cast<std::uint8_t>(payload.size())};
    base::append(frame, payload);
    std::size_t done = 0;
    while (done < frame.size()) {
        const ssize_t n = ::send(fd, frame.data() + done, frame.size() - done, MSG_NOSIGNAL);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

int connectTo(const QString& host, std::uint16_t port)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    const QByteArray h = host.toUtf8();
    const QByteArray p = QByteArray::number(port);
    if (getaddrinfo(h.constData(), p.constData(), &hints, &list) != 0) {
        return -1;
    }
    int fd = -1;
    for (addrinfo* ai = list; ai; ai = ai->ai_next) {
        fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            continue;
        }
        if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        ::close(fd);
        fd = -1;
    }
    freeaddrinfo(list);
    if (fd >= 0) {
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); // one small message per APDU
    }
    return fd;
}

const char* insName(std::uint8_t ins)
{
    switch (ins) {
    case 0xA4:
        return "SELECT";
    case 0xCB:
        return "GET DATA";
    case 0x20:
        return "VERIFY";
    case 0x87:
        return "GENERAL AUTHENTICATE";
    case 0xC0:
        return "GET RESPONSE";
    default:
        return "other";
    }
}
} // namespace

VpcdCardLink::VpcdCardLink(piv::PivCardEmulator& emulator, QString host, std::uint16_t port)
    : m_emulator(emulator)
    , m_host(std::move(host))
    , m_port(port)
{}

void VpcdCardLink::stop() noexcept
{
    m_stop.store(true);
    const int fd = m_fd.load();
    if (fd >= 0) {
        ::shutdown(fd, SHUT_RDWR); // wakes a blocked recv()
    }
}

int VpcdCardLink::run()
{
    bool announcedWait = false;
    while (!m_stop.load()) {
        const int fd = connectTo(m_host, m_port);
        if (fd < 0) {
            if (!announcedWait) {
                std::fprintf(stderr, "sra-softcard: waiting for vpcd on %s:%u\n", qPrintable(m_host), m_port);
                announcedWait = true;
            }
            ::usleep(100 * 1000); // vpcd not (yet) listening: pcscd starting or restarting
            continue;
        }
        announcedWait = false;
        m_fd.store(fd);
        std::fprintf(stderr, "sra-softcard: card inserted into vpcd %s:%u\n", qPrintable(m_host), m_port);
        serveConnection(fd);
        m_fd.store(-1);
        ::close(fd);
        m_emulator.reset();
        std::fprintf(stderr, "sra-softcard: card left the reader\n");
    }
    return 0;
}

bool VpcdCardLink::serveConnection(int fd)
{
    base::Bytes buffer(kMaxMessage);
    while (!m_stop.load()) {
        std::uint8_t header[2];
        if (!readFully(fd, header, 2)) {
            return false;
        }
        const std::size_t length = (std::size_t{header[0]} << 8) | header[1];
        if (length == 0 || !readFully(fd, buffer.data(), length)) {
            return false;
        }
        const base::ByteView message(buffer.data(), length);
        if (length == 1) {
            switch (message[0]) {
            case kPowerOff:
            case kPowerOn:
            case kReset:
                m_emulator.reset();
                break;
            case kGetAtr:
                if (!writeMessage(fd, piv::PivCardEmulator::answerToReset())) {
                    return false;
                }
                break;
            default:
                std::fprintf(stderr, "sra-softcard: unknown vpcd control byte %02X\n", message[0]);
                return false;
            }
            continue;
        }
        constexpr std::uint8_t kVerify = 0x20;
        constexpr std::uint8_t kGeneralAuthenticate = 0x87;
        const bool slowOperation = message.size() > 5 && (message[1] == kVerify || message[1] == kGeneralAuthenticate);
        if (slowOperation && m_operationDelayMs > 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(m_operationDelayMs));
        }
        const base::Bytes response = m_emulator.process(message);
        // Only the instruction and the status are logged: VERIFY data is a PIN.
        if (std::getenv("SRA_SOFTCARD_TRACE")) {
            std::fprintf(stderr,
                         "sra-softcard: %s (%02X) -> %02X%02X\n",
                         insName(message[1]),
                         message[1],
                         response[response.size() - 2],
                         response[response.size() - 1]);
        }
        base::secureZero(buffer.data(), length);
        if (!writeMessage(fd, response)) {
            return false;
        }
    }
    return true;
}

} // namespace sra::softcard
