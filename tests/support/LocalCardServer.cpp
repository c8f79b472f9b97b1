#include "support/LocalCardServer.h"

#include "core/piv/InsertedCard.h"
#include "core/piv/PivCardEmulator.h"
#include "softcard/SoftCard.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace sra::test {

using Clock = std::chrono::steady_clock;

struct LocalCardServer::Client
{
    int fd = -1;
    bool greeted = false;
    wire::FrameDecoder decoder;
};

struct LocalCardServer::Delayed
{
    int fd = -1;
    Clock::time_point due;
    wire::Message message;
};

LocalCardServer::LocalCardServer(QString socketPath)
    : m_path(std::move(socketPath))
{}

LocalCardServer::~LocalCardServer()
{
    stop();
}

QString LocalCardServer::loadCard(const QString& cardDir)
{
    QString error;
    auto card = softcard::SoftCard::load(cardDir, &error);
    if (!card) {
        return error;
    }
    // What "Insert card" sends: every object the card gives without a PIN, and each key's algorithm, in the
    // one encoding every side uses.
    piv::PivCardEmulator scratch(*card);
    card->installObjects(scratch);
    piv::InsertedCard inserted;
    inserted.objects = scratch.dataObjects();
    for (const std::uint8_t slot : {0x9A, 0x9C, 0x9D, 0x9E}) {
        if (const auto algorithm = card->keyAlgorithm(slot)) {
            inserted.keys.emplace(slot, *algorithm);
        }
    }
    auto payload = piv::encodeInsertedCard(inserted);
    if (!payload) {
        return QString::fromStdString(payload.error().detail);
    }
    base::Bytes objects = std::move(payload->cardObjects);
    base::Bytes algorithms = std::move(payload->keyAlgorithms);
    std::lock_guard lock(m_mutex);
    m_card = std::move(card);
    m_objects = std::move(objects);
    m_keyAlgorithms = std::move(algorithms);
    return {};
}

bool LocalCardServer::start(QString* error)
{
    stop();
    const QByteArray path = m_path.toLocal8Bit();
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.isEmpty() || static_cast<std::size_t>(path.size()) >= sizeof address.sun_path) {
        if (error) {
            *error = QStringLiteral("socket path too long: %1").arg(m_path);
        }
        return false;
    }
    std::memcpy(address.sun_path, path.constData(), static_cast<std::size_t>(path.size()) + 1);
    ::unlink(path.constData());
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0
        || ::listen(fd, 16) != 0) {
        if (error) {
            *error =
                QStringLiteral("cannot listen on %1: %2").arg(m_path, QString::fromLocal8Bit(std::strerror(errno)));
        }
        if (fd >= 0) {
            ::close(fd);
        }
        return false;
    }
    std::lock_guard lock(m_mutex);
    m_listenFd = fd;
    m_wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    m_stopping = false;
    m_thread = std::thread([this] { run(); });
    return true;
}

void LocalCardServer::stop()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_thread.joinable()) {
            return;
        }
        m_stopping = true;
    }
    wake();
    m_thread.join();
    std::lock_guard lock(m_mutex);
    for (const auto& client : m_clients) {
        ::close(client->fd);
    }
    m_clients.clear();
    m_delayed.clear();
    ::close(m_listenFd);
    ::close(m_wakeFd);
    m_listenFd = -1;
    m_wakeFd = -1;
    ::unlink(m_path.toLocal8Bit().constData());
}

void LocalCardServer::wake()
{
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(m_wakeFd, &one, sizeof one);
}

void LocalCardServer::insertCard()
{
    std::lock_guard lock(m_mutex);
    m_present = true;
    ++m_generation;
    broadcastLocked();
}

void LocalCardServer::removeCard()
{
    std::lock_guard lock(m_mutex);
    m_present = false;
    broadcastLocked();
}

void LocalCardServer::setAnswerMode(AnswerMode mode)
{
    std::lock_guard lock(m_mutex);
    m_mode = mode;
}

void LocalCardServer::setAnswerDelayMs(int delayMs)
{
    std::lock_guard lock(m_mutex);
    m_delayMs = delayMs;
}

