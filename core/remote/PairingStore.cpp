#include "core/remote/PairingStore.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStringDecoder>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace sra::core {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("sra::core::PairingStore", text);
}

constexpr qint64 kMaxFileSize = 1024 * 1024;
constexpr qsizetype kMaxSubject = 4096;
constexpr qsizetype kMaxPattern = 1024;
constexpr int kMaxAccountLength = 32;
const char kUpnOid[] = "1.3.6.1.4.1.311.20.2.3";

struct X509Free
{
    void operator()(X509* p) const
    {
        X509_free(p);
    }

    void operator()(GENERAL_NAMES* p) const
    {
        GENERAL_NAMES_free(p);
    }

    void operator()(BIO* p) const
    {
        BIO_free(p);
    }
};

// A certificate string value as text; empty when it is not clean UTF-8 or holds a NUL (which could make one
// name look like another).
QString asn1Text(const ASN1_STRING* value)
{
    if (!value) {
        return {};
    }
    const auto* data = reinterpret_cast<const char*>(ASN1_STRING_get0_data(value));
    const QByteArray bytes(data, ASN1_STRING_length(value));
    if (bytes.contains('\0')) {
        return {};
    }
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder(bytes);
    return decoder.hasError() ? QString() : text;
}

QString cleanText(const QString& text)
{
    return text.contains(QChar(0)) ? QString() : text;
}

// The first SAN entry of `type` (and for otherName, of the UPN type) as text.
QString subjectAltName(const QSslCertificate& certificate, int type)
{
    const QByteArray der = certificate.toDer();
    const auto* p = reinterpret_cast<const unsigned char*>(der.constData());
    std::unique_ptr<X509, X509Free> x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!x509) {
        return {};
    }
    std::unique_ptr<GENERAL_NAMES, X509Free> names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x509.get(), NID_subject_alt_name, nullptr, nullptr)));
    if (!names) {
        return {};
    }
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
        if (name->type != type) {
            continue;
        }
        if (type == GEN_EMAIL) {
            return asn1Text(name->d.rfc822Name);
        }
        if (type == GEN_OTHERNAME) {
            const OTHERNAME* other = name->d.otherName;
            char oid[64];
            if (OBJ_obj2txt(oid, sizeof oid, other->type_id, 1) <= 0 || qstrcmp(oid, kUpnOid) != 0) {
                continue;
            }
            if (!other->value || other->value->type != V_ASN1_UTF8STRING) {
                continue;
            }
            return asn1Text(other->value->value.utf8string);
        }
    }
    return {};
}

// The subject as one RFC 2253 line ("CN=alice,O=Example"), for listings.
QString subjectText(const QSslCertificate& certificate)
{
    const QByteArray der = certificate.toDer();
    const auto* p = reinterpret_cast<const unsigned char*>(der.constData());
    std::unique_ptr<X509, X509Free> x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    std::unique_ptr<BIO, X509Free> bio(BIO_new(BIO_s_mem()));
    if (!x509 || !bio
        || X509_NAME_print_ex(bio.get(), X509_get_subject_name(x509.get()), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB)
               < 0) {
        return certificate.subjectDisplayName();
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QString::fromUtf8(data, static_cast<qsizetype>(size)).left(kMaxSubject);
}

// The account a rule names for a match: \1..\9 replaced by the captures. Other backslashes stay (and make
// the name invalid).
QString substituteCaptures(const QString& account, const QRegularExpressionMatch& match)
{
    QString result;
    for (qsizetype i = 0; i < account.size(); ++i) {
        const QChar c = account.at(i);
        if (c == QLatin1Char('\\') && i + 1 < account.size() && account.at(i + 1) >= QLatin1Char('1')
            && account.at(i + 1) <= QLatin1Char('9')) {
            result += match.captured(account.at(i + 1).digitValue());
            ++i;
        } else {
            result += c;
        }
    }
    return result;
}

// The highest \N an account template refers to (0 when none).
int highestReference(const QString& account)
{
    int highest = 0;
    for (qsizetype i = 0; i + 1 < account.size(); ++i) {
        if (account.at(i) == QLatin1Char('\\') && account.at(i + 1) >= QLatin1Char('1')
            && account.at(i + 1) <= QLatin1Char('9')) {
            highest = std::max(highest, account.at(i + 1).digitValue());
        }
    }
    return highest;
}

// Checks that an object has only the allowed members; `where` names it in the sentence.
bool onlyMembers(const QJsonObject& object, const QStringList& allowed, const QString& where, QString& error)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!allowed.contains(it.key())) {
            error = tr("%1 has an unknown member \"%2\"; allowed are %3.")
                        .arg(where, it.key(), allowed.join(QStringLiteral(", ")));
            return false;
        }
    }
    return true;
}

