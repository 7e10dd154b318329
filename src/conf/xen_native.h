/*
 * xen_native.h: the entry points of virConnectDomainXMLFromNative /
 * virConnectDomainXMLToNative for the formats "xen-xl" and "xen-xm".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "domain_conf.h"
#include "xen_native_extras.h"

#define XVM_NATIVE_FORMAT_XL "xen-xl"   /* libvirt's XEN_CONFIG_FORMAT_XL */
#define XVM_NATIVE_FORMAT_XM "xen-xm"   /* libvirt's XEN_CONFIG_FORMAT_XM */

/* The definition described by a native configuration of @len bytes
 * (-1: NUL-terminated).  @extras (may be NULL) receives what the domain
 * XML cannot hold: cpu_cap, and xm's on_xend_start / on_xend_stop; with
 * NULL, cpu_cap is refused (cpu_weight is <cputune><shares> of the
 * definition).  An unknown @format is VIR_ERR_INVALID_ARG
 * ("unsupported config type %s", as libvirt). */
xvmDomainDef *xvmDomainDefFromNative(const char *format, const char *config, gssize len,
                                     xvmXenNativeExtras *extras, GError **error);

/* The native configuration of @def; @extras may be NULL. */
char *xvmDomainDefToNative(const char *format, const xvmDomainDef *def,
                           const xvmXenNativeExtras *extras, GError **error);

/* virsh domxml-from-native: the inactive domain XML of a native config,
 * passwords included (they come from the caller's own config).  The
 * extras have no XML form and are dropped here, as libvirt's converter
 * ignores cpu_cap (it is checked all the same). */
char *xvmDomainXMLFromNative(const char *format, const char *config, GError **error);

/* virsh domxml-to-native: the native config of a domain XML document. */
char *xvmDomainXMLToNative(const char *format, const char *xml, GError **error);
