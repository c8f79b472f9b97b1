// The card relay end to end without the remote's drivers: the admin's soft card in the lab → sra-connect
// --insert-card → srad → a local-channel client in this test (speaking what the pcscd driver and the PKCS#11
// module speak). Reads come from the inserted objects; PIN checks and signatures are done by the admin's card;
// the allow-list refuses what it must on both sides, and the card's counter moves only for real PIN checks.
#include "core/auth/AuthChallenge.h"
#include "core/net/QtBytes.h"
#include "core/piv/InsertedCard.h"
#include "core/piv/PivObjects.h"
#include "core/piv/Pkcs1.h"
#include "core/piv/Tlv.h"
#include "core/wire/Message.h"
#include "support/Lab.h"
#include "support/Process.h"
#include "support/RawSradClient.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QLocalSocket>
#include <QProcess>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QTest>

#include <csignal>
#include <memory>
#include <sys/types.h>

using sra::test::Lab;
using sra::test::startInsertingAdmin;
namespace wire = sra::wire;
namespace piv = sra::piv;
using sra::core::asByteView;
using sra::core::toQByteArray;

namespace {
// A local-channel client as the pcscd driver or PKCS#11 module is one.
class LocalClient
{
public:
    bool connect(const QString& path)
    {
        m_socket.connectToServer(path);
        if (!m_socket.waitForConnected(3000)) {
            return false;
        }
        wire::Message hello(wire::MessageType::LocalHello);
        hello.setU32(wire::Field::Role, static_cast<std::uint32_t>(wire::LocalRole::Pkcs11Module));
        return send(hello);
    }

    bool send(const wire::Message& m)
    {
        auto frame = wire::encodeMessage(m);
        m_socket.write(reinterpret_cast<const char*>(frame->data()), static_cast<qint64>(frame->size()));
        return m_socket.waitForBytesWritten(3000);
    }

    std::optional<wire::Message> receive(int timeoutMs = 10000)
    {
        QElapsedTimer t;
        t.start();
        while (true) {
            if (auto frame = m_decoder.next()) {
                auto m = wire::decodeMessage(*frame);
                return m ? std::optional(m.value()) : std::nullopt;
            }
            const qint64 left = timeoutMs - t.elapsed();
            if (left <= 0 || (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(static_cast<int>(left)))) {
                return std::nullopt;
            }
            m_decoder.feed(asByteView(m_socket.readAll()));
        }
    }

    // The next message of a type, skipping pushed CardStatus updates unless that is what is wanted.
    std::optional<wire::Message> receive(wire::MessageType type, int timeoutMs = 10000)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            auto m = receive(static_cast<int>(timeoutMs - t.elapsed()));
            if (!m || m->type() == type) {
                return m;
            }
        }
        return std::nullopt;
    }

private:
    QLocalSocket m_socket;
    wire::FrameDecoder m_decoder{512 * 1024};
};

wire::Message signRequest(quint32 id, quint32 slot, quint32 algorithm, const QByteArray& input)
{
    wire::Message m(wire::MessageType::LocalSign);
    m.setU32(wire::Field::RequestId, id);
    m.setU32(wire::Field::Slot, slot);
    m.setU32(wire::Field::Algorithm, algorithm);
    m.set(wire::Field::Input, asByteView(input));
    return m;
}

wire::Message pinRequest(quint32 id, const QByteArray& pin)
{
    wire::Message m(wire::MessageType::LocalVerifyPin);
    m.setU32(wire::Field::RequestId, id);
    m.set(wire::Field::Pin, asByteView(pin));
    return m;
}

int statusOf(const std::optional<wire::Message>& m)
{
    return m ? static_cast<int>(m->u32(wire::Field::Status).value_or(99)) : -1;
}

int triesLeft(const Lab& lab)
{
    const auto r = sra::test::runProcess(sra::test::binaryDir() + QStringLiteral("/softcard/sra-softcard"),
                                         {QStringLiteral("status"), lab.env(QStringLiteral("SOFTCARD_DIR"))});
    const auto m = QRegularExpression(QStringLiteral("pin tries left: (\\d+)")).match(QString::fromUtf8(r.out));
    return m.hasMatch() ? m.captured(1).toInt() : -1;
}
} // namespace

