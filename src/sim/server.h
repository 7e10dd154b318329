/* xvm-simhv's socket: accepts clients (SOCK_SEQPACKET), reads one
 * request at a time from each without ever blocking on one, and answers
 * through dispatch.c. A client that sends garbage gets an error; one that
 * does not read its replies (the socket is full) is dropped; closing a
 * connection releases what the client bound and mapped. */
#ifndef SIM_SERVER_H
#define SIM_SERVER_H

#include <glib.h>

#include "machine.h"

struct server;

/* Listens on path (a stale socket there is replaced). */
struct server *server_new(struct machine *m, const char *path, GError **err);
void server_free(struct server *s);

#endif
