// libsra-pkcs11.so against the real stack of the lab: the admin's soft card → sra-connect --insert-card →
// srad → the module over srad's local socket (SRA_LOCAL_SOCKET=$SRAD_LOCAL_SOCKET).
//
// One contract suite (argument contracts of the PKCS#11 specification, initialization and locking, fork,
// token presence) runs twice, against the entry points linked into this test and against the built module
// loaded with dlopen() — the same expectations for both, as SoftHSM's CRYPTOKI_F_PTR tests and p11-kit's
// shared mock suite do. Then OpenSC's pkcs11-tool drives the built module like an application would:
// slots, objects, a login with a wrong PIN (one try spent on the admin's card), RSA and ECDSA signatures that
// openssl verifies with the card's certificate, the admin's card pulled, and srad restarted.
#include "ctk/Pkcs11Api.h"
#include "support/Lab.h"
#include "support/Process.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslKey>
#include <QTest>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <mutex>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using sra::test::Lab;
using sra::test::startInsertingAdmin;

namespace {
QString modulePath()
{
    return sra::test::binaryDir() + QStringLiteral("/ctk/libsra-pkcs11.so");
}

// The module's function list: linked in (in-process) or from dlopen().
struct Loaded
{
    void* handle = nullptr;
    CK_FUNCTION_LIST_PTR f = nullptr;

    ~Loaded()
    {
        if (f) {
            f->C_Finalize(nullptr); // a failed check returns early: never unload a running module
        }
        if (handle) {
            ::dlclose(handle);
        }
    }
};

bool load(bool viaDlopen, Loaded& loaded)
{
    if (!viaDlopen) {
        return C_GetFunctionList(&loaded.f) == CKR_OK && loaded.f;
    }
    loaded.handle = ::dlopen(QFile::encodeName(modulePath()).constData(), RTLD_NOW | RTLD_LOCAL);
    if (!loaded.handle) {
        return false;
    }
    auto get = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(loaded.handle, "C_GetFunctionList"));
    return get && get(&loaded.f) == CKR_OK && loaded.f;
}

void setSocket(const Lab& lab)
{
    ::setenv("SRA_LOCAL_SOCKET", QFile::encodeName(lab.env(QStringLiteral("SRAD_LOCAL_SOCKET"))).constData(), 1);
}

void stopAdmin(QProcess& admin)
{
    if (admin.state() != QProcess::NotRunning) {
        admin.terminate();
        if (!admin.waitForFinished(10000)) {
            admin.kill();
            admin.waitForFinished(5000);
        }
    }
}

int triesLeft(const Lab& lab)
{
    const auto r = sra::test::runProcess(sra::test::binaryDir() + QStringLiteral("/softcard/sra-softcard"),
                                         {QStringLiteral("status"), lab.env(QStringLiteral("SOFTCARD_DIR"))});
    const auto m = QRegularExpression(QStringLiteral("pin tries left: (\\d+)")).match(QString::fromUtf8(r.out));
    return m.hasMatch() ? m.captured(1).toInt() : -1;
}

CK_ULONG slotCount(CK_FUNCTION_LIST_PTR f, CK_BBOOL present)
{
    CK_ULONG n = 99;
    return f->C_GetSlotList(present, nullptr, &n) == CKR_OK ? n : 99;
}

// Waits until C_GetSlotList(tokenPresent) reports `want` slots.
bool waitForSlots(CK_FUNCTION_LIST_PTR f, CK_ULONG want, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        if (slotCount(f, CK_TRUE) == want) {
            return true;
        }
        QTest::qWait(50);
    }
    return false;
}

// Application mutex callbacks that count their use.
int g_created = 0;
int g_locked = 0;
int g_destroyed = 0;

CK_RV createMutex(CK_VOID_PTR_PTR mutex)
{
    ++g_created;
    *mutex = new std::mutex;
    return CKR_OK;
}

CK_RV destroyMutex(CK_VOID_PTR mutex)
{
    ++g_destroyed;
    delete static_cast<std::mutex*>(mutex);
    return CKR_OK;
}

CK_RV lockMutex(CK_VOID_PTR mutex)
{
    ++g_locked;
    static_cast<std::mutex*>(mutex)->lock();
    return CKR_OK;
}

