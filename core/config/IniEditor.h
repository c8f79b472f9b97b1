#pragma once

#include <QList>
#include <QString>

namespace sra::core {

// One "[section] key = value" that a tool wants in an INI file it does not own alone.
struct IniSetting
{
    QString section;
    QString key;
    QString value;
    bool isDefault = false; // the value equals the built-in default: no line needs to be added for it
};

// Applies `settings` to the text of an INI file that a person may have edited (srad.conf as the package ships
// it: every key commented out with its default and an explanation). Everything the person wrote stays: comments,
// blank lines, order, other keys, a comment after a value. For each setting:
//  - an active "key = ..." line in its section gets the new value (its trailing comment is kept);
//  - otherwise, if the value is not the default, an active line is added right after the commented-out line for
//    that key (";key = ..." or "# key = ...") if the section has one, else at the end of the section; a missing
//    section is appended;
//  - otherwise nothing changes: a commented default documents itself.
// Lines are read with the same lexer as SradConfig reads them (IniLexer). Values must already be writable
// (iniValueReadsBack): SradConfig::save checks.
QString applyIniSettings(const QString& text, const QList<IniSetting>& settings);

} // namespace sra::core
