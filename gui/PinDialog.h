#pragma once

#include "core/base/Bytes.h"

#include <QDialog>
#include <QString>

class QLabel;
class QPushButton;

namespace sra::gui {

class PinLineEdit;

// Asks for the card's PIN to sign in to a remote machine. Masked, shows the tries the card has left and, after
// a failed attempt, why. The PIN lives only in the PinLineEdit's zeroizing buffer until takePin() hands it to
// the session; rejecting or closing the dialog wipes it. Nothing here stores it.
class PinDialog : public QDialog
{
    Q_OBJECT

public:
    PinDialog(const QString& host,
              const QString& cardholder,
              int triesLeft,
              const QString& reason,
              QWidget* parent = nullptr);
    ~PinDialog() override;

    base::SecureBytes takePin();

protected:
    void done(int result) override;

private:
    PinLineEdit* m_pin;
    QPushButton* m_ok;
};

} // namespace sra::gui
