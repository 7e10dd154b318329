/* Malformed and hostile input over the socket: xenstored must answer with
 * an error or drop the offending connection, and keep serving everybody
 * else.  Never a crash, never a hang.
 *
 * After every case a second, fresh client must be served and the daemon
 * ($XENSTORED_PID) must still be alive.  Runs against any daemon at
 * $XENSTORED_PATH; every expectation was checked against Xen 4.17's C
 * xenstored first.  XSTEST_SLOW=1 (under valgrind) scales loads down and
 * timeouts up.
 */
#include "xs_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static bool slow;

static int ms(int t)
{
	return slow ? t * 5 : t;
}

/* ---- checks ------------------------------------------------------------ */

/* The daemon is alive and a fresh client is served. */
static void check_served_at(const char *file, int line)
{
	static unsigned int n;
	g_autofree char *v = g_strdup_printf("%u", ++n);
	GByteArray *b;
	xsc_conn *o;
	xsc_msg *m;

	if (!xsc_daemon_alive()) {
		xsc_fail_at(file, line, "the daemon died");
		return;
	}
	o = xsc_connect(xsc_socket_path());
	if (!o) {
		xsc_fail_at(file, line, "cannot connect: %s", g_strerror(errno));
		return;
	}
	b = xsc_path_value("/xstest-malformed/alive", v, strlen(v));
	xsc_send(o, XS_WRITE, 1, 0, b->data, b->len);
	g_byte_array_unref(b);
	m = xsc_recv(o, ms(5000));
	if (!xsc_is_ok(m)) {
		g_autofree char *d = xsc_describe(m);
		xsc_fail_at(file, line, "second client: WRITE: %s", d);
	}
	xsc_msg_free(m);
	xsc_send(o, XS_READ, 2, 0, "/xstest-malformed/alive", 24);
	m = xsc_recv(o, ms(5000));
	if (!m || m->hdr.type != XS_READ || m->hdr.len != strlen(v) ||
	    memcmp(m->body, v, m->hdr.len)) {
		g_autofree char *d = xsc_describe(m);
		xsc_fail_at(file, line, "second client: READ: %s", d);
	}
	xsc_msg_free(m);
	xsc_close(o);
}
#define CHECK_SERVED() check_served_at(__FILE__, __LINE__)

/* The next message on c is an error reply echoing req_id, or c has been
 * dropped.  Returns "dropped", the error string, or NULL (test failed). */
static const char *error_or_drop_at(const char *file, int line, xsc_conn *c,
				    uint32_t req_id, const char *what)
{
	xsc_msg *m = xsc_recv(c, ms(5000));
	const char *r = NULL;

	if (!m) {
		if (c->eof)
			return "dropped";
		xsc_fail_at(file, line, "%s: no reply and the connection is "
			    "still open", what);
		return NULL;
	}
	if (m->hdr.type != XS_ERROR || m->hdr.req_id != req_id ||
	    m->hdr.len < 2 || m->body[m->hdr.len - 1] != '\0' ||
	    m->body[0] != 'E') {
		g_autofree char *d = xsc_describe(m);
		xsc_fail_at(file, line, "%s: expected an error reply (req_id "
			    "%u) or a dropped connection, got %s", what,
			    req_id, d);
	} else {
		r = g_intern_string(m->body);
	}
	xsc_msg_free(m);
	return r;
}
#define ERROR_OR_DROP(c, id, what) error_or_drop_at(__FILE__, __LINE__, c, id, what)

/* The connection still works: a valid request gets its reply. */
static void check_conn_works_at(const char *file, int line, xsc_conn *c)
{
	xsc_msg *m;

	if (c->eof)
		return;
	xsc_send(c, XS_READ, 999, 0, "/\0", 2);
	m = xsc_recv(c, ms(5000));
	if (!m || m->hdr.type != XS_READ || m->hdr.req_id != 999) {
		g_autofree char *d = xsc_describe(m);
		if (!c->eof)
			xsc_fail_at(file, line, "connection not dropped but "
				    "out of step: READ / got %s", d);
	}
	xsc_msg_free(m);
}
#define CHECK_CONN_WORKS(c) check_conn_works_at(__FILE__, __LINE__, c)

/* Sends (type, payload) and expects an error or a drop; then, if the
 * connection survived, that it still works. */
