#include "VncLogging.h"

// Connection events and libvncclient's own messages; passwords never reach it.
Q_LOGGING_CATEGORY(lcVnc, "sra.gui.vnc", QtInfoMsg)
