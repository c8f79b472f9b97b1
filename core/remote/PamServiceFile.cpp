#include "core/remote/PamServiceFile.h"

namespace sra::core {

namespace {
bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

QList<QByteArray> splitTokens(const QByteArray& text)
{
    QList<QByteArray> tokens;
    qsizetype i = 0;
    while (i < text.size()) {
        while (i < text.size() && isBlank(text.at(i))) {
            ++i;
        }
        const qsizetype start = i;
        while (i < text.size() && !isBlank(text.at(i))) {
            ++i;
        }
        if (i > start) {
            tokens.append(text.mid(start, i - start));
        }
    }
    return tokens;
}

bool isPamPkcs11(const QByteArray& token)
{
    // "pam_pkcs11.so" or a path ending in it.
    return token == "pam_pkcs11.so" || token.endsWith("/pam_pkcs11.so");
}
} // namespace

PamServiceFile PamServiceFile::parse(const QByteArray& text)
{
    PamServiceFile file;
    file.m_physical = text.split('\n');
    qsizetype i = 0;
    while (i < file.m_physical.size()) {
        Line line;
        line.firstPhysical = i;
        // PAM joins a line that ends in a backslash with the next one.
        QByteArray logical;
        while (true) {
            QByteArray part = file.m_physical.at(i);
            if (part.endsWith('\r')) {
                part.chop(1);
            }
            const bool continues = part.endsWith('\\') && i + 1 < file.m_physical.size();
            if (continues) {
                part.chop(1);
            }
            logical += part;
            ++i;
            if (!continues) {
                break;
            }
            logical += ' ';
        }
        line.physicalCount = i - line.firstPhysical;
        if (const qsizetype hash = logical.indexOf('#'); hash >= 0) {
            logical.truncate(hash);
        }
        line.tokens = splitTokens(logical);
        file.m_lines.append(line);
    }
    return file;
}

QByteArray PamServiceFile::markerLine()
{
    return QByteArrayLiteral(
        "# Added by \"sra-setup smartcard-login enable\": the card relayed by Secure Remote Access "
        "logs in here. \"sra-setup smartcard-login disable\" removes it.");
}

QByteArray PamServiceFile::entryLine(const QString& pamPkcs11Config)
{
    // sufficient: the card alone logs in; when it fails (no card, wrong PIN, not paired) the service's own
    // stack carries on as before, so a password still works.
    return QByteArrayLiteral("auth\tsufficient\tpam_pkcs11.so config_file=") + pamPkcs11Config.toUtf8();
}

qsizetype PamServiceFile::authStart() const
{
    for (const Line& line : m_lines) {
        if (line.tokens.isEmpty()) {
            continue;
        }
        const QByteArray& type = line.tokens.first();
        if (type == "auth" || type == "-auth") {
            return line.firstPhysical;
        }
        if (type == "@include" && line.tokens.size() > 1 && line.tokens.at(1).contains("auth")) {
            return line.firstPhysical;
        }
    }
    return -1;
}

bool PamServiceFile::isOurEntry(const Line& line, const QByteArray& configArgument) const
{
    if (line.tokens.size() < 3 || line.tokens.first() != "auth") {
        return false;
    }
    bool module = false;
    for (const QByteArray& token : line.tokens) {
        module = module || isPamPkcs11(token);
        if (module && token == configArgument) {
            return true;
        }
    }
    return false;
}

bool PamServiceFile::hasEntryFor(const QString& pamPkcs11Config) const
{
    const QByteArray argument = "config_file=" + pamPkcs11Config.toUtf8();
    for (const Line& line : m_lines) {
        if (isOurEntry(line, argument)) {
            return true;
        }
    }
    return false;
}

bool PamServiceFile::usesPamPkcs11() const
{
    for (const Line& line : m_lines) {
        if (line.tokens.isEmpty() || (line.tokens.first() != "auth" && line.tokens.first() != "-auth")) {
            continue;
        }
        for (const QByteArray& token : line.tokens) {
            if (isPamPkcs11(token)) {
                return true;
            }
        }
    }
    return false;
}

QByteArray PamServiceFile::join(const QList<QByteArray>& lines)
{
    return lines.join('\n');
}

QByteArray PamServiceFile::withEntry(const QString& pamPkcs11Config) const
{
    if (hasEntryFor(pamPkcs11Config)) {
        return join(m_physical);
    }
    QList<QByteArray> out = m_physical;
    qsizetype at = authStart();
    if (at < 0) {
        // No auth stack: append, before the empty piece that a final newline leaves.
        at = out.last().isEmpty() ? out.size() - 1 : out.size();
    }
    out.insert(at, entryLine(pamPkcs11Config));
    out.insert(at, markerLine());
    return join(out);
}

QByteArray PamServiceFile::withoutEntry(const QString& pamPkcs11Config) const
{
    const QByteArray argument = "config_file=" + pamPkcs11Config.toUtf8();
    const QByteArray marker = markerLine();
    QList<QByteArray> out;
    for (const Line& line : m_lines) {
        if (isOurEntry(line, argument)) {
            continue;
        }
        for (qsizetype k = 0; k < line.physicalCount; ++k) {
            const QByteArray& physical = m_physical.at(line.firstPhysical + k);
            if (line.physicalCount == 1 && physical == marker) {
                continue;
            }
            out.append(physical);
        }
    }
    if (out.isEmpty()) {
        out.append(QByteArray()); // a file that held only our lines was empty before
    }
    return join(out);
}

} // namespace sra::core
