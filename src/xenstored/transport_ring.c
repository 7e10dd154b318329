/* The domain ring transport. See ring.h; the platform (pages, event
 * channels, domain table) is platform.h's. */
#include "ring.h"

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <xen/xen.h>
#include <xen/io/xs_wire.h>
#include <xvm/platform.h>

#include "connection.h"
#include "domain.h"
#include "list.h"
#include "log.h"
#include "transaction.h"
#include "util.h"
#include "watch.h"

/* Full barrier, as Xen's xen_mb(): the guest runs on other CPUs. */
#define ring_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
/* One read (or write) of an index the guest may change at any time. */
#define IDX_READ(p) __atomic_load_n(&(p), __ATOMIC_RELAXED)
#define IDX_WRITE(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELAXED)

struct ring {
	struct list_head list;
	uint32_t domid;
	uint32_t remote_port;
	int port;                   /* local port; -1 when unbound */
	struct xenstore_domain_interface *intf;
	struct connection *conn;
	struct event *kick;         /* runs the ring without a notification */
	bool want_read, want_write;
	bool ignored;               /* broken by the guest: not served */
	/* Framing of the request stream, to catch an oversized message
	 * before the core sees it (XENSTORE_ERROR_PROTO). */
	unsigned char hdr[sizeof(struct xsd_sockmsg)];
	unsigned int hdr_have;
	uint32_t body_left;
};

static struct event_base *base;
static struct xs_platform *plat;
static struct event *evtchn_ev;
static int virq_port = -1;
static struct list_head rings = LIST_HEAD_INIT(rings);
static int log_limit;

static struct ring *ring_by_port(int port)
{
	struct ring *r;

	list_for_each_entry(r, &rings, list)
		if (r->port == port)
			return r;
	return NULL;
}

static struct ring *ring_by_domid(uint32_t domid)
{
	struct ring *r;

	list_for_each_entry(r, &rings, list)
		if (r->domid == domid)
			return r;
	return NULL;
}

static void ring_notify(struct ring *r)
{
	if (r->port >= 0 && plat->evtchn_notify(plat, (uint32_t)r->port))
		xs_log_ratelimited(&log_limit, LOG_WARNING,
				   "cannot notify domain %u (port %d): %s",
				   r->domid, r->port, strerror(errno));
}

static bool idx_ok(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod)
{
	return (XENSTORE_RING_IDX)(prod - cons) <= XENSTORE_RING_SIZE;
}

/* Forgets everything the connection had going: watches, transactions,
 * unread input, unsent output. (The ring's contents are the caller's.) */
static void framing_reset(struct ring *r)
{
	r->hdr_have = 0;
	r->body_left = 0;
}

/* The guest broke its ring: tell it (error field) and stop serving it. */
static void ring_fail(struct ring *r, uint32_t error, const char *why)
{
	xs_log(LOG_WARNING, "domain %u: %s: connection %lu ignored until it "
	       "reconnects", r->domid, why, r->conn ? r->conn->id : 0UL);
	r->ignored = true;
	IDX_WRITE(r->intf->error, error);
	ring_mb();
	framing_reset(r);
	if (r->conn)
		conn_reset(r->conn);
	ring_notify(r);
}

/* Follows message boundaries in the bytes just read; false when a header
 * announces more than XENSTORE_PAYLOAD_MAX. */
static bool framing_check(struct ring *r, const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t take;

		if (r->body_left) {
			take = n - i < r->body_left ? n - i : r->body_left;
			r->body_left -= (uint32_t)take;
			i += take;
			continue;
		}
		take = sizeof(r->hdr) - r->hdr_have;
		if (take > n - i)
			take = n - i;
		memcpy(r->hdr + r->hdr_have, p + i, take);
		r->hdr_have += (unsigned int)take;
		i += take;
		if (r->hdr_have == sizeof(r->hdr)) {
			struct xsd_sockmsg h;

			memcpy(&h, r->hdr, sizeof(h));
			r->hdr_have = 0;
			if (h.len > XENSTORE_PAYLOAD_MAX)
				return false;
			r->body_left = h.len;
		}
	}
	return true;
}

