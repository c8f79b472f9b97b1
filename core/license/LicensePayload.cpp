#include "core/license/LicensePayload.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QList>

#include <cmath>

namespace sra::core {

namespace {

constexpr int kFormat = 1;
constexpr int kMaxSeats = 1000000;
constexpr qsizetype kMaxIdLength = 128;
constexpr qsizetype kMaxLicenseeLength = 256;
constexpr qsizetype kMaxProductLength = 64;
constexpr qsizetype kMaxArmourLineLength = 76;

const QByteArray kBeginLicense = QByteArrayLiteral("-----BEGIN SRA LICENSE-----");
const QByteArray kEndLicense = QByteArrayLiteral("-----END SRA LICENSE-----");
const QByteArray kBeginSignature = QByteArrayLiteral("-----BEGIN SRA LICENSE SIGNATURE-----");
const QByteArray kEndSignature = QByteArrayLiteral("-----END SRA LICENSE SIGNATURE-----");

QByteArray jsonString(const QString& text)
{
    QByteArray out;
    out += '"';
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '"';
    return out;
}

QString isoDate(const QDate& date)
{
    return date.toString(Qt::ISODate);
}

// "YYYY-MM-DD" exactly, a real calendar day.
QDate parseDate(const QString& text)
{
    if (text.size() != 10 || text.at(4) != u'-' || text.at(7) != u'-') {
        return {};
    }
    for (const qsizetype i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (text.at(i) < u'0' || text.at(i) > u'9') {
            return {};
        }
    }
    return QDate(text.left(4).toInt(), text.mid(5, 2).toInt(), text.mid(8, 2).toInt());
}

bool hasControlCharacters(const QString& text)
{
    for (const QChar c : text) {
        const auto category = c.category();
        if (category == QChar::Other_Control || category == QChar::Other_Format || category == QChar::Separator_Line
            || category == QChar::Separator_Paragraph || category == QChar::Other_NotAssigned
            || category == QChar::Other_Surrogate) {
            return true;
        }
    }
    return false;
}

bool isIdCharacter(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'-' || c == u'.'
           || c == u'_' || c == u':';
}

QString checkText(const QString& value, const char* name, qsizetype maxLength)
{
    if (value.isEmpty()) {
        return QStringLiteral("field \"%1\" is empty").arg(QLatin1String(name));
    }
    if (value.size() > maxLength) {
        return QStringLiteral("field \"%1\" is longer than %2 characters").arg(QLatin1String(name)).arg(maxLength);
    }
    if (hasControlCharacters(value)) {
        return QStringLiteral("field \"%1\" contains control or unassigned characters").arg(QLatin1String(name));
    }
    if (value.trimmed() != value) {
        return QStringLiteral("field \"%1\" has leading or trailing white space").arg(QLatin1String(name));
    }
    return {};
}

// Joins the base64 lines of one armour block and decodes them; only canonical base64 is accepted.
bool decodeBlock(const QList<QByteArray>& lines, QByteArray& out)
{
    QByteArray joined;
    for (const QByteArray& line : lines) {
        if (line.isEmpty() || line.size() > kMaxArmourLineLength) {
            return false;
        }
        joined += line;
    }
    auto decoded = QByteArray::fromBase64Encoding(joined, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty() || decoded.decoded.toBase64() != joined) {
        return false;
    }
    out = decoded.decoded;
    return true;
}

} // namespace

QByteArray canonicalLicensePayload(const License& license)
{
    QByteArray out;
    out += "{\"format\":" + QByteArray::number(license.format);
    out += ",\"product\":" + jsonString(license.product);
    out += ",\"id\":" + jsonString(license.id);
    out += ",\"licensee\":" + jsonString(license.licensee);
    out += ",\"seats\":" + QByteArray::number(license.seats);
    out += ",\"issued\":" + jsonString(isoDate(license.issued));
    out += ",\"expires\":" + jsonString(isoDate(license.expires));
    out += '}';
    return out;
}

QString checkLicenseFields(const License& license)
{
    if (license.format != kFormat) {
        return QStringLiteral("unsupported format %1 (this version reads format %2)").arg(license.format).arg(kFormat);
    }
    if (auto error = checkText(license.product, "product", kMaxProductLength); !error.isEmpty()) {
        return error;
    }
    if (auto error = checkText(license.id, "id", kMaxIdLength); !error.isEmpty()) {
        return error;
    }
    for (const QChar c : license.id) {
        if (!isIdCharacter(c)) {
            return QStringLiteral("field \"id\" may only contain letters, digits and . _ : -");
        }
    }
    if (auto error = checkText(license.licensee, "licensee", kMaxLicenseeLength); !error.isEmpty()) {
        return error;
    }
    if (license.seats < 1 || license.seats > kMaxSeats) {
        return QStringLiteral("field \"seats\" must be 1 to %1").arg(kMaxSeats);
    }
    if (!license.issued.isValid() || license.issued.year() < 2000 || license.issued.year() > 9999) {
        return QStringLiteral("field \"issued\" is not a date from 2000 to 9999");
    }
    if (!license.expires.isValid() || license.expires.year() < 2000 || license.expires.year() > 9999) {
        return QStringLiteral("field \"expires\" is not a date from 2000 to 9999");
    }
    if (license.expires < license.issued) {
        return QStringLiteral("expires (%1) is before issued (%2)")
            .arg(isoDate(license.expires), isoDate(license.issued));
    }
    return {};
}

bool parseLicensePayload(const QByteArray& payload, License& out, QString& detail)
{
    if (payload.size() > kMaxLicensePayloadSize) {
        detail = QStringLiteral("payload larger than %1 bytes").arg(kMaxLicensePayloadSize);
        return false;
    }
    QJsonParseError error;
    const auto document = QJsonDocument::fromJson(payload, &error);
    if (error.error != QJsonParseError::NoError) {
        detail = QStringLiteral("payload is not JSON: %1 at offset %2").arg(error.errorString()).arg(error.offset);
        return false;
    }
    if (!document.isObject()) {
        detail = QStringLiteral("payload is not a JSON object");
        return false;
    }
    const QJsonObject object = document.object();
    static const QStringList kKeys = {QStringLiteral("format"),
                                      QStringLiteral("product"),
                                      QStringLiteral("id"),
                                      QStringLiteral("licensee"),
                                      QStringLiteral("seats"),
                                      QStringLiteral("issued"),
                                      QStringLiteral("expires")};
    for (const QString& key : kKeys) {
        if (!object.contains(key)) {
            detail = QStringLiteral("field \"%1\" is missing").arg(key);
            return false;
        }
    }
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!kKeys.contains(it.key())) {
            detail = QStringLiteral("unknown field \"%1\"").arg(it.key().left(64));
            return false;
        }
    }

    const auto integer = [&](const QString& key, int& value) {
        const QJsonValue v = object.value(key);
        const double d = v.toDouble();
        if (!v.isDouble() || !std::isfinite(d) || d != std::floor(d) || d < -1e9 || d > 1e9) {
            detail = QStringLiteral("field \"%1\" is not an integer").arg(key);
            return false;
        }
        value = static_cast<int>(d);
        return true;
    };
    const auto string = [&](const QString& key, QString& value) {
        const QJsonValue v = object.value(key);
        if (!v.isString()) {
            detail = QStringLiteral("field \"%1\" is not a string").arg(key);
            return false;
        }
        value = v.toString();
        return true;
    };
    const auto date = [&](const QString& key, QDate& value) {
        QString text;
        if (!string(key, text)) {
            return false;
        }
        value = parseDate(text);
        if (!value.isValid()) {
            detail = QStringLiteral("field \"%1\" is not a YYYY-MM-DD date").arg(key);
            return false;
        }
        return true;
    };

    License license;
    if (!integer(QStringLiteral("format"), license.format)) {
        return false;
    }
    if (license.format != kFormat) {
        detail =
            QStringLiteral("unsupported format %1 (this version reads format %2)").arg(license.format).arg(kFormat);
        return false;
    }
    if (!string(QStringLiteral("product"), license.product) || !string(QStringLiteral("id"), license.id)
        || !string(QStringLiteral("licensee"), license.licensee) || !integer(QStringLiteral("seats"), license.seats)
        || !date(QStringLiteral("issued"), license.issued) || !date(QStringLiteral("expires"), license.expires)) {
        return false;
    }
    if (auto problem = checkLicenseFields(license); !problem.isEmpty()) {
        detail = problem;
        return false;
    }
    // Catches what a JSON parser forgives: duplicate keys, key order, white space, number spellings, escapes.
    if (canonicalLicensePayload(license) != payload) {
        detail = QStringLiteral("payload is not in canonical form");
        return false;
    }
    out = license;
    return true;
}

