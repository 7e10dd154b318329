/*
 * dom0_net.c: the network hotplug script of guests' vifs on a real Xen
 * host, run as libxl runs it (see dom0_net.h).
 *
 * The script runs in a GSubprocess on a private main context: the
 * calling thread (a job's, unlocked) blocks, the daemon's loop does not.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "dom0_net.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xen/io/xenbus.h>

#include "domain_backends.h"
#include "domain_conf.h"

#define SCRIPT_DIR "/etc/xen/scripts"
#define POLL_MS 20

/* What the script needs to know about one vif backend. */
typedef struct {
    char *script;       /* absolute */
    char *vif;          /* netback's name for it: vifDOMID.DEVID */
    char *gatewaydev;   /* "" when none */
} NetDev;

static void
netdev_clear(NetDev *nd)
{
    g_free(nd->script);
    g_free(nd->vif);
    g_free(nd->gatewaydev);
}

static gboolean
netdev_read(xvmXsConn *conn, const char *be, NetDev *nd, GError **error)
{
    g_autofree char *domid = NULL;
    g_autofree char *handle = NULL;
    g_autofree char *script = NULL;
    guint64 d, h;

    memset(nd, 0, sizeof(*nd));
    if (!(domid = xvmXsReadKey(conn, be, "frontend-id", error)) ||
        !(handle = xvmXsReadKey(conn, be, "handle", error)) ||
        !(script = xvmXsReadKey(conn, be, "script", error)) ||
        !g_ascii_string_to_unsigned(domid, 10, 0, G_MAXUINT32, &d, NULL) ||
        !g_ascii_string_to_unsigned(handle, 10, 0, G_MAXINT, &h, NULL) || !*script) {
        if (error && !*error)
            xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                         _("%s has no valid frontend-id, handle or script"), be);
        return FALSE;
    }
    /* As libxl: a bare name is one of Xen's scripts. */
    nd->script = g_path_is_absolute(script) ? g_steal_pointer(&script)
                 : g_build_filename(SCRIPT_DIR, script, NULL);
    nd->vif = g_strdup_printf("vif%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT, d, h);
    nd->gatewaydev = xvmXsReadKey(conn, be, "gatewaydev", NULL);
    if (!nd->gatewaydev)
        nd->gatewaydev = g_strdup("");
    return TRUE;
}

/* ---- running the script ---------------------------------------------------- */

typedef struct {
    gboolean done;
    gboolean timed_out;
    GBytes *out;        /* stdout and stderr */
    GError *error;
} Run;

static void
on_communicated(GObject *source, GAsyncResult *res, gpointer data)
{
    Run *r = data;

    g_subprocess_communicate_finish(G_SUBPROCESS(source), res, &r->out, NULL, &r->error);
    r->done = TRUE;
}

static gboolean
on_script_timeout(gpointer data)
{
    ((Run *)data)->timed_out = TRUE;
    return G_SOURCE_REMOVE;
}

/* After fork: the script leads its own process group, so that a script
 * past its time goes with everything it started (a late xenstore-write
 * of it would recreate nodes of a removed backend). */
static void
child_setup(gpointer data)
{
    setpgid(0, 0);
}

/* The last line of what the script printed, sanitised; NULL when none. */
static char *
last_line(GBytes *out)
{
    gsize len = 0;
    const char *data = out ? g_bytes_get_data(out, &len) : NULL;
    g_autofree char *text = NULL;
    char *nl;

    if (!data || !len)
        return NULL;
    text = g_strndup(data, len);
    g_strchomp(text);
    nl = strrchr(text, '\n');
    if (!*(nl ? nl + 1 : text))
        return NULL;
    return xvmBackendPrintable(nl ? nl + 1 : text);
}

/* Runs nd's script with `action` for backend `be`. TRUE when it exited
 * with status 0; else FALSE with *why (the reason, for messages). */
static gboolean
run_script(xvmXsConn *conn, const char *be, const NetDev *nd, const char *action,
           guint timeout_ms, char **why)
{
    g_autoptr(GMainContext) ctx = g_main_context_new();
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
        G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GSource) timer = NULL;
    g_autoptr(GError) err = NULL;
    Run r = { 0 };
    const char *argv[] = { nd->script, action, "type_if=vif", NULL };
    gboolean ok = FALSE;

    g_subprocess_launcher_set_cwd(launcher, "/");
    g_subprocess_launcher_set_child_setup(launcher, child_setup, NULL, NULL);
    g_subprocess_launcher_setenv(launcher, "script", nd->script, TRUE);
    g_subprocess_launcher_setenv(launcher, "XENBUS_TYPE", "vif", TRUE);
    g_subprocess_launcher_setenv(launcher, "XENBUS_PATH", be, TRUE);
    g_subprocess_launcher_setenv(launcher, "XENBUS_BASE_PATH", "backend", TRUE);
    g_subprocess_launcher_setenv(launcher, "netdev", nd->gatewaydev, TRUE);
    g_subprocess_launcher_setenv(launcher, "vif", nd->vif, TRUE);
    if (conn->path)
        g_subprocess_launcher_setenv(launcher, "XENSTORED_PATH", conn->path, TRUE);

    g_main_context_push_thread_default(ctx);
    if (!(proc = g_subprocess_launcher_spawnv(launcher, argv, &err))) {
        *why = g_strdup(err->message);
        goto out;
    }
    g_subprocess_communicate_async(proc, NULL, NULL, on_communicated, &r);
    timer = g_timeout_source_new(timeout_ms);
    g_source_set_callback(timer, on_script_timeout, &r, NULL);
    g_source_attach(timer, ctx);
    while (!r.done) {
        g_main_context_iteration(ctx, TRUE);
        if (r.timed_out && !r.done) {
            const char *id = g_subprocess_get_identifier(proc);

            /* communicate finishes once the killed script is reaped */
            if (id)
                kill(-(pid_t)atoi(id), SIGKILL);
            g_subprocess_force_exit(proc);
            r.timed_out = FALSE;
            *why = g_strdup_printf(_("did not finish within %u ms"), timeout_ms);
        }
    }
    g_source_destroy(timer);
    if (*why)
        goto out;
    if (r.error) {
        *why = g_strdup(r.error->message);
    } else if (g_subprocess_get_if_exited(proc)) {
        int status = g_subprocess_get_exit_status(proc);

        if (!(ok = status == 0) && !(*why = last_line(r.out)))
            *why = g_strdup_printf(_("exited with status %d"), status);
    } else {
        *why = g_strdup_printf(_("killed by signal %d"), g_subprocess_get_term_sig(proc));
    }

 out:
    g_main_context_pop_thread_default(ctx);
    g_clear_error(&r.error);
    g_clear_pointer(&r.out, g_bytes_unref);
    return ok;
}

