// The admin window through a helpdesk's working day, against real parts: two remotes in two tabs at once — the
// lab's srad (its own process, the remote's pcscd with our reader driver, x11vnc on the lab's Xvfb) and a second
// srad in this process (the real SradService, x11vnc on the same display) — each sharing its screen and with the
// card inserted, the admin's card a soft card that takes 1 s for every PIN check and signature (sra-lab
// --card-delay-ms), and the link to the first srad cut and restored through a proxy this test controls.
//
// Checked, as issue 15 asks: the GUI thread's event loop never stalls for 50 ms or more while the card works
// (measured here, over the whole run); the approval prompt names which remote asks; the cut tab says
// "reconnecting" and is back within 2 s of the link's return with its screen open again; the remote's reader
// (its own pcscd, asked by opensc-tool) and srad's local channel never report a removal; the other tab is never
// disturbed. With SRA_GUI_SCREENSHOT_DIR set, the states are saved as pictures.
#include "core/admin/AdminController.h"
#include "gui/AppSettings.h"
#include "gui/MainWindow.h"
#include "gui/RemoteTab.h"
#include "gui/vnc/VncView.h"
#include "support/InProcessSrad.h"
#include "support/Lab.h"
#include "support/LinkProxy.h"
#include "support/Process.h"

#include <QDialog>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using sra::core::AdminController;
using sra::gui::RemoteTab;
using sra::test::InProcessSrad;
using sra::test::Lab;
using sra::test::LinkProxy;
using sra::test::RemoteProgram;

namespace {
constexpr int kCardDelayMs = 1000;
constexpr qint64 kMaxEventLoopStallMs = 50;
constexpr int kReturnWithinMs = 2000;

// The longest time the event loop of this thread did not run a 5 ms timer beyond its interval.
class EventLoopProbe : public QObject
{
public:
    EventLoopProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.elapsed();
            m_worst = std::max(m_worst, now - m_last - kIntervalMs);
            m_last = now;
        });
        m_clock.start();
        m_timer.start(kIntervalMs);
    }

    qint64 worstStallMs() const
    {
        return m_worst;
    }

private:
    static constexpr qint64 kIntervalMs = 5;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_worst = 0;
};

void screenshot(QWidget* widget, const QString& name)
{
    const QString dir = QString::fromLocal8Bit(qgetenv("SRA_GUI_SCREENSHOT_DIR"));
    if (!dir.isEmpty()) {
        QDir().mkpath(dir);
        QVERIFY(widget->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png")));
    }
}

QDialog* visibleDialog(const QString& name)
{
    for (QWidget* w : QApplication::topLevelWidgets()) {
        if (auto* dialog = qobject_cast<QDialog*>(w); dialog && dialog->objectName() == name && dialog->isVisible()) {
            return dialog;
        }
    }
    return nullptr;
}
} // namespace

class TestWorkingDay : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void twoRemotesThroughADrop();

private:
    bool remoteReaderHasCard() const;
    // Signs `tab` in to `target` (trust on first use, the lab's PIN) and shares its screen.
    bool signInAndShare(RemoteTab* tab, const QString& target);
    bool insert(RemoteTab* tab);

    std::unique_ptr<Lab> m_lab;
    QTemporaryDir m_dir;
    std::unique_ptr<InProcessSrad> m_second;
    std::unique_ptr<LinkProxy> m_linkA;
    std::unique_ptr<LinkProxy> m_linkB;
    std::unique_ptr<sra::gui::AppSettings> m_settings;
    std::unique_ptr<sra::gui::MainWindow> m_window;
};

