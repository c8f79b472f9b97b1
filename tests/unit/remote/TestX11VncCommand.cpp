// The one x11vnc command line (core/vnc/X11VncCommand) of srad and the screen agent: the exact argv of each,
// and the options a grant's safety depends on.
#include "core/vnc/X11VncCommand.h"

#include <QTest>

using sra::core::x11vncArguments;
using sra::core::X11VncCommand;
using sra::core::X11VncTransport;

namespace {

// Value of an option, or a null string when it is absent.
QString valueOf(const QStringList& args, const QString& option)
{
    const qsizetype at = args.indexOf(option);
    return at >= 0 && at + 1 < args.size() ? args.at(at + 1) : QString();
}

X11VncCommand sradCommand()
{
    X11VncCommand command;
    command.display = QStringLiteral(":7");
    command.xauthority = QStringLiteral("/run/user/1000/gdm/Xauthority");
    command.passwordFile = QStringLiteral("/run/srad/vnc-abc/passwd");
    command.transport = X11VncTransport::UnixSocket;
    command.unixSocket = QStringLiteral("/run/srad/vnc-abc/vnc");
    command.idleTimeoutSeconds = 40;
    return command;
}

X11VncCommand agentCommand()
{
    X11VncCommand command;
    command.display = QStringLiteral(":0");
    command.passwordFile = QStringLiteral("/run/user/1000/sra-vnc-xyz/passwd");
    command.transport = X11VncTransport::Inetd;
    return command;
}

} // namespace

class TestX11VncCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:

    // The argv each side ran before the two were made one, option for option.
    void sradArgv()
    {
        const QStringList expected{QStringLiteral("-display"),
                                   QStringLiteral(":7"),
                                   QStringLiteral("-auth"),
                                   QStringLiteral("/run/user/1000/gdm/Xauthority"),
                                   QStringLiteral("-rfbauth"),
                                   QStringLiteral("/run/srad/vnc-abc/passwd"),
                                   QStringLiteral("-unixsock"),
                                   QStringLiteral("/run/srad/vnc-abc/vnc"),
                                   QStringLiteral("-rfbport"),
                                   QStringLiteral("0"),
                                   QStringLiteral("-rfbportv6"),
                                   QStringLiteral("0"),
                                   QStringLiteral("-once"),
                                   QStringLiteral("-timeout"),
                                   QStringLiteral("40"),
                                   QStringLiteral("-norc"),
                                   QStringLiteral("-noremote"),
                                   QStringLiteral("-nolookup"),
                                   QStringLiteral("-noxdamage")};
        QCOMPARE(x11vncArguments(sradCommand()), expected);

        X11VncCommand noAuth = sradCommand();
        noAuth.xauthority.clear();
        QVERIFY(!x11vncArguments(noAuth).contains(QStringLiteral("-auth")));
    }

    void agentArgv()
    {
        const QStringList expected{QStringLiteral("-inetd"),
                                   QStringLiteral("-display"),
                                   QStringLiteral(":0"),
                                   QStringLiteral("-rfbauth"),
                                   QStringLiteral("/run/user/1000/sra-vnc-xyz/passwd"),
                                   QStringLiteral("-once"),
                                   QStringLiteral("-norc"),
                                   QStringLiteral("-noremote"),
                                   QStringLiteral("-nolookup"),
                                   QStringLiteral("-noxdamage")};
        QCOMPARE(x11vncArguments(agentCommand()), expected);
    }

    void securityOptions_data()
    {
        QTest::addColumn<bool>("agent");
        QTest::newRow("srad") << false;
        QTest::newRow("agent") << true;
    }

    void securityOptions()
    {
        QFETCH(bool, agent);
        const X11VncCommand command = agent ? agentCommand() : sradCommand();
        const QStringList args = x11vncArguments(command);
        // Authentication with the one-time password file; the password itself is never an argument.
        QCOMPARE(valueOf(args, QStringLiteral("-rfbauth")), command.passwordFile);
        for (const char* never : {"-nopw",
                                  "-passwd",
                                  "-passwdfile",
                                  "-forever",
                                  "-shared",
                                  "-many",
                                  "-http",
                                  "-httpdir",
                                  "-connect",
                                  "-reopen",
                                  "-rc",
                                  "-remote",
                                  "-unixpw"}) {
            QVERIFY2(!args.contains(QString::fromLatin1(never)), never);
        }
        // One client, no rc file, no remote control, no DNS.
        for (const char* always : {"-once", "-norc", "-noremote", "-nolookup"}) {
            QVERIFY2(args.count(QString::fromLatin1(always)) == 1, always);
        }
        // Nothing listens on the network: a UNIX socket with both TCP ports off, or the inherited stdio.
        if (agent) {
            QVERIFY(args.contains(QStringLiteral("-inetd")));
            QVERIFY(!args.contains(QStringLiteral("-unixsock")));
        } else {
            QVERIFY(!args.contains(QStringLiteral("-inetd")));
            QCOMPARE(valueOf(args, QStringLiteral("-unixsock")), command.unixSocket);
            QCOMPARE(valueOf(args, QStringLiteral("-rfbport")), QStringLiteral("0"));
            QCOMPARE(valueOf(args, QStringLiteral("-rfbportv6")), QStringLiteral("0"));
        }
        QCOMPARE(valueOf(args, QStringLiteral("-display")), command.display);
    }
};

QTEST_GUILESS_MAIN(TestX11VncCommand)
#include "TestX11VncCommand.moc"
