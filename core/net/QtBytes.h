#pragma once

#include "core/base/Bytes.h"

#include <QByteArray>

namespace sra::core {

// Between Qt's byte arrays and the Qt-free layers' byte views, in one place.
inline base::ByteView asByteView(const QByteArray& bytes) noexcept
{
    return {reinterpret_cast<const std::uint8_t*>(bytes.constData()), static_cast<std::size_t>(bytes.size())};
}

inline QByteArray toQByteArray(base::ByteView bytes)
{
    return QByteArray(reinterpret_cast<const char*>(bytes.data()), static_cast<qsizetype>(bytes.size()));
}

} // namespace sra::core
