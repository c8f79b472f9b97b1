#pragma once

#include "core/base/Bytes.h"
#include "core/wire/Message.h"

#include <QString>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace sra::softcard {
class SoftCard;
}

namespace sra::test {

// The server side of srad's LOCAL CHANNEL only (docs/PROTOCOL.md, "Local channel"), for testing the pcscd
// driver and the PKCS#11 module without a session: it listens on a UNIX socket, answers LocalHello with a
// CardStatus built from a real soft card directory (its objects, key algorithms and PIN counter), pushes a new
// CardStatus on every insert/remove, and answers LocalVerifyPin / LocalSign with the soft card itself (real
// PIN counter, real OpenSSL keys). Faults on demand: stop and start the listener (srad restarting), delay
// answers, never answer, or close the connection when a request arrives (srad or the admin gone mid-request).
// Runs on a thread of its own, so the test's own thread (and event loop) stays free. All methods are
// thread-safe.
class LocalCardServer
{
public:
    enum class AnswerMode
    {
        Answer,     // answer (after answerDelayMs)
        Ignore,     // never answer (admin hung)
        Disconnect, // close the client's connection when a request arrives (srad died mid-request)
    };

    explicit LocalCardServer(QString socketPath);
    ~LocalCardServer();

    LocalCardServer(const LocalCardServer&) = delete;
    LocalCardServer& operator=(const LocalCardServer&) = delete;

    // Loads the soft card from DIR (not inserted yet). Empty string on success, else the reason.
    QString loadCard(const QString& cardDir);

    bool start(QString* error = nullptr); // binds the socket and starts the thread
    void stop();                          // closes the listener and every client (srad gone)

    void insertCard(); // Present=1, Generation+1, pushed to every client
    void removeCard(); // Present=0, pushed to every client

    void setAnswerMode(AnswerMode mode);
    void setAnswerDelayMs(int delayMs);
    // Answers every request with this status instead of asking the card (nullopt: ask the card).
    void setForcedStatus(std::optional<wire::RelayStatus> status);

    int helloCount() const;
    int verifyRequests() const;
    int signRequests() const;
    int connectedClients() const;
    int pinTriesLeft() const; // the soft card's own counter
    std::uint32_t generation() const;

    QString socketPath() const
    {
        return m_path;
    }

private:
    struct Client;
    struct Delayed;
    void run();
    void accept();
    bool readClient(Client& client);
    void handle(Client& client, const wire::Message& message);
    wire::Message answer(const wire::Message& request);
    wire::Message cardStatusLocked() const;
    void broadcastLocked();
    void sendTo(int fd, const wire::Message& message);
    void wake();

    QString m_path;
    std::unique_ptr<softcard::SoftCard> m_card;
    base::Bytes m_objects;
    base::Bytes m_keyAlgorithms;

    mutable std::mutex m_mutex;
    std::thread m_thread;
    int m_listenFd = -1;
    int m_wakeFd = -1;
    bool m_stopping = false;
    std::vector<std::unique_ptr<Client>> m_clients;
    std::vector<Delayed> m_delayed;
    bool m_present = false;
    std::uint32_t m_generation = 0;
    AnswerMode m_mode = AnswerMode::Answer;
    int m_delayMs = 0;
    std::optional<wire::RelayStatus> m_forced;
    int m_hellos = 0;
    int m_verifies = 0;
    int m_signs = 0;
};

} // namespace sra::test
