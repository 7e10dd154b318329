/* Transaction ordering of our xenstored (src/xenstored/txn_order.h): a
 * transaction's request naming a node that another open transaction of the
 * same domain uses waits for that one to end, up to --txn-wait.
 *
 * Two modes, one per daemon (run-daemon.sh --daemon-args):
 *   XSTEST_TXN_WAIT=long   the daemon runs with --txn-wait 30000000 (30 s):
 *                          every reply that comes before the holder ends
 *                          shows a request that did not wait (order, not a
 *                          clock, proves it);
 *   XSTEST_TXN_WAIT=short  --txn-wait 200000: a holder that stalls costs
 *                          one bounded wait, then holds nothing.
 * Skipped against Xen's C xenstored, which has no ordering.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "xs_client.h"

static uint32_t next_req = 0x7000;

/* Sends a READ without waiting for its reply; returns its req_id. */
static uint32_t send_read(xsc_conn *c, uint32_t tx, const char *path)
{
	uint32_t id = next_req++;

	g_assert_cmpint(xsc_send(c, XS_READ, id, tx, path, strlen(path) + 1), ==, 0);
	return id;
}

/* The reply to req_id is a READ of value. */
static void expect_read_reply(xsc_conn *c, uint32_t id, const char *value, int timeout_ms)
{
	xsc_msg *m = xsc_recv(c, timeout_ms);

	g_assert_nonnull(m);
	g_assert_cmpuint(m->hdr.req_id, ==, id);
	g_assert_cmpuint(m->hdr.type, ==, XS_READ);
	g_assert_cmpstr(m->body, ==, value);
	xsc_msg_free(m);
}

static void expect_nothing(xsc_conn *c, int ms)
{
	xsc_msg *m = xsc_recv(c, ms);

	g_assert_null(m);
}

static void fresh(xsc_conn *c, const char *dir)
{
	XSC_MKDIR(c, 0, "/xstest");
	XSC_RM(c, 0, dir);
	XSC_MKDIR(c, 0, dir);
}

/* The waiter's read is answered once the holder committed, with the
 * holder's value; then both commit: no EAGAIN. */
static void test_waits_for_holder(void)
{
	xsc_conn *a = xsc_open(), *b = xsc_open();
	uint32_t ta, tb, id;

	fresh(a, "/xstest/order1");
	XSC_WRITE(a, 0, "/xstest/order1/k", "0");
	ta = XSC_TX_START(a);
	XSC_READ(a, ta, "/xstest/order1/k", "0");
	tb = XSC_TX_START(b);
	id = send_read(b, tb, "/xstest/order1/k");
	/* a's own requests go on while b waits. */
	XSC_WRITE(a, ta, "/xstest/order1/k", "1");
	XSC_READ(a, ta, "/xstest/order1/k", "1");
	expect_nothing(b, 300);
	XSC_TX_END(a, ta, true, NULL);
	expect_read_reply(b, id, "1", XSC_TIMEOUT_MS);
	XSC_WRITE(b, tb, "/xstest/order1/k", "2");
	XSC_TX_END(b, tb, true, NULL);
	XSC_READ(a, 0, "/xstest/order1/k", "2");
	XSC_RM(a, 0, "/xstest/order1");
	xsc_close(a);
	xsc_close(b);
}

/* What never waits: requests outside transactions, a second transaction
 * of the holder's own connection, nodes the holder did not name. */
static void test_what_does_not_wait(void)
{
	xsc_conn *a = xsc_open(), *b = xsc_open();
	uint32_t ta, ta2, tb;

	fresh(a, "/xstest/order2");
	XSC_WRITE(a, 0, "/xstest/order2/k", "0");
	XSC_WRITE(a, 0, "/xstest/order2/other", "x");
	ta = XSC_TX_START(a);
	XSC_READ(a, ta, "/xstest/order2/k", "0");
	/* Each answered while ta is open (the wait bound is 30 s). */
	XSC_READ(b, 0, "/xstest/order2/k", "0");
	XSC_WRITE(b, 0, "/xstest/order2/other", "y");
	ta2 = XSC_TX_START(a);
	XSC_READ(a, ta2, "/xstest/order2/k", "0");
	XSC_TX_END(a, ta2, false, NULL);
	tb = XSC_TX_START(b);
	XSC_READ(b, tb, "/xstest/order2/other", "y");
	XSC_TX_END(b, tb, false, NULL);
	XSC_TX_END(a, ta, false, NULL);
	XSC_RM(a, 0, "/xstest/order2");
	xsc_close(a);
	xsc_close(b);
}

/* The holder's connection goes: the waiter goes on at once. A waiter's
 * connection that goes leaves the holder unharmed. */
static void test_connections_going(void)
{
	xsc_conn *a = xsc_open(), *b = xsc_open(), *w = xsc_open();
	uint32_t ta, tb, tw, id;

	fresh(b, "/xstest/order3");
	XSC_WRITE(b, 0, "/xstest/order3/k", "0");
	ta = XSC_TX_START(a);
	XSC_WRITE(a, ta, "/xstest/order3/k", "never");
	tb = XSC_TX_START(b);
	id = send_read(b, tb, "/xstest/order3/k");
	expect_nothing(b, 200);
	xsc_close(a);
	expect_read_reply(b, id, "0", XSC_TIMEOUT_MS);
	/* Now b holds k; w waits for it and goes away. */
	tw = XSC_TX_START(w);
	send_read(w, tw, "/xstest/order3/k");
	expect_nothing(w, 200);
	xsc_close(w);
	XSC_WRITE(b, tb, "/xstest/order3/k", "b");
	XSC_TX_END(b, tb, true, NULL);
	XSC_READ(b, 0, "/xstest/order3/k", "b");
	XSC_RM(b, 0, "/xstest/order3");
	xsc_close(b);
}