static void bad_request_at(const char *file, int line, uint32_t type,
			   uint32_t tx, const void *p, size_t pl,
			   const char *what)
{
	xsc_conn *c = xsc_open();

	xsc_send(c, type, 7, tx, p, pl);
	error_or_drop_at(file, line, c, 7, what);
	check_conn_works_at(file, line, c);
	xsc_close(c);
}
#define BAD(type, tx, p, pl, what) bad_request_at(__FILE__, __LINE__, type, tx, p, pl, what)

static void begin(void)
{
	xsc_conn *c = xsc_open();
	GByteArray *b = XSC_S("/xstest-malformed");

	xsc_msg_free(xsc_call(c, XS_MKDIR, 0, b->data, b->len));
	g_byte_array_unref(b);
	xsc_close(c);
}

/* ---- framing ----------------------------------------------------------- */

static void test_truncated_header(void)
{
	struct xsd_sockmsg h = { .type = XS_READ, .req_id = 5, .len = 2 };
	xsc_conn *c;
	xsc_msg *m;

	begin();
	/* A few bytes of a header, then nothing: the daemon waits, and
	 * serves the others meanwhile. */
	c = xsc_open();
	xsc_send_raw(c, &h, 3);
	CHECK_SERVED();
	/* The rest arrives: a normal reply. */
	xsc_send_raw(c, (char *)&h + 3, sizeof(h) - 3);
	xsc_send_raw(c, "/", 2);
	m = xsc_recv(c, ms(5000));
	if (!m || m->hdr.type != XS_READ || m->hdr.req_id != 5)
		xsc_fail_at(__FILE__, __LINE__, "split header: bad reply");
	xsc_msg_free(m);
	xsc_close(c);
	/* Truncated and closed. */
	for (size_t n = 1; n < sizeof(h); n += 5) {
		c = xsc_open();
		xsc_send_raw(c, &h, n);
		xsc_close(c);
	}
	CHECK_SERVED();
}

static void test_byte_by_byte(void)
{
	GByteArray *b = xsc_path_value("/xstest-malformed/bytes", "v", 1);
	struct xsd_sockmsg h = { .type = XS_WRITE, .req_id = 9, .len = b->len };
	xsc_conn *c;
	xsc_msg *m;

	begin();
	c = xsc_open();
	g_byte_array_prepend(b, (guint8 *)&h, sizeof(h));
	for (guint i = 0; i < b->len; i++) {
		xsc_send_raw(c, b->data + i, 1);
		g_usleep(1000);
	}
	m = xsc_recv(c, ms(5000));
	if (!xsc_is_ok(m) || m->hdr.req_id != 9)
		xsc_fail_at(__FILE__, __LINE__, "byte-by-byte WRITE failed");
	xsc_msg_free(m);
	/* Two requests in one write. */
	{
		GByteArray *two = g_byte_array_new();
		struct xsd_sockmsg r = { .type = XS_READ, .len = 24 };
		for (uint32_t id = 10; id < 12; id++) {
			r.req_id = id;
			g_byte_array_append(two, (guint8 *)&r, sizeof(r));
			g_byte_array_append(two, (guint8 *)"/xstest-malformed/bytes", 24);
		}
		xsc_send_raw(c, two->data, two->len);
		for (uint32_t id = 10; id < 12; id++) {
			m = xsc_recv(c, ms(5000));
			if (!m || m->hdr.req_id != id || m->hdr.len != 1 ||
			    m->body[0] != 'v')
				xsc_fail_at(__FILE__, __LINE__, "two in one: %u", id);
			xsc_msg_free(m);
		}
		g_byte_array_unref(two);
	}
	xsc_close(c);
	g_byte_array_unref(b);
	CHECK_SERVED();
}

static void test_truncated_body(void)
{
	struct xsd_sockmsg h = { .type = XS_WRITE, .req_id = 5, .len = 100 };
	xsc_conn *c;

	begin();
	c = xsc_open();
	xsc_send_raw(c, &h, sizeof(h));
	xsc_send_raw(c, "/xstest-malformed/tb", 10);
	CHECK_SERVED();
	xsc_close(c);                 /* disconnects mid-message */
	CHECK_SERVED();
	/* A header alone, its body never sent: C xenstored 4.17 stops
	 * serving everybody until that client goes (a denial of service our
	 * daemon must not have). */
	c = xsc_open();
	h.len = 100;
	xsc_send_raw(c, &h, sizeof(h));
	CHECK_SERVED();
	xsc_close(c);
	/* ... for a maximal length. */
	c = xsc_open();
	h.len = XENSTORE_PAYLOAD_MAX;
	xsc_send_raw(c, &h, sizeof(h));
	CHECK_SERVED();
	xsc_close(c);
	CHECK_SERVED();
}

