// libifd-sra.so as pcscd uses it: dlopen'ed, called through its IFDH* entry points, against a LocalCardServer
// that serves a real soft card over srad's local-channel protocol.

#include "core/piv/PivCardEmulator.h"
#include "core/piv/Pkcs1.h"
#include "softcard/SoftCard.h"
#include "support/LocalCardServer.h"
#include "support/Process.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <atomic>
#include <chrono>
#include <dlfcn.h>
#include <future>
#include <thread>

// The handler API's types, without pcsc-lite's headers' quirks in a C++ test: only what the ABI fixes.
using DWORD = unsigned long;
using RESPONSECODE = long;

struct IoHeader
{
    DWORD Protocol;
    DWORD Length;
};

namespace {

constexpr RESPONSECODE kSuccess = 0;
constexpr RESPONSECODE kErrorTag = 600;
constexpr RESPONSECODE kPowerAction = 608;
constexpr RESPONSECODE kCommunicationError = 612;
constexpr RESPONSECODE kNotSupported = 614;
constexpr RESPONSECODE kPresent = 615;
constexpr RESPONSECODE kNotPresent = 616;
constexpr RESPONSECODE kNoSuchDevice = 617;
constexpr RESPONSECODE kInsufficientBuffer = 618;
constexpr DWORD kPowerUp = 500;
constexpr DWORD kPowerDown = 501;
constexpr DWORD kTagAtr = 0x0303;
constexpr DWORD kTagSlotThreadSafe = 0x0FAC;
constexpr DWORD kTagThreadSafe = 0x0FAD;
constexpr DWORD kTagSlotsNumber = 0x0FAE;
constexpr DWORD kTagKillable = 0x0FB1;
constexpr DWORD kTagStopPolling = 0x0FB2;
constexpr DWORD kTagPollingWithTimeout = 0x0FB3;
constexpr int kRelayTimeoutMs = 1500;

using Bytes = sra::base::Bytes;
using Clock = std::chrono::steady_clock;

struct Ifd
{
    void* handle = nullptr;
    RESPONSECODE (*createByName)(DWORD, char*) = nullptr;
    RESPONSECODE (*create)(DWORD, DWORD) = nullptr;
    RESPONSECODE (*close)(DWORD) = nullptr;
    RESPONSECODE (*getCapabilities)(DWORD, DWORD, DWORD*, unsigned char*) = nullptr;
    RESPONSECODE (*setCapabilities)(DWORD, DWORD, DWORD, unsigned char*) = nullptr;
    RESPONSECODE (*setProtocol)(DWORD, DWORD, unsigned char, unsigned char, unsigned char, unsigned char) = nullptr;
    RESPONSECODE (*power)(DWORD, DWORD, unsigned char*, DWORD*) = nullptr;
    RESPONSECODE (*transmit)(DWORD, IoHeader, unsigned char*, DWORD, unsigned char*, DWORD*, IoHeader*) = nullptr;
    RESPONSECODE (*presence)(DWORD) = nullptr;
    RESPONSECODE (*control)(DWORD, DWORD, unsigned char*, DWORD, unsigned char*, DWORD, DWORD*) = nullptr;
    RESPONSECODE (*poll)(DWORD, int) = nullptr;
    RESPONSECODE (*stopPoll)(DWORD) = nullptr;
};

template <typename T>
bool resolve(void* handle, const char* name, T& out)
{
    out = reinterpret_cast<T>(dlsym(handle, name));
    return out != nullptr;
}

Bytes hexBytes(const char* text)
{
    const QByteArray b = QByteArray::fromHex(text);
    return Bytes(b.begin(), b.end());
}

} // namespace

