#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace sra::core {

// A PAM service file (/etc/pam.d/NAME) as far as smart-card login set-up needs it: where its auth stack
// begins, whether pam_pkcs11 is in it (ours or someone else's), and the same bytes with our two lines added
// or taken out. Everything else is kept byte for byte, so that adding and then removing our lines gives back
// the original file exactly. Never throws; any bytes parse (comments, continuation lines, garbage).
class PamServiceFile
{
public:
    // One logical line: its physical lines (a backslash at the end continues a line, as PAM reads it).
    struct Line
    {
        qsizetype firstPhysical = 0; // index into the physical lines
        qsizetype physicalCount = 1;
        QList<QByteArray> tokens; // whitespace-separated, comments removed; empty for blank/comment lines
    };

    static PamServiceFile parse(const QByteArray& text);

    // The comment line that marks our entry, and the entry itself for a pam_pkcs11 configuration file.
    static QByteArray markerLine();
    static QByteArray entryLine(const QString& pamPkcs11Config);

    // Index of the first physical line of the auth stack (an "auth"/"-auth" line or an "@include" of a file
    // whose name contains "auth", like Debian's common-auth); -1 when the file has none.
    qsizetype authStart() const;

    // Whether an auth line uses pam_pkcs11 with this configuration file (ours), or any pam_pkcs11 at all.
    bool hasEntryFor(const QString& pamPkcs11Config) const;
    bool usesPamPkcs11() const;

    // The file with our marker and entry before the auth stack (at the end when it has none). Unchanged when
    // the entry is already there.
    QByteArray withEntry(const QString& pamPkcs11Config) const;
    // The file without our marker and entry lines (other lines untouched).
    QByteArray withoutEntry(const QString& pamPkcs11Config) const;

    const QList<QByteArray>& physicalLines() const
    {
        return m_physical;
    }

    const QList<Line>& lines() const
    {
        return m_lines;
    }

private:
    bool isOurEntry(const Line& line, const QByteArray& configArgument) const;
    static QByteArray join(const QList<QByteArray>& lines);

    QList<QByteArray> m_physical; // without their '\n'; the last one may be empty (text ended with '\n')
    QList<Line> m_lines;
};

} // namespace sra::core
