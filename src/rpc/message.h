/* One libvirt RPC message: framing (length word + header) and XDR
 * encoding of its payload.
 *
 * A frame on the socket is a 4-byte big-endian length that counts itself,
 * then the 24-byte header (xvm_net_header), then the payload. A length
 * below 28 or above XVM_NET_MESSAGE_MAX + 4 means the stream of frames is
 * lost: the peer is dropped. Everything else in a frame is judged by the
 * dispatcher, which can answer it.
 */
#ifndef XVM_RPC_MESSAGE_H
#define XVM_RPC_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "net_protocol.h"

#define RPC_LEN_SIZE     XVM_NET_MESSAGE_LEN_MAX          /* 4 */
#define RPC_HEADER_SIZE  XVM_NET_MESSAGE_HEADER_MAX       /* 24 */
#define RPC_FRAME_MIN    (RPC_LEN_SIZE + RPC_HEADER_SIZE)
#define RPC_FRAME_MAX    (RPC_LEN_SIZE + XVM_NET_MESSAGE_MAX)

/* Stream data travels in pieces of at most this many bytes (libvirt's
 * legacy payload size, which every client accepts). */
#define RPC_STREAM_CHUNK 262120

/* The frame length announced by a length word; false (and *err) when it
 * is out of bounds. */
bool rpc_frame_length(const uint8_t word[RPC_LEN_SIZE], uint32_t *total, GError **err);

/* Decodes the header of a whole frame (length word included). */
bool rpc_header_decode(const uint8_t *frame, size_t len, xvm_net_header *hdr);

/* Decodes a frame's payload into *out with filter (out zeroed first; free
 * with xdr_free(filter, out) even after a failure). The payload must be
 * consumed exactly. */
bool rpc_payload_decode(const uint8_t *frame, size_t len, xdrproc_t filter, void *out);

/* An encoded frame, ready to be written. */
typedef struct rpc_message {
	uint8_t *data;
	size_t len;
	size_t sent;            /* bytes already written to the socket */
} rpc_message;

/* Frames hdr + filter(payload) (filter NULL: no payload). NULL and *err
 * when the payload does not fit XVM_NET_MESSAGE_MAX. */
rpc_message *rpc_message_encode(const xvm_net_header *hdr, xdrproc_t filter,
				const void *payload, GError **err);
/* Frames hdr + raw bytes (stream data). len <= RPC_STREAM_CHUNK. */
rpc_message *rpc_message_encode_raw(const xvm_net_header *hdr, const void *data,
				    size_t len);
/* Frames hdr (status ERROR) + err as libvirt's error struct. */
rpc_message *rpc_message_encode_error(const xvm_net_header *hdr, const GError *err);

void rpc_message_free(rpc_message *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(rpc_message, rpc_message_free)

#endif