static ssize_t ring_read(struct connection *conn, void *buf, size_t len)
{
	struct ring *r = conn->transport;
	struct xenstore_domain_interface *intf = r->intf;
	XENSTORE_RING_IDX cons, prod, avail;
	size_t n = 0;

	if (r->ignored)
		return 0;
	/* Indexes once, before the data, and checked. */
	cons = IDX_READ(intf->req_cons);
	prod = IDX_READ(intf->req_prod);
	ring_mb();
	if (!idx_ok(cons, prod)) {
		ring_fail(r, XENSTORE_ERROR_RINGIDX, "bad request ring indexes");
		return 0;
	}
	avail = prod - cons;
	if (avail > len)
		avail = (XENSTORE_RING_IDX)len;
	while (n < avail) {
		XENSTORE_RING_IDX off = MASK_XENSTORE_IDX(cons + (XENSTORE_RING_IDX)n);
		size_t chunk = XENSTORE_RING_SIZE - off;

		if (chunk > avail - n)
			chunk = avail - n;
		memcpy((char *)buf + n, intf->req + off, chunk);
		n += chunk;
	}
	if (!n)
		return 0;
	/* Data copied before the slots are given back. */
	ring_mb();
	IDX_WRITE(intf->req_cons, cons + (XENSTORE_RING_IDX)n);
	ring_mb();
	ring_notify(r);
	if (!framing_check(r, buf, n)) {
		ring_fail(r, XENSTORE_ERROR_PROTO,
			  "message longer than XENSTORE_PAYLOAD_MAX");
		return 0;
	}
	return (ssize_t)n;
}

static ssize_t ring_write(struct connection *conn, const void *buf, size_t len)
{
	struct ring *r = conn->transport;
	struct xenstore_domain_interface *intf = r->intf;
	XENSTORE_RING_IDX cons, prod, space;
	size_t n = 0;

	if (r->ignored)
		return (ssize_t)len;  /* nobody listens: discarded */
	cons = IDX_READ(intf->rsp_cons);
	prod = IDX_READ(intf->rsp_prod);
	ring_mb();
	if (!idx_ok(cons, prod)) {
		ring_fail(r, XENSTORE_ERROR_RINGIDX, "bad response ring indexes");
		return 0;  /* the queue was emptied by the reset */
	}
	space = XENSTORE_RING_SIZE - (prod - cons);
	if (space > len)
		space = (XENSTORE_RING_IDX)len;
	while (n < space) {
		XENSTORE_RING_IDX off = MASK_XENSTORE_IDX(prod + (XENSTORE_RING_IDX)n);
		size_t chunk = XENSTORE_RING_SIZE - off;

		if (chunk > space - n)
			chunk = space - n;
		memcpy(intf->rsp + off, (const char *)buf + n, chunk);
		n += chunk;
	}
	if (!n)
		return 0;
	/* Data visible before the producer index. */
	ring_mb();
	IDX_WRITE(intf->rsp_prod, prod + (XENSTORE_RING_IDX)n);
	ring_mb();
	ring_notify(r);
	return (ssize_t)n;
}

static bool ring_has_input(struct ring *r)
{
	XENSTORE_RING_IDX cons = IDX_READ(r->intf->req_cons);
	XENSTORE_RING_IDX prod = IDX_READ(r->intf->req_prod);

	return cons != prod;
}

static bool ring_has_space(struct ring *r)
{
	XENSTORE_RING_IDX cons = IDX_READ(r->intf->rsp_cons);
	XENSTORE_RING_IDX prod = IDX_READ(r->intf->rsp_prod);

	return (XENSTORE_RING_IDX)(prod - cons) != XENSTORE_RING_SIZE;
}

static void ring_want(struct connection *conn, bool rd, bool wr)
{
	struct ring *r = conn->transport;

	r->want_read = rd;
	r->want_write = wr;
	if (r->ignored)
		return;
	/* The guest notifies when it adds to an empty request ring or frees
	 * a full response ring; what is there already is ours to pick up. */
	if ((rd && ring_has_input(r)) || (wr && ring_has_space(r)))
		event_active(r->kick, EV_READ, 0);
}

static void ring_unbind(struct ring *r)
{
	if (r->port >= 0 && plat->evtchn_unbind(plat, (uint32_t)r->port))
		xs_log(LOG_WARNING, "domain %u: cannot unbind port %d: %s",
		       r->domid, r->port, strerror(errno));
	r->port = -1;
}

static void ring_free(struct ring *r)
{
	list_del(&r->list);
	if (r->kick)
		event_free(r->kick);
	ring_unbind(r);
	if (r->intf && plat->unmap_ring(plat, r->domid, r->intf))
		xs_log(LOG_WARNING, "domain %u: cannot unmap its ring: %s",
		       r->domid, strerror(errno));
	free(r);
}

