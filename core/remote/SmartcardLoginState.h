#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace sra::core {

// What "sra-setup smartcard-login enable" changed, so that "disable" can put every file back byte for byte:
// <configDir>/smartcard-login/state.json, written atomically, mode 0644 (srad reads it; the PAM files it copies
// are world-readable anyway).
//
//   {"version": 1, "backend": "sra" | "opensc", "pkcs11_module": "/usr/lib/.../libsra-pkcs11.so",
//    "services": [{"pam_dir": "/etc/pam.d", "service": "login", "original": "<base64>" | null,
//                  "written_sha256": "<64 hex>"}]}
//
// `original` null: the file did not exist and enable created it (disable deletes it). `written_sha256` is the
// hash of what enable wrote: when the file still has exactly those bytes, disable restores the original; when
// somebody edited it since, disable only takes our lines out and keeps their edits.
struct SmartcardLoginService
{
    QString pamDir;
    QString service;
    std::optional<QByteArray> original;
    QByteArray writtenSha256; // raw 32 bytes
};

struct SmartcardLoginState
{
    QString backend;      // "sra" or "opensc"
    QString pkcs11Module; // absolute path of the PKCS#11 module pam_pkcs11 loads
    QList<SmartcardLoginService> services;

    // Strict, like pairings.json: any unknown member, wrong type, bad base64 or hash, a service name that is
    // not a plain file name, or a service listed twice makes the whole file unreadable (false, one sentence).
    static bool parse(const QByteArray& json, SmartcardLoginState& out, QString& error);
    QByteArray toJson() const;

    // A PAM service name as a file of /etc/pam.d: 1 to 64 characters from [A-Za-z0-9_.+-], not "." or "..".
    static bool isValidServiceName(const QString& name);

    const SmartcardLoginService* find(const QString& pamDir, const QString& service) const;
};

} // namespace sra::core
