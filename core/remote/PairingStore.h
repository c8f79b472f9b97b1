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
    QByteArray publicKeySha256; // raw 32 bytes
    QString subject;            // for listing only
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
    QString pattern; // a regular expression matched against the whole attribute value
    QString account; // the account; \1..\9 are replaced by the pattern's capture groups
};

struct AccountMatch
{
    QString account;
    QString how; // "public key" or "rule N (email)" — for logs and the admin's feedback
};

// pairings.json: {"version":1, "keys":[{"account","spki_sha256" (hex),"subject","added"}],
//                 "rules":[{"attribute":"cn|upn|email","pattern","account"}]}
class PairingStore
{
public:
    // Missing file: empty store. A damaged file (or one over 1 MiB): false with a sentence naming the file and
    // the entry. Every member is checked: version 1, types, 64-hex spki_sha256 (each key once), valid account
    // names, attribute names, patterns that compile, \N only for groups the pattern has. Unknown members are
    // errors, so that a typo cannot silently drop a restriction.
    static bool load(const QString& file, PairingStore& out, QString& error);
    bool save(const QString& file, QString& error) const; // atomic, mode 0644 (holds no secrets)

    // The same checks on bytes already read (the fuzz target's entry point), and the bytes save() writes.
    static bool parse(const QByteArray& json, PairingStore& out, QString& error);
    QByteArray toJson() const;

    // POSIX-portable account names as srad accepts them: 1 to 32 characters from [A-Za-z0-9_.-], the first a
    // letter or '_' (so never "-x", ".", ".." or all digits).
    static bool isValidAccountName(const QString& account);
    // Whether a rule can be stored: the pattern compiles, and the account is a valid name once each \N
    // (N from 1 to the pattern's group count) is replaced. False with a sentence.
    static bool checkRule(const AttributeRule& rule, QString& error);
    // "cn", "upn", "email" and back (nullopt for anything else).
    static QString attributeName(MappedAttribute attribute);
    static std::optional<MappedAttribute> attributeFromName(const QString& name);

    static QByteArray publicKeySha256(const QSslCertificate& certificate);

    // Pair a certificate's key with an account (replacing an earlier pairing of the same key).
    void pair(const QString& account, const QSslCertificate& certificate);
    // Remove the pairings of an account (all its keys) or of one certificate; returns how many went.
    int unpairAccount(const QString& account);
    int unpairCertificate(const QSslCertificate& certificate);
    // Appends a rule (check it with checkRule first: a rule that does not pass never matches).
    void addRule(const AttributeRule& rule);
    bool removeRule(int index); // 0-based; false when out of range

    // Key pairings first, then (when applyRules) the rules in order; a rule whose account, after substituting
    // the captures, is not a valid account name does not match. Attribute values are only as trustworthy as
    // their issuer: srad must pass applyRules = false unless the certificate chained to the configured CA
    // bundle, or anybody could make a certificate with CN=alice. `how` numbers rules from 1.
    std::optional<AccountMatch> match(const QSslCertificate& certificate, bool applyRules = true) const;

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

// The attribute's value in a certificate ("" when absent, or when it holds a NUL character): the first
// CN, the first UPN otherName (UTF8String), the first rfc822Name else the first subject emailAddress.
QString certificateAttribute(const QSslCertificate& certificate, MappedAttribute attribute);

} // namespace sra::core
