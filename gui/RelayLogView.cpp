#include "gui/RelayLogView.h"

#include "gui/CardPanel.h"

#include <QHeaderView>
#include <QLocale>

namespace sra::gui {

RelayLogView::RelayLogView(QWidget* parent)
    : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("relayLogTreeWidget"));
    setHeaderLabels({tr("Time"), tr("Requester"), tr("Operation"), tr("Result")});
    setRootIsDecorated(false);
    header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    header()->setStretchLastSection(true);
}

QString RelayLogView::statusText(wire::RelayStatus status)
{
    switch (status) {
    case wire::RelayStatus::Ok:
        return tr("done");
    case wire::RelayStatus::WrongPin:
        return tr("wrong PIN");
    case wire::RelayStatus::PinBlocked:
        return tr("PIN blocked");
    case wire::RelayStatus::SecurityStatus:
        return tr("refused: no PIN verified from the remote");
    case wire::RelayStatus::RefusedByPolicy:
        return tr("refused by the relay policy");
    case wire::RelayStatus::DeniedByAdmin:
        return tr("refused by you");
    case wire::RelayStatus::NoCard:
        return tr("no card");
    case wire::RelayStatus::Timeout:
        return tr("timed out");
    case wire::RelayStatus::Malformed:
        return tr("malformed request");
    case wire::RelayStatus::CardError:
        return tr("card error");
    }
    return tr("unknown result");
}

void RelayLogView::addEntry(const core::RelayLogEntry& entry)
{
    auto* item = new QTreeWidgetItem(this);
    item->setText(0, QLocale().toString(entry.time.toLocalTime(), QLocale::ShortFormat));
    item->setText(1, entry.requester);
    item->setText(2,
                  entry.kind == core::RelayRequest::Kind::VerifyPin
                      ? tr("PIN check")
                      : tr("signature, slot %1").arg(CardPanel::slotName(entry.slot)));
    item->setText(3, statusText(entry.status));
    if (!entry.note.isEmpty()) {
        item->setToolTip(3, entry.note);
    }
    item->setData(3, Qt::UserRole, static_cast<int>(entry.status));
    scrollToItem(item);
}

} // namespace sra::gui
