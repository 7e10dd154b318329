/*
 * xen_native_extras.h: settings of native Xen configurations that have no
 * place in libvirt's domain XML, passed beside the definition by the xl
 * and xm converters (xen_xl.h, xen_xm.h, xen_native.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* What a native configuration carries that libvirt's domain XML has no
 * place for, kept beside the definition:
 *  - xend's per-domain host policy (on_xend_start / on_xend_stop, xm
 *    only), which Solaris xVM used for automatic start at boot and for
 *    what happens to the domain when the host shuts down: the driver's
 *    autostart flag and host-shutdown handling;
 *  - the credit scheduler's cap (cpu_cap, xl and xm): the driver's
 *    scheduler parameter "cap" (virDomainSetSchedulerParameters).  libvirt
 *    has no domain XML for it: its libxl driver maps only the weight to
 *    the XML (cpu_weight <-> <cputune><shares>, in xvmDomainDef) and
 *    offers the cap as a live scheduler parameter alone.  <cputune>'s
 *    global_period/global_quota are CFS bandwidth limits that libvirt's
 *    libxl driver ignores, so they are not used to carry it either.
 * A zeroed structure means "none of them". */
typedef enum {
    XVM_XEND_START_ABSENT = 0,
    XVM_XEND_START_IGNORE,      /* "ignore": no autostart */
    XVM_XEND_START_START,       /* "start": autostart */
} xvmXendStart;

typedef enum {
    XVM_XEND_STOP_ABSENT = 0,
    XVM_XEND_STOP_IGNORE,       /* "ignore": left running */
    XVM_XEND_STOP_SHUTDOWN,     /* "shutdown": clean shutdown */
    XVM_XEND_STOP_SUSPEND,      /* "suspend": saved (xm save) */
} xvmXendStop;

typedef struct {
    xvmXendStart on_xend_start;
    xvmXendStop on_xend_stop;
    gboolean has_cpu_cap;
    guint cpu_cap;              /* percent of one physical CPU; 0: no cap */
} xvmXenNativeExtras;

const char *xvmXendStartTypeToString(int v);
int xvmXendStartTypeFromString(const char *s);
const char *xvmXendStopTypeToString(int v);
int xvmXendStopTypeFromString(const char *s);

const char *xvmXendStartTypeToString(int v);
int xvmXendStartTypeFromString(const char *s);
const char *xvmXendStopTypeToString(int v);
int xvmXendStopTypeFromString(const char *s);
