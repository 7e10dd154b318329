/*
 * domain_device_xs.c: one device in or out of a running domain (see
 * domain_device_xs.h).
 *
 * Waits watch the frontend's and the backend's directories (a watch
 * fires for any change below its path, and once at registration); the
 * callbacks only mark that something changed. The reads happen in the
 * waiting loop, outside any callback, with the synchronous calls of the
 * same connection.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_device_xs.h"

#include "dom0_block.h"
#include "dom0_net.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>
#include <xen/io/xenbus.h>

#include "domain_backends.h"
#include "domain_conf.h"
#include "domain_xs_layout.h"

/* Where the device lives in xenstore. */
typedef struct {
    char *fe;           /* /local/domain/N/device/KIND/DEVID */
    char *be;           /* /local/domain/0/backend/KIND/N/DEVID */
    char *fe_err;       /* /local/domain/N/error/device/KIND/DEVID */
    char *be_err;       /* /local/domain/0/error/backend/KIND/N/DEVID */
} Paths;

static void
paths_init(Paths *p, const xvmDeviceXs *dev)
{
    p->fe = xvmXsFrontendPath(dev->domid, dev->kind, dev->devid);
    p->be = xvmXsBackendPath(0, dev->kind, dev->domid, dev->devid);
    p->fe_err = g_strdup_printf("/local/domain/%u/error/device/%s/%u", dev->domid,
                                dev->kind, dev->devid);
    p->be_err = g_strdup_printf("/local/domain/0/error/backend/%s/%u/%u", dev->kind,
                                dev->domid, dev->devid);
}

static void
paths_clear(Paths *p)
{
    g_free(p->fe);
    g_free(p->be);
    g_free(p->fe_err);
    g_free(p->be_err);
}

static char *
read_key(xvmXsConn *conn, const char *dir, const char *key, GError **error)
{
    g_autofree char *path = g_strdup_printf("%s/%s", dir, key);

    return xvmXsRead(conn, path, error);
}

/* A XenbusState node: its value, -1 when absent or not a state. */
static gboolean
read_state(xvmXsConn *conn, const char *dir, int *state, GError **error)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *s = read_key(conn, dir, "state", &err);
    guint64 v;

    if (err) {
        g_propagate_error(error, g_steal_pointer(&err));
        return FALSE;
    }
    *state = s && g_ascii_string_to_unsigned(s, 10, 0, XenbusStateReconfigured, &v, NULL)
             ? (int)v : -1;
    return TRUE;
}

gboolean
xvmDeviceXsExists(xvmXsConn *conn, const xvmDeviceXs *dev, gboolean *exists,
                  GError **error)
{
    Paths p;
    gboolean ok = FALSE;
    g_autofree char *fe = NULL;
    g_autofree char *be = NULL;
    g_autoptr(GError) err = NULL;

    paths_init(&p, dev);
    if ((fe = xvmXsRead(conn, p.fe, &err)) || !err) {
        if ((be = xvmXsRead(conn, p.be, &err)) || !err) {
            *exists = fe || be;
            ok = TRUE;
        }
    }
    paths_clear(&p);
    if (!ok)
        g_propagate_error(error, g_steal_pointer(&err));
    return ok;
}

/* The numeric entries of a directory; an absent one has none. */
static gboolean
list_devids(xvmXsConn *conn, const char *dir, GArray *out, GError **error)
{
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) names = xs_directory(conn->xs, 0, dir, &err);

    if (!names) {
        if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            return TRUE;
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("xenstore: %s"), err->message);
        return FALSE;
    }
    for (char **n = names; *n; n++) {
        guint64 v;

        if (g_ascii_string_to_unsigned(*n, 10, 0, G_MAXINT, &v, NULL)) {
            guint id = (guint)v;

            g_array_append_val(out, id);
        }
    }
    return TRUE;
}

gboolean
xvmDeviceXsNextVifDevid(xvmXsConn *conn, guint32 domid, guint *devid, GError **error)
{
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(guint));
    g_autofree char *fe = g_strdup_printf("/local/domain/%u/device/vif", domid);
    g_autofree char *be = g_strdup_printf("/local/domain/0/backend/vif/%u", domid);
    guint next = 0;

    if (!list_devids(conn, fe, ids, error) || !list_devids(conn, be, ids, error))
        return FALSE;
    for (guint i = 0; i < ids->len; i++)
        next = MAX(next, g_array_index(ids, guint, i) + 1);
    *devid = next;
    return TRUE;
}

