/* Transports: how bytes reach connections.
 *  - the unix socket (privileged clients: tools, libxenstore in dom0);
 *  - memory (tests and fuzzers: bytes in, bytes out, same core);
 *  - domain rings (transport_ring.c, with a platform providing pages
 *    and event channels).
 */
#ifndef XS_TRANSPORT_H
#define XS_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct connection;

/* Listens on path (a stale socket file is replaced). 0, or -1 with errno. */
int socket_listen(struct event_base *base, const char *path);
void socket_shutdown(void);

/* A connection whose output is collected in memory. */
struct connection *mem_conn_new(uint32_t domid, int privileged);
/* Takes the output collected so far (talloc child of the connection,
 * valid until the next call); *len gets its length. */
const char *mem_conn_output(struct connection *conn, size_t *len);
void mem_conn_clear_output(struct connection *conn);

#endif
