#include "core/config/IniEditor.h"

#include "core/config/IniLexer.h"

#include <QStringList>

namespace sra::core {

namespace {

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
        const IniLine line = lexIniLine(lines.at(i));
        if (line.kind == IniLineKind::Section) {
            inside = line.name == section;
            if (inside && found.header < 0) {
                found.header = i;
                found.lastContent = i;
            }
            continue;
        }
        if (!inside || line.kind == IniLineKind::Blank) {
            continue;
        }
        // A malformed line is someone's content: it stays, and new lines go after it.
        found.lastContent = i;
        if (line.kind == IniLineKind::Comment && line.name == key) {
            found.commented = i;
        } else if (line.kind == IniLineKind::Setting && line.name == key) {
            found.active = i;
        }
    }
    return found;
}

QString settingLine(const IniSetting& setting)
{
    return formatIniSetting(setting.key, setting.value);
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
            // The indentation and a comment after the value stay.
            const QString& old = lines.at(where.active);
            const IniLine lexed = lexIniLine(old);
            const QString comment = lexed.commentStart >= 0 ? old.mid(lexed.commentStart) : QString();
            lines[where.active] = old.left(lexed.indent) + settingLine(setting) + comment;
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
