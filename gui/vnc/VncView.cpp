#include "VncView.h"

#include "KeySymMap.h"
#include "VncClientWorker.h"
#include "VncLogging.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QThread>
#include <QWheelEvent>
#include <QtMath>

#include <unistd.h>

namespace sra::gui {

namespace {

// RFB button mask bits: buttons 1..8 of X (4/5 vertical wheel, 6/7 horizontal wheel, 8 "back").
constexpr int kLeft = 1 << 0;
constexpr int kMiddle = 1 << 1;
constexpr int kRight = 1 << 2;
constexpr int kWheelUp = 1 << 3;
constexpr int kWheelDown = 1 << 4;
constexpr int kWheelLeft = 1 << 5;
constexpr int kWheelRight = 1 << 6;
constexpr int kBack = 1 << 7;
constexpr int kWheelStep = 120; // one notch in QWheelEvent::angleDelta()

int buttonBits(Qt::MouseButtons buttons)
{
    int mask = 0;
    mask |= buttons.testFlag(Qt::LeftButton) ? kLeft : 0;
    mask |= buttons.testFlag(Qt::MiddleButton) ? kMiddle : 0;
    mask |= buttons.testFlag(Qt::RightButton) ? kRight : 0;
    mask |= buttons.testFlag(Qt::BackButton) ? kBack : 0;
    return mask;
}

} // namespace

VncView::VncView(QWidget* parent)
    : QAbstractScrollArea(parent)
    , m_thread(new QThread(this))
{
    qRegisterMetaType<VncFrameUpdate>();
    qRegisterMetaType<VncError>();
    m_thread->setObjectName(QStringLiteral("vnc-worker"));
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::NoFrame);
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    // Every pixel is painted by paintEvent (framebuffer or black border): no background fill first.
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    viewport()->setAttribute(Qt::WA_StaticContents);
    setAttribute(Qt::WA_InputMethodEnabled, false);

    m_scaleAction = new QAction(tr("Scale to Fit"), this);
    m_scaleAction->setCheckable(true);
    m_scaleAction->setChecked(m_scaleToFit);
    m_scaleAction->setToolTip(tr("Fit the remote screen into the window, or show it pixel for pixel"));
    connect(m_scaleAction, &QAction::toggled, this, &VncView::setScaleToFit);

    m_viewOnlyAction = new QAction(tr("View Only"), this);
    m_viewOnlyAction->setCheckable(true);
    m_viewOnlyAction->setToolTip(tr("Watch without sending keys, mouse or clipboard to the remote"));
    connect(m_viewOnlyAction, &QAction::toggled, this, &VncView::setViewOnly);

    m_ctrlAltDelAction = new QAction(tr("Send Ctrl+Alt+Del"), this);
    m_ctrlAltDelAction->setEnabled(false);
    connect(m_ctrlAltDelAction, &QAction::triggered, this, &VncView::sendCtrlAltDel);

    m_fullScreenAction = new QAction(tr("Full Screen"), this);
    m_fullScreenAction->setCheckable(true);
    connect(m_fullScreenAction, &QAction::toggled, this, &VncView::setFullScreen);

    connect(QGuiApplication::clipboard(), &QClipboard::dataChanged, this, &VncView::onLocalClipboardChanged);
    updateGeometryMapping();
}

VncView::~VncView()
{
    stopWorker();
}

QSize VncView::sizeHint() const
{
    return m_image.isNull() ? QSize(800, 600) : m_image.size();
}

// --- connection ---------------------------------------------------------------------------------------

void VncView::connectToFd(int fd, QByteArray password)
{
    start(VncTarget::socket(fd), password);
}

void VncView::connectToHost(const QString& host, quint16 port, QByteArray password)
{
    start(VncTarget::tcp(host, port), password);
}

void VncView::connectToUnixSocket(const QString& path, QByteArray password)
{
    start(VncTarget::unixSocket(path), password);
}

void VncView::start(const VncTarget& target, QByteArray& password)
{
    disconnectFromHost();
    const quint64 generation = ++m_generation;
    m_lastError = VncError::None;
    m_lastErrorString.clear();
    m_worker = std::make_unique<VncClientWorker>(target, password); // wipes `password`
    m_worker->setViewOnly(m_viewOnly);
    m_worker->moveToThread(m_thread);
    // Queued signals from the worker thread; the generation check drops what an earlier connection left
    // in the event queue.
    connect(m_thread, &QThread::started, m_worker.get(), &VncClientWorker::run);
    connect(m_worker.get(), &VncClientWorker::connected, this, [this, generation](QSize size, const QString&) {
        if (generation == m_generation) {
            onWorkerConnected(size);
        }
    });
    connect(m_worker.get(), &VncClientWorker::frameUpdated, this, [this, generation](const VncFrameUpdate& update) {
        if (generation == m_generation) {
            onWorkerFrame(update);
        }
    });
    connect(m_worker.get(), &VncClientWorker::remoteClipboard, this, [this, generation](const QString& text) {
        if (generation == m_generation) {
            onRemoteClipboard(text);
        }
    });
    connect(
        m_worker.get(), &VncClientWorker::finished, this, [this, generation](VncError error, const QString& reason) {
            if (generation == m_generation) {
                onWorkerFinished(error, reason);
            }
        });
    setState(State::Connecting);
    m_thread->start();
}