/* ---- online / offline -------------------------------------------------------- */

/* netback took the backend up: InitWait or later, and its interface is
 * there (netback registers it while probing the backend). */
static gboolean
wait_netback(xvmXsConn *conn, const char *be, const NetDev *nd, const char *what,
             guint timeout_ms, GError **error)
{
    g_autofree char *sys = g_strdup_printf("/sys/class/net/%s", nd->vif);
    gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

    for (;;) {
        g_autoptr(GError) err = NULL;
        g_autofree char *s = xvmXsReadKey(conn, be, "state", &err);
        guint64 state = 0;

        if (err) {
            g_propagate_error(error, g_steal_pointer(&err));
            return FALSE;
        }
        if (!s) {
            xvmConfError(error, VIR_ERR_OPERATION_FAILED, _("%s: its backend %s was removed"),
                         what, be);
            return FALSE;
        }
        g_ascii_string_to_unsigned(s, 10, 0, XenbusStateReconfigured, &state, NULL);
        if (state == XenbusStateClosing || state == XenbusStateClosed) {
            xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                         _("%s: dom0's netback closed the backend"), what);
            return FALSE;
        }
        if (state >= XenbusStateInitWait && g_file_test(sys, G_FILE_TEST_EXISTS))
            return TRUE;
        if (g_get_monotonic_time() >= end) {
            xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                         _("%s: dom0's netback did not create %s within %u ms "
                           "(is xen-netback loaded?)"), what, nd->vif, timeout_ms);
            return FALSE;
        }
        g_usleep(POLL_MS * 1000);
    }
}

gboolean
xvmDom0NetOnline(xvmXsConn *conn, const char *be, const char *what, guint timeout_ms,
                 GError **error)
{
    NetDev nd;
    g_autofree char *why = NULL;
    g_autofree char *status = NULL;
    gboolean ok = FALSE;

    if (!netdev_read(conn, be, &nd, error))
        return FALSE;
    if (!wait_netback(conn, be, &nd, what, timeout_ms, error))
        goto out;
    if (!run_script(conn, be, &nd, "online", MAX(timeout_ms, XVM_DOM0_NET_SCRIPT_TIMEOUT_MS),
                    &why)) {
        /* The script's own reason first (what its fatal() recorded). */
        g_autofree char *reason = xvmXsReadKey(conn, be, "hotplug-error", NULL);
        g_autofree char *shown = reason && *reason ? xvmBackendPrintable(reason) : NULL;

        xvmConfError(error, VIR_ERR_OPERATION_FAILED, _("%s: %s online failed: %s"), what,
                     nd.script, shown ? shown : why);
        goto out;
    }
    status = xvmXsReadKey(conn, be, "hotplug-status", NULL);
    if (g_strcmp0(status, "connected") != 0) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("%s: %s online did not report the interface connected "
                       "(hotplug-status '%s')"), what, nd.script, status ? status : "");
        goto out;
    }
    ok = TRUE;

 out:
    if (!ok)
        g_info("%s: %s online for %s failed", what, nd.script, be);
    netdev_clear(&nd);
    return ok;
}

void
xvmDom0NetOffline(xvmXsConn *conn, const char *be)
{
    g_autofree char *status = xvmXsReadKey(conn, be, "hotplug-status", NULL);
    g_autofree char *why = NULL;
    NetDev nd;

    if (g_strcmp0(status, "connected") != 0 || !netdev_read(conn, be, &nd, NULL))
        return;
    if (!run_script(conn, be, &nd, "offline", XVM_DOM0_NET_SCRIPT_TIMEOUT_MS, &why))
        g_warning(_("%s offline for %s failed: %s"), nd.script, be, why);
    netdev_clear(&nd);
}

void
xvmDom0NetOfflineDomain(xvmXsConn *conn, guint32 domid, guint32 backend_domid)
{
    g_autofree char *dir = g_strdup_printf("/local/domain/%u/backend/vif/%u", backend_domid,
                                           domid);
    g_auto(GStrv) devs = xs_directory(conn->xs, 0, dir, NULL);

    for (char **d = devs; d && *d; d++) {
        g_autofree char *be = g_strdup_printf("%s/%s", dir, *d);

        xvmDom0NetOffline(conn, be);
    }
}
