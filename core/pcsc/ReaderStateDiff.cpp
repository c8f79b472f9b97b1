#include "core/pcsc/ReaderStateDiff.h"

#include <algorithm>

namespace sra::core {

namespace {

const ReaderState* findReader(const QList<ReaderState>& readers, const QString& name)
{
    const auto it =
        std::find_if(readers.cbegin(), readers.cend(), [&](const ReaderState& r) { return r.name == name; });
    return it == readers.cend() ? nullptr : &*it;
}

} // namespace

QList<CardEvent> cardEvents(const ReaderSnapshot& before, const ReaderSnapshot& after)
{
    const auto cycled = [&](const QString& name) {
        return before.eventCounters.contains(name) && after.eventCounters.contains(name)
               && before.eventCounters.value(name) != after.eventCounters.value(name);
    };

    QList<CardEvent> events;
    for (const ReaderState& old : before.readers) {
        if (!old.cardPresent) {
            continue;
        }
        const ReaderState* now = findReader(after.readers, old.name);
        if (!now || !now->cardPresent || cycled(old.name)) {
            events.append({CardEvent::Kind::Removed, old.name, {}});
        }
    }
    for (const ReaderState& now : after.readers) {
        if (!now.cardPresent) {
            continue;
        }
        const ReaderState* old = findReader(before.readers, now.name);
        if (!old || !old->cardPresent || cycled(now.name)) {
            events.append({CardEvent::Kind::Inserted, now.name, now.atr});
        }
    }
    return events;
}

} // namespace sra::core
