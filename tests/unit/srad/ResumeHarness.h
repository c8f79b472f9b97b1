#pragma once

// What unit.srad.SessionResume runs against: a real srad (SradService, TLS 1.3 on a loopback port, a license
// signed with the test key, the admin's certificate paired) on a thread of its own, so the test's blocking
// RawSradClient (the admin) and srad's event loop do not wait for each other; and a program on the remote that
// watches the relayed card through srad's local socket (core/local's client, as the pcscd driver and the
// PKCS#11 module use it) and records every CardStatus it gets.
#include "core/config/SradConfig.h"
#include "core/local/LocalChannelClient.h"

#include <QString>
#include <QStringList>
#include <QThread>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace sra::srad {
class SradService;
}

namespace sra::test {

// srad's log lines ("category: text"), from every thread, for the checks on the audit log.
class LogCapture
{
public:
    static void install();
    static void clear();
    static QStringList lines();
    static bool contains(const QString& text);
    // Waits (running the test thread's event loop) until a line contains `text`.
    static bool waitFor(const QString& text, int timeoutMs = 5000);
};

// A SradService living on its own thread.
class SradThread
{
public:
    SradThread() = default;
    ~SradThread();

    SradThread(const SradThread&) = delete;
    SradThread& operator=(const SradThread&) = delete;

    bool start(const core::SradConfig& config, QString& error);

    quint16 port() const
    {
        return m_port;
    }

    // Runs `work` on srad's thread and waits for it.
    void run(const std::function<void(srad::SradService&)>& work);

private:
    QThread m_thread;
    QObject* m_context = nullptr;
    srad::SradService* m_service = nullptr;
    quint16 m_port = 0;
};

// Everything under one directory: srad's identity, license, pairings and local socket, and the admin's soft card
// whose slot-9a certificate and key the raw client signs in with.
class ResumeFixture
{
public:
    bool create(const QString& dir, QString& error);

    // A configuration for srad under the directory; `licensed` false: an empty license directory.
    core::SradConfig config(bool licensed = true) const;
    // The admin's certificate paired with root (true) or nothing paired (false).
    bool writePairings(bool paired, QString& error) const;

    QString certificate() const
    {
        return m_card + QStringLiteral("/slot-9a.cert.pem");
    }

    QString key() const
    {
        return m_card + QStringLiteral("/slot-9a.key.pem");
    }

    QString localSocket() const
    {
        return m_dir + QStringLiteral("/local.sock");
    }

private:
    QString m_dir;
    QString m_card;
};

// A program on the remote watching the relayed card (and asking it for PIN checks).
class CardWatcher
{
public:
    explicit CardWatcher(const QString& socket);
    ~CardWatcher();

    CardWatcher(const CardWatcher&) = delete;
    CardWatcher& operator=(const CardWatcher&) = delete;

    bool waitPresent(int timeoutMs = 5000) const;
    bool waitAbsent(int timeoutMs = 5000) const;
    // Every CardStatus seen from index `from` on said present, with `generation`.
    bool presentThroughout(std::size_t from, std::uint32_t generation) const;
    std::size_t seen() const;
    std::uint32_t generation() const;

    local::LocalChannelClient& client()
    {
        return m_client;
    }

private:
    local::LocalChannelClient m_client;
    mutable std::mutex m_mutex;
    std::vector<local::CardSnapshot> m_seen;
};

} // namespace sra::test
