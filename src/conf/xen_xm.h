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

/* xend's per-domain host policy (on_xend_start / on_xend_stop), which
 * Solaris xVM used for automatic start at boot and for what happens to
 * the domain when the host shuts down.  libvirt's domain XML has no place
 * for it: it maps to the driver's autostart flag and its host-shutdown
 * handling, so it travels beside the definition. */
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
} xvmXenHostPolicy;

const char *xvmXendStartTypeToString(int v);
int xvmXendStartTypeFromString(const char *s);
const char *xvmXendStopTypeToString(int v);
int xvmXendStopTypeFromString(const char *s);

/* @policy (may be NULL) receives on_xend_start / on_xend_stop. */
xvmDomainDef *xvmXenParseXM(const xvmXenConf *conf, xvmXenHostPolicy *policy,
                            GError **error);

/* @policy may be NULL (nothing written for it). */
xvmXenConf *xvmXenFormatXM(const xvmDomainDef *def, const xvmXenHostPolicy *policy,
                           GError **error);
