#pragma once

#include <QByteArray>
#include <QDialog>
#include <QString>

namespace sra::gui {

// The hard stop: a remote machine we trusted presents another identity. The connection is already closed;
// this says what may have happened, shows both fingerprints and how to proceed if the change is legitimate.
// There is deliberately no way to continue from here.
class HostKeyChangedDialog : public QDialog
{
    Q_OBJECT

public:
    HostKeyChangedDialog(const QString& host,
                         quint16 port,
                         const QByteArray& knownFingerprint,
                         const QByteArray& presentedFingerprint,
                         const QString& knownHostsFile,
                         QWidget* parent = nullptr);
};

} // namespace sra::gui
