/*
 * xs_conn.h: the driver's xenstore connections, and the writes a domain
 * operation makes: a list of xvmXsEntry (domain_xs_layout.h) in one
 * transaction, a set of trees removed in one transaction.
 *
 * A connection belongs to one operation on one thread: it runs on a
 * private GMainContext, which only that thread iterates (while it waits
 * for watches: domain_backends.h), so operations on different threads
 * never share a client (xs_client.h's clients are not thread-safe) and
 * never depend on the daemon's main loop. Opening one is a connect() on
 * xenstored's unix socket, as each libxl context opens its own.
 *
 * Errors: XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR with xenstore's error
 * and the path.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "xvm/xs_client.h"

G_BEGIN_DECLS

/* How many times a transaction that conflicts (EAGAIN) is tried. */
#define XVM_XS_TRANSACTION_TRIES 32

typedef struct {
    GMainContext *context;   /* private to the owning thread */
    xs_client_t *xs;
    char *path;              /* xenstored's socket, as opened */
} xvmXsConn;

xvmXsConn *xvmXsConnOpen(const char *xenstored_path, GError **error);
void xvmXsConnClose(xvmXsConn *conn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmXsConn, xvmXsConnClose)

/* Writes every entry (parents before children: the layout's order) and
 * sets the permissions of those that have some, in one transaction,
 * started over when it conflicts. The requests are sent together and
 * their replies awaited together (xenstored answers in order): three
 * round trips to xenstored whatever the number of entries. */
gboolean xvmXsWriteEntries(xvmXsConn *conn, const GPtrArray *entries, GError **error);

/* Removes each of the n trees (absent ones are fine) in one transaction. */
gboolean xvmXsRemoveTrees(xvmXsConn *conn, const char *const *paths, gsize n,
                          GError **error);

/* One node's value, NULL when absent (or on error: *error set then). */
char *xvmXsRead(xvmXsConn *conn, const char *path, GError **error);
/* xvmXsRead of DIR/KEY. */
char *xvmXsReadKey(xvmXsConn *conn, const char *dir, const char *key, GError **error);
gboolean xvmXsWrite(xvmXsConn *conn, const char *path, const char *value,
                    GError **error);

G_END_DECLS