gboolean
xvmDeviceXsFindVif(xvmXsConn *conn, guint32 domid, const char *mac, int *devid,
                   GError **error)
{
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(guint));
    g_autofree char *be = g_strdup_printf("/local/domain/0/backend/vif/%u", domid);
    xvmMac want;

    *devid = -1;
    if (!xvmMacParse(mac, &want)) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("invalid MAC address '%s'"), mac);
        return FALSE;
    }
    if (!list_devids(conn, be, ids, error))
        return FALSE;
    for (guint i = 0; i < ids->len; i++) {
        guint id = g_array_index(ids, guint, i);
        g_autofree char *dir = g_strdup_printf("%s/%u", be, id);
        g_autoptr(GError) err = NULL;
        g_autofree char *value = read_key(conn, dir, "mac", &err);
        xvmMac have;

        if (err) {
            g_propagate_error(error, g_steal_pointer(&err));
            return FALSE;
        }
        if (value && xvmMacParse(value, &have) && xvmMacEqual(&have, &want)) {
            *devid = (int)id;
            return TRUE;
        }
    }
    return TRUE;
}

/* ---- waiting ------------------------------------------------------------ */

typedef enum {
    WAIT_PENDING,
    WAIT_DONE,
    WAIT_FAILED,
} Verdict;

typedef Verdict (*CheckFunc)(xvmXsConn *conn, const xvmDeviceXs *dev, const Paths *p,
                             gpointer data, GError **error);

typedef struct {
    gboolean dirty;
    gboolean timed_out;
} Wait;

static void
on_changed(xs_client_t *c, const char *path, const char *token, void *data)
{
    ((Wait *)data)->dirty = TRUE;
}

static gboolean
on_timeout(gpointer data)
{
    ((Wait *)data)->timed_out = TRUE;
    return G_SOURCE_REMOVE;
}

#define TOKEN_FE "xvm-hotplug-fe"
#define TOKEN_BE "xvm-hotplug-be"

/* Runs check after each change of the frontend or the backend until it
 * is DONE (TRUE) or FAILED (FALSE, *error set), or timeout_ms passed
 * (FALSE, *timed_out, *error unset). */
static gboolean
wait_for(xvmXsConn *conn, const xvmDeviceXs *dev, const Paths *p, guint timeout_ms,
         CheckFunc check, gpointer data, gboolean *timed_out, GError **error)
{
    g_autoptr(GSource) timer = g_timeout_source_new(timeout_ms);
    Wait w = { TRUE, FALSE };
    gboolean ok = FALSE;

    *timed_out = FALSE;
    xs_watch_async(conn->xs, p->fe, TOKEN_FE, on_changed, &w, NULL, NULL);
    xs_watch_async(conn->xs, p->be, TOKEN_BE, on_changed, &w, NULL, NULL);
    g_source_set_callback(timer, on_timeout, &w, NULL);
    g_source_attach(timer, conn->context);

    for (;;) {
        if (w.dirty) {
            Verdict v;

            w.dirty = FALSE;
            v = check(conn, dev, p, data, error);
            if (v != WAIT_PENDING) {
                ok = v == WAIT_DONE;
                break;
            }
        }
        if (w.timed_out) {
            *timed_out = TRUE;
            break;
        }
        g_main_context_iteration(conn->context, TRUE);
    }

    g_source_destroy(timer);
    /* Drops the registrations at once: no event reaches w later. */
    xs_unwatch_async(conn->xs, p->fe, TOKEN_FE, NULL, NULL);
    xs_unwatch_async(conn->xs, p->be, TOKEN_BE, NULL, NULL);
    return ok;
}

/* The reason in an error node (DIR/error), sanitised; NULL when none. */
static char *
error_node(xvmXsConn *conn, const char *dir)
{
    g_autofree char *reason = read_key(conn, dir, "error", NULL);

    return reason && *reason ? xvmBackendPrintable(reason) : NULL;
}

/* Plug: how far the handshake went. */
typedef struct {
    gboolean wait_frontend;     /* in: the guest runs, its frontend answers */
    gboolean backend_ready;     /* out: InitWait or later, hotplug "connected" */
} PlugWait;

/* The backend takes the device up, then the guest's frontend connects.
 * Failures are told by their first cause (see below). */
