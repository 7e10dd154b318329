/* A small raw-protocol xenstore client for tests: see xs_client.h. */
#include "xs_client.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* ---- connection -------------------------------------------------------- */

const char *xsc_socket_path(void)
{
	static char buf[4096];
	const char *p = getenv("XENSTORED_PATH");

	if (p && *p)
		return p;
	p = getenv("XENSTORED_RUNDIR");
	if (p && *p) {
		snprintf(buf, sizeof(buf), "%s/socket", p);
		return buf;
	}
	return "/run/xenstored/socket";
}

xsc_conn *xsc_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	xsc_conn *c;
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	c = g_new0(xsc_conn, 1);
	c->fd = fd;
	c->next_req_id = 1;
	g_queue_init(&c->events);
	g_queue_init(&c->replies);
	return c;
}

xsc_conn *xsc_open(void)
{
	const char *path = xsc_socket_path();
	xsc_conn *c = xsc_connect(path);

	if (!c)
		g_error("cannot connect to xenstored at %s: %s", path,
			g_strerror(errno));
	return c;
}

void xsc_msg_free(xsc_msg *m)
{
	if (!m)
		return;
	g_free(m->body);
	g_free(m);
}

void xsc_close(xsc_conn *c)
{
	xsc_msg *m;

	if (!c)
		return;
	while ((m = g_queue_pop_head(&c->events)))
		xsc_msg_free(m);
	while ((m = g_queue_pop_head(&c->replies)))
		xsc_msg_free(m);
	if (c->fd >= 0)
		close(c->fd);
	g_free(c);
}

/* ---- sending ----------------------------------------------------------- */

int xsc_send_raw(xsc_conn *c, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
				poll(&pfd, 1, 100);
				continue;
			}
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int xsc_send(xsc_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
	     const void *payload, size_t plen)
{
	struct xsd_sockmsg hdr = {
		.type = type, .req_id = req_id, .tx_id = tx_id,
		.len = (uint32_t)plen,
	};
	g_autofree char *buf = g_malloc(sizeof(hdr) + plen);

	memcpy(buf, &hdr, sizeof(hdr));
	if (plen)
		memcpy(buf + sizeof(hdr), payload, plen);
	return xsc_send_raw(c, buf, sizeof(hdr) + plen);
}

/* ---- receiving --------------------------------------------------------- */

static gint64 now_ms(void)
{
	return g_get_monotonic_time() / 1000;
}

/* Reads exactly len bytes before deadline; 0, -ETIMEDOUT, -EPIPE. */
static int read_full(xsc_conn *c, void *buf, size_t len, gint64 deadline)
{
	char *p = buf;

	while (len) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		gint64 left = deadline - now_ms();
		ssize_t n;
		int r;

		if (left < 0)
			left = 0;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return -ETIMEDOUT;
		n = recv(c->fd, p, len, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			c->eof = true;
			return -EPIPE;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int xsc_recv_any(xsc_conn *c, xsc_msg **out, int timeout_ms)
{
	gint64 deadline = now_ms() + timeout_ms;
	struct xsd_sockmsg hdr;
	xsc_msg *m;
	int r;

	*out = NULL;
	if (c->eof)
		return -EPIPE;
	r = read_full(c, &hdr, sizeof(hdr), deadline);
	if (r)
		return r;
	if (hdr.len > XENSTORE_PAYLOAD_MAX) {
		/* The protocol forbids it in both directions. */
		c->oversize = true;
		g_test_message("daemon sent a %u-byte payload (type %u), more "
			       "than XENSTORE_PAYLOAD_MAX", hdr.len, hdr.type);
		g_test_fail();
		if (hdr.len > 16 * 1024 * 1024) {
			c->eof = true;
			return -EPIPE;
		}
	}
	m = g_new0(xsc_msg, 1);
	m->hdr = hdr;
	m->body = g_malloc0(hdr.len + 1);
	/* The body follows its header at once: give it a generous time. */
	r = read_full(c, m->body, hdr.len, MAX(deadline, now_ms() + 2000));
	if (r) {
		xsc_msg_free(m);
		return r == -ETIMEDOUT ? -EPIPE : r;
	}
	*out = m;
	return 0;
}

xsc_msg *xsc_recv(xsc_conn *c, int timeout_ms)
{
	gint64 deadline = now_ms() + timeout_ms;
	xsc_msg *m = g_queue_pop_head(&c->replies);

	while (!m) {
		gint64 left = deadline - now_ms();

		if (xsc_recv_any(c, &m, left > 0 ? (int)left : 0))
			return NULL;
		if (m->hdr.type == XS_WATCH_EVENT) {
			g_queue_push_tail(&c->events, m);
			m = NULL;
		}
	}
	return m;
}

xsc_msg *xsc_wait_watch(xsc_conn *c, int timeout_ms)
{
	gint64 deadline = now_ms() + timeout_ms;
	xsc_msg *m = g_queue_pop_head(&c->events);

	while (!m) {
		gint64 left = deadline - now_ms();

		if (xsc_recv_any(c, &m, left > 0 ? (int)left : 0))
			return NULL;
		if (m->hdr.type != XS_WATCH_EVENT) {
			g_queue_push_tail(&c->replies, m);
			m = NULL;
		}
	}
	return m;
}

unsigned int xsc_drain_watches(xsc_conn *c, int timeout_ms)
{
	unsigned int n = 0;
	xsc_msg *m;

	while ((m = xsc_wait_watch(c, timeout_ms))) {
		xsc_msg_free(m);
		n++;
	}
	return n;
}

bool xsc_wait_closed(xsc_conn *c, int timeout_ms)
{
	gint64 deadline = now_ms() + timeout_ms;
	char buf[4096];

	if (c->eof)
		return true;
	for (;;) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		gint64 left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			return false;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			c->eof = true;
			return true;
		}
	}
}

