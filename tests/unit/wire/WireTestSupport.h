#pragma once

// Helpers shared by the wire unit tests: conversions between QByteArray (test data) and Bytes, an
// independent big-endian field and frame builder (plain byte arithmetic, not the codec under test), and a
// deterministic pseudo-random payload.

#include "core/wire/Frame.h"
#include "core/wire/Message.h"

#include <QByteArray>
#include <QMetaType>
#include <QRandomGenerator>

#include <cstdint>

Q_DECLARE_METATYPE(sra::wire::FrameError)

namespace sra::wire::test {

inline Bytes toBytes(const QByteArray& a)
{
    return Bytes(a.begin(), a.end());
}

inline QByteArray toQByteArray(ByteView b)
{
    return QByteArray(reinterpret_cast<const char*>(b.data()), static_cast<qsizetype>(b.size()));
}

inline QByteArray be32(std::uint32_t v)
{
    QByteArray out(4, '\0');
    for (int i = 0; i < 4; ++i) {
        out[i] = static_cast<char>((v >> (8 * (3 - i))) & 0xFF);
    }
    return out;
}

// 'S' 'R' | version | type | length (BE32) | payload, built by hand.
inline QByteArray frameBytes(std::uint8_t type, const QByteArray& payload, std::uint8_t version = 1)
{
    QByteArray out("SR");
    out.append(static_cast<char>(version));
    out.append(static_cast<char>(type));
    out.append(be32(static_cast<std::uint32_t>(payload.size())));
    out.append(payload);
    return out;
}

// A header announcing `length` bytes (no payload).
inline QByteArray headerBytes(std::uint8_t type, std::uint32_t length)
{
    QByteArray out("SR");
    out.append(static_cast<char>(1));
    out.append(static_cast<char>(type));
    out.append(be32(length));
    return out;
}

// One message field: id (1) | length (BE32) | value.
inline QByteArray fieldBytes(std::uint8_t id, const QByteArray& value)
{
    QByteArray out;
    out.append(static_cast<char>(id));
    out.append(be32(static_cast<std::uint32_t>(value.size())));
    out.append(value);
    return out;
}

inline QByteArray fieldBytes(Field id, const QByteArray& value)
{
    return fieldBytes(static_cast<std::uint8_t>(id), value);
}

inline QByteArray randomBytes(qsizetype size, quint32 seed)
{
    QRandomGenerator rng(seed);
    QByteArray out(size, '\0');
    for (qsizetype i = 0; i < size; ++i) {
        out[i] = static_cast<char>(rng.bounded(256));
    }
    return out;
}

} // namespace sra::wire::test
