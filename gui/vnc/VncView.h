#pragma once

#include "VncError.h"
#include "VncFrameUpdate.h"

#include <QAbstractScrollArea>
#include <QHash>
#include <QImage>
#include <QPointer>

#include <cstdint>
#include <memory>

class QAction;
class QThread;

namespace sra::gui {

class VncClientWorker;
struct VncTarget;

// The remote screen as a widget. It talks to a VncClientWorker in a thread of its own through queued
// signals (frames in) and the worker's locked input queue (keys, pointer, clipboard out), keeps its own
// copy of the framebuffer and repaints only what changed. Scale-to-fit (letterboxed) or 1:1 with scroll
// bars; view-only; Ctrl-Alt-Del; clipboard both ways; full screen. While it has the focus, every key —
// Tab, shortcuts of the surrounding window — goes to the remote.
class VncView : public QAbstractScrollArea
{
    Q_OBJECT

public:
    enum class State
    {
        Disconnected,
        Connecting,
        Connected
    };
    Q_ENUM(State)

    explicit VncView(QWidget* parent = nullptr);
    ~VncView() override; // stops the worker and joins its thread

    // Starts a connection (ending any current one). `password` is wiped by the view; pass std::move(yours)
    // or wipe your own copy. connectToFd takes ownership of `fd`, an already-connected stream socket (the
    // srad screen tunnel hands over one end of a socketpair).
    void connectToFd(int fd, QByteArray password);
    void connectToHost(const QString& host, quint16 port, QByteArray password);
    void connectToUnixSocket(const QString& path, QByteArray password);
    // Ends the connection now (joins the worker); emits disconnected(QString()) if one was open or opening.
    void disconnectFromHost();

    State state() const
    {
        return m_state;
    }

    VncError lastError() const
    {
        return m_lastError;
    }

    QString lastErrorString() const
    {
        return m_lastErrorString;
    }

    QSize frameSize() const
    {
        return m_image.size();
    }

    // The view's copy of the remote screen (what it paints from).
    const QImage& framebuffer() const
    {
        return m_image;
    }

    bool scaleToFit() const
    {
        return m_scaleToFit;
    }

    bool isViewOnly() const
    {
        return m_viewOnly;
    }

    bool clipboardSharing() const
    {
        return m_clipboardSharing;
    }

    // Ready-made actions for menus and tool bars (texts through tr(), state kept in sync).
    QAction* scaleToFitAction() const
    {
        return m_scaleAction;
    }

    QAction* viewOnlyAction() const
    {
        return m_viewOnlyAction;
    }

    QAction* ctrlAltDelAction() const
    {
        return m_ctrlAltDelAction;
    }

    QAction* fullScreenAction() const
    {
        return m_fullScreenAction;
    }

    QSize sizeHint() const override;

public Q_SLOTS:
    void setScaleToFit(bool fit);
    void setViewOnly(bool viewOnly);
    void setClipboardSharing(bool share);
    void sendCtrlAltDel();
    // Makes the window this view is in full screen (or restores it); the window may hide its chrome on
    // fullScreenChanged().
    void setFullScreen(bool fullScreen);

Q_SIGNALS:
    void stateChanged(sra::gui::VncView::State state);
    void connected();
    // The connection ended or could not be made. `reason` is one translated sentence, empty when the
    // caller ended it with disconnectFromHost().
    void disconnected(const QString& reason);
    void frameSizeChanged(QSize size);
    // After each update from the worker was applied (region in framebuffer coordinates).
    void framebufferChanged(const QRegion& region);
    void remoteClipboardChanged(const QString& text);
    void fullScreenChanged(bool fullScreen);

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;
    bool focusNextPrevChild(bool next) override;

private:
    void start(const VncTarget& target, QByteArray& password);
    void stopWorker();
    void setState(State state);
    void onWorkerConnected(QSize size);
    void onWorkerFrame(const VncFrameUpdate& update);
    void onWorkerFinished(VncError error, const QString& reason);
    void onRemoteClipboard(const QString& text);
    void onLocalClipboardChanged();
    void resizeFramebuffer(QSize size);
    void updateGeometryMapping();
    QRect toWidget(const QRect& frameRect) const;
    QPoint toFrame(QPointF widgetPosition) const;
    bool acceptsInput() const;
    void sendPointer(QPointF position);
    void handleMouse(QMouseEvent* event);
    void releaseEverything();
    void handleKey(QKeyEvent* event, bool down);

    QThread* m_thread = nullptr;
    std::unique_ptr<VncClientWorker> m_worker;
    quint64 m_generation = 0; // signals of an earlier connection still queued are ignored
    State m_state = State::Disconnected;
    VncError m_lastError = VncError::None;
    QString m_lastErrorString;

    QImage m_image;
    bool m_scaleToFit = true;
    bool m_viewOnly = false;
    bool m_clipboardSharing = true;
    QString m_lastRemoteClipboard; // not echoed back when the local clipboard changes to it

    // Framebuffer → viewport mapping: widget = frame * m_scale + m_offset.
    qreal m_scale = 1.0;
    QPointF m_offset;

    int m_buttonMask = 0;
    QPoint m_lastPointer;
    int m_wheelRemainderX = 0;
    int m_wheelRemainderY = 0;
    QHash<quint32, std::uint32_t> m_pressedKeys; // native scan code (or Qt key) → keysym pressed

    QAction* m_scaleAction = nullptr;
    QAction* m_viewOnlyAction = nullptr;
    QAction* m_ctrlAltDelAction = nullptr;
    QAction* m_fullScreenAction = nullptr;
};

} // namespace sra::gui
