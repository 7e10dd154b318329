/* Transaction ordering: see txn_order.h for the model and its invariants. */
#include "txn_order.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "connection.h"
#include "request.h"
#include "transaction.h"
#include "util.h"

struct txn_hold {
	struct txn_hold *hnext;    /* hash chain */
	struct txn_hold *tnext;    /* the holder's list */
	struct txn_holder *holder;
	uint32_t hash;
	uint32_t len;
	char path[];
};

/* Held paths: chained hash table, power-of-two size, at most one entry a
 * bucket on average. */
static struct txn_hold **table;
static size_t table_size, nheld;

/* Waiting connections, in deadline order (the wait bound is the same for
 * all, so the order of arrival). */
static struct list_head deadlines = { &deadlines, &deadlines };
static unsigned int nwaiting;
static void (*arm_timer)(uint64_t us);

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void txn_order_set_timer(void (*arm)(uint64_t us))
{
	arm_timer = arm;
}

void txn_holder_init(struct txn_holder *h, struct connection *conn)
{
	h->conn = conn;
	h->holds = NULL;
	h->nholds = 0;
	h->stale = false;
	list_init(&h->waiters);
}

void txn_wait_init(struct txn_wait *w)
{
	w->on = NULL;
	list_init(&w->link);
	list_init(&w->by_deadline);
	w->deadline_us = 0;
}

static struct txn_hold *find(const char *path, size_t len, uint32_t hash)
{
	if (!table_size)
		return NULL;
	for (struct txn_hold *h = table[hash & (table_size - 1)]; h; h = h->hnext)
		if (h->hash == hash && h->len == len && !memcmp(h->path, path, len))
			return h;
	return NULL;
}

static void table_grow(void)
{
	size_t nsize = table_size ? table_size * 2 : 64;
	struct txn_hold **ntab = xcalloc(nsize, sizeof(*ntab));

	for (size_t i = 0; i < table_size; i++) {
		struct txn_hold *h = table[i], *next;

		for (; h; h = next) {
			next = h->hnext;
			h->hnext = ntab[h->hash & (nsize - 1)];
			ntab[h->hash & (nsize - 1)] = h;
		}
	}
	free(table);
	table = ntab;
	table_size = nsize;
}

static void unlink_hold(struct txn_hold *h)
{
	struct txn_hold **pp = &table[h->hash & (table_size - 1)];

	while (*pp != h)
		pp = &(*pp)->hnext;
	*pp = h->hnext;
	nheld--;
}

/* Drops every path h holds (it ended, or turned stale). */
static void drop_holds(struct txn_holder *h)
{
	struct txn_hold *hold, *next;

	for (hold = h->holds; hold; hold = next) {
		next = hold->tnext;
		unlink_hold(hold);
		free(hold);
	}
	h->holds = NULL;
	h->nholds = 0;
}

/* The connection waits no more; it handles its input again. */
static void wake(struct connection *conn)
{
	list_del(&conn->txn_wait.link);
	list_del(&conn->txn_wait.by_deadline);
	conn->txn_wait.on = NULL;
	nwaiting--;
	conn_make_ready(conn);
}

static void wake_all(struct txn_holder *h)
{
	while (!list_empty(&h->waiters))
		wake(list_entry(h->waiters.next, struct connection, txn_wait.link));
}

void txn_holder_release(struct txn_holder *h)
{
	drop_holds(h);
	wake_all(h);
}

void txn_wait_cancel(struct connection *conn)
{
	if (!conn->txn_wait.on)
		return;
	list_del(&conn->txn_wait.link);
	list_del(&conn->txn_wait.by_deadline);
	conn->txn_wait.on = NULL;
	nwaiting--;
}

bool txn_order_before(struct request *req)
{
	struct connection *conn = req->conn;
	struct txn_pending *p = &req->txn_order;
	struct txn_hold *h;
	const char *path;
	int len;

	if (!arm_timer || !config.txn_wait_us || !req->hdr.tx_id)
		return false;
	/* No node named, or not a valid path (the handler reports it, from
	 * the same req_path()). */
	len = req_path(req, &path);
	if (len < 0)
		return false;
	p->hash = hash_bytes(path, (size_t)len, 0);
	p->valid = true;

	h = find(path, (size_t)len, p->hash);
	if (!h || h->holder->conn == conn || h->holder->conn->domid != conn->domid)
		return false;
	/* Wait for the holder. */
	conn->txn_wait.on = h->holder;
	conn->txn_wait.deadline_us = now_us() + config.txn_wait_us;
	list_add_tail(&conn->txn_wait.link, &h->holder->waiters);
	if (list_empty(&deadlines))
		arm_timer(config.txn_wait_us);
	list_add_tail(&conn->txn_wait.by_deadline, &deadlines);
	nwaiting++;
	return true;
}

void txn_order_after(struct request *req)
{
	const struct txn_pending *p = &req->txn_order;
	struct connection *conn;
	struct transaction *txn;
	struct txn_holder *holder;
	struct txn_hold *h;
	const char *path;
	size_t len;
	int err;

	/* First, touching nothing else: most requests end here. */
	if (!p->valid)
		return;
	conn = req->conn;
	/* Known valid since txn_order_before(): no work done again. */
	len = (size_t)req_path(req, &path);
	/* The request may have ended the connection's transactions
	 * (a reset), or the connection itself. */
	if (conn->closing ||
	    !(txn = transaction_lookup(conn, req->hdr.tx_id, &err)))
		return;
	holder = transaction_holder(txn);
	if (holder->stale || holder->nholds >= TXN_HOLDS_MAX ||
	    find(path, len, p->hash))
		return;
	if (nheld >= table_size)
		table_grow();
	h = xmalloc(sizeof(*h) + len);
	memcpy(h->path, path, len);
	h->len = (uint32_t)len;
	h->hash = p->hash;
	h->holder = holder;
	h->hnext = table[h->hash & (table_size - 1)];
	table[h->hash & (table_size - 1)] = h;
	h->tnext = holder->holds;
	holder->holds = h;
	holder->nholds++;
	nheld++;
}

void txn_order_expire(void)
{
	uint64_t now = now_us();

	while (!list_empty(&deadlines)) {
		struct connection *conn = list_entry(deadlines.next, struct connection,
						     txn_wait.by_deadline);
		struct txn_holder *h = conn->txn_wait.on;

		if (conn->txn_wait.deadline_us > now) {
			arm_timer(conn->txn_wait.deadline_us - now);
			return;
		}
		/* The holder kept someone waiting for the whole bound: it
		 * holds nothing any more, and all its waiters go on. */
		h->stale = true;
		drop_holds(h);
		wake_all(h);
	}
}

unsigned int txn_order_held(void)
{
	return (unsigned int)nheld;
}

unsigned int txn_order_waiting(void)
{
	return nwaiting;
}
