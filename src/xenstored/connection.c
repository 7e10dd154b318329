/* Connections: input framing, output queues, backpressure. See
 * connection.h. */
#include "connection.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "config.h"
#include "domain.h"
#include "log.h"
#include "request.h"
#include "transaction.h"
#include "util.h"
#include "watch.h"

struct list_head connections = LIST_HEAD_INIT(connections);
uint32_t conn_clock;
static struct list_head dirty = LIST_HEAD_INIT(dirty);
static struct list_head ready = LIST_HEAD_INIT(ready);
static unsigned long next_conn_id = 1;

/* All connections read into this buffer; requests are handled from it. */
#define SCRATCH_SIZE (64 * 1024)
static char scratch[SCRATCH_SIZE];

/* Whole messages only; bounded by the protocol. */
#define MSG_MAX (XS_HDR_SIZE + XENSTORE_PAYLOAD_MAX)

bool conn_is_unprivileged(const struct connection *conn)
{
	return conn && !conn->privileged;
}

static int conn_destructor(struct connection *conn)
{
	struct domain *d = conn->domain;

	/* First make sure nothing queues to it or flushes it any more:
	 * releasing the domain below fires @releaseDomain, which flushes
	 * every connection that has output. */
	conn->closing = true;
	list_del(&conn->dirty_list);
	list_del(&conn->ready_list);
	txn_wait_cancel(conn);
	/* Watches and transactions are talloc children, freed after this;
	 * unlink what refers to the connection from global structures. */
	watch_conn_release(conn);
	transaction_conn_release(conn);
	if (d) {
		/* Not freed here: d->conn is still this connection. */
		domain_memory_add(d, -(long)conn->out_len);
		conn->domain = NULL;
		domain_conn_gone(d, conn);
	}
	list_del(&conn->list);
	if (conn->ops && conn->ops->close)
		conn->ops->close(conn);
	free(conn->in);
	free(conn->out);
	free(conn->out_msg_ends);
	return 0;
}

struct connection *conn_new(const void *ctx, const struct conn_ops *ops,
			    void *transport, uint32_t domid, bool privileged)
{
	struct connection *conn = talloc_zero(ctx, struct connection);

	if (!conn)
		return NULL;
	conn->ops = ops;
	conn->transport = transport;
	conn->id = next_conn_id++;
	conn->domid = domid;
	conn->privileged = privileged;
	conn->target = UINT32_MAX;
	conn->next_tx_id = 1;
	list_init(&conn->watches);
	list_init(&conn->transactions);
	list_init(&conn->dirty_list);
	list_init(&conn->ready_list);
	txn_wait_init(&conn->txn_wait);
	list_add_tail(&conn->list, &connections);
	talloc_set_destructor(conn, conn_destructor);
	return conn;
}

void conn_drop(struct connection *conn, const char *reason)
{
	if (reason)
		xs_log(LOG_WARNING, "dropping connection %lu (domain %u, %s): %s",
		       conn->id, conn->domid, conn->ops->name, reason);
	if (conn->busy) {
		conn->closing = true;
		return;
	}
	talloc_free(conn);
}

bool conn_can_accept(const struct connection *conn)
{
	if (conn->closing || conn->txn_wait.on)
		return false;
	if (conn->privileged)
		return conn->out_len < config.socket_out_max;
	if (config.quota_outstanding && conn->out_msgs >= config.quota_outstanding)
		return false;
	if (conn->domain && domain_over_memory(conn->domain))
		return false;
	return conn->out_len < config.socket_out_max;
}

static void out_reserve(struct connection *conn, size_t len)
{
	if (conn->out_head && conn->out_head + conn->out_len + len > conn->out_cap) {
		memmove(conn->out, conn->out + conn->out_head, conn->out_len);
		conn->out_head = 0;
	}
	if (conn->out_len + len > conn->out_cap) {
		size_t cap = conn->out_cap ? conn->out_cap : 4096;
		while (cap < conn->out_len + len)
			cap *= 2;
		conn->out = xrealloc(conn->out, cap);
		conn->out_cap = cap;
	}
	if (conn->out_msgs_head + conn->out_msgs >= conn->out_msgs_cap) {
		if (conn->out_msgs_head) {
			memmove(conn->out_msg_ends, conn->out_msg_ends + conn->out_msgs_head,
				conn->out_msgs * sizeof(*conn->out_msg_ends));
			conn->out_msgs_head = 0;
		}
		if (conn->out_msgs >= conn->out_msgs_cap) {
			conn->out_msgs_cap = conn->out_msgs_cap ? conn->out_msgs_cap * 2 : 64;
			conn->out_msg_ends = xrealloc(conn->out_msg_ends,
				conn->out_msgs_cap * sizeof(*conn->out_msg_ends));
		}
	}
}

static void mark_dirty(struct connection *conn)
{
	if (!conn->closing && list_empty(&conn->dirty_list))
		list_add_tail(&conn->dirty_list, &dirty);
}

