/* xs_client core: lifetime, deliveries, connection failure, I/O loops.
 * See client.h. */
#include "client.h"

#include <errno.h>
#include <string.h>

/* How much one read asks of the transport, and how many reads one wake-up
 * does at most. */
#define READ_CHUNK 16384
#define READ_BUDGET 64

enum deferred_kind { DEFERRED_REPLY, DEFERRED_WATCH, DEFERRED_CLOSED };

struct xs_deferred {
	enum deferred_kind kind;
	xs_reply_cb cb;           /* DEFERRED_REPLY */
	void *data;
	GDestroyNotify drop;      /* see struct xs_pending */
	int err;
	char *body;               /* reply body, or path\0token\0 of a watch */
	size_t len;               /* reply body length */
	const char *token;        /* DEFERRED_WATCH: inside body */
};

static void deferred_free(struct xs_deferred *d)
{
	g_free(d->body);
	g_free(d);
}

static void pending_free(struct xs_pending *p)
{
	g_free(p);
}

/* Never delivered: the library's own data goes too. */
static void pending_drop(struct xs_pending *p)
{
	if (p->drop)
		p->drop(p->data);
	g_free(p);
}

static void deferred_drop(struct xs_deferred *d)
{
	if (d->drop)
		d->drop(d->data);
	deferred_free(d);
}

static void watch_free(struct xs_watch *w)
{
	g_free(w);
}

xs_client_t *client_new(const struct xs_transport_ops *ops, void *tp, GMainContext *ctx)
{
	xs_client_t *c = g_new0(xs_client_t, 1);

	c->ops = ops;
	c->tp = tp;
	c->ctx = g_main_context_ref(ctx ? ctx : g_main_context_default());
	g_queue_init(&c->pending);
	g_queue_init(&c->deferred);
	c->watches = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					   (GDestroyNotify)watch_free);
	c->out = g_byte_array_new();
	c->in = g_byte_array_new();
	return c;
}

static void client_destroy(xs_client_t *c)
{
	if (c->deferred_src) {
		g_source_destroy(c->deferred_src);
		g_source_unref(c->deferred_src);
	}
	if (!c->failed)
		c->ops->stop(c);
	c->ops->destroy(c);
	g_queue_clear_full(&c->pending, (GDestroyNotify)pending_drop);
	g_queue_clear_full(&c->deferred, (GDestroyNotify)deferred_drop);
	g_hash_table_destroy(c->watches);
	g_byte_array_free(c->out, TRUE);
	g_byte_array_free(c->in, TRUE);
	g_main_context_unref(c->ctx);
	g_free(c);
}

void client_enter(xs_client_t *c)
{
	c->busy++;
}

bool client_leave(xs_client_t *c)
{
	g_assert(c->busy > 0);
	if (--c->busy == 0 && c->doomed) {
		client_destroy(c);
		return false;
	}
	return !c->doomed;
}

void xs_client_free(xs_client_t *c)
{
	if (!c)
		return;
	g_return_if_fail(!c->doomed);
	c->doomed = true;
	if (c->busy) {
		/* A callback frees us: nothing more is delivered, and the
		 * outermost stretch frees the memory. */
		if (!c->failed) {
			c->failed = true;
			c->ops->stop(c);
		}
		return;
	}
	client_destroy(c);
}

void xs_client_set_closed_cb(xs_client_t *c, xs_closed_cb cb, void *data)
{
	c->closed_cb = cb;
	c->closed_data = data;
}

/* ---- deliveries -------------------------------------------------------- */

static void deferred_run_one(xs_client_t *c, struct xs_deferred *d)
{
	struct xs_watch *w;

	switch (d->kind) {
	case DEFERRED_REPLY:
		if (d->cb)
			d->cb(c, d->err, d->err ? NULL : d->body,
			      d->err ? 0 : d->len, d->data);
		break;
	case DEFERRED_WATCH:
		/* Looked up now: the watch may have been removed since. */
		w = g_hash_table_lookup(c->watches, d->token);
		if (w)
			w->cb(c, d->body, d->token, w->data);
		break;
	case DEFERRED_CLOSED:
		if (c->closed_cb)
			c->closed_cb(c, c->closed_data);
		break;
	}
}

