// libsra-pkcs11.so loaded into a program the kernel runs in secure-execution mode, as pam_pkcs11 loads it into
// sudo, su or login: SRA_LOCAL_SOCKET names a socket that listens like srad's, and the module must not connect
// to it (it would send that socket the PIN typed into sudo), nor print its SRA_PKCS11_DEBUG lines. The program
// is a setgid copy of sra-secure-exec-probe (tests/support/SecureExec.h); the plain probe is the control.

#include "support/SecureExec.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <cstring>
#include <memory>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using sra::test::probeLines;
using sra::test::ProcessResult;
using sra::test::runProcess;

namespace {

// A UNIX socket that listens and never accepts while the module runs: whoever connected is still in its
// backlog afterwards, even after closing, so a connection cannot go unseen.
class ListeningSocket
{
public:
    explicit ListeningSocket(const QString& path)
    {
        const QByteArray name = QFile::encodeName(path);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        if (static_cast<std::size_t>(name.size()) >= sizeof address.sun_path) {
            return;
        }
        std::memcpy(address.sun_path, name.constData(), static_cast<std::size_t>(name.size()) + 1);
        m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (m_fd >= 0
            && (::bind(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0
                || ::listen(m_fd, 64) != 0)) {
            ::close(m_fd);
            m_fd = -1;
        }
    }

    ~ListeningSocket()
    {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }

    ListeningSocket(const ListeningSocket&) = delete;
    ListeningSocket& operator=(const ListeningSocket&) = delete;

    bool listening() const
    {
        return m_fd >= 0;
    }

    // Accepts and closes everything that connected so far.
    int takeConnections()
    {
        int count = 0;
        for (;;) {
            const int fd = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd >= 0) {
                ::close(fd);
                ++count;
            } else if (errno != EINTR) {
                return count;
            }
        }
    }

private:
    int m_fd = -1;
};

} // namespace

class TestSecureExecution : public QObject
{
    Q_OBJECT

private Q_SLOTS:

    void initTestCase()
    {
        QVERIFY2(!sra::test::secureExecProbe().isEmpty(), "SRA_SECURE_EXEC_PROBE is not set (tests/unit/ctk)");
        m_module = qEnvironmentVariable("SRA_PKCS11_MODULE");
        QVERIFY2(!m_module.isEmpty(), "SRA_PKCS11_MODULE is not set (tests/unit/ctk)");
        QVERIFY(m_dir.isValid());
        m_socket = std::make_unique<ListeningSocket>(m_dir.filePath(QStringLiteral("attacker.sock")));
        QVERIFY(m_socket->listening());
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(QStringLiteral("SRA_LOCAL_SOCKET"), m_dir.filePath(QStringLiteral("attacker.sock")));
        m_env.insert(QStringLiteral("SRA_PKCS11_DEBUG"), QStringLiteral("1"));
    }

    // The control: in an ordinary program the module does connect there and does log, so the next test can fail.
    void connectsInOrdinaryProgram()
    {
        const ProcessResult run = usePkcs11(sra::test::secureExecProbe());
        QVERIFY2(moduleWorked(run), qPrintable(run.describe()));
        QCOMPARE(probeLines(run.out).value(QStringLiteral("secure")), QStringLiteral("0"));
        QVERIFY2(m_socket->takeConnections() > 0, qPrintable(run.describe()));
        QVERIFY2(run.err.contains("sra-pkcs11: initialized"), qPrintable(run.describe()));
    }

    void ignoresSocketInSetgidProgram()
    {
        const auto program = sra::test::makeSecureExecCopy(sra::test::secureExecProbe(), m_dir.path());
        if (program.path.isEmpty()) {
            QSKIP(qPrintable(program.skipReason));
        }
        m_socket->takeConnections();
        const ProcessResult run = usePkcs11(program.path);
        QVERIFY2(moduleWorked(run), qPrintable(run.describe()));
        QVERIFY2(probeLines(run.out).value(QStringLiteral("secure")) == QStringLiteral("1"),
                 qPrintable(QStringLiteral("the setgid copy did not run in secure-execution mode: ") + run.describe()));
        QVERIFY2(m_socket->takeConnections() == 0,
                 qPrintable(QStringLiteral("the module connected to $SRA_LOCAL_SOCKET: ") + run.describe()));
        QVERIFY2(!run.err.contains("sra-pkcs11:"), qPrintable(run.describe()));
    }

private:
    // The module in `program`, as a login module uses it.
    ProcessResult usePkcs11(const QString& program) const
    {
        return runProcess(program, {QStringLiteral("pkcs11"), m_module}, m_env);
    }

    // Initialized, listed its slot and finalized: with srad or without (then the slot is empty) alike.
    static bool moduleWorked(const ProcessResult& run)
    {
        const auto lines = probeLines(run.out);
        const QString ok = QStringLiteral("0");
        return run.ok() && lines.value(QStringLiteral("C_Initialize")) == ok
               && lines.value(QStringLiteral("C_GetSlotList")) == ok && lines.value(QStringLiteral("C_Finalize")) == ok;
    }

    QString m_module;
    QTemporaryDir m_dir;
    std::unique_ptr<ListeningSocket> m_socket;
    QProcessEnvironment m_env;
};

QTEST_GUILESS_MAIN(TestSecureExecution)
#include "TestSecureExecution.moc"
