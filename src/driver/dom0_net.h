/*
 * dom0_net.h: on a real Xen host, xvmd runs the network hotplug script
 * of a guest's vif (the backend's "script", /etc/xen/scripts/vif-bridge
 * unless the interface names another) as libxl does when it runs the
 * hotplug scripts itself (libxl_linux.c, libxl_device.c); nothing else
 * in dom0 does (no udev rule, no xl).
 *
 * online   once dom0's netback took the backend up (state InitWait; it
 *          then also created the interface vifDOMID.DEVID), the script
 *          runs as  SCRIPT online type_if=vif  with, over xvmd's
 *          environment,
 *              script=SCRIPT XENBUS_TYPE=vif XENBUS_PATH=BACKEND
 *              XENBUS_BASE_PATH=backend netdev=GATEWAYDEV (usually "")
 *              vif=vifDOMID.DEVID XENSTORED_PATH=xvmd's xenstored
 *          vif-bridge renames the interface to the backend's vifname if
 *          any, adds it to the backend's bridge and writes
 *          hotplug-status = "connected". When it fails it writes
 *          hotplug-error = REASON and hotplug-status = "error" and exits
 *          non-zero: the attach or start fails with REASON.
 * offline  before the backend's directory is removed (detach, destroy,
 *          shutdown, a start that failed later), for a backend whose
 *          hotplug-status is "connected": SCRIPT offline type_if=vif
 *          (vif-bridge takes the interface out of the bridge; netback
 *          removes it with the backend).
 * A script that does not finish within its time limit is killed and
 * counts as failed.
 *
 * On the simulated machine xvm-simhv's netback does this itself: the
 * driver calls these only with hv_xen.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "xs_conn.h"

G_BEGIN_DECLS

/* The limit for one run of the script. libxl allows 40 s
 * (LIBXL_HOTPLUG_TIMEOUT); vif-bridge forks some 40 processes, which took
 * over 20 s in a dom0 under QEMU TCG on a loaded host: 120 s. */
#define XVM_DOM0_NET_SCRIPT_TIMEOUT_MS 120000

/* "online" (above) for the vif backend directory `be` (already written),
 * waiting up to timeout_ms for netback, then up to the longer of
 * timeout_ms and XVM_DOM0_NET_SCRIPT_TIMEOUT_MS for the script.
 * FALSE with *error (VIR_ERR_OPERATION_FAILED, naming `what` and the
 * script's reason). The caller removes the backend on failure. */
gboolean xvmDom0NetOnline(xvmXsConn *conn, const char *be, const char *what,
                          guint timeout_ms, GError **error);

/* "offline" (above) for the vif backend `be`, when it came online;
 * failures are logged. */
void xvmDom0NetOffline(xvmXsConn *conn, const char *be);

/* xvmDom0NetOffline for every vif backend of domain `domid`. */
void xvmDom0NetOfflineDomain(xvmXsConn *conn, guint32 domid, guint32 backend_domid);

G_END_DECLS
