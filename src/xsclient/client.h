/* The inside of an xs_client (include/xvm/xs_client.h): the state every
 * part shares, the transport interface, and the core's entry points.
 *
 * Parts: core.c (lifetime, deliveries, connection failure, the I/O
 * loops), input.c (framing and dispatch of what the daemon sends),
 * requests.c (building requests), sync.c (blocking calls),
 * transport_socket.c and transport_ring.c.
 *
 * Re-entrancy: user callbacks run from the I/O loops and from the
 * deferred-delivery idle source. Around every stretch that may call one,
 * the core holds a reference (client_enter/client_leave); xs_client_free()
 * during such a stretch only marks the client doomed and the last leave
 * frees it. Every loop stops as soon as the client is doomed.
 */
#ifndef XS_CLIENT_INTERNAL_H
#define XS_CLIENT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <glib.h>
#include <xen/io/xs_wire.h>

#include "xvm/xs_client.h"

#define XS_HDR_SIZE sizeof(struct xsd_sockmsg)

struct xs_transport_ops {
	/* Up to len bytes of the daemon's stream: > 0 read, 0 nothing now,
	 * -1 the connection failed (EOF included): *why says how. */
	ssize_t (*read)(xs_client_t *c, void *buf, size_t len, const char **why);
	/* Up to len bytes: >= 0 written (0: no room now), -1 failed. */
	ssize_t (*write)(xs_client_t *c, const void *buf, size_t len, const char **why);
	/* Output is (or is no longer) waiting for room. */
	void (*want_write)(xs_client_t *c, bool want);
	/* The fd sync calls poll, or -1 when the transport has none. */
	int (*sync_fd)(xs_client_t *c);
	/* Stops watching the transport (the connection failed or the client
	 * goes away); called once. */
	void (*stop)(xs_client_t *c);
	/* Frees the transport's state; called once, after stop. */
	void (*destroy)(xs_client_t *c);
};

/* A request sent (or queued in out) whose reply has not come yet. The
 * FIFO c->pending holds them in sending order: replies come in that
 * order. */
struct xs_pending {
	uint32_t type;
	uint32_t req_id;
	xs_reply_cb cb;          /* may be NULL: the reply is dropped */
	void *data;
	/* Frees data when cb will never run (the client was freed first):
	 * for the library's own callbacks. NULL for the user's. */
	GDestroyNotify drop;
	bool sync;               /* a sync call's own: delivered at once */
};

struct xs_watch {
	xs_watch_cb cb;
	void *data;
	unsigned int count;      /* registrations with this token */
};

struct xs_client {
	const struct xs_transport_ops *ops;
	void *tp;                /* the transport's state */
	GMainContext *ctx;       /* a reference */

	uint32_t next_req_id;
	GQueue pending;          /* struct xs_pending *, oldest first */
	GHashTable *watches;     /* token (owned) -> struct xs_watch * */

	GByteArray *out;         /* framed requests not yet written */
	size_t out_off;          /* bytes of out already written */
	GByteArray *in;          /* bytes read, not yet dispatched */
	size_t in_off;           /* bytes of in already dispatched */

	/* Deliveries that may not run now (a sync call is blocking, or
	 * earlier ones are still queued): struct xs_deferred *, in order,
	 * run from an idle source on ctx. */
	GQueue deferred;
	GSource *deferred_src;

	bool failed;             /* the connection is gone: EIO from now on */
	bool doomed;             /* xs_client_free() was called */
	unsigned int busy;       /* client_enter() depth */
	unsigned int sync_depth; /* sync calls blocking now */

	xs_closed_cb closed_cb;
	void *closed_data;
};

xs_client_t *client_new(const struct xs_transport_ops *ops, void *tp, GMainContext *ctx);

void client_enter(xs_client_t *c);
/* False when the client went away meanwhile (it is freed: do not touch). */
bool client_leave(xs_client_t *c);

/* The connection failed: why for the debug log. Every pending callback
 * gets EIO, then the closed callback runs. */
void client_fail(xs_client_t *c, const char *why);

/* A reply or an error for a pending request. body is NUL-terminated at
 * len; NULL when err != 0. */
void client_deliver_reply(xs_client_t *c, struct xs_pending *p, int err,
			  const char *body, size_t len);
/* A watch event for token. */
void client_deliver_watch(xs_client_t *c, const char *path, const char *token);
/* err for a request that was never sent (client failed, too big): always
 * from the idle source. drop: see struct xs_pending. */
void client_defer_error(xs_client_t *c, xs_reply_cb cb, void *data,
			GDestroyNotify drop, int err);

/* The transport has input / room: reads and dispatches / writes out.
 * Reading stops after a budget, so that a daemon flooding us cannot
 * starve the main loop: true when it stopped there (more may wait). */
bool client_io_readable(xs_client_t *c);
void client_io_writable(xs_client_t *c);
bool client_has_output(xs_client_t *c);

/* input.c: dispatches every complete message in c->in. Stops when the
 * client fails or is doomed. */
void client_process_input(xs_client_t *c);

/* requests.c: queues a framed request. drop, sync: see struct xs_pending. */
void client_send(xs_client_t *c, uint32_t type, uint32_t tx, const void *payload,
		 size_t len, xs_reply_cb cb, void *data, GDestroyNotify drop, bool sync);

#endif
