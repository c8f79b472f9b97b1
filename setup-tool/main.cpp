// sra-setup: sets up the remote machine for Secure Remote Access (the options of the original
// secure_remote_access.sh, plus pairing). See --help and docs/CONFIGURATION.md.
#include "core/base/BuildConfig.h"
#include "setup-tool/SetupTool.h"
#include "setup-tool/SmartcardLoginSetup.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QSysInfo>

#include <cstdio>

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("sra-setup", text);
}

int usage(const QString& message)
{
    std::fprintf(stderr, "sra-setup: %s\n", qPrintable(message));
    return sra::srad::kSetupUsage;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sra-setup"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SRA_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Sets up this machine as a Secure Remote Access remote (srad).\n"
           "Actions (may be combined; -d only alone):\n"
           "  -a            activate: write srad.conf with [service] enabled = true, enable and start srad.service\n"
           "  -g            generate a self-signed TLS identity and print its SHA-256 fingerprint\n"
           "  -c FP         use the installed certificate with this SHA-256 (or SHA-1) fingerprint and its key\n"
           "  -s            prepare screen sharing ([screen] section; --screen-backend agent or x11vnc)\n"
           "  -d            deactivate: [service] enabled = false, stop and disable srad.service\n"
           "Commands:\n"
           "  pair --user NAME --cert FILE       pair a certificate's public key with an account\n"
           "  pair --user NAME --from-session [--session ID]   pair the certificate of the admin signed in now\n"
           "  unpair --user NAME | --cert FILE   remove pairings\n"
           "  list                               show key pairings and rules\n"
           "  rule add --attribute cn|upn|email --pattern RE --account NAME   add an attribute rule\n"
           "  rule remove N                      remove rule N (as list numbers them)\n"
           "  smartcard-login enable|disable|status [--service NAME]... [--backend sra|opensc]\n"
           "                [--pkcs11-module FILE] [--pam-dir DIR]   log in with the relayed card (pam_pkcs11)\n"
           "Exit codes: 0 ok, 1 usage, 2 failure."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("command"),
        tr("pair, unpair, list, rule, license or smartcard-login (instead of -a -g -c -s -d)."),
        QStringLiteral("[command]"));
    const QCommandLineOption activate({QStringLiteral("a"), QStringLiteral("activate")}, tr("Activate the service."));
    const QCommandLineOption generate({QStringLiteral("g"), QStringLiteral("generate")},
                                      tr("Generate and install a self-signed identity."));
    const QCommandLineOption installed({QStringLiteral("c"), QStringLiteral("use-certificate")},
                                       tr("Use the installed certificate with this fingerprint."),
                                       QStringLiteral("fingerprint"));
    const QCommandLineOption screen({QStringLiteral("s"), QStringLiteral("screen")}, tr("Prepare screen sharing."));
    const QCommandLineOption deactivate({QStringLiteral("d"), QStringLiteral("deactivate")},
                                        tr("Deactivate the service."));
    const QCommandLineOption root(QStringLiteral("root"),
                                  tr("Work on the tree under DIR instead of / (tests)."),
                                  QStringLiteral("dir"),
                                  QStringLiteral("/"));
    const QCommandLineOption force(QStringLiteral("force"), tr("With -g: replace an existing identity."));
    const QCommandLineOption hostName(QStringLiteral("hostname"),
                                      tr("With -g: the name in the certificate (default: this machine's host name)."),
                                      QStringLiteral("name"));
    const QCommandLineOption display(
        QStringLiteral("display"), tr("With -s: the X display to share (default :0)."), QStringLiteral("display"));
    const QCommandLineOption screenBackend(QStringLiteral("screen-backend"),
                                           tr("With -s: agent (default: x11vnc run by the desktop session's "
                                              "sra-screen-agent, which works under the sandboxed unit) or x11vnc (run "
                                              "by srad itself, which needs access to the display)."),
                                           QStringLiteral("backend"),
                                           QStringLiteral("agent"));
    const QCommandLineOption user(QStringLiteral("user"), tr("pair/unpair: the account."), QStringLiteral("name"));
    const QCommandLineOption cert(
        QStringLiteral("cert"), tr("pair/unpair: the admin's certificate (PEM or DER)."), QStringLiteral("file"));
    const QCommandLineOption allowUnknown(QStringLiteral("allow-unknown-user"),
                                          tr("pair: do not check that the account exists."));
    const QCommandLineOption passwd(
        QStringLiteral("passwd"), tr("pair: check the account in this passwd file."), QStringLiteral("file"));
    const QCommandLineOption attribute(
        QStringLiteral("attribute"), tr("rule add: cn, upn or email."), QStringLiteral("name"));
    const QCommandLineOption pattern(QStringLiteral("pattern"),
                                     tr("rule add: regular expression matched against the whole attribute."),
                                     QStringLiteral("regex"));
    const QCommandLineOption account(
        QStringLiteral("account"), tr("rule add: the account; \\1..\\9 insert groups."), QStringLiteral("name"));
    const QCommandLineOption fromSession(QStringLiteral("from-session"),
                                         tr("pair: the certificate of the admin signed in to srad now."));
    const QCommandLineOption session(QStringLiteral("session"),
                                     tr("pair --from-session: which session, when several admins are signed in."),
                                     QStringLiteral("id"));
    const QCommandLineOption service(QStringLiteral("service"),
                                     tr("smartcard-login: a PAM service to change (repeatable; default: the display "
                                        "manager's smart-card service, login and screen lockers present; sudo only "
                                        "when named)."),
                                     QStringLiteral("name"));
    const QCommandLineOption backend(QStringLiteral("backend"),
                                     tr("smartcard-login enable: sra (our PKCS#11 module, default) or opensc (OpenSC's "
                                        "module over the SRA virtual reader)."),
                                     QStringLiteral("name"),
                                     QStringLiteral("sra"));
    const QCommandLineOption pkcs11Module(QStringLiteral("pkcs11-module"),
                                          tr("smartcard-login enable: the PKCS#11 module file (default: the backend's "
                                             "installed module)."),
                                          QStringLiteral("file"));
    const QCommandLineOption pamDir(QStringLiteral("pam-dir"),
                                    tr("smartcard-login: the PAM configuration directory (default <root>/etc/pam.d)."),
                                    QStringLiteral("dir"));
    parser.addOptions({activate, generate,      installed, screen,  deactivate,   root,         force,     hostName,
                       display,  screenBackend, user,      cert,    allowUnknown, passwd,       attribute, pattern,
                       account,  fromSession,   session,   service, backend,      pkcs11Module, pamDir});
    parser.process(app);

    const QStringList args = parser.positionalArguments();
    const bool anyAction = parser.isSet(activate) || parser.isSet(generate) || parser.isSet(installed)
                           || parser.isSet(screen) || parser.isSet(deactivate);
    if (anyAction && !args.isEmpty()) {
        return usage(tr("Give either the options -a -g -c -s -d or a command, not both (see --help)."));
    }
    if (!anyAction && args.isEmpty()) {
        return usage(tr("Nothing to do; give -a, -g, -c FP, -s, -d or a command (see --help)."));
    }
    if (parser.isSet(generate) && parser.isSet(installed)) {
        return usage(tr("-g and -c both choose the identity; give one of them."));
    }
    if (parser.isSet(deactivate)
        && (parser.isSet(activate) || parser.isSet(generate) || parser.isSet(installed) || parser.isSet(screen))) {
        return usage(tr("-d deactivates; give it alone."));
    }

    sra::core::SradPaths paths;
    paths.root = QDir::cleanPath(QDir::current().absoluteFilePath(parser.value(root)));
    sra::srad::SetupTool tool(paths);
    if (const int rc = tool.init(); rc != sra::srad::kSetupOk) {
        return rc;
    }

    if (anyAction) {
        // The identity first, so that the service starts with it; activation last.
        int rc = sra::srad::kSetupOk;
        if (parser.isSet(generate)) {
            const QString name = parser.isSet(hostName) ? parser.value(hostName) : QSysInfo::machineHostName();
            rc = tool.generateIdentity(name, parser.isSet(force));
        } else if (parser.isSet(installed)) {
            rc = tool.useInstalledIdentity(parser.value(installed));
        }
        if (rc == sra::srad::kSetupOk && parser.isSet(screen)) {
            rc = tool.prepareScreenSharing(parser.value(display), parser.value(screenBackend));
        }
        if (rc == sra::srad::kSetupOk && parser.isSet(activate)) {
            rc = tool.activate();
        }
        if (rc == sra::srad::kSetupOk && parser.isSet(deactivate)) {
            rc = tool.deactivate();
        }
        return rc;
    }

    const QString command = args.first();
    if (command == QLatin1String("pair")) {
        if (args.size() != 1 || !parser.isSet(user) || parser.isSet(cert) == parser.isSet(fromSession)
            || (parser.isSet(session) && !parser.isSet(fromSession))) {
            return usage(tr("pair needs --user NAME and either --cert FILE or --from-session [--session ID]."));
        }
        sra::srad::AccountCheck check;
        check.allowUnknown = parser.isSet(allowUnknown);
        check.passwdFile = parser.value(passwd);
        if (parser.isSet(fromSession)) {
            return tool.pairFromSession(parser.value(user), parser.value(session), check);
        }
        return tool.pair(parser.value(user), parser.value(cert), check);
    }
    if (command == QLatin1String("smartcard-login")) {
        sra::srad::SmartcardLoginOptions options;
        options.backend = parser.value(backend);
        options.pkcs11Module = parser.value(pkcs11Module);
        options.pamDir = parser.value(pamDir);
        options.services = parser.values(service);
        sra::srad::SmartcardLoginSetup login(tool.config(), options);
        const QString verb = args.size() == 2 ? args.at(1) : QString();
        if (verb == QLatin1String("enable")) {
            return login.enable();
        }
        if ((parser.isSet(backend) || parser.isSet(pkcs11Module)) && !verb.isEmpty()) {
            return usage(tr("--backend and --pkcs11-module go with smartcard-login enable only."));
        }
        if (verb == QLatin1String("disable")) {
            return login.disable();
        }
        if (verb == QLatin1String("status")) {
            return login.status();
        }
        return usage(tr("Use \"smartcard-login enable\", \"smartcard-login disable\" or \"smartcard-login status\"."));
    }
    if (command == QLatin1String("unpair")) {
        if (args.size() != 1 || parser.isSet(user) == parser.isSet(cert)) {
            return usage(tr("unpair needs either --user NAME or --cert FILE."));
        }
        return parser.isSet(user) ? tool.unpairAccount(parser.value(user)) : tool.unpairCertificate(parser.value(cert));
    }
    if (command == QLatin1String("list")) {
        if (args.size() != 1) {
            return usage(tr("list takes no arguments."));
        }
        return tool.list();
    }
    if (command == QLatin1String("rule")) {
        if (args.size() == 2 && args.at(1) == QLatin1String("add")) {
            if (!parser.isSet(attribute) || !parser.isSet(pattern) || !parser.isSet(account)) {
                return usage(tr("rule add needs --attribute cn|upn|email, --pattern RE and --account NAME."));
            }
            return tool.addRule(parser.value(attribute), parser.value(pattern), parser.value(account));
        }
        if (args.size() == 3 && args.at(1) == QLatin1String("remove")) {
            return tool.removeRule(args.at(2));
        }
        return usage(tr("Use \"rule add --attribute A --pattern RE --account NAME\" or \"rule remove N\"."));
    }
    if (command == QLatin1String("license")) {
        if (args.size() == 3 && args.at(1) == QLatin1String("install")) {
            return tool.installLicense(args.at(2));
        }
        if (args.size() == 2 && args.at(1) == QLatin1String("show")) {
            return tool.showLicense();
        }
        return usage(
            tr("Use \"license install FILE\" (a .sralic file or a .mobileconfig profile) or \"license show\"."));
    }
    return usage(tr("Unknown command \"%1\"; use pair, unpair, list, rule, license or smartcard-login (see --help).")
                     .arg(command));
}