/* len > XENSTORE_PAYLOAD_MAX: xenstore.txt says the connection is killed
 * (C xenstored does); an error reply is accepted as well. */
static void test_length_too_big(void)
{
	static const uint32_t lens[] = {
		XENSTORE_PAYLOAD_MAX + 1, 65536, 0x7fffffff, 0x80000000,
		0xffffffff,
	};

	begin();
	for (size_t i = 0; i < G_N_ELEMENTS(lens); i++) {
		struct xsd_sockmsg h = { .type = XS_READ, .req_id = 3, .len = lens[i] };
		xsc_conn *c = xsc_open();
		char *body = g_malloc0(XENSTORE_PAYLOAD_MAX + 1);
		g_autofree char *what = g_strdup_printf("len %u", lens[i]);

		memcpy(body, "/xstest-malformed", 18);
		xsc_send_raw(c, &h, sizeof(h));
		/* As much body as the header announces, where reasonable. */
		if (lens[i] == XENSTORE_PAYLOAD_MAX + 1)
			xsc_send_raw(c, body, XENSTORE_PAYLOAD_MAX + 1);
		else
			xsc_send_raw(c, body, 100);
		ERROR_OR_DROP(c, 3, what);
		g_free(body);
		xsc_close(c);
		CHECK_SERVED();
	}
}

static void test_unknown_types(void)
{
	static const uint32_t types[] = {
		20 /* XS_RESTRICT, removed */, XS_TYPE_COUNT, XS_TYPE_COUNT + 1,
		100, 0x7fff, XS_INVALID, 0x10000, 0x7fffffff, 0xffffffff,
		XS_WATCH_EVENT, XS_ERROR,
	};

	begin();
	for (size_t i = 0; i < G_N_ELEMENTS(types); i++) {
		g_autofree char *what = g_strdup_printf("type %u", types[i]);
		BAD(types[i], 0, "/xstest-malformed\0tok\0", 22, what);
		BAD(types[i], 0, "", 0, what);
	}
	CHECK_SERVED();
}

/* ---- payloads ---------------------------------------------------------- */

/* Strings without their terminating NUL.  C xenstored answers EINVAL (and
 * ENOMEM for RM); nothing may be created or removed. */
static void test_missing_nul(void)
{
	static const uint32_t path_types[] = {
		XS_READ, XS_MKDIR, XS_RM, XS_DIRECTORY, XS_GET_PERMS,
	};
	xsc_conn *c;
	xsc_msg *m;

	begin();
	c = xsc_open();
	xsc_msg_free(xsc_callv(c, XS_WRITE, 0, "/xstest-malformed/keep", NULL));
	xsc_close(c);
	for (size_t i = 0; i < G_N_ELEMENTS(path_types); i++)
		BAD(path_types[i], 0, "/xstest-malformed/keep", 22, "no NUL");
	BAD(XS_MKDIR, 0, "/xstest-malformed/new", 21, "MKDIR no NUL");
	BAD(XS_WRITE, 0, "/xstest-malformed/new", 21, "WRITE no NUL");
	BAD(XS_SET_PERMS, 0, "/xstest-malformed/keep\0n0", 25, "SET_PERMS");
	BAD(XS_WATCH, 0, "/xstest-malformed\0tok", 21, "WATCH");
	BAD(XS_WATCH, 0, "/xstest-malformed", 17, "WATCH");
	BAD(XS_UNWATCH, 0, "/xstest-malformed\0tok", 21, "UNWATCH");
	BAD(XS_DIRECTORY_PART, 0, "/xstest-malformed\0" "0", 19, "DIRECTORY_PART");
	BAD(XS_GET_DOMAIN_PATH, 0, "0", 1, "GET_DOMAIN_PATH");
	BAD(XS_IS_DOMAIN_INTRODUCED, 0, "0", 1, "IS_DOMAIN_INTRODUCED");
	BAD(XS_TRANSACTION_END, 0, "F", 1, "TRANSACTION_END");
	BAD(XS_CONTROL, 0, "check", 5, "CONTROL");
	BAD(XS_RELEASE, 0, "4711", 4, "RELEASE");
	BAD(XS_RESUME, 0, "4711", 4, "RESUME");
	BAD(XS_SET_TARGET, 0, "4711\0" "4712", 9, "SET_TARGET");
	/* Nothing was created or removed. */
	c = xsc_open();
	m = xsc_callv(c, XS_READ, 0, "/xstest-malformed/new", NULL);
	if (g_strcmp0(xsc_error(m), "ENOENT"))
		xsc_fail_at(__FILE__, __LINE__, "a request without NUL "
			    "created a node");
	xsc_msg_free(m);
	m = xsc_callv(c, XS_READ, 0, "/xstest-malformed/keep", NULL);
	if (!xsc_is_ok(m))
		xsc_fail_at(__FILE__, __LINE__, "a request without NUL "
			    "removed a node");
	xsc_msg_free(m);
	xsc_close(c);
	CHECK_SERVED();
}

