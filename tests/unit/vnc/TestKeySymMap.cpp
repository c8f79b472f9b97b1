#include "gui/vnc/KeySymMap.h"

#include <QTest>

using sra::gui::KeySymMap;

Q_DECLARE_METATYPE(Qt::KeyboardModifiers)

// Qt key events → X keysyms. Expected values are written out from X11's keysymdef.h, not computed.
class TestKeySymMap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keysym_data();
    void keysym();
    void codePoint_data();
    void codePoint();
};

void TestKeySymMap::keysym_data()
{
    QTest::addColumn<int>("key");
    QTest::addColumn<Qt::KeyboardModifiers>("modifiers");
    QTest::addColumn<QString>("text");
    QTest::addColumn<uint>("expected");

    const Qt::KeyboardModifiers none = Qt::NoModifier;
    const Qt::KeyboardModifiers shift = Qt::ShiftModifier;
    const Qt::KeyboardModifiers ctrl = Qt::ControlModifier;
    const Qt::KeyboardModifiers keypad = Qt::KeypadModifier;
    const auto s = [](const char* text) { return QString::fromUtf8(text); };

    // Letters: the text decides the case.
    QTest::newRow("a") << int(Qt::Key_A) << none << s("a") << 0x61u;
    QTest::newRow("A shifted") << int(Qt::Key_A) << shift << s("A") << 0x41u;
    QTest::newRow("z") << int(Qt::Key_Z) << none << s("z") << 0x7au;
    // Ctrl turns the text into a control character: the key code decides, the case follows Shift.
    QTest::newRow("ctrl+c") << int(Qt::Key_C) << ctrl << s("\x03") << 0x63u;
    QTest::newRow("ctrl+shift+c") << int(Qt::Key_C) << (ctrl | shift) << s("\x03") << 0x43u;
    QTest::newRow("letter without text") << int(Qt::Key_Q) << none << QString() << 0x71u;
    // Digits.
    QTest::newRow("0") << int(Qt::Key_0) << none << s("0") << 0x30u;
    QTest::newRow("9") << int(Qt::Key_9) << none << s("9") << 0x39u;
    QTest::newRow("ctrl+1") << int(Qt::Key_1) << ctrl << QString() << 0x31u;
    // Punctuation through the text (the layout decides which key made it).
    QTest::newRow("space") << int(Qt::Key_Space) << none << s(" ") << 0x20u;
    QTest::newRow("!") << int(Qt::Key_Exclam) << shift << s("!") << 0x21u;
    QTest::newRow("@ via AltGr+Q") << int(Qt::Key_At) << Qt::KeyboardModifiers(Qt::GroupSwitchModifier) << s("@")
                                   << 0x40u;
    QTest::newRow("~") << int(Qt::Key_AsciiTilde) << shift << s("~") << 0x7eu;
    QTest::newRow("; from a key Qt names differently") << int(Qt::Key_Comma) << shift << s(";") << 0x3bu;
    QTest::newRow("[") << int(Qt::Key_BracketLeft) << none << s("[") << 0x5bu;
    // Latin-1 beyond ASCII: its own code.
    QTest::newRow("ä") << int(Qt::Key_Adiaeresis) << none << s("ä") << 0xe4u;
    QTest::newRow("Ä") << int(Qt::Key_Adiaeresis) << shift << s("Ä") << 0xc4u;
    QTest::newRow("ß") << int(Qt::Key_ssharp) << none << s("ß") << 0xdfu;
    QTest::newRow("§") << int(Qt::Key_section) << shift << s("§") << 0xa7u;
    QTest::newRow("ctrl+ä without text") << int(Qt::Key_Adiaeresis) << ctrl << QString() << 0xe4u;
    // Beyond Latin-1: Unicode keysyms.
    QTest::newRow("€") << int(Qt::Key_unknown) << none << s("€") << 0x010020acu;
    QTest::newRow("Cyrillic ж") << 0x0416 << none << s("ж") << 0x01000436u;
    QTest::newRow("Greek Ω") << 0x03a9 << shift << s("Ω") << 0x010003a9u;
    QTest::newRow("CJK 中") << int(Qt::Key_unknown) << none << s("中") << 0x01004e2du;
    QTest::newRow("astral 😀 (surrogate pair)") << int(Qt::Key_unknown) << none << s("😀") << 0x0101f600u;
    // F-keys.
    QTest::newRow("F1") << int(Qt::Key_F1) << none << QString() << 0xffbeu;
    QTest::newRow("F5") << int(Qt::Key_F5) << none << QString() << 0xffc2u;
    QTest::newRow("F12") << int(Qt::Key_F12) << none << QString() << 0xffc9u;
    QTest::newRow("F24") << int(Qt::Key_F24) << none << QString() << 0xffd5u;
    QTest::newRow("F35") << int(Qt::Key_F35) << none << QString() << 0xffe0u;
    // Editing and navigation (some platforms give text for these: the table wins).
    QTest::newRow("Escape") << int(Qt::Key_Escape) << none << s("\x1b") << 0xff1bu;
    QTest::newRow("Tab") << int(Qt::Key_Tab) << none << s("\t") << 0xff09u;
    QTest::newRow("Backtab") << int(Qt::Key_Backtab) << shift << QString() << 0xff09u;
    QTest::newRow("Backspace") << int(Qt::Key_Backspace) << none << s("\b") << 0xff08u;
    QTest::newRow("Return") << int(Qt::Key_Return) << none << s("\r") << 0xff0du;
    QTest::newRow("Delete") << int(Qt::Key_Delete) << none << s("\x7f") << 0xffffu;
    QTest::newRow("Insert") << int(Qt::Key_Insert) << none << QString() << 0xff63u;
    QTest::newRow("Home") << int(Qt::Key_Home) << none << QString() << 0xff50u;
    QTest::newRow("End") << int(Qt::Key_End) << none << QString() << 0xff57u;
    QTest::newRow("Left") << int(Qt::Key_Left) << none << QString() << 0xff51u;
    QTest::newRow("Up") << int(Qt::Key_Up) << none << QString() << 0xff52u;
    QTest::newRow("Right") << int(Qt::Key_Right) << none << QString() << 0xff53u;
    QTest::newRow("Down") << int(Qt::Key_Down) << none << QString() << 0xff54u;
    QTest::newRow("PageUp") << int(Qt::Key_PageUp) << none << QString() << 0xff55u;
    QTest::newRow("PageDown") << int(Qt::Key_PageDown) << none << QString() << 0xff56u;
    QTest::newRow("Print") << int(Qt::Key_Print) << none << QString() << 0xff61u;
    QTest::newRow("Pause") << int(Qt::Key_Pause) << none << QString() << 0xff13u;
    QTest::newRow("Menu") << int(Qt::Key_Menu) << none << QString() << 0xff67u;
    // Modifiers.
    QTest::newRow("Shift") << int(Qt::Key_Shift) << shift << QString() << 0xffe1u;
    QTest::newRow("Control") << int(Qt::Key_Control) << ctrl << QString() << 0xffe3u;
    QTest::newRow("Alt") << int(Qt::Key_Alt) << Qt::KeyboardModifiers(Qt::AltModifier) << QString() << 0xffe9u;
    QTest::newRow("AltGr") << int(Qt::Key_AltGr) << none << QString() << 0xfe03u;
    QTest::newRow("Meta") << int(Qt::Key_Meta) << Qt::KeyboardModifiers(Qt::MetaModifier) << QString() << 0xffe7u;
    QTest::newRow("Super_L") << int(Qt::Key_Super_L) << none << QString() << 0xffebu;
    QTest::newRow("CapsLock") << int(Qt::Key_CapsLock) << none << QString() << 0xffe5u;
    QTest::newRow("NumLock") << int(Qt::Key_NumLock) << none << QString() << 0xff7fu;
    // Keypad: with NumLock on digits and operators, off navigation; the text must not win over the keypad.
    QTest::newRow("KP 0") << int(Qt::Key_0) << keypad << s("0") << 0xffb0u;
    QTest::newRow("KP 7") << int(Qt::Key_7) << keypad << s("7") << 0xffb7u;
    QTest::newRow("KP +") << int(Qt::Key_Plus) << keypad << s("+") << 0xffabu;
    QTest::newRow("KP -") << int(Qt::Key_Minus) << keypad << s("-") << 0xffadu;
    QTest::newRow("KP *") << int(Qt::Key_Asterisk) << keypad << s("*") << 0xffaau;
    QTest::newRow("KP /") << int(Qt::Key_Slash) << keypad << s("/") << 0xffafu;
    QTest::newRow("KP .") << int(Qt::Key_Period) << keypad << s(".") << 0xffaeu;
    QTest::newRow("KP Enter") << int(Qt::Key_Enter) << keypad << s("\r") << 0xff8du;
    QTest::newRow("KP Home") << int(Qt::Key_Home) << keypad << QString() << 0xff95u;
    QTest::newRow("KP Left") << int(Qt::Key_Left) << keypad << QString() << 0xff96u;
    QTest::newRow("KP Delete") << int(Qt::Key_Delete) << keypad << QString() << 0xff9fu;
    QTest::newRow("KP 5 without NumLock") << int(Qt::Key_Clear) << keypad << QString() << 0xff9du;
    QTest::newRow("Enter without the flag") << int(Qt::Key_Enter) << none << QString() << 0xff8du;
    // Dead keys (compose on the remote).
    QTest::newRow("dead acute") << int(Qt::Key_Dead_Acute) << none << QString() << 0xfe51u;
    QTest::newRow("dead circumflex") << int(Qt::Key_Dead_Circumflex) << none << QString() << 0xfe52u;
    QTest::newRow("dead diaeresis") << int(Qt::Key_Dead_Diaeresis) << none << QString() << 0xfe57u;
    // Nothing to send.
    QTest::newRow("unknown without text") << int(Qt::Key_unknown) << none << QString() << 0u;
    QTest::newRow("control text, unknown key") << int(Qt::Key_unknown) << ctrl << s("\x01") << 0u;
    QTest::newRow("two code points") << int(Qt::Key_unknown) << none << s("ab") << 0u;
    QTest::newRow("lone surrogate") << int(Qt::Key_unknown) << none << QString(QChar(0xd800)) << 0u;
    QTest::newRow("C1 control") << int(Qt::Key_unknown) << none << QString(QChar(0x85)) << 0u;
}

