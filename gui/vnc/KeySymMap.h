#pragma once

#include <QString>
#include <Qt>

#include <cstdint>

namespace sra::gui {

// Qt key events → X keysyms, the key codes of the RFB protocol. Built from Qt::Key, the modifiers and the
// event's text, never from nativeVirtualKey(): that is a keysym only under xcb, and the admin may run the GUI
// on Wayland or macOS. The table is data so it can be tested without a display.
class KeySymMap
{
public:
    // The keysym for one key event, or 0 when the key has no keysym (then nothing is sent).
    // - Keys that produce no character (F-keys, navigation, modifiers, keypad) come from a fixed table.
    // - Printable text is sent as the character itself: Latin-1 characters as their own code, everything
    //   else as a Unicode keysym 0x01000000 + code point. This is what the remote needs for layouts it does
    //   not know (the remote maps the character back to its own keycodes).
    // - When Ctrl or Meta turned the text into a control character (Ctrl+A → "\x01"), the key code decides:
    //   letters are sent lower-case, or upper-case with Shift, so Ctrl+Shift+A arrives as Ctrl+Shift+A.
    static std::uint32_t keysym(int qtKey, Qt::KeyboardModifiers modifiers, const QString& text);

    // The keysym for one Unicode code point (Latin-1 as is, otherwise 0x01000000 + cp); 0 for control
    // characters and surrogates, which have no keysym.
    static std::uint32_t keysymForCodePoint(char32_t codePoint);

    // Keysyms the view presses itself.
    static constexpr std::uint32_t kControlL = 0xffe3;
    static constexpr std::uint32_t kAltL = 0xffe9;
    static constexpr std::uint32_t kShiftL = 0xffe1;
    static constexpr std::uint32_t kDelete = 0xffff;
};

} // namespace sra::gui