void LocalCardServer::setForcedStatus(std::optional<wire::RelayStatus> status)
{
    std::lock_guard lock(m_mutex);
    m_forced = status;
}

int LocalCardServer::helloCount() const
{
    std::lock_guard lock(m_mutex);
    return m_hellos;
}

int LocalCardServer::verifyRequests() const
{
    std::lock_guard lock(m_mutex);
    return m_verifies;
}

int LocalCardServer::signRequests() const
{
    std::lock_guard lock(m_mutex);
    return m_signs;
}

int LocalCardServer::connectedClients() const
{
    std::lock_guard lock(m_mutex);
    return static_cast<int>(m_clients.size());
}

int LocalCardServer::pinTriesLeft() const
{
    std::lock_guard lock(m_mutex);
    return m_card ? m_card->pinTriesLeft() : -1;
}

std::uint32_t LocalCardServer::generation() const
{
    std::lock_guard lock(m_mutex);
    return m_generation;
}

wire::Message LocalCardServer::cardStatusLocked() const
{
    wire::Message status(wire::MessageType::CardStatus);
    const bool present = m_present && m_card;
    status.setU32(wire::Field::Present, present ? 1 : 0);
    status.setU32(wire::Field::Generation, m_generation);
    if (present) {
        status.set(wire::Field::CardObjects, base::ByteView(m_objects));
        status.set(wire::Field::KeyAlgorithms, base::ByteView(m_keyAlgorithms));
        status.set(wire::Field::Account, std::string_view("admin"));
        status.setU32(wire::Field::PinTriesLeft, static_cast<std::uint32_t>(m_card->pinTriesLeft()));
    }
    return status;
}

void LocalCardServer::broadcastLocked()
{
    const wire::Message status = cardStatusLocked();
    for (const auto& client : m_clients) {
        if (client->greeted) {
            sendTo(client->fd, status);
        }
    }
}

void LocalCardServer::sendTo(int fd, const wire::Message& message)
{
    auto frame = wire::encodeMessage(message);
    if (!frame) {
        return;
    }
    const base::Bytes& bytes = frame.value();
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            pollfd p{fd, POLLOUT, 0};
            ::poll(&p, 1, 100);
            continue;
        }
        if (n <= 0) {
            return; // the reader sees the connection fail
        }
        done += static_cast<std::size_t>(n);
    }
}

void LocalCardServer::run()
{
    for (;;) {
        std::vector<pollfd> fds;
        int timeoutMs = -1;
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping) {
                return;
            }
            // Due delayed answers go out first.
            const auto now = Clock::now();
            for (auto it = m_delayed.begin(); it != m_delayed.end();) {
                if (it->due <= now) {
                    sendTo(it->fd, it->message);
                    it = m_delayed.erase(it);
                } else {
                    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(it->due - now).count() + 1;
                    timeoutMs = timeoutMs < 0 ? static_cast<int>(wait) : std::min(timeoutMs, static_cast<int>(wait));
                    ++it;
                }
            }
            fds.push_back({m_wakeFd, POLLIN, 0});
            fds.push_back({m_listenFd, POLLIN, 0});
            for (const auto& client : m_clients) {
                fds.push_back({client->fd, POLLIN, 0});
            }
        }
        if (::poll(fds.data(), fds.size(), timeoutMs) < 0 && errno != EINTR) {
            return;
        }
        std::lock_guard lock(m_mutex);
        if (m_stopping) {
            return;
        }
        if (fds[0].revents != 0) {
            std::uint64_t value = 0;
            [[maybe_unused]] const ssize_t n = ::read(m_wakeFd, &value, sizeof value);
        }
        if (fds[1].revents != 0) {
            accept();
        }
        for (std::size_t i = 2; i < fds.size(); ++i) {
            if (fds[i].revents == 0) {
                continue;
            }
            for (auto it = m_clients.begin(); it != m_clients.end(); ++it) {
                if ((*it)->fd == fds[i].fd) {
                    if (!readClient(**it)) {
                        const int fd = (*it)->fd;
                        std::erase_if(m_delayed, [fd](const Delayed& d) { return d.fd == fd; });
                        ::close(fd);
                        m_clients.erase(it);
                    }
                    break;
                }
            }
        }
    }
}

