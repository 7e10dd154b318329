/*
 * domain_console.c: a domain's console pty for one client at a time (see
 * domain_console.h).
 *
 * The sessions table maps a pty path to the session holding it. A
 * session is referenced by the table's user (its owner, until
 * xvmConsoleClose) and by a pending revocation; the table is referenced
 * by every session, so that a session closed after the driver is gone
 * still finds it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_console.h"

#include <errno.h>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "xs_conn.h"

#define TTY_POLL_MS 100

struct _xvmConsoles {
    gint refs;                       /* atomic */
    GMutex lock;
    GHashTable *open;                /* pty path -> xvmConsole* (not referenced) */
};

struct _xvmConsole {
    gint refs;                       /* atomic */
    xvmConsoles *table;              /* referenced */
    GMainContext *context;           /* where revoked runs; referenced */
    char *path;
    int fd;
    xvmConsoleRevokedFunc revoked;
    void *opaque;
    gboolean closed;                 /* protected by table->lock */
};

static xvmConsoles *
consoles_ref(xvmConsoles *t)
{
    g_atomic_int_inc(&t->refs);
    return t;
}

static void
consoles_unref(xvmConsoles *t)
{
    if (!g_atomic_int_dec_and_test(&t->refs))
        return;
    g_hash_table_unref(t->open);
    g_mutex_clear(&t->lock);
    g_free(t);
}

xvmConsoles *
xvmConsolesNew(void)
{
    xvmConsoles *t = g_new0(xvmConsoles, 1);

    t->refs = 1;
    g_mutex_init(&t->lock);
    t->open = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return t;
}

void
xvmConsolesFree(xvmConsoles *consoles)
{
    if (consoles)
        consoles_unref(consoles);
}

static void
console_unref(xvmConsole *con)
{
    if (!g_atomic_int_dec_and_test(&con->refs))
        return;
    if (con->fd >= 0)
        close(con->fd);
    consoles_unref(con->table);
    g_main_context_unref(con->context);
    g_free(con->path);
    g_free(con);
}

int
xvmConsoleGetFd(const xvmConsole *con)
{
    return con->fd;
}

const char *
xvmConsoleGetPath(const xvmConsole *con)
{
    return con->path;
}

void
xvmConsoleClose(xvmConsole *con)
{
    xvmConsoles *t;

    if (!con)
        return;
    t = con->table;
    g_mutex_lock(&t->lock);
    con->closed = TRUE;
    if (g_hash_table_lookup(t->open, con->path) == con)
        g_hash_table_remove(t->open, con->path);
    g_mutex_unlock(&t->lock);
    /* The pty goes now, even while a revocation is pending. */
    close(con->fd);
    con->fd = -1;
    console_unref(con);
}

/* On the driver's context: the owner learns that another client took
 * the console, unless it closed it meanwhile (on this same thread). */
static gboolean
revoke_on_context(gpointer data)
{
    xvmConsole *con = data;
    gboolean closed;

    g_mutex_lock(&con->table->lock);
    closed = con->closed;
    g_mutex_unlock(&con->table->lock);
    if (!closed && con->revoked)
        con->revoked(con, con->opaque);
    return G_SOURCE_REMOVE;
}

/* ---- finding and opening the pty -------------------------------------- */

/* The character device libxl serves: the first console, else the first
 * serial port. Its pty's xenstore node, NULL with *error. */
static char *
console_tty_node(const xvmDomainDef *def, int domid, GError **error)
{
    const xvmDomainChrDef *chr = NULL;

    if (def->consoles->len)
        chr = g_ptr_array_index(def->consoles, 0);
    else if (def->serials->len)
        chr = g_ptr_array_index(def->serials, 0);
    if (!chr) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, "%s",
                     _("cannot find character device <null>"));
        return NULL;
    }
    if (chr->type != XVM_DOMAIN_CHR_TYPE_PTY) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, "%s",
                     _("character device is not using a PTY"));
        return NULL;
    }
    /* An HVM guest's serial port (or a console mirroring it) is qemu's. */
    if (chr->device == XVM_DOMAIN_CHR_DEVICE_SERIAL ||
        chr->target_type == XVM_DOMAIN_CHR_CONSOLE_TARGET_SERIAL)
        return g_strdup_printf("/local/domain/%d/serial/%d/tty", domid,
                               chr->port >= 0 ? chr->port : 0);
    return g_strdup_printf("/local/domain/%d/console/tty", domid);
}

