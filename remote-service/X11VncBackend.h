#pragma once

#include "remote-service/ScreenBackend.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QStringList>
#include <QTimer>

#include <memory>

class QTemporaryDir;

namespace sra::srad {

// ScreenBackend on x11vnc (PLATFORM.md, "VNC"): one x11vnc per grant, run through QProcess with
//   -display D [-auth FILE] -rfbauth DIR/passwd -unixsock DIR/vnc -rfbport 0 -rfbportv6 0 -once ...
// where DIR is a fresh private directory (0700) under srad's runtime directory and passwd (0600) holds the
// one-time password in VNC's obfuscated format. -rfbport 0 and -rfbportv6 0 keep x11vnc off TCP entirely,
// -once ends it when its one client leaves, -timeout ends it if nobody comes, and the child gets SIGTERM
// when srad dies (PR_SET_PDEATHSIG), so no x11vnc outlives the grant it was started for.
class X11VncBackend : public ScreenBackend
{
    Q_OBJECT

public:
    struct Options
    {
        QString program;    // x11vnc (absolute, or looked up in PATH)
        QString xauthority; // empty: x11vnc's default
        QString runtimeDir; // parent of the private directory; must exist
        int startTimeoutMs = 10000;
        int idleTimeoutSeconds = 60; // x11vnc -timeout: exit if no client connected by then
    };

    explicit X11VncBackend(Options options, QObject* parent = nullptr);
    ~X11VncBackend() override;

    void start(const QString& display, const QByteArray& password) override;
    void stop() override;
    QString endpoint() const override;
    qint64 processId() const override;

private:
    void pollSocket();
    void onProcessFinished(int exitCode, QProcess::ExitStatus status);
    void finish(const QString& reason);

    Options m_options;
    std::unique_ptr<QTemporaryDir> m_dir;
    QProcess* m_process = nullptr;
    QString m_socketPath;
    QTimer m_poll;
    QElapsedTimer m_startClock;
    QStringList m_output; // x11vnc's last lines, for the log when it fails
    QString m_stopReason;
    bool m_started = false;
    bool m_finished = false;
};

} // namespace sra::srad
