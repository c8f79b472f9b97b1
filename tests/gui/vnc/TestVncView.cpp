#include "SocketPairRelay.h"
#include "VncTestDisplay.h"
#include "gui/vnc/VncView.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using sra::gui::VncError;
using sra::gui::VncView;

namespace {

const QByteArray kPassword = QByteArrayLiteral("s3cret-x");

// Names of this process's threads (from /proc), so a failure shows which one is left.
QStringList threadNames()
{
    QStringList names;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString& task : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(task + QStringLiteral("/comm")));
        names << (comm.open(QIODevice::ReadOnly) ? QString::fromUtf8(comm.readAll().trimmed()) : task);
    }
    names.sort();
    return names;
}

int threadCount()
{
    return int(threadNames().size());
}

// Colour of the framebuffer/grab at a point, without the alpha byte.
QRgb rgbAt(const QImage& image, int x, int y)
{
    return image.pixel(x, y) & 0xffffffu;
}

bool showsQuadrants(const QImage& image, int tolerance = 0)
{
    if (image.isNull()) {
        return false;
    }
    const int w = image.width();
    const int h = image.height();
    const auto near = [tolerance](QRgb got, QRgb want) {
        return qAbs(qRed(got) - qRed(want)) <= tolerance && qAbs(qGreen(got) - qGreen(want)) <= tolerance
               && qAbs(qBlue(got) - qBlue(want)) <= tolerance;
    };
    return near(rgbAt(image, w / 4, h / 4), 0xff0000) && near(rgbAt(image, 3 * w / 4, h / 4), 0x00ff00)
           && near(rgbAt(image, w / 4, 3 * h / 4), 0x0000ff) && near(rgbAt(image, 3 * w / 4, 3 * h / 4), 0xffffff);
}

// Writes `script` to the peer of `fd` (a fake VNC server) after reading the client's bytes as the RFB
// handshake goes; used for servers that misbehave on purpose.
void hostileServer(int fd, QByteArray serverInit)
{
    char buffer[64];
    const auto readExactly = [fd, &buffer](size_t n) {
        size_t got = 0;
        while (got < n) {
            const ssize_t r = ::read(fd, buffer, n - got);
            if (r <= 0) {
                return false;
            }
            got += size_t(r);
        }
        return true;
    };
    const auto send = [fd](const QByteArray& bytes) {
        return ::write(fd, bytes.constData(), size_t(bytes.size())) == bytes.size();
    };
    // Version, security "None", result OK, then ServerInit (or whatever the case sends).
    if (send(QByteArrayLiteral("RFB 003.008\n")) && readExactly(12) && send(QByteArray("\x01\x01", 2)) && readExactly(1)
        && send(QByteArray(4, '\0')) && readExactly(1)) {
        send(serverInit);
    }
    char drain[256];
    while (::read(fd, drain, sizeof drain) > 0) {
    }
    ::close(fd);
}

QByteArray serverInit(quint16 width, quint16 height)
{
    QByteArray init;
    init.append(char(width >> 8)).append(char(width & 0xff)).append(char(height >> 8)).append(char(height & 0xff));
    // 32 bpp, depth 24, little-endian, true colour, maxima 255, shifts 16/8/0, padding.
    init.append(QByteArray("\x20\x18\x00\x01\x00\xff\x00\xff\x00\xff\x10\x08\x00\x00\x00\x00", 16));
    init.append(QByteArray("\x00\x00\x00\x04", 4)).append("huge");
    return init;
}

} // namespace

// VncView and its worker against a real x11vnc sharing a private Xvfb display that shows sra-test-screen:
// pixels, keys, Ctrl-Alt-Del, clipboard, authentication errors, view-only, clean stop; over x11vnc's UNIX
// socket directly and over a socketpair (the shape of the srad tunnel); hostile servers.
class TestVncView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void showsTheRemoteScreen();
    void unscaledIsOneRemotePixelPerDevicePixel();
    void typedTextAndCtrlAltDelArrive();
    void clipboardGoesToTheRemote();
    void viewOnlySendsNothing();
    void wrongPasswordFails();
    void missingPasswordFails();
    void overSocketPair();
    void cleanStopLeavesNoThread();
    void stopWhileServerIsSilent();
    void connectFailureIsReported();
    void hugeFramebufferRefused();
    void garbageServerRefused();

private:
    void connectDirect(VncView& view, const QByteArray& password = kPassword);
    void waitForKeyLog(const QString& expected, int timeoutMs = 10000);

    std::unique_ptr<VncTestDisplay> m_display;
};

