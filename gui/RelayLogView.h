#pragma once

#include "core/session/AdminCardRelay.h"

#include <QTreeWidget>

namespace sra::gui {

// The log of operations the remote machine had the card do while it was inserted: when, which process asked,
// what (PIN check or signature with which slot) and the result. Newest last; kept for the window's lifetime.
class RelayLogView : public QTreeWidget
{
    Q_OBJECT

public:
    explicit RelayLogView(QWidget* parent = nullptr);

    static QString statusText(wire::RelayStatus status);

    void addEntry(const core::RelayLogEntry& entry);
};

} // namespace sra::gui
