#include "KeySymMap.h"

#include <array>
#include <utility>

namespace sra::gui {

namespace {

struct KeyEntry
{
    int qtKey;
    std::uint32_t keysym;
};

// Keys that produce no character. Values from X11's keysymdef.h (the RFB protocol's key codes).
constexpr std::array kSpecialKeys{
    KeyEntry{Qt::Key_Escape,      0xff1b},
    KeyEntry{Qt::Key_Tab,         0xff09},
 // Shift+Tab: Shift is pressed separately, so the remote derives ISO_Left_Tab itself.
    KeyEntry{Qt::Key_Backtab,     0xff09},
    KeyEntry{Qt::Key_Backspace,   0xff08},
    KeyEntry{Qt::Key_Return,      0xff0d},
    KeyEntry{Qt::Key_Enter,       0xff8d},
    KeyEntry{Qt::Key_Insert,      0xff63},
    KeyEntry{Qt::Key_Delete,      0xffff},
    KeyEntry{Qt::Key_Pause,       0xff13},
    KeyEntry{Qt::Key_Print,       0xff61},
    KeyEntry{Qt::Key_SysReq,      0xff15},
    KeyEntry{Qt::Key_Clear,       0xff0b},
    KeyEntry{Qt::Key_Home,        0xff50},
    KeyEntry{Qt::Key_End,         0xff57},
    KeyEntry{Qt::Key_Left,        0xff51},
    KeyEntry{Qt::Key_Up,          0xff52},
    KeyEntry{Qt::Key_Right,       0xff53},
    KeyEntry{Qt::Key_Down,        0xff54},
    KeyEntry{Qt::Key_PageUp,      0xff55},
    KeyEntry{Qt::Key_PageDown,    0xff56},
    KeyEntry{Qt::Key_Shift,       0xffe1},
    KeyEntry{Qt::Key_Control,     0xffe3},
    KeyEntry{Qt::Key_Meta,        0xffe7},
    KeyEntry{Qt::Key_Alt,         0xffe9},
    KeyEntry{Qt::Key_AltGr,       0xfe03},
    KeyEntry{Qt::Key_CapsLock,    0xffe5},
    KeyEntry{Qt::Key_NumLock,     0xff7f},
    KeyEntry{Qt::Key_ScrollLock,  0xff14},
    KeyEntry{Qt::Key_Super_L,     0xffeb},
    KeyEntry{Qt::Key_Super_R,     0xffec},
    KeyEntry{Qt::Key_Hyper_L,     0xffed},
    KeyEntry{Qt::Key_Hyper_R,     0xffee},
    KeyEntry{Qt::Key_Menu,        0xff67},
    KeyEntry{Qt::Key_Help,        0xff6a},
    KeyEntry{Qt::Key_Multi_key,   0xff20},
    KeyEntry{Qt::Key_Mode_switch, 0xff7e},
    KeyEntry{Qt::Key_Select,      0xff60},
    KeyEntry{Qt::Key_Execute,     0xff62},
    KeyEntry{Qt::Key_Undo,        0xff65},
    KeyEntry{Qt::Key_Redo,        0xff66},
    KeyEntry{Qt::Key_Find,        0xff68},
    KeyEntry{Qt::Key_Cancel,      0xff69},
};

// The same keys on the numeric keypad (Qt marks them with KeypadModifier). With NumLock off the keypad
// sends navigation keys, which X names KP_Home etc.
constexpr std::array kKeypadKeys{
    KeyEntry{Qt::Key_0,        0xffb0},
    KeyEntry{Qt::Key_1,        0xffb1},
    KeyEntry{Qt::Key_2,        0xffb2},
    KeyEntry{Qt::Key_3,        0xffb3},
    KeyEntry{Qt::Key_4,        0xffb4},
    KeyEntry{Qt::Key_5,        0xffb5},
    KeyEntry{Qt::Key_6,        0xffb6},
    KeyEntry{Qt::Key_7,        0xffb7},
    KeyEntry{Qt::Key_8,        0xffb8},
    KeyEntry{Qt::Key_9,        0xffb9},
    KeyEntry{Qt::Key_Asterisk, 0xffaa},
    KeyEntry{Qt::Key_Plus,     0xffab},
    KeyEntry{Qt::Key_Comma,    0xffac},
    KeyEntry{Qt::Key_Minus,    0xffad},
    KeyEntry{Qt::Key_Period,   0xffae},
    KeyEntry{Qt::Key_Slash,    0xffaf},
    KeyEntry{Qt::Key_Equal,    0xffbd},
    KeyEntry{Qt::Key_Enter,    0xff8d},
    KeyEntry{Qt::Key_Return,   0xff8d},
    KeyEntry{Qt::Key_Space,    0xff80},
    KeyEntry{Qt::Key_Home,     0xff95},
    KeyEntry{Qt::Key_Left,     0xff96},
    KeyEntry{Qt::Key_Up,       0xff97},
    KeyEntry{Qt::Key_Right,    0xff98},
    KeyEntry{Qt::Key_Down,     0xff99},
    KeyEntry{Qt::Key_PageUp,   0xff9a},
    KeyEntry{Qt::Key_PageDown, 0xff9b},
    KeyEntry{Qt::Key_End,      0xff9c},
    KeyEntry{Qt::Key_Clear,    0xff9d},
    KeyEntry{Qt::Key_Insert,   0xff9e},
    KeyEntry{Qt::Key_Delete,   0xff9f},
};

template <std::size_t N>
std::uint32_t lookup(const std::array<KeyEntry, N>& table, int qtKey)
{
    for (const KeyEntry& entry : table) {
        if (entry.qtKey == qtKey) {
            return entry.keysym;
        }
    }
    return 0;
}

// Qt numbers F1..F35 and the dead keys in the same order as X does, so both are ranges.
constexpr int kQtDeadFirst = 0x01001250;      // Qt::Key_Dead_Grave
constexpr int kQtDeadLast = 0x01001293;       // Qt::Key_Dead_Longsolidusoverlay
constexpr std::uint32_t kXDeadFirst = 0xfe50; // XK_dead_grave
constexpr std::uint32_t kXF1 = 0xffbe;

bool isPrintable(char32_t cp)
{
    return cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0);
}

// The single code point of `text`, or 0 when it is empty or has more than one.
char32_t singleCodePoint(const QString& text)
{
    if (text.size() == 1 && !text.at(0).isSurrogate()) {
        return text.at(0).unicode();
    }
    if (text.size() == 2 && text.at(0).isHighSurrogate() && text.at(1).isLowSurrogate()) {
        return QChar::surrogateToUcs4(text.at(0), text.at(1));
    }
    return 0;
}

} // namespace