void LocalCardServer::accept()
{
    for (;;) {
        const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            return;
        }
        auto client = std::make_unique<Client>();
        client->fd = fd;
        m_clients.push_back(std::move(client));
    }
}

bool LocalCardServer::readClient(Client& client)
{
    std::uint8_t buffer[4096];
    const ssize_t n = ::recv(client.fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return true;
    }
    if (n <= 0) {
        return false;
    }
    client.decoder.feed(base::ByteView(buffer, static_cast<std::size_t>(n)));
    while (auto frame = client.decoder.next()) {
        auto message = wire::decodeMessage(*frame);
        if (!message) {
            return false;
        }
        const wire::MessageType type = message.value().type();
        if ((type == wire::MessageType::LocalVerifyPin || type == wire::MessageType::LocalSign)
            && m_mode == AnswerMode::Disconnect) {
            (type == wire::MessageType::LocalSign ? m_signs : m_verifies) += 1;
            return false;
        }
        handle(client, message.value());
    }
    return client.decoder.error() == wire::FrameError::None;
}

void LocalCardServer::handle(Client& client, const wire::Message& message)
{
    switch (message.type()) {
    case wire::MessageType::LocalHello:
        ++m_hellos;
        client.greeted = true;
        sendTo(client.fd, cardStatusLocked());
        return;
    case wire::MessageType::LocalVerifyPin:
        ++m_verifies;
        break;
    case wire::MessageType::LocalSign:
        ++m_signs;
        break;
    default:
        return;
    }
    if (!client.greeted || m_mode == AnswerMode::Ignore) {
        return;
    }
    wire::Message result = answer(message);
    if (m_delayMs > 0) {
        m_delayed.push_back({client.fd, Clock::now() + std::chrono::milliseconds(m_delayMs), std::move(result)});
    } else {
        sendTo(client.fd, result);
    }
}

wire::Message LocalCardServer::answer(const wire::Message& request)
{
    wire::Message result(wire::MessageType::RelayResult);
    result.setU32(wire::Field::RequestId, request.u32(wire::Field::RequestId).value_or(0));
    auto status = wire::RelayStatus::Ok;
    if (m_forced) {
        status = *m_forced;
    } else if (!m_present || !m_card) {
        status = wire::RelayStatus::NoCard;
    } else if (request.type() == wire::MessageType::LocalVerifyPin) {
        const base::ByteView pinView = request.bytes(wire::Field::Pin);
        const base::SecureBytes pin(pinView.begin(), pinView.end());
        const piv::PinCheck check = m_card->verifyPin(pin);
        switch (check.outcome) {
        case piv::PinCheck::Outcome::Verified:
            break;
        case piv::PinCheck::Outcome::Wrong:
            status = wire::RelayStatus::WrongPin;
            break;
        case piv::PinCheck::Outcome::Blocked:
            status = wire::RelayStatus::PinBlocked;
            break;
        case piv::PinCheck::Outcome::Failed:
            status = wire::RelayStatus::CardError;
            break;
        }
        result.setU32(wire::Field::PinTriesLeft, static_cast<std::uint32_t>(std::max(0, m_card->pinTriesLeft())));
    } else {
        const auto slot = static_cast<std::uint8_t>(request.u32(wire::Field::Slot).value_or(0));
        const auto algorithm =
            piv::pivAlgorithmFromByte(static_cast<std::uint8_t>(request.u32(wire::Field::Algorithm).value_or(0)));
        if (!algorithm) {
            status = wire::RelayStatus::Malformed;
        } else {
            auto signature = m_card->sign(slot, *algorithm, request.bytes(wire::Field::Input));
            if (signature) {
                result.set(wire::Field::Data, base::ByteView(signature.value()));
            } else {
                status = wire::RelayStatus::CardError;
            }
        }
    }
    result.setU32(wire::Field::Status, static_cast<std::uint32_t>(status));
    return result;
}

} // namespace sra::test