class TestCardRelay : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void relayEndToEnd();
    void adminGoneOrSilent();
    void askModeWithoutAnswerDenies();
    void hostileLocalClients();
    void malformedInsertRefused();
};

namespace {
// Card statuses until one says present (the first may predate the insertion).
bool waitPresent(LocalClient& client)
{
    for (int i = 0; i < 5; ++i) {
        const auto status = client.receive(wire::MessageType::CardStatus, 5000);
        if (!status) {
            return false;
        }
        if (status->u32(wire::Field::Present) == 1u) {
            return true;
        }
    }
    return false;
}

QByteArray pkcs1Block()
{
    const QByteArray digest = QCryptographicHash::hash("x", QCryptographicHash::Sha256);
    return toQByteArray(
        piv::pkcs1v15SignatureBlock(piv::buildDigestInfo(piv::HashAlgorithm::Sha256, asByteView(digest)).value(), 256)
            .value());
}
} // namespace

void TestCardRelay::adminGoneOrSilent()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    // A short relay deadline so the silent case shows within the test, and a short resume grace, so the dead
    // admin's session (held for a Resume that never comes) ends within it too.
    QVERIFY(lab.setSradConfig({
        {QStringLiteral("relay"),   QStringLiteral("request_timeout_ms"), QStringLiteral("1500")},
        {QStringLiteral("network"), QStringLiteral("resume_grace_ms"),    QStringLiteral("1000")}
    }));
    QVERIFY(lab.runLab(QStringLiteral("srad-stop")).ok());
    QVERIFY(lab.runLab(QStringLiteral("srad-start")).ok());

    QProcess admin;
    QVERIFY(startInsertingAdmin(admin, lab, QStringLiteral("session")));
    LocalClient client;
    QVERIFY(client.connect(lab.env(QStringLiteral("SRAD_LOCAL_SOCKET"))));
    QVERIFY(waitPresent(client)); // sra-connect says "inserted" when it sent InsertCard, not when srad had it
    QVERIFY(client.send(pinRequest(100, lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8())));
    QCOMPARE(statusOf(client.receive(wire::MessageType::RelayResult)), int(wire::RelayStatus::Ok));

    // The admin's program hangs (stopped): the request times out at srad's deadline, nothing else breaks.
    const auto children = sra::test::processesWithArgument(lab.dir() + QStringLiteral("/kh")); // sra-connect
    QCOMPARE(children.size(), 1);
    QVERIFY(children.first() > 1); // never kill(0 or 1, …)
    QCOMPARE(::kill(static_cast<pid_t>(children.first()), SIGSTOP), 0);
    QElapsedTimer t;
    t.start();
    QVERIFY(client.send(signRequest(1, 0x9A, 0x07, pkcs1Block())));
    QCOMPARE(statusOf(client.receive(wire::MessageType::RelayResult, 10000)), int(wire::RelayStatus::Timeout));
    QVERIFY2(t.elapsed() >= 1400 && t.elapsed() < 5000, qPrintable(QString::number(t.elapsed())));

    // Killed mid-signature: srad holds the session for the resume grace (1 s), then the pending request fails as a
    // removed card and the card leaves the remote.
    QVERIFY(client.send(signRequest(2, 0x9A, 0x07, pkcs1Block())));
    t.restart();
    QCOMPARE(::kill(static_cast<pid_t>(children.first()), SIGKILL), 0);
    // srad may see the admin's connection close before it reads the request (then the card is already gone
    // and the request is answered NoCard after the CardStatus) or after (NoCard first): both must arrive.
    std::optional<quint32> resultStatus;
    std::optional<quint32> present;
    while ((!resultStatus || !present) && t.elapsed() < 10000) {
        const auto m = client.receive(static_cast<int>(10000 - t.elapsed()));
        QVERIFY(m);
        if (m->type() == wire::MessageType::RelayResult) {
            resultStatus = m->u32(wire::Field::Status);
        } else if (m->type() == wire::MessageType::CardStatus) {
            present = m->u32(wire::Field::Present);
        }
    }
    QCOMPARE(resultStatus, std::optional<quint32>(quint32(wire::RelayStatus::NoCard)));
    QCOMPARE(present, std::optional<quint32>(0u));
    qInfo("admin killed: request failed and card removed after %lld ms", t.elapsed());
    QVERIFY2(t.elapsed() >= 900 && t.elapsed() < 4000, qPrintable(QString::number(t.elapsed())));
    admin.waitForFinished();
}

