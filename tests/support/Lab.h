#pragma once

#include "support/Process.h"

#include <QHash>
#include <QList>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QTemporaryDir>

namespace sra::test {

// The lab of scripts/sra-lab for one test: a private pcscd with a vpcd reader and sra-softcard served into
// it, in a fresh temporary directory. RAII: the constructor runs `sra-lab up`, the destructor always runs
// `sra-lab down` (so nothing is left running, even when a QVERIFY returns early).
//
//     sra::test::Lab lab({.key = QStringLiteral("p256")});
//     QVERIFY2(lab.isUp(), qPrintable(lab.error()));
//     runProcess(..., lab.clientEnvironment());
//
// Needs SRA_SOURCE_DIR (to find scripts/sra-lab) and SRA_BINARY_DIR (to find the sra-softcard built
// there); sra_add_qtest sets both. SRA_SOFTCARD, when set, overrides the soft card binary.
class Lab
{
public:
    struct Options
    {
        QString key = QStringLiteral("rsa2048"); // rsa2048 | p256 | p384
        QString pin = QStringLiteral("123456");
        bool expiredCard = false; // certificates that expired yesterday
        int cardDelayMs = 0;      // each PIN check and private-key operation takes this long (a slow real card)
    };

    Lab();
    explicit Lab(const Options& options);
    ~Lab();
    Lab(const Lab&) = delete;
    Lab& operator=(const Lab&) = delete;

    bool isUp() const
    {
        return m_up;
    }

    // Why the last step failed: sra-lab's own message plus the tails of the lab's logs.
    QString error() const
    {
        return m_error;
    }

    QString dir() const
    {
        return m_dir.path();
    }

    // A variable of DIR/lab.env (ADMIN_PCSCLITE_CSOCK_NAME, SOFTCARD_DIR, SOFTCARD_PIN, SOFTCARD_KEY,
    // LAB_VPCD_PORT, LAB_READER, ...); empty when unknown.
    QString env(const QString& name) const
    {
        return m_env.value(name);
    }

    const QHash<QString, QString>& envVars() const
    {
        return m_env;
    }

    // This process's environment plus PCSCLITE_CSOCK_NAME pointing at the lab's pcscd: give it to every
    // PC/SC client (opensc-tool, sra-card, ...) that should see the lab's reader.
    QProcessEnvironment clientEnvironment() const;

    // Fault injection (each returns false and sets error() on failure).
    bool cardStop();     // stop serving the soft card: the card is pulled
    bool cardStart();    // serve it again and wait until the reader shows it
    bool pcscdRestart(); // restart the lab's pcscd on the same port; waits for the card
    bool down();         // stop everything; idempotent

    // Pids from the lab's pid files (0 when absent). They change on cardStart()/pcscdRestart().
    qint64 pcscdPid() const;
    qint64 softcardPid() const;

    // The remote's screen: the private Xvfb display (":N") that shows sra-test-screen, and the x11vnc
    // processes srad runs for this lab right now (found by their socket under DIR/remote/run/).
    QString display() const
    {
        return env(QStringLiteral("LAB_DISPLAY"));
    }

    QList<qint64> vncServerPids() const;

    // Runs `scripts/sra-lab VERB DIR ARGS...` and returns what it did.
    ProcessResult runLab(const QString& verb, const QStringList& args = {}) const;

    // Sets keys of the lab srad's srad.conf as an administrator's edit would (core/config/IniEditor), whether or
    // not the file states them yet; srad reads them at its next start or SIGHUP. False if the file cannot be
    // read or written.
    struct SradSetting
    {
        QString section;
        QString key;
        QString value;
    };

    bool setSradConfig(const QList<SradSetting>& settings) const;

private:
    bool runVerb(const QString& verb, const QStringList& args = {});
    bool loadEnv();
    QString logTails() const;
    qint64 readPid(const QString& file) const;

    QTemporaryDir m_dir;
    QHash<QString, QString> m_env;
    QString m_error;
    bool m_up = false;
};

// Starts the admin's sra-connect against the lab's srad in its own session (setsid, so a test can stop or kill
// it alone; setsid execs in place, so `admin`'s pid is sra-connect's) with the soft card's PIN on standard input,
// `--accept-new`, known hosts in <lab>/kh and `extraArgs`, and waits at most 20 s until its standard output
// contains `until`. `output` (optional) receives what it printed on both channels, for a failure message.
bool startLabAdmin(QProcess& admin,
                   const Lab& lab,
                   const QStringList& extraArgs,
                   const QByteArray& until,
                   QByteArray* output = nullptr);

// startLabAdmin with `--insert-card --approve <approve>`, until the card is reported inserted.
bool startInsertingAdmin(QProcess& admin, const Lab& lab, const QString& approve);

// Parses a lab.env (lines `export NAME='value'`, comments, blank lines). Returns false on a line it does
// not understand.

bool parseLabEnv(const QByteArray& text, QHash<QString, QString>* vars, QString* errorMessage);

} // namespace sra::test