/* Wrong numbers of arguments (all rejected by C xenstored). */
static void test_wrong_arg_count(void)
{
	static const struct { uint32_t type; const char *p; size_t l; } bad[] = {
		{ XS_READ, "", 0 },
		{ XS_READ, "/xstest-malformed\0/xstest-malformed\0", 36 },
		{ XS_DIRECTORY, "/xstest-malformed\0/x\0", 21 },
		{ XS_GET_PERMS, "/xstest-malformed\0/x\0", 21 },
		{ XS_MKDIR, "/xstest-malformed/a\0/x\0", 23 },
		{ XS_RM, "/xstest-malformed/a\0/x\0", 23 },
		{ XS_WRITE, "", 0 },
		{ XS_SET_PERMS, "/xstest-malformed\0", 18 },
		{ XS_SET_PERMS, "", 0 },
		{ XS_WATCH, "/xstest-malformed\0", 18 },
		/* Not "path|token|x|": xenstore.txt reserves a third string. */
		{ XS_WATCH, "", 0 },
		{ XS_UNWATCH, "/xstest-malformed\0", 18 },
		{ XS_TRANSACTION_END, "", 0 },
		{ XS_TRANSACTION_END, "T\0F\0", 4 },
		{ XS_INTRODUCE, "", 0 },
		{ XS_INTRODUCE, "5\0", 2 },
		{ XS_INTRODUCE, "5\0" "1\0", 4 },
		{ XS_RELEASE, "", 0 },
		{ XS_RELEASE, "4711\0" "4712\0", 10 },
		{ XS_GET_DOMAIN_PATH, "", 0 },
		{ XS_GET_DOMAIN_PATH, "1\0" "2\0", 4 },
		{ XS_IS_DOMAIN_INTRODUCED, "", 0 },
		{ XS_RESUME, "", 0 },
		{ XS_SET_TARGET, "", 0 },
		{ XS_SET_TARGET, "4711\0", 5 },
		{ XS_DIRECTORY_PART, "", 0 },
		{ XS_DIRECTORY_PART, "/xstest-malformed\0", 18 },
		{ XS_CONTROL, "", 0 },
	};

	begin();
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *what = g_strdup_printf("case %zu (type %u)",
							i, bad[i].type);
		BAD(bad[i].type, 0, bad[i].p, bad[i].l, what);
	}
	CHECK_SERVED();
}

static void test_invalid_paths(void)
{
	GString *longp = g_string_new("/xstest-malformed/");
	static const char *const bad[] = {
		"/\x01", "/a\x7f", "/\x80\x81", "/\xff\xfe", "relative//x",
		"/..", "/.", "/a/../b", "/a\r\n",
	};

	begin();
	while (longp->len < 4000)
		g_string_append(longp, "abcdefghi/");
	g_string_append(longp, "z");
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		BAD(XS_READ, 0, bad[i], strlen(bad[i]) + 1, bad[i]);
		BAD(XS_WRITE, 0, bad[i], strlen(bad[i]) + 1, bad[i]);
		BAD(XS_MKDIR, 0, bad[i], strlen(bad[i]) + 1, bad[i]);
	}
	BAD(XS_WRITE, 0, longp->str, longp->len + 1, "long path");
	BAD(XS_MKDIR, 0, longp->str, longp->len + 1, "long path");
	BAD(XS_READ, 0, longp->str, longp->len + 1, "long path");
	g_string_free(longp, TRUE);
	CHECK_SERVED();
}

