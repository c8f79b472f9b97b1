// The parsers of smart-card login set-up (core/remote): PAM service files (PamServiceFile), sra-setup's
// state.json (SmartcardLoginState), srad's signed-in admin records (ConnectedAdmins) and the digest mapping
// lookup (SmartcardLogin::lookup). The first byte picks the parser, the rest is its input.
//
// Properties: nothing crashes; adding our entry and taking it out again gives the input back byte for byte,
// and adding it twice changes nothing; a state that parses writes out and reads back to the same bytes;
// a record that parses has a valid session id and account; a mapping lookup only ever yields a valid name.

#include "core/remote/ConnectedAdmins.h"
#include "core/remote/PairingStore.h"
#include "core/remote/PamServiceFile.h"
#include "core/remote/SmartcardLogin.h"
#include "core/remote/SmartcardLoginState.h"

#include <cstddef>
#include <cstdint>

using namespace sra::core;

namespace {
void check(bool condition)
{
    if (!condition) {
        __builtin_trap();
    }
}

const QString kConfig = QStringLiteral("/etc/secure-remote-access/smartcard-login/pam_pkcs11.conf");
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    const QByteArray input =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data + 1), static_cast<qsizetype>(size - 1));
    switch (data[0] % 4) {
    case 0: {
        const PamServiceFile file = PamServiceFile::parse(input);
        const QByteArray with = file.withEntry(kConfig);
        const PamServiceFile added = PamServiceFile::parse(with);
        check(added.hasEntryFor(kConfig) && added.usesPamPkcs11());
        check(added.withEntry(kConfig) == with);
        if (!file.hasEntryFor(kConfig) && !input.contains(PamServiceFile::markerLine())) {
            check(added.withoutEntry(kConfig) == input);
        }
        check(!PamServiceFile::parse(added.withoutEntry(kConfig)).hasEntryFor(kConfig));
        break;
    }
    case 1: {
        SmartcardLoginState state;
        QString error;
        if (!SmartcardLoginState::parse(input, state, error)) {
            check(!error.isEmpty() && state.services.isEmpty());
            break;
        }
        const QByteArray once = state.toJson();
        SmartcardLoginState again;
        check(SmartcardLoginState::parse(once, again, error));
        check(again.toJson() == once);
        for (const SmartcardLoginService& s : again.services) {
            check(SmartcardLoginState::isValidServiceName(s.service) && s.writtenSha256.size() == 32);
        }
        break;
    }
    case 2: {
        ConnectedAdmin admin;
        if (ConnectedAdmins::parse(input, admin)) {
            check(ConnectedAdmins::isValidSessionId(admin.sessionId));
            check(PairingStore::isValidAccountName(admin.account));
            check(!admin.certificate.isNull());
        }
        break;
    }
    default: {
        const QByteArray hash = input.left(32).leftJustified(32, '\0');
        const auto account = SmartcardLogin::lookup(input, hash);
        check(!account || PairingStore::isValidAccountName(*account));
        break;
    }
    }
    return 0;
}
