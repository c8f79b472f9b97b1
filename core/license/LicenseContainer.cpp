#include "core/license/LicenseContainer.h"

#include "core/crypto/OpenSslPtr.h"
#include "core/license/License.h"

#include <QXmlStreamReader>
#include <QXmlStreamWriter>

#include <openssl/cms.h>
#include <openssl/objects.h>

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace sra::core {

namespace {

constexpr int kMaxPlistDepth = 8;
constexpr int kMaxPlistNodes = 2048;

// Just enough of the XML property list model for a configuration profile.
struct PlistNode
{
    enum Kind
    {
        Dict,
        Array,
        String,
        Data,
        Scalar, // integer, real, date, true, false: present, not needed here
    };

    Kind kind = Scalar;
    QString text;
    QByteArray data;
    std::vector<QString> keys;    // Dict, in document order
    std::vector<PlistNode> items; // Array items, or the Dict's values (parallel to keys)

    const PlistNode* value(const QString& key) const
    {
        for (std::size_t i = 0; i < keys.size(); ++i) {
            if (keys[i] == key) {
                return &items[i];
            }
        }
        return nullptr;
    }
};

class PlistParser
{
public:
    explicit PlistParser(const QByteArray& xml)
        : m_reader(xml)
    {}

    bool parse(PlistNode& root, QString& detail)
    {
        bool sawPlist = false;
        while (!m_reader.atEnd()) {
            const auto token = m_reader.readNext();
            switch (token) {
            case QXmlStreamReader::StartDocument:
            case QXmlStreamReader::Comment:
                break;
            case QXmlStreamReader::DTD:
                if (!m_reader.entityDeclarations().isEmpty() || !m_reader.notationDeclarations().isEmpty()) {
                    return fail(detail, QStringLiteral("the profile declares XML entities"));
                }
                break;
            case QXmlStreamReader::Characters:
                if (!m_reader.isWhitespace()) {
                    return fail(detail, QStringLiteral("text outside the plist element"));
                }
                break;
            case QXmlStreamReader::StartElement:
                if (sawPlist || m_reader.name() != QLatin1String("plist")) {
                    return fail(detail, QStringLiteral("the document is not a property list"));
                }
                sawPlist = true;
                if (!nextElement(detail) || !parseValue(root, 0, detail)) {
                    return false;
                }
                if (!nextEnd(detail)) {
                    return false;
                }
                break;
            case QXmlStreamReader::EndDocument:
                break;
            case QXmlStreamReader::Invalid:
                return fail(detail, QStringLiteral("XML error: %1").arg(m_reader.errorString()));
            default:
                return fail(detail, QStringLiteral("unexpected XML content"));
            }
        }
        if (m_reader.hasError()) {
            return fail(detail, QStringLiteral("XML error: %1").arg(m_reader.errorString()));
        }
        if (!sawPlist) {
            return fail(detail, QStringLiteral("the document is not a property list"));
        }
        return true;
    }

private:
    static bool fail(QString& detail, const QString& why)
    {
        detail = why;
        return false;
    }

    // Skips white space and comments to the next start element.
    bool nextElement(QString& detail)
    {
        while (!m_reader.atEnd()) {
            const auto token = m_reader.readNext();
            if (token == QXmlStreamReader::StartElement) {
                return true;
            }
            if (token == QXmlStreamReader::Comment
                || (token == QXmlStreamReader::Characters && m_reader.isWhitespace())) {
                continue;
            }
            break;
        }
        return fail(detail,
                    m_reader.hasError() ? QStringLiteral("XML error: %1").arg(m_reader.errorString())
                                        : QStringLiteral("malformed property list"));
    }

    // Skips white space and comments to the end of the current container element.
    bool nextEnd(QString& detail)
    {
        while (!m_reader.atEnd()) {
            const auto token = m_reader.readNext();
            if (token == QXmlStreamReader::EndElement) {
                return true;
            }
            if (token == QXmlStreamReader::Comment
                || (token == QXmlStreamReader::Characters && m_reader.isWhitespace())) {
                continue;
            }
            break;
        }
        return fail(detail,
                    m_reader.hasError() ? QStringLiteral("XML error: %1").arg(m_reader.errorString())
                                        : QStringLiteral("malformed property list"));
    }

    // Reads the children of a dict or array up to its end; `onChild` is called at each child's start element.
    template <typename F>
    bool children(QString& detail, F onChild)
    {
        while (!m_reader.atEnd()) {
            const auto token = m_reader.readNext();
            if (token == QXmlStreamReader::EndElement) {
                return true;
            }
            if (token == QXmlStreamReader::StartElement) {
                if (!onChild()) {
                    return false;
                }
                continue;
            }
            if (token == QXmlStreamReader::Comment
                || (token == QXmlStreamReader::Characters && m_reader.isWhitespace())) {
                continue;
            }
            break;
        }
        return fail(detail,
                    m_reader.hasError() ? QStringLiteral("XML error: %1").arg(m_reader.errorString())
                                        : QStringLiteral("malformed property list"));
    }

    bool leafText(QString& text, QString& detail)
    {
        text = m_reader.readElementText(QXmlStreamReader::ErrorOnUnexpectedElement);
        if (m_reader.hasError()) {
            return fail(detail, QStringLiteral("XML error: %1").arg(m_reader.errorString()));
        }
        return true;
    }

    // At the start element of a value.
    bool parseValue(PlistNode& node, int depth, QString& detail)
    {
        if (depth > kMaxPlistDepth) {
            return fail(detail, QStringLiteral("property list nested too deeply"));
        }
        if (++m_nodes > kMaxPlistNodes) {
            return fail(detail, QStringLiteral("property list has too many elements"));
        }
        const auto name = m_reader.name();
        if (name == QLatin1String("dict")) {
            node.kind = PlistNode::Dict;
            return children(detail, [&] {
                if (m_reader.name() != QLatin1String("key")) {
                    return fail(detail, QStringLiteral("dict entry without a key"));
                }
                QString key;
                if (!leafText(key, detail)) {
                    return false;
                }
                if (node.value(key)) {
                    return fail(detail, QStringLiteral("duplicate key \"%1\"").arg(key.left(64)));
                }
                PlistNode child;
                if (!nextElement(detail) || !parseValue(child, depth + 1, detail)) {
                    return false;
                }
                node.keys.push_back(key);
                node.items.push_back(std::move(child));
                return true;
            });
        }
        if (name == QLatin1String("array")) {
            node.kind = PlistNode::Array;
            return children(detail, [&] {
                PlistNode child;
                if (!parseValue(child, depth + 1, detail)) {
                    return false;
                }
                node.items.push_back(std::move(child));
                return true;
            });
        }
        if (name == QLatin1String("string")) {
            node.kind = PlistNode::String;
            return leafText(node.text, detail);
        }
        if (name == QLatin1String("data")) {
            node.kind = PlistNode::Data;
            QString text;
            if (!leafText(text, detail)) {
                return false;
            }
            QByteArray base64;
            for (const QChar c : text) {
                if (!c.isSpace()) {
                    base64 += static_cast<char>(c.unicode() < 0x80 ? c.unicode() : '!');
                }
            }
            auto decoded = QByteArray::fromBase64Encoding(base64, QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded) {
                return fail(detail, QStringLiteral("a data element is not base64"));
            }
            node.data = decoded.decoded;
            return true;
        }
        if (name == QLatin1String("integer") || name == QLatin1String("real") || name == QLatin1String("date")
            || name == QLatin1String("true") || name == QLatin1String("false")) {
            node.kind = PlistNode::Scalar;
            return leafText(node.text, detail);
        }
        return fail(detail, QStringLiteral("unknown property list element <%1>").arg(name.left(32).toString()));
    }

    QXmlStreamReader m_reader;
    int m_nodes = 0;
};

} // namespace

bool looksLikeCms(const QByteArray& contents)
{
    return !contents.isEmpty() && static_cast<unsigned char>(contents.at(0)) == 0x30;
}

bool looksLikeXml(const QByteArray& contents)
{
    qsizetype i = contents.startsWith("\xEF\xBB\xBF") ? 3 : 0;
    while (i < contents.size()
           && (contents.at(i) == ' ' || contents.at(i) == '\t' || contents.at(i) == '\r' || contents.at(i) == '\n')) {
        ++i;
    }
    return i < contents.size() && contents.at(i) == '<';
}

bool extractCmsContent(const QByteArray& der, QByteArray& content, QString& detail)
{
    if (der.size() > kMaxLicenseFileSize) {
        detail = QStringLiteral("the signed profile is larger than %1 bytes").arg(kMaxLicenseFileSize);
        return false;
    }
    const auto* cursor = reinterpret_cast<const unsigned char*>(der.constData());
    const auto* const end = cursor + der.size();
    crypto::Owned<CMS_ContentInfo> cms(d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(der.size())));
    if (!cms) {
        detail = QStringLiteral("not a CMS (PKCS#7) structure");
        return false;
    }
    if (cursor != end) {
        detail = QStringLiteral("bytes after the CMS structure");
        return false;
    }
    if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
        detail = QStringLiteral("the CMS structure is not SignedData");
        return false;
    }
    if (OBJ_obj2nid(CMS_get0_eContentType(cms.get())) != NID_pkcs7_data) {
        detail = QStringLiteral("the signed content is not of type data");
        return false;
    }
    ASN1_OCTET_STRING** inner = CMS_get0_content(cms.get());
    if (!inner || !*inner) {
        detail = QStringLiteral("the signed profile has no embedded content (detached signature)");
        return false;
    }
    const int length = ASN1_STRING_length(*inner);
    if (length <= 0 || length > kMaxLicenseFileSize) {
        detail = QStringLiteral("the signed content is empty or larger than %1 bytes").arg(kMaxLicenseFileSize);
        return false;
    }
    content = QByteArray(reinterpret_cast<const char*>(ASN1_STRING_get0_data(*inner)), length);
    return true;
}

