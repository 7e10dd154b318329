/*
 * domain_stop.c: stopping domains — destroy, the guest-side shutdown and
 * reboot requests, pause and unpause — and the teardown every stop
 * shares (see driver_internal.h, domain_lifecycle.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_lifecycle.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#include "dom0_block.h"
#include "dom0_net.h"
#include "domain_state.h"
#include "domain_xs_layout.h"
#include "driver_internal.h"

/* How often the teardown looks whether the dying domain is gone. */
#define GONE_POLL_MS 20

static void
wait_gone(xvmDriver *drv, hv_t *hv, guint32 domid)
{
    gint64 deadline = g_get_monotonic_time() +
                      XVM_DRIVER_DESTROY_WAIT_MS * G_TIME_SPAN_MILLISECOND;

    while (g_get_monotonic_time() < deadline) {
        g_autoptr(GError) err = NULL;
        struct hv_dominfo info;

        if (!hv_domain_getinfo(hv, domid, &info, &err)) {
            if (!g_error_matches(err, HV_ERROR, ENOENT))
                g_warning(_("domain %u: %s"), domid, err->message);
            return;
        }
        g_usleep(GONE_POLL_MS * 1000);
    }
    g_warning(_("domain %u is still dying after %u ms: something still maps its pages"),
              domid, XVM_DRIVER_DESTROY_WAIT_MS);
}

