/* The relay: libvirt's secondary drivers (storage pools and volumes,
 * networks, node devices, secrets, nwfilters, host interfaces) are not
 * ours. Their procedures go, message for message, to libvirt's own daemon
 * (libvirtd, or the modular virtstoraged & co.), as libvirt's virtxend
 * does: each client gets upstream connections of its own, one per kind,
 * opened at its first call of that kind with that kind's URI
 * (storage:///system, network:///system, ...; ///session for a per-user
 * daemon) and read-only when the client's connection is. A kind goes to
 * its modular daemon when that daemon's socket (virtstoraged-sock, ...)
 * is beside libvirtd's, as libvirt lays them out.
 *
 * Frames travel unchanged both ways, serial included: an upstream
 * connection carries the calls of one client only, whose serials are
 * unique, and our own calls on it (AUTH_LIST, AUTH_POLKIT, CONNECT_OPEN)
 * are over before the first of the client's is sent. So replies, errors,
 * events (the callback ids are the upstream daemon's) and the STREAM
 * messages of volume upload/download pass through as they are. Keepalive
 * PINGs from upstream are answered here.
 *
 * When no daemon answers, or it refuses the connection, the call fails
 * with VIR_ERR_NO_SUPPORT, as libvirt's clients expect of a driver
 * without that API; a later call tries again. Calls in flight when an
 * upstream connection breaks fail with VIR_ERR_INTERNAL_ERROR.
 *
 * Loop only, like the rest of the client's I/O: upstream sockets are
 * non-blocking sources on the server's context.
 */
#ifndef XVM_RPC_RELAY_H
#define XVM_RPC_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_protocol.h"

typedef struct rpc_client rpc_client;

typedef enum rpc_relay_kind {
	RPC_RELAY_NONE,
	RPC_RELAY_STORAGE,
	RPC_RELAY_NETWORK,
	RPC_RELAY_NODEDEV,
	RPC_RELAY_SECRET,
	RPC_RELAY_NWFILTER,
	RPC_RELAY_INTERFACE,
	RPC_RELAY_KINDS
} rpc_relay_kind;

/* relay_procs.c: the REMOTE procedures that are relayed. */
rpc_relay_kind rpc_relay_kind_of(int proc);
const char *rpc_relay_proc_name(int proc);       /* NULL if not relayed */
bool rpc_relay_proc_is_stream(int proc);
const char *rpc_relay_kind_scheme(rpc_relay_kind kind);

/* relay.c */
typedef struct rpc_relay rpc_relay;

/* A CALL (whole frame) of c to procedure hdr->proc of kind: forwarded; the
 * reply comes later. */
void rpc_relay_call(rpc_client *c, rpc_relay_kind kind, const xvm_net_header *hdr,
		    const uint8_t *frame, size_t len);
/* A STREAM or STREAM_HOLE frame of c: true when it belongs to a relayed
 * stream (then it was forwarded). */
bool rpc_relay_stream_frame(rpc_client *c, const xvm_net_header *hdr,
			    const uint8_t *frame, size_t len);
/* CONNECT_CLOSE: c's upstream connections go; calls still waiting fail. */
void rpc_relay_reset(rpc_client *c);
/* c is closed: its upstream connections go, nothing is sent. */
void rpc_relay_close(rpc_relay *relay);
/* The client's last reference is gone. */
void rpc_relay_free(rpc_relay *relay);
/* More than RPC_CLIENT_OUTPUT_SOFT bytes wait for an upstream daemon:
 * c is not read meanwhile. */
bool rpc_relay_busy(const rpc_client *c);
/* c's output drained below RPC_CLIENT_OUTPUT_SOFT: upstream replies are
 * read again. */
void rpc_relay_client_writable(rpc_client *c);

#endif
