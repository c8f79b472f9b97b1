// Hostile and broken peers against a real srad: malformed, truncated, oversized and out-of-order frames,
// replayed and cross-server signatures, slow-loris connections and guessing. Each gets a typed error or is
// closed, srad stays up, and an admin session authenticated on the same srad goes on undisturbed.
#include "core/auth/AuthChallenge.h"
#include "core/net/QtBytes.h"
#include "support/Lab.h"
#include "support/Process.h"
#include "support/RawSradClient.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using sra::test::Lab;
using sra::test::RawSradClient;
using sra::test::runProcess;
namespace wire = sra::wire;

namespace {
QByteArray frameHeader(std::uint8_t version, std::uint8_t type, std::uint32_t length)
{
    QByteArray h("SR");
    h.append(static_cast<char>(version));
    h.append(static_cast<char>(type));
    for (int shift = 24; shift >= 0; shift -= 8) {
        h.append(static_cast<char>((length >> shift) & 0xFF));
    }
    return h;
}

std::optional<wire::ErrorCode> errorOf(const std::optional<wire::Message>& m)
{
    if (!m || m->type() != wire::MessageType::Error) {
        return std::nullopt;
    }
    return static_cast<wire::ErrorCode>(m->u32(wire::Field::ErrorCode).value_or(0));
}

} // namespace

class TestHostileClients : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void malformedInput_data();
    void malformedInput();
    void replayedSignatureRefused();
    void crossServerSignatureRefused();
    void slowLorisBoundedAndTimedOut();
    void guessingIsRateLimited();
    void honestSessionUndisturbed();

private:
    quint16 port() const
    {
        return static_cast<quint16>(m_lab->env(QStringLiteral("SRAD_PORT")).toUInt());
    }

    QString cardFile(const char* name) const
    {
        return m_lab->env(QStringLiteral("SOFTCARD_DIR")) + QLatin1Char('/') + QLatin1String(name);
    }

    std::unique_ptr<Lab> m_lab;
    QProcess m_admin; // sra-connect --stay: the session that must survive all of this
    qint64 m_sradPid = 0;
    QString m_adminSessionId;
};

void TestHostileClients::initTestCase()
{
    m_lab = std::make_unique<Lab>();
    QVERIFY2(m_lab->isUp(), qPrintable(m_lab->error()));
    // Tight limits so the test sees them act within seconds.
    QVERIFY(m_lab->setSradConfig({
        {QStringLiteral("auth"), QStringLiteral("handshake_timeout_ms"), QStringLiteral("3000")},
        {QStringLiteral("auth"), QStringLiteral("max_unauthenticated"),  QStringLiteral("4")   },
        {QStringLiteral("auth"), QStringLiteral("max_failures"),         QStringLiteral("3")   },
        {QStringLiteral("auth"), QStringLiteral("failure_window_s"),     QStringLiteral("60")  },
        {QStringLiteral("auth"), QStringLiteral("keepalive_interval_s"), QStringLiteral("1")   }
    }));
    QVERIFY(m_lab->runLab(QStringLiteral("srad-stop")).ok());
    QVERIFY(m_lab->runLab(QStringLiteral("srad-start")).ok());

    QByteArray seen;
    QVERIFY2(sra::test::startLabAdmin(m_admin, *m_lab, {QStringLiteral("--stay")}, "Authenticated", &seen),
             seen.constData());
    QCOMPARE(m_admin.state(), QProcess::Running);
    const QRegularExpressionMatch id =
        QRegularExpression(QStringLiteral("\\(session ([0-9a-f]+)\\)")).match(QString::fromUtf8(seen));
    QVERIFY2(id.hasMatch(), seen.constData());
    m_adminSessionId = id.captured(1);
    QFile pidFile(m_lab->dir() + QStringLiteral("/srad.pid"));
    QVERIFY(pidFile.open(QIODevice::ReadOnly));
    m_sradPid = pidFile.readAll().trimmed().toLongLong();
    QVERIFY(sra::test::processAlive(m_sradPid));
}

void TestHostileClients::cleanupTestCase()
{
    if (m_admin.state() == QProcess::Running) {
        m_admin.kill();
        m_admin.waitForFinished();
    }
    m_lab.reset();
}

