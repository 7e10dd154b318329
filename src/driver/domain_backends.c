/*
 * domain_backends.c: waiting for a domain's backends (see
 * domain_backends.h).
 *
 * One watch per backend directory (a xenstore watch fires for any change
 * below it, and once at registration); the callback only marks the
 * backend to look at again. The reads happen in the waiting loop, outside
 * any callback, with the synchronous calls of the same connection.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_backends.h"

#include <glib/gi18n.h>
#include <xen/io/xenbus.h>

#include "domain_xs_layout.h"

void
xvmBackendRefFree(xvmBackendRef *ref)
{
    if (!ref)
        return;
    g_free(ref->path);
    g_free(ref->what);
    g_free(ref);
}

xvmBackendRef *
xvmDiskBackendRef(const xvmDomainDiskDef *disk, guint32 domid, guint32 backend_domid)
{
    int devid = xvmXsDiskDevid(disk->dst);
    xvmBackendRef *ref;

    if (devid < 0)
        return NULL;
    ref = g_new0(xvmBackendRef, 1);
    ref->path = xvmXsBackendPath(backend_domid, "vbd", domid, (guint)devid);
    ref->what = g_strdup_printf(_("disk '%s'"), disk->dst);
    return ref;
}

xvmBackendRef *
xvmNetBackendRef(guint devid, guint32 domid, guint32 backend_domid)
{
    xvmBackendRef *ref = g_new0(xvmBackendRef, 1);

    ref->path = xvmXsBackendPath(backend_domid, "vif", domid, devid);
    ref->what = g_strdup_printf(_("interface %u"), devid);
    return ref;
}

GPtrArray *
xvmDomainBackends(const xvmDomainDef *def, guint32 domid, guint32 backend_domid)
{
    GPtrArray *refs = g_ptr_array_new_with_free_func((GDestroyNotify)xvmBackendRefFree);

    for (guint i = 0; i < def->disks->len; i++) {
        xvmBackendRef *ref = xvmDiskBackendRef(g_ptr_array_index(def->disks, i), domid,
                                               backend_domid);

        if (ref)
            g_ptr_array_add(refs, ref);
    }
    for (guint i = 0; i < def->nets->len; i++)
        g_ptr_array_add(refs, xvmNetBackendRef(i, domid, backend_domid));
    return refs;
}

typedef enum {
    BACKEND_WAITING,
    BACKEND_READY,
    BACKEND_FAILED,
} BackendState;

typedef struct {
    gboolean *dirty;        /* per backend: changed since last looked at */
    gboolean timed_out;
} Wait;

typedef struct {
    Wait *wait;
    guint index;
} WatchData;

static void
on_backend_changed(xs_client_t *c, const char *path, const char *token, void *data)
{
    WatchData *wd = data;

    wd->wait->dirty[wd->index] = TRUE;
}

static gboolean
on_timeout(gpointer data)
{
    Wait *w = data;

    w->timed_out = TRUE;
    return G_SOURCE_REMOVE;
}

/* Text a backend wrote, fit for an error message: valid UTF-8, no
 * control characters, at most MESSAGE_MAX bytes. */
#define MESSAGE_MAX 512
char *
xvmBackendPrintable(const char *text)
{
    g_autofree char *valid = g_utf8_make_valid(text, -1);
    GString *out = g_string_new(NULL);
    const char *p;

    for (p = valid; *p && out->len < MESSAGE_MAX; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);

        g_string_append_unichar(out, g_unichar_iscntrl(c) ? '?' : c);
    }
    if (*p)
        g_string_append(out, "...");
    return g_string_free(out, FALSE);
}

