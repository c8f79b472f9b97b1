#pragma once

#include <QByteArray>
#include <QMetaType>

#include <openssl/crypto.h>

namespace sra::core {

// What srad hands an authenticated admin for one screen (ScreenGrant): the one-time VNC password for the
// viewer, the single-use stream ticket for ScreenTunnel, and how long the ticket stays valid. Both secrets
// are good for exactly one viewer connection; wipe() them once used.
struct ScreenGrant
{
    QByteArray password; // 8 printable ASCII characters
    QByteArray ticket;   // 32 bytes
    int expiresInMs = 0;

    void wipe()
    {
        // data() detaches first, so a copy someone else still holds is left alone (they wipe theirs).
        for (QByteArray* secret : {&password, &ticket}) {
            if (!secret->isEmpty()) {
                OPENSSL_cleanse(secret->data(), static_cast<std::size_t>(secret->size()));
            }
            secret->clear();
        }
    }
};

} // namespace sra::core

Q_DECLARE_METATYPE(sra::core::ScreenGrant)
