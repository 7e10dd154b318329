/* From a frame to a reply: program and procedure lookup, permission
 * checks, argument decoding, the handler on the loop or on a worker,
 * reply encoding. Keepalive and stream frames are routed here too.
 *
 * Every frame whose length was sound gets judged here, and a CALL always
 * gets a reply (an error if need be): only frames that are neither CALL,
 * STREAM nor a keepalive MESSAGE are dropped, as libvirtd does.
 */
#include <string.h>
#include <glib/gi18n.h>

#include "error.h"
#include "keepalive_protocol.h"
#include "remote_protocol.h"
#include "rpc_internal.h"

static rpc_program *find_program(rpc_server *srv, uint32_t prog, uint32_t vers)
{
	for (guint i = 0; i < srv->programs->len; i++) {
		rpc_program *p = g_ptr_array_index(srv->programs, i);

		if (p->prog == prog && p->vers == vers)
			return p;
	}
	return NULL;
}

static void reply_error(rpc_client *c, const xvm_net_header *call, const GError *err)
{
	xvm_net_header h = *call;

	h.type = XVM_NET_REPLY;
	rpc_client_send(c, rpc_message_encode_error(&h, err));
}

static void free_call(rpc_request *call)
{
	const rpc_procedure *p = call->entry->proc;

	if (call->args) {
		xdr_free(p->args_filter, call->args);
		g_free(call->args);
	}
	if (call->ret) {
		xdr_free(p->ret_filter, call->ret);
		g_free(call->ret);
	}
	rpc_message_free(call->reply);
	rpc_client_unref(call->client);
	g_free(call);
}

/* Runs the handler and encodes the reply into call->reply. Any thread.
 * false: the handler, on the loop, deferred the call to a worker (no
 * reply, ret zeroed again). */
static bool run_handler(rpc_request *call)
{
	const rpc_procedure *p = call->entry->proc;
	g_autoptr(GError) err = NULL;
	xvm_net_header h = call->hdr;
	bool ok;

	h.type = XVM_NET_REPLY;
	h.status = XVM_NET_OK;
	if (p->ret_filter && !call->ret)
		call->ret = g_malloc0(p->ret_size);
	ok = p->handler(call, call->args, call->ret, &err);
	if (call->deferred) {
		g_assert(call->on_loop && !call->stream);
		if (call->ret) {
			xdr_free(p->ret_filter, call->ret);
			memset(call->ret, 0, p->ret_size);
		}
		return false;
	}
	if (ok) {
		call->reply = rpc_message_encode(&h, p->ret_filter, call->ret, &err);
		call->succeeded = call->reply != NULL;
	}
	else if (!err)
		xvm_error_set(&err, VIR_FROM_RPC, VIR_ERR_INTERNAL_ERROR,
			      _("internal error: %s failed without saying why"), p->api);
	if (!call->reply)
		call->reply = rpc_message_encode_error(&h, err);
	return true;
}

/* On the loop: the stream (if any) joins the client, the reply goes out,
 * the stream starts. */
static void complete_call(rpc_request *call)
{
	rpc_client *c = call->client;
	rpc_stream *s = g_steal_pointer(&call->stream);
	g_autoptr(GError) err = NULL;

	if (s && (!call->succeeded || c->closed || !rpc_stream_attach(s, &err))) {
		if (err) {
			/* No room for the stream: the call fails after all. */
			xvm_net_header h = call->hdr;

			h.type = XVM_NET_REPLY;
			rpc_message_free(call->reply);
			call->reply = rpc_message_encode_error(&h, err);
		}
		rpc_stream_discard(g_steal_pointer(&s));
	}
	rpc_client_send(c, g_steal_pointer(&call->reply));
	/* Sending may have dropped the client, and its streams with it. */
	if (s && !c->closed && s->ops->start)
		s->ops->start(s, s->opaque);
}

static gboolean worker_done(gpointer data)
{
	rpc_request *call = data;
	rpc_client *c = call->client;

	c->calls_running--;
	complete_call(call);
	rpc_client_ref(c);
	free_call(call);
	rpc_client_resume(c);
	rpc_client_unref(c);
	return G_SOURCE_REMOVE;
}

void rpc_dispatch_worker(gpointer data, gpointer user_data)
{
	rpc_request *call = data;
	rpc_server *srv = user_data;

	if (!run_handler(call))
		g_assert_not_reached();   /* only a call on the loop defers */
	rpc_server_run_on_loop(srv, worker_done, call, NULL);
}

static bool check_call(rpc_client *c, const rpc_procedure *p, GError **err)
{
	if ((p->flags & RPC_PROC_NEEDS_CONN) && !c->conn_open) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_INTERNAL_ERROR,
			      _("internal error: hypervisor connection not open"));
		return false;
	}
	if (!(p->flags & RPC_PROC_READONLY_OK) && c->read_only) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_OPERATION_DENIED,
			      _("operation forbidden: read only access prevents %s"),
			      p->api);
		return false;
	}
	return true;
}

