#include "support/InProcessSrad.h"

#include "core/license/License.h"
#include "core/license/LicenseIssuer.h"
#include "core/remote/PairingStore.h"
#include "core/remote/TlsIdentity.h"
#include "remote-service/SradService.h"

#include <QCryptographicHash>
#include <QDate>
#include <QFile>
#include <QHostAddress>
#include <QTest>

#include <string>

namespace sra::test {

InProcessSrad::InProcessSrad() = default;

InProcessSrad::~InProcessSrad() = default;

core::SradConfig sradTestConfig(const QString& dir)
{
    core::SradConfig config;
    config.paths.root = dir;
    config.certificateFile = dir + QStringLiteral("/identity.crt");
    config.keyFile = dir + QStringLiteral("/identity.key");
    config.licenseDir = dir;
    config.pairingsFile = dir + QStringLiteral("/pairings.json");
    config.relaySocket = dir + QStringLiteral("/local.sock");
    config.listen = {QHostAddress(QHostAddress::LocalHost)};
    config.port = 0;
    config.enabled = true;
    return config;
}

bool writeTestLicense(const QString& file, QString& error)
{
    QFile key(qEnvironmentVariable("SRA_SOURCE_DIR") + QStringLiteral("/tests/data/license/test-license-key.pem"));
    if (!key.open(QIODevice::ReadOnly)) {
        error = QStringLiteral("cannot read the test license key (is SRA_SOURCE_DIR set?)");
        return false;
    }
    core::License license;
    license.format = 1;
    license.product = core::licenseProductName();
    license.id = QStringLiteral("unit-test");
    license.licensee = QStringLiteral("SRA unit tests");
    license.seats = 1;
    license.issued = QDate::currentDate().addDays(-1);
    license.expires = QDate::currentDate().addDays(30);
    const QByteArray text = core::issueLicense(license, key.readAll(), &error);
    QFile out(file);
    if (text.isEmpty() || !out.open(QIODevice::WriteOnly) || out.write(text) != text.size()) {
        error = QStringLiteral("cannot write the license %1: %2").arg(file, error);
        return false;
    }
    return true;
}

bool InProcessSrad::start(const QString& dir, const QSslCertificate& pairedCard, const Options& options, QString& error)
{
    core::SradConfig config = sradTestConfig(dir);
    config.resumeGraceMs = options.resumeGraceMs;
    if (!options.screenDisplay.isEmpty()) {
        config.screenBackend = QStringLiteral("x11vnc");
        config.screenDisplay = options.screenDisplay;
    }
    if (!sra::core::TlsIdentity::generateSelfSigned(
            QStringLiteral("localhost"), config.certificateFile, config.keyFile, error)) {
        return false;
    }
    if (!writeTestLicense(dir + QStringLiteral("/unit.sralic"), error)) {
        return false;
    }
    sra::core::PairingStore pairings;
    if (!pairedCard.isNull()) {
        pairings.pair(QStringLiteral("root"), pairedCard);
    }
    if (!pairings.save(config.pairingsFile, error)) {
        return false;
    }
    m_socket = config.relaySocket;
    m_service = std::make_unique<sra::srad::SradService>(config);
    return m_service->start(error);
}

void InProcessSrad::stop()
{
    m_service.reset();
}

quint16 InProcessSrad::port() const
{
    return m_service ? m_service->boundPorts().value(0) : 0;
}

QString InProcessSrad::target() const
{
    return QStringLiteral("127.0.0.1:%1").arg(port());
}

QByteArray InProcessSrad::fingerprint() const
{
    return m_service->identity().certificate.digest(QCryptographicHash::Sha256);
}

RemoteProgram::RemoteProgram(const QString& socket)
    : m_client(local::LocalChannelClient::Options{
        socket.toStdString(), wire::LocalRole::Pkcs11Module, "test-program", std::chrono::milliseconds(40000)})
{
    // Called on the client's reader thread.
    m_client.setStatusCallback([this](const local::CardSnapshot& snapshot) {
        if (snapshot.present) {
            m_sawCard = true;
        } else if (m_sawCard) {
            m_sawLeave = true;
        }
    });
    m_client.start();
}

RemoteProgram::~RemoteProgram()
{
    if (m_thread) {
        m_thread->wait();
    }
}

bool RemoteProgram::waitForCard()
{
    return QTest::qWaitFor(
        [&] {
            const auto snapshot = m_client.snapshot();
            return snapshot && snapshot->present;
        },
        10000);
}

void RemoteProgram::verifyPinInBackground(const char* pin)
{
    m_done = false;
    m_thread.reset(QThread::create([this, text = std::string(pin)] { // the caller's string may be gone by then
        m_reply = m_client.verifyPin(base::view(text));
        m_done = true;
    }));
    m_thread->start();
}

bool RemoteProgram::waitForReply(int timeoutMs)
{
    return QTest::qWaitFor([&] { return m_done.load(); }, timeoutMs);
}

bool RemoteProgram::sawCardLeave()
{
    return m_sawLeave.load();
}

std::uint32_t RemoteProgram::generation()
{
    const auto snapshot = m_client.snapshot();
    return snapshot ? snapshot->generation : 0;
}

} // namespace sra::test
