// srad --check: the result line, the shared fixes, the build's environment and the order the checks run in.
#include "remote-service/SradCheck.h"

#include "remote-service/SradCheckSupport.h"

#include <QDir>

namespace sra::srad {

namespace check {

QString startFix()
{
    return QStringLiteral("start the service: systemctl start srad (why it stopped: journalctl -u srad)");
}

CheckResult ok(const QString& item, const QString& found)
{
    return CheckResult{true, item, found, {}};
}

CheckResult fail(const QString& item, const QString& found, const QString& fix)
{
    return CheckResult{false, item, found, fix};
}

QString setupCommand(const core::SradPaths& paths, bool realRoot, const QString& arguments)
{
    return realRoot ? QStringLiteral("sra-setup %1").arg(arguments)
                    : QStringLiteral("sra-setup --root %1 %2").arg(paths.root, arguments);
}

} // namespace check

using namespace check;

QString CheckResult::line() const
{
    QString text =
        ok ? QStringLiteral("OK   %1: %2").arg(item, found) : QStringLiteral("FAIL %1: %2 — %3").arg(item, found, fix);
    // Messages from elsewhere (OpenSSL, Qt, a file name) must not break the one-line-per-item promise.
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    return text;
}

SradCheck::Environment SradCheck::Environment::build()
{
    Environment env;
    env.readerConfDir = QStringLiteral(SRA_PCSC_SERIALCONFDIR);
    env.p11KitModuleDirs = QStringLiteral(SRA_P11KIT_MODULE_CONFIG_DIRS).split(QLatin1Char(':'), Qt::SkipEmptyParts);
    env.p11KitModulePath = QStringLiteral(SRA_P11KIT_MODULE_PATH);
    env.ifdFileName = QStringLiteral(SRA_IFD_FILE_NAME);
    env.pkcs11FileName = QStringLiteral(SRA_PKCS11_FILE_NAME);
    return env;
}

SradCheck::SradCheck(const core::SradPaths& paths, const QString& configFile, const Environment& environment)
    : m_paths(paths)
    , m_configFile(configFile)
    , m_env(environment)
{}

SradCheck::Status SradCheck::run(const std::function<void(const CheckResult&)>& report)
{
    const CheckResult config = configuration();
    report(config);
    if (!m_configError.isEmpty()) {
        return CannotCheck;
    }
    bool allOk = config.ok;
    const auto add = [&](const CheckResult& r) {
        allOk = allOk && r.ok;
        report(r);
    };
    add(license());
    for (const CheckResult& r : identity()) {
        add(r);
    }
    for (const CheckResult& r : listening()) {
        add(r);
    }
    for (const CheckResult& r : pairings()) {
        add(r);
    }
    add(pcscdDriver());
    add(pkcs11Module());
    add(localSocket());
    add(screen());
    return allOk ? AllOk : SomethingFailed;
}

QString SradCheck::underRoot(const QString& systemPath) const
{
    return QDir::cleanPath(m_paths.root + QLatin1Char('/') + systemPath);
}

bool SradCheck::realRoot() const
{
    return QDir(m_paths.root).canonicalPath() == QLatin1String("/");
}

} // namespace sra::srad