void VncView::stopWorker()
{
    if (!m_worker) {
        return;
    }
    releaseEverything();
    m_worker->requestStop();
    m_thread->quit();
    m_thread->wait();
    ++m_generation; // whatever it queued after this point is stale
    m_worker.reset();
}

void VncView::disconnectFromHost()
{
    const bool wasOpen = m_worker != nullptr;
    stopWorker();
    if (wasOpen) {
        m_lastError = VncError::None;
        m_lastErrorString.clear();
        setState(State::Disconnected);
        Q_EMIT disconnected(QString());
    }
}

void VncView::setState(State state)
{
    if (m_state == state) {
        return;
    }
    m_state = state;
    m_ctrlAltDelAction->setEnabled(state == State::Connected && !m_viewOnly);
    Q_EMIT stateChanged(state);
}

void VncView::onWorkerConnected(QSize size)
{
    resizeFramebuffer(size);
    setState(State::Connected);
    Q_EMIT connected();
}

void VncView::onWorkerFinished(VncError error, const QString& reason)
{
    // The worker has left run(); join its thread before deleting it.
    m_thread->quit();
    m_thread->wait();
    m_worker.reset();
    m_buttonMask = 0;
    m_pressedKeys.clear();
    m_lastError = error;
    m_lastErrorString = reason;
    setState(State::Disconnected);
    Q_EMIT disconnected(reason);
}

void VncView::onWorkerFrame(const VncFrameUpdate& update)
{
    if (update.frameSize != m_image.size()) {
        resizeFramebuffer(update.frameSize);
    }
    QRegion changed;
    for (const VncDirtyRect& dirty : update.rects) {
        const QRect rect = dirty.rect.intersected(m_image.rect());
        if (rect.isEmpty() || dirty.pixels.size() != dirty.rect.size()) {
            continue;
        }
        // Row copies: both are Format_RGB32, and this is the hot path of a changing screen.
        const qsizetype rowBytes = qsizetype(rect.width()) * 4;
        for (int row = 0; row < rect.height(); ++row) {
            const uchar* source =
                dirty.pixels.constScanLine(row + rect.y() - dirty.rect.y()) + qsizetype(rect.x() - dirty.rect.x()) * 4;
            std::memcpy(m_image.scanLine(rect.y() + row) + qsizetype(rect.x()) * 4, source, size_t(rowBytes));
        }
        changed += rect;
        viewport()->update(toWidget(rect));
    }
    if (m_worker) {
        m_worker->frameConsumed();
    }
    if (!changed.isEmpty()) {
        Q_EMIT framebufferChanged(changed);
    }
}

void VncView::resizeFramebuffer(QSize size)
{
    if (size == m_image.size()) {
        return;
    }
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::black);
    m_image = std::move(image);
    updateGeometryMapping();
    viewport()->update();
    updateGeometry();
    Q_EMIT frameSizeChanged(size);
}

// --- settings and actions -----------------------------------------------------------------------------

void VncView::setScaleToFit(bool fit)
{
    if (m_scaleToFit == fit) {
        return;
    }
    m_scaleToFit = fit;
    m_scaleAction->setChecked(fit);
    updateGeometryMapping();
    viewport()->update();
}

void VncView::setViewOnly(bool viewOnly)
{
    if (m_viewOnly == viewOnly) {
        return;
    }
    if (viewOnly) {
        releaseEverything(); // nothing stays pressed on the remote
    }
    m_viewOnly = viewOnly;
    m_viewOnlyAction->setChecked(viewOnly);
    m_ctrlAltDelAction->setEnabled(m_state == State::Connected && !viewOnly);
    if (m_worker) {
        m_worker->setViewOnly(viewOnly);
    }
}

void VncView::setClipboardSharing(bool share)
{
    m_clipboardSharing = share;
}

void VncView::sendCtrlAltDel()
{
    if (acceptsInput()) {
        m_worker->sendCtrlAltDel();
    }
}

void VncView::setFullScreen(bool fullScreen)
{
    QWidget* top = window();
    const bool isFull = top->windowState().testFlag(Qt::WindowFullScreen);
    if (isFull != fullScreen) {
        top->setWindowState(top->windowState() ^ Qt::WindowFullScreen);
    }
    m_fullScreenAction->setChecked(fullScreen);
    Q_EMIT fullScreenChanged(fullScreen);
}

