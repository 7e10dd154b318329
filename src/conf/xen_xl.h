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

/* The definition described by a parsed xl.cfg, completed by
 * xvmDomainDefPostParse and checked by xvmDomainDefValidate.  Errors:
 * XVM_CONF_ERROR with libvirt's codes (see xen_common.h for the policy on
 * unknown and unsupported settings). */
xvmDomainDef *xvmXenParseXL(const xvmXenConf *conf, GError **error);

/* The xl.cfg settings of @def, in canonical order (see xen_xl.c).
 * VIR_ERR_CONFIG_UNSUPPORTED for what xl cannot express. */
xvmXenConf *xvmXenFormatXL(const xvmDomainDef *def, GError **error);
