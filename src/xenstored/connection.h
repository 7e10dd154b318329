/* Connections: one per client, whatever the transport (unix socket, a
 * domain's shared ring, or memory for tests).
 *
 * A connection owns (talloc) its watches, transactions and buffers; freeing
 * it releases all of them, whatever state it was left in. Input is parsed
 * from a shared scratch buffer straight into requests; only a message split
 * across reads is copied into a per-connection buffer, allocated for as
 * long as it is incomplete. Output is one byte queue per connection,
 * bounded: see conn_can_accept().
 */
#ifndef XS_CONNECTION_H
#define XS_CONNECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "list.h"
#include "txn_order.h"
#include "wire.h"

struct connection;
struct domain;

struct conn_ops {
	const char *name;
	/* Reads up to len bytes: > 0 bytes read; 0 nothing available now;
	 * -1 connection closed (errno 0) or broken (errno set). */
	ssize_t (*read)(struct connection *conn, void *buf, size_t len);
	/* Writes up to len bytes: >= 0 bytes written (0: try later); -1 broken. */
	ssize_t (*write)(struct connection *conn, const void *buf, size_t len);
	/* Arms the transport's events: readable (if read) and writable (if
	 * write) wake-ups will call conn_handle_input() / conn_flush(). */
	void (*want)(struct connection *conn, bool read, bool write);
	/* Releases the transport's resources; called once, on free. */
	void (*close)(struct connection *conn);
};

struct connection {
	struct list_head list;          /* all connections */
	struct list_head dirty_list;    /* connections with output to flush */
	const struct conn_ops *ops;
	void *transport;                /* the transport's state */
	unsigned long id;               /* for logs and traces */

	uint32_t domid;                 /* 0 for the unix socket */
	bool privileged;                /* dom0, the socket, or priv_domid */
	uint32_t target;                /* SET_TARGET domid, or UINT32_MAX */
	struct domain *domain;          /* accounting entity; NULL for sockets */

	/* Input read but not yet handled: a message split across reads, or
	 * requests left when the connection hit its quota mid-batch.
	 * Allocated only while non-empty. */
	char *in;
	size_t in_len, in_cap;

	/* Output queue: out_len bytes at out + out_head. out_msg_ends holds,
	 * for each queued message, the count of bytes ever queued when it was
	 * complete (so the number of messages not yet read is known), when it
	 * was queued and whether it is a watch event (expiry). */
	char *out;
	size_t out_head, out_len, out_cap;
	uint64_t out_total_queued, out_total_sent;
	struct out_msg {
		uint64_t end;
		uint32_t len;         /* header and payload */
		uint32_t queued_at;   /* conn_clock when queued */
		bool event;
	} *out_msg_ends;
	size_t out_msgs_head, out_msgs, out_msgs_cap;
	struct list_head ready_list;    /* unblocked with input left */

	struct list_head watches;       /* struct watch, by conn_list */
	unsigned int nwatches;
	struct list_head transactions;  /* struct transaction */
	unsigned int ntransactions;
	uint32_t next_tx_id;

	/* Waiting for another connection's transaction (txn_order.h). */
	struct txn_wait txn_wait;

	unsigned int busy;              /* > 0 while handling its input */
	bool closing;                   /* drop once no longer busy */
	bool stalled_logged;
	int log_ratelimit;
};

extern struct list_head connections;

/* Creates a connection (talloc child of ctx, NULL: top level). */
struct connection *conn_new(const void *ctx, const struct conn_ops *ops,
			    void *transport, uint32_t domid, bool privileged);
/* Drops a connection: logs why (reason may be NULL for a clean close) and
 * frees it now or, while it is busy, as soon as it is not. */
void conn_drop(struct connection *conn, const char *reason);

/* Reads and handles as many requests as the connection may send now. */
void conn_handle_input(struct connection *conn);
/* Input is left and the connection may handle it: handled at the next
 * conn_flush_all() (no new bytes may arrive to wake it up). */
void conn_make_ready(struct connection *conn);
/* Writes queued output; rearms the transport for what is left. */
void conn_flush(struct connection *conn);
/* Flushes every connection that got output (watch events included). */
void conn_flush_all(void);

/* Queues one message (header built here). Returns false if the message
 * was dropped because the connection's queue is over its bound (only
 * watch events can be dropped: replies are always queued, and the
 * connection stops being read instead). */
bool conn_queue_msg(struct connection *conn, uint32_t type, uint32_t req_id,
		    uint32_t tx_id, const void *data, size_t len, bool is_event);

/* May this connection's next request be read? (Quota backpressure:
 * unread replies, domain memory, queue size; not while it waits for
 * another transaction, txn_order.h.) */
bool conn_can_accept(const struct connection *conn);

bool conn_is_unprivileged(const struct connection *conn);

/* Total bytes queued for output on the connection. */
static inline size_t conn_out_pending(const struct connection *conn)
{
	return conn->out_len;
}

/* Seconds of a monotonic clock, advanced by conn_expire_events(). */
extern uint32_t conn_clock;
/* Advances conn_clock to now and drops, from every connection's queue,
 * the watch events that have waited longer than the watch-event timeout
 * (-w), as Xen's xenstored does: never a reply, never a message partly
 * sent. */
void conn_expire_events(uint32_t now);

/* Forgets everything of the connection's session: watches, transactions,
 * unhandled input and queued output (a guest reconnecting its ring). */
void conn_reset(struct connection *conn);

/* Feeds raw bytes as if read from the transport: used by the memory
 * transport of tests and fuzzers. */
void conn_feed(struct connection *conn, const char *data, size_t len);

#endif