void TestKeySymMap::keysym()
{
    QFETCH(int, key);
    QFETCH(Qt::KeyboardModifiers, modifiers);
    QFETCH(QString, text);
    QFETCH(uint, expected);
    QCOMPARE(KeySymMap::keysym(key, modifiers, text), expected);
}

void TestKeySymMap::codePoint_data()
{
    QTest::addColumn<uint>("cp");
    QTest::addColumn<uint>("expected");
    QTest::newRow("space") << 0x20u << 0x20u;
    QTest::newRow("tilde") << 0x7eu << 0x7eu;
    QTest::newRow("DEL") << 0x7fu << 0u;
    QTest::newRow("C1") << 0x9fu << 0u;
    QTest::newRow("nbsp") << 0xa0u << 0xa0u;
    QTest::newRow("ÿ") << 0xffu << 0xffu;
    QTest::newRow("Ā") << 0x100u << 0x01000100u;
    QTest::newRow("surrogate") << 0xdc00u << 0u;
    QTest::newRow("last code point") << 0x10ffffu << 0x0110ffffu;
    QTest::newRow("beyond Unicode") << 0x110000u << 0u;
    QTest::newRow("NUL") << 0u << 0u;
}

void TestKeySymMap::codePoint()
{
    QFETCH(uint, cp);
    QFETCH(uint, expected);
    QCOMPARE(KeySymMap::keysymForCodePoint(char32_t(cp)), expected);
}

QTEST_APPLESS_MAIN(TestKeySymMap)
#include "TestKeySymMap.moc"
