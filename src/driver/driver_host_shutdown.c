/*
 * driver_host_shutdown.c: the host-shutdown policy
 * XVM_DRIVER_HOST_SHUTDOWN_SHUTDOWN (libvirt-guests' ON_SHUTDOWN=shutdown
 * with SHUTDOWN_TIMEOUT): every running domain is asked to power off at
 * once, then each is waited for within the one overall timeout and, once
 * it is down, its <on_poweroff> is applied here (a restart action is not:
 * the host is going away). The ones still running at the deadline are
 * left running, their status kept for the next xvmd.
 *
 * Runs in xvmDriverClose once the driver is closing (no work of its own
 * is queued any more: nothing else reacts to the shutdowns, nothing
 * restarts); does not need the main loop.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "driver.h"

#include <glib/gi18n.h>
#include <xen/sched.h>

#include "domain_lifecycle.h"
#include "driver_internal.h"

/* The domain (locked, job held) is down: stopped as its <on_poweroff>
 * or <on_crash> says, except that nothing restarts. */
static void
stop_shut_down(xvmDriver *drv, xvmDomainObj *obj, const struct hv_dominfo *info)
{
    gboolean down = (info->flags & HV_DOMINF_SHUTDOWN) != 0;
    gboolean crashed = down && (info->shutdown_reason == SHUTDOWN_crash ||
                                info->shutdown_reason == SHUTDOWN_watchdog);
    xvmDomainLifecycleAction action = crashed ? obj->live_def->on_crash
                                              : obj->live_def->on_poweroff;

    if (down && action == XVM_DOMAIN_LIFECYCLE_ACTION_PRESERVE)
        return;
    if (down && !crashed)
        xvmDriverEmitLifecycle(drv, obj, VIR_DOMAIN_EVENT_SHUTDOWN,
                               VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED);
    xvmDomainStopJob(drv, obj, crashed ? VIR_DOMAIN_SHUTOFF_CRASHED
                                       : VIR_DOMAIN_SHUTOFF_SHUTDOWN);
    xvmDriverEmitLifecycle(drv, obj, VIR_DOMAIN_EVENT_STOPPED,
                           crashed ? VIR_DOMAIN_EVENT_STOPPED_CRASHED
                                   : VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
}

/* Waits for one domain (obj unlocked), then stops it under its job. */
static void
wait_and_stop(xvmDriver *drv, xvmDomainObj *obj, int domid, gint64 deadline)
{
    gint64 left_ms = (deadline - g_get_monotonic_time()) / G_TIME_SPAN_MILLISECOND;
    g_autoptr(GError) err = NULL;
    struct hv_dominfo info;

    if (!xvmDriverWaitShutdown(drv, domid, left_ms > 0 ? (guint)left_ms : 0, &info, &err)) {
        g_warning(_("domain '%s' did not shut down: left running%s%s"), obj->name,
                  err ? ": " : "", err ? err->message : "");
        return;
    }
    xvmDomainObjLock(obj);
    if (xvmDriverBeginJob(obj, "host-shutdown", &err)) {
        if (obj->domid == domid)
            stop_shut_down(drv, obj, &info);
        xvmDomainObjEndJob(obj);
    } else {
        g_warning(_("domain '%s': %s"), obj->name, err->message);
    }
    xvmDomainObjUnlock(obj);
}

void
xvmDriverShutdownAll(xvmDriver *drv)
{
    gint64 deadline = g_get_monotonic_time() +
                      (gint64)drv->cfg.host_shutdown_timeout_s * G_TIME_SPAN_SECOND;
    g_autoptr(GPtrArray) active =
        xvmDomainListExport(drv->domains, VIR_CONNECT_LIST_DOMAINS_ACTIVE, NULL);
    g_autoptr(GArray) ids = g_array_new(FALSE, TRUE, sizeof(int));

    for (guint i = 0; active && i < active->len; i++) {
        xvmDomainObj *obj = g_ptr_array_index(active, i);
        g_autoptr(GError) err = NULL;
        int domid;

        xvmDomainObjLock(obj);
        domid = obj->domid;
        if (domid != XVM_DOMID_HOST && xvmDomainObjIsActive(obj) &&
            !xvmDomainShutdown(drv, obj, 0, &err))
            g_warning(_("cannot shut down domain '%s': %s"), obj->name, err->message);
        xvmDomainObjUnlock(obj);
        g_array_append_val(ids, domid);
    }
    for (guint i = 0; active && i < active->len; i++) {
        int domid = g_array_index(ids, int, i);

        if (domid >= XVM_DOMID_MIN)
            wait_and_stop(drv, g_ptr_array_index(active, i), domid, deadline);
    }
}
