#include "core/config/IniLexer.h"

namespace sra::core {

namespace {

bool isCommentMarker(QChar c)
{
    return c == QLatin1Char(';') || c == QLatin1Char('#');
}

// The key of a "key = value" text: what comes before the first '=', or empty when there is nothing there.
QString keyOf(QStringView trimmed)
{
    const qsizetype eq = trimmed.indexOf(QLatin1Char('='));
    return eq > 0 ? trimmed.left(eq).trimmed().toString() : QString();
}

} // namespace

IniLine lexIniLine(QStringView line)
{
    IniLine out;
    while (out.indent < line.size() && line.at(out.indent).isSpace()) {
        ++out.indent;
    }
    const QStringView trimmed = line.trimmed();
    if (trimmed.isEmpty()) {
        return out;
    }
    if (isCommentMarker(trimmed.front())) {
        out.kind = IniLineKind::Comment;
        out.name = keyOf(trimmed.mid(1).trimmed());
        return out;
    }
    if (trimmed.front() == QLatin1Char('[')) {
        if (trimmed.back() != QLatin1Char(']')) {
            out.kind = IniLineKind::Malformed;
            out.problem = IniLineProblem::UnclosedSection;
            return out;
        }
        out.kind = IniLineKind::Section;
        out.name = trimmed.mid(1, trimmed.size() - 2).trimmed().toString();
        return out;
    }
    out.name = keyOf(trimmed);
    if (out.name.isEmpty()) {
        out.kind = IniLineKind::Malformed;
        out.problem = IniLineProblem::NoKey;
        return out;
    }
    out.kind = IniLineKind::Setting;
    // The first '=' of the raw line is the one the key ended at (the indentation is white space).
    const qsizetype eq = line.indexOf(QLatin1Char('='));
    qsizetype valueEnd = line.size();
    for (qsizetype i = eq + 1; i < line.size(); ++i) {
        if (isCommentMarker(line.at(i)) && line.at(i - 1).isSpace()) {
            valueEnd = i;
            qsizetype start = i;
            while (start > eq + 1 && line.at(start - 1).isSpace()) {
                --start;
            }
            out.commentStart = start;
            break;
        }
    }
    out.value = line.mid(eq + 1, valueEnd - eq - 1).trimmed().toString();
    return out;
}

QString formatIniSetting(const QString& key, const QString& value)
{
    if (value.isEmpty()) {
        return key + QStringLiteral(" =");
    }
    return key + QStringLiteral(" = ") + value;
}

bool iniValueReadsBack(const QString& value)
{
    if (value.contains(QLatin1Char('\n'))) {
        return false;
    }
    const IniLine line = lexIniLine(formatIniSetting(QStringLiteral("key"), value));
    return line.kind == IniLineKind::Setting && line.value == value;
}

} // namespace sra::core
