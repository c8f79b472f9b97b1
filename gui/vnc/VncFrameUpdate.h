#pragma once

#include <QImage>
#include <QList>
#include <QMetaType>
#include <QRect>
#include <QSize>

namespace sra::gui {

// One rectangle of new pixels, already copied out of the worker's framebuffer (Format_RGB32, opaque).
struct VncDirtyRect
{
    QRect rect; // where it goes in the remote framebuffer
    QImage pixels;
};

// What changed on the remote screen since the last update the view took: every rectangle the server
// updated in one or more message rounds, coalesced, with their pixels. The GUI owns these copies, so it
// never reads memory the worker is writing.
struct VncFrameUpdate
{
    QSize frameSize; // the framebuffer size the rectangles belong to; a change means the remote resized
    QList<VncDirtyRect> rects;
};

} // namespace sra::gui

Q_DECLARE_METATYPE(sra::gui::VncFrameUpdate)
