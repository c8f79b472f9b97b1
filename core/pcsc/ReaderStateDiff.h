#pragma once

#include "core/pcsc/ReaderMonitor.h"

#include <QHash>
#include <QList>

namespace sra::core {

// What the reader monitor knows after one wake-up: the readers, and pcsc-lite's per-reader event counter
// (upper 16 bits of dwEventState), which moves on every insertion and removal.
struct ReaderSnapshot
{
    QList<ReaderState> readers;
    QHash<QString, int> eventCounters;
};

struct CardEvent
{
    enum class Kind
    {
        Removed,
        Inserted,
    };
    Kind kind;
    QString reader;
    QByteArray atr; // Inserted only

    bool operator==(const CardEvent&) const = default;
};

// The card events that lead from `before` to `after`: all removals first, then all insertions, each in reader
// order. A reader that vanished with its card yields a removal; a card that stayed present while the counter
// moved was pulled and (another one) inserted between two wake-ups, and yields both. Pure, so that the rules
// are unit-tested without pcscd.
QList<CardEvent> cardEvents(const ReaderSnapshot& before, const ReaderSnapshot& after);

} // namespace sra::core
