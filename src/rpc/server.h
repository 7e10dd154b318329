/* The libvirt RPC server: listening sockets, clients, programs and their
 * procedure tables, worker threads, events.
 *
 * Threading: everything runs on the GMainContext the server was created
 * with ("the loop"), except handlers flagged RPC_PROC_SLOW, which run on
 * worker threads (rpc/program.h). Functions here are loop-only unless
 * said otherwise.
 */
#ifndef XVM_RPC_SERVER_H
#define XVM_RPC_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <libvirt/libvirt.h>

#include "program.h"

/* What the hypervisor driver tells the connection procedures. Absent
 * (NULL ops or member): the procedure answers VIR_ERR_NO_SUPPORT, or 0
 * for a feature. */
typedef struct rpc_host_ops {
	/* CONNECT_GET_VERSION: the hypervisor's version as
	 * major * 1000000 + minor * 1000 + micro. Called on a worker
	 * thread: may block; concurrent calls are the provider's concern. */
	bool (*get_version)(void *opaque, uint64_t *version, GError **err);
	/* CONNECT_SUPPORTS_FEATURE for the driver's features (migration:
	 * REMOTE_DRV_FEATURE_MIGRATION_*); the protocol's own are answered
	 * by the server. Called on the loop: must not block. */
	bool (*supports_feature)(void *opaque, int feature);
} rpc_host_ops;

/* A server on ctx (NULL: the default context) with the REMOTE program's
 * connection procedures and the KEEPALIVE program. */
rpc_server *rpc_server_new(GMainContext *ctx);
/* Closes every client and listener, waits for running handlers. */
void rpc_server_free(rpc_server *srv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(rpc_server, rpc_server_free)

/* Before the server serves: workers read it without a lock. */
void rpc_server_set_host(rpc_server *srv, const rpc_host_ops *ops, void *opaque);

/* Relays the procedures of libvirt's secondary drivers (storage,
 * network, node devices, secrets, nwfilters, interfaces) that no table
 * serves to libvirt's daemon on the unix socket path, or to the modular
 * daemon of their kind whose socket is beside it (rpc/relay.h):
 * session says it is a per-user daemon (URIs KIND:///session, else
 * KIND:///system). path NULL: they answer VIR_ERR_NO_SUPPORT. Before the
 * server serves. */
void rpc_server_set_relay(rpc_server *srv, const char *path, bool session);

/* Registers procedures of program prog/vers (created on first use).
 * data is given to their handlers (rpc_request_data()). A procedure number
 * already registered is a programming error: false and a warning. */
bool rpc_server_add_procedures(rpc_server *srv, uint32_t prog, uint32_t vers,
			       const rpc_procedure *procs, size_t n, void *data);

/* Listens on a unix socket at path with the file's mode; clients of a
 * read_only socket get only RPC_PROC_READONLY_OK procedures. A stale
 * socket file is replaced; a live one (another daemon answers) is an
 * error. */
bool rpc_server_listen_unix(rpc_server *srv, const char *path, unsigned int mode,
			    bool read_only, GError **err);

/* Serves an already connected socket (tests, socket activation). */
void rpc_server_add_client_fd(rpc_server *srv, int fd, bool read_only);

unsigned int rpc_server_client_count(rpc_server *srv);

/* Sends a domain event to every callback registered (316) for event_id
 * whose domain filter is absent or equal to uuid: msg is the event's
 * callback _msg struct (remote_domain_event_callback_lifecycle_msg, ...),
 * encoded with filter as a MESSAGE of procedure proc. Its first field is
 * int callbackID, as in every callback event of libvirt's protocol: the
 * server sets it per registration (the value in msg is ignored).
 * Any thread: the message is encoded at once, sent from the loop (before
 * the reply of a call whose handler emits it). false and *err when msg
 * does not encode. */
bool rpc_server_emit_domain_event(rpc_server *srv, int event_id,
				  const unsigned char uuid[VIR_UUID_BUFLEN],
				  int proc, xdrproc_t filter, const void *msg,
				  GError **err);

#endif