CK_RV unlockMutex(CK_VOID_PTR mutex)
{
    static_cast<std::mutex*>(mutex)->unlock();
    return CKR_OK;
}

QByteArray attribute(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type)
{
    CK_ATTRIBUTE a{type, nullptr, 0};
    if (f->C_GetAttributeValue(s, o, &a, 1) != CKR_OK) {
        return {};
    }
    QByteArray value(static_cast<qsizetype>(a.ulValueLen), '\0');
    a.pValue = value.data();
    return f->C_GetAttributeValue(s, o, &a, 1) == CKR_OK ? value : QByteArray();
}

std::vector<CK_OBJECT_HANDLE> find(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE s, CK_OBJECT_CLASS cls)
{
    CK_ATTRIBUTE t{CKA_CLASS, &cls, sizeof cls};
    std::vector<CK_OBJECT_HANDLE> out;
    if (f->C_FindObjectsInit(s, &t, 1) != CKR_OK) {
        return out;
    }
    CK_OBJECT_HANDLE h[16];
    CK_ULONG n = 0;
    while (f->C_FindObjects(s, h, 16, &n) == CKR_OK && n > 0) {
        out.insert(out.end(), h, h + n);
    }
    f->C_FindObjectsFinal(s);
    return out;
}

bool verifyWithCertificate(const QByteArray& certDer,
                           const EVP_MD* md,
                           const QByteArray& message,
                           const QByteArray& signature)
{
    const auto* p = reinterpret_cast<const unsigned char*>(certDer.constData());
    X509* cert = d2i_X509(nullptr, &p, certDer.size());
    if (!cert) {
        return false;
    }
    EVP_PKEY* key = X509_get0_pubkey(cert);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, key) == 1
                    && EVP_DigestVerify(ctx,
                                        reinterpret_cast<const unsigned char*>(signature.constData()),
                                        static_cast<std::size_t>(signature.size()),
                                        reinterpret_cast<const unsigned char*>(message.constData()),
                                        static_cast<std::size_t>(message.size()))
                           == 1;
    EVP_MD_CTX_free(ctx);
    X509_free(cert);
    return ok;
}
} // namespace

class TestPkcs11Module : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void contract_data();
    void contract();
    void pkcs11Tool_data();
    void pkcs11Tool();
    void exports();
};

void TestPkcs11Module::contract_data()
{
    QTest::addColumn<bool>("viaDlopen");
    QTest::newRow("in-process") << false;
    QTest::newRow("dlopen") << true;
}