static Verdict
check_plugged(xvmXsConn *conn, const xvmDeviceXs *dev, const Paths *p, gpointer data,
              GError **error)
{
    PlugWait *pw = data;
    g_autofree char *hotplug = NULL;
    g_autofree char *be_why = NULL;
    g_autoptr(GError) err = NULL;
    int be, fe;

    if (!read_state(conn, p->be, &be, error) || !read_state(conn, p->fe, &fe, error))
        return WAIT_FAILED;
    if (!(hotplug = read_key(conn, p->be, "hotplug-status", &err)) && err) {
        g_propagate_error(error, g_steal_pointer(&err));
        return WAIT_FAILED;
    }
    /* Each side follows the other to Closing and Closed: the reason is
     * the backend's when it recorded one, else the guest's. */
    be_why = error_node(conn, p->be_err);
    if (!be_why && g_strcmp0(hotplug, "error") == 0) {
        g_autofree char *reason = read_key(conn, p->be, "hotplug-error", NULL);

        be_why = xvmBackendPrintable(reason && *reason ? reason
                                     : _("the backend's hotplug script failed"));
    }
    if (be_why) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("%s: %s"), dev->what, be_why);
        return WAIT_FAILED;
    }
    if (fe == XenbusStateClosing || fe == XenbusStateClosed) {
        g_autofree char *why = error_node(conn, p->fe_err);

        if (why)
            xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                         _("%s: the guest refused the device: %s"), dev->what, why);
        else
            xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                         _("%s: the guest closed the device"), dev->what);
        return WAIT_FAILED;
    }
    if (be < 0) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("%s: its backend %s was removed"),
                     dev->what, p->be);
        return WAIT_FAILED;
    }
    if (be == XenbusStateClosing || be == XenbusStateClosed) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("%s: the backend closed the device"),
                     dev->what);
        return WAIT_FAILED;
    }
    pw->backend_ready = g_strcmp0(hotplug, "connected") == 0 &&
                        be >= XenbusStateInitWait && be <= XenbusStateConnected;
    if (!pw->backend_ready)
        return WAIT_PENDING;
    if (!pw->wait_frontend)
        return WAIT_DONE;
    if (fe < 0) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                     _("%s: the frontend %s was removed"), dev->what, p->fe);
        return WAIT_FAILED;
    }
    return fe == XenbusStateConnected ? WAIT_DONE : WAIT_PENDING;
}

/* Unplug: the guest's frontend closed (or is gone), and the backend
 * followed it to Closed (or is gone), as libxl waits for it: a backend
 * still answering its frontend would write its state again after the
 * removal, recreating part of its directory. */
static Verdict
check_closed(xvmXsConn *conn, const xvmDeviceXs *dev, const Paths *p, gpointer data,
             GError **error)
{
    g_autofree char *fe = NULL;
    g_autofree char *be = NULL;
    g_autoptr(GError) err = NULL;

    if ((!(fe = read_key(conn, p->fe, "state", &err)) && err) ||
        (!(be = read_key(conn, p->be, "state", &err)) && err)) {
        g_propagate_error(error, g_steal_pointer(&err));
        return WAIT_FAILED;
    }
    return (!fe || g_strcmp0(fe, "6") == 0) && (!be || g_strcmp0(be, "6") == 0)
           ? WAIT_DONE : WAIT_PENDING;
}

static gboolean
remove_all(xvmXsConn *conn, const Paths *p, GError **error)
{
    const char *const trees[] = { p->fe, p->be, p->fe_err, p->be_err };

    return xvmXsRemoveTrees(conn, trees, G_N_ELEMENTS(trees), error);
}

/* The loop device the driver gave a vbd on real Xen, with its file:
 * read before the backend goes, released after (NULL: none). */
static GPtrArray *
dom0_loops(xvmXsConn *conn, const xvmDeviceXs *dev, const Paths *p)
{
    GPtrArray *loops;
    g_autofree char *key = NULL;
    g_autofree char *path = NULL;

    if (!dev->dom0_hotplug || strcmp(dev->kind, "vbd") != 0)
        return NULL;
    key = g_strdup_printf("%s/physical-device-path", p->be);
    if (!(path = xvmXsRead(conn, key, NULL)) || !g_str_has_prefix(path, "/dev/loop"))
        return NULL;
    g_free(key);
    key = g_strdup_printf("%s/params", p->be);
    loops = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(loops, g_steal_pointer(&path));
    g_ptr_array_add(loops, xvmXsRead(conn, key, NULL));
    return loops;
}