bool stringMember(
    const QJsonObject& object, const QString& name, bool required, const QString& where, QString& out, QString& error)
{
    const QJsonValue value = object.value(name);
    if (value.isUndefined() && !required) {
        out.clear();
        return true;
    }
    if (!value.isString()) {
        error = required && value.isUndefined() ? tr("%1 lacks \"%2\"; add it.").arg(where, name)
                                                : tr("%1.%2 must be a string.").arg(where, name);
        return false;
    }
    out = value.toString();
    if (out.contains(QChar(0))) {
        error = tr("%1.%2 contains a NUL character; remove it.").arg(where, name);
        return false;
    }
    return true;
}

bool parseKey(const QJsonValue& value, const QString& where, KeyPairing& out, QString& error)
{
    static const QRegularExpression hex64(QStringLiteral("^[0-9A-Fa-f]{64}$"));
    if (!value.isObject()) {
        error = tr("%1 must be an object.").arg(where);
        return false;
    }
    const QJsonObject object = value.toObject();
    QString hash;
    QString added;
    if (!onlyMembers(object,
                     {QStringLiteral("account"),
                      QStringLiteral("spki_sha256"),
                      QStringLiteral("subject"),
                      QStringLiteral("added")},
                     where,
                     error)
        || !stringMember(object, QStringLiteral("account"), true, where, out.account, error)
        || !stringMember(object, QStringLiteral("spki_sha256"), true, where, hash, error)
        || !stringMember(object, QStringLiteral("subject"), false, where, out.subject, error)
        || !stringMember(object, QStringLiteral("added"), false, where, added, error)) {
        return false;
    }
    if (!PairingStore::isValidAccountName(out.account)) {
        error = tr("%1.account \"%2\" is not a valid account name; use 1 to 32 letters, digits, '_', '.' or '-', "
                   "starting with a letter or '_'.")
                    .arg(where, out.account);
        return false;
    }
    if (!hex64.match(hash).hasMatch()) {
        error = tr("%1.spki_sha256 must be 64 hexadecimal digits (SHA-256 of the public key); pair the certificate "
                   "again with sra-setup pair.")
                    .arg(where);
        return false;
    }
    out.publicKeySha256 = QByteArray::fromHex(hash.toLatin1());
    if (out.subject.size() > kMaxSubject) {
        error = tr("%1.subject is longer than %2 characters; shorten it.").arg(where).arg(kMaxSubject);
        return false;
    }
    out.added = QDateTime();
    if (!added.isEmpty()) {
        out.added = QDateTime::fromString(added, Qt::ISODate);
        if (!out.added.isValid()) {
            error = tr("%1.added \"%2\" is not an ISO 8601 date and time; write it like 2024-05-01T12:00:00Z.")
                        .arg(where, added);
            return false;
        }
        out.added = out.added.toUTC();
    }
    return true;
}