QByteArray armourLicense(const QByteArray& payload, const QByteArray& signature)
{
    const auto block = [](const QByteArray& begin, const QByteArray& data, const QByteArray& end) -> QByteArray {
        QByteArray out = begin + '\n';
        const QByteArray encoded = data.toBase64();
        for (qsizetype i = 0; i < encoded.size(); i += 64) {
            out += encoded.mid(i, 64) + '\n';
        }
        return out + end + '\n';
    };
    return block(kBeginLicense, payload, kEndLicense) + block(kBeginSignature, signature, kEndSignature);
}

bool dearmourLicense(const QByteArray& text, QByteArray& payload, QByteArray& signature, QString& detail)
{
    QList<QByteArray> lines = text.split('\n');
    for (QByteArray& line : lines) {
        if (line.endsWith('\r')) {
            line.chop(1);
        }
    }
    // Empty lines are allowed after the last block only.
    while (!lines.isEmpty() && lines.constLast().isEmpty()) {
        lines.removeLast();
    }

    qsizetype index = 0;
    const auto readBlock = [&](const QByteArray& begin, const QByteArray& end, const char* what, QByteArray& out) {
        if (index >= lines.size() || lines.at(index) != begin) {
            detail = QStringLiteral("expected \"%1\" on line %2").arg(QString::fromLatin1(begin)).arg(index + 1);
            return false;
        }
        ++index;
        QList<QByteArray> body;
        while (index < lines.size() && !lines.at(index).startsWith("-----")) {
            body.append(lines.at(index));
            ++index;
        }
        if (index >= lines.size() || lines.at(index) != end) {
            detail = QStringLiteral("expected \"%1\" on line %2").arg(QString::fromLatin1(end)).arg(index + 1);
            return false;
        }
        ++index;
        if (body.isEmpty() || !decodeBlock(body, out)) {
            detail = QStringLiteral("the %1 block is not valid base64").arg(QLatin1String(what));
            return false;
        }
        return true;
    };

    QByteArray decodedPayload;
    QByteArray decodedSignature;
    if (!readBlock(kBeginLicense, kEndLicense, "license", decodedPayload)
        || !readBlock(kBeginSignature, kEndSignature, "signature", decodedSignature)) {
        return false;
    }
    if (index != lines.size()) {
        detail = QStringLiteral("unexpected text after the signature block (line %1)").arg(index + 1);
        return false;
    }
    if (decodedPayload.size() > kMaxLicensePayloadSize) {
        detail = QStringLiteral("payload larger than %1 bytes").arg(kMaxLicensePayloadSize);
        return false;
    }
    if (decodedSignature.size() != kLicenseSignatureSize) {
        detail =
            QStringLiteral("signature is %1 bytes, not %2").arg(decodedSignature.size()).arg(kLicenseSignatureSize);
        return false;
    }
    payload = decodedPayload;
    signature = decodedSignature;
    return true;
}

} // namespace sra::core
