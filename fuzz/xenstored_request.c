/*
 * libFuzzer target: xenstored's request handling, in-process, over memory
 * connections: dom0's tools (privileged) and guests 1, 2, 3 (unprivileged,
 * attached to their domains as a ring would be, each with a home
 * /local/domain/N it owns).
 *
 * Input: one flags byte, then chunks  [sel u8][len u16 LE][len bytes]
 *   sel & 3         connection: 0 dom0, 1..3 guest 1..3
 *   (sel >> 2) & 7  action:
 *     0-3  a framed message: data = type u8, tx_id u8, payload; the header
 *          (with the right length and a fresh req_id) is built here
 *     4    raw bytes fed as read from the transport
 *     5    raw bytes fed in two pieces, cut at data[0] % len
 *     6    the connection goes away (a guest: its domain is released) and
 *          comes back
 *     7    the client stops (or resumes) reading its output: the
 *          daemon's writes to it are refused until the next action 7
 *   flags bit 0: small quotas (nodes, sizes, watches, transactions,
 *   outstanding, memory) so that quota paths are reached quickly.
 *   flags bit 1: connection 3 is a second dom0 tool instead of guest 3,
 *   and transaction ordering is on (txn_order.h: dom0's two connections
 *   wait for each other's transactions); bit 2 then makes waits time out
 *   at once (expired after every action), else they end only with the
 *   transaction or connection waited for.
 *
 * After the input: the store is checked (CONTROL check), every connection
 * freed (core_fini()), and nothing may be left: no permission set, watch,
 * transaction or domain entry (LeakSanitizer checks the rest).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/types.h>
#include <string.h>
#include <talloc.h>

#include "config.h"
#include "connection.h"
#include "control.h"
#include "core.h"
#include "domain.h"
#include "perms.h"
#include "transaction.h"
#include "txn_order.h"
#include "watch.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCONN 4

static struct connection *conns[NCONN];
static bool stuck[NCONN];
static uint32_t req_id;

/* The transport: output is discarded, or refused while "stuck" (a client
 * that does not read), so that backpressure paths are reached. */
static ssize_t fz_read(struct connection *conn, void *buf, size_t len)
{
	return 0;  /* input arrives through conn_feed() */
}

static ssize_t fz_write(struct connection *conn, const void *buf, size_t len)
{
	bool *is_stuck = conn->transport;

	return *is_stuck ? 0 : (ssize_t)len;
}

static void fz_want(struct connection *conn, bool rd, bool wr)
{
}

static const struct conn_ops fz_ops = {
	"fuzz", fz_read, fz_write, fz_want, NULL,
};

static struct connection *fz_conn_new(unsigned int i, bool privileged)
{
	stuck[i] = false;
	return conn_new(NULL, &fz_ops, &stuck[i], i, privileged);
}

static bool alive(const struct connection *conn)
{
	struct connection *c;

	if (!conn)
		return false;
	list_for_each_entry(c, &connections, list)
		if (c == conn)
			return true;
	return false;
}

static void send_req(struct connection *conn, uint32_t type, uint32_t tx,
		     const void *payload, uint32_t len)
{
	char buf[XS_HDR_SIZE + XENSTORE_PAYLOAD_MAX];
	struct xsd_sockmsg hdr = { type, ++req_id, tx, len };

	if (len > XENSTORE_PAYLOAD_MAX)
		len = hdr.len = XENSTORE_PAYLOAD_MAX;
	memcpy(buf, &hdr, XS_HDR_SIZE);
	memcpy(buf + XS_HDR_SIZE, payload, len);
	conn_feed(conn, buf, XS_HDR_SIZE + len);
}

