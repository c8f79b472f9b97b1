#include "VncPasswordStore.h"

#include "VncLogging.h"
#include "core/base/Bytes.h"

#include <qt6keychain/keychain.h>

namespace sra::gui {

namespace {

// Read to learn whether a keychain answers; no value is ever stored under it.
const QString kProbeKey = QStringLiteral("vnc:availability-check");

} // namespace

VncPasswordStore::VncPasswordStore(QObject* parent)
    : QObject(parent)
{}

QString VncPasswordStore::serviceName()
{
    return QStringLiteral("secure-remote-access");
}

QString VncPasswordStore::keyFor(const QString& host, quint16 port)
{
    QString name = host.trimmed().toLower();
    if (name.contains(QLatin1Char(':')) && !name.startsWith(QLatin1Char('['))) {
        name = QLatin1Char('[') + name + QLatin1Char(']'); // an IPv6 address: keep the port separable
    }
    return QStringLiteral("vnc:%1:%2").arg(name).arg(port);
}

bool VncPasswordStore::handleResult(QKeychain::Job* job)
{
    const QKeychain::Error error = job->error();
    if (error == QKeychain::NoError || error == QKeychain::EntryNotFound) {
        if (m_availability != Availability::Available) {
            m_availability = Availability::Available;
            Q_EMIT availabilityChanged(m_availability);
        }
        return true;
    }
    QString message;
    switch (error) {
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        message = tr("The system keychain refused access: %1").arg(job->errorString());
        break;
    default:
        // No backend, no Secret Service on the bus, or it failed: treated alike, there is nowhere safe
        // to keep the password.
        message = tr("The system keychain is not available: %1").arg(job->errorString());
        if (m_availability != Availability::Unavailable) {
            m_availability = Availability::Unavailable;
            Q_EMIT availabilityChanged(m_availability);
        }
        break;
    }
    qCInfo(lcVnc).noquote() << "keychain" << job->key() << "failed:" << job->errorString();
    Q_EMIT failed(job->key(), message);
    return false;
}

void VncPasswordStore::checkAvailability()
{
    auto* job = new QKeychain::ReadPasswordJob(serviceName(), this);
    job->setInsecureFallback(false);
    job->setKey(kProbeKey);
    connect(job, &QKeychain::Job::finished, this, [this](QKeychain::Job* done) { handleResult(done); });
    job->start();
}

void VncPasswordStore::read(const QString& host, quint16 port)
{
    auto* job = new QKeychain::ReadPasswordJob(serviceName(), this); // deletes itself after finished
    job->setInsecureFallback(false);
    job->setKey(keyFor(host, port));
    connect(job, &QKeychain::Job::finished, this, [this, job](QKeychain::Job*) {
        if (!handleResult(job)) {
            return;
        }
        const bool found = job->error() == QKeychain::NoError;
        QByteArray password = found ? job->binaryData() : QByteArray();
        Q_EMIT readFinished(job->key(), password, found);
        base::secureZero(password.data(), static_cast<std::size_t>(password.size()));
    });
    job->start();
}

void VncPasswordStore::store(const QString& host, quint16 port, const QByteArray& password)
{
    auto* job = new QKeychain::WritePasswordJob(serviceName(), this);
    job->setInsecureFallback(false);
    job->setKey(keyFor(host, port));
    job->setBinaryData(password);
    connect(job, &QKeychain::Job::finished, this, [this](QKeychain::Job* done) {
        if (handleResult(done)) {
            Q_EMIT storeFinished(done->key());
        }
    });
    job->start();
}

void VncPasswordStore::remove(const QString& host, quint16 port)
{
    auto* job = new QKeychain::DeletePasswordJob(serviceName(), this);
    job->setInsecureFallback(false);
    job->setKey(keyFor(host, port));
    connect(job, &QKeychain::Job::finished, this, [this](QKeychain::Job* done) {
        if (handleResult(done)) {
            Q_EMIT removeFinished(done->key());
        }
    });
    job->start();
}

} // namespace sra::gui