void TestVncView::initTestCase()
{
    QString missing;
    if (!VncTestDisplay::toolsAvailable(&missing)) {
        // A missing tool is a broken set-up, not a reason to pass: scripts/deps always installs it.
        QFAIL(qPrintable(missing + QStringLiteral(" is not installed (scripts/deps installs it)")));
    }
    const QString screen = qEnvironmentVariable("SRA_TEST_SCREEN");
    QVERIFY2(QFileInfo::exists(screen), qPrintable(QStringLiteral("sra-test-screen not found at ") + screen));
    m_display = std::make_unique<VncTestDisplay>();
    QVERIFY2(m_display->start(screen, kPassword), qPrintable(m_display->error()));
}

void TestVncView::cleanup()
{
    QApplication::clipboard()->clear();
}

void TestVncView::connectDirect(VncView& view, const QByteArray& password)
{
    QSignalSpy connected(&view, &VncView::connected);
    view.connectToUnixSocket(m_display->socketPath(), password);
    QVERIFY2(connected.wait(10000) || view.state() == VncView::State::Connected, qPrintable(view.lastErrorString()));
}

void TestVncView::waitForKeyLog(const QString& expected, int timeoutMs)
{
    QTRY_VERIFY2_WITH_TIMEOUT(m_display->typedText().contains(expected),
                              qPrintable(QStringLiteral("typed so far: '%1'\n%2")
                                             .arg(m_display->typedText(), m_display->keyLog().join(QLatin1Char('\n')))),
                              timeoutMs);
}

void TestVncView::showsTheRemoteScreen()
{
    VncView view;
    QSignalSpy sizes(&view, &VncView::frameSizeChanged);
    view.resize(512, 384);
    view.show();
    connectDirect(view);
    QCOMPARE(view.frameSize(), QSize(1024, 768));
    QCOMPARE(sizes.count(), 1);
    QCOMPARE(sizes.first().first().toSize(), QSize(1024, 768));
    // The first update from x11vnc can be black; the picture follows.
    QTRY_VERIFY_WITH_TIMEOUT(showsQuadrants(view.framebuffer()), 10000);
    // What the widget shows: scaled to fit 512×384 exactly (same aspect), so the quadrants are in place.
    QTRY_VERIFY_WITH_TIMEOUT(showsQuadrants(view.grab().toImage(), 8), 5000);
    // 1:1: the top-left 512×384 of the remote, all red.
    view.setScaleToFit(false);
    QTRY_COMPARE_WITH_TIMEOUT(rgbAt(view.grab().toImage(), 500, 370), QRgb(0xff0000), 5000);
    view.disconnectFromHost();
    QCOMPARE(view.state(), VncView::State::Disconnected);
}

void TestVncView::unscaledIsOneRemotePixelPerDevicePixel()
{
    VncView view;
    view.resize(512, 384);
    view.show();
    connectDirect(view);
    QTRY_VERIFY_WITH_TIMEOUT(showsQuadrants(view.framebuffer()), 10000);
    view.setScaleToFit(false);
    const qreal ratio = view.viewport()->devicePixelRatioF();
    // Every device pixel of the viewport is the remote pixel at the same position (the view is not scrolled):
    // at ratio 1 that is the top-left 512×384 of the remote; gui.vnc.VncViewHiDpi runs this with
    // QT_SCALE_FACTOR=2, where 512×384 logical pixels are 1024×768 device pixels, the whole remote screen,
    // sharp (no scaling, so no blend across the quadrant edge at x = 512).
    const QImage remote = view.framebuffer();
    const auto oneToOne = [&] {
        const QImage shown = view.viewport()->grab().toImage();
        if (shown.size() != (QSizeF(view.viewport()->size()) * ratio).toSize()) {
            return false;
        }
        for (int y = 0; y < shown.height(); y += 7) {
            for (int x = 0; x < shown.width(); x += 7) {
                if (rgbAt(shown, x, y) != rgbAt(remote, x, y)) {
                    return false;
                }
            }
        }
        // Both sides of the quadrant edge, where it is on screen.
        return shown.width() <= 512
               || (rgbAt(shown, 511, 100) == QRgb(0xff0000) && rgbAt(shown, 512, 100) == QRgb(0x00ff00));
    };
    QTRY_VERIFY_WITH_TIMEOUT(oneToOne(), 5000);
    if (ratio >= 2) {
        QVERIFY(showsQuadrants(view.viewport()->grab().toImage(), 0)); // the whole remote at 1:1
    }
    view.disconnectFromHost();
}