std::uint32_t KeySymMap::keysymForCodePoint(char32_t codePoint)
{
    if (!isPrintable(codePoint) || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
        return 0;
    }
    if (codePoint <= 0xff) {
        return codePoint;
    }
    return 0x01000000u + codePoint;
}

std::uint32_t KeySymMap::keysym(int qtKey, Qt::KeyboardModifiers modifiers, const QString& text)
{
    if (modifiers.testFlag(Qt::KeypadModifier)) {
        if (const std::uint32_t keypad = lookup(kKeypadKeys, qtKey)) {
            return keypad;
        }
    }
    if (const std::uint32_t special = lookup(kSpecialKeys, qtKey)) {
        return special;
    }
    if (qtKey >= Qt::Key_F1 && qtKey <= Qt::Key_F35) {
        return kXF1 + static_cast<std::uint32_t>(qtKey - Qt::Key_F1);
    }
    if (qtKey >= kQtDeadFirst && qtKey <= kQtDeadLast) {
        return kXDeadFirst + static_cast<std::uint32_t>(qtKey - kQtDeadFirst);
    }
    // The character the layout produced is what the remote must see (so AltGr+Q on a German layout sends
    // '@', not 'q').
    if (const char32_t cp = singleCodePoint(text); cp != 0 && isPrintable(cp)) {
        return keysymForCodePoint(cp);
    }
    // No usable text: Ctrl/Meta combinations, or a platform that gives none on release. Qt's key codes for
    // Latin-1 are the upper-case characters.
    if (qtKey >= Qt::Key_Space && qtKey <= 0xff) {
        const QChar key(static_cast<char16_t>(qtKey));
        if (key.isLetter() && !modifiers.testFlag(Qt::ShiftModifier)) {
            return key.toLower().unicode();
        }
        return key.unicode();
    }
    return 0;
}

} // namespace sra::gui
