// CoreHints is header-only (include/core_hints.h); SwiftPM needs a source file for a C target.
#include "core_hints.h"
