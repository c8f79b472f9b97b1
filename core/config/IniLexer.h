#pragma once

#include <QString>
#include <QStringView>

namespace sra::core {

// The INI syntax of srad.conf, in one place: the strict reader (SradConfig) and the editor that keeps a person's
// comments and layout (IniEditor) both see a line through lexIniLine(), so that what sra-setup writes is what
// srad reads. The rules (docs/CONFIGURATION.md, srad.conf(5)):
//  - white space (QChar::isSpace, so a CR before the newline too) around a line is ignored;
//  - a line whose first character is ';' or '#' is a comment;
//  - "[name]" is a section header; a line that starts with '[' but does not end with ']' is malformed;
//  - anything else is "key = value", split at the first '=' (a line without one, or with nothing before it, is
//    malformed); in the value a ';' or '#' that follows white space starts a comment, so "port = 4116 ; why"
//    has the value "4116". There is no quoting and no continuation line.
enum class IniLineKind
{
    Blank,
    Comment,
    Section,
    Setting,
    Malformed,
};

enum class IniLineProblem
{
    None,
    UnclosedSection, // "[name" without ']'
    NoKey,           // no '=', or nothing before it
};

struct IniLine
{
    IniLineKind kind = IniLineKind::Blank;
    IniLineProblem problem = IniLineProblem::None;
    // Section: its name. Setting: the key. Comment: the key when the comment is a commented-out setting
    // (";port = 4116", "# port = 4116"), which is where the editor puts a new value; else empty.
    QString name;
    QString value;        // Setting: the value, without its trailing comment and surrounding white space
    qsizetype indent = 0; // white space before the first character, in the raw line
    // Setting: where the trailing comment starts in the raw line, including the white space before its marker
    // (the editor keeps line.mid(commentStart) when it replaces a value); -1 without one.
    qsizetype commentStart = -1;
};

// One line, without its '\n' (files are split at '\n' only).
IniLine lexIniLine(QStringView line);

// "key = value", or "key =" for an empty value: how the reader's files and sra-setup's lines are written.
QString formatIniSetting(const QString& key, const QString& value);

// Whether formatIniSetting(key, value) reads back as exactly `value`: false for a line break, surrounding white
// space, a leading comment marker, or a ';' or '#' after white space.
bool iniValueReadsBack(const QString& value);

} // namespace sra::core