/* The pty the console daemon published at node, waiting for it a while. */
static char *
wait_tty(xvmDriver *drv, const char *node, GError **error)
{
    g_autoptr(xvmXsConn) xs = xvmXsConnOpen(drv->cfg.xenstored_path, error);
    gint64 deadline = g_get_monotonic_time() + XVM_CONSOLE_TTY_WAIT_MS * G_TIME_SPAN_MILLISECOND;

    if (!xs)
        return NULL;
    for (;;) {
        g_autoptr(GError) err = NULL;
        g_autofree char *tty = xvmXsRead(xs, node, &err);

        if (err) {
            g_propagate_error(error, g_steal_pointer(&err));
            return NULL;
        }
        if (tty && *tty)
            return g_steal_pointer(&tty);
        if (g_get_monotonic_time() >= deadline)
            break;
        g_usleep(TTY_POLL_MS * 1000);
    }
    xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                 _("the console daemon did not publish the domain's console (%s)"), node);
    return NULL;
}

static int
open_pty(const char *path, GError **error)
{
    struct termios t;
    int fd;

    /* Only a pty: a path in xenstore is not trusted to name anything else. */
    if (!g_str_has_prefix(path, "/dev/pts/") && !g_str_has_prefix(path, "/dev/tty")) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("the domain's console '%s' is not a pty"), path);
        return -1;
    }
    fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED, _("cannot open console %s: %s"), path,
                     g_strerror(errno));
        return -1;
    }
    if (!isatty(fd) || tcgetattr(fd, &t) < 0) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("the domain's console '%s' is not a pty"), path);
        close(fd);
        return -1;
    }
    cfmakeraw(&t);
    if (tcsetattr(fd, TCSADRAIN, &t) < 0) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("cannot set console %s in raw mode: %s"), path, g_strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

xvmConsole *
xvmDomainOpenConsole(xvmDriver *drv, xvmDomainObj *obj, const char *dev_name,
                     unsigned int flags, xvmConsoleRevokedFunc revoked, void *opaque,
                     GError **error)
{
    const unsigned int known = VIR_DOMAIN_CONSOLE_FORCE | VIR_DOMAIN_CONSOLE_SAFE;
    xvmConsoles *t = drv->consoles;
    g_autofree char *node = NULL, *path = NULL;
    xvmConsole *con, *old;
    int fd;

    if (flags & ~known) {
        xvmConfError(error, VIR_ERR_INVALID_ARG,
                     _("unsupported flags (0x%x) in function %s"), flags & ~known,
                     "libxlDomainOpenConsole");
        return NULL;
    }
    if (!xvmDriverCheckActive(obj, error))
        return NULL;
    if (dev_name) {
        xvmConfError(error, VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                     _("Named device aliases are not supported"));
        return NULL;
    }
    if (!(node = console_tty_node(obj->live_def, obj->domid, error)))
        return NULL;

    xvmDomainObjUnlock(obj);
    path = wait_tty(drv, node, error);
    xvmDomainObjLock(obj);
    if (!path)
        return NULL;

    g_mutex_lock(&t->lock);
    old = g_hash_table_lookup(t->open, path);
    if (old && !(flags & VIR_DOMAIN_CONSOLE_FORCE)) {
        g_mutex_unlock(&t->lock);
        xvmConfError(error, VIR_ERR_OPERATION_FAILED, "%s",
                     _("Active console session exists for this domain"));
        return NULL;
    }
    /* Opened under the lock: a concurrent open cannot slip in between. */
    if ((fd = open_pty(path, error)) < 0) {
        g_mutex_unlock(&t->lock);
        return NULL;
    }
    con = g_new0(xvmConsole, 1);
    con->refs = 1;
    con->table = consoles_ref(t);
    con->context = g_main_context_ref(drv->context);
    con->path = g_strdup(path);
    con->fd = fd;
    con->revoked = revoked;
    con->opaque = opaque;
    if (old)
        g_atomic_int_inc(&old->refs);
    g_hash_table_replace(t->open, g_strdup(path), con);
    g_mutex_unlock(&t->lock);
    if (old) {
        /* FORCE: the old session lost the console; its owner learns it
         * on its context, never from inside this call. */
        g_autoptr(GSource) idle = g_idle_source_new();

        g_source_set_callback(idle, revoke_on_context, old, (GDestroyNotify)console_unref);
        g_source_attach(idle, old->context);
    }
    return con;
}
