#pragma once

#include "core/base/Bytes.h"
#include "core/base/Result.h"

#include <QByteArray>
#include <QObject>
#include <QSslCertificate>

namespace sra::core {

// The card as the admin session needs it: the PIV Authentication certificate to present, the PIN tries left
// to show, and a signature over a digest after VERIFY. Asynchronous, so the GUI can do the PC/SC work in a
// worker thread; an implementation may also finish synchronously (emitting before sign() returns), and the
// session copes with both.
class SessionSigner : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    virtual QSslCertificate certificate() const = 0;
    virtual int pinTriesLeft() const = 0;

    // Verifies `pin` (consumed and wiped) and signs the SHA-256 digest with slot 9A. Emits exactly one of
    // signatureReady / signatureFailed.
    virtual void sign(const QByteArray& digest, base::SecureBytes pin) = 0;

Q_SIGNALS:
    void signatureReady(const QByteArray& signature);
    void signatureFailed(const sra::base::Error& error);
};

} // namespace sra::core

Q_DECLARE_METATYPE(sra::base::Error)
