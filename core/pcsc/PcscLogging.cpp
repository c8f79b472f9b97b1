#include "core/pcsc/PcscLogging.h"

namespace sra::core {

Q_LOGGING_CATEGORY(lcPcsc, "sra.core.pcsc", QtInfoMsg)

} // namespace sra::core
