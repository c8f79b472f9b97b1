#include "core/config/IniEditor.h"

#include <QStringList>

namespace sra::core {

namespace {

bool isComment(const QString& trimmed)
{
    return trimmed.startsWith(QLatin1Char(';')) || trimmed.startsWith(QLatin1Char('#'));
}

bool isSectionHeader(const QString& trimmed)
{
    return trimmed.startsWith(QLatin1Char('[')) && trimmed.endsWith(QLatin1Char(']'));
}

// The key of a "key = value" line, or an empty string.
QString keyOf(const QString& trimmed)
{
    const qsizetype eq = trimmed.indexOf(QLatin1Char('='));
    return eq > 0 ? trimmed.left(eq).trimmed() : QString();
}

// Where one section's lines are, and where its key is set or documented.
struct SectionLines
{
    qsizetype header = -1;      // index of "[section]", -1 if the section is missing
    qsizetype lastContent = -1; // last non-blank line of the section (the header if it has none)
    qsizetype active = -1;      // "key = ..." (the last one: the reader refuses duplicates anyway)
    qsizetype commented = -1;   // ";key = ..." / "# key = ..."
};

SectionLines locate(const QStringList& lines, const QString& section, const QString& key)
{
    SectionLines found;
    bool inside = false;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString trimmed = lines.at(i).trimmed();
        if (isSectionHeader(trimmed)) {
            inside = trimmed.mid(1, trimmed.size() - 2).trimmed() == section;
            if (inside && found.header < 0) {
                found.header = i;
                found.lastContent = i;
            }
            continue;
        }
        if (!inside || trimmed.isEmpty()) {
            continue;
        }
        found.lastContent = i;
        if (isComment(trimmed)) {
            if (keyOf(trimmed.mid(1).trimmed()) == key) {
                found.commented = i;
            }
        } else if (keyOf(trimmed) == key) {
            found.active = i;
        }
    }
    return found;
}

QString settingLine(const IniSetting& setting)
{
    if (setting.value.isEmpty()) {
        return setting.key + QStringLiteral(" =");
    }
    return setting.key + QStringLiteral(" = ") + setting.value;
}

// The comment that follows the value of `line`, with the blank before it, or an empty string (same rule as
// the reader: a ';' or '#' after white space starts a comment).
QString trailingComment(const QString& line)
{
    const qsizetype eq = line.indexOf(QLatin1Char('='));
    for (qsizetype i = eq + 2; i < line.size(); ++i) {
        if ((line.at(i) == QLatin1Char(';') || line.at(i) == QLatin1Char('#')) && line.at(i - 1).isSpace()) {
            qsizetype start = i;
            while (start > eq + 1 && line.at(start - 1).isSpace()) {
                --start;
            }
            return line.mid(start);
        }
    }
    return {};
}

} // namespace

QString applyIniSettings(const QString& text, const QList<IniSetting>& settings)
{
    QStringList lines = text.split(QLatin1Char('\n'));
    // A final newline splits off one empty element; it is put back when joining.
    const bool endsWithNewline = text.endsWith(QLatin1Char('\n'));
    if (endsWithNewline) {
        lines.removeLast();
    }
    for (const IniSetting& setting : settings) {
        const SectionLines where = locate(lines, setting.section, setting.key);
        if (where.active >= 0) {
            const QString& old = lines.at(where.active);
            qsizetype indent = 0;
            while (indent < old.size() && old.at(indent).isSpace()) {
                ++indent;
            }
            lines[where.active] = old.left(indent) + settingLine(setting) + trailingComment(old);
            continue;
        }
        if (setting.isDefault) {
            continue;
        }
        if (where.commented >= 0) {
            lines.insert(where.commented + 1, settingLine(setting));
        } else if (where.header >= 0) {
            lines.insert(where.lastContent + 1, settingLine(setting));
        } else {
            if (!lines.isEmpty() && !lines.constLast().trimmed().isEmpty()) {
                lines.append(QString());
            }
            lines.append(QStringLiteral("[%1]").arg(setting.section));
            lines.append(settingLine(setting));
        }
    }
    QString result = lines.join(QLatin1Char('\n'));
    if (!result.isEmpty()) {
        result += QLatin1Char('\n');
    }
    return result;
}

} // namespace sra::core
