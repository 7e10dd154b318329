/* One libvirt RPC message; see message.h. */
#include <arpa/inet.h>
#include <string.h>
#include <glib/gi18n.h>

#include "error.h"
#include "message.h"

bool rpc_frame_length(const uint8_t word[RPC_LEN_SIZE], uint32_t *total, GError **err)
{
	uint32_t len;

	memcpy(&len, word, sizeof(len));
	len = ntohl(len);
	if (len < RPC_FRAME_MIN || len > RPC_FRAME_MAX) {
		if (len < RPC_FRAME_MIN)
			xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_RPC,
				      _("packet %u bytes received from client too small"), len);
		else
			xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_RPC,
				      _("packet %u bytes received from client too large"), len);
		return false;
	}
	*total = len;
	return true;
}

bool rpc_header_decode(const uint8_t *frame, size_t len, xvm_net_header *hdr)
{
	XDR xdr;
	bool ok;

	if (len < RPC_FRAME_MIN)
		return false;
	xdrmem_create(&xdr, (char *)frame + RPC_LEN_SIZE, RPC_HEADER_SIZE, XDR_DECODE);
	ok = xdr_xvm_net_header(&xdr, hdr);
	xdr_destroy(&xdr);
	return ok;
}

bool rpc_payload_decode(const uint8_t *frame, size_t len, xdrproc_t filter, void *out)
{
	size_t off = RPC_FRAME_MIN;
	XDR xdr;
	bool ok;

	if (len < off)
		return false;
	xdrmem_create(&xdr, (char *)frame + off, len - off, XDR_DECODE);
	ok = filter(&xdr, out, 0) && xdr_getpos(&xdr) == len - off;
	xdr_destroy(&xdr);
	return ok;
}

static void put_length(rpc_message *m)
{
	uint32_t be = htonl((uint32_t)m->len);

	memcpy(m->data, &be, sizeof(be));
}

/* Encodes header and payload into a buffer of cap bytes; false when they
 * do not fit. */
static bool encode_into(rpc_message *m, size_t cap, const xvm_net_header *hdr,
			xdrproc_t filter, const void *payload)
{
	XDR xdr;
	bool ok;

	m->data = g_realloc(m->data, cap);
	xdrmem_create(&xdr, (char *)m->data + RPC_LEN_SIZE, cap - RPC_LEN_SIZE, XDR_ENCODE);
	ok = xdr_xvm_net_header(&xdr, (xvm_net_header *)hdr) &&
	     (!filter || filter(&xdr, (void *)payload, 0));
	if (ok)
		m->len = RPC_LEN_SIZE + xdr_getpos(&xdr);
	xdr_destroy(&xdr);
	return ok;
}

rpc_message *rpc_message_encode(const xvm_net_header *hdr, xdrproc_t filter,
				const void *payload, GError **err)
{
	g_autoptr(rpc_message) m = g_new0(rpc_message, 1);
	size_t cap = RPC_LEN_SIZE + XVM_NET_MESSAGE_INITIAL;

	/* As libvirt: start small, grow 4x up to the maximum. */
	while (!encode_into(m, cap, hdr, filter, payload)) {
		if (cap >= RPC_FRAME_MAX) {
			xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_RPC,
				      _("Unable to encode message payload"));
			return NULL;
		}
		cap = MIN((cap - RPC_LEN_SIZE) * 4 + RPC_LEN_SIZE, (size_t)RPC_FRAME_MAX);
	}
	/* Queued messages keep their buffer: only what they hold. */
	m->data = g_realloc(m->data, m->len);
	put_length(m);
	return g_steal_pointer(&m);
}

rpc_message *rpc_message_encode_raw(const xvm_net_header *hdr, const void *data,
				    size_t len)
{
	rpc_message *m = g_new0(rpc_message, 1);

	g_assert(len <= RPC_STREAM_CHUNK);
	if (!encode_into(m, RPC_FRAME_MIN + len, hdr, NULL, NULL))
		g_assert_not_reached();   /* a header always fits 24 bytes */
	/* An empty stream message (end of data) may come without a buffer. */
	if (len)
		memcpy(m->data + RPC_FRAME_MIN, data, len);
	m->len = RPC_FRAME_MIN + len;
	put_length(m);
	return m;
}

rpc_message *rpc_message_encode_error(const xvm_net_header *hdr, const GError *err)
{
	xvm_net_header h = *hdr;
	xvm_net_error wire;
	g_autoptr(GError) enc_err = NULL;
	rpc_message *m;

	h.status = XVM_NET_ERROR;
	xvm_error_to_wire(err, &wire);
	m = rpc_message_encode(&h, (xdrproc_t)xdr_xvm_net_error, &wire, &enc_err);
	if (!m) {
		/* Only a message near 32 MiB gets here: say so briefly. */
		xvm_error_clear_wire(&wire);
		xvm_error_to_wire(enc_err, &wire);
		m = rpc_message_encode(&h, (xdrproc_t)xdr_xvm_net_error, &wire, NULL);
	}
	xvm_error_clear_wire(&wire);
	return m;
}

void rpc_message_free(rpc_message *m)
{
	if (!m)
		return;
	g_free(m->data);
	g_free(m);
}
