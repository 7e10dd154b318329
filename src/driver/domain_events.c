/*
 * domain_events.c: what guests do on their own — power off, reboot,
 * crash — seen through VIRQ_DOM_EXC, and the driver's answer: the
 * domain's <on_poweroff>, <on_reboot> or <on_crash> action, with
 * libvirt's events.
 *
 * Flow
 *   main loop    VIRQ_DOM_EXC fires: ack, wake xvmDriverWaitShutdown's
 *                waiters, queue a scan (coalesced).
 *   worker       scan: one hv_domain_list(); every active domain of the
 *                list that is shut down (any reason but suspend), dying
 *                or gone gets a handling task, unless one is pending for
 *                its domid.
 *   worker       task: takes the domain's job (waiting for the operation
 *                under way: a destroy or a save sees its own domain
 *                shut down and owns it), then looks again: still that
 *                domid and still shut down -> the action.
 *
 * Actions (libvirt's libxl driver: libxlDomainShutdownThread)
 *   poweroff, reboot     SHUTDOWN FINISHED, then STOPPED SHUTDOWN (reason
 *   (soft_reset as       shutdown);
 *   reboot)
 *   crash, watchdog      STOPPED CRASHED (reason crashed);
 *   destroy              the domain is torn down;
 *   restart,             torn down, then started again from its
 *   rename-restart       persistent definition (a transient domain from
 *                        its last live one): a new domid, as libxl does,
 *                        and STARTED BOOTED;
 *   preserve             kept in the hypervisor for inspection: state
 *                        SHUTDOWN/USER or CRASHED/PANICKED (a domain that
 *                        still exists is not "shut off") until destroyed;
 *                        events SHUTDOWN FINISHED / CRASHED PANICKED;
 *   coredump-destroy,    as destroy / restart; core dumps are not
 *   coredump-restart     supported (logged).
 *   A domain that died without the driver (destroyed behind its back)
 *   becomes shut off, reason destroyed, event STOPPED DESTROYED.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_lifecycle.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <xen/sched.h>

#include "driver_internal.h"

/* ---- VIRQ_DOM_EXC on the main loop ------------------------------------ */

static gboolean
on_dom_exc(gint fd, GIOCondition cond, gpointer data)
{
    xvmDriver *drv = data;

    hv_dom_exc_ack(drv->hv_exc);
    g_mutex_lock(&drv->exc_lock);
    drv->exc_seq++;
    g_cond_broadcast(&drv->exc_cond);
    g_mutex_unlock(&drv->exc_lock);
    xvmDriverQueueScan(drv);
    return G_SOURCE_CONTINUE;
}

gboolean
xvmDriverEventsStart(xvmDriver *drv, GError **error)
{
    int fd = hv_dom_exc_fd(drv->hv_exc);

    if (fd < 0) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, "%s",
                     _("cannot bind the hypervisor's VIRQ_DOM_EXC"));
        return FALSE;
    }
    drv->exc_source = g_unix_fd_source_new(fd, G_IO_IN);
    g_source_set_callback(drv->exc_source, G_SOURCE_FUNC(on_dom_exc), drv, NULL);
    g_source_attach(drv->exc_source, drv->context);
    return TRUE;
}

void
xvmDriverEventsStop(xvmDriver *drv)
{
    if (!drv->exc_source)
        return;
    g_source_destroy(drv->exc_source);
    g_clear_pointer(&drv->exc_source, g_source_unref);
}

/* ---- the actions ------------------------------------------------------ */

static const xvmStartHow restart_how = {
    FALSE, VIR_DOMAIN_RUNNING_BOOTED, VIR_DOMAIN_EVENT_STARTED_BOOTED,
};

/* Starts the domain again after it stopped: `obj` when it is still
 * listed, else (a transient domain, which left the list) a new object
 * from its last live definition *def. */
static void
restart(xvmDriver *drv, xvmDomainObj *obj, gboolean removed, xvmDomainDef **def)
{
    g_autoptr(GError) err = NULL;
    xvmDomainObj *again;

    if (!removed) {
        if (!xvmDomainStartJob(drv, obj, &restart_how, &err))
            g_warning(_("domain '%s' could not be restarted: %s"), obj->name, err->message);
        return;
    }
    if (!(again = xvmDomainListAdd(drv->domains, def, XVM_DOMAIN_LIST_ADD_LIVE, NULL, &err))) {
        g_warning(_("domain '%s' could not be restarted: %s"), obj->name, err->message);
        return;
    }
    if (xvmDriverBeginJob(again, "restart", &err)) {
        if (!xvmDomainStartJob(drv, again, &restart_how, &err))
            g_warning(_("domain '%s' could not be restarted: %s"), again->name, err->message);
        xvmDomainObjEndJob(again);
    } else {
        g_warning(_("domain '%s' could not be restarted: %s"), again->name, err->message);
    }
    xvmDomainObjEndAPI(&again);
}

