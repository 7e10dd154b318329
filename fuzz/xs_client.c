/*
 * libFuzzer target: what a xenstored sends to an xs_client
 * (src/xsclient: framing, reply matching, watch events, errors, close
 * handling), over the guest side of a ring on an in-memory page; the
 * input plays the daemon.
 *
 * Set-up: watches with tokens "a" and "b", then reads with req_ids 2..5
 * are pending (req_ids count from 0 in sending order).
 * Input: chunks  [op u8][len u8][len bytes]
 *   op % 5:
 *     0  the bytes into the response ring (as far as it has room), then
 *        a ring event
 *     1  a new request: data[0] % 4 = read, write (data as value),
 *        watch (data as token), or a read whose reply frees the client
 *     2  the daemon consumes the request ring, then a ring event
 *     3  the daemon sets an index: data[0] % 4 picks req_cons, req_prod,
 *        rsp_cons, rsp_prod; data[1..4] the value (LE), then a ring event
 *     4  the main loop runs (deferred deliveries, queued writes)
 * Every reply callback that gets a body issues one more read (at most 64
 * in all), as clients do. Nothing may crash or leak; at the end the client
 * is freed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <xen/io/xs_wire.h>

#include "xvm/xs_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	xs_client_t *c;
	struct xenstore_domain_interface *intf;
	GMainContext *ctx;
	unsigned int more;           /* reads issued from callbacks */
};

static void notify(void *opaque)
{
	(void)opaque;
}

static void reply_cb(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct run *r = data;

	if (body && body[len] != '\0')
		abort();             /* the NUL promised beyond len */
	if (!err && r->more < 64) {
		r->more++;
		xs_read_async(c, 0, "/more", reply_cb, r);
	}
}

static void free_cb(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct run *r = data;

	xs_client_free(c);
	r->c = NULL;
}

static void watch_cb(xs_client_t *c, const char *path, const char *token, void *data)
{
	if (!path || !token)
		abort();
}

static void closed_cb(xs_client_t *c, void *data)
{
	struct run *r = data;

	/* Requests after the close must still be answered (EIO). */
	xs_read_async(c, 0, "/after-close", reply_cb, r);
}

static void pump(struct run *r)
{
	while (g_main_context_iteration(r->ctx, FALSE))
		;
}

static void rsp_write(struct run *r, const uint8_t *p, size_t n)
{
	struct xenstore_domain_interface *intf = r->intf;
	XENSTORE_RING_IDX used = intf->rsp_prod - intf->rsp_cons;
	size_t room = used > XENSTORE_RING_SIZE ? 0 : XENSTORE_RING_SIZE - used;

	if (n > room)
		n = room;
	for (size_t i = 0; i < n; i++)
		intf->rsp[MASK_XENSTORE_IDX(intf->rsp_prod + i)] = (char)p[i];
	intf->rsp_prod += (XENSTORE_RING_IDX)n;
}

static void request(struct run *r, const uint8_t *p, size_t n)
{
	char *s = g_strndup((const char *)p + (n ? 1 : 0), n ? n - 1 : 0);

	switch (n ? p[0] % 4 : 0) {
	case 0: xs_read_async(r->c, 0, "/x", reply_cb, r); break;
	case 1: xs_write_async(r->c, 0, "/x", s, strlen(s), reply_cb, r); break;
	case 2: xs_watch_async(r->c, "/x", s, watch_cb, r, reply_cb, r); break;
	case 3: xs_read_async(r->c, 0, "/x", free_cb, r); break;
	}
	g_free(s);
}

static void set_index(struct run *r, const uint8_t *p, size_t n)
{
	XENSTORE_RING_IDX *idx[] = { &r->intf->req_cons, &r->intf->req_prod,
				     &r->intf->rsp_cons, &r->intf->rsp_prod };
	uint32_t v = 0;

	if (n < 5)
		return;
	memcpy(&v, p + 1, 4);
	*idx[p[0] % 4] = GUINT32_FROM_LE(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run r = { 0 };
	size_t i = 0;

	r.ctx = g_main_context_new();
	r.intf = g_malloc0(4096);
	r.c = xs_client_open_ring(r.intf, notify, NULL, r.ctx);
	xs_client_set_closed_cb(r.c, closed_cb, &r);
	xs_watch_async(r.c, "/w", "a", watch_cb, &r, reply_cb, &r);
	xs_watch_async(r.c, "rel", "b", watch_cb, &r, NULL, NULL);
	for (int k = 0; k < 4; k++)
		xs_read_async(r.c, 0, "/r", reply_cb, &r);
	pump(&r);

	while (r.c && i + 2 <= size) {
		uint8_t op = data[i], len = data[i + 1];
		const uint8_t *p = data + i + 2;
		size_t n = size - i - 2 < len ? size - i - 2 : len;

		i += 2 + n;
		switch (op % 5) {
		case 0:
			rsp_write(&r, p, n);
			xs_client_ring_event(r.c);
			break;
		case 1:
			request(&r, p, n);
			break;
		case 2:
			r.intf->req_cons = r.intf->req_prod;
			xs_client_ring_event(r.c);
			break;
		case 3:
			set_index(&r, p, n);
			xs_client_ring_event(r.c);
			break;
		case 4:
			pump(&r);
			break;
		}
	}
	pump(&r);
	xs_client_free(r.c);
	pump(&r);
	g_main_context_unref(r.ctx);
	g_free(r.intf);
	return 0;
}
