/*
 * domain_backends.h: waiting for the dom0 backends of a domain's devices
 * before the guest runs, as libxl does (libxl__wait_device_connection,
 * then the hotplug script's status).
 *
 * A vbd or vif backend whose toolstack entries were just written
 * (state Initialising) is taken up by dom0: blkback/netback and their
 * hotplug scripts check the device (the disk image opens, the bridge
 * exists) and then write
 *     hotplug-status = "connected", state = InitWait (2)
 * or, when the check fails,
 *     hotplug-error = REASON, hotplug-status = "error", state = Closed (6).
 * The frontends connect only once the guest runs (after unpause), so a
 * start waits for InitWait and "connected", not for Connected (4).
 *
 * A backend is
 *   ready   when hotplug-status is "connected" and its state is InitWait,
 *           Initialised or Connected (2..4);
 *   failed  when hotplug-status is "error" (hotplug-error says why), its
 *           state is Closing or Closed (5, 6) or its directory is gone.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "domain_conf.h"
#include "xs_conn.h"

G_BEGIN_DECLS

typedef struct {
    char *path;     /* the backend's directory */
    char *what;     /* for messages: "disk 'xvda'", "interface 0" */
} xvmBackendRef;

void xvmBackendRefFree(xvmBackendRef *ref);

/* The backend of one disk (NULL when its target has no Xen device
 * number: the layout refuses it) or network interface number `devid`
 * of domain `domid`: what a hotplug waits for. */
xvmBackendRef *xvmDiskBackendRef(const xvmDomainDiskDef *disk, guint32 domid,
                                 guint32 backend_domid);
xvmBackendRef *xvmNetBackendRef(guint devid, guint32 domid, guint32 backend_domid);

/* The vbd and vif backends of `def` running as domain `domid` (the
 * ones xvmXsDomainLayout writes), in a GPtrArray of xvmBackendRef*. */
GPtrArray *xvmDomainBackends(const xvmDomainDef *def, guint32 domid,
                             guint32 backend_domid);

/* Watches every backend of `refs` through `conn` (iterating its private
 * context: the calling thread blocks, the daemon's main loop does not)
 * until all are ready: TRUE. FALSE with VIR_ERR_INTERNAL_ERROR when one
 * fails (its hotplug-error in the message) or timeout_ms passes first
 * (naming the backends still waited for). */
gboolean xvmWaitBackends(xvmXsConn *conn, const GPtrArray *refs, guint timeout_ms,
                         GError **error);

/* Text a backend or a guest wrote (hotplug-error, an error node, a
 * state), fit for an error message: valid UTF-8, no control characters,
 * bounded. */
char *xvmBackendPrintable(const char *text);

G_END_DECLS