bool parseRule(const QJsonValue& value, const QString& where, AttributeRule& out, QString& error)
{
    if (!value.isObject()) {
        error = tr("%1 must be an object.").arg(where);
        return false;
    }
    const QJsonObject object = value.toObject();
    QString attribute;
    if (!onlyMembers(
            object, {QStringLiteral("attribute"), QStringLiteral("pattern"), QStringLiteral("account")}, where, error)
        || !stringMember(object, QStringLiteral("attribute"), true, where, attribute, error)
        || !stringMember(object, QStringLiteral("pattern"), true, where, out.pattern, error)
        || !stringMember(object, QStringLiteral("account"), true, where, out.account, error)) {
        return false;
    }
    const auto mapped = PairingStore::attributeFromName(attribute);
    if (!mapped) {
        error = tr("%1.attribute \"%2\" is not cn, upn or email; use one of those.").arg(where, attribute);
        return false;
    }
    out.attribute = *mapped;
    QString problem;
    if (!PairingStore::checkRule(out, problem)) {
        error = tr("%1: %2").arg(where, problem);
        return false;
    }
    return true;
}

} // namespace

bool PairingStore::isValidAccountName(const QString& account)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z_][A-Za-z0-9_.-]*$"));
    return !account.isEmpty() && account.size() <= kMaxAccountLength && pattern.match(account).hasMatch();
}

QString PairingStore::attributeName(MappedAttribute attribute)
{
    switch (attribute) {
    case MappedAttribute::CommonName:
        return QStringLiteral("cn");
    case MappedAttribute::UserPrincipalName:
        return QStringLiteral("upn");
    case MappedAttribute::Email:
        return QStringLiteral("email");
    }
    return {};
}

std::optional<MappedAttribute> PairingStore::attributeFromName(const QString& name)
{
    for (MappedAttribute a :
         {MappedAttribute::CommonName, MappedAttribute::UserPrincipalName, MappedAttribute::Email}) {
        if (name == attributeName(a)) {
            return a;
        }
    }
    return std::nullopt;
}

bool PairingStore::checkRule(const AttributeRule& rule, QString& error)
{
    if (rule.pattern.isEmpty() || rule.pattern.size() > kMaxPattern) {
        error = tr("the pattern must have 1 to %1 characters; give a regular expression such as ^(.+)@example\\.com$.")
                    .arg(kMaxPattern);
        return false;
    }
    const QRegularExpression expression(rule.pattern);
    if (!expression.isValid()) {
        error = tr("the pattern \"%1\" is not a valid regular expression (%2 at offset %3); correct it.")
                    .arg(rule.pattern, expression.errorString())
                    .arg(expression.patternErrorOffset());
        return false;
    }
    const int highest = highestReference(rule.account);
    if (highest > expression.captureCount()) {
        error = tr("the account \"%1\" refers to group \\%2, but the pattern has %3 groups; add the group or fix the "
                   "reference.")
                    .arg(rule.account)
                    .arg(highest)
                    .arg(expression.captureCount());
        return false;
    }
    QString sample = rule.account;
    sample.replace(QRegularExpression(QStringLiteral("\\\\[1-9]")), QStringLiteral("a"));
    if (!isValidAccountName(sample)) {
        error = tr("the account \"%1\" is not a valid account name; use 1 to 32 letters, digits, '_', '.' or '-', "
                   "starting with a letter or '_' (\\1..\\9 for captured groups).")
                    .arg(rule.account);
        return false;
    }
    return true;
}