static gboolean deferred_dispatch(gpointer user_data)
{
	xs_client_t *c = user_data;
	struct xs_deferred *d;

	client_enter(c);
	while (!c->doomed && !c->sync_depth && (d = g_queue_pop_head(&c->deferred))) {
		deferred_run_one(c, d);
		deferred_free(d);
	}
	if (!c->doomed && g_queue_is_empty(&c->deferred)) {
		g_source_unref(c->deferred_src);
		c->deferred_src = NULL;
		client_leave(c);
		return G_SOURCE_REMOVE;
	}
	return client_leave(c) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void defer(xs_client_t *c, struct xs_deferred *d)
{
	g_queue_push_tail(&c->deferred, d);
	if (!c->deferred_src) {
		c->deferred_src = g_idle_source_new();
		/* As urgent as the socket's input: what is queued here goes
		 * first, and must not wait for a busy socket to calm down. */
		g_source_set_priority(c->deferred_src, G_PRIORITY_DEFAULT);
		g_source_set_callback(c->deferred_src, deferred_dispatch, c, NULL);
		g_source_attach(c->deferred_src, c->ctx);
	}
}

/* Deliveries keep their order: once one is deferred, the next are too. */
static bool must_defer(xs_client_t *c)
{
	return c->sync_depth || !g_queue_is_empty(&c->deferred);
}

void client_deliver_reply(xs_client_t *c, struct xs_pending *p, int err,
			  const char *body, size_t len)
{
	if (c->doomed)
		return;
	if (p->sync || !must_defer(c)) {
		if (p->cb)
			p->cb(c, err, err ? NULL : body, err ? 0 : len, p->data);
		return;
	}
	struct xs_deferred *d = g_new0(struct xs_deferred, 1);

	d->kind = DEFERRED_REPLY;
	d->cb = p->cb;
	d->data = p->data;
	d->drop = p->drop;
	d->err = err;
	if (!err) {
		d->body = g_malloc(len + 1);
		memcpy(d->body, body, len);
		d->body[len] = '\0';
		d->len = len;
	}
	defer(c, d);
}

void client_deliver_watch(xs_client_t *c, const char *path, const char *token)
{
	struct xs_watch *w;

	if (c->doomed)
		return;
	if (!must_defer(c)) {
		w = g_hash_table_lookup(c->watches, token);
		if (w)
			w->cb(c, path, token, w->data);
		return;
	}
	struct xs_deferred *d = g_new0(struct xs_deferred, 1);
	size_t plen = strlen(path), tlen = strlen(token);

	d->kind = DEFERRED_WATCH;
	d->body = g_malloc(plen + tlen + 2);
	memcpy(d->body, path, plen + 1);
	memcpy(d->body + plen + 1, token, tlen + 1);
	d->token = d->body + plen + 1;
	defer(c, d);
}

void client_defer_error(xs_client_t *c, xs_reply_cb cb, void *data,
			GDestroyNotify drop, int err)
{
	struct xs_deferred *d = g_new0(struct xs_deferred, 1);

	d->kind = DEFERRED_REPLY;
	d->cb = cb;
	d->data = data;
	d->drop = drop;
	d->err = err;
	defer(c, d);
}

void client_fail(xs_client_t *c, const char *why)
{
	struct xs_pending *p;

	if (c->failed)
		return;
	g_debug("xenstore connection failed: %s", why);
	c->failed = true;
	c->ops->stop(c);
	g_byte_array_set_size(c->out, 0);
	c->out_off = 0;
	g_byte_array_set_size(c->in, 0);
	c->in_off = 0;

	client_enter(c);
	while (!c->doomed && (p = g_queue_pop_head(&c->pending))) {
		client_deliver_reply(c, p, EIO, NULL, 0);
		pending_free(p);
	}
	if (!c->doomed) {
		if (must_defer(c)) {
			struct xs_deferred *d = g_new0(struct xs_deferred, 1);

			d->kind = DEFERRED_CLOSED;
			defer(c, d);
		} else if (c->closed_cb) {
			c->closed_cb(c, c->closed_data);
		}
	}
	client_leave(c);
}

/* ---- I/O loops ---------------------------------------------------------- */

bool client_has_output(xs_client_t *c)
{
	return c->out_off < c->out->len;
}

void client_io_writable(xs_client_t *c)
{
	const char *why = NULL;

	while (!c->failed && client_has_output(c)) {
		ssize_t n = c->ops->write(c, c->out->data + c->out_off,
					  c->out->len - c->out_off, &why);

		if (n < 0) {
			client_fail(c, why);
			return;
		}
		if (n == 0)
			return;  /* no room: the transport calls again */
		c->out_off += (size_t)n;
	}
	if (c->failed)
		return;
	g_byte_array_set_size(c->out, 0);
	c->out_off = 0;
	c->ops->want_write(c, false);
}

bool client_io_readable(xs_client_t *c)
{
	const char *why = NULL;
	unsigned int reads = 0;
	bool more = false;

	client_enter(c);
	while (!c->failed) {
		ssize_t n;

		/* Drop what was dispatched before growing the buffer. */
		if (c->in_off) {
			g_byte_array_remove_range(c->in, 0, (guint)c->in_off);
			c->in_off = 0;
		}
		guint have = c->in->len;

		g_byte_array_set_size(c->in, have + READ_CHUNK);
		n = c->ops->read(c, c->in->data + have, READ_CHUNK, &why);
		g_byte_array_set_size(c->in, have + (n > 0 ? (guint)n : 0));
		if (n < 0) {
			client_fail(c, why);
			break;
		}
		if (n == 0)
			break;
		client_process_input(c);
		if (++reads == READ_BUDGET) {
			more = true;
			break;
		}
	}
	return client_leave(c) && more && !c->failed;
}
