/* Procedure tables: how a procedure plugs into the RPC server.
 *
 * A program (REMOTE, KEEPALIVE, ...) is a prog/vers pair and the
 * procedures registered for it. Components register static tables:
 *
 *   static const rpc_procedure domain_procs[] = {
 *       { REMOTE_PROC_DOMAIN_GET_INFO, "virDomainGetInfo",
 *         RPC_XDR(remote_domain_get_info_args), RPC_XDR(remote_domain_get_info_ret),
 *         domain_get_info, RPC_PROC_READONLY_OK | RPC_PROC_NEEDS_CONN },
 *       ...
 *   };
 *   rpc_server_add_procedures(srv, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
 *                             domain_procs, G_N_ELEMENTS(domain_procs), drv);
 *
 * The dispatcher decodes the call's payload into a zeroed args struct,
 * checks the flags, runs the handler with a zeroed ret struct, encodes ret
 * (or the handler's error) into the reply and frees both with xdr_free().
 * Handlers fill ret with memory xdr_free() can release (g_malloc'd
 * strings and arrays).
 *
 * Errors the dispatcher gives on its own, as libvirtd does:
 *   unknown program or version       VIR_ERR_RPC "Cannot find program ..."
 *   procedure not in the table       VIR_ERR_NO_SUPPORT
 *   payload that does not decode     VIR_ERR_RPC "Unable to decode message payload"
 *   NEEDS_CONN before CONNECT_OPEN   VIR_ERR_INTERNAL_ERROR "hypervisor connection not open"
 *   not READONLY_OK, read-only client  VIR_ERR_OPERATION_DENIED
 */
#ifndef XVM_RPC_PROGRAM_H
#define XVM_RPC_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>
#include <rpc/rpc.h>

typedef struct rpc_server rpc_server;
typedef struct rpc_client rpc_client;
typedef struct rpc_request rpc_request;

enum rpc_procedure_flags {
	/* Allowed on a read-only connection (the -ro socket, VIR_CONNECT_RO). */
	RPC_PROC_READONLY_OK = 1u << 0,
	/* Only after a successful CONNECT_OPEN. */
	RPC_PROC_NEEDS_CONN  = 1u << 1,
	/* May block (hypercalls, xenstore round trips, files): runs on a
	 * worker thread, never on the main loop. */
	RPC_PROC_SLOW        = 1u << 2,
	/* With RPC_PROC_SLOW: runs on the priority workers, so it never
	 * waits behind other slow calls (destroy, lookups). */
	RPC_PROC_PRIORITY    = 1u << 3,
	/* With RPC_PROC_SLOW: first tried on the main loop, at once, where
	 * the handler must not block (rpc_request_on_loop() says so). When
	 * it cannot answer without waiting (a lock another thread holds, a
	 * hypercall, a xenstore read) it returns rpc_request_defer(call)
	 * before changing anything, and the call runs again from the start
	 * on a worker. For the queries that usually answer from memory: they
	 * then cost no thread hand-off. */
	RPC_PROC_TRY_LOOP    = 1u << 4,
};

/* Runs one call. args: the decoded arguments (NULL when the procedure
 * has none); ret: zeroed, to fill (NULL when it returns nothing). Returns
 * false with *err set on failure: the client gets the error instead of
 * ret. A handler without RPC_PROC_SLOW runs on the main loop and must not
 * block; one with RPC_PROC_SLOW runs on a worker thread and may only use
 * the thread-safe accessors of rpc_request (rpc/request.h); one with
 * RPC_PROC_TRY_LOOP as well runs on the loop first (see there). */
typedef bool (*rpc_handler)(rpc_request *call, void *args, void *ret, GError **err);

typedef struct rpc_procedure {
	int proc;
	const char *api;            /* libvirt's API name, for messages */
	xdrproc_t args_filter;      /* NULL: no arguments */
	size_t args_size;
	xdrproc_t ret_filter;       /* NULL: empty reply */
	size_t ret_size;
	rpc_handler handler;
	unsigned int flags;         /* enum rpc_procedure_flags */
} rpc_procedure;

/* The filter and size of an XDR type, for a table entry. */
#define RPC_XDR(type) (xdrproc_t)xdr_##type, sizeof(type)
#define RPC_XDR_NONE  NULL, 0

#endif