bool PairingStore::parse(const QByteArray& json, PairingStore& out, QString& error)
{
    if (json.size() > kMaxFileSize) {
        error = tr("the file is larger than 1 MiB; it cannot be a pairings file.");
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        error = tr("not valid JSON (%1 at offset %2); fix the file or restore it from a backup.")
                    .arg(parseError.errorString())
                    .arg(parseError.offset);
        return false;
    }
    if (!document.isObject()) {
        error = tr("the top level must be an object with version, keys and rules.");
        return false;
    }
    const QJsonObject root = document.object();
    if (!onlyMembers(root,
                     {QStringLiteral("version"), QStringLiteral("keys"), QStringLiteral("rules")},
                     tr("the top level"),
                     error)) {
        return false;
    }
    const QJsonValue version = root.value(QStringLiteral("version"));
    if (!version.isDouble() || version.toDouble() != 1.0) {
        error = tr("\"version\" must be 1; this file was written by another version of SRA or by hand.");
        return false;
    }
    const QJsonValue keys = root.value(QStringLiteral("keys"));
    const QJsonValue rules = root.value(QStringLiteral("rules"));
    if (!(keys.isUndefined() || keys.isArray()) || !(rules.isUndefined() || rules.isArray())) {
        error = tr("\"keys\" and \"rules\" must be arrays.");
        return false;
    }

    PairingStore store;
    const QJsonArray keyArray = keys.toArray();
    for (qsizetype i = 0; i < keyArray.size(); ++i) {
        KeyPairing key;
        if (!parseKey(keyArray.at(i), QStringLiteral("keys[%1]").arg(i), key, error)) {
            return false;
        }
        for (const KeyPairing& earlier : std::as_const(store.m_keys)) {
            if (earlier.publicKeySha256 == key.publicKeySha256) {
                error = tr("keys[%1] pairs a public key that is already paired (with %2); keep one entry.")
                            .arg(i)
                            .arg(earlier.account);
                return false;
            }
        }
        store.m_keys.append(key);
    }
    const QJsonArray ruleArray = rules.toArray();
    for (qsizetype i = 0; i < ruleArray.size(); ++i) {
        AttributeRule rule;
        if (!parseRule(ruleArray.at(i), QStringLiteral("rules[%1]").arg(i), rule, error)) {
            return false;
        }
        store.m_rules.append(rule);
    }
    out = store;
    return true;
}

bool PairingStore::load(const QString& file, PairingStore& out, QString& error)
{
    QFile f(file);
    if (!f.exists()) {
        out = PairingStore();
        return true;
    }
    if (!f.open(QIODevice::ReadOnly)) {
        error = tr("Cannot read %1 (%2); check its permissions.").arg(file, f.errorString());
        return false;
    }
    const QByteArray bytes = f.read(kMaxFileSize + 1);
    QString problem;
    if (!parse(bytes, out, problem)) {
        error = tr("%1: %2").arg(file, problem);
        return false;
    }
    return true;
}

QByteArray PairingStore::toJson() const
{
    QJsonArray keys;
    for (const KeyPairing& key : m_keys) {
        QJsonObject object{
            {QStringLiteral("account"),     key.account                                     },
            {QStringLiteral("spki_sha256"), QString::fromLatin1(key.publicKeySha256.toHex())},
            {QStringLiteral("subject"),     key.subject                                     },
        };
        if (key.added.isValid()) {
            object.insert(QStringLiteral("added"), key.added.toUTC().toString(Qt::ISODate));
        }
        keys.append(object);
    }
    QJsonArray rules;
    for (const AttributeRule& rule : m_rules) {
        rules.append(QJsonObject{
            {QStringLiteral("attribute"), attributeName(rule.attribute)},
            {QStringLiteral("pattern"),   rule.pattern                 },
            {QStringLiteral("account"),   rule.account                 },
        });
    }
    const QJsonObject root{
        {QStringLiteral("version"), 1    },
        {QStringLiteral("keys"),    keys },
        {QStringLiteral("rules"),   rules},
    };
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

bool PairingStore::save(const QString& file, QString& error) const
{
    const QByteArray bytes = toJson();
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly)) {
        error =
            tr("Cannot write %1 (%2); check that its directory exists and is writable.").arg(file, out.errorString());
        return false;
    }
    out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                       | QFileDevice::ReadOther);
    if (out.write(bytes) != bytes.size() || !out.commit()) {
        error = tr("Cannot write %1 (%2); check free space and permissions.").arg(file, out.errorString());
        return false;
    }
    return true;
}

