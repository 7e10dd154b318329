/* Transaction ordering: contended nodes handed to one transaction at a
 * time.
 *
 * Transactions are optimistic (transaction.h): when several connections
 * run transactions over the same nodes, all of them read, one commits and
 * the others get EAGAIN and redo everything, so that most of the work is
 * thrown away. To avoid that, the first open transaction whose request
 * names a node holds that node; a request of another transaction that
 * names a held node waits (its connection is not read further) until the
 * holder ends or the wait bound (--txn-wait, config.txn_wait_us) passes.
 * The waiter then reads what the holder committed and commits in turn.
 *
 * Waiting only delays a request: the check at commit is unchanged, so what
 * commits and what gets EAGAIN is still decided by the nodes' generations,
 * exactly as without ordering. A holder that stalls (a client that leaves
 * its transaction open) costs each waiter at most one wait: once a wait
 * on it times out, it is stale and holds nothing any more.
 *
 * Invariants:
 *   - a held path has exactly one holder, an open transaction that is not
 *     stale; a transaction's holds go when it ends (commit, abort, its
 *     connection gone) or turns stale;
 *   - a transaction holds at most TXN_HOLDS_MAX paths (memory bound);
 *   - only transactions of the same domain wait for each other (a guest
 *     never delays dom0 or another guest), never for a transaction of
 *     their own connection;
 *   - a connection waits for at most one transaction, and is on that
 *     transaction's waiter list and on the global deadline list exactly
 *     while conn->txn_wait.on is set; while it waits, conn_can_accept() is
 *     false, so neither its input nor the rest of its batch is handled;
 *   - without a timer (txn_order_set_timer not called: the memory
 *     transport of tests and fuzzers), nothing ever waits.
 */
#ifndef XS_TXN_ORDER_H
#define XS_TXN_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "list.h"
#include "wire.h"

struct connection;
struct request;
struct txn_hold;

#define TXN_HOLDS_MAX 64

/* Per transaction (embedded in struct transaction). */
struct txn_holder {
	struct connection *conn;   /* the transaction's connection */
	struct txn_hold *holds;    /* paths held, linked by their tnext */
	unsigned int nholds;
	bool stale;                /* a wait on it timed out */
	struct list_head waiters;  /* connections waiting for it */
};

/* Per connection (embedded in struct connection). */
struct txn_wait {
	struct txn_holder *on;     /* the holder waited for, or NULL */
	struct list_head link;     /* on on->waiters */
	struct list_head by_deadline;
	uint64_t deadline_us;      /* monotonic */
};

/* Per request (embedded in struct request, zeroed with it): valid when
 * txn_order_before() let the request go and its path (req_path()) is to
 * be held by its transaction in txn_order_after(); set only if the request
 * is transactional, names a node and its path is valid. */
struct txn_pending {
	bool valid;
	uint32_t hash;             /* of the path, when valid */
};

/* The daemon's timer: arm(us) asks for txn_order_expire() to be called
 * in about us microseconds (re-arming replaces the previous request). */
void txn_order_set_timer(void (*arm)(uint64_t us));

void txn_holder_init(struct txn_holder *h, struct connection *conn);
/* The transaction ends: its holds go and its waiters may go on. */
void txn_holder_release(struct txn_holder *h);

void txn_wait_init(struct txn_wait *w);
/* The connection goes (or is reset): it waits for nothing any more. */
void txn_wait_cancel(struct connection *conn);

/* Called by request_handle() before a request is handled: true when the
 * connection must wait (the request stays unhandled in its input, and
 * nothing else is done with req); else the request may go, and
 * txn_order_after() is called with the same req once it has been handled.
 * All that passes from one call to the other is in req->txn_order. */
bool txn_order_before(struct request *req);
void txn_order_after(struct request *req);

/* The timer fired: wakes the waits that are due. */
void txn_order_expire(void);

/* Currently held paths and waiting connections (tests, memreport). */
unsigned int txn_order_held(void);
unsigned int txn_order_waiting(void);

#endif