/* ---- payloads and calls ------------------------------------------------ */

GByteArray *xsc_strings(const char *first, ...)
{
	GByteArray *b = g_byte_array_new();
	va_list ap;

	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *))
		g_byte_array_append(b, (const guint8 *)s, strlen(s) + 1);
	va_end(ap);
	return b;
}

GByteArray *xsc_path_value(const char *path, const void *value, size_t vlen)
{
	GByteArray *b = g_byte_array_new();

	g_byte_array_append(b, (const guint8 *)path, strlen(path) + 1);
	if (vlen)
		g_byte_array_append(b, value, vlen);
	return b;
}

const char *xsc_error(const xsc_msg *m)
{
	return m && m->hdr.type == XS_ERROR ? m->body : NULL;
}

bool xsc_is_ok(const xsc_msg *m)
{
	return m && m->hdr.type != XS_ERROR;
}

static const char *type_name(uint32_t t)
{
	static const char *names[] = {
		"CONTROL", "DIRECTORY", "READ", "GET_PERMS", "WATCH",
		"UNWATCH", "TRANSACTION_START", "TRANSACTION_END",
		"INTRODUCE", "RELEASE", "GET_DOMAIN_PATH", "WRITE", "MKDIR",
		"RM", "SET_PERMS", "WATCH_EVENT", "ERROR",
		"IS_DOMAIN_INTRODUCED", "RESUME", "SET_TARGET", "RESTRICT",
		"RESET_WATCHES", "DIRECTORY_PART",
	};
	return t < G_N_ELEMENTS(names) ? names[t] : "?";
}

static char *escape(const char *p, size_t len)
{
	GString *s = g_string_new(NULL);
	size_t max = len > 200 ? 200 : len;

	for (size_t i = 0; i < max; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch == 0)
			g_string_append(s, "\\0");
		else if (ch < 0x20 || ch >= 0x7f || ch == '\\')
			g_string_append_printf(s, "\\x%02x", ch);
		else
			g_string_append_c(s, (char)ch);
	}
	if (max < len)
		g_string_append_printf(s, "...(%zu bytes)", len);
	return g_string_free(s, FALSE);
}

char *xsc_describe(const xsc_msg *m)
{
	g_autofree char *body = NULL;

	if (!m)
		return g_strdup("(no reply: timeout or connection closed)");
	body = escape(m->body, m->hdr.len);
	return g_strdup_printf("%s req_id=%u tx_id=%u len=%u \"%s\"",
			       type_name(m->hdr.type), m->hdr.req_id,
			       m->hdr.tx_id, m->hdr.len, body);
}

