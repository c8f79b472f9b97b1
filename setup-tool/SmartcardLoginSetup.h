#pragma once

#include "core/config/SradConfig.h"
#include "core/remote/SmartcardLogin.h"

#include <QString>
#include <QStringList>

namespace sra::srad {

struct SmartcardLoginOptions
{
    QString backend = QStringLiteral("sra"); // "sra": our PKCS#11 module; "opensc": OpenSC's over our reader
    QString pkcs11Module;                    // empty: the backend's installed module
    QString pamDir;                          // empty: <root>/etc/pam.d
    QStringList services;                    // empty: the display manager's, console and screen-locker services present
};

// sra-setup smartcard-login enable|disable|status: pam_pkcs11 for the relayed card in the PAM services the
// administrator chooses. What it changes is kept in SmartcardLoginState, so disable restores each file byte for
// byte. Prints like SetupTool: results on stdout, each error as "sra-setup: <sentence>" on stderr.
class SmartcardLoginSetup
{
public:
    SmartcardLoginSetup(const core::SradConfig& config, const SmartcardLoginOptions& options);

    int enable();
    int disable();
    int status();

    // The services enable picks without --service (sudo only when named).
    static QStringList defaultServices();

private:
    QString pamDir() const;
    QString resolveModule(QString& error) const;
    bool enableService(const QString& service, core::SmartcardLoginState& state, QString& error);
    bool disableService(const core::SmartcardLoginService& entry, QString& error);
    int fail(const QString& message, int code = 2) const;
    void say(const QString& message) const;

    core::SradConfig m_config;
    SmartcardLoginOptions m_options;
    core::SmartcardLogin m_login;
};

} // namespace sra::srad
