/*
 * xen_xl.h: xl.cfg(5) configurations <-> xvmDomainDef
 * (virsh domxml-from-native / domxml-to-native xen-xl).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "domain_conf.h"
#include "xen_config.h"
#include "xen_native_extras.h"

/* The definition described by a parsed xl.cfg, completed by
 * xvmDomainDefPostParse and checked by xvmDomainDefValidate.  Errors:
 * XVM_CONF_ERROR with libvirt's codes (see xen_common.h for the policy on
 * unknown and unsupported settings).  @extras (may be NULL) receives the
 * settings the XML cannot hold (cpu_cap; cpu_weight is <cputune><shares>). */
xvmDomainDef *xvmXenParseXL(const xvmXenConf *conf, xvmXenNativeExtras *extras,
                            GError **error);

/* The xl.cfg settings of @def, in canonical order (see xen_xl.c).
 * VIR_ERR_CONFIG_UNSUPPORTED for what xl cannot express.  @extras may be
 * NULL; its xm-only members are ignored. */
xvmXenConf *xvmXenFormatXL(const xvmDomainDef *def, const xvmXenNativeExtras *extras,
                           GError **error);
