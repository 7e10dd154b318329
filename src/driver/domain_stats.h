/*
 * domain_stats.h: what a running domain's devices and memory have done —
 * virDomainBlockStats, virDomainInterfaceStats, virDomainMemoryStats and
 * virDomainGetBlockInfo, as libvirt's libxl driver answers them.
 *
 * The counters come from the driver's statistics source (stats_source.h:
 * blkback's and netback's on a real dom0, xvm-simhv's backends here);
 * devices are found in the domain's live definition, and a network
 * device's Xen number in xenstore (the backend whose mac is the
 * interface's), so that hot-plugged interfaces are found too.
 *
 * Each function takes the object locked (as a lookup returns it), drops
 * the lock while it reads xenstore, files or the hypervisor, and returns
 * with it held. Errors: XVM_CONF_ERROR with libvirt's codes —
 *   VIR_ERR_OPERATION_INVALID  "domain is not running";
 *                              "invalid path: P" (no such disk, as libxl)
 *   VIR_ERR_INVALID_ARG        "'D' is not a known interface"
 *   VIR_ERR_OPERATION_FAILED   the source has no counters for the device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "driver.h"
#include "stats_source.h"

G_BEGIN_DECLS

/* The statistics source for a driver without one configured: sim:DIR
 * for hv_spec "sim:DIR/socket" (xvm-simhv's default layout, its socket
 * in its run directory; $XVM_SIMHV_SOCKET when hv_spec is NULL and there
 * is no Xen), else sysfs. */
char *xvmStatsSourceDefaultSpec(const char *hv_spec);

/* path: a disk's target (xvda) or, starting with '/', its source; ""
 * sums every disk (libxl). */
gboolean xvmDomainBlockStats(xvmDriver *drv, xvmDomainObj *obj, const char *path,
                             xvmBlockStats *out, GError **error);

/* device: an interface's MAC, or its name (<target dev>, else Xen's
 * vifDOMID.DEVID). */
gboolean xvmDomainInterfaceStats(xvmDriver *drv, xvmDomainObj *obj, const char *device,
                                 xvmInterfaceStats *out, GError **error);

/* At most nr of: VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON (KiB the domain
 * holds now) and VIR_DOMAIN_MEMORY_STAT_AVAILABLE (its <memory>), as
 * libxl. Returns how many were filled, -1 with *error. */
int xvmDomainMemoryStats(xvmDriver *drv, xvmDomainObj *obj,
                         virDomainMemoryStatStruct *stats, guint nr, GError **error);

/* The disk's image: capacity (its size), allocation (bytes the file
 * uses on the host) and physical (the file's or device's size). Any
 * state; path as xvmDomainBlockStats, not empty. */
gboolean xvmDomainGetBlockInfo(xvmDriver *drv, xvmDomainObj *obj, const char *path,
                               virDomainBlockInfo *info, GError **error);

G_END_DECLS