static void test_unknown_tx(void)
{
	static const uint32_t txs[] = { 1, 2, 4711, 0x7fffffff, 0xffffffff };
	static const uint32_t types[] = {
		XS_READ, XS_MKDIR, XS_RM, XS_DIRECTORY, XS_GET_PERMS,
		XS_TRANSACTION_END,
	};

	begin();
	for (size_t i = 0; i < G_N_ELEMENTS(txs); i++) {
		for (size_t t = 0; t < G_N_ELEMENTS(types); t++) {
			xsc_conn *c = xsc_open();
			const char *p = types[t] == XS_TRANSACTION_END ?
				"T" : "/xstest-malformed/tx";
			g_autofree char *what = g_strdup_printf(
				"tx %u type %u", txs[i], types[t]);
			xsc_send(c, types[t], 7, txs[i], p, strlen(p) + 1);
			error_or_drop_at(__FILE__, __LINE__, c, 7, what);
			xsc_close(c);
		}
		BAD(XS_WRITE, txs[i], "/xstest-malformed/tx\0v", 22, "WRITE");
		BAD(XS_SET_PERMS, txs[i], "/xstest-malformed\0n0\0", 21, "SET_PERMS");
		BAD(XS_DIRECTORY_PART, txs[i], "/xstest-malformed\0" "0\0", 20, "DIRECTORY_PART");
	}
	/* Nothing was created under an unknown transaction. */
	{
		xsc_conn *c = xsc_open();
		xsc_msg *m = xsc_callv(c, XS_READ, 0, "/xstest-malformed/tx", NULL);
		if (g_strcmp0(xsc_error(m), "ENOENT"))
			xsc_fail_at(__FILE__, __LINE__, "a node was created");
		xsc_msg_free(m);
		xsc_close(c);
	}
	CHECK_SERVED();
}

/* Requests of several transactions (one ended early, one aborted, one
 * unknown) pipelined on one connection without waiting: every reply
 * arrives, in order, with the right outcome. */
static void test_interleaved_transactions(void)
{
	xsc_conn *c;
	uint32_t t[3];
	struct { uint32_t tx, type; const char *p; size_t l; const char *exp; } req[] = {
		{ 1, XS_WRITE, "/xstest-malformed/il/a\0" "1", 24, "OK" },
		{ 2, XS_WRITE, "/xstest-malformed/il/b\0" "2", 24, "OK" },
		{ 1, XS_READ, "/xstest-malformed/il/a", 23, "=1" },
		{ 2, XS_READ, "/xstest-malformed/il/a", 23, "=0" },
		{ 0, XS_READ, "/xstest-malformed/il/a", 23, "=0" },
		{ 2, XS_TRANSACTION_END, "F", 2, "OK" },
		{ 2, XS_READ, "/xstest-malformed/il/a", 23, "ENOENT" },
		{ 1, XS_READ, "/xstest-malformed/il/b", 23, "ENOENT" },
		{ 3, XS_READ, "/xstest-malformed/il/a", 23, "=0" },
		{ 1, XS_TRANSACTION_END, "T", 2, "OK" },
		{ 1, XS_TRANSACTION_END, "T", 2, "ENOENT" },
		{ 0, XS_READ, "/xstest-malformed/il/a", 23, "=1" },
		{ 0, XS_READ, "/xstest-malformed/il/b", 23, "ENOENT" },
		{ 3, XS_TRANSACTION_END, "F", 2, "OK" },
	};

	begin();
	c = xsc_open();
	XSC_WRITE(c, 0, "/xstest-malformed/il/a", "0");
	XSC_RM(c, 0, "/xstest-malformed/il/b");
	for (int i = 0; i < 3; i++)
		t[i] = XSC_TX_START(c);
	/* Map the symbolic ids (1..3) to the real ones, 0 stays 0. */
	for (size_t i = 0; i < G_N_ELEMENTS(req); i++)
		xsc_send(c, req[i].type, 100 + i,
			 req[i].tx ? t[req[i].tx - 1] : 0, req[i].p, req[i].l);
	for (size_t i = 0; i < G_N_ELEMENTS(req); i++) {
		xsc_msg *m = xsc_recv(c, ms(5000));
		bool good;

		if (!m) {
			xsc_fail_at(__FILE__, __LINE__, "request %zu: no reply", i);
			break;
		}
		if (req[i].exp[0] == '=')
			good = m->hdr.type == XS_READ &&
				m->hdr.len == strlen(req[i].exp + 1) &&
				!memcmp(m->body, req[i].exp + 1, m->hdr.len);
		else if (req[i].exp[0] == 'E')
			good = !g_strcmp0(xsc_error(m), req[i].exp);
		else
			good = xsc_is_ok(m) && m->hdr.len == 3 &&
				!memcmp(m->body, "OK", 3);
		good = good && m->hdr.req_id == 100 + i &&
			m->hdr.tx_id == (req[i].tx ? t[req[i].tx - 1] : 0);
		if (!good) {
			g_autofree char *d = xsc_describe(m);
			xsc_fail_at(__FILE__, __LINE__, "request %zu: expected "
				    "%s, got %s", i, req[i].exp, d);
		}
		xsc_msg_free(m);
	}
	xsc_close(c);
	CHECK_SERVED();
}

