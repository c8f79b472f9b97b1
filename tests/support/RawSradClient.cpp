#include "support/RawSradClient.h"

#include "core/auth/AuthChallenge.h"
#include "core/net/QtBytes.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSslConfiguration>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace sra::test {

namespace {} // namespace

bool RawSradClient::connect(quint16 port, QSslSocket::SslMode mode, int timeoutMs)
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_3OrLater);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    m_socket.setSslConfiguration(tls);
    if (mode == QSslSocket::UnencryptedMode) {
        m_socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        return m_socket.waitForConnected(timeoutMs);
    }
    m_socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    return m_socket.waitForEncrypted(timeoutMs);
}

bool RawSradClient::sendRaw(const QByteArray& bytes)
{
    if (m_socket.write(bytes) != bytes.size()) {
        return false;
    }
    return m_socket.waitForBytesWritten(5000) || m_socket.bytesToWrite() == 0;
}

bool RawSradClient::send(const wire::Message& message)
{
    auto frame = wire::encodeMessage(message);
    if (!frame) {
        return false;
    }
    return sendRaw(QByteArray(reinterpret_cast<const char*>(frame->data()), static_cast<qsizetype>(frame->size())));
}

std::optional<wire::Message> RawSradClient::receive(int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (true) {
        if (auto frame = m_decoder.next()) {
            auto message = wire::decodeMessage(*frame);
            if (!message) {
                return std::nullopt;
            }
            return message.value();
        }
        if (m_decoder.error() != wire::FrameError::None) {
            return std::nullopt;
        }
        const qint64 left = timeoutMs - timer.elapsed();
        if (left <= 0) {
            return std::nullopt;
        }
        if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(static_cast<int>(left))) {
            return std::nullopt;
        }
        m_decoder.feed(core::asByteView(m_socket.readAll()));
    }
}

bool RawSradClient::waitClosed(int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (m_socket.state() != QAbstractSocket::UnconnectedState) {
        const qint64 left = timeoutMs - timer.elapsed();
        if (left <= 0) {
            return false;
        }
        m_socket.waitForReadyRead(static_cast<int>(std::min<qint64>(left, 200)));
        m_socket.readAll();
    }
    return true;
}

QSslCertificate RawSradClient::loadCertificate(const QString& pemFile)
{
    QFile f(pemFile);
    if (!f.open(QIODevice::ReadOnly)) {
        return QSslCertificate();
    }
    return QSslCertificate(f.readAll(), QSsl::Pem);
}

std::optional<QByteArray> RawSradClient::hello(const QString& certificatePemFile)
{
    m_clientNonce = core::randomNonce();
    const QByteArray der = loadCertificate(certificatePemFile).toDer();
    wire::Message hello(wire::MessageType::Hello);
    hello.set(wire::Field::ClientNonce, core::asByteView(m_clientNonce));
    hello.set(wire::Field::Certificate, core::asByteView(der));
    if (!send(hello)) {
        return std::nullopt;
    }
    auto challenge = receive();
    if (!challenge || challenge->type() != wire::MessageType::Challenge) {
        return std::nullopt;
    }
    const auto nonce = challenge->bytes(wire::Field::ServerNonce);
    return QByteArray(reinterpret_cast<const char*>(nonce.data()), static_cast<qsizetype>(nonce.size()));
}

std::optional<wire::Message> RawSradClient::authenticate(const QString& certificatePemFile, const QString& keyPemFile)
{
    const auto serverNonce = hello(certificatePemFile);
    if (!serverNonce) {
        return std::nullopt;
    }
    const QByteArray digest = core::authChallengeDigest(
        serverCertificate().toDer(), m_clientNonce, *serverNonce, loadCertificate(certificatePemFile).toDer());
    wire::Message response(wire::MessageType::AuthResponse);
    response.set(wire::Field::Signature, core::asByteView(signDigest(keyPemFile, digest)));
    if (!send(response)) {
        return std::nullopt;
    }
    return receive();
}

QByteArray RawSradClient::signDigest(const QString& keyPemFile, const QByteArray& digest)
{
    QFile f(keyPemFile);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QByteArray pem = f.readAll();
    BIO* bio = BIO_new_mem_buf(pem.constData(), static_cast<int>(pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!key) {
        return {};
    }
    QByteArray signature;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
    size_t size = 0;
    if (ctx && EVP_PKEY_sign_init(ctx) == 1 && EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) == 1
        && (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA || EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1)
        && EVP_PKEY_sign(ctx,
                         nullptr,
                         &size,
                         reinterpret_cast<const unsigned char*>(digest.constData()),
                         static_cast<size_t>(digest.size()))
               == 1) {
        signature.resize(static_cast<qsizetype>(size));
        if (EVP_PKEY_sign(ctx,
                          reinterpret_cast<unsigned char*>(signature.data()),
                          &size,
                          reinterpret_cast<const unsigned char*>(digest.constData()),
                          static_cast<size_t>(digest.size()))
            == 1) {
            signature.resize(static_cast<qsizetype>(size));
        } else {
            signature.clear();
        }
    }
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(key);
    return signature;
}

} // namespace sra::test
