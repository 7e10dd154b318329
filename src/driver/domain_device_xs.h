/*
 * domain_device_xs.h: plugging one block or network device into a
 * running domain, and pulling it out, on xenstore, as libxl does
 * (libxl_device_disk_add / libxl__initiate_device_generic_remove).
 *
 * Plug
 *   The device's backend and frontend directories (the entries of
 *   xvmXsDiskLayout / xvmXsNetLayout, both in state Initialising) are
 *   written in one transaction. dom0 takes the backend up (hotplug
 *   script: InitWait and hotplug-status "connected", or hotplug-error and
 *   Closed: domain_backends.h). When the guest runs, the frontend then
 *   answers the backend's InitWait and both go Connected (4); a frontend
 *   that refuses writes /local/domain/N/error/device/KIND/DEVID/error and
 *   goes Closing or Closed. A paused guest connects when it runs again:
 *   then only the backend is waited for.
 *   On any failure (backend refused, frontend refused, timeout) both
 *   directories and the error nodes are removed in one transaction:
 *   nothing is left behind.
 *
 * Unplug
 *   The backend gets online = 0 and state = Closing (5) in one
 *   transaction; a running guest's frontend closes (Closed, 6, or its
 *   directory goes) and the backend follows it to Closed (6). Then both
 *   directories and the error nodes are
 *   removed in one transaction. A guest that does not close within the
 *   timeout (or does not run) loses the device all the same, as libxl's
 *   forced removal after its timeout.
 *
 * Waiting is through watches on the connection's private context (the
 * calling thread blocks, the main loop does not), as domain_backends.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "xs_conn.h"

G_BEGIN_DECLS

/* One device of one domain, its backend in domain 0. */
typedef struct {
    const char *kind;           /* "vbd" or "vif" */
    guint32 domid;
    guint devid;
    const char *what;           /* for messages: "disk 'xvdb'", "interface 00:16:3e:.." */
    gboolean dom0_hotplug;      /* real Xen: the driver does the block hotplug
                                 * script's work for a vbd (dom0_block.h) and
                                 * runs a vif's script (dom0_net.h) */
} xvmDeviceXs;

/* TRUE when a frontend or backend directory of the device exists (a
 * device is already there). FALSE with *error when xenstore fails. */
gboolean xvmDeviceXsExists(xvmXsConn *conn, const xvmDeviceXs *dev, gboolean *exists,
                           GError **error);

/* The next network device number of the domain, as libxl picks it: one
 * more than the highest in its device/vif and dom0's backend/vif/DOMID
 * (0 when none). */
gboolean xvmDeviceXsNextVifDevid(xvmXsConn *conn, guint32 domid, guint *devid,
                                 GError **error);

/* The number of the network device whose backend has MAC `mac` (as
 * written: lower case), or -1. */
gboolean xvmDeviceXsFindVif(xvmXsConn *conn, guint32 domid, const char *mac, int *devid,
                            GError **error);

/* Plug (above): writes `layout`, waits for the backend and, when
 * wait_frontend, for the frontend, each within timeout_ms. FALSE with
 * *error (VIR_ERR_INTERNAL_ERROR, the backend's or the guest's reason)
 * after removing what was written. */
gboolean xvmDeviceXsPlug(xvmXsConn *conn, const xvmDeviceXs *dev, const GPtrArray *layout,
                         gboolean wait_frontend, guint timeout_ms, GError **error);

/* Unplug (above); waits for the frontend only when wait_frontend. FALSE
 * with *error only when xenstore fails. */
gboolean xvmDeviceXsUnplug(xvmXsConn *conn, const xvmDeviceXs *dev, gboolean wait_frontend,
                           guint timeout_ms, GError **error);

G_END_DECLS
