/* Bulk, pipelined load and check of many nodes, for the persistence test
 * and its benchmark.
 *
 *   xs-bulk write PREFIX N   creates PREFIX/d<i/1000>/k<i> = "value-<i>" for
 *                            i < N, and sets "n0,r<(i/100)%500+1>" on every
 *                            100th of them
 *   xs-bulk check PREFIX N   reads them all back (values and permissions)
 *   xs-bulk ping PATH        one READ of PATH; exit 0 when it exists
 *
 * XS_BULK_BATCH=K: writes go in transactions of K requests each (a
 * persistent store may commit once per transaction rather than per write).
 *
 * Talks to $XENSTORED_PATH with up to WINDOW requests in flight.  Prints
 * the elapsed time; exit status 0 when every reply was as expected.
 */
#include "xs_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 256

static const char *prefix;
static unsigned long n;

static char *node(unsigned long i)
{
	return g_strdup_printf("%s/d%lu/k%lu", prefix, i / 1000, i);
}

static char *value(unsigned long i)
{
	return g_strdup_printf("value-%lu", i);
}

/* "n0\0r17\0" */
static GByteArray *perms(unsigned long i)
{
	g_autofree char *r = g_strdup_printf("r%lu", (i / 100) % 500 + 1);
	return xsc_strings("n0", r, NULL);
}

static unsigned long n_ops(void)
{
	return n + (n + 99) / 100;
}

/* Operation j: the node i it is about; *second: the permission op. */
static unsigned long op_node(unsigned long j, bool *second)
{
	*second = j >= n;
	return *second ? (j - n) * 100 : j;
}

static GByteArray *request(bool writing, unsigned long j, uint32_t *type)
{
	bool second;
	unsigned long i = op_node(j, &second);
	g_autofree char *p = node(i);
	GByteArray *b;

	if (writing && !second) {
		g_autofree char *v = value(i);
		*type = XS_WRITE;
		b = xsc_path_value(p, v, strlen(v));
	} else if (writing) {
		GByteArray *pe = perms(i);
		*type = XS_SET_PERMS;
		b = xsc_strings(p, NULL);
		g_byte_array_append(b, pe->data, pe->len);
		g_byte_array_unref(pe);
	} else {
		*type = second ? XS_GET_PERMS : XS_READ;
		b = xsc_strings(p, NULL);
	}
	return b;
}

static bool check_reply(bool writing, unsigned long j, const xsc_msg *m)
{
	bool second;
	unsigned long i = op_node(j, &second);
	g_autofree char *v = NULL;
	GByteArray *pe = NULL;
	bool ok;

	if (!xsc_is_ok(m))
		return false;
	if (writing)
		return m->hdr.len == 3 && !memcmp(m->body, "OK", 3);
	if (!second) {
		v = value(i);
		return m->hdr.len == strlen(v) && !memcmp(m->body, v, m->hdr.len);
	}
	pe = perms(i);
	ok = m->hdr.len == pe->len && !memcmp(m->body, pe->data, pe->len);
	g_byte_array_unref(pe);
	return ok;
}

/* Pipelines ops [lo, hi) under transaction tx; returns how many failed,
 * or -1 when the connection failed. */
static long pipeline(xsc_conn *c, bool writing, unsigned long lo,
		     unsigned long hi, uint32_t tx)
{
	unsigned long sent = lo, done = lo;
	long bad = 0;

	while (done < hi) {
		while (sent < hi && sent - done < WINDOW) {
			uint32_t type;
			GByteArray *b = request(writing, sent, &type);
			int r = xsc_send(c, type, (uint32_t)sent, tx, b->data, b->len);
			g_byte_array_unref(b);
			if (r) {
				fprintf(stderr, "xs-bulk: send failed\n");
				return -1;
			}
			sent++;
		}
		xsc_msg *m = xsc_recv(c, 60000);
		if (!m) {
			fprintf(stderr, "xs-bulk: no reply to request %lu\n", done);
			return -1;
		}
		if (m->hdr.req_id != (uint32_t)done ||
		    !check_reply(writing, done, m)) {
			if (bad++ < 10) {
				g_autofree char *d = xsc_describe(m);
				bool second;
				g_autofree char *p = node(op_node(done, &second));
				fprintf(stderr, "xs-bulk: %s %s%s: %s\n",
					writing ? "write" : "check", p,
					second ? " (perms)" : "", d);
			}
		}
		xsc_msg_free(m);
		done++;
	}
	return bad;
}

static int run(bool writing)
{
	unsigned long total = n_ops(), batch = 0;
	gint64 t0 = g_get_monotonic_time();
	xsc_conn *c = xsc_connect(xsc_socket_path());
	long bad = 0;

	if (!c) {
		fprintf(stderr, "xs-bulk: cannot connect to %s\n",
			xsc_socket_path());
		return 1;
	}
	if (writing && g_getenv("XS_BULK_BATCH"))
		batch = strtoul(g_getenv("XS_BULK_BATCH"), NULL, 10);
	if (!batch) {
		bad = pipeline(c, writing, 0, total, 0);
	} else {
		for (unsigned long lo = 0; lo < total && bad >= 0; lo += batch) {
			unsigned long hi = MIN(total, lo + batch);
			xsc_msg *m = xsc_callv(c, XS_TRANSACTION_START, 0, "", NULL);
			uint32_t tx = xsc_is_ok(m) ? (uint32_t)atol(m->body) : 0;
			long b;
			xsc_msg_free(m);
			if (!tx) {
				fprintf(stderr, "xs-bulk: TRANSACTION_START failed\n");
				bad = -1;
				break;
			}
			b = pipeline(c, writing, lo, hi, tx);
			if (b < 0) {
				bad = -1;
				break;
			}
			bad += b;
			m = xsc_callv(c, XS_TRANSACTION_END, tx, "T", NULL);
			if (!xsc_is_ok(m)) {
				g_autofree char *d = xsc_describe(m);
				fprintf(stderr, "xs-bulk: commit: %s\n", d);
				bad++;
			}
			xsc_msg_free(m);
		}
	}
	xsc_close(c);
	if (bad < 0)
		return 1;
	printf("xs-bulk: %s %lu nodes (%lu requests) in %.3f s, %ld bad\n",
	       writing ? "wrote" : "checked", n, total,
	       (g_get_monotonic_time() - t0) / 1e6, bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "ping")) {
		xsc_conn *c = xsc_connect(xsc_socket_path());
		xsc_msg *m;
		int rc;
		if (!c)
			return 2;
		m = xsc_callv(c, XS_READ, 0, argv[2], NULL);
		rc = xsc_is_ok(m) ? 0 : 1;
		xsc_msg_free(m);
		xsc_close(c);
		return rc;
	}
	if (argc != 4 || (strcmp(argv[1], "write") && strcmp(argv[1], "check"))) {
		fprintf(stderr, "usage: xs-bulk write|check PREFIX N | ping PATH\n");
		return 2;
	}
	prefix = argv[2];
	n = strtoul(argv[3], NULL, 10);
	return run(!strcmp(argv[1], "write"));
}