void TestWorkingDay::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    Lab::Options options;
    options.key = QStringLiteral("p256");
    options.cardDelayMs = kCardDelayMs;
    m_lab = std::make_unique<Lab>(options);
    QVERIFY2(m_lab->isUp(), qPrintable(m_lab->error()));
    qputenv("PCSCLITE_CSOCK_NAME", m_lab->env(QStringLiteral("ADMIN_PCSCLITE_CSOCK_NAME")).toLocal8Bit());

    // The second remote: srad in this process, the lab card paired, x11vnc on the lab's display.
    const QString dir = m_dir.filePath(QStringLiteral("second-srad"));
    QVERIFY(QDir().mkpath(dir));
    const QSslCertificate card =
        QSslCertificate::fromPath(m_lab->env(QStringLiteral("SOFTCARD_DIR")) + QStringLiteral("/slot-9a.cert.pem"))
            .value(0);
    QVERIFY(!card.isNull());
    InProcessSrad::Options second;
    second.screenDisplay = m_lab->display();
    m_second = std::make_unique<InProcessSrad>();
    QString error;
    QVERIFY2(m_second->start(dir, card, second, error), qPrintable(error));

    m_linkA = std::make_unique<LinkProxy>(m_lab->env(QStringLiteral("SRAD_PORT")).toUShort());
    m_linkB = std::make_unique<LinkProxy>(m_second->port());
    m_settings = std::make_unique<sra::gui::AppSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
    m_settings->setKnownHostsFile(m_dir.filePath(QStringLiteral("known_hosts")));
    m_settings->setSradRoot(m_lab->env(QStringLiteral("SRAD_ROOT")));
    m_window = std::make_unique<sra::gui::MainWindow>(m_settings.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestWorkingDay::cleanupTestCase()
{
    m_window.reset();
    m_linkA.reset();
    m_linkB.reset();
    m_second.reset();
    m_lab.reset();
}

bool TestWorkingDay::remoteReaderHasCard() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PCSCLITE_CSOCK_NAME"), m_lab->env(QStringLiteral("REMOTE_PCSCLITE_CSOCK_NAME")));
    const auto r = sra::test::runProcess(QStringLiteral("opensc-tool"), {QStringLiteral("-l")}, env);
    return QRegularExpression(QStringLiteral("\\bYes\\s+SRA Virtual Card Reader"))
        .match(QString::fromUtf8(r.out))
        .hasMatch();
}

bool TestWorkingDay::signInAndShare(RemoteTab* tab, const QString& target)
{
    QSignalSpy shown(tab, &RemoteTab::remoteScreenShown);
    RemoteTab::Autostart start;
    start.target = target;
    start.acceptNewHost = true;
    const QByteArray pin = m_lab->env(QStringLiteral("SOFTCARD_PIN")).toLatin1();
    start.pin.assign(pin.begin(), pin.end());
    start.screenShare = true;
    tab->autostart(std::move(start));
    if (!shown.wait(60000)) {
        qWarning("%s: no screen: %s", qPrintable(target), qPrintable(tab->statusText()));
        return false;
    }
    return true;
}

bool TestWorkingDay::insert(RemoteTab* tab)
{
    QSignalSpy inserted(tab->controller(), &AdminController::cardInserted);
    tab->insertCard();
    return inserted.wait(20000);
}