// --- clipboard ----------------------------------------------------------------------------------------

void VncView::onRemoteClipboard(const QString& text)
{
    Q_EMIT remoteClipboardChanged(text);
    if (!m_clipboardSharing) {
        return;
    }
    m_lastRemoteClipboard = text;
    QGuiApplication::clipboard()->setText(text);
}

void VncView::onLocalClipboardChanged()
{
    if (!m_clipboardSharing || !acceptsInput()) {
        return;
    }
    const QString text = QGuiApplication::clipboard()->text();
    if (text.isEmpty() || text == m_lastRemoteClipboard) {
        return; // our own echo of what the remote sent
    }
    m_worker->sendClipboard(text);
}

// --- geometry and painting ----------------------------------------------------------------------------

void VncView::updateGeometryMapping()
{
    const QSize area = viewport()->size();
    const QSize frame = m_image.size();
    if (frame.isEmpty() || area.isEmpty()) {
        m_scale = 1.0;
        m_offset = QPointF();
        horizontalScrollBar()->setRange(0, 0);
        verticalScrollBar()->setRange(0, 0);
        return;
    }
    if (m_scaleToFit) {
        setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        horizontalScrollBar()->setRange(0, 0);
        verticalScrollBar()->setRange(0, 0);
        m_scale = qMin(qreal(area.width()) / frame.width(), qreal(area.height()) / frame.height());
        m_offset =
            QPointF((area.width() - frame.width() * m_scale) / 2, (area.height() - frame.height() * m_scale) / 2);
        return;
    }
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    // 1:1 means one remote pixel on one device pixel: on a HiDPI screen (device pixel ratio 2) the remote is
    // drawn at half the logical size, sharp, instead of blown up and blurred.
    m_scale = 1.0 / viewport()->devicePixelRatioF();
    const QSizeF shown = QSizeF(frame) * m_scale;
    const int width = qCeil(shown.width());
    const int height = qCeil(shown.height());
    horizontalScrollBar()->setRange(0, qMax(0, width - area.width()));
    horizontalScrollBar()->setPageStep(area.width());
    verticalScrollBar()->setRange(0, qMax(0, height - area.height()));
    verticalScrollBar()->setPageStep(area.height());
    // Centred when the window is larger than the remote screen, scrolled otherwise.
    const qreal x = width < area.width() ? (area.width() - shown.width()) / 2 : -horizontalScrollBar()->value();
    const qreal y = height < area.height() ? (area.height() - shown.height()) / 2 : -verticalScrollBar()->value();
    m_offset = QPointF(x, y);
}

QRect VncView::toWidget(const QRect& frameRect) const
{
    const QRectF mapped(frameRect.x() * m_scale + m_offset.x(),
                        frameRect.y() * m_scale + m_offset.y(),
                        frameRect.width() * m_scale,
                        frameRect.height() * m_scale);
    // One pixel more on each side: smooth scaling blends neighbours across the rectangle's edge.
    return mapped.toAlignedRect().adjusted(-1, -1, 1, 1);
}

QPoint VncView::toFrame(QPointF widgetPosition) const
{
    const QPointF frame = (widgetPosition - m_offset) / m_scale;
    return QPoint(qBound(0, int(frame.x()), qMax(0, m_image.width() - 1)),
                  qBound(0, int(frame.y()), qMax(0, m_image.height() - 1)));
}

void VncView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateGeometryMapping();
}

void VncView::scrollContentsBy(int, int)
{
    updateGeometryMapping();
    viewport()->update();
}

void VncView::paintEvent(QPaintEvent* event)
{
    QPainter painter(viewport());
    const QRectF target(m_offset, QSizeF(m_image.size()) * m_scale);
    if (m_scale != 1.0) {
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
    }
    for (const QRect& exposed : event->region()) {
        // Border around the remote screen.
        QRegion border(exposed);
        border -= target.toAlignedRect();
        for (const QRect& part : border) {
            painter.fillRect(part, Qt::black);
        }
        const QRectF area = QRectF(exposed).intersected(target);
        if (area.isEmpty() || m_image.isNull()) {
            continue;
        }
        const QRectF source((area.x() - m_offset.x()) / m_scale,
                            (area.y() - m_offset.y()) / m_scale,
                            area.width() / m_scale,
                            area.height() / m_scale);
        painter.drawImage(area, m_image, source);
    }
}

// --- input --------------------------------------------------------------------------------------------

bool VncView::acceptsInput() const
{
    return m_worker && m_state == State::Connected && !m_viewOnly;
}

bool VncView::event(QEvent* event)
{
    // While connected, shortcuts of the surrounding window do not take keys away from the remote.
    if (event->type() == QEvent::ShortcutOverride && acceptsInput()) {
        event->accept();
        return true;
    }
    return QAbstractScrollArea::event(event);
}