void TestCardRelay::askModeWithoutAnswerDenies()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    QProcess admin;
    QVERIFY(startInsertingAdmin(admin, lab, QStringLiteral("ask")));
    LocalClient client;
    QVERIFY(client.connect(lab.env(QStringLiteral("SRAD_LOCAL_SOCKET"))));
    QVERIFY(waitPresent(client)); // sra-connect says "inserted" when it sent InsertCard, not when srad had it
    // No terminal to ask on: the admin side denies rather than checks a PIN unasked...
    QVERIFY(client.send(pinRequest(2, lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8())));
    QCOMPARE(statusOf(client.receive(wire::MessageType::RelayResult)), int(wire::RelayStatus::DeniedByAdmin));
    // ...and without a verified PIN no signature is even asked for.
    QVERIFY(client.send(signRequest(1, 0x9A, 0x07, pkcs1Block())));
    QCOMPARE(statusOf(client.receive(wire::MessageType::RelayResult)), int(wire::RelayStatus::SecurityStatus));
    QCOMPARE(triesLeft(lab), 3);
    admin.terminate();
    QVERIFY(admin.waitForFinished(10000));
}

void TestCardRelay::relayEndToEnd()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    const QString pin = lab.env(QStringLiteral("SOFTCARD_PIN"));

    // Before any admin inserts a card the remote sees none, and requests are answered NoCard.
    LocalClient early;
    QVERIFY(early.connect(lab.env(QStringLiteral("SRAD_LOCAL_SOCKET"))));
    auto status = early.receive(wire::MessageType::CardStatus);
    QVERIFY(status);
    QCOMPARE(status->u32(wire::Field::Present), std::optional<std::uint32_t>(0));
    QVERIFY(early.send(pinRequest(1, pin.toUtf8())));
    QCOMPARE(statusOf(early.receive(wire::MessageType::RelayResult)), int(wire::RelayStatus::NoCard));

    QProcess admin;
    QByteArray adminOut;
    QVERIFY2(sra::test::startLabAdmin(
                 admin,
                 lab,
                 {QStringLiteral("--insert-card"), QStringLiteral("--approve"), QStringLiteral("session")},
                 "Card inserted",
                 &adminOut),
             adminOut.constData());

    // The connected client is told at once; a new one gets the card in its first status.
    status = early.receive(wire::MessageType::CardStatus);
    QVERIFY(status && status->u32(wire::Field::Present) == 1u);
    LocalClient client;
    QVERIFY(client.connect(lab.env(QStringLiteral("SRAD_LOCAL_SOCKET"))));
    status = client.receive(wire::MessageType::CardStatus);
    QVERIFY(status && status->u32(wire::Field::Present) == 1u);
    QCOMPARE(QString::fromStdString(status->text(wire::Field::Account)), lab.env(QStringLiteral("SRAD_ACCOUNT")));
    QCOMPARE(toQByteArray(status->bytes(wire::Field::KeyAlgorithms)).left(2), QByteArray::fromHex("9A07"));

    // The objects are the card's own: the 9A certificate inside them is the card's certificate file.
    const auto object = piv::findTlv(status->bytes(wire::Field::CardObjects), 0x5FC105);
    QVERIFY(object);
    const auto der = piv::decodeCertificateObject(*object);
    QVERIFY(der);
    const QSslCertificate cardCertificate = sra::test::RawSradClient::loadCertificate(
        lab.env(QStringLiteral("SOFTCARD_DIR")) + QStringLiteral("/slot-9a.cert.pem"));
    QCOMPARE(toQByteArray(der.value()), cardCertificate.toDer());
    QVERIFY(piv::findTlv(status->bytes(wire::Field::CardObjects), 0x5FC102)); // CHUID too

    // A request meant for another card (a stale generation) never reaches this one: no PIN passed on, no try spent.
    {
        wire::Message stale = pinRequest(6, "00000000");
        stale.setU32(wire::Field::Generation, status->u32(wire::Field::Generation).value_or(0) + 1);
        QVERIFY(client.send(stale));
        QCOMPARE(statusOf(client.receive(wire::MessageType::RelayResult)), int(wire::RelayStatus::NoCard));
    }

    // A wrong PIN from the remote is checked by the admin's card: one try spent, tries reported.
    QCOMPARE(triesLeft(lab), 3);
    QVERIFY(client.send(pinRequest(7, "00000000")));
    auto result = client.receive(wire::MessageType::RelayResult);
    QCOMPARE(statusOf(result), int(wire::RelayStatus::WrongPin));
    QCOMPARE(result->u32(wire::Field::RequestId), std::optional<std::uint32_t>(7));
    QCOMPARE(result->u32(wire::Field::PinTriesLeft), std::optional<std::uint32_t>(2));
    QCOMPARE(triesLeft(lab), 2);

    QVERIFY(client.send(pinRequest(8, pin.toUtf8())));
    QCOMPARE(statusOf(client.receive(wire::MessageType::RelayResult)), int(wire::RelayStatus::Ok));
    QCOMPARE(triesLeft(lab), 3);

    // A signature: a PKCS#1 v1.5 block over a SHA-256 digest, made by the admin's card, verified with its certificate.
    // First from a second client that never proved the PIN: refused, although the card itself is unlocked now.
    {
        LocalClient stranger;
        QVERIFY(stranger.connect(lab.env(QStringLiteral("SRAD_LOCAL_SOCKET"))));
        QVERIFY(stranger.receive(wire::MessageType::CardStatus));
        const QByteArray d = QCryptographicHash::hash("stranger", QCryptographicHash::Sha256);
        const auto b =
            piv::pkcs1v15SignatureBlock(piv::buildDigestInfo(piv::HashAlgorithm::Sha256, asByteView(d)).value(), 256);
        QVERIFY(stranger.send(signRequest(1, 0x9A, 0x07, toQByteArray(b.value()))));
        QCOMPARE(statusOf(stranger.receive(wire::MessageType::RelayResult)), int(wire::RelayStatus::SecurityStatus));
    }
    const QByteArray digest = QCryptographicHash::hash("signed on the remote", QCryptographicHash::Sha256);
    const auto digestInfo = piv::buildDigestInfo(piv::HashAlgorithm::Sha256, asByteView(digest));
    const auto block = piv::pkcs1v15SignatureBlock(digestInfo.value(), 256);
    QVERIFY(client.send(signRequest(9, 0x9A, 0x07, toQByteArray(block.value()))));
    result = client.receive(wire::MessageType::RelayResult);
    QCOMPARE(statusOf(result), int(wire::RelayStatus::Ok));
    QVERIFY(sra::core::verifyAuthSignature(cardCertificate, digest, toQByteArray(result->bytes(wire::Field::Data))));

    // Decryption-shaped RSA input (type 02), a slot that is not allowed, and garbage: refused, card untouched.
    QByteArray decryption(256, '\x55');
    decryption[0] = 0;
    decryption[1] = 2;
    decryption[200] = 0;
    QVERIFY(client.send(signRequest(10, 0x9A, 0x07, decryption)));
    QCOMPARE(statusOf(client.receive(wire::MessageType::RelayResult)), int(wire::RelayStatus::RefusedByPolicy));
    QVERIFY(client.send(signRequest(11, 0x9D, 0x07, toQByteArray(block.value()))));
    QCOMPARE(statusOf(client.receive(wire::MessageType::RelayResult)), int(wire::RelayStatus::RefusedByPolicy));
    QVERIFY(client.send(signRequest(12, 0x9A, 0x07, QByteArray(100, 'x'))));
    QCOMPARE(statusOf(client.receive(wire::MessageType::RelayResult)), int(wire::RelayStatus::RefusedByPolicy));
    QCOMPARE(triesLeft(lab), 3);

    // Audit on both sides: srad names the requesting process, the admin tool lists what it did.
    QTRY_VERIFY_WITH_TIMEOUT((adminOut += admin.readAllStandardOutput()).contains("Relayed: signature with slot 9A"),
                             5000);
    QFile log(lab.dir() + QStringLiteral("/srad.log"));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray sradLog = log.readAll();
    QVERIFY2(sradLog.contains("relayed private-key operation, slot 9a") && sradLog.contains("(PKCS#11 module)"),
             sradLog.constData());
    QVERIFY(sradLog.contains("refused private-key operation"));
    QVERIFY(!sradLog.contains(pin.toUtf8()));

    // The admin's card is pulled: the virtual card leaves the remote within a second.
    QElapsedTimer pulled;
    pulled.start();
    QVERIFY(lab.cardStop());
    status = client.receive(wire::MessageType::CardStatus, 5000);
    QVERIFY(status);
    QCOMPARE(status->u32(wire::Field::Present), std::optional<std::uint32_t>(0));
    qInfo("virtual card removed %lld ms after the admin's card was pulled", pulled.elapsed());
    QVERIFY(pulled.elapsed() < 1500); // sra-lab card-stop itself takes a few hundred ms of that
    // waitForFinished() is false for a process that already finished while the test waited above.
    QVERIFY(admin.state() == QProcess::NotRunning || admin.waitForFinished(10000));
    QCOMPARE(admin.exitCode(), 7);
    QVERIFY(client.send(pinRequest(13, pin.toUtf8())));
    QCOMPARE(statusOf(client.receive(wire::MessageType::RelayResult)), int(wire::RelayStatus::NoCard));
}

