#include "remote-service/SradLogging.h"

namespace sra::srad {

Q_LOGGING_CATEGORY(lcService, "sra.srad.service", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSession, "sra.srad.session", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAudit, "sra.srad.audit", QtInfoMsg)
Q_LOGGING_CATEGORY(lcScreen, "sra.srad.screen", QtInfoMsg)

} // namespace sra::srad
