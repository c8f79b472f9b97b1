#include "TestScreen.h"

#include <QApplication>
#include <QClipboard>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScreen>
#include <QTimer>
#include <QWheelEvent>

#include <cstdio>

TestScreen::TestScreen(const QString& inputLog, const QString& readyFile, QWidget* parent)
    : QWidget(parent, Qt::FramelessWindowHint)
    , m_log(inputLog)
    , m_readyFile(readyFile)
{
    if (!inputLog.isEmpty() && !m_log.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
        std::fprintf(stderr, "sra-test-screen: cannot open %s\n", qPrintable(inputLog));
    }
    setFocusPolicy(Qt::StrongFocus);
    setCursor(Qt::BlankCursor); // the cursor would otherwise be painted into the shared picture by x11vnc
    connect(QApplication::clipboard(), &QClipboard::dataChanged, this, [this] {
        record(QStringLiteral("clipboard %1")
                   .arg(QString::fromLatin1(QApplication::clipboard()->text().toUtf8().toPercentEncoding())));
    });
}

void TestScreen::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const int halfWidth = width() / 2;
    const int halfHeight = height() / 2;
    painter.fillRect(0, 0, halfWidth, halfHeight, QColor::fromRgb(kTopLeft));
    painter.fillRect(halfWidth, 0, width() - halfWidth, halfHeight, QColor::fromRgb(kTopRight));
    painter.fillRect(0, halfHeight, halfWidth, height() - halfHeight, QColor::fromRgb(kBottomLeft));
    painter.fillRect(halfWidth, halfHeight, width() - halfWidth, height() - halfHeight, QColor::fromRgb(kBottomRight));
    if (!m_painted) {
        m_painted = true;
        // After this paint reaches the X server; a zero timer runs once the backing store has been flushed.
        QTimer::singleShot(0, this, [this] {
            activateWindow();
            if (m_readyFile.isEmpty()) {
                return;
            }
            QFile ready(m_readyFile);
            if (ready.open(QIODevice::WriteOnly)) {
                ready.write(QByteArray::number(QApplication::applicationPid()) + '\n');
            }
        });
    }
}

void TestScreen::keyPressEvent(QKeyEvent* event)
{
    recordKey("press", event);
}

void TestScreen::keyReleaseEvent(QKeyEvent* event)
{
    recordKey("release", event);
}

void TestScreen::mousePressEvent(QMouseEvent* event)
{
    const QPoint at = event->position().toPoint();
    record(QStringLiteral("button %1 %2 %3").arg(int(event->button())).arg(at.x()).arg(at.y()));
}

void TestScreen::wheelEvent(QWheelEvent* event)
{
    record(QStringLiteral("wheel %1").arg(event->angleDelta().y()));
}

bool TestScreen::focusNextPrevChild(bool)
{
    return false; // Tab is a key to record, not focus navigation
}

void TestScreen::recordKey(const char* what, const QKeyEvent* event)
{
    // Under xcb nativeVirtualKey() is the X keysym, which is what a VNC client sends: tests compare those.
    QStringList modifiers;
    if (event->modifiers() & Qt::ControlModifier) {
        modifiers << QStringLiteral("ctrl");
    }
    if (event->modifiers() & Qt::AltModifier) {
        modifiers << QStringLiteral("alt");
    }
    if (event->modifiers() & Qt::ShiftModifier) {
        modifiers << QStringLiteral("shift");
    }
    // One multi-argument arg(): chained arg() calls would substitute into percent-encoded text ("%2C").
    record(QStringLiteral("%1 keysym=0x%2 text=%3 mods=%4%5")
               .arg(QLatin1String(what),
                    QString::number(event->nativeVirtualKey(), 16),
                    QString::fromLatin1(event->text().toUtf8().toPercentEncoding()),
                    modifiers.isEmpty() ? QStringLiteral("none") : modifiers.join(QLatin1Char(',')),
                    event->isAutoRepeat() ? QStringLiteral(" repeat") : QString()));
}

void TestScreen::record(const QString& line)
{
    if (!m_log.isOpen()) {
        return;
    }
    m_log.write(line.toUtf8() + '\n');
    m_log.flush();
}