void
xvmDomainTeardown(xvmDriver *drv, guint32 domid, const xvmUuid *uuid)
{
    static const char *const kinds[] = { "vbd", "vif", "console" };
    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) loops = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(xvmXsConn) conn = NULL;
    g_autoptr(GError) err = NULL;
    hv_t *hv = xvmDriverHvAcquire(drv, &err);

    if (hv && !hv_domain_destroy(hv, domid, &err) && !g_error_matches(err, HV_ERROR, ENOENT))
        g_warning(_("cannot destroy domain %u: %s"), domid, err->message);
    g_clear_error(&err);

    for (gsize i = 0; i < G_N_ELEMENTS(kinds); i++) {
        g_ptr_array_add(paths, g_strdup_printf("/local/domain/0/backend/%s/%u", kinds[i], domid));
        g_ptr_array_add(paths, g_strdup_printf("/local/domain/0/error/backend/%s/%u",
                                               kinds[i], domid));
    }
    g_ptr_array_add(paths, xvmXsDomainPath(domid));
    g_ptr_array_add(paths, xvmXsVmPath(uuid));

    if ((conn = xvmXsConnOpen(drv->cfg.xenstored_path, &err)) && hv &&
        strcmp(hv_backend_name(hv), "xen") == 0) {
        xvmDom0BlockReleaseDomain(conn, domid, 0, loops);
        /* The vif script's "offline", while the backends are there. */
        xvmDom0NetOfflineDomain(conn, domid, 0);
    }
    if (!conn ||
        !xvmXsRemoveTrees(conn, (const char *const *)paths->pdata, paths->len, &err)) {
        g_warning(_("domain %u: cannot remove its xenstore entries: %s"), domid, err->message);
        g_clear_error(&err);
    }
    /* The backends are gone: their loop devices go (the block script's
     * "remove"). */
    for (guint i = 0; i + 1 < loops->len; i += 2)
        xvmDom0BlockRelease(g_ptr_array_index(loops, i), g_ptr_array_index(loops, i + 1));
    /* xenstored may have released it already, seeing it dying. */
    if (conn && !xs_release(conn->xs, domid, &err) &&
        !g_error_matches(err, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_warning(_("cannot release domain %u from xenstored: %s"), domid, err->message);
    if (hv) {
        wait_gone(drv, hv, domid);
        xvmDriverHvRelease(drv, hv);
    }
}

gboolean
xvmDomainStopJob(xvmDriver *drv, xvmDomainObj *obj, virDomainShutoffReason reason)
{
    g_autoptr(GError) err = NULL;
    guint32 domid = (guint32)obj->domid;

    g_return_val_if_fail(xvmDomainObjIsActive(obj) && obj->domid != XVM_DOMID_HOST, FALSE);

    xvmDomainObjUnlock(obj);
    xvmDomainTeardown(drv, domid, &obj->uuid);
    xvmDomainObjLock(obj);
    if (!xvmDomainStatusDelete(drv->store, obj->name, &err))
        g_warning(_("domain '%s': %s"), obj->name, err->message);
    return xvmDomainListSetInactive(drv->domains, obj, reason);
}

static gboolean
check_flags(unsigned int flags, unsigned int allowed, const char *func, GError **error)
{
    if (!(flags & ~allowed))
        return TRUE;
    xvmConfError(error, VIR_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                 flags & ~allowed, func);
    return FALSE;
}

/* Begins the job of an operation on a running, managed domain. */
static gboolean
begin_on_active(xvmDomainObj *obj, const char *job, const char *what, GError **error)
{
    if (!xvmDriverCheckNotHost(obj, what, error) || !xvmDriverBeginJob(obj, job, error))
        return FALSE;
    if (xvmDriverCheckActive(obj, error))
        return TRUE;
    xvmDomainObjEndJob(obj);
    return FALSE;
}

/* Writes control/shutdown of the running domain (unlocked meanwhile).
 * A guest that already shut down (kept by <on_*>=preserve) or has not
 * finished starting cannot act on it: VIR_ERR_OPERATION_INVALID. */
static gboolean
request_shutdown(xvmDriver *drv, xvmDomainObj *obj, const char *request, GError **error)
{
    g_autoptr(xvmXsConn) conn = NULL;
    g_autofree char *path = g_strdup_printf("/local/domain/%d/control/shutdown", obj->domid);
    int reason;
    virDomainState state = xvmDomainObjGetState(obj, &reason);
    gboolean ok;

    if (state != VIR_DOMAIN_RUNNING &&
        !(state == VIR_DOMAIN_PAUSED && reason != VIR_DOMAIN_PAUSED_STARTING_UP)) {
        xvmConfError(error, VIR_ERR_OPERATION_INVALID, _("domain '%s' is not running (%s)"),
                     obj->name, xvmDomainStateToString(state));
        return FALSE;
    }

    xvmDomainObjUnlock(obj);
    ok = (conn = xvmXsConnOpen(drv->cfg.xenstored_path, error)) &&
         xvmXsWrite(conn, path, request, error);
    xvmDomainObjLock(obj);
    return ok;
}

gboolean
xvmDomainDestroy(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags, GError **error)
{
    virDomainState state;

    if (!check_flags(flags, VIR_DOMAIN_DESTROY_GRACEFUL, "xvmDomainDestroy", error) ||
        !begin_on_active(obj, "destroy", _("destroy"), error))
        return FALSE;

    state = xvmDomainObjGetState(obj, NULL);
    /* A guest already down (kept by preserve) needs no asking. */
    if ((flags & VIR_DOMAIN_DESTROY_GRACEFUL) &&
        state != VIR_DOMAIN_SHUTDOWN && state != VIR_DOMAIN_CRASHED) {
        int domid = obj->domid;
        struct hv_dominfo info;
        gboolean down;
        g_autoptr(GError) err = NULL;

        if (!request_shutdown(drv, obj, "poweroff", error)) {
            xvmDomainObjEndJob(obj);
            return FALSE;
        }
        xvmDomainObjUnlock(obj);
        down = xvmDriverWaitShutdown(drv, domid, drv->cfg.graceful_timeout_ms, &info, &err);
        xvmDomainObjLock(obj);
        if (!down) {
            if (err)
                g_propagate_error(error, g_steal_pointer(&err));
            else
                xvmConfError(error, VIR_ERR_OPERATION_TIMEOUT,
                             _("domain '%s' did not shut down within %u ms"),
                             obj->name, drv->cfg.graceful_timeout_ms);
            xvmDomainObjEndJob(obj);
            return FALSE;
        }
    }
    xvmDomainStopJob(drv, obj, VIR_DOMAIN_SHUTOFF_DESTROYED);
    xvmDriverEmitLifecycle(drv, obj, VIR_DOMAIN_EVENT_STOPPED,
                           VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    xvmDomainObjEndJob(obj);
    return TRUE;
}

gboolean
xvmDomainShutdown(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags, GError **error)
{
    gboolean ok;

    if (!check_flags(flags, VIR_DOMAIN_SHUTDOWN_PARAVIRT, "xvmDomainShutdown", error) ||
        !begin_on_active(obj, "shutdown", _("shut down"), error))
        return FALSE;
    ok = request_shutdown(drv, obj, "poweroff", error);
    xvmDomainObjEndJob(obj);
    return ok;
}

gboolean
xvmDomainReboot(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags, GError **error)
{
    gboolean ok;

    if (!check_flags(flags, VIR_DOMAIN_REBOOT_PARAVIRT, "xvmDomainReboot", error) ||
        !begin_on_active(obj, "reboot", _("reboot"), error))
        return FALSE;
    ok = request_shutdown(drv, obj, "reboot", error);
    xvmDomainObjEndJob(obj);
    return ok;
}

/* Pause (pause == TRUE) or unpause a running or paused domain. */
static gboolean
set_paused(xvmDriver *drv, xvmDomainObj *obj, gboolean pause, GError **error)
{
    virDomainState state;
    g_autoptr(GError) err = NULL;
    gboolean ok = TRUE;
    hv_t *hv;

    if (!begin_on_active(obj, pause ? "suspend" : "resume",
                         pause ? _("suspend") : _("resume"), error))
        return FALSE;
    state = xvmDomainObjGetState(obj, NULL);
    if (state != VIR_DOMAIN_RUNNING && state != VIR_DOMAIN_PAUSED) {
        xvmConfError(error, VIR_ERR_OPERATION_INVALID, _("domain '%s' is not running (%s)"),
                     obj->name, xvmDomainStateToString(state));
        ok = FALSE;
    } else if ((state == VIR_DOMAIN_PAUSED) != pause) {
        if (!(hv = xvmDriverHvAcquire(drv, error))) {
            ok = FALSE;
        } else {
            ok = pause ? hv_domain_pause(hv, (uint32_t)obj->domid, &err)
                       : hv_domain_unpause(hv, (uint32_t)obj->domid, &err);
            xvmDriverHvRelease(drv, hv);
        }
        if (!ok && err) {
            xvmDriverHvError(error, g_steal_pointer(&err), pause ? _("suspend") : _("resume"),
                             obj->name);
        } else if (ok) {
            if (pause)
                xvmDomainObjSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
            else
                xvmDomainObjSetState(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
            xvmDriverSaveStatus(drv, obj);
            if (pause)
                xvmDriverEmitLifecycle(drv, obj, VIR_DOMAIN_EVENT_SUSPENDED,
                                       VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
            else
                xvmDriverEmitLifecycle(drv, obj, VIR_DOMAIN_EVENT_RESUMED,
                                       VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
        }
    }
    xvmDomainObjEndJob(obj);
    return ok;
}

gboolean
xvmDomainSuspend(xvmDriver *drv, xvmDomainObj *obj, GError **error)
{
    return set_paused(drv, obj, TRUE, error);
}

gboolean
xvmDomainResume(xvmDriver *drv, xvmDomainObj *obj, GError **error)
{
    return set_paused(drv, obj, FALSE, error);
}