bool conn_queue_msg(struct connection *conn, uint32_t type, uint32_t req_id,
		    uint32_t tx_id, const void *data, size_t len, bool is_event)
{
	struct xsd_sockmsg hdr = { type, req_id, tx_id, (uint32_t)len };
	size_t total = XS_HDR_SIZE + len;

	if (conn->closing)
		return false;
	if (is_event) {
		bool over = conn->domain ? domain_over_memory(conn->domain)
					 : conn->out_len > 4 * config.socket_out_max;
		if (over || conn->out_len > 4 * config.socket_out_max) {
			xs_log_ratelimited(&conn->log_ratelimit, LOG_WARNING,
				"connection %lu (domain %u) does not read its "
				"output: dropping watch events", conn->id, conn->domid);
			return false;
		}
	}
	if (trace_enabled())
		trace_msg("OUT", conn->id, type, req_id, tx_id, data, len);

	out_reserve(conn, total);
	memcpy(conn->out + conn->out_head + conn->out_len, &hdr, XS_HDR_SIZE);
	if (len)
		memcpy(conn->out + conn->out_head + conn->out_len + XS_HDR_SIZE, data, len);
	conn->out_len += total;
	conn->out_total_queued += total;
	conn->out_msg_ends[conn->out_msgs_head + conn->out_msgs++] =
		(struct out_msg){ conn->out_total_queued, (uint32_t)total, conn_clock,
				  is_event };
	if (conn->domain)
		domain_memory_add(conn->domain, (long)total);
	mark_dirty(conn);
	return true;
}

static void out_consumed(struct connection *conn, size_t n)
{
	conn->out_head += n;
	conn->out_len -= n;
	conn->out_total_sent += n;
	if (conn->domain)
		domain_memory_add(conn->domain, -(long)n);
	while (conn->out_msgs &&
	       conn->out_msg_ends[conn->out_msgs_head].end <= conn->out_total_sent) {
		conn->out_msgs_head++;
		conn->out_msgs--;
	}
	if (!conn->out_len) {
		conn->out_head = 0;
		conn->out_msgs_head = 0;
		/* Give back large buffers once drained. */
		if (conn->out_cap > 64 * 1024) {
			free(conn->out);
			conn->out = NULL;
			conn->out_cap = 0;
		}
	}
}

void conn_flush(struct connection *conn)
{
	bool was_blocked = !conn_can_accept(conn);

	list_del(&conn->dirty_list);
	while (conn->out_len) {
		ssize_t n = conn->ops->write(conn, conn->out + conn->out_head,
					     conn->out_len);
		if (n < 0) {
			conn_drop(conn, strerror(errno));
			return;
		}
		if (n == 0)
			break;
		out_consumed(conn, (size_t)n);
	}
	conn->ops->want(conn, conn_can_accept(conn), conn->out_len > 0);
	/* Output drained below the bound: requests waiting in its input can
	 * be handled now (no new bytes may arrive to wake it up). */
	if (was_blocked && conn->in_len && conn_can_accept(conn) &&
	    list_empty(&conn->ready_list))
		list_add_tail(&conn->ready_list, &ready);
}

void conn_make_ready(struct connection *conn)
{
	if (!conn->closing && conn->in_len && list_empty(&conn->ready_list))
		list_add_tail(&conn->ready_list, &ready);
}

void conn_flush_all(void)
{
	for (;;) {
		struct connection *conn;

		if (!list_empty(&dirty)) {
			conn = list_entry(dirty.next, struct connection, dirty_list);
			conn_flush(conn);
		} else if (!list_empty(&ready)) {
			conn = list_entry(ready.next, struct connection, ready_list);
			list_del(&conn->ready_list);
			conn_handle_input(conn);
		} else {
			break;
		}
	}
}

/* Handles the complete messages at the start of buf; returns the bytes
 * consumed. Stops when the connection may not send more. */
static size_t handle_messages(struct connection *conn, const char *buf, size_t len)
{
	size_t off = 0;
	/* Payload copy: handlers get a NUL after the payload. */
	static char payload[XENSTORE_PAYLOAD_MAX + 1];

	while (len - off >= XS_HDR_SIZE && conn_can_accept(conn)) {
		struct xsd_sockmsg hdr;

		memcpy(&hdr, buf + off, XS_HDR_SIZE);
		if (hdr.len > XENSTORE_PAYLOAD_MAX) {
			conn_drop(conn, "message longer than XENSTORE_PAYLOAD_MAX");
			return len;
		}
		if (len - off < XS_HDR_SIZE + hdr.len)
			break;
		memcpy(payload, buf + off + XS_HDR_SIZE, hdr.len);
		payload[hdr.len] = '\0';
		/* Its transaction waits for another: the request stays in
		 * the input, unhandled (txn_order.h). */
		if (!request_handle(conn, &hdr, payload))
			break;
		off += XS_HDR_SIZE + hdr.len;
	}
	return off;
}

