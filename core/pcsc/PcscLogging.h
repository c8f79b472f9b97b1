#pragma once

#include <QLoggingCategory>

namespace sra::core {

// "sra.core.pcsc": PC/SC context, card channel and reader monitor. Never logs APDU data (may carry PINs).
Q_DECLARE_LOGGING_CATEGORY(lcPcsc)

} // namespace sra::core