/* ---- resources --------------------------------------------------------- */

/* Connections that vanish holding transactions and watches: the daemon
 * cleans up (valgrind's leak check runs in the valgrind suite). */
static void test_abandoned_state(void)
{
	unsigned int ok_tx = 0, ok_w = 0;

	begin();
	for (int round = 0; round < 3; round++) {
		xsc_conn *c = xsc_open();
		for (int i = 0; i < 50; i++) {
			xsc_msg *m = xsc_callv(c, XS_TRANSACTION_START, 0, "", NULL);
			if (xsc_is_ok(m)) {
				uint32_t tx = (uint32_t)atoi(m->body);
				g_autofree char *p = g_strdup_printf(
					"/xstest-malformed/ab/%d", i);
				GByteArray *b = xsc_path_value(p, "x", 1);
				ok_tx++;
				xsc_msg_free(xsc_call(c, XS_WRITE, tx, b->data, b->len));
				g_byte_array_unref(b);
			}
			xsc_msg_free(m);
		}
		for (int i = 0; i < 200; i++) {
			g_autofree char *p = g_strdup_printf("/xstest-malformed/w%d", i);
			xsc_msg *m = xsc_callv(c, XS_WATCH, 0, p, "tok", NULL);
			ok_w += xsc_is_ok(m);
			xsc_msg_free(m);
		}
		/* Leave a request unanswered and events pending, and go. */
		xsc_send(c, XS_WRITE, 5, 0, "/xstest-malformed/w1\0x", 22);
		xsc_close(c);
		CHECK_SERVED();
	}
	g_test_message("transactions started: %u, watches: %u", ok_tx, ok_w);
	g_assert_cmpuint(ok_tx, >, 0);
	g_assert_cmpuint(ok_w, >, 0);
	/* Nothing of the abandoned transactions was committed. */
	{
		xsc_conn *c = xsc_open();
		xsc_msg *m = xsc_callv(c, XS_READ, 0, "/xstest-malformed/ab", NULL);
		if (g_strcmp0(xsc_error(m), "ENOENT"))
			xsc_fail_at(__FILE__, __LINE__, "abandoned transaction "
				    "committed");
		xsc_msg_free(m);
		xsc_close(c);
	}
}

/* A client that sends as fast as it can and never reads: the daemon must
 * keep serving the others promptly and bound its memory (C xenstored
 * drops the flooder after a few MB of pending replies; ours stops reading
 * it).  Each request is small, each reply 4000 bytes. */
static void test_flood_never_reads(void)
{
	xsc_conn *f, *o;
	GByteArray *buf = g_byte_array_new();
	struct xsd_sockmsg h = { .type = XS_READ, .len = 24 };
	gint64 start, last_progress, last_check = 0;
	long rss0, rss_max = 0;
	size_t sent = 0;
	double worst = 0;
	char *v;

	begin();
	o = xsc_open();
	v = g_malloc0(4001);
	memset(v, 'f', 4000);
	XSC_WRITE(o, 0, "/xstest-malformed/flood", v);
	g_free(v);
	rss0 = xsc_daemon_rss_kib();

	f = xsc_open();
	for (int i = 0; i < 256; i++) {
		h.req_id = (uint32_t)i;
		g_byte_array_append(buf, (guint8 *)&h, sizeof(h));
		g_byte_array_append(buf, (guint8 *)"/xstest-malformed/flood", 24);
	}
	start = last_progress = g_get_monotonic_time();
	while (g_get_monotonic_time() - start < ms(4000) * 1000LL) {
		ssize_t n = send(f->fd, buf->data, buf->len,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			sent += (size_t)n;
			last_progress = g_get_monotonic_time();
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			break;          /* dropped (EPIPE / ECONNRESET) */
		} else {
			g_usleep(2000);
		}
		/* Meanwhile another client is served promptly. */
		if (g_get_monotonic_time() - last_check > 50000) {
			gint64 t0 = g_get_monotonic_time();
			xsc_msg *m;
			double dt;
			xsc_send(o, XS_READ, 1, 0, "/xstest-malformed/alive", 24);
			m = xsc_recv(o, ms(5000));
			dt = (g_get_monotonic_time() - t0) / 1e6;
			if (dt > worst)
				worst = dt;
			if (!m) {
				xsc_fail_at(__FILE__, __LINE__, "other client "
					    "not served during the flood");
				break;
			}
			xsc_msg_free(m);
			rss_max = MAX(rss_max, xsc_daemon_rss_kib());
			last_check = g_get_monotonic_time();
		}
		if (g_get_monotonic_time() - last_progress > 2000000)
			break;          /* blocked for 2 s: the daemon stopped reading */
	}
	rss_max = MAX(rss_max, xsc_daemon_rss_kib());
	g_test_message("flood: sent %zu requests (%zu MB of replies asked); "
		       "daemon RSS %ld -> %ld KiB; worst latency of another "
		       "client %.3f s", sent / 40, sent / 40 * 4000 >> 20,
		       rss0, rss_max, worst);
	if (worst > (slow ? 10.0 : 2.0))
		xsc_fail_at(__FILE__, __LINE__, "another client waited %.3f s",
			    worst);
	/* Bounded memory: far less than the replies asked for. */
	if (rss0 && rss_max - rss0 > (slow ? 256 : 64) * 1024)
		xsc_fail_at(__FILE__, __LINE__, "daemon RSS grew by %ld KiB",
			    rss_max - rss0);
	xsc_close(f);
	xsc_close(o);
	g_byte_array_unref(buf);
	CHECK_SERVED();
	/* The memory comes back (within reason) once the flooder is gone. */
	g_usleep(ms(500) * 1000);
	CHECK_SERVED();
}