void TestHostileClients::malformedInput_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("expected"); // wire::ErrorCode, 0: closed without an answer is acceptable

    QTest::addRow("HTTP request") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                                  << int(wire::ErrorCode::ProtocolViolation);
    QTest::addRow("oversized frame") << frameHeader(1, 1, 0x7FFFFFFF) << int(wire::ErrorCode::FrameTooLarge);
    QTest::addRow("just over the limit") << frameHeader(1, 1, 32 * 1024 + 1) << int(wire::ErrorCode::FrameTooLarge);
    QTest::addRow("future version") << frameHeader(2, 1, 0) << int(wire::ErrorCode::UnsupportedVersion);
    QTest::addRow("unknown type") << frameHeader(1, 0x7F, 0) << int(wire::ErrorCode::ProtocolViolation);
    QTest::addRow("Hello without fields") << frameHeader(1, 1, 0) << int(wire::ErrorCode::ProtocolViolation);
    QByteArray badField = frameHeader(1, 1, 5);
    badField.append(QByteArray::fromHex("01FFFFFFFF")); // field 1 claims 4 GiB inside a 5-byte payload
    QTest::addRow("field past the end") << badField << int(wire::ErrorCode::ProtocolViolation);
    QTest::addRow("AuthResponse first") << [] {
        wire::Message m(wire::MessageType::AuthResponse);
        m.set(wire::Field::Signature, std::string_view("x"));
        auto f = wire::encodeMessage(m);
        return QByteArray(reinterpret_cast<const char*>(f->data()), static_cast<qsizetype>(f->size()));
    }() << int(wire::ErrorCode::ProtocolViolation);
    QTest::addRow("Keepalive before auth") << frameHeader(1, 6, 0) << int(wire::ErrorCode::ProtocolViolation);
    QTest::addRow("truncated then closed") << frameHeader(1, 1, 100).append("partial") << 0;
}

void TestHostileClients::malformedInput()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, expected);
    RawSradClient client;
    QVERIFY(client.connect(port()));
    QVERIFY(client.sendRaw(bytes));
    if (expected == 0) {
        client.socket().disconnectFromHost(); // the peer goes away mid-frame
    } else {
        const auto answer = errorOf(client.receive());
        QVERIFY2(answer.has_value(), "no typed error");
        QCOMPARE(int(*answer), expected);
        QVERIFY(client.waitClosed());
    }
    QVERIFY(sra::test::processAlive(m_sradPid));
}

void TestHostileClients::replayedSignatureRefused()
{
    // A signature recorded from a successful authentication is useless in the next one: new nonces.
    RawSradClient first;
    QVERIFY(first.connect(port()));
    const auto serverNonce = first.hello(cardFile("slot-9a.cert.pem"));
    QVERIFY(serverNonce);
    const QByteArray adminDer = RawSradClient::loadCertificate(cardFile("slot-9a.cert.pem")).toDer();
    const QByteArray digest =
        sra::core::authChallengeDigest(first.serverCertificate().toDer(), first.clientNonce(), *serverNonce, adminDer);
    const QByteArray recorded = RawSradClient::signDigest(cardFile("slot-9a.key.pem"), digest);
    wire::Message response(wire::MessageType::AuthResponse);
    response.set(wire::Field::Signature, sra::core::asByteView(recorded));
    QVERIFY(first.send(response));
    const auto ok = first.receive();
    QVERIFY(ok && ok->type() == wire::MessageType::AuthOk);

    RawSradClient second;
    QVERIFY(second.connect(port()));
    QVERIFY(second.hello(cardFile("slot-9a.cert.pem")));
    QVERIFY(second.send(response)); // the recorded signature
    QCOMPARE(errorOf(second.receive()), std::optional(wire::ErrorCode::BadSignature));
    QVERIFY(second.waitClosed());
}

void TestHostileClients::crossServerSignatureRefused()
{
    // A man in the middle presents its own certificate to the admin, so the admin's card signs a digest over
    // that certificate. Forwarded to the real server, the signature does not match the server's own.
    RawSradClient client;
    QVERIFY(client.connect(port()));
    const auto serverNonce = client.hello(cardFile("slot-9a.cert.pem"));
    QVERIFY(serverNonce);
    const QByteArray otherServer = RawSradClient::loadCertificate(cardFile("ca.cert.pem")).toDer();
    const QByteArray adminDer = RawSradClient::loadCertificate(cardFile("slot-9a.cert.pem")).toDer();
    const QByteArray digest = sra::core::authChallengeDigest(otherServer, client.clientNonce(), *serverNonce, adminDer);
    wire::Message response(wire::MessageType::AuthResponse);
    response.set(wire::Field::Signature,
                 sra::core::asByteView(RawSradClient::signDigest(cardFile("slot-9a.key.pem"), digest)));
    QVERIFY(client.send(response));
    QCOMPARE(errorOf(client.receive()), std::optional(wire::ErrorCode::BadSignature));
}

