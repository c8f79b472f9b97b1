#pragma once

#include <QByteArray>
#include <QDialog>
#include <QString>

class QLabel;
class QPushButton;

namespace sra::gui {

// First connection to a remote machine: its identity is not known yet. Shows the SHA-256 fingerprint of the
// certificate the remote presented and how to compare it with `srad --fingerprint` on the remote; "Trust"
// (accepted) remembers it in the known hosts, "Cancel" (rejected) refuses the connection.
class TrustDialog : public QDialog
{
    Q_OBJECT

public:
    TrustDialog(const QString& host, quint16 port, const QByteArray& sha256Fingerprint, QWidget* parent = nullptr);

    QString fingerprintText() const;

private:
    QLabel* m_fingerprint;
};

} // namespace sra::gui
