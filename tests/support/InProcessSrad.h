#pragma once

#include "core/config/SradConfig.h"
#include "core/local/LocalChannelClient.h"
#include "core/wire/Message.h"

#include <QSslCertificate>
#include <QString>
#include <QThread>

#include <atomic>
#include <memory>

namespace sra::srad {
class SradService;
}

namespace sra::test {

// What every in-process srad of the tests runs with, everything under `dir`: its TLS identity, license directory
// (`dir` itself), pairings file and local socket there, loopback only, a port the kernel chooses.
core::SradConfig sradTestConfig(const QString& dir);
// A valid license for this build (signed with the committed test key, SRA_SOURCE_DIR) written to `file`.
bool writeTestLicense(const QString& file, QString& error);

// srad in this process (the real SradService: TLS 1.3 on a loopback port the kernel chooses, a license signed with
// the test key, the given card certificate paired with "root"), with everything under `dir`: for tests of the
// admin side (controller, window) that need a real remote without root, pcscd or a lab.
class InProcessSrad
{
public:
    struct Options
    {
        int resumeGraceMs = 30000; // [network] resume_grace_ms
        QString screenDisplay;     // non-empty: [screen] backend x11vnc on this X display
    };

    InProcessSrad();
    ~InProcessSrad();

    bool start(const QString& dir, const QSslCertificate& pairedCard, QString& error)
    {
        return start(dir, pairedCard, Options{}, error);
    }

    bool start(const QString& dir, const QSslCertificate& pairedCard, const Options& options, QString& error);
    void stop();

    quint16 port() const;
    QString target() const; // 127.0.0.1:PORT
    QByteArray fingerprint() const;

    const QString& localSocket() const
    {
        return m_socket;
    }

private:
    std::unique_ptr<srad::SradService> m_service;
    QString m_socket;
};

// A program on the remote that uses the relayed card through srad's local channel, on a thread of its own (the
// client waits for the answer, and srad and the admin side answer on the test thread's event loop). It also
// records every card status srad pushes, so a test can tell whether the remote ever saw the card leave.
class RemoteProgram
{
public:
    explicit RemoteProgram(const QString& socket);
    ~RemoteProgram();

    bool waitForCard();
    void verifyPinInBackground(const char* pin);
    bool waitForReply(int timeoutMs = 20000);

    wire::RelayStatus status() const
    {
        return m_reply.status;
    }

    // From the local channel's snapshots: whether a status without the card was ever seen since waitForCard(),
    // and the card generation then (it changes with every insertion).
    bool sawCardLeave();
    std::uint32_t generation();

private:
    local::LocalChannelClient m_client;
    std::unique_ptr<QThread> m_thread;
    local::LocalChannelClient::Reply m_reply;
    std::atomic_bool m_done{false};
    std::atomic_bool m_sawCard{false};
    std::atomic_bool m_sawLeave{false};
};

} // namespace sra::test