/* Watch events for a client that never reads: the daemon must not block
 * the writer nor grow without bound. */
static void test_watch_flood(void)
{
	xsc_conn *w, *o;
	gint64 start;
	unsigned int n = 0;
	long rss0, rss1;

	begin();
	w = xsc_open();
	o = xsc_open();
	{
		GByteArray *b = XSC_S("/xstest-malformed/wf", "tok");
		xsc_msg_free(xsc_call(w, XS_WATCH, 0, b->data, b->len));
		g_byte_array_unref(b);
	}
	rss0 = xsc_daemon_rss_kib();
	start = g_get_monotonic_time();
	while (g_get_monotonic_time() - start < ms(3000) * 1000LL && n < 20000) {
		g_autofree char *p = g_strdup_printf(
			"/xstest-malformed/wf/a-rather-long-node-name-to-fill-"
			"the-socket-buffer-quickly-%u", n % 100);
		GByteArray *b = xsc_path_value(p, "x", 1);
		gint64 t0 = g_get_monotonic_time();
		xsc_msg *m = xsc_call(o, XS_WRITE, 0, b->data, b->len);
		g_byte_array_unref(b);
		if (!xsc_is_ok(m)) {
			xsc_fail_at(__FILE__, __LINE__, "writer not served "
				    "while a watcher does not read");
			xsc_msg_free(m);
			break;
		}
		xsc_msg_free(m);
		if (g_get_monotonic_time() - t0 > (slow ? 10 : 2) * 1000000LL) {
			xsc_fail_at(__FILE__, __LINE__, "a write took > 2 s");
			break;
		}
		n++;
	}
	rss1 = xsc_daemon_rss_kib();
	g_test_message("watch flood: %u writes, RSS %ld -> %ld KiB", n, rss0, rss1);
	if (rss0 && rss1 - rss0 > (slow ? 256 : 64) * 1024)
		xsc_fail_at(__FILE__, __LINE__, "daemon RSS grew by %ld KiB",
			    rss1 - rss0);
	xsc_close(w);
	xsc_close(o);
	CHECK_SERVED();
}

static void test_disconnect_mid_message(void)
{
	begin();
	for (int i = 0; i < 20; i++) {
		xsc_conn *c = xsc_open();
		GByteArray *b = xsc_path_value("/xstest-malformed/mid", "0123456789", 10);
		struct xsd_sockmsg h = { .type = XS_WRITE, .req_id = 1, .len = b->len };
		xsc_send_raw(c, &h, sizeof(h));
		xsc_send_raw(c, b->data, (size_t)i % b->len);
		g_byte_array_unref(b);
		xsc_close(c);
	}
	CHECK_SERVED();
	/* A full request, and gone before the reply. */
	for (int i = 0; i < 20; i++) {
		xsc_conn *c = xsc_open();
		xsc_send(c, XS_DIRECTORY, 1, 0, "/\0", 2);
		xsc_close(c);
	}
	/* Half-closed: the reply may still be sent, or not. */
	{
		xsc_conn *c = xsc_open();
		xsc_msg *m;
		xsc_send(c, XS_READ, 1, 0, "/\0", 2);
		shutdown(c->fd, SHUT_WR);
		m = xsc_recv(c, ms(3000));
		if (m && (m->hdr.req_id != 1 || m->hdr.type != XS_READ))
			xsc_fail_at(__FILE__, __LINE__, "half-closed: bad reply");
		xsc_msg_free(m);
		xsc_close(c);
	}
	CHECK_SERVED();
}