static void make_guest(unsigned int i)
{
	char path[40], perm[8];
	int plen = snprintf(path, sizeof(path), "/local/domain/%u", i) + 1;
	int permlen = snprintf(perm, sizeof(perm), "n%u", i) + 1;
	char sp[64];

	/* dom0 gives the guest its home, then the guest connects. */
	if (alive(conns[0])) {
		send_req(conns[0], XS_MKDIR, 0, path, plen);
		memcpy(sp, path, plen);
		memcpy(sp + plen, perm, permlen);
		/* (dom0's leftover input may have made that fatal to it) */
		if (alive(conns[0]))
			send_req(conns[0], XS_SET_PERMS, 0, sp, plen + permlen);
	}
	conns[i] = fz_conn_new(i, false);
	if (conns[i] && domain_attach_conn(i, conns[i])) {
		talloc_free(conns[i]);
		conns[i] = NULL;
	}
}

static bool two_dom0;

/* The daemon's timer: expiries are run after every action (drain()). */
static void fz_arm(uint64_t us)
{
}

static void make_conn(unsigned int i)
{
	if (i == 0 || (i == 3 && two_dom0)) {
		conns[0] = fz_conn_new(0, true);
	} else {
		make_guest(i);
	}
}

static void drain(void)
{
	txn_order_expire();
	conn_flush_all();
	for (unsigned int i = 0; i < NCONN; i++)
		if (!alive(conns[i]))
			conns[i] = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 1;

	if (size < 1)
		return 0;
	config_defaults();
	/* CONTROL logfile / memreport FILE: no files named by the input. */
	config.control_files = false;
	if (data[0] & 1) {
		config.quota_nodes = 8;
		config.quota_node_size = 128;
		config.quota_watches = 4;
		config.quota_transactions = 2;
		config.quota_perms = 3;
		config.quota_path_max = 40;
		config.quota_trans_nodes = 12;
		config.quota_outstanding = 3;
		config.quota_memory = 4096;
		config.quota_memory_soft = 2048;
	}
	two_dom0 = data[0] & 2;
	config.txn_wait_us = two_dom0 ? ((data[0] & 4) ? 1 : 1000000000) : 0;
	txn_order_set_timer(two_dom0 ? fz_arm : NULL);
	core_init();
	core_setup();
	req_id = 0;
	memset(conns, 0, sizeof(conns));
	memset(stuck, 0, sizeof(stuck));
	for (unsigned int i = 0; i < NCONN; i++)
		make_conn(i);
	drain();

	while (size - off >= 3) {
		unsigned int sel = data[off];
		unsigned int ci = sel & 3, action = (sel >> 2) & 7;
		size_t len = data[off + 1] | (size_t)data[off + 2] << 8;
		const uint8_t *p = data + off + 3;

		off += 3;
		if (len > size - off)
			len = size - off;
		off += len;

		if (!alive(conns[ci])) {
			conns[ci] = NULL;
			make_conn(ci);
			if (!conns[ci])
				continue;
		}
		switch (action) {
		case 0: case 1: case 2: case 3:
			if (len >= 2)
				send_req(conns[ci], p[0], p[1], p + 2, (uint32_t)(len - 2));
			break;
		case 4:
			if (len)
				conn_feed(conns[ci], (const char *)p, len);
			break;
		case 5: {
			size_t cut = len ? p[0] % len : 0;
			/* (conn_feed() of 0 bytes: pointer arithmetic on NULL in
			 * keep_input(), reported; not fed here.) */
			if (cut)
				conn_feed(conns[ci], (const char *)p, cut);
			if (alive(conns[ci]) && len > cut)
				conn_feed(conns[ci], (const char *)p + cut, len - cut);
			break;
		}
		case 6:
			talloc_free(conns[ci]);
			conns[ci] = NULL;
			drain();
			make_conn(ci);
			break;
		case 7:
			stuck[ci] = !stuck[ci];
			if (!stuck[ci])
				conn_flush(conns[ci]);
			break;
		}
		drain();
	}

	if (control_check_store())
		abort();
	core_fini();
	if (perms_interned_count() || watch_count() || transaction_total() ||
	    domain_count() || txn_order_held() || txn_order_waiting())
		abort();
	return 0;
}
