/* xs_client on a domain ring (the guest side), against a fake xenstored
 * played by the test on an in-memory page: well-behaved exchanges
 * (messages across the ring's wrap, larger than the ring, watch events,
 * errors) and a misbehaving peer (indexes out of range, oversized or
 * malformed messages, the error field), which must only fail the
 * connection. */
#include <errno.h>
#include <gio/gio.h>
#include <string.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "util.h"

struct peer {
	struct xenstore_domain_interface *intf;
	unsigned int notified;       /* kicks from the client */
	xs_client_t *c;
	unsigned int closed;
};

static void notify_cb(void *opaque)
{
	struct peer *p = opaque;

	p->notified++;
}

static void closed_cb(xs_client_t *c, void *data)
{
	struct peer *p = data;

	p->closed++;
}

static void peer_open(struct peer *p)
{
	memset(p, 0, sizeof(*p));
	p->intf = g_malloc0(4096);
	p->c = xs_client_open_ring(p->intf, notify_cb, p, NULL);
	g_assert_nonnull(p->c);
	xs_client_set_closed_cb(p->c, closed_cb, p);
}

static void peer_close(struct peer *p)
{
	xs_client_free(p->c);
	g_free(p->intf);
}

/* Runs what the main loop has ready (the client writes from it). */
static void pump(void)
{
	while (g_main_context_iteration(NULL, FALSE))
		;
}

static size_t req_avail(struct peer *p)
{
	return p->intf->req_prod - p->intf->req_cons;
}

/* Takes n bytes of the request ring (they must be there). */
static void peer_take(struct peer *p, void *buf, size_t n)
{
	g_assert_cmpuint(req_avail(p), >=, n);
	for (size_t i = 0; i < n; i++)
		((char *)buf)[i] = p->intf->req[MASK_XENSTORE_IDX(p->intf->req_cons + i)];
	p->intf->req_cons += (XENSTORE_RING_IDX)n;
}

/* The next request: the client is given ring events until it is whole. */
static char *peer_recv(struct peer *p, struct xsd_sockmsg *h)
{
	char *body;
	size_t got = 0;

	pump();
	peer_take(p, h, sizeof(*h));
	g_assert_cmpuint(h->len, <=, XENSTORE_PAYLOAD_MAX);
	body = g_malloc0(h->len + 1);
	while (got < h->len) {
		size_t n = MIN(req_avail(p), h->len - got);

		if (!n) {
			/* Room was made: the client hears of it. */
			xs_client_ring_event(p->c);
			pump();
			n = MIN(req_avail(p), h->len - got);
			g_assert_cmpuint(n, >, 0);
		}
		peer_take(p, body + got, n);
		got += n;
	}
	return body;
}

/* Raw bytes into the response ring, notifying the client as often as the
 * ring fills. */
static void peer_send_raw(struct peer *p, const void *buf, size_t n)
{
	size_t off = 0;

	while (off < n) {
		size_t room = XENSTORE_RING_SIZE - (p->intf->rsp_prod - p->intf->rsp_cons);
		size_t k = MIN(room, n - off);

		g_assert_cmpuint(k, >, 0);
		for (size_t i = 0; i < k; i++)
			p->intf->rsp[MASK_XENSTORE_IDX(p->intf->rsp_prod + i)] =
				((const char *)buf)[off + i];
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		p->intf->rsp_prod += (XENSTORE_RING_IDX)k;
		off += k;
		xs_client_ring_event(p->c);
	}
}

static void peer_send(struct peer *p, uint32_t type, uint32_t req_id,
		      const void *payload, size_t len)
{
	struct xsd_sockmsg h = { type, req_id, 0, (uint32_t)len };
	g_autofree char *msg = g_malloc(sizeof(h) + len);

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), payload, len);
	peer_send_raw(p, msg, sizeof(h) + len);
}

