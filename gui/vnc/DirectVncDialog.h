#pragma once

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace sra::gui {

class VncPasswordStore;

// "Connect to a VNC server directly" (hosts without srad): host, port, password and "Remember password".
// A remembered password is read from the keychain when host and port are known, and on accept stored
// (checkbox on) or deleted (checkbox turned off). The store outlives the dialog, so its jobs finish after
// the dialog closed. Without a usable keychain the checkbox is disabled and the dialog says why.
class DirectVncDialog : public QDialog
{
    Q_OBJECT

public:
    explicit DirectVncDialog(VncPasswordStore* store, QWidget* parent = nullptr);

    void setHost(const QString& host, quint16 port = 5900);
    QString host() const;
    quint16 port() const;
    QByteArray password() const; // UTF-8; wipe after use
    bool rememberPassword() const;

    void accept() override;

private:
    void lookUpPassword();
    void onAvailabilityChanged();
    void updateOkButton();

    VncPasswordStore* m_store;
    QLineEdit* m_host;
    QSpinBox* m_port;
    QLineEdit* m_password;
    QCheckBox* m_remember;
    QLabel* m_status;
    QDialogButtonBox* m_buttons;
    QString m_pendingKey; // the read whose answer may fill the password field
    bool m_passwordFromKeychain = false;
};

} // namespace sra::gui
