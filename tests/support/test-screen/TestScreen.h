#pragma once

#include <QFile>
#include <QWidget>

// A frameless window covering the whole screen with four solid quadrants (top-left red, top-right green,
// bottom-left blue, bottom-right white) that records what reaches it: every key press and release (X keysym,
// text, modifiers), every mouse button press (position, button) and every clipboard change, one line each in
// the input log. Under Xvfb there is no window manager, so the window places itself and takes the focus.
class TestScreen : public QWidget
{
    Q_OBJECT

public:
    // inputLog: file the recorded lines are appended to (flushed per line, so a test can poll it);
    // readyFile: written once the window has been painted on screen.
    TestScreen(const QString& inputLog, const QString& readyFile, QWidget* parent = nullptr);

    static constexpr QRgb kTopLeft = 0xffff0000;
    static constexpr QRgb kTopRight = 0xff00ff00;
    static constexpr QRgb kBottomLeft = 0xff0000ff;
    static constexpr QRgb kBottomRight = 0xffffffff;

protected:
    void paintEvent(QPaintEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    bool focusNextPrevChild(bool next) override;

private:
    void record(const QString& line);
    void recordKey(const char* what, const QKeyEvent* event);

    QFile m_log;
    QString m_readyFile;
    bool m_painted = false;
};
