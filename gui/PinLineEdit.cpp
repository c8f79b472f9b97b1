#include "gui/PinLineEdit.h"

#include <QContextMenuEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QInputMethodEvent>
#include <QKeyEvent>

namespace sra::gui {

PinLineEdit::PinLineEdit(QWidget* parent)
    : QLineEdit(parent)
{
    setEchoMode(QLineEdit::Password);
    setAcceptDrops(false);
    setAttribute(Qt::WA_InputMethodEnabled, false);
    setContextMenuPolicy(Qt::NoContextMenu);
    setMaxLength(static_cast<int>(kMaxPinLength));
    m_pin.reserve(kMaxPinLength); // no reallocation while typing: nothing to wipe but this one block
}

PinLineEdit::~PinLineEdit()
{
    wipe();
}

base::SecureBytes PinLineEdit::takePin()
{
    base::SecureBytes pin = std::move(m_pin);
    m_pin = base::SecureBytes();
    m_pin.reserve(kMaxPinLength);
    showLength();
    return pin;
}

void PinLineEdit::wipe()
{
    base::secureZero(m_pin.data(), m_pin.size());
    m_pin.clear();
    showLength();
}

void PinLineEdit::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Backspace) {
        if (!m_pin.empty()) {
            m_pin.back() = 0;
            m_pin.pop_back();
            showLength();
        }
        event->accept();
        return;
    }
    if (event->matches(QKeySequence::Delete) || event->matches(QKeySequence::SelectAll)
        || event->matches(QKeySequence::DeleteStartOfWord) || event->key() == Qt::Key_Escape) {
        // Editing in the middle of an invisible PIN makes no sense: these start over (Escape also closes the
        // dialog, which the event propagating up takes care of).
        wipe();
        if (event->key() == Qt::Key_Escape) {
            event->ignore();
        }
        return;
    }
    if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter || event->key() == Qt::Key_Tab
        || event->key() == Qt::Key_Backtab) {
        event->ignore(); // the dialog's default button and focus chain
        return;
    }
    const QString text = event->text();
    if (text.size() == 1 && text.at(0).unicode() > 0x20 && text.at(0).unicode() < 0x7F
        && !(event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))) {
        // PIV PINs are printable ASCII (in practice digits); anything else could not be sent to the card as typed.
        if (m_pin.size() < kMaxPinLength) {
            m_pin.push_back(static_cast<std::uint8_t>(text.at(0).unicode()));
            showLength();
        }
        event->accept();
        return;
    }
    // Cursor keys, copy, paste and everything else: not for a PIN.
    event->accept();
}

void PinLineEdit::inputMethodEvent(QInputMethodEvent* event)
{
    event->ignore();
}

void PinLineEdit::contextMenuEvent(QContextMenuEvent* event)
{
    event->ignore();
}

void PinLineEdit::dropEvent(QDropEvent* event)
{
    event->ignore();
}

void PinLineEdit::dragEnterEvent(QDragEnterEvent* event)
{
    event->ignore();
}

void PinLineEdit::showLength()
{
    // Filler only: the masked display needs a length, never the PIN.
    setText(QString(static_cast<qsizetype>(m_pin.size()), QLatin1Char('*')));
    Q_EMIT pinLengthChanged(static_cast<int>(m_pin.size()));
}

} // namespace sra::gui
