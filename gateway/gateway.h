/*
 * gateway.h: what an application includes: the interface (gw_core.h), the
 * template engine (gw_template.h) and the framework (gw_framework.h).  A
 * server needs gw_core.h alone.
 */

#ifndef GATEWAY_H
#define GATEWAY_H

#include "gw_core.h"
#include "gw_template.h"
#include "gw_framework.h"

#endif /* GATEWAY_H */
