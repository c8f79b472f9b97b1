#pragma once

#include "core/config/SradConfig.h"
#include "core/remote/PairingStore.h"

#include <QString>

namespace sra::srad {

// sra-setup's exit codes (documented in --help and docs/CONFIGURATION.md).
enum SetupExitCode
{
    kSetupOk = 0,
    kSetupUsage = 1,
    kSetupFailed = 2,
};

// How `pair` checks that the account exists on this machine.
struct AccountCheck
{
    bool allowUnknown = false; // --allow-unknown-user: no check
    QString passwdFile;        // --passwd FILE: look the name up in this passwd-format file
};

// The actions of sra-setup on the tree under SradPaths::root. Each action prints what it did to stdout and
// every error as one line "sra-setup: <sentence>" to stderr, and returns an exit code. srad.conf is read
// once by init(); each action that changes it writes it back, keeping the other settings.
class SetupTool
{
public:
    explicit SetupTool(const core::SradPaths& paths);

    int init();

    const core::SradConfig& config() const
    {
        return m_config;
    }

    int generateIdentity(const QString& hostName, bool force); // -g
    int useInstalledIdentity(const QString& fingerprint);      // -c FP
    int prepareScreenSharing(const QString& display,
                             const QString& backend); // -s (display empty: keep the configured one)
    int activate();                                   // -a
    int deactivate();                                 // -d

    int pair(const QString& account, const QString& certificateFile, const AccountCheck& check);
    // pair --from-session: the certificate of the admin signed in to srad now (sessionId empty: the only one).
    int pairFromSession(const QString& account, const QString& sessionId, const AccountCheck& check);
    int unpairAccount(const QString& account);
    int unpairCertificate(const QString& certificateFile);
    int list();
    int addRule(const QString& attribute, const QString& pattern, const QString& account);
    int removeRule(const QString& number);
    int installLicense(const QString& file); // license install FILE: verify, then copy into the license directory
    int showLicense();                       // license show: this machine's verdict

private:
    int fail(const QString& message, int code = kSetupFailed) const;
    void say(const QString& message) const;
    bool saveConfig(QString& error);
    bool makeDirectory(const QString& dir, bool privateToRoot, QString& error) const;
    bool shareKeyWithService(const QString& key, QString& error) const;
    bool loadPairings(core::PairingStore& store, QString& error) const;
    bool savePairings(const core::PairingStore& store, QString& error) const;
    bool accountExists(const QString& account, const AccountCheck& check, QString& error) const;
    // Runs `systemctl <verb> --now srad.service` where systemd manages this root; otherwise says how to go on.
    int serviceControl(const QString& verb);
    void noteRulesWithoutCa() const;
    int checkAccountName(const QString& account) const; // kSetupOk, or kSetupUsage after saying why
    int pairCertificate(const QString& account,
                        const QSslCertificate& certificate,
                        const QString& source,
                        const AccountCheck& check);
    // Keeps a newly paired certificate and regenerates smart-card login's mapping (false: said why).
    bool updateLoginMapping(const core::PairingStore& store, const QSslCertificate* paired);

    core::SradPaths m_paths;
    core::SradConfig m_config;
};

} // namespace sra::srad