/* Random bytes, and random payloads behind valid headers. */
static void test_garbage(void)
{
	int rounds = slow ? 40 : 200;

	begin();
	for (int i = 0; i < rounds; i++) {
		xsc_conn *c = xsc_open();
		size_t len = (size_t)g_test_rand_int_range(1, 8192);
		guint8 *p = g_malloc(len);
		for (size_t j = 0; j < len; j++)
			p[j] = (guint8)g_test_rand_int_range(0, 256);
		xsc_send_raw(c, p, len);
		xsc_wait_closed(c, 20);
		g_free(p);
		xsc_close(c);
	}
	CHECK_SERVED();
	for (int i = 0; i < rounds * 2; i++) {
		xsc_conn *c = xsc_open();
		uint32_t type = (uint32_t)g_test_rand_int_range(0, XS_TYPE_COUNT + 2);
		size_t len = (size_t)g_test_rand_int_range(0, XENSTORE_PAYLOAD_MAX + 1);
		guint8 *p = g_malloc(len + 1);
		xsc_msg *m;
		/* Printable-ish bytes and NULs make it past more parsers. */
		for (size_t j = 0; j < len; j++) {
			int r = g_test_rand_int_range(0, 40);
			p[j] = r == 0 ? 0 : r == 1 ? '/' :
				(guint8)g_test_rand_int_range(r < 20 ? 'a' : 0,
							      r < 20 ? 'z' + 1 : 256);
		}
		if (type == XS_CONTROL || type == XS_INTRODUCE ||
		    type == XS_RELEASE || type == XS_RM)
			type = XS_READ;   /* no side effects on the daemon */
		xsc_send(c, type, 77, 0, p, len);
		m = xsc_recv(c, ms(5000));
		if (!m && !c->eof)
			xsc_fail_at(__FILE__, __LINE__, "random payload of type "
				    "%u: no reply, not dropped", type);
		if (m && m->hdr.req_id != 77)
			xsc_fail_at(__FILE__, __LINE__, "random payload: "
				    "req_id not echoed");
		xsc_msg_free(m);
		g_free(p);
		xsc_close(c);
	}
	CHECK_SERVED();
}

/* Many clients at once. */
static void test_many_connections(void)
{
	enum { N = 200 };
	xsc_conn *cs[N];
	int got = 0;

	begin();
	for (int i = 0; i < N; i++) {
		cs[i] = xsc_connect(xsc_socket_path());
		if (cs[i])
			xsc_send(cs[i], XS_READ, (uint32_t)i, 0,
				 "/xstest-malformed\0", 18);
	}
	for (int i = 0; i < N; i++) {
		xsc_msg *m = cs[i] ? xsc_recv(cs[i], ms(5000)) : NULL;
		got += m && m->hdr.req_id == (uint32_t)i;
		xsc_msg_free(m);
	}
	for (int i = 0; i < N; i++)
		xsc_close(cs[i]);
	g_assert_cmpint(got, ==, N);
	CHECK_SERVED();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	slow = g_getenv("XSTEST_SLOW") != NULL;

	g_test_add_func("/malformed/truncated-header", test_truncated_header);
	g_test_add_func("/malformed/byte-by-byte", test_byte_by_byte);
	g_test_add_func("/malformed/truncated-body", test_truncated_body);
	g_test_add_func("/malformed/length-too-big", test_length_too_big);
	g_test_add_func("/malformed/unknown-types", test_unknown_types);
	g_test_add_func("/malformed/missing-nul", test_missing_nul);
	g_test_add_func("/malformed/wrong-arg-count", test_wrong_arg_count);
	g_test_add_func("/malformed/invalid-paths", test_invalid_paths);
	g_test_add_func("/malformed/unknown-tx", test_unknown_tx);
	g_test_add_func("/malformed/interleaved-transactions", test_interleaved_transactions);
	g_test_add_func("/malformed/abandoned-state", test_abandoned_state);
	g_test_add_func("/malformed/flood-never-reads", test_flood_never_reads);
	g_test_add_func("/malformed/watch-flood", test_watch_flood);
	g_test_add_func("/malformed/disconnect-mid-message", test_disconnect_mid_message);
	g_test_add_func("/malformed/garbage", test_garbage);
	g_test_add_func("/malformed/many-connections", test_many_connections);

	return g_test_run();
}
