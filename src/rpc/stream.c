/* Streams of a client, keyed by their call's serial; see stream.h.
 *
 * Life of a stream: opened by its call's handler (the call holds it, the
 * client does not know it), attached to its client and active just
 * before the call's OK reply is queued, gone when either side finishes or
 * aborts, or when the client goes away. Messages for a serial without a
 * stream (late data after an end) are dropped.
 */
#include <string.h>
#include <glib/gi18n.h>

#include "error.h"
#include "rpc_internal.h"

static void stream_free(rpc_stream *s)
{
	g_hash_table_remove(s->client->streams, GUINT_TO_POINTER(s->serial));
	g_free(s);
}

static xvm_net_header stream_header(const rpc_stream *s, int status)
{
	xvm_net_header h = {
		.prog = s->prog,
		.vers = s->vers,
		.proc = s->proc,
		.type = XVM_NET_STREAM,
		.serial = s->serial,
		.status = status,
	};
	return h;
}

rpc_stream *rpc_request_open_stream(rpc_request *call, const rpc_stream_ops *ops,
				    void *opaque, GError **err)
{
	rpc_stream *s;

	if (call->stream) {
		xvm_error_set(err, VIR_FROM_STREAMS, VIR_ERR_INTERNAL_ERROR,
			      _("internal error: a call opens one stream"));
		return NULL;
	}
	s = g_new0(rpc_stream, 1);
	s->client = call->client;
	s->prog = call->hdr.prog;
	s->vers = call->hdr.vers;
	s->proc = call->hdr.proc;
	s->serial = call->hdr.serial;
	s->ops = ops;
	s->opaque = opaque;
	call->stream = s;
	return s;
}

bool rpc_stream_attach(rpc_stream *s, GError **err)
{
	rpc_client *c = s->client;

	if (g_hash_table_contains(c->streams, GUINT_TO_POINTER(s->serial))) {
		xvm_error_set(err, VIR_FROM_STREAMS, VIR_ERR_RPC,
			      _("a stream with serial %u is already open"), s->serial);
		return false;
	}
	if (g_hash_table_size(c->streams) >= RPC_CLIENT_MAX_STREAMS) {
		xvm_error_set(err, VIR_FROM_STREAMS, VIR_ERR_OPERATION_FAILED,
			      _("operation failed: too many streams (%u) on this connection"),
			      RPC_CLIENT_MAX_STREAMS);
		return false;
	}
	g_hash_table_insert(c->streams, GUINT_TO_POINTER(s->serial), s);
	s->active = true;
	return true;
}

void rpc_stream_discard(rpc_stream *s)
{
	g_assert(!s->active);
	s->ops->abort(s, s->opaque);
	g_free(s);
}

void rpc_stream_incoming(rpc_client *c, const xvm_net_header *hdr,
			 const uint8_t *data, size_t len)
{
	rpc_stream *s = g_hash_table_lookup(c->streams, GUINT_TO_POINTER(hdr->serial));
	xvm_net_header h;

	if (!s || s->proc != hdr->proc || s->prog != hdr->prog) {
		g_debug("rpc: client %d: stream message for no stream (serial %u)",
			c->fd, hdr->serial);
		return;
	}
	switch (hdr->status) {
	case XVM_NET_CONTINUE:
		s->ops->data(s, data, len, s->opaque);
		return;
	case XVM_NET_OK:
		h = stream_header(s, XVM_NET_OK);
		s->ops->finish(s, s->opaque);
		stream_free(s);
		rpc_client_send(c, rpc_message_encode(&h, NULL, NULL, NULL));
		return;
	default: {
		/* The client aborts; as libvirtd, answer with an error. */
		g_autoptr(GError) err = NULL;

		h = stream_header(s, XVM_NET_ERROR);
		s->ops->abort(s, s->opaque);
		stream_free(s);
		xvm_error_set(&err, VIR_FROM_STREAMS, VIR_ERR_RPC,
			      _("stream aborted at client request"));
		rpc_client_send(c, rpc_message_encode_error(&h, err));
		return;
	}
	}
}

bool rpc_stream_send(rpc_stream *s, const void *buf, size_t len)
{
	rpc_client *c = s->client;
	const uint8_t *p = buf;
	xvm_net_header h = stream_header(s, XVM_NET_CONTINUE);

	g_return_val_if_fail(s->active, false);
	if (c->out_bytes + len > RPC_CLIENT_OUTPUT_MAX) {
		s->want_writable = true;
		return false;
	}
	while (len) {
		size_t n = MIN(len, (size_t)RPC_STREAM_CHUNK);

		if (!rpc_client_send(c, rpc_message_encode_raw(&h, p, n)))
			break;
		p += n;
		len -= n;
	}
	return true;
}

void rpc_stream_send_eof(rpc_stream *s)
{
	xvm_net_header h = stream_header(s, XVM_NET_CONTINUE);

	g_return_if_fail(s->active);
	rpc_client_send(s->client, rpc_message_encode_raw(&h, "", 0));
}

void rpc_stream_finish(rpc_stream *s)
{
	rpc_client *c = s->client;
	xvm_net_header h = stream_header(s, XVM_NET_OK);

	g_return_if_fail(s->active);
	stream_free(s);
	rpc_client_send(c, rpc_message_encode(&h, NULL, NULL, NULL));
}

void rpc_stream_abort(rpc_stream *s, const GError *err)
{
	rpc_client *c = s->client;
	xvm_net_header h = stream_header(s, XVM_NET_ERROR);

	g_return_if_fail(s->active);
	stream_free(s);
	rpc_client_send(c, rpc_message_encode_error(&h, err));
}

void rpc_stream_abort_all(rpc_client *c)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, c->streams);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		rpc_stream *s = v;

		g_hash_table_iter_remove(&it);
		s->ops->abort(s, s->opaque);
		g_free(s);
	}
}

void rpc_stream_notify_writable(rpc_client *c)
{
	g_autoptr(GPtrArray) want = g_ptr_array_new();
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, c->streams);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		rpc_stream *s = v;

		if (s->want_writable && s->active) {
			s->want_writable = false;
			if (s->ops->writable)
				g_ptr_array_add(want, GUINT_TO_POINTER(s->serial));
		}
	}
	/* Callbacks may end streams: look each one up again. */
	for (guint i = 0; i < want->len && !c->closed; i++) {
		rpc_stream *s = g_hash_table_lookup(c->streams, want->pdata[i]);

		if (s)
			s->ops->writable(s, s->opaque);
	}
}
