// The environment as the code loaded into other programs sees it (base::trustedGetenv, local::defaultSocketPath):
// honoured in an ordinary program, ignored in one the kernel runs in secure-execution mode — a setgid copy of
// sra-secure-exec-probe standing in for sudo or su, whose environment belongs to the user who started them.
// The PKCS#11 module itself in such a program: unit.ctk.SecureExecution.

#include "core/base/BuildConfig.h"
#include "support/SecureExec.h"

#include <QTemporaryDir>
#include <QTest>

using sra::test::probeLines;
using sra::test::runProcess;

namespace {

// The other variables the PKCS#11 module and the pcscd driver read, each with a value other than its default.
const QList<std::pair<QString, QString>> kVariables = {
    {QStringLiteral("SRA_PKCS11_DEBUG"),         QStringLiteral("1")    },
    {QStringLiteral("SRA_IFD_LOG"),              QStringLiteral("debug")},
    {QStringLiteral("SRA_IFD_RELAY_TIMEOUT_MS"), QStringLiteral("1234") },
};

} // namespace

class TestSecureExecution : public QObject
{
    Q_OBJECT

private Q_SLOTS:

    void initTestCase()
    {
        QVERIFY2(!sra::test::secureExecProbe().isEmpty(), "SRA_SECURE_EXEC_PROBE is not set (tests/unit/local)");
        QVERIFY(m_dir.isValid());
        m_socket = m_dir.filePath(QStringLiteral("attacker.sock"));
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(QStringLiteral("SRA_LOCAL_SOCKET"), m_socket);
        for (const auto& [name, value] : kVariables) {
            m_env.insert(name, value);
        }
    }

    // The control: without AT_SECURE the same variables are what the modules use, so the next test can fail.
    void honouredInOrdinaryProgram()
    {
        const auto run = runProcess(sra::test::secureExecProbe(), {QStringLiteral("env")}, m_env);
        QVERIFY2(run.ok(), qPrintable(run.describe()));
        const auto lines = probeLines(run.out);
        QCOMPARE(lines.value(QStringLiteral("secure")), QStringLiteral("0"));
        QCOMPARE(lines.value(QStringLiteral("socket")), m_socket);
        QCOMPARE(lines.value(QStringLiteral("SRA_LOCAL_SOCKET")), m_socket);
        for (const auto& [name, value] : kVariables) {
            QCOMPARE(lines.value(name), value);
        }
    }

    void ignoredInSetgidProgram()
    {
        const auto program = sra::test::makeSecureExecCopy(sra::test::secureExecProbe(), m_dir.path());
        if (program.path.isEmpty()) {
            QSKIP(qPrintable(program.skipReason));
        }
        const auto run = runProcess(program.path, {QStringLiteral("env")}, m_env);
        QVERIFY2(run.ok(), qPrintable(run.describe()));
        const auto lines = probeLines(run.out);
        QVERIFY2(lines.value(QStringLiteral("secure")) == QStringLiteral("1"),
                 qPrintable(QStringLiteral("the setgid copy did not run in secure-execution mode: ") + run.describe()));
        // The PIN goes where srad listens, not to a socket the caller named.
        QCOMPARE(lines.value(QStringLiteral("socket")), QStringLiteral(SRA_LOCAL_SOCKET_PATH));
        QVERIFY2(lines.contains(QStringLiteral("SRA_LOCAL_SOCKET"))
                     && lines.value(QStringLiteral("SRA_LOCAL_SOCKET")).isNull(),
                 qPrintable(run.describe()));
        for (const auto& entry : kVariables) {
            QVERIFY2(lines.contains(entry.first) && lines.value(entry.first).isNull(),
                     qPrintable(entry.first + QStringLiteral(" was read: ") + run.describe()));
        }
    }

private:
    QTemporaryDir m_dir;
    QString m_socket;
    QProcessEnvironment m_env;
};

QTEST_GUILESS_MAIN(TestSecureExecution)
#include "TestSecureExecution.moc"
