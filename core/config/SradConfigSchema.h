#pragma once

#include "core/config/SradConfig.h"

#include <span>
#include <variant>

namespace sra::core {

// What a srad.conf value is, which decides how it is read, checked and written.
enum class SradValueType
{
    Port,         // 1 – 65535
    Integer,      // a whole number from min to max
    Boolean,      // true/false, yes/no, on/off, 1/0
    Addresses,    // comma-separated IPv4/IPv6 addresses, each once
    Path,         // a file or directory; relative to the file's directory
    OptionalPath, // the same, or empty
    Choice,       // one of `choices` (which may include the empty value)
    Display,      // an X display, ":N" or ":N.M"
    Slots,        // comma-separated PIV key slots from 9a, 9c, 9d, 9e
    Users,        // comma-separated user names or numeric uids
    Command,      // a program and its arguments, split like shell words
};

// The field of SradConfig that a key fills; its type follows from the SradValueType.
using SradField = std::variant<quint16 SradConfig::*,
                               int SradConfig::*,
                               bool SradConfig::*,
                               QList<QHostAddress> SradConfig::*,
                               QString SradConfig::*,
                               QList<quint8> SradConfig::*,
                               QStringList SradConfig::*>;

// One key of srad.conf. The table of them (sradConfigSchema()) is the only place a key is declared: the reader
// accepts exactly these sections and keys and fills SradConfig from them, sra-setup writes them in this order,
// and the unit test holds packaging/srad.conf, srad.conf(5) and docs/CONFIGURATION.md to it.
struct SradKey
{
    const char* section;
    const char* key;
    SradValueType type;
    // The default as srad.conf spells it (the shipped file states it commented out). A relative path is
    // relative to the file's directory like any value; an absolute default path lies under SradPaths::root, so
    // that sra-setup --root and the tests see their own tree (a path written in the file does not).
    const char* defaultValue;
    const char* meaning; // one line: what the key is for
    SradField field;
    qint64 min = 0; // Integer: the range
    qint64 max = 0;
    std::span<const char* const> choices = {}; // Choice
};

std::span<const SradKey> sradConfigSchema();

// The key's value as srad.conf would hold it: paths inside `baseDir` relative to it, others absolute.
QString sradConfigValueText(const SradKey& key, const SradConfig& config, const QString& baseDir);

// Reads `text` as the key's value into `config`. False with the problem as the rest of a sentence that starts
// with the key and its value ("is not a whole number from 1 to 65535"); `config` is then unchanged.
bool readSradConfigValue(
    const SradKey& key, const QString& text, const QString& baseDir, SradConfig& config, QString& problem);

// The built-in configuration: every key's default, with paths resolved against `baseDir` (the directory of
// the file being read) and absolute default paths under `paths.root`.
SradConfig sradConfigDefaults(const SradPaths& paths, const QString& baseDir);

} // namespace sra::core
