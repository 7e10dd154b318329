/* The domain ring transport (src/xenstored/transport_ring.c) on a fake
 * platform: pages in memory, event channels as a queue behind a pipe. The
 * test plays the guests (it writes requests into their rings and reads
 * the replies) and dom0's tools (a privileged memory connection). */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

#include "config.h"
#include "connection.h"
#include "core.h"
#include "domain.h"
#include "log.h"
#include <xvm/platform.h>
#include "ring.h"
#include "transport.h"

#define VIRQ_PORT 1000
#define MAX_DOMS 8

struct fake_dom {
	uint32_t domid;
	struct xenstore_domain_interface *page;
	uint32_t remote_port;
	int local_port;          /* xenstored's end, -1 when unbound */
	bool exists, shutdown, dying;
	unsigned int notified;   /* notifications from xenstored */
};

static struct fake_dom doms[MAX_DOMS];
static int ndoms;
static int pipefd[2];
static int queue[256];
static int qhead, qlen;
static int next_port = 10;
static struct event_base *base;
static struct connection *tools;   /* dom0's tools, privileged */

static struct fake_dom *dom_by_id(uint32_t domid)
{
	for (int i = 0; i < ndoms; i++)
		if (doms[i].domid == domid)
			return &doms[i];
	return NULL;
}

static struct fake_dom *dom_by_port(int port)
{
	for (int i = 0; i < ndoms; i++)
		if (doms[i].local_port == port)
			return &doms[i];
	return NULL;
}

static void raise_port(int port)
{
	g_assert_cmpint(qlen, <, 256);
	queue[(qhead + qlen++) % 256] = port;
	g_assert_cmpint(write(pipefd[1], "x", 1), ==, 1);
}

/* ---- the fake platform ------------------------------------------------ */

static void *f_map(struct xs_platform *p, uint32_t domid, uint64_t gfn)
{
	struct fake_dom *d = dom_by_id(domid);

	(void)p; (void)gfn;
	if (!d || !d->exists) {
		errno = ESRCH;
		return NULL;
	}
	return d->page;
}

static int f_unmap(struct xs_platform *p, uint32_t domid, void *page)
{
	(void)p; (void)domid; (void)page;
	return 0;
}

static void *f_local_ring(struct xs_platform *p)
{
	return f_map(p, 0, 0);
}

static int f_local_port(struct xs_platform *p, uint32_t *port)
{
	(void)p;
	*port = dom_by_id(0)->remote_port;
	return 0;
}

static int f_fd(struct xs_platform *p)
{
	(void)p;
	return pipefd[0];
}

static int f_bind(struct xs_platform *p, uint32_t domid, uint32_t rport)
{
	struct fake_dom *d = dom_by_id(domid);

	(void)p;
	if (!d || !d->exists || d->remote_port != rport) {
		errno = EINVAL;
		return -1;
	}
	d->local_port = next_port++;
	return d->local_port;
}

static int f_bind_virq(struct xs_platform *p)
{
	(void)p;
	return VIRQ_PORT;
}

static int f_unbind(struct xs_platform *p, uint32_t port)
{
	struct fake_dom *d = dom_by_port((int)port);

	(void)p;
	if (d)
		d->local_port = -1;
	return 0;
}

static int f_notify(struct xs_platform *p, uint32_t port)
{
	struct fake_dom *d = dom_by_port((int)port);

	(void)p;
	g_assert_nonnull(d);
	d->notified++;
	return 0;
}

static int f_pending(struct xs_platform *p)
{
	char c;

	(void)p;
	if (!qlen || read(pipefd[0], &c, 1) != 1) {
		errno = EAGAIN;
		return -1;
	}
	qlen--;
	return queue[qhead++ % 256];
}

static int f_unmask(struct xs_platform *p, uint32_t port)
{
	(void)p; (void)port;
	return 0;
}

static int f_info(struct xs_platform *p, uint32_t domid, struct xs_dominfo *info)
{
	struct fake_dom *d = dom_by_id(domid);

	(void)p;
	memset(info, 0, sizeof(*info));
	if (!d || !d->exists)
		return 0;
	info->shutdown = d->shutdown;
	info->dying = d->dying;
	return 1;
}

static void f_close(struct xs_platform *p)
{
	(void)p;
}

