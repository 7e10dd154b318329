/*
 * xs_conn.c: the driver's xenstore connections (see xs_conn.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xs_conn.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#include "domain_conf.h"
#include "domain_xs_layout.h"

xvmXsConn *
xvmXsConnOpen(const char *xenstored_path, GError **error)
{
    g_autoptr(GError) err = NULL;
    xvmXsConn *conn = g_new0(xvmXsConn, 1);

    conn->context = g_main_context_new();
    conn->path = g_strdup(xenstored_path);
    if (!(conn->xs = xs_client_open_socket(xenstored_path, conn->context, &err))) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                     _("cannot connect to xenstored at %s: %s"), xenstored_path,
                     err->message);
        xvmXsConnClose(conn);
        return NULL;
    }
    return conn;
}

void
xvmXsConnClose(xvmXsConn *conn)
{
    if (!conn)
        return;
    g_clear_pointer(&conn->xs, xs_client_free);
    /* Sources the client left (deferred deliveries) go with the context. */
    g_main_context_unref(conn->context);
    g_free(conn->path);
    g_free(conn);
}

static void
xs_failed(GError **error, GError *err)
{
    xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("xenstore: %s"), err->message);
}

/* Runs body(conn, tx, data) in a transaction, again while the commit
 * conflicts. */
static gboolean
in_transaction(xvmXsConn *conn,
               gboolean (*body)(xvmXsConn *conn, uint32_t tx, gconstpointer data,
                                GError **err),
               gconstpointer data, GError **error)
{
    for (guint try = 0; try < XVM_XS_TRANSACTION_TRIES; try++) {
        g_autoptr(GError) err = NULL;
        uint32_t tx;

        if (!xs_transaction_start(conn->xs, &tx, &err)) {
            xs_failed(error, err);
            return FALSE;
        }
        if (!body(conn, tx, data, &err)) {
            xs_transaction_end(conn->xs, tx, FALSE, NULL);
            xs_failed(error, err);
            return FALSE;
        }
        if (xs_transaction_end(conn->xs, tx, TRUE, &err))
            return TRUE;
        if (!g_error_matches(err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
            xs_failed(error, err);
            return FALSE;
        }
    }
    xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                 _("xenstore: a transaction conflicted %d times in a row"),
                 XVM_XS_TRANSACTION_TRIES);
    return FALSE;
}

/* The writes of one batch in flight: how many replies are still to come,
 * the first failure. */
typedef struct {
    guint pending;
    int err;
    const char *err_path;     /* the entry's path, alive while the batch is */
    gboolean err_perms;
} Batch;

typedef struct {
    Batch *batch;
    const char *path;
    gboolean perms;
} BatchReply;

static void
on_batch_reply(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
    BatchReply *r = data;

    if (err && !r->batch->err) {
        r->batch->err = err;
        r->batch->err_path = r->path;
        r->batch->err_perms = r->perms;
    }
    r->batch->pending--;
}

/* Sends every write and permission change at once and then waits for
 * their replies: xenstored answers requests of a connection in order, so
 * the result is the sequential one's, in one round trip instead of one
 * per request (each costs two context switches in dom0). */
static gboolean
write_entries(xvmXsConn *conn, uint32_t tx, gconstpointer data, GError **err)
{
    const GPtrArray *entries = data;
    g_autofree BatchReply *replies = g_new0(BatchReply, entries->len * 2);
    Batch batch = { 0 };
    guint n = 0;

    for (guint i = 0; i < entries->len; i++) {
        const xvmXsEntry *e = g_ptr_array_index((GPtrArray *)entries, i);

        replies[n] = (BatchReply){ &batch, e->path, FALSE };
        batch.pending++;
        xs_write_async(conn->xs, tx, e->path, e->value, strlen(e->value), on_batch_reply,
                       &replies[n++]);
        if (e->perms) {
            g_auto(GStrv) perms = g_strsplit(e->perms, " ", -1);

            replies[n] = (BatchReply){ &batch, e->path, TRUE };
            batch.pending++;
            xs_set_perms_async(conn->xs, tx, e->path, (const char *const *)perms,
                               g_strv_length(perms), on_batch_reply, &replies[n++]);
        }
    }
    /* Every request gets its reply, or EIO when the connection fails. */
    while (batch.pending)
        g_main_context_iteration(conn->context, TRUE);
    if (!batch.err)
        return TRUE;
    g_set_error(err, G_IO_ERROR, g_io_error_from_errno(batch.err),
                batch.err_perms ? _("Cannot set permissions of xenstore path '%s': %s")
                                : _("Cannot write xenstore path '%s': %s"),
                batch.err_path, g_strerror(batch.err));
    return FALSE;
}

gboolean
xvmXsWriteEntries(xvmXsConn *conn, const GPtrArray *entries, GError **error)
{
    return in_transaction(conn, write_entries, entries, error);
}

typedef struct {
    const char *const *paths;
    gsize n;
} Trees;

static gboolean
remove_trees(xvmXsConn *conn, uint32_t tx, gconstpointer data, GError **err)
{
    const Trees *t = data;

    for (gsize i = 0; i < t->n; i++) {
        g_autoptr(GError) e = NULL;

        if (!xs_rm(conn->xs, tx, t->paths[i], &e) &&
            !g_error_matches(e, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)) {
            g_propagate_error(err, g_steal_pointer(&e));
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
xvmXsRemoveTrees(xvmXsConn *conn, const char *const *paths, gsize n, GError **error)
{
    Trees t = { paths, n };

    return in_transaction(conn, remove_trees, &t, error);
}

char *
xvmXsRead(xvmXsConn *conn, const char *path, GError **error)
{
    g_autoptr(GError) err = NULL;
    char *value = xs_read(conn->xs, 0, path, NULL, &err);

    if (!value && !g_error_matches(err, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        xs_failed(error, err);
    return value;
}

char *
xvmXsReadKey(xvmXsConn *conn, const char *dir, const char *key, GError **error)
{
    g_autofree char *path = g_strdup_printf("%s/%s", dir, key);

    return xvmXsRead(conn, path, error);
}

gboolean
xvmXsWrite(xvmXsConn *conn, const char *path, const char *value, GError **error)
{
    g_autoptr(GError) err = NULL;

    if (xs_write(conn->xs, 0, path, value, &err))
        return TRUE;
    xs_failed(error, err);
    return FALSE;
}