void TestVncView::typedTextAndCtrlAltDelArrive()
{
    VncView view;
    view.show();
    // Offscreen windows are exposed but never become active (no window manager): exposure is what key events
    // to the focused widget need, and what must hold.
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setFocus();
    connectDirect(view);
    const QString text = QStringLiteral("Hello, VNC 42! ~[x]");
    QTest::keyClicks(&view, text);
    waitForKeyLog(text);
    // Beyond ASCII: Latin-1 é and the Unicode keysym for € (x11vnc adds keysyms the layout lacks).
    QKeyEvent eacute(QEvent::KeyPress, Qt::Key_Eacute, Qt::NoModifier, QStringLiteral("é"));
    QKeyEvent eacuteUp(QEvent::KeyRelease, Qt::Key_Eacute, Qt::NoModifier, QStringLiteral("é"));
    QKeyEvent euro(QEvent::KeyPress, Qt::Key_unknown, Qt::NoModifier, QStringLiteral("€"));
    QKeyEvent euroUp(QEvent::KeyRelease, Qt::Key_unknown, Qt::NoModifier, QStringLiteral("€"));
    QApplication::sendEvent(&view, &eacute);
    QApplication::sendEvent(&view, &eacuteUp);
    QApplication::sendEvent(&view, &euro);
    QApplication::sendEvent(&view, &euroUp);
    waitForKeyLog(text + QStringLiteral("é€"));

    // Tab stays in the view (goes to the remote) instead of moving the focus.
    QTest::keyClick(&view, Qt::Key_Tab);
    QTRY_VERIFY_WITH_TIMEOUT(m_display->keyLog().filter(QStringLiteral("press keysym=0xff09")).size() == 1, 5000);
    QVERIFY(view.hasFocus());

    view.ctrlAltDelAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!m_display->keyLog()
                                  .filter(QRegularExpression(QStringLiteral("^press keysym=0xffff .*mods=ctrl,alt")))
                                  .isEmpty(),
                             5000);
}

void TestVncView::clipboardGoesToTheRemote()
{
    // The witness is x11vnc's own log of received cut text (-seldir debug): it takes the X selection for
    // it only lazily, seconds later, so the test screen's clipboard log would make this test slow.
    VncView view;
    connectDirect(view);
    QApplication::clipboard()->setText(QStringLiteral("from the admin"));
    QTRY_VERIFY_WITH_TIMEOUT(m_display->serverLog().contains(QStringLiteral("xcut_receive: 'from the admin'")), 10000);
    // Text beyond Latin-1 cannot travel in RFB 3.8 cut text; it arrives with '?' in its place.
    QApplication::clipboard()->setText(QStringLiteral("price 5€"));
    QTRY_VERIFY_WITH_TIMEOUT(m_display->serverLog().contains(QStringLiteral("xcut_receive: 'price 5?'")), 10000);
}

void TestVncView::viewOnlySendsNothing()
{
    VncView view;
    view.show();
    view.setFocus();
    view.setViewOnly(true);
    connectDirect(view);
    QVERIFY(!view.ctrlAltDelAction()->isEnabled());
    const int before = int(m_display->keyLog().size());
    QTest::keyClicks(&view, QStringLiteral("nothing"));
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, QPoint(10, 10));
    view.sendCtrlAltDel();
    QApplication::clipboard()->setText(QStringLiteral("not for the remote"));
    QTest::qWait(1500);
    QCOMPARE(int(m_display->keyLog().size()), before);
    // The same path with view-only off does reach the remote, so the silence above means something.
    view.setViewOnly(false);
    QTest::keyClicks(&view, QStringLiteral("live"));
    waitForKeyLog(QStringLiteral("live"));
}

void TestVncView::wrongPasswordFails()
{
    VncView view;
    QSignalSpy disconnected(&view, &VncView::disconnected);
    view.connectToUnixSocket(m_display->socketPath(), QByteArrayLiteral("wrong-pw"));
    QVERIFY(disconnected.wait(10000));
    QCOMPARE(view.lastError(), VncError::AuthFailed);
    const QString reason = disconnected.first().first().toString();
    QVERIFY2(reason.contains(QStringLiteral("refused the password")), qPrintable(reason));
    QCOMPARE(view.state(), VncView::State::Disconnected);
}

void TestVncView::missingPasswordFails()
{
    VncView view;
    QSignalSpy disconnected(&view, &VncView::disconnected);
    view.connectToUnixSocket(m_display->socketPath(), QByteArray());
    QVERIFY(disconnected.wait(10000));
    QCOMPARE(view.lastError(), VncError::PasswordRequired);
}

