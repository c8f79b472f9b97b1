// libifd-sra.so loaded by a real, private pcscd (its own mount namespace, as scripts/sra-lab runs it), the card
// served by a LocalCardServer over srad's local-channel protocol, and OpenSC as the independent client:
// opensc-tool lists the reader with a card, pkcs15-tool the four certificates, pkcs11-tool signs (relayed
// VERIFY and GENERAL AUTHENTICATE) and openssl verifies; removal reaches SCardGetStatusChange within 1 s; a
// restarted pcscd brings the reader back. The socket lives in the test directory, outside /run, which is
// rebound inside pcscd's namespace.

#include "softcard/SoftCard.h"
#include "support/LocalCardServer.h"
#include "support/Process.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <winscard.h>

#include <memory>
#include <signal.h>
#include <unistd.h>

namespace {

const QString kReaderName = QStringLiteral("SRA Virtual Card Reader");
const QString kOpenscModule = QStringLiteral("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so");

} // namespace

class TestIfdUnderPcscd : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir{QStringLiteral("/tmp/sra-ifd-XXXXXX")};
    std::unique_ptr<sra::test::LocalCardServer> m_server;
    std::unique_ptr<QProcess> m_pcscd;

    QString path(const QString& name) const
    {
        return m_dir.filePath(name);
    }

    QProcessEnvironment clientEnv() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PCSCLITE_CSOCK_NAME"), path(QStringLiteral("run/pcscd/pcscd.comm")));
        env.insert(QStringLiteral("OPENSC_CONF"), path(QStringLiteral("opensc.conf")));
        return env;
    }

    bool startPcscd()
    {
        QDir().mkpath(path(QStringLiteral("run")));
        QFile::remove(path(QStringLiteral("run/pcscd/pcscd.comm")));
        m_pcscd = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SRA_IFD_LOG"), QStringLiteral("info"));
        env.insert(QStringLiteral("SRA_IFD_RELAY_TIMEOUT_MS"), QStringLiteral("10000"));
        m_pcscd->setProcessEnvironment(env);
        m_pcscd->setStandardOutputFile(path(QStringLiteral("pcscd.log")), QIODevice::Append);
        m_pcscd->setStandardErrorFile(path(QStringLiteral("pcscd.log")), QIODevice::Append);
        // The shell's pid stays pcscd's after exec; /run inside is DIR/run.
        m_pcscd->start(
            QStringLiteral("unshare"),
            {QStringLiteral("--mount"),
             QStringLiteral("--propagation"),
             QStringLiteral("private"),
             QStringLiteral("sh"),
             QStringLiteral("-c"),
             QStringLiteral("mount --bind \"$0/run\" /run && exec pcscd --foreground --config \"$0/reader.conf\""),
             m_dir.path()});
        if (!m_pcscd->waitForStarted(5000)) {
            return false;
        }
        QElapsedTimer timer;
        timer.start();
        while (!QFile::exists(path(QStringLiteral("run/pcscd/pcscd.comm")))) {
            if (m_pcscd->state() == QProcess::NotRunning || timer.elapsed() > 10000) {
                return false;
            }
            QTest::qWait(20);
        }
        return true;
    }

    void stopPcscd()
    {
        if (m_pcscd && m_pcscd->state() != QProcess::NotRunning) {
            ::kill(static_cast<pid_t>(m_pcscd->processId()), SIGTERM);
            if (!m_pcscd->waitForFinished(5000)) {
                m_pcscd->kill();
                m_pcscd->waitForFinished(2000);
            }
        }
        m_pcscd.reset();
    }

    // "Yes"/"No" for our reader in `opensc-tool -l`, empty when not listed.
    QString cardInReader()
    {
        const auto result = sra::test::runProcess(QStringLiteral("opensc-tool"), {QStringLiteral("-l")}, clientEnv());
        for (const QByteArray& line : result.out.split('\n')) {
            if (line.contains(kReaderName.toLatin1())) {
                const QList<QByteArray> parts = line.simplified().split(' ');
                return parts.size() > 1 ? QString::fromLatin1(parts[1]) : QString();
            }
        }
        return {};
    }

    bool waitCardInReader(const QString& want, int timeoutMs)
    {
        QElapsedTimer timer;
        timer.start();
        do {
            if (cardInReader() == want) {
                return true;
            }
            QTest::qWait(100);
        } while (timer.elapsed() < timeoutMs);
        return false;
    }