void TestCardRelay::hostileLocalClients()
{
    // Broken or hostile processes on the remote's local socket are cut off; srad and an honest client go on.
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    QProcess admin;
    QVERIFY(startInsertingAdmin(admin, lab, QStringLiteral("session")));
    const QString path = lab.env(QStringLiteral("SRAD_LOCAL_SOCKET"));

    // Garbage instead of frames, a frame over the local limit, and a request before LocalHello: closed.
    for (const QByteArray& bytes : {QByteArray("GET / HTTP/1.0\r\n\r\n"), QByteArray::fromHex("5352012200100000"), [] {
                                        wire::Message m = pinRequest(1, "123456");
                                        auto f = wire::encodeMessage(m);
                                        return QByteArray(reinterpret_cast<const char*>(f->data()),
                                                          static_cast<qsizetype>(f->size()));
                                    }()}) {
        QLocalSocket raw;
        raw.connectToServer(path);
        QVERIFY(raw.waitForConnected(3000));
        raw.write(bytes);
        raw.waitForBytesWritten(1000);
        QTRY_COMPARE_WITH_TIMEOUT(raw.state(), QLocalSocket::UnconnectedState, 3000); // well before the hello deadline
    }

    // Silent after connecting: dropped after the hello deadline (5 s).
    QLocalSocket silent;
    silent.connectToServer(path);
    QVERIFY(silent.waitForConnected(3000));
    QElapsedTimer t;
    t.start();
    QTRY_COMPARE_WITH_TIMEOUT(silent.state(), QLocalSocket::UnconnectedState, 10000);
    QVERIFY2(t.elapsed() >= 4000, qPrintable(QString::number(t.elapsed())));

    // A flood of requests from one client: at most four wait for the admin at once, the rest are refused.
    LocalClient flood;
    QVERIFY(flood.connect(path));
    QVERIFY(waitPresent(flood));
    QVERIFY(flood.send(pinRequest(1, lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8())));
    QCOMPARE(statusOf(flood.receive(wire::MessageType::RelayResult)), int(wire::RelayStatus::Ok));
    const auto adminPids = sra::test::processesWithArgument(lab.dir() + QStringLiteral("/kh")); // sra-connect
    QCOMPARE(adminPids.size(), 1);
    QVERIFY(adminPids.first() > 1);
    QCOMPARE(::kill(static_cast<pid_t>(adminPids.first()), SIGSTOP), 0);
    for (quint32 i = 10; i < 20; ++i) {
        QVERIFY(flood.send(signRequest(i, 0x9A, 0x07, pkcs1Block())));
    }
    int refused = 0;
    for (int i = 0; i < 6; ++i) {
        refused +=
            statusOf(flood.receive(wire::MessageType::RelayResult, 3000)) == int(wire::RelayStatus::RefusedByPolicy);
    }
    QCOMPARE(refused, 6);
    QCOMPARE(::kill(static_cast<pid_t>(adminPids.first()), SIGCONT), 0);
    int signedOk = 0;
    for (int i = 0; i < 4; ++i) {
        signedOk += statusOf(flood.receive(wire::MessageType::RelayResult, 10000)) == int(wire::RelayStatus::Ok);
    }
    QCOMPARE(signedOk, 4);

    // srad is still there and an honest client still gets its signature.
    LocalClient honest;
    QVERIFY(honest.connect(path));
    QVERIFY(waitPresent(honest));
    QVERIFY(honest.send(pinRequest(1, lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8())));
    QCOMPARE(statusOf(honest.receive(wire::MessageType::RelayResult)), int(wire::RelayStatus::Ok));
    QVERIFY(honest.send(signRequest(2, 0x9A, 0x07, pkcs1Block())));
    QCOMPARE(statusOf(honest.receive(wire::MessageType::RelayResult)), int(wire::RelayStatus::Ok));
    admin.terminate();
    QVERIFY(admin.state() == QProcess::NotRunning || admin.waitForFinished(10000));
}

