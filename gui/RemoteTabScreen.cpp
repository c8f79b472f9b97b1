// One remote's screen: Screen Share through the controller's tunnel into the embedded VncView, and a direct VNC
// view for machines without srad. Part of RemoteTab (RemoteTab.h).
#include "core/admin/AdminController.h"
#include "core/session/ScreenGrant.h"
#include "gui/RemoteTab.h"
#include "gui/vnc/DirectVncDialog.h"
#include "gui/vnc/VncView.h"

#include <QAction>
#include <QStackedWidget>
#include <QTimer>

#include <utility>

namespace sra::gui {

using core::AdminController;

bool RemoteTab::screenShown() const
{
    return m_controller->sharingScreen() || (m_remoteView && m_remoteView->state() != VncView::State::Disconnected);
}

QList<QAction*> RemoteTab::screenActions() const
{
    if (!m_remoteView) {
        return {};
    }
    return {m_remoteView->scaleToFitAction(),
            m_remoteView->viewOnlyAction(),
            m_remoteView->ctrlAltDelAction(),
            m_remoteView->fullScreenAction()};
}

void RemoteTab::connectScreen()
{
    AdminController* c = m_controller;
    connect(c, &AdminController::screenGranted, this, [this](const core::ScreenGrant& grant) {
        m_screenPassword = grant.password; // until the stream is ready; wiped however it ends
        m_controller->openScreen();
        setStatus(tr("Opening the screen stream…"));
        updateControls();
    });
    connect(c, &AdminController::screenRefused, this, [this](const QString& message) {
        setStatus(message, true);
        updateControls();
    });
    connect(c, &AdminController::screenStreamReady, this, [this](int viewerFd) {
        ensureRemoteView();
        m_remoteViewTarget = m_target;
        m_remoteViewArea->setCurrentWidget(m_remoteView);
        // The view wipes the password it is given.
        m_remoteView->connectToFd(viewerFd, std::exchange(m_screenPassword, QByteArray()));
        m_remoteView->setFocus();
        updateControls();
    });
    connect(c, &AdminController::screenFailed, this, [this](const QString& message) {
        wipeScreenPassword();
        setStatus(message, true);
        updateControls();
    });
    connect(c, &AdminController::screenClosed, this, [this](const QString& reason) { endScreenShare(reason); });
}

void RemoteTab::startScreenShare()
{
    if (!m_controller->authenticated() || screenShown()) {
        return;
    }
    if (!m_controller->requestScreen()) {
        setStatus(tr("The remote screen could not be requested: the session is not ready. Connect again."), true);
        return;
    }
    setStatus(tr("Asking the remote for its screen…"));
    updateControls();
}

VncView* RemoteTab::ensureRemoteView()
{
    if (m_remoteView) {
        return m_remoteView;
    }
    m_remoteView = new VncView(m_remoteViewArea);
    m_remoteView->setObjectName(QStringLiteral("remoteView"));
    m_remoteViewArea->addWidget(m_remoteView);
    connect(m_remoteView, &VncView::connected, this, [this] {
        setStatus(tr("Showing the screen of %1.").arg(m_remoteViewTarget));
        updateControls();
        Q_EMIT remoteScreenShown();
    });
    connect(m_remoteView, &VncView::disconnected, this, [this](const QString& reason) {
        if (m_controller->reconnecting()) {
            return; // the link is down: the view comes back with the session (onResumed)
        }
        endScreenShare(reason);
    });
    Q_EMIT screenActionsChanged();
    return m_remoteView;
}

void RemoteTab::openDirectVnc(VncPasswordStore* passwords)
{
    if (screenShown()) {
        setStatus(tr("A remote screen is already shown: close it first (Disconnect, or end the direct VNC view)."),
                  true);
        return;
    }
    auto* dialog = new DirectVncDialog(passwords, this);
    dialog->setObjectName(QStringLiteral("directVncDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        VncView* view = ensureRemoteView();
        m_remoteViewTarget = QStringLiteral("%1:%2").arg(dialog->host()).arg(dialog->port());
        m_remoteViewArea->setCurrentWidget(view);
        setStatus(tr("Connecting to the VNC server %1…").arg(m_remoteViewTarget));
        view->connectToHost(dialog->host(), dialog->port(), dialog->password()); // the view wipes the password
        view->setFocus();
        updateControls();
    });
    dialog->open();
}

void RemoteTab::wipeScreenPassword()
{
    base::secureZero(m_screenPassword.data(), static_cast<std::size_t>(m_screenPassword.size()));
    m_screenPassword.clear();
}

void RemoteTab::endScreenShare(const QString& reason)
{
    wipeScreenPassword();
    if (m_remoteView && m_remoteView->state() != VncView::State::Disconnected) {
        m_remoteView->disconnectFromHost();
    }
    m_controller->closeScreen();
    if (m_controller->reconnecting()) {
        updateControls();
        return; // the last picture stays under the banner until the screen is opened again
    }
    if (sessionActive()) {
        // The stream may notice a dropped link before the session does: the screen is reopened if the session now
        // resumes, and its last picture stays under the banner meanwhile instead of a blank placeholder.
        m_screenEndedAt.start();
        QTimer::singleShot(1500, this, [this] {
            if (!m_controller->reconnecting() && !screenShown()) {
                m_remoteViewArea->setCurrentIndex(0);
            }
        });
    } else {
        m_remoteViewArea->setCurrentIndex(0);
    }
    if (!reason.isEmpty() && sessionActive()) {
        setStatus(tr("The remote screen was closed: %1").arg(reason), true);
    }
    updateControls();
}

} // namespace sra::gui
