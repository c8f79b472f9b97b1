#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

// A private remote desktop for VNC tests: Xvfb on a free display (chosen by Xvfb itself, -displayfd),
// sra-test-screen on it (four coloured quadrants, key log), and x11vnc sharing it on a UNIX socket only
// (-rfbport 0 -rfbportv6 0) with a password file. Everything lives in a temporary directory and is stopped
// by the destructor.
class VncTestDisplay
{
public:
    VncTestDisplay();
    ~VncTestDisplay();
    VncTestDisplay(const VncTestDisplay&) = delete;
    VncTestDisplay& operator=(const VncTestDisplay&) = delete;

    // Starts everything; false with error() set when something could not start.
    bool start(const QString& testScreenProgram, const QByteArray& password);

    QString error() const
    {
        return m_error;
    }

    QString socketPath() const;
    QString keyLogPath() const;

    QString display() const
    {
        return m_display;
    }

    // Lines the test screen logged so far.
    QStringList keyLog() const;
    // The text of every key press in the log (decoded), in order.
    QString typedText() const;

    // x11vnc's log (started with -seldir debug: it logs each clipboard text a client sends).
    QString serverLog() const;

    static bool toolsAvailable(QString* missing);

private:
    bool startProcess(QProcess& process, const QString& program, const QStringList& args, const QString& logName);
    void stop(QProcess& process);

    QTemporaryDir m_dir;
    QProcess m_xvfb;
    QProcess m_screen;
    QProcess m_x11vnc;
    QString m_display;
    QString m_error;
};
