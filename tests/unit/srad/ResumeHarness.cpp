#include "ResumeHarness.h"

#include "core/remote/PairingStore.h"
#include "core/remote/TlsIdentity.h"
#include "remote-service/SradService.h"
#include "softcard/SoftCard.h"
#include "support/InProcessSrad.h"
#include "support/RawSradClient.h"

#include <QDir>
#include <QTest>

namespace sra::test {

namespace {
std::mutex g_logMutex;
QStringList g_log;
QtMessageHandler g_previous = nullptr;

void capture(QtMsgType type, const QMessageLogContext& context, const QString& text)
{
    {
        const std::lock_guard lock(g_logMutex);
        g_log << QString::fromLatin1(context.category ? context.category : "default") + QStringLiteral(": ") + text;
    }
    // Qt Test's own output (and warnings) still go where they went.
    if (!context.category || qstrncmp(context.category, "sra.", 4) != 0 || type >= QtWarningMsg) {
        if (g_previous) {
            g_previous(type, context, text);
        }
    }
}
} // namespace

void LogCapture::install()
{
    g_previous = qInstallMessageHandler(capture);
}

void LogCapture::clear()
{
    const std::lock_guard lock(g_logMutex);
    g_log.clear();
}

QStringList LogCapture::lines()
{
    const std::lock_guard lock(g_logMutex);
    return g_log;
}

bool LogCapture::contains(const QString& text)
{
    return lines().join(u'\n').contains(text);
}

bool LogCapture::waitFor(const QString& text, int timeoutMs)
{
    return QTest::qWaitFor([&] { return contains(text); }, timeoutMs);
}

SradThread::~SradThread()
{
    if (m_context) {
        QMetaObject::invokeMethod(
            m_context,
            [this] {
                delete m_service;
                m_service = nullptr;
            },
            Qt::BlockingQueuedConnection);
        QMetaObject::invokeMethod(
            m_context, [this] { delete m_context; }, Qt::BlockingQueuedConnection);
    }
    m_thread.quit();
    m_thread.wait();
}

bool SradThread::start(const core::SradConfig& config, QString& error)
{
    m_thread.start();
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    bool started = false;
    QMetaObject::invokeMethod(
        m_context,
        [&] {
            m_service = new srad::SradService(config);
            started = m_service->start(error);
            m_port = started ? m_service->boundPorts().value(0) : 0;
        },
        Qt::BlockingQueuedConnection);
    return started;
}

void SradThread::run(const std::function<void(srad::SradService&)>& work)
{
    QMetaObject::invokeMethod(
        m_context, [&] { work(*m_service); }, Qt::BlockingQueuedConnection);
}

bool ResumeFixture::create(const QString& dir, QString& error)
{
    m_dir = dir;
    m_card = dir + QStringLiteral("/card");
    softcard::CreateOptions fast; // P-256: generated in milliseconds
    fast.algorithm = piv::PivAlgorithm::EccP256;
    error = softcard::SoftCard::create(m_card, fast);
    if (!error.isEmpty()) {
        return false;
    }
    if (!core::TlsIdentity::generateSelfSigned(QStringLiteral("localhost"),
                                               dir + QStringLiteral("/identity.crt"),
                                               dir + QStringLiteral("/identity.key"),
                                               error)) {
        return false;
    }
    QDir().mkpath(dir + QStringLiteral("/license"));
    QDir().mkpath(dir + QStringLiteral("/no-license"));
    if (!writeTestLicense(dir + QStringLiteral("/license/unit.sralic"), error)) {
        return false;
    }
    return writePairings(true, error);
}

core::SradConfig ResumeFixture::config(bool licensed) const
{
    core::SradConfig config = sradTestConfig(m_dir);
    config.licenseDir = m_dir + (licensed ? QStringLiteral("/license") : QStringLiteral("/no-license"));
    return config;
}

bool ResumeFixture::writePairings(bool paired, QString& error) const
{
    core::PairingStore pairings;
    if (paired) {
        pairings.pair(QStringLiteral("root"), RawSradClient::loadCertificate(certificate()));
    }
    return pairings.save(m_dir + QStringLiteral("/pairings.json"), error);
}

CardWatcher::CardWatcher(const QString& socket)
    : m_client(local::LocalChannelClient::Options{
        socket.toStdString(), wire::LocalRole::Pkcs11Module, "unit-test-program", std::chrono::milliseconds(20000)})
{
    m_client.setStatusCallback([this](const local::CardSnapshot& snapshot) {
        const std::lock_guard lock(m_mutex);
        m_seen.push_back(snapshot);
    });
    m_client.start();
}

CardWatcher::~CardWatcher()
{
    m_client.stop(); // before the members its callback uses go
}

bool CardWatcher::waitPresent(int timeoutMs) const
{
    return QTest::qWaitFor(
        [&] {
            const auto snapshot = m_client.snapshot();
            return snapshot && snapshot->present;
        },
        timeoutMs);
}

bool CardWatcher::waitAbsent(int timeoutMs) const
{
    return QTest::qWaitFor(
        [&] {
            const auto snapshot = m_client.snapshot();
            return snapshot && snapshot->connected && !snapshot->present;
        },
        timeoutMs);
}

bool CardWatcher::presentThroughout(std::size_t from, std::uint32_t generation) const
{
    const std::lock_guard lock(m_mutex);
    for (std::size_t i = from; i < m_seen.size(); ++i) {
        if (!m_seen[i].present || m_seen[i].generation != generation) {
            return false;
        }
    }
    return true;
}

std::size_t CardWatcher::seen() const
{
    const std::lock_guard lock(m_mutex);
    return m_seen.size();
}

std::uint32_t CardWatcher::generation() const
{
    const auto snapshot = m_client.snapshot();
    return snapshot ? snapshot->generation : 0;
}

} // namespace sra::test
