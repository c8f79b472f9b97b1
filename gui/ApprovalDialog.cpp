#include "gui/ApprovalDialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace sra::gui {

ApprovalDialog::ApprovalDialog(quint32 requestId, const QString& host, const QString& description, QWidget* parent)
    : QDialog(parent)
    , m_requestId(requestId)
{
    setObjectName(QStringLiteral("approvalDialog"));
    setWindowTitle(tr("Use of your card requested"));

    auto* intro = new QLabel(tr("The remote machine %1 asks to use your card:").arg(host), this);
    intro->setObjectName(QStringLiteral("approvalIntroLabel"));
    intro->setWordWrap(true);
    auto* what = new QLabel(description, this);
    what->setObjectName(QStringLiteral("approvalTextLabel"));
    what->setWordWrap(true);
    what->setTextFormat(Qt::PlainText); // the requester text comes from the remote
    QFont bold = what->font();
    bold.setBold(true);
    what->setFont(bold);
    auto* hint = new QLabel(tr("Allow it only if you started this on the remote machine. The PIN typed there is "
                               "checked by your card; refusing costs nothing."),
                            this);
    hint->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(this);
    auto* once = buttons->addButton(tr("Allow this operation"), QDialogButtonBox::AcceptRole);
    once->setObjectName(QStringLiteral("allowOnceButton"));
    auto* session = buttons->addButton(tr("Allow for this session"), QDialogButtonBox::ActionRole);
    session->setObjectName(QStringLiteral("allowSessionButton"));
    auto* refuse = buttons->addButton(tr("Refuse"), QDialogButtonBox::RejectRole);
    refuse->setObjectName(QStringLiteral("refuseButton"));
    refuse->setDefault(true);
    connect(once, &QPushButton::clicked, this, [this] { done(AllowOnce); });
    connect(session, &QPushButton::clicked, this, [this] { done(AllowSession); });
    connect(refuse, &QPushButton::clicked, this, [this] { done(Refuse); });

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(what);
    layout->addWidget(hint);
    layout->addWidget(buttons);
    setMinimumWidth(460);
}

} // namespace sra::gui
