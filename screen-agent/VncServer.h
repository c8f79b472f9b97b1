#pragma once

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QSocketNotifier>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace sra::agent {

// One x11vnc for one AgentStart: `x11vnc -inetd` with one end of a socketpair as its standard input and output
// (its one client) and the other end for srad, -rfbauth with the one-time password in a 0700 directory of our
// own. x11vnc gets SIGTERM when the agent dies (PR_SET_PDEATHSIG). The password file is deleted as soon as x11vnc
// has read it (inotify: it was opened and closed without writing) and at the latest when x11vnc exits.
class VncServer : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString program; // x11vnc (absolute, or looked up in PATH)
        QString display;
        QString baseDir; // parent of the private directory ($XDG_RUNTIME_DIR, else the temp directory)
    };

    explicit VncServer(Options options, QObject* parent = nullptr);
    ~VncServer() override;

    // Starts x11vnc; on success `peerSocket` is srad's end of the socketpair (the caller closes it after passing
    // it on). False with the reason otherwise.
    bool start(const QByteArray& password, int& peerSocket, QString& error);
    void stop();
    qint64 processId() const;
    bool passwordFileExists() const;

Q_SIGNALS:
    void finished(const QString& reason);

private:
    void removePasswordFile();
    void onPasswordFileEvent();

    Options m_options;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_passwordFile;
    QProcess* m_process = nullptr;
    int m_inotify = -1;
    QSocketNotifier* m_inotifyNotifier = nullptr;
    QStringList m_output;
    bool m_stopping = false;
    bool m_finished = false;
};

} // namespace sra::agent
