#pragma once

#include <QLoggingCategory>

namespace sra::srad {

Q_DECLARE_LOGGING_CATEGORY(lcService) // sra.srad.service: start, listen, configuration
Q_DECLARE_LOGGING_CATEGORY(lcSession) // sra.srad.session: one line per session event
Q_DECLARE_LOGGING_CATEGORY(lcAudit)   // sra.srad.audit: authentication decisions (who, from where, result)
Q_DECLARE_LOGGING_CATEGORY(
    lcScreen) // sra.srad.screen: VNC server start/stop and streams (details; decisions go to audit)

} // namespace sra::srad