static void ring_close(struct connection *conn)
{
	struct ring *r = conn->transport;

	xs_log(LOG_INFO, "domain %u: ring connection %lu closed", r->domid, conn->id);
	r->conn = NULL;
	ring_free(r);
}

static const struct conn_ops ring_ops = {
	.name = "ring",
	.read = ring_read,
	.write = ring_write,
	.want = ring_want,
	.close = ring_close,
};

/* connection = XENSTORE_RECONNECT: the guest starts afresh. */
static void ring_reconnect(struct ring *r)
{
	struct xenstore_domain_interface *intf = r->intf;

	xs_log(LOG_INFO, "domain %u: ring reconnection", r->domid);
	if (r->conn)
		conn_reset(r->conn);
	framing_reset(r);
	r->ignored = false;
	IDX_WRITE(intf->req_cons, 0);
	IDX_WRITE(intf->req_prod, 0);
	IDX_WRITE(intf->rsp_cons, 0);
	IDX_WRITE(intf->rsp_prod, 0);
	IDX_WRITE(intf->error, XENSTORE_ERROR_NONE);
	ring_mb();
	IDX_WRITE(intf->connection, XENSTORE_CONNECTED);
	ring_mb();
	ring_notify(r);
}

/* The guest notified us, or a kick: serve the ring. */
static void ring_run(struct ring *r)
{
	ring_mb();
	if (IDX_READ(r->intf->connection) == XENSTORE_RECONNECT)
		ring_reconnect(r);
	if (r->ignored || !r->conn)
		return;
	/* Reads what it may (quota permitting), then writes what it has. */
	conn_handle_input(r->conn);
}

static void kick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	ring_run(arg);
	conn_flush_all();
}

/* VIRQ_DOM_EXC: some domain shut down, crashed or is dying. */
static void check_domains(void)
{
	uint32_t *ids;
	size_t n = 0, cap = 0;
	struct ring *r;

	list_for_each_entry(r, &rings, list)
		cap++;
	if (!cap)
		return;
	ids = xcalloc(cap, sizeof(*ids));
	list_for_each_entry(r, &rings, list)
		if (r->domid != plat->master_domid)
			ids[n++] = r->domid;
	/* Dropping a connection frees its ring: look each up again. */
	for (size_t i = 0; i < n; i++) {
		struct xs_dominfo info;
		int rc = plat->domain_info(plat, ids[i], &info);

		if (rc < 0) {
			xs_log_ratelimited(&log_limit, LOG_WARNING,
				"cannot get the state of domain %u: %s",
				ids[i], strerror(errno));
			continue;
		}
		if (!ring_by_domid(ids[i]))
			continue;
		if (rc == 0 || info.dying) {
			xs_log(LOG_INFO, "domain %u %s", ids[i],
			       rc == 0 ? "is gone" : "is dying");
			domain_state_changed(ids[i], true, true);
		} else if (info.shutdown) {
			domain_state_changed(ids[i], true, false);
		}
	}
	free(ids);
}

static void evtchn_cb(evutil_socket_t fd, short what, void *arg)
{
	int port;
	struct ring *r;

	(void)fd; (void)what; (void)arg;
	port = plat->evtchn_pending(plat);
	if (port < 0) {
		if (errno != EAGAIN && errno != EINTR)
			xs_log_ratelimited(&log_limit, LOG_ERR,
				"reading the event channel device: %s", strerror(errno));
		return;
	}
	if (port == virq_port) {
		check_domains();
	} else if ((r = ring_by_port(port))) {
		ring_run(r);
	}
	/* Unmask only what is still bound (a dying domain's port is gone). */
	if (port == virq_port || ring_by_port(port))
		plat->evtchn_unmask(plat, (uint32_t)port);
	conn_flush_all();
}

