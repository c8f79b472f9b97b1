#include "support/Lab.h"

#include "core/config/IniEditor.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>

#include <algorithm>

namespace sra::test {

namespace {

// Bringing the lab up creates a card (RSA key generation) and waits for pcscd and the card; sra-lab's own
// waits are 5-10 s each, so this only catches a hung script.
constexpr int labTimeoutMs = 90000;

QString labScript()
{
    return sourceDir() + QStringLiteral("/scripts/sra-lab");
}

QString tail(const QString& path, int maxLines)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    QStringList lines = QString::fromLocal8Bit(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (lines.size() > maxLines) {
        lines = lines.mid(lines.size() - maxLines);
    }
    return lines.join(QStringLiteral(" | "));
}

} // namespace

bool parseLabEnv(const QByteArray& text, QHash<QString, QString>* vars, QString* errorMessage)
{
    // sra-lab writes exactly this shape and refuses values with a single quote, so no shell parsing.
    static const QRegularExpression line(QStringLiteral("^export ([A-Za-z_][A-Za-z0-9_]*)='([^']*)'$"));
    const QStringList lines = QString::fromLocal8Bit(text).split(QLatin1Char('\n'));
    for (const QString& raw : lines) {
        const QString trimmed = raw.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(QLatin1Char('#'))) {
            continue;
        }
        const QRegularExpressionMatch match = line.match(trimmed);
        if (!match.hasMatch()) {
            if (errorMessage) {
                *errorMessage = QStringLiteral("lab.env: cannot parse line: %1").arg(trimmed);
            }
            return false;
        }
        vars->insert(match.captured(1), match.captured(2));
    }
    return true;
}

Lab::Lab()
    : Lab(Options{})
{}

Lab::Lab(const Options& options)
    : m_dir(QDir::tempPath() + QStringLiteral("/sra-lab-XXXXXX"))
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory: %1").arg(m_dir.errorString());
        return;
    }
    if (sourceDir().isEmpty()) {
        m_error = QStringLiteral("SRA_SOURCE_DIR is not set (register the test with sra_add_qtest)");
        return;
    }
    QStringList args{QStringLiteral("--key"), options.key, QStringLiteral("--pin"), options.pin};
    if (options.expiredCard) {
        args.append(QStringLiteral("--expired-card"));
    }
    if (options.cardDelayMs > 0) {
        args << QStringLiteral("--card-delay-ms") << QString::number(options.cardDelayMs);
    }
    // A test killed by ctest's timeout never runs this destructor: a detached watchdog takes the lab down once
    // the test process is gone, so nothing of it is left running (a lab already down makes it a no-op).
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!binaryDir().isEmpty()) {
        environment.insert(QStringLiteral("SRA_BUILD_DIR"), binaryDir());
    }
    // The lab directory goes through the environment, not argv: tests look for the lab's processes by that
    // argument, and the watchdog is not one of them.
    environment.insert(QStringLiteral("SRA_LAB_WATCH_PID"), QString::number(QCoreApplication::applicationPid()));
    environment.insert(QStringLiteral("SRA_LAB_WATCH_SCRIPT"), labScript());
    environment.insert(QStringLiteral("SRA_LAB_WATCH_DIR"), dir());
    QProcess watchdog;
    watchdog.setProgram(QStringLiteral("setsid"));
    watchdog.setArguments(
        {QStringLiteral("sh"),
         QStringLiteral("-c"),
         QStringLiteral("while kill -0 \"$SRA_LAB_WATCH_PID\" 2>/dev/null; do sleep 2; done; "
                        "[ -d \"$SRA_LAB_WATCH_DIR\" ] && "
                        "exec \"$SRA_LAB_WATCH_SCRIPT\" down \"$SRA_LAB_WATCH_DIR\" >/dev/null 2>&1")});
    watchdog.setProcessEnvironment(environment);
    watchdog.setStandardOutputFile(QProcess::nullDevice());
    watchdog.setStandardErrorFile(QProcess::nullDevice());
    watchdog.startDetached();
    if (!runVerb(QStringLiteral("up"), args)) {
        return;
    }
    m_up = loadEnv();
}

Lab::~Lab()
{
    if (m_dir.isValid() && !down()) {
        qWarning("sra::test::Lab: down failed: %s", qPrintable(m_error));
    }
}

QProcessEnvironment Lab::clientEnvironment() const
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PCSCLITE_CSOCK_NAME"), env(QStringLiteral("ADMIN_PCSCLITE_CSOCK_NAME")));
    return environment;
}

bool Lab::cardStop()
{
    return runVerb(QStringLiteral("card-stop"));
}

bool Lab::cardStart()
{
    return runVerb(QStringLiteral("card-start"));
}

bool Lab::pcscdRestart()
{
    return runVerb(QStringLiteral("pcscd-restart"));
}

bool Lab::down()
{
    const bool ok = runVerb(QStringLiteral("down"));
    if (ok) {
        m_up = false;
    }
    return ok;
}