static struct xs_platform fake = {
	.name = "fake",
	.master_domid = 0,
	.map_ring = f_map,
	.unmap_ring = f_unmap,
	.local_ring = f_local_ring,
	.local_port = f_local_port,
	.evtchn_fd = f_fd,
	.evtchn_bind_interdomain = f_bind,
	.evtchn_bind_dom_exc = f_bind_virq,
	.evtchn_unbind = f_unbind,
	.evtchn_notify = f_notify,
	.evtchn_pending = f_pending,
	.evtchn_unmask = f_unmask,
	.domain_info = f_info,
	.close = f_close,
};

/* ---- helpers ---------------------------------------------------------- */

static void run_loop(void)
{
	for (int i = 0; i < 50; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

static struct fake_dom *add_dom(uint32_t domid, uint32_t rport)
{
	struct fake_dom *d = &doms[ndoms++];

	memset(d, 0, sizeof(*d));
	d->domid = domid;
	d->page = g_malloc0(4096);
	d->remote_port = rport;
	d->local_port = -1;
	d->exists = true;
	return d;
}

static void setup(void)
{
	config_defaults();
	log_init(true, false);
	core_init();
	core_setup();
	ndoms = 0;
	qhead = qlen = 0;
	g_assert_cmpint(pipe2(pipefd, O_NONBLOCK | O_CLOEXEC), ==, 0);
	base = event_base_new();
	g_assert_cmpint(ring_init(base, &fake), ==, 0);
	tools = mem_conn_new(0, 1);
}

static void teardown(void)
{
	core_fini();
	ring_shutdown();
	event_base_free(base);
	close(pipefd[0]);
	close(pipefd[1]);
	for (int i = 0; i < ndoms; i++)
		g_free(doms[i].page);
}

/* A request from dom0's tools; returns the reply's payload (type in
 * *type) and forgets other output (watch events) unless events is set. */
static char *tools_req(uint32_t type, const char *payload, size_t len,
		       uint32_t *rtype)
{
	struct xsd_sockmsg h = { type, 77, 0, (uint32_t)len };
	char buf[XS_HDR_SIZE + 4096];
	const char *out;
	size_t olen, off = 0;
	char *res = NULL;

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, len);
	mem_conn_clear_output(tools);
	conn_feed(tools, buf, sizeof(h) + len);
	conn_flush_all();
	out = mem_conn_output(tools, &olen);
	while (off + XS_HDR_SIZE <= olen) {
		struct xsd_sockmsg r;

		memcpy(&r, out + off, sizeof(r));
		if (r.req_id == 77 && r.type != XS_WATCH_EVENT) {
			res = g_strndup(out + off + XS_HDR_SIZE, r.len);
			if (rtype)
				*rtype = r.type;
		}
		off += XS_HDR_SIZE + r.len;
	}
	g_assert_nonnull(res);
	return res;
}

/* Does the tools' output so far hold a watch event for path? */
static bool tools_saw_event(const char *path)
{
	size_t olen, off = 0;
	const char *out = mem_conn_output(tools, &olen);

	while (off + XS_HDR_SIZE <= olen) {
		struct xsd_sockmsg r;

		memcpy(&r, out + off, sizeof(r));
		if (r.type == XS_WATCH_EVENT && r.len > strlen(path) &&
		    !strcmp(out + off + XS_HDR_SIZE, path))
			return true;
		off += XS_HDR_SIZE + r.len;
	}
	return false;
}

static void tools_ok(uint32_t type, const char *payload, size_t len)
{
	uint32_t t;
	char *r = tools_req(type, payload, len, &t);

	if (t == XS_ERROR)
		g_error("request %u failed: %s", type, r);
	g_free(r);
}

/* The guest's side of the ring (as Linux's xenbus_comms.c). */
static void guest_write(struct fake_dom *d, const void *data, size_t len)
{
	struct xenstore_domain_interface *in = d->page;
	const char *p = data;
	int spins = 0;

	while (len) {
		XENSTORE_RING_IDX prod = in->req_prod;
		size_t space = XENSTORE_RING_SIZE - (prod - in->req_cons);
		size_t off = MASK_XENSTORE_IDX(prod), n = len;

		if (n > space)
			n = space;
		if (n > XENSTORE_RING_SIZE - off)
			n = XENSTORE_RING_SIZE - off;
		if (!n) {
			/* Full: let xenstored consume. */
			g_assert_cmpint(++spins, <, 100);
			raise_port(d->local_port);
			run_loop();
			continue;
		}
		memcpy(in->req + off, p, n);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		in->req_prod = prod + (XENSTORE_RING_IDX)n;
		p += n;
		len -= n;
	}
	raise_port(d->local_port);
}

static void guest_send(struct fake_dom *d, uint32_t type, uint32_t req_id,
		       const void *payload, size_t len)
{
	struct xsd_sockmsg h = { type, req_id, 0, (uint32_t)len };
	char *buf = g_malloc(sizeof(h) + len);

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, len);
	guest_write(d, buf, sizeof(h) + len);
	g_free(buf);
}

