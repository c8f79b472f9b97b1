#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QSslCertificate>
#include <QString>

#include <optional>

namespace sra::core {

// Which account on this machine an admin certificate logs in as. Two kinds of entries, as in macOS's
// SmartCardServices: a pairing of one certificate's public key (SHA-256 over its SubjectPublicKeyInfo DER)
// with an account, and attribute rules that map a certificate attribute to an account by pattern.
// Public-key pairings win over rules; rules are tried in order; the first match decides.
struct KeyPairing
{
    QString account;
    QByteArray publicKeySha256;   // raw 32 bytes
    QString subject;              // for listing only
    QDateTime added;
};

enum class MappedAttribute
{
    CommonName,        // subject CN
    UserPrincipalName, // SAN otherName 1.3.6.1.4.1.311.20.2.3 (UPN)
    Email,             // SAN rfc822Name, else subject emailAddress
};

struct AttributeRule
{
    MappedAttribute attribute = MappedAttribute::CommonName;
    QString pattern;   // a regular expression matched against the whole attribute value
    QString account;   // the account; \1..\9 are replaced by the pattern's capture groups
};

struct AccountMatch
{
    QString account;
    QString how;   // "public key" or "rule N (email)" — for logs and the admin's feedback
};

// pairings.json: {"version":1, "keys":[{"account","spki_sha256" (hex),"subject","added"}],
//                 "rules":[{"attribute":"cn|upn|email","pattern","account"}]}
class PairingStore
{
public:
    // Missing file: empty store. A damaged file: false with a sentence.
    static bool load(const QString& file, PairingStore& out, QString& error);
    bool save(const QString& file, QString& error) const;   // atomic, mode 0644 (holds no secrets)

    static QByteArray publicKeySha256(const QSslCertificate& certificate);

    // Pair a certificate's key with an account (replacing an earlier pairing of the same key).
    void pair(const QString& account, const QSslCertificate& certificate);
    // Remove the pairings of an account (all its keys) or of one certificate; returns how many went.
    int unpairAccount(const QString& account);
    int unpairCertificate(const QSslCertificate& certificate);
    void addRule(const AttributeRule& rule);
    bool removeRule(int index);

    std::optional<AccountMatch> match(const QSslCertificate& certificate) const;

    const QList<KeyPairing>& keys() const
    {
        return m_keys;
    }

    const QList<AttributeRule>& rules() const
    {
        return m_rules;
    }

private:
    QList<KeyPairing> m_keys;
    QList<AttributeRule> m_rules;
};

// The attribute's value in a certificate ("" when absent).
QString certificateAttribute(const QSslCertificate& certificate, MappedAttribute attribute);

} // namespace sra::core