void TestWorkingDay::twoRemotesThroughADrop()
{
    EventLoopProbe probe;
    const QString targetA = QStringLiteral("127.0.0.1:%1").arg(m_linkA->port());
    const QString targetB = QStringLiteral("127.0.0.1:%1").arg(m_linkB->port());

    RemoteTab* tabA = m_window->currentTab();
    QVERIFY(signInAndShare(tabA, targetA));
    RemoteTab* tabB = m_window->newTab();
    QVERIFY(signInAndShare(tabB, targetB));
    QCOMPARE(m_window->tabWidget()->count(), 2);
    QVERIFY(insert(tabA));
    QVERIFY(insert(tabB));

    QSignalSpy bLost(tabB->controller(), &AdminController::connectionLost);
    QSignalSpy bClosed(tabB->controller(), &AdminController::closed);
    QSignalSpy bViewGone(tabB->remoteView(), &sra::gui::VncView::disconnected);

    // A relayed PIN check from the second remote: the prompt names it (host and port), the slow card does it.
    RemoteProgram programB(m_second->localSocket());
    QVERIFY(programB.waitForCard());
    programB.verifyPinInBackground(qPrintable(m_lab->env(QStringLiteral("SOFTCARD_PIN"))));
    QTRY_VERIFY_WITH_TIMEOUT(visibleDialog(QStringLiteral("approvalDialog")), 10000);
    QDialog* approval = visibleDialog(QStringLiteral("approvalDialog"));
    const QString intro = approval->findChild<QLabel*>(QStringLiteral("approvalIntroLabel"))->text();
    QVERIFY2(intro.contains(targetB), qPrintable(intro));
    screenshot(m_window.get(), QStringLiteral("working-day-approval"));
    QTest::mouseClick(approval->findChild<QPushButton*>(QStringLiteral("allowOnceButton")), Qt::LeftButton);
    QVERIFY(programB.waitForReply(20000));
    QCOMPARE(programB.status(), sra::wire::RelayStatus::Ok);
    screenshot(m_window.get(), QStringLiteral("working-day-two-remotes"));

    // The link to the lab's srad drops.
    RemoteProgram programA(m_lab->env(QStringLiteral("SRAD_LOCAL_SOCKET")));
    QVERIFY(programA.waitForCard());
    const std::uint32_t generation = programA.generation();
    QSignalSpy aLost(tabA->controller(), &AdminController::connectionLost);
    QSignalSpy aResumed(tabA->controller(), &AdminController::resumed);
    QSignalSpy aShown(tabA, &RemoteTab::remoteScreenShown);
    m_window->tabWidget()->setCurrentWidget(tabA);
    m_linkA->cut();
    QVERIFY(aLost.wait(10000));
    QVERIFY(tabA->title().contains(QStringLiteral("reconnecting")));
    QVERIFY(tabA->findChild<QLabel*>(QStringLiteral("reconnectBanner"))->isVisible());
    screenshot(m_window.get(), QStringLiteral("working-day-reconnecting"));
    for (int i = 0; i < 4; ++i) { // 3 s of outage, the remote's reader asked throughout
        QVERIFY2(remoteReaderHasCard(), "the remote's reader reported the card removed during the drop");
        QTest::qWait(750);
    }
    QVERIFY(tabA->controller()->reconnecting());

    m_linkA->restore();
    QElapsedTimer back;
    back.start();
    QVERIFY(aResumed.wait(kReturnWithinMs + 3000));
    const qint64 returnMs = back.elapsed();
    qInfo("tab A resumed %lld ms after the link returned", static_cast<long long>(returnMs));
    QVERIFY2(returnMs < kReturnWithinMs, qPrintable(QString::number(returnMs)));
    QVERIFY(aShown.wait(30000)); // the screen opened again by itself
    QVERIFY(!tabA->title().contains(QStringLiteral("reconnecting")));
    QVERIFY(tabA->controller()->cardInsertedInRemote());
    QVERIFY(remoteReaderHasCard());
    QVERIFY(!programA.sawCardLeave());
    QCOMPARE(programA.generation(), generation);
    screenshot(m_window.get(), QStringLiteral("working-day-reconnected"));

    // The other remote never noticed.
    QCOMPARE(bLost.count(), 0);
    QCOMPARE(bClosed.count(), 0);
    QCOMPARE(bViewGone.count(), 0);
    QVERIFY(tabB->controller()->authenticated());
    QCOMPARE(tabB->remoteView()->state(), sra::gui::VncView::State::Connected);

    qInfo("worst event-loop stall of the GUI thread: %lld ms (card: %d ms per operation)",
          static_cast<long long>(probe.worstStallMs()),
          kCardDelayMs);
    QVERIFY2(probe.worstStallMs() < kMaxEventLoopStallMs, qPrintable(QString::number(probe.worstStallMs())));

    m_window->showShortcuts();
    QTRY_VERIFY(visibleDialog(QStringLiteral("shortcutsDialog")));
    screenshot(visibleDialog(QStringLiteral("shortcutsDialog")), QStringLiteral("working-day-shortcuts"));
    visibleDialog(QStringLiteral("shortcutsDialog"))->reject();
}

QTEST_MAIN(TestWorkingDay)
#include "TestWorkingDay.moc"
