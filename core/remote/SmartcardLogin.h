#pragma once

#include "core/config/SradConfig.h"
#include "core/remote/PairingStore.h"
#include "core/remote/SmartcardLoginState.h"

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QString>

#include <optional>

namespace sra::core {

// Which account a card logs in as on this machine, or why none (srad tells the admin after Insert card).
struct LoginAdvice
{
    QString account; // empty: none
    QString reason;  // English sentence: why none, or which PAM services accept the card
};

// The files of smart-card login (PAM, pam_pkcs11) under the configuration directory, shared by sra-setup
// (which writes them) and srad (which reads them to tell the admin which account the inserted card logs in as).
//
// One pairing for both uses: pairings.json pairs public keys (SHA-256 of the SubjectPublicKeyInfo), while
// pam_pkcs11's digest mapper hashes the whole certificate. So `sra-setup pair` also keeps the paired
// certificate (paired-certificates/<sha256 of the certificate>.pem), and the mapper's file is generated from
// the kept certificates that pairings.json maps to an account, every time a pairing changes. A renewed
// certificate with the same key therefore still opens an SRA session but logs in only once it is kept too
// (`sra-setup pair --from-session` while the admin is connected with it). docs/LOGIN.md has the whole story.
class SmartcardLogin
{
public:
    explicit SmartcardLogin(const SradConfig& config);

    QString directory() const;       // <configDir>/smartcard-login
    QString pamConfigFile() const;   // <directory>/pam_pkcs11.conf
    QString mapFile() const;         // <directory>/digest_mapping
    QString stateFile() const;       // <directory>/state.json
    QString certificatesDir() const; // <configDir>/paired-certificates

    // Kept certificates (PEM files named by the certificate's SHA-256).
    bool keepCertificate(const QSslCertificate& certificate, QString& error) const;
    QList<QSslCertificate> keptCertificates() const;
    // Deletes the kept certificates that no pairing maps to an account any more; returns how many.
    int forgetUnpaired(const PairingStore& store) const;

    // "AA:BB:…(32 bytes) -> account" per kept certificate that maps to an account, sorted, with a header.
    QByteArray mapfileText(const PairingStore& store) const;
    // Rewrites the mapper's file from the pairings (mode 0644, atomic). Only when smart-card login is enabled.
    bool refreshMapfile(const PairingStore& store, QString& error) const;
    // The account of a certificate SHA-256 in a mapper file's text (the first line that names it).
    static std::optional<QString> lookup(const QByteArray& mapfile, const QByteArray& certificateSha256);
    static QString digestText(const QByteArray& sha256); // upper-case hex pairs joined by ':'

    // pam_pkcs11's configuration: the PKCS#11 module, signature check of the card's key, the digest mapper.
    static QByteArray pamPkcs11Config(const QString& module, const QString& description, const QString& mapfile);

    // state.json: exists = false and true when there is none (never enabled, or disabled).
    bool loadState(SmartcardLoginState& state, bool& exists, QString& error) const;
    bool saveState(const SmartcardLoginState& state, QString& error) const;
    bool removeState(QString& error) const;

    // For srad: which account the card whose PIV Authentication certificate this is logs in as.
    LoginAdvice adviseFor(const QSslCertificate& pivAuthentication) const;

private:
    bool rulesApply(const QSslCertificate& certificate) const;

    SradConfig m_config;
};

} // namespace sra::core