class TestIfdHandler : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Ifd m_ifd;
    std::unique_ptr<sra::test::LocalCardServer> m_server;
    DWORD m_lun = 0x00010000; // reader 1, slot 0

    // One APDU; returns the response (data + SW) or an empty vector with *rc set.
    Bytes transmit(const Bytes& apdu, RESPONSECODE* rc = nullptr, DWORD lun = 0x00010000)
    {
        Bytes command = apdu;
        unsigned char rx[300];
        DWORD rxLength = sizeof rx;
        IoHeader recvPci{};
        const RESPONSECODE r = m_ifd.transmit(
            lun, IoHeader{1, 0}, command.data(), static_cast<DWORD>(command.size()), rx, &rxLength, &recvPci);
        if (rc) {
            *rc = r;
        }
        if (r != kSuccess) {
            return {};
        }
        return Bytes(rx, rx + rxLength);
    }

    static unsigned sw(const Bytes& response)
    {
        return response.size() < 2 ? 0 : (unsigned(response[response.size() - 2]) << 8) | response.back();
    }

    // Sends an APDU and collects 61xx GET RESPONSE chains, as a host does; counts the APDUs.
    Bytes exchange(const Bytes& apdu, int* apdus)
    {
        Bytes response = transmit(apdu);
        ++*apdus;
        Bytes data;
        while (response.size() >= 2 && response[response.size() - 2] == 0x61) {
            data.insert(data.end(), response.begin(), response.end() - 2);
            response = transmit(Bytes{0x00, 0xC0, 0x00, 0x00, response.back()});
            ++*apdus;
        }
        data.insert(data.end(), response.begin(), response.end());
        return data;
    }

    bool waitPresence(bool present, int timeoutMs)
    {
        const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
        do {
            if ((m_ifd.presence(m_lun) == kPresent) == present) {
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        } while (Clock::now() < deadline);
        return false;
    }

    // Powered card, PIV application selected.
    void powerUpAndSelect()
    {
        unsigned char atr[33];
        DWORD atrLength = sizeof atr;
        QCOMPARE(m_ifd.power(m_lun, kPowerUp, atr, &atrLength), kSuccess);
        const Bytes select = transmit(hexBytes("00A4040009A00000030800001000"));
        QCOMPARE(sw(select), 0x9000u);
    }

    Bytes verifyPin(const char* pin)
    {
        Bytes apdu = hexBytes("0020008008");
        const std::string text(pin);
        for (std::size_t i = 0; i < 8; ++i) {
            apdu.push_back(i < text.size() ? static_cast<std::uint8_t>(text[i]) : 0xFF);
        }
        return transmit(apdu);
    }

    // GENERAL AUTHENTICATE with 9A (RSA-2048) over SHA-256(message): the APDU, chained as hosts chain it.
    std::vector<Bytes> signApdus(const QByteArray& message)
    {
        unsigned char digest[SHA256_DIGEST_LENGTH];
        SHA256(
            reinterpret_cast<const unsigned char*>(message.constData()), static_cast<size_t>(message.size()), digest);
        auto info =
            sra::piv::buildDigestInfo(sra::piv::HashAlgorithm::Sha256, sra::base::ByteView(digest, sizeof digest));
        auto block = sra::piv::pkcs1v15SignatureBlock(info.value(), 256);
        Bytes inner = {0x82, 0x00, 0x81, 0x82, 0x01, 0x00};
        inner.insert(inner.end(), block.value().begin(), block.value().end());
        Bytes data = {0x7C, 0x82, 0x01, 0x06};
        data.insert(data.end(), inner.begin(), inner.end());
        std::vector<Bytes> apdus;
        for (std::size_t offset = 0; offset < data.size(); offset += 255) {
            const std::size_t n = std::min<std::size_t>(255, data.size() - offset);
            const bool last = offset + n == data.size();
            Bytes apdu = {
                static_cast<std::uint8_t>(last ? 0x00 : 0x10), 0x87, 0x07, 0x9A, static_cast<std::uint8_t>(n)};
            apdu.insert(apdu.end(),
                        data.begin() + static_cast<std::ptrdiff_t>(offset),
                        data.begin() + static_cast<std::ptrdiff_t>(offset + n));
            if (last) {
                apdu.push_back(0x00);
            }
            apdus.push_back(apdu);
        }
        return apdus;
    }

    bool verifySignature(const QByteArray& message, const Bytes& signature)
    {
        QFile file(m_dir.filePath(QStringLiteral("card/slot-9a.cert.pem")));
        if (!file.open(QIODevice::ReadOnly)) {
            return false;
        }
        const QByteArray pem = file.readAll();
        BIO* bio = BIO_new_mem_buf(pem.constData(), static_cast<int>(pem.size()));
        X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
        BIO_free(bio);
        if (!cert) {
            return false;
        }
        EVP_PKEY* key = X509_get0_pubkey(cert);
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        const bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1
                        && EVP_DigestVerify(ctx,
                                            signature.data(),
                                            signature.size(),
                                            reinterpret_cast<const unsigned char*>(message.constData()),
                                            static_cast<size_t>(message.size()))
                               == 1;
        EVP_MD_CTX_free(ctx);
        X509_free(cert);
        return ok;
    }

    // Signs through the driver; returns the signature, or empty with *rc/*status set.
    Bytes sign(const QByteArray& message, RESPONSECODE* rc, unsigned* status)
    {
        Bytes response;
        *rc = kSuccess;
        for (const Bytes& apdu : signApdus(message)) {
            response = transmit(apdu, rc);
            if (*rc != kSuccess) {
                return {};
            }
        }
        Bytes data;
        while (response.size() >= 2 && response[response.size() - 2] == 0x61) {
            data.insert(data.end(), response.begin(), response.end() - 2);
            response = transmit(Bytes{0x00, 0xC0, 0x00, 0x00, response.back()}, rc);
        }
        data.insert(data.end(), response.begin(), response.end());
        *status = sw(data);
        if (*status != 0x9000 || data.size() < 10) {
            return {};
        }
        // 7C len 82 len signature
        std::size_t i = 1;
        i += data[i] == 0x82 ? 3 : (data[i] == 0x81 ? 2 : 1);
        ++i; // 82
        const std::size_t len = data[i] == 0x82 ? (std::size_t(data[i + 1]) << 8 | data[i + 2]) : data[i];
        i += data[i] == 0x82 ? 3 : (data[i] == 0x81 ? 2 : 1);
        return Bytes(data.begin() + static_cast<std::ptrdiff_t>(i),
                     data.begin() + static_cast<std::ptrdiff_t>(i + len));
    }

private Q_SLOTS:

    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("SRA_IFD_RELAY_TIMEOUT_MS", QByteArray::number(kRelayTimeoutMs));
        const QString error = sra::softcard::SoftCard::create(m_dir.filePath(QStringLiteral("card")), {});
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_server = std::make_unique<sra::test::LocalCardServer>(m_dir.filePath(QStringLiteral("local.sock")));
        const QString loadError = m_server->loadCard(m_dir.filePath(QStringLiteral("card")));
        QVERIFY2(loadError.isEmpty(), qPrintable(loadError));
        QString startError;
        QVERIFY2(m_server->start(&startError), qPrintable(startError));

        const QByteArray module = qgetenv("SRA_IFD_MODULE");
        QVERIFY2(!module.isEmpty(), "SRA_IFD_MODULE not set");
        // RTLD_NOW: every symbol must resolve at load, as in pcscd (the module may not need pcscd's log_msg).
        m_ifd.handle = dlopen(module.constData(), RTLD_NOW | RTLD_LOCAL);
        QVERIFY2(m_ifd.handle, dlerror());
        QVERIFY(resolve(m_ifd.handle, "IFDHCreateChannelByName", m_ifd.createByName));
        QVERIFY(resolve(m_ifd.handle, "IFDHCreateChannel", m_ifd.create));
        QVERIFY(resolve(m_ifd.handle, "IFDHCloseChannel", m_ifd.close));
        QVERIFY(resolve(m_ifd.handle, "IFDHGetCapabilities", m_ifd.getCapabilities));
        QVERIFY(resolve(m_ifd.handle, "IFDHSetCapabilities", m_ifd.setCapabilities));
        QVERIFY(resolve(m_ifd.handle, "IFDHSetProtocolParameters", m_ifd.setProtocol));
        QVERIFY(resolve(m_ifd.handle, "IFDHPowerICC", m_ifd.power));
        QVERIFY(resolve(m_ifd.handle, "IFDHTransmitToICC", m_ifd.transmit));
        QVERIFY(resolve(m_ifd.handle, "IFDHICCPresence", m_ifd.presence));
        QVERIFY(resolve(m_ifd.handle, "IFDHControl", m_ifd.control));

        QByteArray path = m_server->socketPath().toLocal8Bit();
        QCOMPARE(m_ifd.createByName(m_lun, path.data()), kSuccess);
        QCOMPARE(m_ifd.createByName(m_lun, path.data()), kCommunicationError); // the same reader twice
    }

    void cleanupTestCase()
    {
        if (m_ifd.close) {
            QCOMPARE(m_ifd.close(m_lun), kSuccess);
            QCOMPARE(m_ifd.close(m_lun), kCommunicationError);
        }
        m_server.reset();
        // The module stays loaded: pcscd does not unload drivers either, and no thread of it is left running.
    }

    void onlyIfdhExported()
    {
        const auto result = sra::test::runProcess(QStringLiteral("nm"),
                                                  {QStringLiteral("-D"),
                                                   QStringLiteral("--defined-only"),
                                                   QString::fromLocal8Bit(qgetenv("SRA_IFD_MODULE"))});
        QVERIFY2(result.ok(), qPrintable(result.describe()));
        QStringList names;
        for (const QByteArray& line : result.out.split('\n')) {
            const QList<QByteArray> parts = line.simplified().split(' ');
            if (parts.size() == 3) {
                names << QString::fromLatin1(parts[2]);
            }
        }
        names.sort();
        QCOMPARE(names,
                 (QStringList{QStringLiteral("IFDHCloseChannel"),
                              QStringLiteral("IFDHControl"),
                              QStringLiteral("IFDHCreateChannel"),
                              QStringLiteral("IFDHCreateChannelByName"),
                              QStringLiteral("IFDHGetCapabilities"),
                              QStringLiteral("IFDHICCPresence"),
                              QStringLiteral("IFDHPowerICC"),
                              QStringLiteral("IFDHSetCapabilities"),
                              QStringLiteral("IFDHSetProtocolParameters"),
                              QStringLiteral("IFDHTransmitToICC")}));
    }

    void capabilities()
    {
        unsigned char value[64];
        DWORD length = sizeof value;
        QCOMPARE(m_ifd.getCapabilities(m_lun, kTagSlotsNumber, &length, value), kSuccess);
        QCOMPARE(length, DWORD(1));
        QCOMPARE(value[0], 1);
        length = sizeof value;
        QCOMPARE(m_ifd.getCapabilities(m_lun, kTagSlotThreadSafe, &length, value), kSuccess);
        QCOMPARE(value[0], 0);
        length = sizeof value;
        QCOMPARE(m_ifd.getCapabilities(m_lun, kTagThreadSafe, &length, value), kSuccess);
        QCOMPARE(value[0], 1);
        length = sizeof value;
        QCOMPARE(m_ifd.getCapabilities(m_lun, kTagKillable, &length, value), kSuccess);
        QCOMPARE(value[0], 0);
        length = sizeof value;
        QCOMPARE(m_ifd.getCapabilities(m_lun, kTagPollingWithTimeout, &length, value), kSuccess);
        QCOMPARE(length, DWORD(sizeof(void*)));
        std::memcpy(&m_ifd.poll, value, sizeof m_ifd.poll);
        QVERIFY(m_ifd.poll);
        length = sizeof value;
        QCOMPARE(m_ifd.getCapabilities(m_lun, kTagStopPolling, &length, value), kSuccess);
        std::memcpy(&m_ifd.stopPoll, value, sizeof m_ifd.stopPoll);
        QVERIFY(m_ifd.stopPoll);
        // A function pointer does not fit in 4 bytes: refused, length zeroed.
        length = 4;
        QCOMPARE(m_ifd.getCapabilities(m_lun, kTagPollingWithTimeout, &length, value), kInsufficientBuffer);
        QCOMPARE(length, DWORD(0));
        length = sizeof value;
        QCOMPARE(m_ifd.getCapabilities(m_lun, 0x7777, &length, value), kErrorTag);
        QCOMPARE(length, DWORD(0));
        // No card powered yet: no ATR.
        length = sizeof value;
        QCOMPARE(m_ifd.getCapabilities(m_lun, kTagAtr, &length, value), kCommunicationError);
        QCOMPARE(length, DWORD(0));
        QCOMPARE(m_ifd.setProtocol(m_lun, 2 /* T=1 */, 0, 0, 0, 0), kSuccess);
        QCOMPARE(m_ifd.setProtocol(m_lun, 4 /* raw */, 0, 0, 0, 0), 607L);
        DWORD returned = 99;
        QCOMPARE(m_ifd.control(m_lun, 0x42000000 + 3400, nullptr, 0, value, sizeof value, &returned), kSuccess);
        QCOMPARE(returned, DWORD(0));
        returned = 99;
        QCOMPARE(m_ifd.control(m_lun, 0x42000000 + 1, nullptr, 0, value, sizeof value, &returned), 606L);
        QCOMPARE(returned, DWORD(0));
    }

    void insertion()
    {
        QVERIFY(m_ifd.poll);
        QTRY_COMPARE(m_server->helloCount(), 1);
        QCOMPARE(m_ifd.presence(m_lun), kNotPresent);
        unsigned char atr[33];
        DWORD atrLength = sizeof atr;
        QCOMPARE(m_ifd.power(m_lun, kPowerUp, atr, &atrLength), kPowerAction);
        QCOMPARE(atrLength, DWORD(0));

        auto waiter = std::async(std::launch::async, [this] {
            const auto start = Clock::now();
            m_ifd.poll(m_lun, 5000);
            return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const auto inserted = Clock::now();
        m_server->insertCard();
        waiter.wait();
        const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - inserted).count();
        qInfo("insertion seen by the polling function after %.1f ms", latency / 1000.0);
        QVERIFY(latency < 1000000);
        QCOMPARE(m_ifd.presence(m_lun), kPresent);

        atrLength = sizeof atr;
        QCOMPARE(m_ifd.power(m_lun, kPowerUp, atr, &atrLength), kSuccess);
        const Bytes expected = sra::piv::PivCardEmulator::answerToReset();
        QCOMPARE(Bytes(atr, atr + atrLength), expected);
        unsigned char value[64];
        DWORD length = sizeof value;
        QCOMPARE(m_ifd.getCapabilities(m_lun, kTagAtr, &length, value), kSuccess);
        QCOMPARE(Bytes(value, value + length), expected);
    }

    void readsAnsweredLocally()
    {
        powerUpAndSelect();
        const int verifiesBefore = m_server->verifyRequests();
        const int signsBefore = m_server->signRequests();
        int apdus = 1; // the SELECT
        // CHUID, the four certificates, discovery, key history; CCC may be absent.
        const char* objects[] = {"5FC102", "5FC105", "5FC10A", "5FC10B", "5FC101", "7E", "5FC10C"};
        for (const char* tag : objects) {
            Bytes apdu = hexBytes("00CB3FFF");
            const Bytes tagBytes = hexBytes(tag);
            const Bytes data = [&] {
                Bytes d{0x5C, static_cast<std::uint8_t>(tagBytes.size())};
                d.insert(d.end(), tagBytes.begin(), tagBytes.end());
                return d;
            }();
            apdu.push_back(static_cast<std::uint8_t>(data.size()));
            apdu.insert(apdu.end(), data.begin(), data.end());
            apdu.push_back(0x00);
            const Bytes response = exchange(apdu, &apdus);
            QCOMPARE(sw(response), 0x9000u);
            QVERIFY(response.size() > 2);
        }
        // Empty VERIFY: tries left, answered from the CardStatus counter.
        QCOMPARE(sw(transmit(hexBytes("0020008000"))), 0x63C3u);
        ++apdus;
        QCOMPARE(m_server->verifyRequests(), verifiesBefore);
        QCOMPARE(m_server->signRequests(), signsBefore);
        qInfo("%d APDUs answered locally, 0 relayed", apdus);
    }

    void relayedVerifyAndSign()
    {
        powerUpAndSelect();
        const int verifiesBefore = m_server->verifyRequests();
        const int signsBefore = m_server->signRequests();
        QCOMPARE(sw(verifyPin("123456")), 0x9000u);
        QCOMPARE(m_server->verifyRequests(), verifiesBefore + 1);
        const QByteArray message("the remote signs this");
        RESPONSECODE rc = 0;
        unsigned status = 0;
        const Bytes signature = sign(message, &rc, &status);
        QCOMPARE(rc, kSuccess);
        QCOMPARE(status, 0x9000u);
        QCOMPARE(signature.size(), std::size_t(256));
        QVERIFY(verifySignature(message, signature));
        QCOMPARE(m_server->signRequests(), signsBefore + 1);
        QCOMPARE(m_server->verifyRequests(), verifiesBefore + 1);
    }

    void wrongPin()
    {
        powerUpAndSelect();
        QCOMPARE(m_server->pinTriesLeft(), 3);
        QCOMPARE(sw(verifyPin("654321")), 0x63C2u);
        QCOMPARE(m_server->pinTriesLeft(), 2);
        // The driver's own counter follows without a round trip.
        const int before = m_server->verifyRequests();
        QCOMPARE(sw(transmit(hexBytes("0020008000"))), 0x63C2u);
        QCOMPARE(m_server->verifyRequests(), before);
        QCOMPARE(sw(verifyPin("123456")), 0x9000u);
        QCOMPARE(m_server->pinTriesLeft(), 3);
        // A signature without a VERIFY after power up: refused locally, no round trip.
        powerUpAndSelect();
        RESPONSECODE rc = 0;
        unsigned status = 0;
        const int signs = m_server->signRequests();
        QVERIFY(sign("x", &rc, &status).empty());
        QCOMPARE(status, 0x6982u);
        QCOMPARE(m_server->signRequests(), signs);
    }

    void refusedByPolicy()
    {
        powerUpAndSelect();
        m_server->setForcedStatus(sra::wire::RelayStatus::RefusedByPolicy);
        QCOMPARE(sw(verifyPin("123456")), 0x6982u);
        m_server->setForcedStatus(std::nullopt);
        QCOMPARE(sw(verifyPin("123456")), 0x9000u);
        m_server->setForcedStatus(sra::wire::RelayStatus::DeniedByAdmin);
        RESPONSECODE rc = 0;
        unsigned status = 0;
        QVERIFY(sign("x", &rc, &status).empty());
        QCOMPARE(rc, kSuccess);
        QCOMPARE(status, 0x6982u);
        m_server->setForcedStatus(std::nullopt);
        QCOMPARE(m_ifd.presence(m_lun), kPresent);
        QCOMPARE(m_server->pinTriesLeft(), 3);
    }

    void removalSeenWithinOneSecond()
    {
        QCOMPARE(m_ifd.presence(m_lun), kPresent);
        auto waiter = std::async(std::launch::async, [this] { m_ifd.poll(m_lun, 5000); });
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const auto removed = Clock::now();
        m_server->removeCard();
        waiter.wait();
        const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - removed).count();
        qInfo("removal seen by the polling function after %.2f ms", latency / 1000.0);
        QVERIFY(latency < 1000000);
        QCOMPARE(m_ifd.presence(m_lun), kNotPresent);
        RESPONSECODE rc = 0;
        transmit(hexBytes("00A4040009A00000030800001000"), &rc);
        QCOMPARE(rc, 616L);

        // Re-inserted: a new card (new generation), seen as removal + insertion.
        m_server->insertCard();
        QVERIFY(waitPresence(true, 1000));
    }

    void stopPollingReturnsAtOnce()
    {
        auto waiter = std::async(std::launch::async, [this] {
            const auto start = Clock::now();
            m_ifd.poll(m_lun, 10000);
            return Clock::now() - start;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        QCOMPARE(m_ifd.stopPoll(m_lun), kSuccess);
        QVERIFY(waiter.wait_for(std::chrono::seconds(1)) == std::future_status::ready);
        QCOMPARE(m_ifd.stopPoll(0x00770000), kNoSuchDevice);
    }

    void serverDroppedMidSignature()
    {
        powerUpAndSelect();
        QCOMPARE(sw(verifyPin("123456")), 0x9000u);
        m_server->setAnswerMode(sra::test::LocalCardServer::AnswerMode::Disconnect);
        RESPONSECODE rc = 0;
        unsigned status = 0;
        const auto start = Clock::now();
        QVERIFY(sign("x", &rc, &status).empty());
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
        QCOMPARE(rc, kCommunicationError);
        QVERIFY(elapsed <= kRelayTimeoutMs + 500);
        QCOMPARE(m_ifd.presence(m_lun), kNotPresent);
        m_server->setAnswerMode(sra::test::LocalCardServer::AnswerMode::Answer);
        // The driver reconnects; srad still has the card, so it comes back as a new card.
        QVERIFY(waitPresence(true, 3000));
    }

    void adminHungMidSignature()
    {
        powerUpAndSelect();
        QCOMPARE(sw(verifyPin("123456")), 0x9000u);
        m_server->setAnswerMode(sra::test::LocalCardServer::AnswerMode::Ignore);
        RESPONSECODE rc = 0;
        unsigned status = 0;
        const auto start = Clock::now();
        QVERIFY(sign("x", &rc, &status).empty());
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
        qInfo("unanswered signature failed after %lld ms (deadline %d ms)",
              static_cast<long long>(elapsed),
              kRelayTimeoutMs);
        QCOMPARE(rc, kCommunicationError);
        QVERIFY(elapsed >= kRelayTimeoutMs - 50);
        QVERIFY(elapsed <= kRelayTimeoutMs + 500);
        QCOMPARE(m_ifd.presence(m_lun), kNotPresent);
        m_server->setAnswerMode(sra::test::LocalCardServer::AnswerMode::Answer);
        QVERIFY(waitPresence(true, 3000));
        // A late answer is not taken for a later request: a fresh signature works.
        powerUpAndSelect();
        QCOMPARE(sw(verifyPin("123456")), 0x9000u);
        const Bytes signature = sign("after the hang", &rc, &status);
        QCOMPARE(status, 0x9000u);
        QVERIFY(verifySignature("after the hang", signature));
    }

    void sradRestart()
    {
        QVERIFY(waitPresence(true, 1000));
        const int hellos = m_server->helloCount();
        m_server->stop();
        QVERIFY(waitPresence(false, 1000));
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QVERIFY(waitPresence(true, 3000));
        QVERIFY(m_server->helloCount() > hellos);
        powerUpAndSelect();
        QCOMPARE(sw(verifyPin("123456")), 0x9000u);
    }

    void badArguments()
    {
        const DWORD badLuns[] = {0x00050000, m_lun | 1};
        for (const DWORD lun : badLuns) {
            unsigned char buffer[300];
            DWORD length = 1234;
            QCOMPARE(m_ifd.getCapabilities(lun, kTagSlotsNumber, &length, buffer), kNoSuchDevice);
            QCOMPARE(length, DWORD(0));
            length = 1234;
            QCOMPARE(m_ifd.power(lun, kPowerUp, buffer, &length), kNoSuchDevice);
            QCOMPARE(length, DWORD(0));
            length = sizeof buffer;
            Bytes apdu = hexBytes("00A4040009A00000030800001000");
            QCOMPARE(m_ifd.transmit(lun, IoHeader{1, 0}, apdu.data(), DWORD(apdu.size()), buffer, &length, nullptr),
                     kNoSuchDevice);
            QCOMPARE(length, DWORD(0));
            QCOMPARE(m_ifd.presence(lun), kNoSuchDevice);
            DWORD returned = 77;
            QCOMPARE(m_ifd.control(lun, 0x42000000 + 3400, nullptr, 0, buffer, sizeof buffer, &returned),
                     kNoSuchDevice);
            QCOMPARE(returned, DWORD(0));
            QCOMPARE(m_ifd.close(lun), kCommunicationError);
            QCOMPARE(m_ifd.setCapabilities(lun, 1, 0, nullptr), kNoSuchDevice);
        }
        // Null pointers on a good Lun.
        DWORD length = 1234;
        QCOMPARE(m_ifd.getCapabilities(m_lun, kTagSlotsNumber, &length, nullptr), kCommunicationError);
        QCOMPARE(length, DWORD(0));
        QCOMPARE(m_ifd.getCapabilities(m_lun, kTagSlotsNumber, nullptr, nullptr), kCommunicationError);
        length = 1234;
        QCOMPARE(m_ifd.power(m_lun, kPowerUp, nullptr, &length), kCommunicationError);
        QCOMPARE(length, DWORD(0));
        QCOMPARE(m_ifd.power(m_lun, kPowerUp, nullptr, nullptr), kCommunicationError);
        length = 1234;
        unsigned char atr[33];
        QCOMPARE(m_ifd.power(m_lun, 999, atr, &length), kNotSupported);
        QCOMPARE(length, DWORD(0));
        unsigned char rx[300];
        length = sizeof rx;
        QCOMPARE(m_ifd.transmit(m_lun, IoHeader{1, 0}, nullptr, 5, rx, &length, nullptr), kCommunicationError);
        QCOMPARE(length, DWORD(0));
        Bytes apdu = hexBytes("00A4040009A00000030800001000");
        length = sizeof rx;
        QCOMPARE(m_ifd.transmit(m_lun, IoHeader{1, 0}, apdu.data(), DWORD(apdu.size()), nullptr, &length, nullptr),
                 kCommunicationError);
        QCOMPARE(length, DWORD(0));
        QCOMPARE(m_ifd.transmit(m_lun, IoHeader{1, 0}, apdu.data(), DWORD(apdu.size()), rx, nullptr, nullptr),
                 kCommunicationError);
        // Response larger than the buffer: error, length zeroed.
        powerUpAndSelect();
        length = 3;
        QCOMPARE(m_ifd.transmit(m_lun, IoHeader{1, 0}, apdu.data(), DWORD(apdu.size()), rx, &length, nullptr),
                 kCommunicationError);
        QCOMPARE(length, DWORD(0));
        QCOMPARE(m_ifd.control(m_lun, 0, nullptr, 0, nullptr, 0, nullptr), kCommunicationError);
        QCOMPARE(m_ifd.createByName(0x00060000, nullptr), kCommunicationError);
        char relative[] = "relative.sock";
        QCOMPARE(m_ifd.createByName(0x00060000, relative), kCommunicationError);
        char relativeWithScheme[] = "sra:relative.sock";
        QCOMPARE(m_ifd.createByName(0x00060000, relativeWithScheme), kCommunicationError);
        // The installed reader.conf form: "sra:" before the path (pcscd does not stat such a DEVICENAME).
        QByteArray withScheme = "sra:" + m_server->socketPath().toLocal8Bit();
        QCOMPARE(m_ifd.createByName(0x00060000, withScheme.data()), kSuccess);
        QCOMPARE(m_ifd.close(0x00060000), kSuccess);
        // Power down: ATR gone.
        length = sizeof atr;
        QCOMPARE(m_ifd.power(m_lun, kPowerDown, atr, &length), kSuccess);
        QCOMPARE(length, DWORD(0));
        unsigned char value[64];
        length = sizeof value;
        QCOMPARE(m_ifd.getCapabilities(m_lun, kTagAtr, &length, value), kCommunicationError);
        QCOMPARE(length, DWORD(0));
    }

    void defaultChannelAndSecondReader()
    {
        // IFDHCreateChannel: srad's default socket, which does not exist here: a reader without a card.
        QCOMPARE(m_ifd.create(0x00020000, 0), kSuccess);
        QCOMPARE(m_ifd.presence(0x00020000), kNotPresent);
        QCOMPARE(m_ifd.close(0x00020000), kSuccess);
    }
};

QTEST_GUILESS_MAIN(TestIfdHandler)
#include "TestIfdHandler.moc"
