#pragma once

#include "core/wire/Message.h"

#include <QByteArray>
#include <QSslCertificate>
#include <QSslSocket>
#include <QString>

#include <optional>

namespace sra::test {

// A protocol-level client for srad tests: speaks TLS 1.3 and SRA frames directly (blocking, with timeouts) so a
// test can send exactly what it wants — well-formed, replayed, malformed, truncated or oversized — and see
// what the server answers. Signatures are made with the soft card's key files, not through a card: the subject
// of these tests is the server's checking, not the card.
class RawSradClient
{
public:
    bool connect(quint16 port, QSslSocket::SslMode mode = QSslSocket::SslClientMode, int timeoutMs = 5000);

    QSslSocket& socket()
    {
        return m_socket;
    }

    // The server certificate this TLS session presented.
    QSslCertificate serverCertificate() const
    {
        return m_socket.peerCertificate();
    }

    bool sendRaw(const QByteArray& bytes);
    bool send(const wire::Message& message);
    // The next message, or nullopt on timeout/close/garbage.
    std::optional<wire::Message> receive(int timeoutMs = 5000);
    // True when the server closed the connection within the timeout.
    bool waitClosed(int timeoutMs = 5000);

    // Hello with a fresh nonce and the certificate (PEM file), then the Challenge's server nonce.
    std::optional<QByteArray> hello(const QString& certificatePemFile);

    QByteArray clientNonce() const
    {
        return m_clientNonce;
    }

    // The full, honest handshake: Hello, Challenge, signature over the right digest with `keyPemFile`.
    // Returns the server's answer (AuthOk or Error).
    std::optional<wire::Message> authenticate(const QString& certificatePemFile, const QString& keyPemFile);

    // Signs a SHA-256 digest D with a PEM private key the way the card does (RSA PKCS#1 v1.5 / ECDSA DER).
    static QByteArray signDigest(const QString& keyPemFile, const QByteArray& digest);
    static QSslCertificate loadCertificate(const QString& pemFile);

private:
    QSslSocket m_socket;
    wire::FrameDecoder m_decoder;
    QByteArray m_clientNonce;
};

} // namespace sra::test
