#pragma once

#include "core/base/Bytes.h"

#include <QLineEdit>

namespace sra::gui {

// A masked PIN field that never lets the PIN into a QString. Each typed character goes straight into a
// zeroizing buffer (piv::SecureBytes); the line edit itself only ever holds as many filler characters as the
// PIN has, shown masked. Paste, drag and drop, input methods and the context menu are off, because each of them
// would carry the PIN through Qt's string handling. takePin() hands the PIN over and empties the field.
class PinLineEdit : public QLineEdit
{
    Q_OBJECT

public:
    explicit PinLineEdit(QWidget* parent = nullptr);
    ~PinLineEdit() override;

    static constexpr std::size_t kMaxPinLength = 8; // PIV PINs are 6 to 8 characters

    std::size_t pinLength() const
    {
        return m_pin.size();
    }

    // Moves the PIN out (the caller wipes it by consuming it) and clears the field.
    base::SecureBytes takePin();
    // Wipes the PIN and clears the field.
    void wipe();

Q_SIGNALS:
    void pinLengthChanged(int length);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void inputMethodEvent(QInputMethodEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;

private:
    void showLength();

    base::SecureBytes m_pin;
};

} // namespace sra::gui