static size_t rsp_avail(struct fake_dom *d)
{
	return d->page->rsp_prod - d->page->rsp_cons;
}

static void guest_read_bytes(struct fake_dom *d, void *buf, size_t len)
{
	struct xenstore_domain_interface *in = d->page;
	char *p = buf;
	int spins = 0;

	while (len) {
		XENSTORE_RING_IDX cons = in->rsp_cons;
		size_t avail = in->rsp_prod - cons, off = MASK_XENSTORE_IDX(cons), n = len;

		if (!avail) {
			g_assert_cmpint(++spins, <, 100);
			run_loop();
			continue;
		}
		if (n > avail)
			n = avail;
		if (n > XENSTORE_RING_SIZE - off)
			n = XENSTORE_RING_SIZE - off;
		memcpy(p, in->rsp + off, n);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		in->rsp_cons = cons + (XENSTORE_RING_IDX)n;
		/* Linux notifies when it frees a full ring. */
		if (avail == XENSTORE_RING_SIZE)
			raise_port(d->local_port);
		p += n;
		len -= n;
	}
}

/* Reads the next message that is not a watch event (events are counted). */
static char *guest_recv(struct fake_dom *d, struct xsd_sockmsg *h,
			unsigned int *events)
{
	for (;;) {
		char *body;

		guest_read_bytes(d, h, sizeof(*h));
		g_assert_cmpuint(h->len, <=, XENSTORE_PAYLOAD_MAX);
		body = g_malloc0(h->len + 1);
		guest_read_bytes(d, body, h->len);
		if (h->type != XS_WATCH_EVENT)
			return body;
		if (events)
			(*events)++;
		g_free(body);
	}
}

static char *guest_req(struct fake_dom *d, uint32_t type, const void *p,
		       size_t len, uint32_t *rtype)
{
	static uint32_t id = 1;
	struct xsd_sockmsg h;
	char *r;

	guest_send(d, type, ++id, p, len);
	run_loop();
	r = guest_recv(d, &h, NULL);
	g_assert_cmpuint(h.req_id, ==, id);
	if (rtype)
		*rtype = h.type;
	return r;
}

#define S(s) s, sizeof(s)

static struct fake_dom *introduce_5(void)
{
	struct fake_dom *d = add_dom(5, 7);

	tools_ok(XS_MKDIR, S("/local/domain/5"));
	tools_ok(XS_SET_PERMS, S("/local/domain/5\0n5"));
	tools_ok(XS_WATCH, S("@introduceDomain\0tokI"));
	tools_ok(XS_WATCH, S("@releaseDomain\0tokR"));
	mem_conn_clear_output(tools);
	tools_ok(XS_INTRODUCE, S("5\0" "1234\0" "7"));
	g_assert_true(tools_saw_event("@introduceDomain"));
	g_assert_cmpint(d->local_port, >=, 10);
	g_assert_cmpuint(d->page->server_features, ==,
			 XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR);
	return d;
}

/* ---- tests ------------------------------------------------------------ */