void
xvmDomainHandleShutdownJob(xvmDriver *drv, xvmDomainObj *obj, const struct hv_dominfo *info)
{
    const xvmDomainDef *def = obj->live_def;
    xvmDomainLifecycleAction action;
    virDomainShutoffReason reason;
    int stopped;
    gboolean crashed = FALSE;
    g_autoptr(xvmDomainDef) restart_def = NULL;
    gboolean removed;

    if (!(info->flags & HV_DOMINF_SHUTDOWN)) {
        /* Dying or gone, and not by our hand (we hold the job). */
        g_info("domain '%s' (id %d) died", obj->name, obj->domid);
        xvmDomainStopJob(drv, obj, VIR_DOMAIN_SHUTOFF_DESTROYED);
        xvmDriverEmitLifecycle(drv, obj, VIR_DOMAIN_EVENT_STOPPED,
                               VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
        return;
    }
    switch (info->shutdown_reason) {
    case SHUTDOWN_suspend:
        return;     /* the save under way (or its caller) owns it */
    case SHUTDOWN_reboot:
    case SHUTDOWN_soft_reset:
        action = def->on_reboot;
        break;
    case SHUTDOWN_crash:
    case SHUTDOWN_watchdog:
        action = def->on_crash;
        crashed = TRUE;
        break;
    case SHUTDOWN_poweroff:
        action = def->on_poweroff;
        break;
    default:
        g_warning(_("domain '%s' shut down with unknown reason %u: as a poweroff"),
                  obj->name, info->shutdown_reason);
        action = def->on_poweroff;
        break;
    }
    g_info("domain '%s' (id %d) shut down (reason %u): %s", obj->name, obj->domid,
           info->shutdown_reason, xvmDomainLifecycleActionTypeToString(action));

    if (action == XVM_DOMAIN_LIFECYCLE_ACTION_PRESERVE) {
        if (xvmDomainObjGetState(obj, NULL) == (crashed ? VIR_DOMAIN_CRASHED
                                                        : VIR_DOMAIN_SHUTDOWN))
            return;     /* seen already */
        if (crashed) {
            xvmDomainObjSetState(obj, VIR_DOMAIN_CRASHED, VIR_DOMAIN_CRASHED_PANICKED);
            xvmDriverEmitLifecycle(drv, obj, VIR_DOMAIN_EVENT_CRASHED,
                                   VIR_DOMAIN_EVENT_CRASHED_PANICKED);
        } else {
            xvmDomainObjSetState(obj, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTDOWN_USER);
            xvmDriverEmitLifecycle(drv, obj, VIR_DOMAIN_EVENT_SHUTDOWN,
                                   VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED);
        }
        xvmDriverSaveStatus(drv, obj);
        return;
    }
    if (action == XVM_DOMAIN_LIFECYCLE_ACTION_COREDUMP_DESTROY ||
        action == XVM_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART)
        g_warning(_("domain '%s' crashed: core dumps are not supported, none is written"),
                  obj->name);

    if (crashed) {
        reason = VIR_DOMAIN_SHUTOFF_CRASHED;
        stopped = VIR_DOMAIN_EVENT_STOPPED_CRASHED;
    } else {
        reason = VIR_DOMAIN_SHUTOFF_SHUTDOWN;
        stopped = VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN;
        xvmDriverEmitLifecycle(drv, obj, VIR_DOMAIN_EVENT_SHUTDOWN,
                               VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED);
    }
    if (!xvmDomainObjIsPersistent(obj))
        restart_def = xvmDomainDefCopy(def);
    removed = xvmDomainStopJob(drv, obj, reason);
    xvmDriverEmitLifecycle(drv, obj, VIR_DOMAIN_EVENT_STOPPED, stopped);

    if (action == XVM_DOMAIN_LIFECYCLE_ACTION_RESTART ||
        action == XVM_DOMAIN_LIFECYCLE_ACTION_RESTART_RENAME ||
        action == XVM_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART) {
        if (restart_def)
            restart_def->id = -1;
        restart(drv, obj, removed, &restart_def);
    }
}

/* ---- scans and tasks -------------------------------------------------- */

typedef struct {
    xvmDomainObj *obj;      /* referenced */
    int domid;              /* the instance that shut down */
} ShutdownTask;

static void
shutdown_task_free(gpointer data)
{
    ShutdownTask *t = data;

    xvmDomainObjUnref(t->obj);
    g_free(t);
}

static void
handle_task(xvmDriver *drv, gpointer data)
{
    ShutdownTask *t = data;
    xvmDomainObj *obj = t->obj;
    g_autoptr(GError) err = NULL;
    gboolean have_job;

    xvmDomainObjLock(obj);
    /* The operation under way may be long (a start waiting for its
     * backends): wait as long as it takes, unless the domain goes. */
    while (!(have_job = xvmDriverBeginJob(obj, "shutdown-event", &err)) &&
           g_error_matches(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_TIMEOUT) &&
           !g_atomic_int_get(&drv->closing))
        g_clear_error(&err);

    /* Only a task that will not look at the domain again may release its
     * domid: a scan from now on queues a new one. */
    g_mutex_lock(&drv->exc_lock);
    g_hash_table_remove(drv->handling, GINT_TO_POINTER(t->domid));
    g_mutex_unlock(&drv->exc_lock);

    if (have_job) {
        if (obj->domid == t->domid) {
            struct hv_dominfo info;
            g_autoptr(GError) hv_err = NULL;
            hv_t *hv = xvmDriverHvAcquire(drv, &hv_err);
            gboolean known = FALSE;

            if (hv) {
                if (hv_domain_getinfo(hv, (uint32_t)t->domid, &info, &hv_err)) {
                    known = TRUE;
                } else if (g_error_matches(hv_err, HV_ERROR, ENOENT)) {
                    memset(&info, 0, sizeof(info));
                    info.domid = (uint32_t)t->domid;
                    info.flags = HV_DOMINF_DYING;
                    known = TRUE;
                }
                xvmDriverHvRelease(drv, hv);
            }
            if (!known)
                g_warning(_("domain '%s': %s"), obj->name, hv_err->message);
            else if (info.flags & (HV_DOMINF_SHUTDOWN | HV_DOMINF_DYING))
                xvmDomainHandleShutdownJob(drv, obj, &info);
        }
        xvmDomainObjEndJob(obj);
    }
    xvmDomainObjUnlock(obj);
}

static const struct hv_dominfo *
find_info(const struct hv_dominfo *list, size_t n, int domid)
{
    for (size_t i = 0; i < n; i++)
        if ((int)list[i].domid == domid)
            return &list[i];
    return NULL;
}

static void
scan_work(xvmDriver *drv, gpointer data)
{
    g_autofree struct hv_dominfo *list = NULL;
    g_autoptr(GPtrArray) active = NULL;
    g_autoptr(GError) err = NULL;
    size_t n = 0;
    hv_t *hv;

    g_mutex_lock(&drv->exc_lock);
    drv->scan_queued = FALSE;
    g_mutex_unlock(&drv->exc_lock);

    if (!(hv = xvmDriverHvAcquire(drv, &err))) {
        g_warning("%s", err->message);
        return;
    }
    /* Objects first: a domain listed active is in the hypervisor's list
     * taken after, unless it went meanwhile. */
    active = xvmDomainListExport(drv->domains, VIR_CONNECT_LIST_DOMAINS_ACTIVE, NULL);
    if (!hv_domain_list(hv, &list, &n, &err)) {
        g_warning(_("cannot list the hypervisor's domains: %s"), err->message);
        xvmDriverHvRelease(drv, hv);
        return;
    }
    xvmDriverHvRelease(drv, hv);

    for (guint i = 0; active && i < active->len; i++) {
        xvmDomainObj *obj = g_ptr_array_index(active, i);
        const struct hv_dominfo *info;
        ShutdownTask *t;
        int domid;

        xvmDomainObjLock(obj);
        domid = obj->domid;
        xvmDomainObjUnlock(obj);
        if (domid < XVM_DOMID_MIN)
            continue;   /* Domain-0, or stopped meanwhile */
        info = find_info(list, n, domid);
        if (info && !(info->flags & HV_DOMINF_DYING) &&
            (!(info->flags & HV_DOMINF_SHUTDOWN) || info->shutdown_reason == SHUTDOWN_suspend))
            continue;

        g_mutex_lock(&drv->exc_lock);
        if (g_hash_table_contains(drv->handling, GINT_TO_POINTER(domid))) {
            g_mutex_unlock(&drv->exc_lock);
            continue;
        }
        g_hash_table_add(drv->handling, GINT_TO_POINTER(domid));
        g_mutex_unlock(&drv->exc_lock);

        t = g_new0(ShutdownTask, 1);
        t->obj = xvmDomainObjRef(obj);
        t->domid = domid;
        if (!xvmDriverSubmit(drv, handle_task, t, shutdown_task_free)) {
            g_mutex_lock(&drv->exc_lock);
            g_hash_table_remove(drv->handling, GINT_TO_POINTER(domid));
            g_mutex_unlock(&drv->exc_lock);
        }
    }
}

void
xvmDriverQueueScan(xvmDriver *drv)
{
    gboolean submit;

    g_mutex_lock(&drv->exc_lock);
    submit = !drv->scan_queued;
    drv->scan_queued = TRUE;
    g_mutex_unlock(&drv->exc_lock);
    if (submit && !xvmDriverSubmit(drv, scan_work, NULL, NULL)) {
        g_mutex_lock(&drv->exc_lock);
        drv->scan_queued = FALSE;
        g_mutex_unlock(&drv->exc_lock);
    }
}
