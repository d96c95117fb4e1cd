/*
 * core.h - the core room: primitives every other room uses.
 * Include the specific headers where only one is needed.
 */
#ifndef LOA_CORE_CORE_H
#define LOA_CORE_CORE_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "core/ltime.h"
#include "core/map.h"
#include "core/progress.h"
#include "core/str.h"
#include "core/utf8.h"
#include "core/vec.h"

#endif