static void test_introduce_and_serve(void)
{
	struct fake_dom *d;
	uint32_t t;
	char *r;

	setup();
	tools_ok(XS_WRITE, S("/local/domain/0/secret\0s3cr3t"));
	d = introduce_5();
	r = tools_req(XS_IS_DOMAIN_INTRODUCED, S("5"), &t);
	g_assert_cmpstr(r, ==, "T");
	g_free(r);

	r = guest_req(d, XS_WRITE, S("/local/domain/5/x\0hello") - 1, &t);
	g_assert_cmpuint(t, ==, XS_WRITE);
	g_free(r);
	r = guest_req(d, XS_READ, S("/local/domain/5/x"), &t);
	g_assert_cmpuint(t, ==, XS_READ);
	g_assert_cmpstr(r, ==, "hello");
	g_free(r);
	/* Relative paths are below its home. */
	r = guest_req(d, XS_READ, S("x"), &t);
	g_assert_cmpstr(r, ==, "hello");
	g_free(r);
	/* Not privileged. */
	r = guest_req(d, XS_READ, S("/local/domain/0/secret"), &t);
	g_assert_cmpuint(t, ==, XS_ERROR);
	g_assert_cmpstr(r, ==, "EACCES");
	g_free(r);
	r = guest_req(d, XS_INTRODUCE, S("6\0" "1\0" "2"), &t);
	g_assert_cmpuint(t, ==, XS_ERROR);
	g_assert_cmpstr(r, ==, "EACCES");
	g_free(r);
	/* dom0 sees what it wrote. */
	r = tools_req(XS_READ, S("/local/domain/5/x"), &t);
	g_assert_cmpstr(r, ==, "hello");
	g_free(r);
	teardown();
}

/* Big replies and many requests: both rings wrap many times, replies
 * longer than the ring go out in pieces. */
static void test_wrap_and_big(void)
{
	struct fake_dom *d;
	char val[3000], path[64], payload[3100];
	uint32_t t;
	char *r;

	setup();
	d = introduce_5();
	for (int i = 0; i < 200; i++) {
		size_t vlen = 100 + (size_t)(i * 37) % 1900;  /* node-size quota 2048 */
		int n = snprintf(path, sizeof(path), "/local/domain/5/n%d", i % 7);

		memset(val, 'a' + i % 26, vlen);
		memcpy(payload, path, (size_t)n + 1);
		memcpy(payload + n + 1, val, vlen);
		r = guest_req(d, XS_WRITE, payload, (size_t)n + 1 + vlen, &t);
		g_assert_cmpuint(t, ==, XS_WRITE);
		g_free(r);
		r = guest_req(d, XS_READ, path, (size_t)n + 1, &t);
		g_assert_cmpuint(t, ==, XS_READ);
		g_assert_cmpuint(strlen(r), ==, vlen);
		g_assert_true(!memcmp(r, val, vlen));
		g_free(r);
	}
	teardown();
}

/* Requests pipelined beyond the outstanding quota and the response
 * ring: every reply arrives once the guest reads (the transport picks up
 * what waits in the ring without a new notification). */
static void test_pipeline_backpressure(void)
{
	struct fake_dom *d;
	struct xsd_sockmsg h;
	char val[900 + 32];
	int n = 28;  /* 28 READs of 36 bytes fill the request ring */

	setup();
	d = introduce_5();
	memcpy(val, "/local/domain/5/big", 20);
	memset(val + 20, 'b', 900);
	tools_ok(XS_WRITE, val, 920);
	for (int i = 0; i < n; i++)
		guest_send(d, XS_READ, 1000 + i, "/local/domain/5/big", 20);
	run_loop();
	/* Past the outstanding quota (20) it stopped answering. */
	g_assert_cmpuint(d->page->rsp_prod - d->page->rsp_cons, ==, XENSTORE_RING_SIZE);
	for (int i = 0; i < n; i++) {
		char *r = guest_recv(d, &h, NULL);
		g_assert_cmpuint(h.type, ==, XS_READ);
		g_assert_cmpuint(h.req_id, ==, 1000 + i);
		g_assert_cmpuint(h.len, ==, 900);
		g_free(r);
	}
	g_assert_cmpuint(d->page->req_prod, ==, d->page->req_cons);
	teardown();
}

