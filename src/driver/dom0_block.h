/*
 * dom0_block.h: on a real Xen host, xvmd does for a guest's "phy" disks
 * what Xen's /etc/xen/scripts/block does when libxl runs it
 * (run_hotplug_scripts, libxl's default): a file gets a loop device, a
 * block device is used as it is; the backend directory then gets
 * physical-device (MAJOR:MINOR in hex, which blkback waits for),
 * physical-device-path and hotplug-status = "connected". Nothing has to
 * be installed in dom0 (no udev rule, no shell scripts).
 *
 * On the simulated machine xvm-simhv's backends do this themselves: the
 * driver calls these only with hv_xen.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "xs_conn.h"

G_BEGIN_DECLS

/* The block script's "add" for the vbd backend directory `be` (already
 * written). A backend of another type (qdisk) is left alone. On failure
 * nothing stays attached. */
gboolean xvmDom0BlockAttach(xvmXsConn *conn, const char *be, GError **error);

/* Collects, for the guest's vbd backends (before they are removed), the
 * loop devices xvmDom0BlockAttach gave them: pairs (device path, file)
 * appended to `loops` (g_free'd strings). */
void xvmDom0BlockReleaseDomain(xvmXsConn *conn, guint32 domid, guint32 backend_domid,
                               GPtrArray *loops);

/* The block script's "remove": detaches the loop device dev_path when it
 * is still bound to `params` (NULL: whatever it holds); a block device
 * is left alone. */
void xvmDom0BlockRelease(const char *dev_path, const char *params);

G_END_DECLS