bool extractLicenseFromMobileConfig(const QByteArray& xml, QByteArray& licenseText, QString& detail)
{
    if (xml.size() > kMaxLicenseFileSize) {
        detail = QStringLiteral("the profile is larger than %1 bytes").arg(kMaxLicenseFileSize);
        return false;
    }
    PlistNode root;
    PlistParser parser(xml);
    if (!parser.parse(root, detail)) {
        return false;
    }
    const auto isString = [](const PlistNode* node, const QString& value) {
        return node && node->kind == PlistNode::String && node->text == value;
    };
    if (root.kind != PlistNode::Dict
        || !isString(root.value(QStringLiteral("PayloadType")), QStringLiteral("Configuration"))) {
        detail = QStringLiteral("not a configuration profile (top-level PayloadType is not \"Configuration\")");
        return false;
    }
    const PlistNode* content = root.value(QStringLiteral("PayloadContent"));
    if (!content || content->kind != PlistNode::Array) {
        detail = QStringLiteral("the profile has no PayloadContent array");
        return false;
    }
    const PlistNode* found = nullptr;
    for (const PlistNode& payload : content->items) {
        if (payload.kind == PlistNode::Dict
            && isString(payload.value(QStringLiteral("PayloadType")), licenseMobileConfigPayloadType())) {
            if (found) {
                detail =
                    QStringLiteral("the profile holds more than one %1 payload").arg(licenseMobileConfigPayloadType());
                return false;
            }
            found = &payload;
        }
    }
    if (!found) {
        detail = QStringLiteral("the profile has no %1 payload").arg(licenseMobileConfigPayloadType());
        return false;
    }
    const PlistNode* license = found->value(QStringLiteral("License"));
    if (license && license->kind == PlistNode::String) {
        licenseText = license->text.toUtf8().trimmed();
    } else if (license && license->kind == PlistNode::Data) {
        licenseText = license->data.trimmed();
    } else {
        detail = QStringLiteral("the license payload has no License string or data");
        return false;
    }
    if (licenseText.isEmpty()) {
        detail = QStringLiteral("the license payload's License is empty");
        return false;
    }
    return true;
}