/* Many clients incrementing one counter in transactions: each commits at
 * its first try, and no increment is lost. */
static void test_counter(void)
{
	enum { N = 8, ROUNDS = 20 };
	xsc_conn *cl[N];
	uint32_t tx[N], id[N];

	cl[0] = xsc_open();
	fresh(cl[0], "/xstest/order4");
	XSC_WRITE(cl[0], 0, "/xstest/order4/n", "0");
	for (int i = 1; i < N; i++)
		cl[i] = xsc_open();
	for (int r = 0; r < ROUNDS; r++) {
		/* All start and ask at once; they are answered one by one. */
		for (int i = 0; i < N; i++) {
			tx[i] = XSC_TX_START(cl[i]);
			id[i] = send_read(cl[i], tx[i], "/xstest/order4/n");
		}
		for (int done = 0; done < N; done++) {
			struct pollfd pf[N];
			int who = -1, nready = 0;
			xsc_msg *m;
			char val[32];

			/* Exactly one of them has its answer: the holder; the
			 * others wait until it ends (bound: 30 s). */
			for (int i = 0; i < N; i++)
				pf[i] = (struct pollfd){ tx[i] ? cl[i]->fd : -1, POLLIN, 0 };
			g_assert_cmpint(poll(pf, N, XSC_TIMEOUT_MS), >, 0);
			g_usleep(20000);   /* let a wrongly woken second one show */
			g_assert_cmpint(poll(pf, N, 0), >, 0);
			for (int i = 0; i < N; i++)
				if (pf[i].revents & POLLIN) {
					who = i;
					nready++;
				}
			g_assert_cmpint(nready, ==, 1);
			m = xsc_recv(cl[who], XSC_TIMEOUT_MS);
			g_assert_nonnull(m);
			g_assert_cmpint(who, >=, 0);
			g_assert_cmpuint(m->hdr.req_id, ==, id[who]);
			g_assert_cmpint(atoi(m->body), ==, r * N + done);
			snprintf(val, sizeof(val), "%d", atoi(m->body) + 1);
			xsc_msg_free(m);
			XSC_WRITE(cl[who], tx[who], "/xstest/order4/n", val);
			XSC_TX_END(cl[who], tx[who], true, NULL);
			tx[who] = 0;
		}
	}
	XSC_READ(cl[0], 0, "/xstest/order4/n", "160");
	XSC_RM(cl[0], 0, "/xstest/order4");
	for (int i = 0; i < N; i++)
		xsc_close(cl[i]);
}

/* --txn-wait 200 ms: a stalled holder delays a waiter once, for the bound;
 * the waiter sees the committed state, and the conflict is still found at
 * commit. The stale holder holds nothing: the next transaction goes at once. */
static void test_bounded(void)
{
	xsc_conn *a = xsc_open(), *b = xsc_open(), *c = xsc_open();
	uint32_t ta, tb, tc, id;
	gint64 t0;

	fresh(a, "/xstest/order5");
	XSC_WRITE(a, 0, "/xstest/order5/k", "0");
	ta = XSC_TX_START(a);
	XSC_READ(a, ta, "/xstest/order5/k", "0");
	tb = XSC_TX_START(b);
	t0 = g_get_monotonic_time();
	id = send_read(b, tb, "/xstest/order5/k");
	expect_read_reply(b, id, "0", XSC_TIMEOUT_MS);
	/* It did wait (a lower bound only: a loaded machine only adds). */
	g_assert_cmpint(g_get_monotonic_time() - t0, >=, 190000);
	XSC_WRITE(b, tb, "/xstest/order5/k", "b");
	XSC_TX_END(b, tb, true, NULL);
	/* a read k before b changed it: a's commit fails as without ordering. */
	XSC_WRITE(a, ta, "/xstest/order5/k", "a");
	tc = XSC_TX_START(c);
	/* a is stale: c's read is answered while a is still open. */
	id = send_read(c, tc, "/xstest/order5/k");
	expect_read_reply(c, id, "b", XSC_TIMEOUT_MS);
	XSC_TX_END(a, ta, true, "EAGAIN");
	XSC_TX_END(c, tc, false, NULL);
	XSC_READ(a, 0, "/xstest/order5/k", "b");
	XSC_RM(a, 0, "/xstest/order5");
	xsc_close(a);
	xsc_close(b);
	xsc_close(c);
}

int main(int argc, char **argv)
{
	const char *mode = g_getenv("XSTEST_TXN_WAIT");

	g_test_init(&argc, &argv, NULL);
	if (xsc_is_reference()) {
		g_print("1..0 # SKIP Xen's C xenstored does not order transactions\n");
		return 77;
	}
	if (mode && !strcmp(mode, "short")) {
		g_test_add_func("/txn-order/bounded", test_bounded);
	} else {
		g_test_add_func("/txn-order/waits-for-holder", test_waits_for_holder);
		g_test_add_func("/txn-order/what-does-not-wait", test_what_does_not_wait);
		g_test_add_func("/txn-order/connections-going", test_connections_going);
		g_test_add_func("/txn-order/counter", test_counter);
	}
	return g_test_run();
}