static void test_requests(void)
{
	struct peer p;
	struct reply r = { 0 };
	struct xsd_sockmsg h;
	g_autofree char *b1 = NULL, *b2 = NULL, *b3 = NULL;
	unsigned int kicks;

	peer_open(&p);
	xs_read_async(p.c, 0, "/a", reply_cb, &r);
	g_assert_cmpuint(p.notified, ==, 0);
	b1 = peer_recv(&p, &h);
	g_assert_cmpuint(p.notified, >, 0);   /* after producing */
	g_assert_cmpuint(h.type, ==, XS_READ);
	g_assert_cmpmem(b1, h.len, "/a", 3);
	kicks = p.notified;
	peer_send(&p, XS_READ, h.req_id, "val", 3);
	g_assert_cmpuint(p.notified, >, kicks); /* after consuming */
	assert_reply_ok(&r, "val");

	/* Error strings -> errno; one unknown to us -> EIO for that request
	 * only. */
	reply_clear(&r);
	xs_write_async(p.c, 5, "/b", "v", 1, reply_cb, &r);
	b2 = peer_recv(&p, &h);
	g_assert_cmpuint(h.type, ==, XS_WRITE);
	g_assert_cmpuint(h.tx_id, ==, 5);
	g_assert_cmpmem(b2, h.len, "/b\0v", 4);
	peer_send(&p, XS_ERROR, h.req_id, "EACCES", 7);
	assert_reply_err(&r, EACCES);
	reply_clear(&r);
	xs_rm_async(p.c, 0, "/b", reply_cb, &r);
	b3 = peer_recv(&p, &h);
	peer_send(&p, XS_ERROR, h.req_id, "EFUTURE", 8);
	assert_reply_err(&r, EIO);
	g_assert_cmpuint(p.closed, ==, 0);

	/* Sync calls need a socket. */
	{
		g_autoptr(GError) err = NULL;

		g_assert_null(xs_read(p.c, 0, "/a", NULL, &err));
		g_assert_error(err, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
	}
	reply_clear(&r);
	peer_close(&p);
}

/* Messages larger than the ring, cut at the wrap, pipelined. */
static void test_large(void)
{
	struct peer p;
	struct reply r[3] = { 0 };
	struct xsd_sockmsg h;
	g_autofree char *value = g_malloc(4000), *b = NULL;

	for (int i = 0; i < 4000; i++)
		value[i] = (char)('a' + i % 26);
	peer_open(&p);
	xs_write_async(p.c, 0, "/big", value, 4000, reply_cb, &r[0]);
	xs_read_async(p.c, 0, "/big", reply_cb, &r[1]);
	xs_read_async(p.c, 0, "/other", reply_cb, &r[2]);
	b = peer_recv(&p, &h);
	g_assert_cmpuint(h.type, ==, XS_WRITE);
	g_assert_cmpuint(h.len, ==, 5 + 4000);
	g_assert_cmpmem(b + 5, 4000, value, 4000);
	g_free(b);
	peer_send(&p, XS_WRITE, h.req_id, "OK", 3);
	assert_reply_ok(&r[0], "OK");
	b = peer_recv(&p, &h);
	g_assert_cmpuint(h.type, ==, XS_READ);
	peer_send(&p, XS_READ, h.req_id, value, 4000);
	g_assert_true(r[1].done);
	g_assert_cmpmem(r[1].body, r[1].len, value, 4000);
	g_free(b);
	b = peer_recv(&p, &h);
	peer_send(&p, XS_READ, h.req_id, "x", 1);
	assert_reply_ok(&r[2], "x");
	g_assert_cmpuint(p.closed, ==, 0);
	for (int i = 0; i < 3; i++)
		reply_clear(&r[i]);
	peer_close(&p);
}

static void test_watch(void)
{
	struct peer p;
	struct events e;
	struct reply r = { 0 };
	struct xsd_sockmsg h;
	g_autofree char *b = NULL;

	events_init(&e);
	peer_open(&p);
	xs_watch_async(p.c, "device", "tok", events_cb, &e, reply_cb, &r);
	b = peer_recv(&p, &h);
	g_assert_cmpuint(h.type, ==, XS_WATCH);
	g_assert_cmpmem(b, h.len, "device\0tok\0", 11);
	peer_send(&p, XS_WATCH, h.req_id, "OK", 3);
	peer_send(&p, XS_WATCH_EVENT, 0, "device\0tok\0", 11);
	/* Events may carry more strings: ignored. */
	peer_send(&p, XS_WATCH_EVENT, 0, "device/vif\0tok\0extra\0", 21);
	/* A token nobody watches (an unwatch raced it): dropped. */
	peer_send(&p, XS_WATCH_EVENT, 0, "x\0other\0", 8);
	assert_reply_ok(&r, "OK");
	g_assert_cmpuint(e.paths->len, ==, 2);
	g_assert_cmpstr(e.paths->pdata[0], ==, "device");
	g_assert_cmpstr(e.paths->pdata[1], ==, "device/vif");
	g_assert_cmpstr(e.tokens->pdata[1], ==, "tok");
	g_assert_cmpuint(p.closed, ==, 0);
	reply_clear(&r);
	events_clear(&e);
	peer_close(&p);
}

/* Every pending request fails with EIO, once; the closed callback runs
 * once; later requests fail from the main loop. */
static void assert_failed(struct peer *p, struct reply *r, unsigned int n)
{
	struct reply late = { 0 };

	pump();
	for (unsigned int i = 0; i < n; i++)
		assert_reply_err(&r[i], EIO);
	g_assert_cmpuint(p->closed, ==, 1);
	xs_read_async(p->c, 0, "/late", reply_cb, &late);
	g_assert_false(late.done);
	pump();
	assert_reply_err(&late, EIO);
	g_assert_cmpuint(p->closed, ==, 1);
	reply_clear(&late);
}

static void test_bad_rsp_indexes(void)
{
	struct peer p;
	struct reply r[2] = { 0 };
	struct xsd_sockmsg h;

	peer_open(&p);
	xs_read_async(p.c, 0, "/a", reply_cb, &r[0]);
	xs_read_async(p.c, 0, "/b", reply_cb, &r[1]);
	g_free(peer_recv(&p, &h));
	g_free(peer_recv(&p, &h));
	p.intf->rsp_prod = p.intf->rsp_cons + XENSTORE_RING_SIZE + 1;
	xs_client_ring_event(p.c);
	assert_failed(&p, r, 2);
	/* The client stopped touching the page. */
	g_assert_cmpuint(p.intf->rsp_cons, ==, 0);
	xs_client_ring_event(p.c);
	g_assert_cmpuint(p.closed, ==, 1);
	for (int i = 0; i < 2; i++)
		reply_clear(&r[i]);
	peer_close(&p);
}

static void test_bad_req_indexes(void)
{
	struct peer p;
	struct reply r[2] = { 0 };
	struct xsd_sockmsg h;

	peer_open(&p);
	xs_read_async(p.c, 0, "/a", reply_cb, &r[0]);
	g_free(peer_recv(&p, &h));
	/* The consumer index runs ahead of the producer. */
	p.intf->req_cons = p.intf->req_prod + 4;
	xs_read_async(p.c, 0, "/b", reply_cb, &r[1]);
	assert_failed(&p, r, 2);
	for (int i = 0; i < 2; i++)
		reply_clear(&r[i]);
	peer_close(&p);
}

static void test_error_field(void)
{
	struct peer p;
	struct reply r = { 0 };

	peer_open(&p);
	xs_read_async(p.c, 0, "/a", reply_cb, &r);
	pump();
	p.intf->error = XENSTORE_ERROR_PROTO;
	xs_client_ring_event(p.c);
	assert_failed(&p, &r, 1);
	reply_clear(&r);
	peer_close(&p);
}

/* What a broken or hostile xenstored may send instead of the reply. */
struct bad_case {
	const char *name;
	uint32_t type;
	int req_id_delta;            /* added to the expected req_id */
	const char *payload;
	uint32_t len;                /* in the header */
	size_t sent;                 /* payload bytes actually sent */
};

static const struct bad_case bad_cases[] = {
	{ "oversized", XS_READ, 0, "", XENSTORE_PAYLOAD_MAX + 1, 0 },
	{ "huge-len", XS_READ, 0, "", 0xffffffffu, 0 },
	{ "wrong-req-id", XS_READ, 1, "v", 1, 1 },
	{ "wrong-type", XS_WRITE, 0, "OK", 3, 3 },
	{ "unknown-type", 999, 0, "OK", 3, 3 },
	{ "invalid-type", XS_INVALID, 0, "", 0, 0 },
	{ "event-one-string", XS_WATCH_EVENT, 0, "path", 5, 5 },
	{ "event-no-nul", XS_WATCH_EVENT, 0, "pathtoken", 9, 9 },
	{ "event-empty", XS_WATCH_EVENT, 0, "", 0, 0 },
};

static void test_bad_message(gconstpointer data)
{
	const struct bad_case *bc = data;
	struct peer p;
	struct reply r[2] = { 0 };
	struct xsd_sockmsg h, bad;
	unsigned char msg[sizeof(bad) + 16] = { 0 };

	peer_open(&p);
	xs_read_async(p.c, 0, "/a", reply_cb, &r[0]);
	xs_read_async(p.c, 0, "/b", reply_cb, &r[1]);
	g_free(peer_recv(&p, &h));
	g_free(peer_recv(&p, &h));
	bad = (struct xsd_sockmsg){ bc->type, h.req_id - 1 + (uint32_t)bc->req_id_delta,
				    0, bc->len };
	memcpy(msg, &bad, sizeof(bad));
	memcpy(msg + sizeof(bad), bc->payload, bc->sent);
	peer_send_raw(&p, msg, sizeof(bad) + bc->sent);
	assert_failed(&p, r, 2);
	for (int i = 0; i < 2; i++)
		reply_clear(&r[i]);
	peer_close(&p);
}

static void test_reply_without_request(void)
{
	struct peer p;

	peer_open(&p);
	peer_send(&p, XS_READ, 0, "v", 1);
	assert_failed(&p, NULL, 0);
	peer_close(&p);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/xsclient/ring/requests", test_requests);
	g_test_add_func("/xsclient/ring/large", test_large);
	g_test_add_func("/xsclient/ring/watch", test_watch);
	g_test_add_func("/xsclient/ring/bad-rsp-indexes", test_bad_rsp_indexes);
	g_test_add_func("/xsclient/ring/bad-req-indexes", test_bad_req_indexes);
	g_test_add_func("/xsclient/ring/error-field", test_error_field);
	g_test_add_func("/xsclient/ring/reply-without-request", test_reply_without_request);
	for (size_t i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
		g_autofree char *name = g_strdup_printf("/xsclient/ring/bad/%s",
							bad_cases[i].name);

		g_test_add_data_func(name, &bad_cases[i], test_bad_message);
	}
	return g_test_run();
}
