/* Streams: the data channel of a call (console, save images).
 *
 * After the call's OK reply both sides send STREAM messages with the
 * call's procedure and serial: status CONTINUE carries bytes; the side
 * that finishes sends OK (empty) and the other answers OK; ERROR aborts
 * (from the server it carries an error).
 *
 * A handler opens the stream (rpc_request_open_stream(), from any
 * thread); once the call's OK reply is queued, ops->start runs on the
 * loop: from then on the stream is the loop's (every function here and
 * every callback, loop only) and the server may send. If the call fails,
 * ops->abort runs instead.
 */
#ifndef XVM_RPC_STREAM_H
#define XVM_RPC_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

#include "request.h"

struct rpc_stream_ops {
	/* The call's OK reply is queued: the stream is open (may be NULL). */
	void (*start)(rpc_stream *s, void *opaque);
	/* Bytes from the client. */
	void (*data)(rpc_stream *s, const void *buf, size_t len, void *opaque);
	/* The client finished (OK): the server answers OK once this returns;
	 * the stream is gone afterwards. */
	void (*finish)(rpc_stream *s, void *opaque);
	/* The client aborted, went away, or the call failed: the stream is
	 * gone afterwards. Never called after finish or after the server
	 * ended the stream itself. */
	void (*abort)(rpc_stream *s, void *opaque);
	/* Room again in the client's output after rpc_stream_send() refused
	 * (may be NULL). */
	void (*writable)(rpc_stream *s, void *opaque);
};

/* Queues data to the client (cut in RPC_STREAM_CHUNK pieces). false when
 * the client's output is full: nothing is queued; ops->writable tells
 * when to try again. */
bool rpc_stream_send(rpc_stream *s, const void *buf, size_t len);

/* End of the server's data: an empty CONTINUE, as libvirtd sends when
 * its source reaches EOF. The stream stays open: the client answers with
 * OK (ops->finish) or aborts. */
void rpc_stream_send_eof(rpc_stream *s);

/* The server ends the stream: OK (finish) or ERROR with err (abort). The
 * stream is gone afterwards; no callback follows. */
void rpc_stream_finish(rpc_stream *s);
void rpc_stream_abort(rpc_stream *s, const GError *err);

#endif