void TestPkcs11Module::contract()
{
    QFETCH(bool, viaDlopen);
    Lab lab;
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    setSocket(lab);
    Loaded loaded;
    QVERIFY2(load(viaDlopen, loaded), ::dlerror());
    CK_FUNCTION_LIST_PTR f = loaded.f;
    QCOMPARE(f->version.major, CK_BYTE(2));
    QCOMPARE(f->version.minor, CK_BYTE(40));

    // Before C_Initialize.
    CK_ULONG count = 0;
    CK_INFO info;
    QCOMPARE(f->C_GetSlotList(CK_FALSE, nullptr, &count), CKR_CRYPTOKI_NOT_INITIALIZED);
    QCOMPARE(f->C_GetInfo(&info), CKR_CRYPTOKI_NOT_INITIALIZED);
    QCOMPARE(f->C_OpenSession(0, CKF_SERIAL_SESSION, nullptr, nullptr, nullptr), CKR_CRYPTOKI_NOT_INITIALIZED);
    QCOMPARE(f->C_Finalize(nullptr), CKR_CRYPTOKI_NOT_INITIALIZED);
    QCOMPARE(f->C_GetFunctionList(nullptr), CKR_ARGUMENTS_BAD);

    // C_Initialize's arguments: pReserved must be NULL; mutex callbacks all or none.
    CK_C_INITIALIZE_ARGS args{};
    int reserved = 0;
    args.pReserved = &reserved;
    QCOMPARE(f->C_Initialize(&args), CKR_ARGUMENTS_BAD);
    args = {};
    args.CreateMutex = createMutex;
    args.LockMutex = lockMutex;
    QCOMPARE(f->C_Initialize(&args), CKR_ARGUMENTS_BAD);
    QCOMPARE(f->C_GetInfo(&info), CKR_CRYPTOKI_NOT_INITIALIZED);

    // The application's mutexes, without CKF_OS_LOCKING_OK: the module uses them.
    args = {};
    args.CreateMutex = createMutex;
    args.DestroyMutex = destroyMutex;
    args.LockMutex = lockMutex;
    args.UnlockMutex = unlockMutex;
    g_created = g_locked = g_destroyed = 0;
    QCOMPARE(f->C_Initialize(&args), CKR_OK);
    QCOMPARE(f->C_Initialize(&args), CKR_CRYPTOKI_ALREADY_INITIALIZED);
    QCOMPARE(f->C_GetInfo(&info), CKR_OK);
    QVERIFY(g_created == 1 && g_locked >= 1);
    QCOMPARE(f->C_Finalize(nullptr), CKR_OK);
    QCOMPARE(g_destroyed, 1);
    // CKF_OS_LOCKING_OK with callbacks: native locks, the callbacks stay unused.
    args.flags = CKF_OS_LOCKING_OK;
    g_created = g_locked = 0;
    QCOMPARE(f->C_Initialize(&args), CKR_OK);
    QCOMPARE(f->C_GetInfo(&info), CKR_OK);
    QCOMPARE(g_locked, 0);
    QCOMPARE(f->C_Finalize(nullptr), CKR_OK);
    QCOMPARE(f->C_Initialize(nullptr), CKR_OK);

    // No admin has inserted a card: one slot, no token.
    QCOMPARE(f->C_GetInfo(nullptr), CKR_ARGUMENTS_BAD);
    QCOMPARE(f->C_GetInfo(&info), CKR_OK);
    QCOMPARE(info.cryptokiVersion.major, CK_BYTE(2));
    QCOMPARE(f->C_GetSlotList(CK_FALSE, nullptr, nullptr), CKR_ARGUMENTS_BAD);
    QCOMPARE(slotCount(f, CK_FALSE), CK_ULONG(1));
    QCOMPARE(slotCount(f, CK_TRUE), CK_ULONG(0));
    CK_SLOT_ID slots[2] = {};
    count = 0;
    QCOMPARE(f->C_GetSlotList(CK_FALSE, slots, &count), CKR_BUFFER_TOO_SMALL);
    QCOMPARE(count, CK_ULONG(1));
    QCOMPARE(f->C_GetSlotList(CK_FALSE, slots, &count), CKR_OK);
    const CK_SLOT_ID slot = slots[0];
    CK_SLOT_INFO slotInfo;
    QCOMPARE(f->C_GetSlotInfo(slot, nullptr), CKR_ARGUMENTS_BAD);
    QCOMPARE(f->C_GetSlotInfo(slot + 7, &slotInfo), CKR_SLOT_ID_INVALID);
    QCOMPARE(f->C_GetSlotInfo(slot, &slotInfo), CKR_OK);
    QCOMPARE(slotInfo.flags & CKF_TOKEN_PRESENT, CK_FLAGS(0));
    QVERIFY(QByteArray(reinterpret_cast<const char*>(slotInfo.slotDescription), 64).startsWith("SRA Virtual Card"));
    CK_TOKEN_INFO tokenInfo;
    QCOMPARE(f->C_GetTokenInfo(slot, &tokenInfo), CKR_TOKEN_NOT_PRESENT);
    CK_SESSION_HANDLE session = 0;
    QCOMPARE(f->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &session), CKR_TOKEN_NOT_PRESENT);
    CK_SLOT_ID event = 0;
    QCOMPARE(f->C_WaitForSlotEvent(CKF_DONT_BLOCK, &event, nullptr), CKR_NO_EVENT);

    // The admin inserts the card: the token appears (and a slot event is reported).
    QProcess admin;
    QVERIFY(startInsertingAdmin(admin, lab, QStringLiteral("session")));
    QVERIFY(waitForSlots(f, 1, 5000));
    QCOMPARE(f->C_WaitForSlotEvent(CKF_DONT_BLOCK, &event, nullptr), CKR_OK);
    QCOMPARE(event, slot);
    QCOMPARE(f->C_GetSlotInfo(slot, &slotInfo), CKR_OK);
    QCOMPARE(slotInfo.flags & CKF_TOKEN_PRESENT, CK_FLAGS(CKF_TOKEN_PRESENT));
    QCOMPARE(f->C_GetTokenInfo(slot, &tokenInfo), CKR_OK);
    QVERIFY(tokenInfo.flags & CKF_LOGIN_REQUIRED);
    QCOMPARE(tokenInfo.ulMinPinLen, CK_ULONG(6));

    // Mechanisms: a two-call size query.
    count = 0;
    QCOMPARE(f->C_GetMechanismList(slot, nullptr, nullptr), CKR_ARGUMENTS_BAD);
    QCOMPARE(f->C_GetMechanismList(slot, nullptr, &count), CKR_OK);
    QVERIFY(count >= 4);
    std::vector<CK_MECHANISM_TYPE> mechanisms(count);
    CK_ULONG small = 1;
    QCOMPARE(f->C_GetMechanismList(slot, mechanisms.data(), &small), CKR_BUFFER_TOO_SMALL);
    QCOMPARE(small, count);
    QCOMPARE(f->C_GetMechanismList(slot, mechanisms.data(), &count), CKR_OK);
    QVERIFY(std::find(mechanisms.begin(), mechanisms.end(), CKM_SHA256_RSA_PKCS) != mechanisms.end());
    CK_MECHANISM_INFO mechanismInfo;
    QCOMPARE(f->C_GetMechanismInfo(slot, CKM_RSA_PKCS, &mechanismInfo), CKR_OK);
    QVERIFY(mechanismInfo.flags & CKF_SIGN);
    QCOMPARE(f->C_GetMechanismInfo(slot, CKM_AES_CBC, &mechanismInfo), CKR_MECHANISM_INVALID);

    // Sessions and objects.
    QCOMPARE(f->C_OpenSession(slot, 0, nullptr, nullptr, &session), CKR_SESSION_PARALLEL_NOT_SUPPORTED);
    QCOMPARE(f->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, nullptr), CKR_ARGUMENTS_BAD);
    QCOMPARE(f->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &session), CKR_OK);
    const auto certificates = find(f, session, CKO_CERTIFICATE);
    QVERIFY(!certificates.empty());
    // Private objects need a login: before it only 9E's key (CKA_PRIVATE false: no PIN on a PIV card) shows.
    for (const CK_OBJECT_HANDLE visible : find(f, session, CKO_PRIVATE_KEY)) {
        QCOMPARE(attribute(f, session, visible, CKA_ID), QByteArray::fromHex("04"));
        QCOMPARE(attribute(f, session, visible, CKA_PRIVATE), QByteArray(1, '\0'));
    }
    const CK_OBJECT_HANDLE cert = certificates.front();
    QCOMPARE(attribute(f, session, cert, CKA_ID), QByteArray::fromHex("01"));
    const QByteArray certDer = attribute(f, session, cert, CKA_VALUE);
    const QSslCertificate cardCertificate =
        QSslCertificate::fromPath(lab.env(QStringLiteral("SOFTCARD_DIR")) + QStringLiteral("/slot-9a.cert.pem"))
            .value(0);
    QCOMPARE(certDer, cardCertificate.toDer());
    CK_ATTRIBUTE tooSmall[2] = {
        {CKA_VALUE, nullptr, 0},
        {CKA_LABEL, nullptr, 0}
    };
    QByteArray buffer(10, '\0');
    tooSmall[0].pValue = buffer.data();
    tooSmall[0].ulValueLen = 10;
    QCOMPARE(f->C_GetAttributeValue(session, cert, tooSmall, 2), CKR_BUFFER_TOO_SMALL);
    QCOMPARE(tooSmall[0].ulValueLen, CK_UNAVAILABLE_INFORMATION);
    QVERIFY(tooSmall[1].ulValueLen > 0 && tooSmall[1].ulValueLen != CK_UNAVAILABLE_INFORMATION); // sizes still given
    CK_ATTRIBUTE unknown{CKA_MODULUS, nullptr, 0};
    QCOMPARE(f->C_GetAttributeValue(session, cert, &unknown, 1), CKR_ATTRIBUTE_TYPE_INVALID);
    QCOMPARE(f->C_GetAttributeValue(session, cert, nullptr, 1), CKR_ARGUMENTS_BAD);
    QCOMPARE(f->C_FindObjects(session, nullptr, 1, &count), CKR_ARGUMENTS_BAD);

    // Login: a wrong PIN is checked by the admin's card (one try spent), then the right one.
    const QByteArray pin = lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8();
    QCOMPARE(triesLeft(lab), 3);
    QByteArray wrong("00000000");
    QCOMPARE(f->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(wrong.data()), 8), CKR_PIN_INCORRECT);
    QCOMPARE(triesLeft(lab), 2);
    QCOMPARE(f->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(wrong.data()), 3), CKR_PIN_LEN_RANGE);
    QCOMPARE(triesLeft(lab), 2);
    QCOMPARE(f->C_Login(session,
                        CKU_USER,
                        reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(pin.constData())),
                        static_cast<CK_ULONG>(pin.size())),
             CKR_OK);
    QCOMPARE(triesLeft(lab), 3);
    const auto keys = find(f, session, CKO_PRIVATE_KEY);
    QVERIFY(!keys.empty());
    const CK_OBJECT_HANDLE key = keys.front();
    QCOMPARE(attribute(f, session, key, CKA_ID), QByteArray::fromHex("01"));
    QCOMPARE(attribute(f, session, key, CKA_ALWAYS_AUTHENTICATE), QByteArray(1, '\0'));
    QCOMPARE(attribute(f, session, key, CKA_EXTRACTABLE), QByteArray(1, '\0'));
    CK_ATTRIBUTE secret{CKA_PRIVATE_EXPONENT, nullptr, 0};
    QCOMPARE(f->C_GetAttributeValue(session, key, &secret, 1), CKR_ATTRIBUTE_SENSITIVE);

    // C_Sign: size query, too small, then the signature (verified with the certificate).
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    QCOMPARE(f->C_Sign(session, nullptr, 0, nullptr, &count), CKR_OPERATION_NOT_INITIALIZED);
    QCOMPARE(f->C_SignInit(session, nullptr, key), CKR_ARGUMENTS_BAD);
    QCOMPARE(f->C_SignInit(session, &mechanism, cert), CKR_KEY_FUNCTION_NOT_PERMITTED);
    QCOMPARE(f->C_SignInit(session, &mechanism, key), CKR_OK);
    QCOMPARE(f->C_SignInit(session, &mechanism, key), CKR_OPERATION_ACTIVE);
    QByteArray message("signed through libsra-pkcs11");
    auto* data = reinterpret_cast<CK_BYTE_PTR>(message.data());
    CK_ULONG size = 0;
    QCOMPARE(f->C_Sign(session, data, static_cast<CK_ULONG>(message.size()), nullptr, &size), CKR_OK);
    QCOMPARE(size, CK_ULONG(256));
    QByteArray signature(256, '\0');
    CK_ULONG shortSize = 100;
    QCOMPARE(f->C_Sign(session,
                       data,
                       static_cast<CK_ULONG>(message.size()),
                       reinterpret_cast<CK_BYTE_PTR>(signature.data()),
                       &shortSize),
             CKR_BUFFER_TOO_SMALL);
    QCOMPARE(shortSize, CK_ULONG(256));
    QCOMPARE(f->C_Sign(session,
                       data,
                       static_cast<CK_ULONG>(message.size()),
                       reinterpret_cast<CK_BYTE_PTR>(signature.data()),
                       &size),
             CKR_OK);
    QVERIFY(verifyWithCertificate(certDer, EVP_sha256(), message, signature));
    // Multi-part.
    QCOMPARE(f->C_SignInit(session, &mechanism, key), CKR_OK);
    QCOMPARE(f->C_SignUpdate(session, data, 10), CKR_OK);
    QCOMPARE(f->C_SignUpdate(session, data + 10, static_cast<CK_ULONG>(message.size() - 10)), CKR_OK);
    size = 256;
    QCOMPARE(f->C_SignFinal(session, reinterpret_cast<CK_BYTE_PTR>(signature.data()), &size), CKR_OK);
    QVERIFY(verifyWithCertificate(certDer, EVP_sha256(), message, signature));

    // Fork: the child sees an uninitialized library until it initializes its own.
    const pid_t child = ::fork();
    if (child == 0) {
        CK_ULONG n = 0;
        if (f->C_GetSlotList(CK_FALSE, nullptr, &n) != CKR_CRYPTOKI_NOT_INITIALIZED) {
            ::_exit(1);
        }
        if (f->C_Finalize(nullptr) != CKR_CRYPTOKI_NOT_INITIALIZED) {
            ::_exit(2);
        }
        if (f->C_Initialize(nullptr) != CKR_OK || f->C_GetSlotList(CK_FALSE, nullptr, &n) != CKR_OK || n != 1) {
            ::_exit(3);
        }
        ::_exit(f->C_Finalize(nullptr) == CKR_OK ? 0 : 4);
    }
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 0);
    QCOMPARE(slotCount(f, CK_TRUE), CK_ULONG(1)); // the parent is undisturbed

    // The admin's card is pulled: the token leaves, the session with it.
    QVERIFY(lab.cardStop());
    QVERIFY(waitForSlots(f, 0, 3000));
    CK_SESSION_INFO sessionInfo;
    QCOMPARE(f->C_GetSessionInfo(session, &sessionInfo), CKR_SESSION_HANDLE_INVALID);
    QCOMPARE(f->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &session), CKR_TOKEN_NOT_PRESENT);
    stopAdmin(admin);
    QVERIFY(lab.cardStart());

    // srad restarts: the module reconnects by itself; the card is back after a new insertion.
    QVERIFY(lab.runLab(QStringLiteral("srad-stop")).ok());
    QVERIFY(waitForSlots(f, 0, 3000));
    QVERIFY(lab.runLab(QStringLiteral("srad-start")).ok());
    QProcess again;
    QVERIFY(startInsertingAdmin(again, lab, QStringLiteral("session")));
    QVERIFY(waitForSlots(f, 1, 8000));
    QCOMPARE(f->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &session), CKR_OK);
    QCOMPARE(f->C_CloseSession(session), CKR_OK);
    QCOMPARE(f->C_CloseSession(session), CKR_SESSION_HANDLE_INVALID);
    QCOMPARE(f->C_Finalize(reinterpret_cast<CK_VOID_PTR>(1)), CKR_ARGUMENTS_BAD);
    QCOMPARE(f->C_Finalize(nullptr), CKR_OK);
    QCOMPARE(f->C_GetSlotList(CK_FALSE, nullptr, &count), CKR_CRYPTOKI_NOT_INITIALIZED);
    stopAdmin(again);
}

