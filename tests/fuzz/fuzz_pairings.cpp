// pairings.json loader (PairingStore::parse): any input is either refused with a sentence or gives a store
// whose every entry passes the same checks, and which writes out and reads back to exactly the same bytes.

#include "core/remote/PairingStore.h"

#include <QSet>

#include <cstddef>
#include <cstdint>

using sra::core::PairingStore;

namespace {

void check(bool condition)
{
    if (!condition) {
        __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray json = QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    PairingStore store;
    QString error;
    if (!PairingStore::parse(json, store, error)) {
        check(!error.isEmpty() && !error.contains(QLatin1Char('\n')));
        check(store.keys().isEmpty() && store.rules().isEmpty()); // nothing half-loaded
        return 0;
    }
    QSet<QByteArray> hashes;
    for (const auto& key : store.keys()) {
        check(PairingStore::isValidAccountName(key.account));
        check(key.publicKeySha256.size() == 32);
        check(!hashes.contains(key.publicKeySha256));
        hashes.insert(key.publicKeySha256);
    }
    for (const auto& rule : store.rules()) {
        QString problem;
        check(PairingStore::checkRule(rule, problem));
        check(PairingStore::attributeFromName(PairingStore::attributeName(rule.attribute)) == rule.attribute);
    }
    // What save() writes is accepted again and is a fixed point.
    const QByteArray once = store.toJson();
    PairingStore again;
    check(PairingStore::parse(once, again, error));
    check(again.keys().size() == store.keys().size() && again.rules().size() == store.rules().size());
    check(again.toJson() == once);
    return 0;
}