bool VncView::focusNextPrevChild(bool next)
{
    // Tab and Shift+Tab belong to the remote while connected.
    if (m_state == State::Connected) {
        return false;
    }
    return QAbstractScrollArea::focusNextPrevChild(next);
}

void VncView::handleKey(QKeyEvent* event, bool down)
{
    if (!acceptsInput()) {
        return;
    }
    event->accept();
    // Auto-repeat: the remote repeats a held key itself from repeated presses; skip the synthetic releases.
    if (event->isAutoRepeat() && !down) {
        return;
    }
    const quint32 id = event->nativeScanCode() != 0 ? event->nativeScanCode() : quint32(event->key());
    if (!down) {
        // Release what was pressed, even if the modifiers (and so the text) changed in between.
        const auto pressed = m_pressedKeys.constFind(id);
        const std::uint32_t keysym = pressed != m_pressedKeys.cend()
                                         ? *pressed
                                         : KeySymMap::keysym(event->key(), event->modifiers(), event->text());
        m_pressedKeys.remove(id);
        if (keysym != 0) {
            m_worker->sendKey(keysym, false);
        }
        return;
    }
    const std::uint32_t keysym = KeySymMap::keysym(event->key(), event->modifiers(), event->text());
    if (keysym != 0) {
        m_pressedKeys.insert(id, keysym);
        m_worker->sendKey(keysym, true);
        return;
    }
    // Text with several characters (an input method's commit): type each one.
    const QString text = event->text();
    for (const char32_t cp : text.toUcs4()) {
        if (const std::uint32_t each = KeySymMap::keysymForCodePoint(cp)) {
            m_worker->sendKey(each, true);
            m_worker->sendKey(each, false);
        }
    }
}

void VncView::keyPressEvent(QKeyEvent* event)
{
    if (acceptsInput()) {
        handleKey(event, true);
    } else {
        QAbstractScrollArea::keyPressEvent(event);
    }
}

void VncView::keyReleaseEvent(QKeyEvent* event)
{
    if (acceptsInput()) {
        handleKey(event, false);
    } else {
        QAbstractScrollArea::keyReleaseEvent(event);
    }
}

void VncView::sendPointer(QPointF position)
{
    m_lastPointer = toFrame(position);
    m_worker->sendPointer(m_lastPointer, m_buttonMask);
}

void VncView::handleMouse(QMouseEvent* event)
{
    if (!acceptsInput()) {
        return;
    }
    // The mask is the buttons held after this event, which is what RFB sends with every position.
    m_buttonMask = buttonBits(event->buttons());
    sendPointer(event->position());
    event->accept();
}

void VncView::mousePressEvent(QMouseEvent* event)
{
    handleMouse(event);
}

void VncView::mouseReleaseEvent(QMouseEvent* event)
{
    handleMouse(event);
}

void VncView::mouseDoubleClickEvent(QMouseEvent* event)
{
    // The remote detects double clicks itself from two press/release pairs.
    handleMouse(event);
}

void VncView::mouseMoveEvent(QMouseEvent* event)
{
    handleMouse(event);
}

void VncView::wheelEvent(QWheelEvent* event)
{
    if (!acceptsInput()) {
        return;
    }
    event->accept();
    m_lastPointer = toFrame(event->position());
    // High-resolution wheels report fractions of a notch; RFB knows only whole button clicks, so the
    // remainder is kept for the next event.
    const auto clicks = [this](int& remainder, int delta, int positiveButton, int negativeButton) {
        remainder += delta;
        while (qAbs(remainder) >= kWheelStep) {
            const int button = remainder > 0 ? positiveButton : negativeButton;
            m_worker->sendPointer(m_lastPointer, m_buttonMask | button);
            m_worker->sendPointer(m_lastPointer, m_buttonMask);
            remainder -= remainder > 0 ? kWheelStep : -kWheelStep;
        }
    };
    clicks(m_wheelRemainderY, event->angleDelta().y(), kWheelUp, kWheelDown);
    clicks(m_wheelRemainderX, event->angleDelta().x(), kWheelLeft, kWheelRight);
}

void VncView::focusOutEvent(QFocusEvent* event)
{
    // Keys released while another window had the focus would otherwise stay pressed on the remote.
    releaseEverything();
    QAbstractScrollArea::focusOutEvent(event);
}

void VncView::releaseEverything()
{
    if (!m_worker) {
        m_pressedKeys.clear();
        m_buttonMask = 0;
        return;
    }
    for (const std::uint32_t keysym : std::as_const(m_pressedKeys)) {
        m_worker->sendKey(keysym, false);
    }
    m_pressedKeys.clear();
    if (m_buttonMask != 0) {
        m_buttonMask = 0;
        m_worker->sendPointer(m_lastPointer, 0);
    }
}

} // namespace sra::gui
