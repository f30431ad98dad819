/*
 * gateway.h: what an application includes: the interface (gw_core.h), the
 * template engine (gw_template.h), the framework (gw_framework.h) and the
 * test client (gw_testing.h).  A server needs gw_core.h alone.
 */

#ifndef GATEWAY_H
#define GATEWAY_H

#include "gw_core.h"
#include "gw_template.h"
#include "gw_framework.h"
#include "gw_testing.h"

#endif /* GATEWAY_H */