void TestHostileClients::slowLorisBoundedAndTimedOut()
{
    // Four connections that complete TLS and then say nothing fill the unauthenticated slots...
    std::vector<std::unique_ptr<RawSradClient>> idle;
    for (int i = 0; i < 4; ++i) {
        idle.push_back(std::make_unique<RawSradClient>());
        QVERIFY(idle.back()->connect(port()));
        idle.back()->sendRaw(QByteArray("S")); // one byte of a header, then silence
    }
    // ...so the next one is told the server is busy, with a typed error.
    RawSradClient fifth;
    QVERIFY(fifth.connect(port()));
    QCOMPARE(errorOf(fifth.receive()), std::optional(wire::ErrorCode::TooManyConnections));
    // A raw TCP connection that never starts TLS is bounded by the same deadline.
    QTcpSocket plain;
    plain.connectToHost(QStringLiteral("127.0.0.1"), port());
    QVERIFY(plain.waitForConnected(3000));

    // The handshake deadline (3 s here) closes every one of them with Timeout.
    for (auto& c : idle) {
        QCOMPARE(errorOf(c->receive(6000)), std::optional(wire::ErrorCode::Timeout));
        QVERIFY(c->waitClosed());
    }
    QTRY_VERIFY_WITH_TIMEOUT(plain.state() == QAbstractSocket::UnconnectedState || !plain.waitForReadyRead(100), 6000);

    // Slots are free again: an honest client authenticates.
    RawSradClient honest;
    QVERIFY(honest.connect(port()));
    const auto answer = honest.authenticate(cardFile("slot-9a.cert.pem"), cardFile("slot-9a.key.pem"));
    QVERIFY(answer && answer->type() == wire::MessageType::AuthOk);
    QVERIFY(sra::test::processAlive(m_sradPid));
}

void TestHostileClients::guessingIsRateLimited()
{
    // Three bad signatures from this address (max_failures=3), then it is refused before any work.
    for (int i = 0; i < 3; ++i) {
        RawSradClient client;
        QVERIFY(client.connect(port()));
        QVERIFY(client.hello(cardFile("slot-9a.cert.pem")));
        wire::Message response(wire::MessageType::AuthResponse);
        response.set(wire::Field::Signature, std::string_view("not a signature"));
        QVERIFY(client.send(response));
        QCOMPARE(errorOf(client.receive()), std::optional(wire::ErrorCode::BadSignature));
    }
    RawSradClient limited;
    QVERIFY(limited.connect(port()));
    wire::Message hello(wire::MessageType::Hello);
    const QByteArray nonce = sra::core::randomNonce();
    const QByteArray der = RawSradClient::loadCertificate(cardFile("slot-9a.cert.pem")).toDer();
    hello.set(wire::Field::ClientNonce, sra::core::asByteView(nonce));
    hello.set(wire::Field::Certificate, sra::core::asByteView(der));
    QVERIFY(limited.send(hello));
    const auto answer = limited.receive();
    QCOMPARE(errorOf(answer), std::optional(wire::ErrorCode::RateLimited));
    const quint32 retryAfter = answer->u32(wire::Field::RetryAfterMs).value_or(0);
    QVERIFY2(retryAfter > 50000 && retryAfter <= 60000, qPrintable(QString::number(retryAfter)));
}

void TestHostileClients::honestSessionUndisturbed()
{
    // After everything above (seconds, with srad's keepalive at 1 s, so its 3 s silence limit has long passed
    // while the admin said nothing of its own), the admin session that authenticated first is still up, because
    // it answers srad's keepalives, and srad never restarted.
    QTest::qWait(4000);
    QCOMPARE(m_admin.state(), QProcess::Running);
    QVERIFY(sra::test::processAlive(m_sradPid));
    QFile log(m_lab->dir() + QStringLiteral("/srad.log"));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray text = log.readAll();
    QVERIFY(text.contains(m_adminSessionId.toUtf8()));
    QVERIFY2(!text.contains(QStringLiteral("session %1 of").arg(m_adminSessionId).toUtf8()),
             text.constData()); // "… disconnected"
    // It ends cleanly when the admin leaves (SIGTERM → Bye).
    m_admin.terminate();
    QVERIFY(m_admin.waitForFinished(10000));
    QCOMPARE(m_admin.exitCode(), 0);
    const QByteArray ended = QStringLiteral("session %1 ended by the admin").arg(m_adminSessionId).toUtf8();
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            QFile again(m_lab->dir() + QStringLiteral("/srad.log"));
            return again.open(QIODevice::ReadOnly) && again.readAll().contains(ended);
        }(),
        5000);
}

QTEST_GUILESS_MAIN(TestHostileClients)
#include "TestHostileClients.moc"