static void test_bad_index_and_reconnect(void)
{
	struct fake_dom *d;
	struct xsd_sockmsg h;
	uint32_t t;
	char *r;

	setup();
	d = introduce_5();
	r = guest_req(d, XS_WATCH, S("/local/domain/5/w\0tok"), &t);
	g_assert_cmpuint(t, ==, XS_WATCH);
	g_free(r);
	guest_read_bytes(d, &h, sizeof(h));  /* the initial event */
	g_assert_cmpuint(h.type, ==, XS_WATCH_EVENT);
	{
		char body[64];
		g_assert_cmpuint(h.len, <, sizeof(body));
		guest_read_bytes(d, body, h.len);
	}

	/* Scribbled indexes. */
	d->page->req_prod = d->page->req_cons + 5000;
	raise_port(d->local_port);
	run_loop();
	g_assert_cmpuint(d->page->error, ==, XENSTORE_ERROR_RINGIDX);
	/* Ignored from now on, and not released. */
	d->page->req_prod = d->page->req_cons;
	guest_send(d, XS_READ, 9, S("x"));
	run_loop();
	g_assert_cmpuint(rsp_avail(d), ==, 0);
	r = tools_req(XS_IS_DOMAIN_INTRODUCED, S("5"), &t);
	g_assert_cmpstr(r, ==, "T");
	g_free(r);
	tools_ok(XS_WRITE, S("/local/domain/5/w\0changed"));
	run_loop();
	g_assert_cmpuint(rsp_avail(d), ==, 0);

	/* Reconnection: afresh, with no watch left. */
	d->page->connection = XENSTORE_RECONNECT;
	raise_port(d->local_port);
	run_loop();
	g_assert_cmpuint(d->page->connection, ==, XENSTORE_CONNECTED);
	g_assert_cmpuint(d->page->error, ==, XENSTORE_ERROR_NONE);
	g_assert_cmpuint(d->page->req_cons, ==, 0);
	g_assert_cmpuint(d->page->req_prod, ==, 0);
	g_assert_cmpuint(d->page->rsp_cons, ==, 0);
	g_assert_cmpuint(d->page->rsp_prod, ==, 0);
	r = guest_req(d, XS_WRITE, S("/local/domain/5/y\0z") - 1, &t);
	g_assert_cmpuint(t, ==, XS_WRITE);
	g_free(r);
	tools_ok(XS_WRITE, S("/local/domain/5/w\0again"));
	run_loop();
	r = guest_req(d, XS_READ, S("y"), &t);
	g_assert_cmpstr(r, ==, "z");
	g_free(r);
	g_assert_cmpuint(rsp_avail(d), ==, 0);  /* no event of the old watch */

	/* Bad response indexes too. */
	d->page->rsp_cons = d->page->rsp_prod + 3000;
	guest_send(d, XS_READ, 10, S("y"));
	run_loop();
	g_assert_cmpuint(d->page->error, ==, XENSTORE_ERROR_RINGIDX);
	teardown();
}

static void test_oversized(void)
{
	struct fake_dom *d;
	struct xsd_sockmsg h = { XS_WRITE, 3, 0, XENSTORE_PAYLOAD_MAX + 1 };
	uint32_t t;
	char *r;

	setup();
	d = introduce_5();
	guest_write(d, &h, sizeof(h));
	run_loop();
	g_assert_cmpuint(d->page->error, ==, XENSTORE_ERROR_PROTO);
	r = tools_req(XS_IS_DOMAIN_INTRODUCED, S("5"), &t);
	g_assert_cmpstr(r, ==, "T");
	g_free(r);
	teardown();
}

static void test_shutdown_and_death(void)
{
	struct fake_dom *d;
	uint32_t t;
	char *r;

	setup();
	d = introduce_5();
	r = guest_req(d, XS_WRITE, S("/local/domain/5/data\0x") - 1, &t);
	g_free(r);

	mem_conn_clear_output(tools);
	d->shutdown = true;
	raise_port(VIRQ_PORT);
	run_loop();
	g_assert_true(tools_saw_event("@releaseDomain"));
	r = tools_req(XS_IS_DOMAIN_INTRODUCED, S("5"), &t);
	g_assert_cmpstr(r, ==, "T");
	g_free(r);
	/* Once only. */
	mem_conn_clear_output(tools);
	raise_port(VIRQ_PORT);
	run_loop();
	g_assert_false(tools_saw_event("@releaseDomain"));

	d->dying = true;
	raise_port(VIRQ_PORT);
	run_loop();
	g_assert_true(tools_saw_event("@releaseDomain"));
	g_assert_cmpint(d->local_port, ==, -1);  /* unbound */
	r = tools_req(XS_IS_DOMAIN_INTRODUCED, S("5"), &t);
	g_assert_cmpstr(r, ==, "F");
	g_free(r);
	r = tools_req(XS_READ, S("/local/domain/5/data"), &t);
	g_assert_cmpuint(t, ==, XS_ERROR);
	g_free(r);
	g_assert_cmpuint(domain_count(), <=, 1);
	teardown();
}