static void keep_input(struct connection *conn, const char *data, size_t len)
{
	if (!len)
		return;
	if (conn->in_len + len > conn->in_cap) {
		size_t cap = conn->in_len + len;
		conn->in = xrealloc(conn->in, cap);
		conn->in_cap = cap;
	}
	memmove(conn->in + conn->in_len, data, len);
	conn->in_len += len;
}

static void drop_input(struct connection *conn, size_t n)
{
	conn->in_len -= n;
	if (conn->in_len)
		memmove(conn->in, conn->in + n, conn->in_len);
	else {
		free(conn->in);
		conn->in = NULL;
		conn->in_cap = 0;
	}
}

void conn_handle_input(struct connection *conn)
{
	conn->busy++;

	/* First what is left from earlier reads. */
	if (conn->in_len) {
		size_t n = handle_messages(conn, conn->in, conn->in_len);
		if (!conn->closing)
			drop_input(conn, n);
	}

	while (!conn->closing && conn_can_accept(conn)) {
		ssize_t n;
		size_t used, want = SCRATCH_SIZE - conn->in_len;

		/* Never keep more than one incomplete message plus a batch. */
		if (conn->in_len >= MSG_MAX)
			break;
		n = conn->ops->read(conn, scratch, want);
		if (n < 0) {
			conn_drop(conn, errno ? strerror(errno) : NULL);
			break;
		}
		if (n == 0)
			break;
		if (trace_enabled())
			trace_line("READ %#lx %zd bytes\n", conn->id, n);
		if (conn->in_len) {
			keep_input(conn, scratch, (size_t)n);
			used = handle_messages(conn, conn->in, conn->in_len);
			if (!conn->closing)
				drop_input(conn, used);
		} else {
			used = handle_messages(conn, scratch, (size_t)n);
			if (!conn->closing && used < (size_t)n)
				keep_input(conn, scratch + used, (size_t)n - used);
		}
		/* A short read drained the transport: asking again would only
		 * cost a system call answering "nothing" (transports wake us up
		 * when more arrives). */
		if ((size_t)n < want)
			break;
	}

	conn->busy--;
	if (conn->closing && !conn->busy) {
		talloc_free(conn);
		return;
	}
	if (!conn->busy) {
		if (conn->out_len)
			conn_flush(conn);
		else
			conn->ops->want(conn, conn_can_accept(conn), false);
	}
}

void conn_feed(struct connection *conn, const char *data, size_t len)
{
	conn->busy++;
	keep_input(conn, data, len);
	conn->busy--;
	conn_handle_input(conn);
}

void conn_reset(struct connection *conn)
{
	txn_wait_cancel(conn);
	watch_conn_release(conn);
	transaction_conn_release(conn);
	free(conn->in);
	conn->in = NULL;
	conn->in_len = conn->in_cap = 0;
	if (conn->domain && conn->out_len)
		domain_memory_add(conn->domain, -(long)conn->out_len);
	free(conn->out);
	conn->out = NULL;
	conn->out_head = conn->out_len = conn->out_cap = 0;
	conn->out_total_sent = conn->out_total_queued;
	conn->out_msgs = conn->out_msgs_head = 0;
	list_del(&conn->ready_list);
	list_del(&conn->dirty_list);
}

/* Removes the expired watch events of one queue, moving the messages
 * kept down over them; returns how many were dropped. */
static unsigned int expire_queue(struct connection *conn, uint32_t now)
{
	struct out_msg *msgs = conn->out_msg_ends + conn->out_msgs_head;
	uint64_t sent = conn->out_total_sent, removed = 0;
	size_t kept = 0, dst = conn->out_head;
	unsigned int dropped = 0;

	for (size_t k = 0; k < conn->out_msgs; k++) {
		struct out_msg m = msgs[k];
		uint64_t start = m.end - m.len;

		if (start < sent) {
			/* Partly sent: stays, at the head of the buffer. */
			dst = conn->out_head + (size_t)(m.end - sent);
		} else if (m.event && now - m.queued_at >= config.watch_event_timeout) {
			removed += m.len;
			dropped++;
			continue;
		} else {
			size_t src = conn->out_head + (size_t)(start - sent);
			if (removed)
				memmove(conn->out + dst, conn->out + src, m.len);
			dst += m.len;
			m.end -= removed;
		}
		msgs[kept++] = m;
	}
	if (!dropped)
		return 0;
	conn->out_msgs = kept;
	conn->out_len -= removed;
	conn->out_total_queued -= removed;
	if (conn->domain)
		domain_memory_add(conn->domain, -(long)removed);
	return dropped;
}

void conn_expire_events(uint32_t now)
{
	struct connection *conn;

	conn_clock = now;
	if (!config.watch_event_timeout)
		return;
	list_for_each_entry(conn, &connections, list) {
		unsigned int dropped;

		if (conn->closing || !conn->out_msgs)
			continue;
		dropped = expire_queue(conn, now);
		if (dropped)
			xs_log_ratelimited(&conn->log_ratelimit, LOG_WARNING,
				"connection %lu (domain %u): dropped %u watch events "
				"pending more than %u s", conn->id, conn->domid,
				dropped, config.watch_event_timeout);
	}
}