namespace {
// The next message that is not a Keepalive (srad's liveness check may come in between).
std::optional<wire::Message> nextAnswer(sra::test::RawSradClient& admin)
{
    for (int i = 0; i < 5; ++i) {
        auto m = admin.receive(10000);
        if (!m || m->type() != wire::MessageType::Keepalive) {
            return m;
        }
    }
    return std::nullopt;
}
} // namespace

void TestCardRelay::malformedInsertRefused()
{
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    LocalClient client;
    QVERIFY(client.connect(lab.env(QStringLiteral("SRAD_LOCAL_SOCKET"))));
    auto status = client.receive(wire::MessageType::CardStatus);
    QVERIFY(status && status->u32(wire::Field::Present) == 0u);

    sra::test::RawSradClient admin;
    QVERIFY(admin.connect(static_cast<quint16>(lab.env(QStringLiteral("SRAD_PORT")).toUInt())));
    const QString card = lab.env(QStringLiteral("SOFTCARD_DIR"));
    const auto ok =
        admin.authenticate(card + QStringLiteral("/slot-9a.cert.pem"), card + QStringLiteral("/slot-9a.key.pem"));
    QVERIFY(ok && ok->type() == wire::MessageType::AuthOk);

    // Objects the drivers would refuse (a CHUID that is not a data object, a repeated key): refused with a typed
    // error, nothing inserted, the session stays up.
    wire::Message bad(wire::MessageType::InsertCard);
    bad.set(wire::Field::CardObjects, asByteView(QByteArray::fromHex("5FC1020101")));
    bad.set(wire::Field::KeyAlgorithms, asByteView(QByteArray::fromHex("9A07")));
    QVERIFY(admin.send(bad));
    auto answer = nextAnswer(admin);
    QVERIFY(answer);
    QCOMPARE(int(answer->type()), int(wire::MessageType::CardRefused));
    QCOMPARE(answer->u32(wire::Field::ErrorCode), std::optional(std::uint32_t(wire::ErrorCode::CardInvalid)));
    QVERIFY2(QString::fromStdString(answer->text(wire::Field::Reason)).contains(QStringLiteral("5FC102")),
             answer->text(wire::Field::Reason).c_str());
    QVERIFY(!client.receive(wire::MessageType::CardStatus, 1000)); // no status change pushed

    // The same session then inserts a well-formed card, which the local client sees.
    piv::InsertedCard good;
    good.objects[0x5FC102] = piv::encodeChuid({}, "20991231");
    good.keys[0x9A] = piv::PivAlgorithm::Rsa2048;
    auto payload = piv::encodeInsertedCard(good);
    QVERIFY(payload.ok());
    wire::Message insert(wire::MessageType::InsertCard);
    insert.set(wire::Field::CardObjects, payload->cardObjects);
    insert.set(wire::Field::KeyAlgorithms, payload->keyAlgorithms);
    QVERIFY(admin.send(insert));
    answer = nextAnswer(admin);
    QVERIFY(answer);
    QCOMPARE(int(answer->type()), int(wire::MessageType::CardLogin));
    status = client.receive(wire::MessageType::CardStatus);
    QVERIFY(status && status->u32(wire::Field::Present) == 1u);
    QCOMPARE(toQByteArray(status->bytes(wire::Field::CardObjects)),
             QByteArray(reinterpret_cast<const char*>(payload->cardObjects.data()),
                        static_cast<qsizetype>(payload->cardObjects.size())));
}

QTEST_GUILESS_MAIN(TestCardRelay)
#include "TestCardRelay.moc"