void TestPkcs11Module::pkcs11Tool_data()
{
    QTest::addColumn<QString>("key");
    QTest::newRow("rsa2048") << QStringLiteral("rsa2048");
    QTest::newRow("p256") << QStringLiteral("p256");
    QTest::newRow("p384") << QStringLiteral("p384");
}

void TestPkcs11Module::pkcs11Tool()
{
    QFETCH(QString, key);
    Lab::Options options;
    options.key = key;
    Lab lab(options);
    QVERIFY2(lab.isUp(), qPrintable(lab.error()));
    QProcess admin;
    QVERIFY(startInsertingAdmin(admin, lab, QStringLiteral("session")));

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SRA_LOCAL_SOCKET"), lab.env(QStringLiteral("SRAD_LOCAL_SOCKET")));
    const QString tool = QStringLiteral("pkcs11-tool");
    const QStringList module{QStringLiteral("--module"), modulePath()};
    const QString pin = lab.env(QStringLiteral("SOFTCARD_PIN"));

    auto r = sra::test::runProcess(tool, module + QStringList{QStringLiteral("--list-slots")}, env);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QVERIFY2(r.out.contains("SRA Virtual Card") && r.out.contains("token label"), r.out.constData());

    r = sra::test::runProcess(tool, module + QStringList{QStringLiteral("--list-objects")}, env);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QCOMPARE(r.out.count("Certificate Object"), 4);
    QVERIFY2(r.out.contains("Certificate for PIV Authentication") && r.out.contains("ID:         01"),
             r.out.constData());

    // A wrong PIN: CKR_PIN_INCORRECT and exactly one try spent on the admin's card.
    QCOMPARE(triesLeft(lab), 3);
    r = sra::test::runProcess(tool,
                              module
                                  + QStringList{QStringLiteral("--login"),
                                                QStringLiteral("--pin"),
                                                QStringLiteral("87654321"),
                                                QStringLiteral("--list-objects")},
                              env);
    QVERIFY2(!r.ok() && QByteArray(r.out + r.err).contains("CKR_PIN_INCORRECT"), qPrintable(r.describe()));
    QCOMPARE(triesLeft(lab), 2);

    // A signature over a file, verified by openssl with the card's certificate.
    const QString message = lab.dir() + QStringLiteral("/msg");
    const QString signature = lab.dir() + QStringLiteral("/sig");
    const QString publicKey = lab.dir() + QStringLiteral("/pub.pem");
    QFile m(message);
    QVERIFY(m.open(QIODevice::WriteOnly));
    m.write("a message signed on the remote with the admin's card\n");
    m.close();
    r = sra::test::runProcess(QStringLiteral("openssl"),
                              {QStringLiteral("x509"),
                               QStringLiteral("-in"),
                               lab.env(QStringLiteral("SOFTCARD_DIR")) + QStringLiteral("/slot-9a.cert.pem"),
                               QStringLiteral("-pubkey"),
                               QStringLiteral("-noout"),
                               QStringLiteral("-out"),
                               publicKey});
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    const bool rsa = key == QStringLiteral("rsa2048");
    QStringList signArgs = module
                           + QStringList{QStringLiteral("--login"),
                                         QStringLiteral("--pin"),
                                         pin,
                                         QStringLiteral("--sign"),
                                         QStringLiteral("--id"),
                                         QStringLiteral("01"),
                                         QStringLiteral("-i"),
                                         message,
                                         QStringLiteral("-o"),
                                         signature,
                                         QStringLiteral("-m")};
    if (rsa) {
        signArgs << QStringLiteral("SHA256-RSA-PKCS");
    } else {
        signArgs << QStringLiteral("ECDSA-SHA256") << QStringLiteral("--signature-format") << QStringLiteral("openssl");
    }
    QElapsedTimer t;
    t.start();
    r = sra::test::runProcess(tool, signArgs, env);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    qInfo("%s: pkcs11-tool --login --sign took %lld ms", qPrintable(key), t.elapsed());
    QCOMPARE(triesLeft(lab), 3);
    r = sra::test::runProcess(QStringLiteral("openssl"),
                              {QStringLiteral("dgst"),
                               QStringLiteral("-sha256"),
                               QStringLiteral("-verify"),
                               publicKey,
                               QStringLiteral("-signature"),
                               signature,
                               message});
    QVERIFY2(r.ok() && r.out.contains("Verified OK"), qPrintable(r.describe()));

    // The admin's card pulled: the token is gone for a new application.
    QVERIFY(lab.cardStop());
    QVERIFY(admin.waitForFinished(10000));
    r = sra::test::runProcess(tool, module + QStringList{QStringLiteral("--list-token-slots")}, env);
    QVERIFY2(!r.out.contains("SRA Virtual Card"), qPrintable(r.describe()));
    r = sra::test::runProcess(tool, module + QStringList{QStringLiteral("--list-slots")}, env);
    QVERIFY2(r.ok() && r.out.contains("(empty)"), qPrintable(r.describe()));
}

void TestPkcs11Module::exports()
{
    const auto r = sra::test::runProcess(QStringLiteral("objdump"), {QStringLiteral("-T"), modulePath()});
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    int exported = 0;
    for (const QByteArray& line : r.out.split('\n')) {
        if (!line.contains(" DF ") && !line.contains(" DO ")) {
            continue;
        }
        if (line.contains("*UND*")) {
            continue;
        }
        const QByteArray name = line.split(' ').last();
        QVERIFY2(name.startsWith("C_"), line.constData());
        ++exported;
    }
    QCOMPARE(exported, 68); // every PKCS#11 v2.40 function, nothing else
    const auto deps = sra::test::runProcess(QStringLiteral("objdump"), {QStringLiteral("-p"), modulePath()});
    QVERIFY(!deps.out.contains("Qt6") && !deps.out.contains("p11-kit"));
}

QTEST_GUILESS_MAIN(TestPkcs11Module)
#include "TestPkcs11Module.moc"