qint64 Lab::pcscdPid() const
{
    return readPid(QStringLiteral("pcscd.pid"));
}

qint64 Lab::softcardPid() const
{
    return readPid(QStringLiteral("softcard.pid"));
}

bool Lab::setSradConfig(const QList<SradSetting>& settings) const
{
    QFile conf(env(QStringLiteral("SRAD_CONFIG_DIR")) + QStringLiteral("/srad.conf"));
    if (!conf.open(QIODevice::ReadOnly)) {
        return false;
    }
    QString text = QString::fromUtf8(conf.readAll());
    conf.close();
    QList<sra::core::IniSetting> edits;
    for (const SradSetting& s : settings) {
        edits.append({s.section, s.key, s.value, false});
    }
    text = sra::core::applyIniSettings(text, edits);
    if (!conf.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        return false;
    }
    const QByteArray bytes = text.toUtf8();
    return conf.write(bytes) == bytes.size();
}

ProcessResult Lab::runLab(const QString& verb, const QStringList& args) const
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    // The soft card of *this* build tree, wherever it is (the script defaults to <repo>/build).
    if (!binaryDir().isEmpty()) {
        environment.insert(QStringLiteral("SRA_BUILD_DIR"), binaryDir());
    }
    return runProcess(labScript(), QStringList{verb, dir()} + args, environment, {}, labTimeoutMs);
}

bool Lab::runVerb(const QString& verb, const QStringList& args)
{
    const ProcessResult result = runLab(verb, args);
    if (result.ok()) {
        return true;
    }
    m_error = QStringLiteral("sra-lab %1 failed: %2; logs: %3").arg(verb, result.describe(), logTails());
    return false;
}

bool Lab::loadEnv()
{
    QFile file(dir() + QStringLiteral("/lab.env"));
    if (!file.open(QIODevice::ReadOnly)) {
        m_error = QStringLiteral("sra-lab up succeeded but %1 cannot be read").arg(file.fileName());
        return false;
    }
    m_env.clear();
    return parseLabEnv(file.readAll(), &m_env, &m_error);
}

QString Lab::logTails() const
{
    return QStringLiteral("pcscd.log: [%1] softcard.log: [%2]")
        .arg(tail(dir() + QStringLiteral("/pcscd.log"), 5), tail(dir() + QStringLiteral("/softcard.log"), 5));
}

QList<qint64> Lab::vncServerPids() const
{
    QList<qint64> pids;
    const QByteArray prefix = QFile::encodeName(dir() + QStringLiteral("/remote/run/"));
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric) {
            continue;
        }
        QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (!comm.open(QIODevice::ReadOnly) || comm.readAll().trimmed() != "x11vnc"
            || !cmdline.open(QIODevice::ReadOnly) || !stat.open(QIODevice::ReadOnly)) {
            continue;
        }
        const QByteArray state = stat.readAll();
        if (state.mid(state.lastIndexOf(')') + 2, 1) == "Z") {
            continue; // a zombie is gone for our purposes
        }
        const QList<QByteArray> args = cmdline.readAll().split('\0');
        if (std::any_of(args.begin(), args.end(), [&](const QByteArray& a) { return a.startsWith(prefix); })) {
            pids.append(pid);
        }
    }
    return pids;
}

qint64 Lab::readPid(const QString& file) const
{
    QFile pidFile(dir() + QLatin1Char('/') + file);
    if (!pidFile.open(QIODevice::ReadOnly)) {
        return 0;
    }
    return pidFile.readAll().trimmed().toLongLong();
}

bool startLabAdmin(
    QProcess& admin, const Lab& lab, const QStringList& extraArgs, const QByteArray& until, QByteArray* output)
{
    admin.setProcessEnvironment(lab.clientEnvironment());
    admin.start(QStringLiteral("setsid"),
                QStringList{binaryDir() + QStringLiteral("/admin-cli/sra-connect"),
                            QStringLiteral("127.0.0.1:") + lab.env(QStringLiteral("SRAD_PORT")),
                            QStringLiteral("--known-hosts"),
                            lab.dir() + QStringLiteral("/kh"),
                            QStringLiteral("--accept-new"),
                            QStringLiteral("--pin-fd"),
                            QStringLiteral("0")}
                    + extraArgs);
    if (!admin.waitForStarted()) {
        return false;
    }
    admin.write(lab.env(QStringLiteral("SOFTCARD_PIN")).toUtf8() + '\n');
    QByteArray out;
    QByteArray err;
    QElapsedTimer t;
    t.start();
    bool seen = false;
    while (!seen && t.elapsed() < 20000) {
        admin.waitForReadyRead(200);
        out += admin.readAllStandardOutput();
        seen = out.contains(until);
    }
    if (output) {
        *output = out + admin.readAllStandardError();
    }
    return seen;
}

bool startInsertingAdmin(QProcess& admin, const Lab& lab, const QString& approve)
{
    return startLabAdmin(
        admin, lab, {QStringLiteral("--insert-card"), QStringLiteral("--approve"), approve}, "Card inserted");
}

} // namespace sra::test