static void
release_loops(GPtrArray *loops)
{
    for (guint i = 0; loops && i + 1 < loops->len; i += 2)
        xvmDom0BlockRelease(g_ptr_array_index(loops, i), g_ptr_array_index(loops, i + 1));
}

gboolean
xvmDeviceXsPlug(xvmXsConn *conn, const xvmDeviceXs *dev, const GPtrArray *layout,
                gboolean wait_frontend, guint timeout_ms, GError **error)
{
    PlugWait pw = { wait_frontend, FALSE };
    g_autoptr(GError) err = NULL;
    gboolean timed_out = FALSE;
    Paths p;
    gboolean ok;

    if (!xvmXsWriteEntries(conn, layout, error))
        return FALSE;           /* a transaction that failed wrote nothing */
    paths_init(&p, dev);
    if (dev->dom0_hotplug && strcmp(dev->kind, "vbd") == 0 &&
        !xvmDom0BlockAttach(conn, p.be, &err))
        ok = FALSE;
    else if (dev->dom0_hotplug && strcmp(dev->kind, "vif") == 0 &&
             !xvmDom0NetOnline(conn, p.be, dev->what, timeout_ms, &err))
        ok = FALSE;
    else
        ok = wait_for(conn, dev, &p, timeout_ms, check_plugged, &pw, &timed_out, &err);
    if (timed_out) {
        if (pw.backend_ready)
            xvmConfError(&err, VIR_ERR_INTERNAL_ERROR,
                         _("%s: the guest did not connect the device within %u ms"),
                         dev->what, timeout_ms);
        else
            xvmConfError(&err, VIR_ERR_INTERNAL_ERROR,
                         _("the backends of %s did not connect within %u ms"),
                         dev->what, timeout_ms);
    }
    if (!ok) {
        g_autoptr(GError) rm_err = NULL;
        g_autoptr(GPtrArray) loops = dom0_loops(conn, dev, &p);

        if (dev->dom0_hotplug && strcmp(dev->kind, "vif") == 0)
            xvmDom0NetOffline(conn, p.be);      /* when its script ran */
        if (!remove_all(conn, &p, &rm_err))
            g_warning("%s: cannot remove the device after a failed attach: %s",
                      dev->what, rm_err->message);
        release_loops(loops);
        g_propagate_error(error, g_steal_pointer(&err));
    }
    paths_clear(&p);
    return ok;
}

/* The backend asked to close: online 0, state Closing, together. */
static gboolean
close_backend(xvmXsConn *conn, const Paths *p, GError **error)
{
    g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func(
        (GDestroyNotify)xvmXsEntryFree);
    xvmXsEntry *online = g_new0(xvmXsEntry, 1);
    xvmXsEntry *state = g_new0(xvmXsEntry, 1);

    online->path = g_strdup_printf("%s/online", p->be);
    online->value = g_strdup("0");
    state->path = g_strdup_printf("%s/state", p->be);
    state->value = g_strdup_printf("%d", XenbusStateClosing);
    g_ptr_array_add(entries, online);
    g_ptr_array_add(entries, state);
    return xvmXsWriteEntries(conn, entries, error);
}

gboolean
xvmDeviceXsUnplug(xvmXsConn *conn, const xvmDeviceXs *dev, gboolean wait_frontend,
                  guint timeout_ms, GError **error)
{
    g_autoptr(GError) err = NULL;
    gboolean timed_out = FALSE;
    g_autoptr(GPtrArray) loops = NULL;
    int be = -1;
    Paths p;
    gboolean ok = FALSE;

    paths_init(&p, dev);
    if (!read_state(conn, p.be, &be, error))
        goto out;
    /* Without a backend there is nothing to close: writing would create
     * a half directory. */
    if (be >= 0) {
        if (!close_backend(conn, &p, error))
            goto out;
        if (wait_frontend &&
            !wait_for(conn, dev, &p, timeout_ms, check_closed, NULL, &timed_out, &err)) {
            if (!timed_out) {
                g_propagate_error(error, g_steal_pointer(&err));
                goto out;
            }
            g_info("%s: the guest did not close the device within %u ms: removed anyway",
                   dev->what, timeout_ms);
        }
    }
    loops = dom0_loops(conn, dev, &p);
    if (dev->dom0_hotplug && strcmp(dev->kind, "vif") == 0)
        xvmDom0NetOffline(conn, p.be);
    ok = remove_all(conn, &p, error);
    release_loops(loops);

 out:
    paths_clear(&p);
    return ok;
}