static void test_release_and_reintroduce(void)
{
	struct fake_dom *d;
	uint32_t t;
	char *r;
	int old;

	setup();
	d = introduce_5();
	old = d->local_port;
	/* Re-introduction rebinds the event channel. */
	tools_ok(XS_INTRODUCE, S("5\0" "1234\0" "7"));
	g_assert_cmpint(d->local_port, !=, old);
	r = guest_req(d, XS_GET_DOMAIN_PATH, S("5"), &t);
	g_assert_cmpstr(r, ==, "/local/domain/5");
	g_free(r);
	tools_ok(XS_RELEASE, S("5"));
	g_assert_cmpint(d->local_port, ==, -1);
	r = tools_req(XS_IS_DOMAIN_INTRODUCED, S("5"), &t);
	g_assert_cmpstr(r, ==, "F");
	g_free(r);
	/* A domain that does not exist cannot be introduced. */
	r = tools_req(XS_INTRODUCE, S("9\0" "1\0" "3"), &t);
	g_assert_cmpuint(t, ==, XS_ERROR);
	g_free(r);
	teardown();
}

static void test_master_ring(void)
{
	struct fake_dom *d0;
	uint32_t t;
	char *r;

	setup();
	d0 = add_dom(0, 3);
	tools_ok(XS_WRITE, S("/local/domain/0/secret\0s3cr3t"));
	g_assert_cmpint(ring_init_master(), ==, 0);
	g_assert_cmpuint(d0->notified, >=, 1);  /* dom0's kernel waits for it */
	r = guest_req(d0, XS_READ, S("/local/domain/0/secret"), &t);
	g_assert_cmpuint(t, ==, XS_READ);
	g_assert_cmpstr(r, ==, "s3cr3t");
	g_free(r);
	/* dom0 may introduce. */
	add_dom(5, 7);
	r = guest_req(d0, XS_INTRODUCE, S("5\0" "1\0" "7"), &t);
	g_assert_cmpuint(t, ==, XS_INTRODUCE);
	g_free(r);
	teardown();
}

/* A guest's nodes are counted against the node quota (1000, -E), with
 * the nodes spread so that no single node nears the size quota. */
static void test_node_quota(void)
{
	struct fake_dom *d;
	char payload[96];
	uint32_t t = 0;
	char *r = NULL;
	int i;

	setup();
	d = introduce_5();
	for (i = 0; i < 1200; i++) {
		int l = snprintf(payload, sizeof(payload), "data/xsprobe/q/%d/%d",
				 i / 100, i % 100);
		memcpy(payload + l + 1, "x", 1);
		g_free(r);
		r = guest_req(d, XS_WRITE, payload, (size_t)l + 2, &t);
		if (t == XS_ERROR)
			break;
	}
	g_test_message("quota error %s after %d writes", r, i);
	g_assert_cmpuint(t, ==, XS_ERROR);
	g_assert_cmpint(i, >=, 950);
	g_assert_cmpint(i, <=, 1000);
	g_free(r);
	teardown();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ring/introduce-and-serve", test_introduce_and_serve);
	g_test_add_func("/ring/wrap-and-big", test_wrap_and_big);
	g_test_add_func("/ring/pipeline-backpressure", test_pipeline_backpressure);
	g_test_add_func("/ring/bad-index-and-reconnect", test_bad_index_and_reconnect);
	g_test_add_func("/ring/oversized", test_oversized);
	g_test_add_func("/ring/shutdown-and-death", test_shutdown_and_death);
	g_test_add_func("/ring/release-and-reintroduce", test_release_and_reintroduce);
	g_test_add_func("/ring/master-ring", test_master_ring);
	g_test_add_func("/ring/node-quota", test_node_quota);
	return g_test_run();
}