void TestVncView::overSocketPair()
{
    SocketPairRelay relay;
    const int fd = relay.start(m_display->socketPath());
    QVERIFY(fd >= 0);
    VncView view;
    view.show();
    view.setFocus();
    QSignalSpy connected(&view, &VncView::connected);
    view.connectToFd(fd, kPassword);
    QVERIFY2(connected.wait(10000), qPrintable(view.lastErrorString()));
    QTRY_VERIFY_WITH_TIMEOUT(showsQuadrants(view.framebuffer()), 10000);
    QTest::keyClicks(&view, QStringLiteral("via the pair"));
    waitForKeyLog(QStringLiteral("via the pair"));
}

void TestVncView::cleanStopLeavesNoThread()
{
    const QStringList namesBefore = threadNames();
    const int before = int(namesBefore.size());
    {
        VncView view;
        connectDirect(view);
        QVERIFY(threadCount() > before); // the worker runs while connected
        QSignalSpy disconnected(&view, &VncView::disconnected);
        view.disconnectFromHost();
        QCOMPARE(disconnected.count(), 1);
        QVERIFY(disconnected.first().first().toString().isEmpty());
        // QThread::wait() returns when run() is done; the kernel task disappears a moment later (Qt's
        // threads are detached), so give it that moment.
        QTRY_COMPARE_WITH_TIMEOUT(threadNames().join(QLatin1Char(',')), namesBefore.join(QLatin1Char(',')), 2000);
        // Connect again with the same view, then let the destructor stop it.
        connectDirect(view);
    }
    // QThread::wait() returns when run() is done; the kernel task disappears a moment later (Qt's
    // threads are detached), so give it that moment.
    QTRY_COMPARE_WITH_TIMEOUT(threadNames().join(QLatin1Char(',')), namesBefore.join(QLatin1Char(',')), 2000);
}

void TestVncView::stopWhileServerIsSilent()
{
    // A peer that accepts and never speaks: the worker is blocked inside the handshake.
    int pair[2];
    QVERIFY(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
    const int before = threadCount();
    VncView view;
    view.connectToFd(pair[0], kPassword);
    QTest::qWait(300);
    QCOMPARE(view.state(), VncView::State::Connecting);
    QElapsedTimer timer;
    timer.start();
    view.disconnectFromHost();
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    QTRY_COMPARE_WITH_TIMEOUT(threadCount(), before, 2000);
    ::close(pair[1]);
}

void TestVncView::connectFailureIsReported()
{
    VncView view;
    QSignalSpy disconnected(&view, &VncView::disconnected);
    view.connectToUnixSocket(QDir::temp().filePath(QStringLiteral("sra-no-such-vnc.sock")), kPassword);
    QVERIFY(disconnected.wait(5000));
    QCOMPARE(view.lastError(), VncError::ConnectFailed);
    QVERIFY(!disconnected.first().first().toString().isEmpty());

    view.connectToHost(QStringLiteral("127.0.0.1"), 1, kPassword); // nothing listens on port 1
    QVERIFY(disconnected.wait(5000));
    QCOMPARE(view.lastError(), VncError::ConnectFailed);
}

void TestVncView::hugeFramebufferRefused()
{
    int pair[2];
    QVERIFY(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
    std::thread server(hostileServer, pair[1], serverInit(65535, 65535));
    VncView view;
    QSignalSpy disconnected(&view, &VncView::disconnected);
    view.connectToFd(pair[0], QByteArray());
    QVERIFY(disconnected.wait(5000));
    QCOMPARE(view.lastError(), VncError::FramebufferTooLarge);
    QVERIFY2(disconnected.first().first().toString().contains(QStringLiteral("65535")),
             qPrintable(disconnected.first().first().toString()));
    server.join();

    // An empty screen is refused the same way.
    QVERIFY(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
    std::thread emptyServer(hostileServer, pair[1], serverInit(0, 0));
    view.connectToFd(pair[0], QByteArray());
    QVERIFY(disconnected.wait(5000));
    QCOMPARE(view.lastError(), VncError::FramebufferTooLarge);
    emptyServer.join();
}

void TestVncView::garbageServerRefused()
{
    int pair[2];
    QVERIFY(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
    std::thread server([fd = pair[1]] {
        const QByteArray junk = QByteArrayLiteral("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        [[maybe_unused]] const ssize_t n = ::write(fd, junk.constData(), size_t(junk.size()));
        char drain[256];
        while (::read(fd, drain, sizeof drain) > 0) {
        }
        ::close(fd);
    });
    VncView view;
    QSignalSpy disconnected(&view, &VncView::disconnected);
    view.connectToFd(pair[0], kPassword);
    QVERIFY(disconnected.wait(5000));
    QCOMPARE(view.lastError(), VncError::HandshakeFailed);
    server.join();
}

QTEST_MAIN(TestVncView)
#include "TestVncView.moc"