/* Looks at one backend; FAILED sets *error with the reason. */
static BackendState
backend_state(xvmXsConn *conn, const xvmBackendRef *ref, GError **error)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *state = xvmXsReadKey(conn, ref->path, "state", &err);
    g_autofree char *hotplug = NULL;
    guint64 st = 0;

    if (err) {
        g_propagate_error(error, g_steal_pointer(&err));
        return BACKEND_FAILED;
    }
    if (!(hotplug = xvmXsReadKey(conn, ref->path, "hotplug-status", &err)) && err) {
        g_propagate_error(error, g_steal_pointer(&err));
        return BACKEND_FAILED;
    }
    if (!state) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                     _("%s: its backend %s was removed"), ref->what, ref->path);
        return BACKEND_FAILED;
    }
    if (g_strcmp0(hotplug, "error") == 0) {
        g_autofree char *reason = xvmXsReadKey(conn, ref->path, "hotplug-error", NULL);
        g_autofree char *shown = reason && *reason ? xvmBackendPrintable(reason) : NULL;

        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("%s: %s"), ref->what,
                     shown ? shown : _("the backend's hotplug script failed"));
        return BACKEND_FAILED;
    }
    if (!g_ascii_string_to_unsigned(state, 10, 0, XenbusStateReconfigured, &st, NULL)) {
        g_autofree char *shown = xvmBackendPrintable(state);

        xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                     _("%s: the backend's state \"%s\" is not a XenbusState"),
                     ref->what, shown);
        return BACKEND_FAILED;
    }
    if (st == XenbusStateClosing || st == XenbusStateClosed) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("%s: the backend closed the device"),
                     ref->what);
        return BACKEND_FAILED;
    }
    if (g_strcmp0(hotplug, "connected") == 0 &&
        st >= XenbusStateInitWait && st <= XenbusStateConnected)
        return BACKEND_READY;
    return BACKEND_WAITING;
}

gboolean
xvmWaitBackends(xvmXsConn *conn, const GPtrArray *refs, guint timeout_ms, GError **error)
{
    guint n = refs->len;
    g_autofree gboolean *dirty = g_new(gboolean, n);
    g_autofree BackendState *state = g_new0(BackendState, n);
    g_autofree WatchData *wd = g_new0(WatchData, n);
    g_autoptr(GSource) timer = g_timeout_source_new(timeout_ms);
    Wait w = { dirty, FALSE };
    gboolean ok = FALSE;

    for (guint i = 0; i < n; i++) {
        const xvmBackendRef *ref = g_ptr_array_index((GPtrArray *)refs, i);
        g_autofree char *token = g_strdup_printf("xvm-backend-%u", i);

        dirty[i] = TRUE;
        wd[i].wait = &w;
        wd[i].index = i;
        xs_watch_async(conn->xs, ref->path, token, on_backend_changed, &wd[i], NULL, NULL);
    }
    g_source_set_callback(timer, on_timeout, &w, NULL);
    g_source_attach(timer, conn->context);

    for (;;) {
        guint waiting = 0;
        gboolean failed = FALSE;

        for (guint i = 0; i < n && !failed; i++) {
            if (!dirty[i] || state[i] == BACKEND_READY)
                continue;
            dirty[i] = FALSE;
            state[i] = backend_state(conn, g_ptr_array_index((GPtrArray *)refs, i), error);
            failed = state[i] == BACKEND_FAILED;
        }
        if (failed)
            break;
        for (guint i = 0; i < n; i++)
            waiting += state[i] != BACKEND_READY;
        if (!waiting) {
            ok = TRUE;
            break;
        }
        if (w.timed_out) {
            g_autoptr(GString) names = g_string_new(NULL);

            for (guint i = 0; i < n; i++) {
                const xvmBackendRef *ref = g_ptr_array_index((GPtrArray *)refs, i);

                if (state[i] != BACKEND_READY)
                    g_string_append_printf(names, "%s%s", names->len ? ", " : "", ref->what);
            }
            xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                         _("the backends of %s did not connect within %u ms"),
                         names->str, timeout_ms);
            break;
        }
        g_main_context_iteration(conn->context, TRUE);
    }

    g_source_destroy(timer);
    for (guint i = 0; i < n; i++) {
        const xvmBackendRef *ref = g_ptr_array_index((GPtrArray *)refs, i);
        g_autofree char *token = g_strdup_printf("xvm-backend-%u", i);

        /* Drops the registration at once: no event reaches wd[i] later. */
        xs_unwatch_async(conn->xs, ref->path, token, NULL, NULL);
    }
    return ok;
}