QByteArray PairingStore::publicKeySha256(const QSslCertificate& certificate)
{
    const QByteArray der = certificate.toDer();
    const auto* p = reinterpret_cast<const unsigned char*>(der.constData());
    std::unique_ptr<X509, X509Free> x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!x509) {
        return {};
    }
    // SubjectPublicKeyInfo DER exactly as in the certificate (i2d_X509_PUBKEY keeps the encoded form).
    const X509_PUBKEY* spki = X509_get_X509_PUBKEY(x509.get());
    unsigned char* spkiDer = nullptr;
    const int length = i2d_X509_PUBKEY(spki, &spkiDer);
    if (length <= 0) {
        return {};
    }
    const QByteArray hash = QCryptographicHash::hash(QByteArrayView(reinterpret_cast<const char*>(spkiDer), length),
                                                     QCryptographicHash::Sha256);
    OPENSSL_free(spkiDer);
    return hash;
}

void PairingStore::pair(const QString& account, const QSslCertificate& certificate)
{
    const QByteArray hash = publicKeySha256(certificate);
    KeyPairing pairing;
    pairing.account = account;
    pairing.publicKeySha256 = hash;
    pairing.subject = subjectText(certificate);
    pairing.added = QDateTime::currentDateTimeUtc();
    pairing.added.setTime(
        QTime(pairing.added.time().hour(), pairing.added.time().minute(), pairing.added.time().second()));
    for (KeyPairing& existing : m_keys) {
        if (existing.publicKeySha256 == hash) {
            existing = pairing;
            return;
        }
    }
    m_keys.append(pairing);
}

int PairingStore::unpairAccount(const QString& account)
{
    return static_cast<int>(m_keys.removeIf([&](const KeyPairing& k) { return k.account == account; }));
}

int PairingStore::unpairCertificate(const QSslCertificate& certificate)
{
    const QByteArray hash = publicKeySha256(certificate);
    return static_cast<int>(m_keys.removeIf([&](const KeyPairing& k) { return k.publicKeySha256 == hash; }));
}

void PairingStore::addRule(const AttributeRule& rule)
{
    m_rules.append(rule);
}

bool PairingStore::removeRule(int index)
{
    if (index < 0 || index >= m_rules.size()) {
        return false;
    }
    m_rules.removeAt(index);
    return true;
}

std::optional<AccountMatch> PairingStore::match(const QSslCertificate& certificate, bool applyRules) const
{
    if (certificate.isNull()) {
        return std::nullopt;
    }
    const QByteArray hash = publicKeySha256(certificate);
    if (!hash.isEmpty()) {
        for (const KeyPairing& key : m_keys) {
            if (key.publicKeySha256 == hash) {
                return AccountMatch{key.account, QStringLiteral("public key")};
            }
        }
    }
    if (!applyRules) {
        return std::nullopt;
    }
    for (qsizetype i = 0; i < m_rules.size(); ++i) {
        const AttributeRule& rule = m_rules.at(i);
        QString problem;
        if (!checkRule(rule, problem)) {
            continue;
        }
        const QString value = certificateAttribute(certificate, rule.attribute);
        if (value.isEmpty()) {
            continue;
        }
        const QRegularExpression expression(QRegularExpression::anchoredPattern(rule.pattern));
        const QRegularExpressionMatch m = expression.match(value);
        if (!m.hasMatch()) {
            continue;
        }
        const QString account = substituteCaptures(rule.account, m);
        if (!isValidAccountName(account)) {
            continue;
        }
        return AccountMatch{account, QStringLiteral("rule %1 (%2)").arg(i + 1).arg(attributeName(rule.attribute))};
    }
    return std::nullopt;
}

QString certificateAttribute(const QSslCertificate& certificate, MappedAttribute attribute)
{
    if (certificate.isNull()) {
        return {};
    }
    switch (attribute) {
    case MappedAttribute::CommonName:
        return cleanText(certificate.subjectInfo(QSslCertificate::CommonName).value(0));
    case MappedAttribute::UserPrincipalName:
        return subjectAltName(certificate, GEN_OTHERNAME);
    case MappedAttribute::Email: {
        const QString san = subjectAltName(certificate, GEN_EMAIL);
        return san.isEmpty() ? cleanText(certificate.subjectInfo(QSslCertificate::EmailAddress).value(0)) : san;
    }
    }
    return {};
}

} // namespace sra::core
