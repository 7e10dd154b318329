/* What a handler knows about the call it runs (rpc/program.h). */
#ifndef XVM_RPC_REQUEST_H
#define XVM_RPC_REQUEST_H

#include <stdbool.h>
#include <glib.h>

#include "program.h"

typedef struct rpc_stream rpc_stream;
typedef struct rpc_stream_ops rpc_stream_ops;

/* Thread-safe: usable from slow handlers. */
rpc_server *rpc_request_server(rpc_request *call);
void *rpc_request_data(rpc_request *call);         /* given with the table */
bool rpc_request_readonly(rpc_request *call);      /* the connection is read-only */
/* The handler runs on the main loop: it must not block (handlers without
 * RPC_PROC_SLOW, and the first try of RPC_PROC_TRY_LOOP ones). */
bool rpc_request_on_loop(rpc_request *call);
/* For an RPC_PROC_TRY_LOOP handler on the loop that cannot answer
 * without blocking: returns false, for the handler to return at once,
 * having changed nothing. The call runs again from the start on a
 * worker, with ret zeroed again; an error set meanwhile is dropped. */
bool rpc_request_defer(rpc_request *call);

/* Loop only (handlers without RPC_PROC_SLOW). */
rpc_client *rpc_request_client(rpc_request *call);

/* The call becomes a stream (console, ...): once its OK reply is queued,
 * STREAM messages with the call's procedure and serial flow both ways and
 * ops->start runs (rpc/stream.h). If the handler fails, or the client
 * already has RPC_CLIENT_MAX_STREAMS streams or one with this serial (the
 * call then fails with that error), ops->abort runs instead, on the loop.
 * At most one per call. Thread-safe. */
rpc_stream *rpc_request_open_stream(rpc_request *call, const rpc_stream_ops *ops,
				    void *opaque, GError **err);

/* Per-connection data of the driver, freed with destroy when the client
 * goes away. Loop only. */
void rpc_client_set_data(rpc_client *client, void *data, GDestroyNotify destroy);
void *rpc_client_get_data(rpc_client *client);

#endif
