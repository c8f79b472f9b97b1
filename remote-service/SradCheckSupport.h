// srad --check, internal to SradCheck*.cpp: the OK/FAIL constructors and the fixes several groups of checks give.
#pragma once

#include "remote-service/SradCheck.h"

namespace sra::srad::check {

QString startFix();

CheckResult ok(const QString& item, const QString& found);

CheckResult fail(const QString& item, const QString& found, const QString& fix);

// sra-setup as the fix for this tree: with --root when the check looks at one.
QString setupCommand(const core::SradPaths& paths, bool realRoot, const QString& arguments);

} // namespace sra::srad::check