private Q_SLOTS:

    void initTestCase()
    {
        QVERIFY2(::geteuid() == 0, "needs root: the private pcscd runs in its own mount namespace");
        QVERIFY(m_dir.isValid());
        const QString module = QString::fromLocal8Bit(qgetenv("SRA_IFD_MODULE"));
        QVERIFY2(QFile::exists(module), "SRA_IFD_MODULE");
        const QString error = sra::softcard::SoftCard::create(path(QStringLiteral("card")), {});
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_server = std::make_unique<sra::test::LocalCardServer>(path(QStringLiteral("local.sock")));
        const QString loadError = m_server->loadCard(path(QStringLiteral("card")));
        QVERIFY2(loadError.isEmpty(), qPrintable(loadError));
        QString startError;
        QVERIFY2(m_server->start(&startError), qPrintable(startError));
        m_server->insertCard();

        QFile conf(path(QStringLiteral("reader.conf")));
        QVERIFY(conf.open(QIODevice::WriteOnly));
        conf.write(QStringLiteral("FRIENDLYNAME \"%1\"\nDEVICENAME %2\nLIBPATH %3\nCHANNELID 0\n")
                       .arg(kReaderName, path(QStringLiteral("local.sock")), module)
                       .toUtf8());
        conf.close();
        // OpenSC with its defaults, but no file cache shared with other tests.
        QFile opensc(path(QStringLiteral("opensc.conf")));
        QVERIFY(opensc.open(QIODevice::WriteOnly));
        opensc.write("app default {\n  framework pkcs15 {\n    use_file_caching = no;\n  }\n}\n");
        opensc.close();
        QVERIFY2(startPcscd(), "pcscd did not start; see pcscd.log");
        qputenv("PCSCLITE_CSOCK_NAME", path(QStringLiteral("run/pcscd/pcscd.comm")).toLocal8Bit());
    }

    void cleanupTestCase()
    {
        stopPcscd();
        m_server.reset();
        if (QTest::currentTestFailed()) {
            QFile log(path(QStringLiteral("pcscd.log")));
            if (log.open(QIODevice::ReadOnly)) {
                qWarning("pcscd.log:\n%s", log.readAll().right(4000).constData());
            }
        }
    }

    void readerWithCard()
    {
        QVERIFY2(waitCardInReader(QStringLiteral("Yes"), 5000), "opensc-tool -l does not show the reader with a card");
    }

    void certificatesListed()
    {
        const int signs = m_server->signRequests();
        const int verifies = m_server->verifyRequests();
        const auto result =
            sra::test::runProcess(QStringLiteral("pkcs15-tool"), {QStringLiteral("--list-certificates")}, clientEnv());
        QVERIFY2(result.ok(), qPrintable(result.describe()));
        QCOMPARE(result.out.count("X.509 Certificate ["), 4);
        // Every read was answered by the driver: nothing relayed.
        QCOMPARE(m_server->signRequests(), signs);
        QCOMPARE(m_server->verifyRequests(), verifies);
    }

    void pkcs11SignatureVerifies()
    {
        QFile input(path(QStringLiteral("data.bin")));
        QVERIFY(input.open(QIODevice::WriteOnly));
        input.write("signed on the remote through the relay\n");
        input.close();
        const int signs = m_server->signRequests();
        const auto sign = sra::test::runProcess(QStringLiteral("pkcs11-tool"),
                                                {QStringLiteral("--module"),
                                                 kOpenscModule,
                                                 QStringLiteral("--login"),
                                                 QStringLiteral("--pin"),
                                                 QStringLiteral("123456"),
                                                 QStringLiteral("--sign"),
                                                 QStringLiteral("-m"),
                                                 QStringLiteral("SHA256-RSA-PKCS"),
                                                 QStringLiteral("--id"),
                                                 QStringLiteral("01"),
                                                 QStringLiteral("-i"),
                                                 path(QStringLiteral("data.bin")),
                                                 QStringLiteral("-o"),
                                                 path(QStringLiteral("data.sig"))},
                                                clientEnv(),
                                                {},
                                                60000);
        QVERIFY2(sign.ok(), qPrintable(sign.describe()));
        QCOMPARE(m_server->signRequests(), signs + 1);
        const auto pub = sra::test::runProcess(QStringLiteral("openssl"),
                                               {QStringLiteral("x509"),
                                                QStringLiteral("-in"),
                                                path(QStringLiteral("card/slot-9a.cert.pem")),
                                                QStringLiteral("-pubkey"),
                                                QStringLiteral("-noout"),
                                                QStringLiteral("-out"),
                                                path(QStringLiteral("pub.pem"))});
        QVERIFY2(pub.ok(), qPrintable(pub.describe()));
        const auto verify = sra::test::runProcess(QStringLiteral("openssl"),
                                                  {QStringLiteral("dgst"),
                                                   QStringLiteral("-sha256"),
                                                   QStringLiteral("-verify"),
                                                   path(QStringLiteral("pub.pem")),
                                                   QStringLiteral("-signature"),
                                                   path(QStringLiteral("data.sig")),
                                                   path(QStringLiteral("data.bin"))});
        QVERIFY2(verify.ok(), qPrintable(verify.describe()));
        QVERIFY(verify.out.contains("Verified OK"));
    }

    void removalWithinOneSecond()
    {
        SCARDCONTEXT context = 0;
        QCOMPARE(SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context), LONG(SCARD_S_SUCCESS));
        const QByteArray name = kReaderName.toLatin1();
        // pcscd names the reader "FRIENDLYNAME 00 00".
        char readers[1024];
        DWORD length = sizeof readers;
        QCOMPARE(SCardListReaders(context, nullptr, readers, &length), LONG(SCARD_S_SUCCESS));
        QVERIFY(QByteArray(readers).startsWith(name));
        SCARD_READERSTATE state{};
        state.szReader = readers;
        state.dwCurrentState = SCARD_STATE_UNAWARE;
        QCOMPARE(SCardGetStatusChange(context, 0, &state, 1), LONG(SCARD_S_SUCCESS));
        QVERIFY(state.dwEventState & SCARD_STATE_PRESENT);

        QElapsedTimer timer;
        state.dwCurrentState = state.dwEventState;
        m_server->removeCard();
        timer.start();
        LONG rv = SCARD_S_SUCCESS;
        while (!(state.dwEventState & SCARD_STATE_EMPTY) && timer.elapsed() < 3000) {
            state.dwCurrentState = state.dwEventState;
            rv = SCardGetStatusChange(context, 3000, &state, 1);
        }
        const qint64 latencyUs = timer.nsecsElapsed() / 1000;
        QCOMPARE(rv, LONG(SCARD_S_SUCCESS));
        qInfo("removal seen by SCardGetStatusChange after %.1f ms", static_cast<double>(latencyUs) / 1000.0);
        QVERIFY(state.dwEventState & SCARD_STATE_EMPTY);
        QVERIFY(latencyUs < 1000000);
        QCOMPARE(cardInReader(), QStringLiteral("No"));

        state.dwCurrentState = state.dwEventState;
        m_server->insertCard();
        timer.restart();
        while (!(state.dwEventState & SCARD_STATE_PRESENT) && timer.elapsed() < 3000) {
            state.dwCurrentState = state.dwEventState;
            SCardGetStatusChange(context, 3000, &state, 1);
        }
        qInfo("insertion seen by SCardGetStatusChange after %.1f ms", static_cast<double>(timer.nsecsElapsed()) / 1e6);
        QVERIFY(state.dwEventState & SCARD_STATE_PRESENT);
        SCardReleaseContext(context);
    }

    void pcscdRestart()
    {
        stopPcscd();
        QVERIFY2(startPcscd(), "pcscd did not start again");
        QVERIFY2(waitCardInReader(QStringLiteral("Yes"), 5000), "the reader did not come back with its card");
        const auto result =
            sra::test::runProcess(QStringLiteral("pkcs15-tool"), {QStringLiteral("--list-certificates")}, clientEnv());
        QVERIFY2(result.ok(), qPrintable(result.describe()));
        QCOMPARE(result.out.count("X.509 Certificate ["), 4);
    }
};

QTEST_GUILESS_MAIN(TestIfdUnderPcscd)
#include "TestIfdUnderPcscd.moc"