void xsc_fail_at(const char *file, int line, const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* Fatal unless g_test_set_nonfatal_assertions() is in effect. */
	g_assertion_message(G_LOG_DOMAIN, file, line, "", msg);
}

xsc_msg *xsc_call(xsc_conn *c, uint32_t type, uint32_t tx_id,
		  const void *payload, size_t plen)
{
	uint32_t id = c->next_req_id++;
	xsc_msg *m;

	if (xsc_send(c, type, id, tx_id, payload, plen))
		return NULL;
	m = xsc_recv(c, XSC_TIMEOUT_MS);
	if (!m)
		return NULL;
	if (m->hdr.req_id != id || m->hdr.tx_id != tx_id ||
	    (m->hdr.type != type && m->hdr.type != XS_ERROR)) {
		g_autofree char *d = xsc_describe(m);
		g_test_message("reply does not match request %s req_id=%u "
			       "tx_id=%u: %s", type_name(type), id, tx_id, d);
		g_test_fail();
	}
	return m;
}

xsc_msg *xsc_callv(xsc_conn *c, uint32_t type, uint32_t tx_id,
		   const char *first, ...)
{
	GByteArray *b = g_byte_array_new();
	xsc_msg *m;
	va_list ap;

	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *))
		g_byte_array_append(b, (const guint8 *)s, strlen(s) + 1);
	va_end(ap);
	m = xsc_call(c, type, tx_id, b->data, b->len);
	g_byte_array_unref(b);
	return m;
}

/* ---- assertions -------------------------------------------------------- */

xsc_msg *xsc_expect_ok_at(const char *file, int line, xsc_conn *c,
			  uint32_t type, uint32_t tx_id,
			  const void *payload, size_t plen,
			  const void *exp, size_t explen)
{
	xsc_msg *m = xsc_call(c, type, tx_id, payload, plen);
	g_autofree char *req = escape(payload, plen);

	if (!xsc_is_ok(m)) {
		g_autofree char *d = xsc_describe(m);
		xsc_fail_at(file, line, "%s \"%s\": expected OK, got %s",
			    type_name(type), req, d);
		xsc_msg_free(m);
		return NULL;
	}
	if (exp && (m->hdr.len != explen || memcmp(m->body, exp, explen))) {
		g_autofree char *d = xsc_describe(m);
		g_autofree char *e = escape(exp, explen);
		xsc_fail_at(file, line, "%s \"%s\": expected \"%s\", got %s",
			    type_name(type), req, e, d);
		xsc_msg_free(m);
		return NULL;
	}
	return m;
}

const char *xsc_expect_err_any_at(const char *file, int line, xsc_conn *c,
				  uint32_t type, uint32_t tx_id,
				  const void *payload, size_t plen,
				  const char *errs)
{
	xsc_msg *m = xsc_call(c, type, tx_id, payload, plen);
	g_auto(GStrv) list = g_strsplit(errs, "|", -1);
	g_autofree char *req = escape(payload, plen);
	const char *found = NULL;

	if (xsc_error(m) && m->hdr.len == strlen(m->body) + 1) {
		for (char **e = list; *e; e++)
			if (!strcmp(*e, m->body))
				found = g_intern_string(*e);
	}
	if (!found) {
		g_autofree char *d = xsc_describe(m);
		xsc_fail_at(file, line, "%s \"%s\": expected error %s, got %s",
			    type_name(type), req, errs, d);
	}
	xsc_msg_free(m);
	return found;
}

void xsc_expect_err_at(const char *file, int line, xsc_conn *c,
		       uint32_t type, uint32_t tx_id,
		       const void *payload, size_t plen, const char *err)
{
	xsc_expect_err_any_at(file, line, c, type, tx_id, payload, plen, err);
}

static void expect_ok_bytes(const char *file, int line, xsc_conn *c,
			    uint32_t type, uint32_t tx, GByteArray *b,
			    const char *exp, size_t explen)
{
	xsc_msg_free(xsc_expect_ok_at(file, line, c, type, tx, b->data, b->len,
				      exp, explen));
	g_byte_array_unref(b);
}

