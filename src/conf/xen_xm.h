/*
 * xen_xm.h: xm / xend configurations (including Solaris xVM's) <->
 * xvmDomainDef (virsh domxml-from-native / domxml-to-native xen-xm).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "domain_conf.h"
#include "xen_config.h"
#include "xen_native_extras.h"

/* @extras (may be NULL) receives what the XML cannot hold. */
xvmDomainDef *xvmXenParseXM(const xvmXenConf *conf, xvmXenNativeExtras *extras,
                            GError **error);

/* @extras may be NULL (nothing written for them). */
xvmXenConf *xvmXenFormatXM(const xvmDomainDef *def, const xvmXenNativeExtras *extras,
                           GError **error);