/* Creates the ring and its connection for domid; attaches it. */
static int ring_connect(uint32_t domid, void *page, uint32_t remote_port)
{
	struct ring *r = xcalloc(1, sizeof(*r));
	int port, err;

	r->domid = domid;
	r->remote_port = remote_port;
	r->port = -1;
	r->intf = page;
	list_init(&r->list);
	list_add_tail(&r->list, &rings);
	port = plat->evtchn_bind_interdomain(plat, domid, remote_port);
	if (port < 0) {
		err = errno ? errno : EINVAL;
		xs_log(LOG_WARNING, "domain %u: cannot bind event channel %u: %s",
		       domid, remote_port, strerror(err));
		ring_free(r);
		return err;
	}
	r->port = port;
	r->kick = event_new(base, -1, 0, kick_cb, r);
	r->conn = conn_new(NULL, &ring_ops, r, domid, false);
	if (!r->kick || !r->conn) {
		if (r->conn)
			talloc_free(r->conn);  /* frees r too */
		else
			ring_free(r);
		return ENOMEM;
	}
	err = domain_attach_conn(domid, r->conn);
	if (err) {
		talloc_free(r->conn);
		return err;
	}
	/* What we support; a fresh connection is in its steady state. */
	IDX_WRITE(r->intf->server_features,
		  XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR);
	ring_mb();
	xs_log(LOG_INFO, "domain %u: ring connection %lu, event channel %u -> "
	       "local port %d", domid, r->conn->id, remote_port, port);
	/* Serve what is there already, and wake the guest (dom0's kernel
	 * waits for this first event to know xenstored is up). */
	ring_notify(r);
	ring_want(r->conn, true, false);
	return 0;
}

static int plat_introduce(uint32_t domid, uint64_t gfn, uint32_t port)
{
	void *page;

	if (ring_by_domid(domid))
		return EEXIST;
	page = plat->map_ring(plat, domid, gfn);
	if (!page) {
		int err = errno ? errno : EINVAL;
		xs_log(LOG_WARNING, "domain %u: cannot map its xenstore page: %s",
		       domid, strerror(err));
		/* Xen answers EINVAL for a domain it cannot map. */
		return err == ENOMEM ? ENOMEM : EINVAL;
	}
	return ring_connect(domid, page, port);
}

static int plat_rebind(uint32_t domid, uint32_t remote_port)
{
	struct ring *r = ring_by_domid(domid);
	int port;

	if (!r)
		return EINVAL;
	ring_unbind(r);
	port = plat->evtchn_bind_interdomain(plat, domid, remote_port);
	if (port < 0) {
		int err = errno ? errno : EINVAL;
		xs_log(LOG_WARNING, "domain %u: cannot rebind event channel %u: %s",
		       domid, remote_port, strerror(err));
		return err;
	}
	r->port = port;
	r->remote_port = remote_port;
	ring_notify(r);
	if (r->conn)
		ring_want(r->conn, true, r->conn->out_len > 0);
	return 0;
}

static bool plat_domain_exists(uint32_t domid)
{
	struct xs_dominfo info;

	/* On an error, keep what refers to the domain. */
	return plat->domain_info(plat, domid, &info) != 0;
}

static const struct ring_platform ring_platform = {
	.name = "ring",
	.introduce = plat_introduce,
	.rebind = plat_rebind,
	.domain_exists = plat_domain_exists,
};

int ring_init(struct event_base *b, struct xs_platform *p)
{
	int fd;

	base = b;
	plat = p;
	fd = p->evtchn_fd(p);
	if (fd < 0)
		return -1;
	evtchn_ev = event_new(base, fd, EV_READ | EV_PERSIST, evtchn_cb, NULL);
	if (!evtchn_ev || event_add(evtchn_ev, NULL)) {
		errno = ENOMEM;
		return -1;
	}
	virq_port = p->evtchn_bind_dom_exc(p);
	if (virq_port < 0)
		return -1;
	domain_set_platform(&ring_platform);
	xs_log(LOG_INFO, "ring transport on the %s platform (VIRQ_DOM_EXC port %d)",
	       p->name, virq_port);
	return 0;
}

int ring_init_master(void)
{
	uint32_t remote_port;
	void *page;
	int err;

	if (plat->local_port(plat, &remote_port))
		return -1;
	page = plat->local_ring(plat);
	if (!page)
		return -1;
	err = ring_connect(plat->master_domid, page, remote_port);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

void ring_shutdown(void)
{
	if (!plat)
		return;
	domain_set_platform(NULL);
	while (!list_empty(&rings)) {
		struct ring *r = list_entry(rings.next, struct ring, list);
		if (r->conn)
			talloc_free(r->conn);
		else
			ring_free(r);
	}
	if (virq_port >= 0)
		plat->evtchn_unbind(plat, (uint32_t)virq_port);
	virq_port = -1;
	if (evtchn_ev)
		event_free(evtchn_ev);
	evtchn_ev = NULL;
	plat->close(plat);
	plat = NULL;
}
