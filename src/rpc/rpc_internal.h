/* The server's objects, shared by the files of src/rpc only. */
#ifndef XVM_RPC_INTERNAL_H
#define XVM_RPC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "request.h"
#include "message.h"
#include "net_protocol.h"
#include "relay.h"
#include "server.h"
#include "stream.h"

/* Clients at once (libvirt's max_clients default); more are refused. */
#define RPC_MAX_CLIENTS        5000
/* Clients watched by a GLib source of their own; the others share one
 * epoll set (client_set.c). */
#define RPC_CLIENT_DIRECT_MAX  16
/* How long listening stops when accept() runs out of descriptors. */
#define RPC_ACCEPT_PAUSE_MS    200

/* Output bytes queued for a client above which the server stops reading
 * its calls until the client has read its replies. */
#define RPC_CLIENT_OUTPUT_SOFT (4u << 20)
/* Above this, events and stream data are refused rather than queued: a
 * client that does not read cannot make the daemon grow without bound. An
 * event that does not fit closes that client. */
#define RPC_CLIENT_OUTPUT_MAX  (64u << 20)
/* Calls of one client running at once on workers; more are read later. */
#define RPC_CLIENT_MAX_CALLS   16
/* Domain event registrations per client. */
#define RPC_CLIENT_MAX_EVENTS  1024
/* Streams per client. */
#define RPC_CLIENT_MAX_STREAMS 64

typedef struct rpc_entry {
	const rpc_procedure *proc;
	void *data;
} rpc_entry;

typedef struct rpc_program {
	uint32_t prog, vers;
	GHashTable *procs;          /* proc number -> rpc_entry */
} rpc_program;

typedef struct rpc_listener {
	rpc_server *srv;
	int fd;
	char *path;
	bool read_only;
	GSource *source;            /* the socket's, or the pause's timeout */
} rpc_listener;

struct rpc_server {
	GMainContext *ctx;
	GPtrArray *programs;        /* rpc_program* */
	GPtrArray *listeners;       /* rpc_listener* */
	GHashTable *clients;        /* set of rpc_client* */
	unsigned int n_direct;      /* clients with a source of their own */
	GSource *set_source;        /* the other clients' epoll set, or NULL */
	int set_fd;                 /* its epoll fd while set_source */
	GThreadPool *workers;
	GThreadPool *priority_workers;
	int next_callback_id;       /* event callback ids: daemon-wide */
	const rpc_host_ops *host;
	void *host_opaque;
	char *relay_path;           /* libvirt's daemon, or NULL: no relay */
	bool relay_session;         /* it is a per-user daemon */
};

typedef struct rpc_event_cb {
	int callback_id;
	int event_id;
	bool has_uuid;
	unsigned char uuid[VIR_UUID_BUFLEN];
} rpc_event_cb;

struct rpc_client {
	gint ref;
	rpc_server *srv;
	int fd;
	GSource *source;            /* own source, or NULL when in_set */
	gpointer fd_tag;
	bool in_set;                /* watched by the server's epoll set */
	GIOCondition io_cond;       /* what fd is watched for */
	bool closed;
	bool socket_read_only;      /* accepted on the -ro socket */
	bool read_only;             /* the connection: socket or VIR_CONNECT_RO */
	bool conn_open;             /* CONNECT_OPEN succeeded */
	bool close_cb_registered;
	bool processing;            /* inside process_input(): no recursion */
	bool read_eof;              /* the peer sent all it will */

	GByteArray *in;             /* bytes read, not yet a whole frame */
	GQueue out;                 /* rpc_message*, head being written */
	size_t out_bytes;
	unsigned int calls_running; /* on workers */

	GHashTable *streams;        /* serial -> rpc_stream* */
	GArray *event_cbs;          /* rpc_event_cb */
	rpc_relay *relay;           /* upstream connections, NULL until used */

	void *data;
	GDestroyNotify data_free;
};

struct rpc_request {
	rpc_client *client;         /* a reference */
	const rpc_entry *entry;
	xvm_net_header hdr;
	bool read_only;
	bool on_loop;               /* the handler runs on the loop */
	bool deferred;              /* ... and asked for a worker */
	void *args;
	void *ret;
	rpc_stream *stream;         /* opened by the handler */
	rpc_message *reply;         /* encoded by whoever ran the handler */
	bool succeeded;             /* reply is the OK reply */
};

struct rpc_stream {
	rpc_client *client;         /* not a reference: the client owns it */
	uint32_t prog, vers;
	int proc;
	uint32_t serial;
	bool active;                /* attached: the client's, the loop's */
	bool want_writable;         /* a send was refused */
	const rpc_stream_ops *ops;
	void *opaque;
};

/* client.c */
rpc_client *rpc_client_new(rpc_server *srv, int fd, bool read_only);
rpc_client *rpc_client_ref(rpc_client *c);
void rpc_client_unref(rpc_client *c);
/* Drops the client: socket closed, streams aborted, events dropped. */
void rpc_client_close(rpc_client *c);
/* Queues a message (owned from now); false when c is closed. */
bool rpc_client_send(rpc_client *c, rpc_message *m);
/* Reads frames again if the pause conditions cleared. */
void rpc_client_resume(rpc_client *c);
/* On the loop: fd is ready for cond (flushes, reads, dispatches). */
void rpc_client_handle_io(rpc_client *c, GIOCondition cond);

/* client_set.c: the epoll set (see there). add: false when the client
 * must have a source of its own instead (no epoll: logged). */
bool rpc_client_set_add(rpc_client *c);
void rpc_client_set_modify(rpc_client *c);
void rpc_client_set_remove(rpc_client *c);
void rpc_client_set_free(rpc_server *srv);

/* dispatch.c: one whole frame of c (length word included). false: the
 * client must be dropped. */
bool rpc_dispatch_frame(rpc_client *c, const uint8_t *frame, size_t len);
/* Worker thread entry (GThreadPool func). */
void rpc_dispatch_worker(gpointer call, gpointer srv);

/* Runs func(data) on the server's loop: at once when the calling thread
 * owns the context, else from an idle source attached to it (never in the
 * calling thread, even when nobody owns the context: a worker finishing
 * while the server shuts down must not run loop code concurrently with
 * rpc_server_free, which runs the context once the workers are done).
 * destroy(data), if set, afterwards. */
void rpc_server_run_on_loop(rpc_server *srv, GSourceFunc func, gpointer data,
			    GDestroyNotify destroy);

/* stream.c */
void rpc_stream_incoming(rpc_client *c, const xvm_net_header *hdr,
			 const uint8_t *data, size_t len);
/* On the loop, before the call's OK reply is queued: the stream joins
 * its client, active. false and *err when the client has no room for it
 * or a stream with its serial. */
bool rpc_stream_attach(rpc_stream *s, GError **err);
/* The stream of a call that failed (or whose client is gone): aborted. */
void rpc_stream_discard(rpc_stream *s);
/* The client goes away: abort all. */
void rpc_stream_abort_all(rpc_client *c);
/* Output drained: tell streams that wanted room. */
void rpc_stream_notify_writable(rpc_client *c);

/* remote_connect.c */
void rpc_remote_connect_register(rpc_server *srv);

#endif
