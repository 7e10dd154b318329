/*
 * stats_source.h: where the I/O statistics of the guests' devices come
 * from — what dom0's block and network backends count.
 *
 * The driver names a device by its domain and Xen device number (and,
 * for an interface, its dom0 name vifDOMID.DEVID or the <target dev>),
 * and a source answers with the counters. Two sources:
 *
 *   sysfs[:ROOT]   a real dom0 (ROOT defaults to /sys): blkback's
 *                  ROOT/bus/xen-backend/devices/vbd-DOMID-DEVID/statistics/
 *                  {rd_req,wr_req,rd_sect,wr_sect,f_req,oo_req} (sectors
 *                  of 512 bytes, oo_req: requests blkback could not
 *                  serve, libxl's "errs"), and netback's interface
 *                  ROOT/class/net/IFNAME/statistics/ (from dom0:
 *                  swapped to the guest's view, as libvirt does for Xen).
 *   sim:DIR        xvm-simhv's backends (xvm-sim-guest(7)): the
 *                  "NAME VALUE" files DIR/stats/DOMID/vbd-DEVID and
 *                  .../vif-DEVID, DIR being xvm-simhv's --run-dir.
 *
 * A counter a source does not have is -1 (libvirt's "not supported").
 * A device the source knows nothing about (not connected, not this
 * host's) fails with VIR_ERR_OPERATION_FAILED.
 *
 * Sources keep no state between calls: any thread, concurrently.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
    gint64 rd_req, rd_bytes, wr_req, wr_bytes;
    gint64 f_req;                    /* flushes */
    gint64 errs;                     /* requests that failed */
} xvmBlockStats;

typedef struct {
    /* The guest's view: rx is what the guest received. */
    gint64 rx_bytes, rx_packets, rx_errs, rx_drop;
    gint64 tx_bytes, tx_packets, tx_errs, tx_drop;
} xvmInterfaceStats;

typedef struct _xvmStatsSource xvmStatsSource;

/* A source from its spec ("sysfs", "sysfs:ROOT", "sim:DIR"). NULL with
 * VIR_ERR_INVALID_ARG for anything else. */
xvmStatsSource *xvmStatsSourceNew(const char *spec, GError **error);
void xvmStatsSourceFree(xvmStatsSource *src);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmStatsSource, xvmStatsSourceFree)

/* The spec it was made from. */
const char *xvmStatsSourceSpec(const xvmStatsSource *src);

/* The counters of block device `devid` of domain `domid`: every field
 * set (-1 when unknown). */
gboolean xvmStatsSourceBlock(const xvmStatsSource *src, guint32 domid, guint32 devid,
                             xvmBlockStats *out, GError **error);

/* The counters of network device `devid` of domain `domid`, whose dom0
 * interface is `ifname`. */
gboolean xvmStatsSourceInterface(const xvmStatsSource *src, guint32 domid,
                                 guint32 devid, const char *ifname,
                                 xvmInterfaceStats *out, GError **error);

G_END_DECLS