void xsc_write_at(const char *file, int line, xsc_conn *c, uint32_t tx,
		  const char *path, const char *value)
{
	expect_ok_bytes(file, line, c, XS_WRITE, tx,
			xsc_path_value(path, value, strlen(value)), "OK", 3);
}

void xsc_mkdir_at(const char *file, int line, xsc_conn *c, uint32_t tx,
		  const char *path)
{
	expect_ok_bytes(file, line, c, XS_MKDIR, tx, XSC_S(path), "OK", 3);
}

void xsc_rm_at(const char *file, int line, xsc_conn *c, uint32_t tx,
	       const char *path)
{
	expect_ok_bytes(file, line, c, XS_RM, tx, XSC_S(path), "OK", 3);
}

void xsc_expect_read_at(const char *file, int line, xsc_conn *c, uint32_t tx,
			const char *path, const char *value)
{
	expect_ok_bytes(file, line, c, XS_READ, tx, XSC_S(path), value,
			strlen(value));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Splits "a\0b\0" into a sorted, NULL-terminated vector. */
static char **split_nul_list(const char *p, size_t len, bool *well_formed)
{
	GPtrArray *a = g_ptr_array_new();
	size_t i = 0;

	*well_formed = len == 0 || p[len - 1] == '\0';
	while (i < len) {
		size_t l = strnlen(p + i, len - i);
		g_ptr_array_add(a, g_strndup(p + i, l));
		i += l + 1;
	}
	if (a->len)
		qsort(a->pdata, a->len, sizeof(char *), cmp_str);
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

void xsc_expect_dir_at(const char *file, int line, xsc_conn *c, uint32_t tx,
		       const char *path, ...)
{
	GByteArray *b = XSC_S(path);
	xsc_msg *m = xsc_expect_ok_at(file, line, c, XS_DIRECTORY, tx, b->data,
				      b->len, NULL, 0);
	GPtrArray *want = g_ptr_array_new();
	g_auto(GStrv) got = NULL;
	g_autofree char *gs = NULL, *ws = NULL;
	bool wf;
	va_list ap;

	g_byte_array_unref(b);
	if (!m) {
		g_ptr_array_free(want, TRUE);
		return;
	}
	va_start(ap, path);
	for (const char *s = va_arg(ap, const char *); s;
	     s = va_arg(ap, const char *))
		g_ptr_array_add(want, (char *)s);
	va_end(ap);
	if (want->len)
		qsort(want->pdata, want->len, sizeof(char *), cmp_str);
	g_ptr_array_add(want, NULL);
	got = split_nul_list(m->body, m->hdr.len, &wf);
	gs = g_strjoinv(",", got);
	ws = g_strjoinv(",", (char **)want->pdata);
	if (!wf || strcmp(gs, ws))
		xsc_fail_at(file, line, "DIRECTORY %s: expected {%s}, got {%s}%s",
			    path, ws, gs, wf ? "" : " (no trailing NUL)");
	g_ptr_array_free(want, TRUE);
	xsc_msg_free(m);
}

void xsc_expect_perms_at(const char *file, int line, xsc_conn *c, uint32_t tx,
			 const char *path, const char *perms)
{
	GByteArray *b = XSC_S(path);
	g_autofree char *exp = g_strdup(perms);

	/* "n0,r5" -> "n0\0r5\0" */
	for (char *p = exp; *p; p++)
		if (*p == ',')
			*p = '\0';
	expect_ok_bytes(file, line, c, XS_GET_PERMS, tx, b, exp,
			strlen(perms) + 1);
}

void xsc_set_perms_at(const char *file, int line, xsc_conn *c, uint32_t tx,
		      const char *path, const char *perms)
{
	GByteArray *b = XSC_S(path);
	g_autofree char *p = g_strdup(perms);

	for (char *q = p; *q; q++)
		if (*q == ',')
			*q = '\0';
	g_byte_array_append(b, (guint8 *)p, strlen(perms) + 1);
	expect_ok_bytes(file, line, c, XS_SET_PERMS, tx, b, "OK", 3);
}

void xsc_watch_at(const char *file, int line, xsc_conn *c,
		  const char *path, const char *token)
{
	expect_ok_bytes(file, line, c, XS_WATCH, 0, XSC_S(path, token),
			"OK", 3);
}

void xsc_expect_watch_at(const char *file, int line, xsc_conn *c,
			 const char *path, const char *token)
{
	xsc_msg *m = xsc_wait_watch(c, 5000);
	size_t pl = strlen(path), tl = strlen(token);

	if (!m) {
		xsc_fail_at(file, line, "expected watch event %s %s, got none",
			    path, token);
		return;
	}
	if (m->hdr.len != pl + tl + 2 || memcmp(m->body, path, pl + 1) ||
	    memcmp(m->body + pl + 1, token, tl + 1) || m->hdr.req_id != 0 ||
	    m->hdr.tx_id != 0) {
		g_autofree char *d = xsc_describe(m);
		xsc_fail_at(file, line, "expected watch event \"%s\\0%s\\0\", "
			    "got %s", path, token, d);
	}
	xsc_msg_free(m);
}

void xsc_expect_no_watch_at(const char *file, int line, xsc_conn *c,
			    int timeout_ms)
{
	xsc_msg *m = xsc_wait_watch(c, timeout_ms);

	if (m) {
		g_autofree char *d = xsc_describe(m);
		xsc_fail_at(file, line, "expected no watch event, got %s", d);
		xsc_msg_free(m);
	}
}

uint32_t xsc_tx_start_at(const char *file, int line, xsc_conn *c)
{
	GByteArray *b = XSC_S("");
	xsc_msg *m = xsc_expect_ok_at(file, line, c, XS_TRANSACTION_START, 0,
				      b->data, b->len, NULL, 0);
	guint64 id = 0;
	char *end = NULL;

	g_byte_array_unref(b);
	if (!m)
		return 0;
	if (m->hdr.len < 2 || m->body[m->hdr.len - 1] != '\0')
		xsc_fail_at(file, line, "TRANSACTION_START reply not a "
			    "NUL-terminated number");
	else
		id = g_ascii_strtoull(m->body, &end, 10);
	if (end && (*end || id == 0 || id > UINT32_MAX))
		xsc_fail_at(file, line, "TRANSACTION_START reply \"%s\"",
			    m->body);
	xsc_msg_free(m);
	return (uint32_t)id;
}

void xsc_tx_end_at(const char *file, int line, xsc_conn *c, uint32_t tx,
		   bool commit, const char *expect_err)
{
	GByteArray *b = XSC_S(commit ? "T" : "F");

	if (expect_err)
		xsc_expect_err_at(file, line, c, XS_TRANSACTION_END, tx,
				  b->data, b->len, expect_err);
	else
		xsc_msg_free(xsc_expect_ok_at(file, line, c,
					      XS_TRANSACTION_END, tx, b->data,
					      b->len, "OK", 3));
	g_byte_array_unref(b);
}

/* ---- the daemon -------------------------------------------------------- */

pid_t xsc_daemon_pid(void)
{
	const char *p = getenv("XENSTORED_PID");

	return p ? (pid_t)atoi(p) : 0;
}

bool xsc_daemon_alive(void)
{
	pid_t pid = xsc_daemon_pid();
	g_autofree char *path = NULL, *stat = NULL;

	if (pid <= 0)
		return true;
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	/* A zombie is dead too. */
	path = g_strdup_printf("/proc/%d/stat", (int)pid);
	if (g_file_get_contents(path, &stat, NULL, NULL)) {
		const char *rp = strrchr(stat, ')');
		if (rp && (rp[2] == 'Z' || rp[2] == 'X'))
			return false;
	}
	return true;
}

long xsc_daemon_rss_kib(void)
{
	pid_t pid = xsc_daemon_pid();
	g_autofree char *path = NULL, *status = NULL;
	const char *p;

	if (pid <= 0)
		return 0;
	path = g_strdup_printf("/proc/%d/status", (int)pid);
	if (!g_file_get_contents(path, &status, NULL, NULL))
		return 0;
	p = strstr(status, "VmRSS:");
	return p ? atol(p + 6) : 0;
}

bool xsc_is_reference(void)
{
	const char *d = getenv("XSTEST_DAEMON");

	return d && !strcmp(d, "cxenstored");
}
