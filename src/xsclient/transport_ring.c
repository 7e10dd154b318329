/* The guest side of a domain's xenstore ring (struct
 * xenstore_domain_interface of <xen/io/xs_wire.h>), as Linux's xenbus
 * (drivers/xen/xenbus/xenbus_comms.c) drives it:
 *
 *   req: we produce (req_prod), xenstored consumes (req_cons);
 *   rsp: xenstored produces (rsp_prod), we consume (rsp_cons).
 *
 * The page is shared with the daemon, which may change anything at any
 * time: indexes are read once per access and checked (prod - cons at most
 * XENSTORE_RING_SIZE, else the connection fails), data is copied out
 * before it is looked at. The daemon's error field set (it stopped
 * serving us) fails the connection too.
 *
 * Barriers, as xenbus: read the indexes, barrier, copy, full barrier,
 * advance our index, then notify (a full barrier precedes the notify, so
 * the daemon sees the new index when it wakes).
 */
#include "client.h"

#include <string.h>

#define IDX_READ(p) __atomic_load_n(&(p), __ATOMIC_RELAXED)
#define IDX_WRITE(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELAXED)
#define ring_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define ring_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

struct ring {
	struct xenstore_domain_interface *intf;
	void (*notify)(void *opaque);
	void *opaque;
	GSource *kick;            /* writes queued output from the main loop */
	bool stopped;
};

static bool idx_ok(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod)
{
	return (XENSTORE_RING_IDX)(prod - cons) <= XENSTORE_RING_SIZE;
}

static bool ring_error(struct ring *r, const char **why)
{
	if (IDX_READ(r->intf->error) != XENSTORE_ERROR_NONE) {
		*why = "xenstored reported an error on the ring";
		return true;
	}
	return false;
}

static void ring_notify(struct ring *r)
{
	ring_mb();
	r->notify(r->opaque);
}

static ssize_t ring_read(xs_client_t *c, void *buf, size_t len, const char **why)
{
	struct ring *r = c->tp;
	struct xenstore_domain_interface *intf = r->intf;
	XENSTORE_RING_IDX cons, prod, avail;
	size_t n = 0;

	if (ring_error(r, why))
		return -1;
	cons = IDX_READ(intf->rsp_cons);
	prod = IDX_READ(intf->rsp_prod);
	if (!idx_ok(cons, prod)) {
		*why = "response ring indexes out of range";
		return -1;
	}
	if (cons == prod)
		return 0;
	/* Data read after the producer index. */
	ring_rmb();
	avail = prod - cons;
	if (avail > len)
		avail = (XENSTORE_RING_IDX)len;
	while (n < avail) {
		XENSTORE_RING_IDX off = MASK_XENSTORE_IDX(cons + (XENSTORE_RING_IDX)n);
		size_t chunk = XENSTORE_RING_SIZE - off;

		if (chunk > avail - n)
			chunk = avail - n;
		memcpy((char *)buf + n, intf->rsp + off, chunk);
		n += chunk;
	}
	/* Copied out before the daemon may reuse the slots. */
	ring_mb();
	IDX_WRITE(intf->rsp_cons, cons + (XENSTORE_RING_IDX)n);
	ring_notify(r);
	return (ssize_t)n;
}

static ssize_t ring_write(xs_client_t *c, const void *buf, size_t len, const char **why)
{
	struct ring *r = c->tp;
	struct xenstore_domain_interface *intf = r->intf;
	XENSTORE_RING_IDX cons, prod, space;
	size_t n = 0;

	if (ring_error(r, why))
		return -1;
	cons = IDX_READ(intf->req_cons);
	prod = IDX_READ(intf->req_prod);
	if (!idx_ok(cons, prod)) {
		*why = "request ring indexes out of range";
		return -1;
	}
	space = XENSTORE_RING_SIZE - (prod - cons);
	if (!space)
		return 0;
	if (space > len)
		space = (XENSTORE_RING_IDX)len;
	/* Data written after reading the consumer index. */
	ring_mb();
	while (n < space) {
		XENSTORE_RING_IDX off = MASK_XENSTORE_IDX(prod + (XENSTORE_RING_IDX)n);
		size_t chunk = XENSTORE_RING_SIZE - off;

		if (chunk > space - n)
			chunk = space - n;
		memcpy(intf->req + off, (const char *)buf + n, chunk);
		n += chunk;
	}
	/* The daemon sees the data before the new producer index. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	IDX_WRITE(intf->req_prod, prod + (XENSTORE_RING_IDX)n);
	ring_notify(r);
	return (ssize_t)n;
}

static void ring_kick(xs_client_t *c);

/* Serves the ring as a notification does: what was read, then room. */
static void ring_run(xs_client_t *c)
{
	client_enter(c);
	/* Stopped on its budget: the rest from the main loop. */
	if (client_io_readable(c))
		ring_kick(c);
	if (!c->failed && client_has_output(c))
		client_io_writable(c);
	client_leave(c);
}

static gboolean ring_kick_cb(gpointer data)
{
	xs_client_t *c = data;
	struct ring *r = c->tp;

	g_source_unref(r->kick);
	r->kick = NULL;
	ring_run(c);
	return G_SOURCE_REMOVE;
}

/* Runs the ring from the main loop, once. */
static void ring_kick(xs_client_t *c)
{
	struct ring *r = c->tp;

	if (!r->kick && !r->stopped) {
		r->kick = g_idle_source_new();
		g_source_set_priority(r->kick, G_PRIORITY_DEFAULT);
		g_source_set_callback(r->kick, ring_kick_cb, c, NULL);
		g_source_attach(r->kick, c->ctx);
	}
}

static void ring_want_write(xs_client_t *c, bool want)
{
	/* Room comes with the daemon's notification (xs_client_ring_event);
	 * what there is now is written from the main loop. */
	if (want)
		ring_kick(c);
}

static int ring_sync_fd(xs_client_t *c)
{
	return -1;
}

static void ring_stop(xs_client_t *c)
{
	struct ring *r = c->tp;

	r->stopped = true;
	if (r->kick) {
		g_source_destroy(r->kick);
		g_source_unref(r->kick);
		r->kick = NULL;
	}
}

static void ring_destroy(xs_client_t *c)
{
	g_free(c->tp);
}

static const struct xs_transport_ops ring_ops = {
	.read = ring_read,
	.write = ring_write,
	.want_write = ring_want_write,
	.sync_fd = ring_sync_fd,
	.stop = ring_stop,
	.destroy = ring_destroy,
};

xs_client_t *xs_client_open_ring(void *page, void (*notify)(void *opaque),
				 void *opaque, GMainContext *ctx)
{
	struct ring *r;

	g_return_val_if_fail(page != NULL && notify != NULL, NULL);
	r = g_new0(struct ring, 1);
	r->intf = page;
	r->notify = notify;
	r->opaque = opaque;
	return client_new(&ring_ops, r, ctx);
}

void xs_client_ring_event(xs_client_t *c)
{
	struct ring *r;

	g_return_if_fail(c != NULL && c->ops == &ring_ops);
	r = c->tp;
	if (!r->stopped)
		ring_run(c);
}