static void dispatch_call(rpc_client *c, rpc_program *prog, const xvm_net_header *hdr,
			  const uint8_t *frame, size_t len)
{
	g_autoptr(GError) err = NULL;
	const rpc_entry *e = g_hash_table_lookup(prog->procs, GINT_TO_POINTER(hdr->proc));
	const rpc_procedure *p;
	rpc_request *call;

	if (!e && c->srv->relay_path && prog->prog == REMOTE_PROGRAM &&
	    prog->vers == REMOTE_PROTOCOL_VERSION &&
	    rpc_relay_kind_of(hdr->proc) != RPC_RELAY_NONE) {
		/* A secondary driver's procedure that no table serves. */
		rpc_relay_call(c, rpc_relay_kind_of(hdr->proc), hdr, frame, len);
		return;
	}
	if (!e) {
		/* libvirtd says VIR_ERR_RPC "unknown procedure" and the client
		 * turns that into NO_SUPPORT: say NO_SUPPORT directly. */
		xvm_error_set(&err, VIR_FROM_RPC, VIR_ERR_NO_SUPPORT,
			      _("this function is not supported by the connection driver: procedure %d"),
			      hdr->proc);
		reply_error(c, hdr, err);
		return;
	}
	p = e->proc;
	if (!check_call(c, p, &err)) {
		reply_error(c, hdr, err);
		return;
	}

	call = g_new0(rpc_request, 1);
	call->client = rpc_client_ref(c);
	call->entry = e;
	call->hdr = *hdr;
	call->read_only = c->read_only;
	if (p->args_filter) {
		call->args = g_malloc0(p->args_size);
		if (!rpc_payload_decode(frame, len, p->args_filter, call->args)) {
			xvm_error_set(&err, VIR_FROM_RPC, VIR_ERR_RPC,
				      _("Unable to decode message payload"));
			reply_error(c, hdr, err);
			free_call(call);
			return;
		}
	} else if (len != RPC_FRAME_MIN) {
		xvm_error_set(&err, VIR_FROM_RPC, VIR_ERR_RPC,
			      _("Unable to decode message payload"));
		reply_error(c, hdr, err);
		free_call(call);
		return;
	}

	if (p->flags & RPC_PROC_TRY_LOOP) {
		call->on_loop = true;
		if (run_handler(call)) {
			complete_call(call);
			free_call(call);
			return;
		}
		call->on_loop = false;
		call->deferred = false;
	}
	if (p->flags & RPC_PROC_SLOW) {
		c->calls_running++;
		g_thread_pool_push((p->flags & RPC_PROC_PRIORITY) ?
				   c->srv->priority_workers : c->srv->workers,
				   call, NULL);
		return;
	}
	run_handler(call);
	complete_call(call);
	free_call(call);
}

static void dispatch_keepalive(rpc_client *c, const xvm_net_header *hdr)
{
	xvm_net_header pong = {
		.prog = KEEPALIVE_PROGRAM,
		.vers = KEEPALIVE_PROTOCOL_VERSION,
		.proc = KEEPALIVE_PROC_PONG,
		.type = XVM_NET_MESSAGE,
		.serial = 0,
		.status = XVM_NET_OK,
	};

	/* A PONG (answer to a ping of ours) needs nothing: we never ping. */
	if (hdr->proc == KEEPALIVE_PROC_PING)
		rpc_client_send(c, rpc_message_encode(&pong, NULL, NULL, NULL));
}

bool rpc_dispatch_frame(rpc_client *c, const uint8_t *frame, size_t len)
{
	g_autoptr(GError) err = NULL;
	xvm_net_header hdr;
	rpc_program *prog;

	if (!rpc_header_decode(frame, len, &hdr))
		return false;   /* cannot happen for a frame of >= 28 bytes */

	if (hdr.prog == KEEPALIVE_PROGRAM) {
		if (hdr.vers == KEEPALIVE_PROTOCOL_VERSION && hdr.type == XVM_NET_MESSAGE)
			dispatch_keepalive(c, &hdr);
		return true;
	}
	switch (hdr.type) {
	case XVM_NET_CALL:
		prog = find_program(c->srv, hdr.prog, hdr.vers);
		if (!prog) {
			xvm_error_set(&err, VIR_FROM_RPC, VIR_ERR_RPC,
				      _("Cannot find program %u version %u"),
				      hdr.prog, hdr.vers);
			reply_error(c, &hdr, err);
			return true;
		}
		if (hdr.status != XVM_NET_OK) {
			xvm_error_set(&err, VIR_FROM_RPC, VIR_ERR_RPC,
				      _("Unexpected message status %u"), hdr.status);
			reply_error(c, &hdr, err);
			return true;
		}
		dispatch_call(c, prog, &hdr, frame, len);
		return true;
	case XVM_NET_STREAM:
		if (!rpc_relay_stream_frame(c, &hdr, frame, len))
			rpc_stream_incoming(c, &hdr, frame + RPC_FRAME_MIN, len - RPC_FRAME_MIN);
		return true;
	case XVM_NET_STREAM_HOLE:
		/* Sparse volume streams only: relayed, else dropped. */
		rpc_relay_stream_frame(c, &hdr, frame, len);
		return true;
	case XVM_NET_CALL_WITH_FDS:
		/* We announce no FD_PASSING: a client that sends fds anyway
		 * gets an error, its fds are not read. */
		xvm_error_set(&err, VIR_FROM_RPC, VIR_ERR_RPC,
			      _("file descriptor passing is not supported"));
		reply_error(c, &hdr, err);
		return true;
	default:
		g_debug("rpc: client %d: ignoring a message of type %u", c->fd, hdr.type);
		return true;
	}
}

/* ---- handler accessors (call.h) ---------------------------------------- */

rpc_server *rpc_request_server(rpc_request *call)
{
	return call->client->srv;
}

void *rpc_request_data(rpc_request *call)
{
	return call->entry->data;
}

bool rpc_request_readonly(rpc_request *call)
{
	return call->read_only;
}

bool rpc_request_on_loop(rpc_request *call)
{
	/* Handlers without RPC_PROC_SLOW always run there. */
	return call->on_loop || !(call->entry->proc->flags & RPC_PROC_SLOW);
}

bool rpc_request_defer(rpc_request *call)
{
	g_return_val_if_fail(call->on_loop, false);
	call->deferred = true;
	return false;
}

rpc_client *rpc_request_client(rpc_request *call)
{
	return call->client;
}
