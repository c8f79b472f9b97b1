#include "remote-service/LoginPolicy.h"

#include "core/net/QtBytes.h"
#include "core/piv/InsertedCard.h"
#include "core/remote/ConnectedAdmins.h"
#include "core/remote/SmartcardLogin.h"
#include "remote-service/CardRelay.h"
#include "remote-service/ServerSession.h"
#include "remote-service/SradLogging.h"
#include "remote-service/SradService.h"

#include <QDateTime>
#include <QProcess>
#include <QTimer>

namespace sra::srad {

namespace {
constexpr int kCommandTimeoutMs = 30000;

// The PIV Authentication certificate (slot 9A) among the inserted objects; null when absent or unreadable.
QSslCertificate pivAuthenticationCertificate(const piv::InsertedCard& card)
{
    const base::Bytes* object = card.object(piv::PivObject::PivAuthenticationCertificate);
    if (!object) {
        return QSslCertificate();
    }
    const auto der = piv::decodeCertificateObject(*object);
    if (!der) {
        return QSslCertificate();
    }
    return QSslCertificate(core::toQByteArray(der.value()), QSsl::Der);
}
} // namespace

LoginPolicy::LoginPolicy(SradService* service, CardRelay* relay)
    : QObject(service)
    , m_service(service)
{
    connect(relay, &CardRelay::cardInserted, this, &LoginPolicy::onCardInserted);
    connect(relay, &CardRelay::cardRemoved, this, &LoginPolicy::onCardRemoved);
    // Records of a previous srad (a crash leaves them) name admins who are gone.
    core::ConnectedAdmins(m_service->config().paths).clear();
}

LoginPolicy::~LoginPolicy() = default;

void LoginPolicy::adminSignedIn(const ServerSession* session, const QSslCertificate& certificate)
{
    core::ConnectedAdmin admin;
    admin.sessionId = session->sessionId();
    admin.account = session->account();
    admin.peer = session->describePeer();
    admin.since = QDateTime::currentDateTimeUtc();
    admin.certificate = certificate;
    QString error;
    if (!core::ConnectedAdmins(m_service->config().paths).record(admin, error)) {
        // Only `sra-setup pair --from-session` needs it; the session goes on.
        qCWarning(lcService).noquote() << "cannot record the signed-in admin:" << error;
    }
}

void LoginPolicy::adminLeft(const ServerSession* session)
{
    core::ConnectedAdmins(m_service->config().paths).forget(session->sessionId());
}

void LoginPolicy::onCardInserted(CardOwner* owner, const piv::InsertedCard& card)
{
    const core::LoginAdvice advice =
        core::SmartcardLogin(m_service->config()).adviseFor(pivAuthenticationCertificate(card));
    m_cardAccount = advice.account;
    if (advice.account.isEmpty()) {
        qCInfo(lcAudit).noquote() << "the inserted card logs in as no account here:" << advice.reason;
    } else {
        qCInfo(lcAudit).noquote() << "the inserted card logs in as" << advice.account << "(" << advice.reason << ")";
    }
    wire::Message message(wire::MessageType::CardLogin);
    if (!advice.account.isEmpty()) {
        message.set(wire::Field::Account, advice.account.toStdString());
    }
    message.set(wire::Field::Reason, advice.reason.left(1000).toStdString());
    owner->sendToAdmin(message);
}

void LoginPolicy::onCardRemoved(const QString& reason)
{
    const QString account = m_cardAccount;
    m_cardAccount.clear();
    const core::SradConfig& config = m_service->config();
    if (config.loginRemovalPolicy == QLatin1String("lock")) {
        run(QStringLiteral("lock (card removed: %1)").arg(reason), config.loginLockCommand);
    } else if (config.loginRemovalPolicy == QLatin1String("logout")) {
        if (config.loginLogoutCommand.contains(QLatin1String("%u")) && account.isEmpty()) {
            qCInfo(lcAudit).noquote() << "card removed (" << reason
                                      << "): removal policy logout, but the card logged in as no account here";
            return;
        }
        QString command = config.loginLogoutCommand;
        // The account is a checked name ([A-Za-z0-9_.-]), so it cannot add words or quotes to the command.
        command.replace(QLatin1String("%u"), account);
        run(QStringLiteral("log out %1 (card removed: %2)").arg(account, reason), command);
    }
}

void LoginPolicy::run(const QString& what, const QString& command)
{
    QStringList arguments = QProcess::splitCommand(command);
    if (arguments.isEmpty()) {
        return;
    }
    const QString program = arguments.takeFirst();
    auto* process = new QProcess(this);
    process->setProcessChannelMode(QProcess::MergedChannels);
    process->setStandardInputFile(QProcess::nullDevice());
    auto* timeout = new QTimer(process);
    timeout->setSingleShot(true);
    connect(timeout, &QTimer::timeout, process, [process, what] {
        qCWarning(lcAudit).noquote() << "removal policy:" << what << "did not finish within" << kCommandTimeoutMs / 1000
                                     << "s; killed";
        process->kill();
    });
    connect(process, &QProcess::finished, this, [process, what](int code, QProcess::ExitStatus status) {
        const QString output = QString::fromUtf8(process->readAll().left(500)).trimmed();
        if (status == QProcess::NormalExit && code == 0) {
            qCInfo(lcAudit).noquote() << "removal policy:" << what << "done";
        } else {
            qCWarning(lcAudit).noquote() << "removal policy:" << what << "failed, exit" << code << output;
        }
        process->deleteLater();
    });
    connect(process, &QProcess::errorOccurred, this, [process, what, program](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            qCWarning(lcAudit).noquote() << "removal policy:" << what << ": cannot run" << program
                                         << "; check [login] in srad.conf";
            process->deleteLater();
        }
    });
    qCInfo(lcAudit).noquote() << "removal policy:" << what << ": running" << command;
    process->start(program, arguments);
    timeout->start(kCommandTimeoutMs);
}

} // namespace sra::srad
