// srad --check's parsers and rules, free for the unit test: reader.conf, p11-kit *.module, module paths, file access.
#include "remote-service/SradCheck.h"

#include <QDir>

namespace sra::srad {

ReaderConf parseReaderConf(const QByteArray& text)
{
    ReaderConf result;
    ReaderConfEntry entry;
    bool started = false;
    const QList<QByteArray> lines = text.split('\n');
    QByteArray pendingKey; // a keyword whose value has not come yet
    int pendingLine = 0;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNo = static_cast<int>(i + 1);
        const QByteArray& line = lines.at(i);
        // Tokens: a quoted string (to the closing quote or the end of the line) or a run of non-blanks; a token
        // that starts with '#' starts a comment that runs to the end of the line.
        QList<QByteArray> tokens;
        for (qsizetype p = 0; p < line.size();) {
            const char c = line.at(p);
            if (c == ' ' || c == '\t' || c == '\r') {
                ++p;
                continue;
            }
            if (c == '#') {
                break;
            }
            qsizetype end = p + 1;
            if (c == '"') {
                while (end < line.size() && line.at(end) != '"') {
                    ++end;
                }
                end = qMin(end + 1, line.size());
            } else {
                while (end < line.size() && line.at(end) != ' ' && line.at(end) != '\t' && line.at(end) != '\r') {
                    ++end;
                }
            }
            tokens.append(line.mid(p, end - p));
            p = end;
        }
        if (!pendingKey.isEmpty() && !tokens.isEmpty()) {
            // pcscd wants the value on the keyword's line; a value on the next line is an error there.
            result.errors.append(QStringLiteral("line %1: %2 has no value on its line")
                                     .arg(pendingLine)
                                     .arg(QString::fromUtf8(pendingKey)));
            pendingKey.clear();
        }
        for (const QByteArray& token : tokens) {
            if (pendingKey.isEmpty()) {
                pendingKey = token;
                pendingLine = lineNo;
                continue;
            }
            const QString value = QString::fromUtf8(token);
            QString* field = nullptr;
            if (pendingKey == "FRIENDLYNAME") {
                field = &entry.friendlyName;
            } else if (pendingKey == "DEVICENAME") {
                field = &entry.deviceName;
            } else if (pendingKey == "LIBPATH") {
                field = &entry.libPath;
            } else if (pendingKey == "CHANNELID") {
                field = &entry.channelId;
            }
            if (!field) {
                result.errors.append(
                    QStringLiteral("line %1: unknown keyword %2").arg(pendingLine).arg(QString::fromUtf8(pendingKey)));
            } else if (!field->isEmpty()) {
                result.errors.append(QStringLiteral("line %1: %2 twice in one reader (each reader needs FRIENDLYNAME, "
                                                    "DEVICENAME, LIBPATH and CHANNELID once)")
                                         .arg(pendingLine)
                                         .arg(QString::fromUtf8(pendingKey)));
            } else {
                if (!started) {
                    entry.line = pendingLine;
                    started = true;
                }
                // pcscd strips the quotes of the friendly name only; any other value is used as written.
                *field = pendingKey == "FRIENDLYNAME" ? QString(value).remove(QLatin1Char('"')) : value;
            }
            pendingKey.clear();
            if (!entry.friendlyName.isEmpty() && !entry.deviceName.isEmpty() && !entry.libPath.isEmpty()
                && !entry.channelId.isEmpty()) {
                result.readers.append(entry);
                entry = ReaderConfEntry{};
                started = false;
            }
        }
    }
    if (!pendingKey.isEmpty()) {
        result.errors.append(
            QStringLiteral("line %1: %2 has no value").arg(pendingLine).arg(QString::fromUtf8(pendingKey)));
    }
    if (started) {
        result.incomplete.append(entry);
    }
    return result;
}

P11KitModuleConf parseP11KitModule(const QByteArray& text)
{
    P11KitModuleConf result;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNo = static_cast<int>(i + 1);
        const QString line = QString::fromUtf8(lines.at(i)).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#'))) {
            continue;
        }
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (line.startsWith(QLatin1Char('[')) || colon <= 0) {
            result.errors.append(QStringLiteral("line %1: \"%2\" is not a \"key: value\" line").arg(lineNo).arg(line));
            continue;
        }
        // Other keys (trust-policy, enable-in, priority, ...) do not decide where the library is.
        if (line.left(colon).trimmed() == QLatin1String("module")) {
            result.module = line.mid(colon + 1).trimmed();
        }
    }
    return result;
}

QStringList p11KitModuleCandidates(const QString& module, const QString& modulePath)
{
    if (module.isEmpty()) {
        return {};
    }
    if (QDir::isAbsolutePath(module)) {
        return {QDir::cleanPath(module)};
    }
    QStringList candidates;
    for (const QString& dir : modulePath.split(QLatin1Char(':'), Qt::SkipEmptyParts)) {
        candidates.append(QDir::cleanPath(dir + QLatin1Char('/') + module));
    }
    return candidates;
}

bool userMay(const FileOwnership& file, uint uid, const QList<uint>& groups, Access access)
{
    if (uid == 0) {
        return true; // root's DAC override (srad never runs as root, but the rule is the kernel's)
    }
    // The first class that applies decides, even when a later one would allow more (mode 0604: the group may not).
    int shift = 0;
    if (uid == file.owner) {
        shift = 6;
    } else if (groups.contains(file.group)) {
        shift = 3;
    }
    return (file.mode & (static_cast<uint>(access) << shift)) != 0;
}

} // namespace sra::srad
