#pragma once

#include <QObject>
#include <QSslCertificate>
#include <QString>

namespace sra::piv {
struct InsertedCard;
}

namespace sra::srad {

class CardOwner;
class CardRelay;
class ServerSession;
class SradService;

// What the relayed card means for logging in on this machine (docs/LOGIN.md):
//  - after Insert card, tells the admin which account the card logs in as here, or why none (CardLogin), from
//    the same mapping pam_pkcs11 uses (core::SmartcardLogin);
//  - when the card leaves the remote (removed, pulled, session ended, replaced), applies [login]
//    removal_policy: runs lock_command or logout_command at once, without a shell, %u = the card's account;
//  - keeps the list of signed-in admins (core::ConnectedAdmins) for `sra-setup pair --from-session`.
// It reads srad's configuration when each event happens, so a reloaded srad.conf applies from the next one.
class LoginPolicy : public QObject
{
    Q_OBJECT

public:
    LoginPolicy(SradService* service, CardRelay* relay);
    ~LoginPolicy() override;

    void adminSignedIn(const ServerSession* session, const QSslCertificate& certificate);
    void adminLeft(const ServerSession* session);

private:
    void onCardInserted(CardOwner* owner, const piv::InsertedCard& card);
    void onCardRemoved(const QString& reason);
    void run(const QString& what, const QString& command);

    SradService* m_service;
    QString m_cardAccount; // the account the inserted card logs in as ("" when none or no card)
};

} // namespace sra::srad