QByteArray makeLicenseMobileConfig(const QByteArray& licenseText,
                                   const QString& licenseId,
                                   const QString& licensee,
                                   const QString& profileUuid,
                                   const QString& payloadUuid)
{
    QByteArray out;
    QXmlStreamWriter xml(&out);
    xml.setAutoFormatting(true);
    xml.setAutoFormattingIndent(1);
    xml.writeStartDocument();
    xml.writeDTD(QStringLiteral(
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">"));
    xml.writeStartElement(QStringLiteral("plist"));
    xml.writeAttribute(QStringLiteral("version"), QStringLiteral("1.0"));
    const auto entry = [&xml](const QString& key, const QString& value) {
        xml.writeTextElement(QStringLiteral("key"), key);
        xml.writeTextElement(QStringLiteral("string"), value);
    };
    const auto integer = [&xml](const QString& key, int value) {
        xml.writeTextElement(QStringLiteral("key"), key);
        xml.writeTextElement(QStringLiteral("integer"), QString::number(value));
    };
    const QString baseIdentifier = QStringLiteral("com.secureremoteaccess.license.") + licenseId;

    xml.writeStartElement(QStringLiteral("dict"));
    xml.writeTextElement(QStringLiteral("key"), QStringLiteral("PayloadContent"));
    xml.writeStartElement(QStringLiteral("array"));
    xml.writeStartElement(QStringLiteral("dict"));
    entry(QStringLiteral("License"), QString::fromUtf8(licenseText));
    entry(QStringLiteral("PayloadDescription"), QStringLiteral("Secure Remote Access license for %1").arg(licensee));
    entry(QStringLiteral("PayloadDisplayName"), QStringLiteral("Secure Remote Access license"));
    entry(QStringLiteral("PayloadIdentifier"), baseIdentifier + QStringLiteral(".payload"));
    entry(QStringLiteral("PayloadType"), licenseMobileConfigPayloadType());
    entry(QStringLiteral("PayloadUUID"), payloadUuid);
    integer(QStringLiteral("PayloadVersion"), 1);
    xml.writeEndElement(); // dict
    xml.writeEndElement(); // array
    entry(QStringLiteral("PayloadDescription"),
          QStringLiteral("Installs the Secure Remote Access license for %1.").arg(licensee));
    entry(QStringLiteral("PayloadDisplayName"), QStringLiteral("Secure Remote Access license"));
    entry(QStringLiteral("PayloadIdentifier"), baseIdentifier);
    entry(QStringLiteral("PayloadOrganization"), QStringLiteral("Secure Remote Access"));
    entry(QStringLiteral("PayloadScope"), QStringLiteral("System"));
    entry(QStringLiteral("PayloadType"), QStringLiteral("Configuration"));
    entry(QStringLiteral("PayloadUUID"), profileUuid);
    integer(QStringLiteral("PayloadVersion"), 1);
    xml.writeEndElement(); // dict
    xml.writeEndElement(); // plist
    xml.writeEndDocument();
    return out;
}

} // namespace sra::core
