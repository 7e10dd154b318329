/* Building and queueing requests; the typed asynchronous calls. */
#include "client.h"

#include <errno.h>
#include <string.h>

void client_send(xs_client_t *c, uint32_t type, uint32_t tx, const void *payload,
		 size_t len, xs_reply_cb cb, void *data, GDestroyNotify drop, bool sync)
{
	struct xsd_sockmsg h;
	struct xs_pending *p;

	g_return_if_fail(c != NULL && !c->doomed);
	if (c->failed) {
		client_defer_error(c, cb, data, drop, EIO);
		return;
	}
	if (len > XENSTORE_PAYLOAD_MAX) {
		/* The daemon would drop the connection: refuse it here. */
		client_defer_error(c, cb, data, drop, E2BIG);
		return;
	}
	h.type = type;
	h.req_id = c->next_req_id++;
	h.tx_id = tx;
	h.len = (uint32_t)len;
	if (!client_has_output(c))
		c->ops->want_write(c, true);
	g_byte_array_append(c->out, (const guint8 *)&h, sizeof(h));
	g_byte_array_append(c->out, payload, (guint)len);

	p = g_new0(struct xs_pending, 1);
	p->type = type;
	p->req_id = h.req_id;
	p->cb = cb;
	p->data = data;
	p->drop = drop;
	p->sync = sync;
	g_queue_push_tail(&c->pending, p);
}

static void send_strings(xs_client_t *c, uint32_t type, uint32_t tx,
			 const char *const *args, size_t nargs, bool nul_last,
			 xs_reply_cb cb, void *data, GDestroyNotify drop)
{
	g_autoptr(GByteArray) payload = g_byte_array_new();

	for (size_t i = 0; i < nargs; i++) {
		bool nul = i + 1 < nargs || nul_last;

		g_byte_array_append(payload, (const guint8 *)args[i],
				    (guint)(strlen(args[i]) + nul));
	}
	client_send(c, type, tx, payload->data, payload->len, cb, data, drop, false);
}

void xs_request(xs_client_t *c, uint32_t type, uint32_t tx,
		const char *const *args, size_t nargs, bool nul_last,
		xs_reply_cb cb, void *data)
{
	send_strings(c, type, tx, args, nargs, nul_last, cb, data, NULL);
}

static void request1(xs_client_t *c, uint32_t type, uint32_t tx, const char *arg,
		     xs_reply_cb cb, void *data)
{
	xs_request(c, type, tx, &arg, 1, true, cb, data);
}

void xs_read_async(xs_client_t *c, uint32_t tx, const char *path,
		   xs_reply_cb cb, void *data)
{
	request1(c, XS_READ, tx, path, cb, data);
}

void xs_write_async(xs_client_t *c, uint32_t tx, const char *path,
		    const char *value, size_t len, xs_reply_cb cb, void *data)
{
	g_autoptr(GByteArray) payload = g_byte_array_new();

	/* "path\0value": the value is raw bytes, without a NUL. */
	g_byte_array_append(payload, (const guint8 *)path, (guint)strlen(path) + 1);
	g_byte_array_append(payload, (const guint8 *)value, (guint)len);
	client_send(c, XS_WRITE, tx, payload->data, payload->len, cb, data, NULL, false);
}

void xs_mkdir_async(xs_client_t *c, uint32_t tx, const char *path,
		    xs_reply_cb cb, void *data)
{
	request1(c, XS_MKDIR, tx, path, cb, data);
}

void xs_rm_async(xs_client_t *c, uint32_t tx, const char *path,
		 xs_reply_cb cb, void *data)
{
	request1(c, XS_RM, tx, path, cb, data);
}

void xs_directory_async(xs_client_t *c, uint32_t tx, const char *path,
			xs_reply_cb cb, void *data)
{
	request1(c, XS_DIRECTORY, tx, path, cb, data);
}

void xs_set_perms_async(xs_client_t *c, uint32_t tx, const char *path,
			const char *const *perms, size_t n, xs_reply_cb cb, void *data)
{
	g_autofree const char **args = g_new(const char *, n + 1);

	args[0] = path;
	memcpy(args + 1, perms, n * sizeof(*perms));
	xs_request(c, XS_SET_PERMS, tx, args, n + 1, true, cb, data);
}

void xs_transaction_start_async(xs_client_t *c, xs_reply_cb cb, void *data)
{
	request1(c, XS_TRANSACTION_START, 0, "", cb, data);
}

void xs_transaction_end_async(xs_client_t *c, uint32_t tx, bool commit,
			      xs_reply_cb cb, void *data)
{
	request1(c, XS_TRANSACTION_END, tx, commit ? "T" : "F", cb, data);
}

/* ---- watches ------------------------------------------------------------ */

/* A token names one callback; each registration with it counts. */
static void watch_ref(xs_client_t *c, const char *token, xs_watch_cb cb, void *data)
{
	struct xs_watch *w = g_hash_table_lookup(c->watches, token);

	if (!w) {
		w = g_new0(struct xs_watch, 1);
		g_hash_table_insert(c->watches, g_strdup(token), w);
	}
	w->cb = cb;
	w->data = data;
	w->count++;
}

static void watch_unref(xs_client_t *c, const char *token)
{
	struct xs_watch *w = g_hash_table_lookup(c->watches, token);

	if (w && --w->count == 0)
		g_hash_table_remove(c->watches, token);
}

struct watch_reg {
	char *token;
	xs_reply_cb done;
	void *done_data;
};

static void watch_reg_free(void *data)
{
	struct watch_reg *reg = data;

	g_free(reg->token);
	g_free(reg);
}

static void watch_registered(xs_client_t *c, int err, const char *body, size_t len,
			     void *data)
{
	struct watch_reg *reg = data;

	if (err)
		watch_unref(c, reg->token);  /* the daemon has no such watch */
	if (reg->done)
		reg->done(c, err, body, len, reg->done_data);
	watch_reg_free(reg);
}

void xs_watch_async(xs_client_t *c, const char *path, const char *token,
		    xs_watch_cb cb, void *cb_data, xs_reply_cb done, void *done_data)
{
	const char *args[] = { path, token };
	struct watch_reg *reg;

	g_return_if_fail(cb != NULL);
	/* Registered before the reply: the first event follows it closely,
	 * and events are dispatched by token. */
	watch_ref(c, token, cb, cb_data);
	reg = g_new0(struct watch_reg, 1);
	reg->token = g_strdup(token);
	reg->done = done;
	reg->done_data = done_data;
	send_strings(c, XS_WATCH, 0, args, 2, true, watch_registered, reg, watch_reg_free);
}

void xs_unwatch_async(xs_client_t *c, const char *path, const char *token,
		      xs_reply_cb done, void *done_data)
{
	const char *args[] = { path, token };

	/* No event for this registration from now on, even one already
	 * read: the owner may free its data once this returns. */
	watch_unref(c, token);
	xs_request(c, XS_UNWATCH, 0, args, 2, true, done, done_data);
}
