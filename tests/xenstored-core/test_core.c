/* In-process tests of xenstored's core: permissions with unprivileged
 * domain connections, quotas, watches, transactions, store invariants and
 * malformed input. Every test case gets a fresh core (core_init() /
 * core_setup() / core_fini()); clients are memory-transport connections,
 * guests are attached to their domain with domain_attach_conn() exactly as
 * a ring connection would be.
 *
 * Expected behaviour is that of Xen 4.17's C xenstored
 * (docs/misc/xenstore.txt, tools/xenstore/xenstored_*.c).
 */
#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "config.h"
#include "connection.h"
#include "control.h"
#include "core.h"
#include "domain.h"
#include "store.h"
#include "transaction.h"
#include "transport.h"
#include "watch.h"
#include "wire.h"

/* ---- clients ------------------------------------------------------------ */

typedef struct {
	uint32_t type, req_id, tx_id, len;
	char *data;              /* len bytes, plus a NUL */
} Msg;

typedef struct {
	struct connection *conn;
	uint32_t domid;
	GQueue msgs;             /* Msg*: everything received, in order */
} Client;

static GPtrArray *clients;
static uint32_t next_req_id = 1;

static void msg_free(gpointer p)
{
	Msg *m = p;

	if (m) {
		g_free(m->data);
		g_free(m);
	}
}

static bool conn_alive(const struct connection *conn)
{
	struct connection *c;

	list_for_each_entry(c, &connections, list)
		if (c == conn)
			return true;
	return false;
}

/* Moves what the daemon wrote to a client into its message queue. */
static void client_drain(Client *c)
{
	const char *out;
	size_t len, off = 0;

	if (!c->conn || !conn_alive(c->conn)) {
		c->conn = NULL;
		return;
	}
	out = mem_conn_output(c->conn, &len);
	while (len - off >= XS_HDR_SIZE) {
		struct xsd_sockmsg hdr;
		Msg *m;

		memcpy(&hdr, out + off, XS_HDR_SIZE);
		g_assert_cmpuint(len - off, >=, XS_HDR_SIZE + hdr.len);
		m = g_new0(Msg, 1);
		m->type = hdr.type;
		m->req_id = hdr.req_id;
		m->tx_id = hdr.tx_id;
		m->len = hdr.len;
		m->data = g_malloc(hdr.len + 1);
		memcpy(m->data, out + off + XS_HDR_SIZE, hdr.len);
		m->data[hdr.len] = '\0';
		g_queue_push_tail(&c->msgs, m);
		off += XS_HDR_SIZE + hdr.len;
	}
	g_assert_cmpuint(off, ==, len);
	mem_conn_clear_output(c->conn);
}

static void drain_all(void)
{
	conn_flush_all();
	for (guint i = 0; i < clients->len; i++)
		client_drain(g_ptr_array_index(clients, i));
}

static Client *client_add(struct connection *conn, uint32_t domid)
{
	Client *c = g_new0(Client, 1);

	g_assert_nonnull(conn);
	c->conn = conn;
	c->domid = domid;
	g_queue_init(&c->msgs);
	g_ptr_array_add(clients, c);
	return c;
}

/* dom0's tools: a privileged socket-like connection. */
static Client *priv_client(void)
{
	return client_add(mem_conn_new(0, 1), 0);
}

/* A guest: an unprivileged connection speaking for domid. */
static Client *guest(uint32_t domid)
{
	struct connection *conn = mem_conn_new(domid, 0);
	Client *c;

	g_assert_nonnull(conn);
	c = client_add(conn, domid);
	g_assert_cmpint(domain_attach_conn(domid, conn), ==, 0);
	g_assert_false(conn->privileged);
	drain_all();
	return c;
}

/* Frees a guest's connection, as a ring going away does. */
static void guest_gone(Client *c)
{
	g_assert_nonnull(c->conn);
	talloc_free(c->conn);
	c->conn = NULL;
	drain_all();
}

static void client_free(gpointer p)
{
	Client *c = p;

	g_queue_clear_full(&c->msgs, msg_free);
	g_free(c);
}

/* Sends raw bytes; returns nothing (see take_reply). */
static void feed(Client *c, const void *data, size_t len)
{
	g_assert_nonnull(c->conn);
	conn_feed(c->conn, data, len);
	drain_all();
}

static void send_msg(Client *c, uint32_t type, uint32_t req_id, uint32_t tx,
		     const void *payload, uint32_t len)
{
	struct xsd_sockmsg hdr = { type, req_id, tx, len };
	char *buf = g_malloc(XS_HDR_SIZE + len);

	memcpy(buf, &hdr, XS_HDR_SIZE);
	if (len)
		memcpy(buf + XS_HDR_SIZE, payload, len);
	feed(c, buf, XS_HDR_SIZE + len);
	g_free(buf);
}

/* The reply to req_id, removed from the queue (NULL if none arrived). */
static Msg *take_reply(Client *c, uint32_t req_id)
{
	for (GList *l = c->msgs.head; l; l = l->next) {
		Msg *m = l->data;
		if (m->type != XS_WATCH_EVENT && m->req_id == req_id) {
			g_queue_delete_link(&c->msgs, l);
			return m;
		}
	}
	return NULL;
}

static int msg_errno(const Msg *m)
{
	int e;

	g_assert_nonnull(m);
	if (m->type != XS_ERROR)
		return 0;
	e = wire_error_from_string(m->data);
	g_assert_cmpint(e, !=, 0);
	return e;
}

/* One request, its reply (asserted to arrive). */
static Msg *xs_req(Client *c, uint32_t type, uint32_t tx, const void *payload,
		   uint32_t len)
{
	uint32_t id = next_req_id++;
	Msg *m;

	send_msg(c, type, id, tx, payload, len);
	m = take_reply(c, id);
	if (!m)
		g_error("no reply to %s (domain %u)", wire_type_name(type), c->domid);
	g_assert_cmpuint(m->tx_id, ==, tx);
	if (m->type != XS_ERROR)
		g_assert_cmpuint(m->type, ==, type);
	return m;
}

/* Payload of NUL-terminated strings (NULL-terminated list). */
static GByteArray *strings_v(const char *first, va_list ap)
{
	GByteArray *b = g_byte_array_new();

	for (const char *s = first; s; s = va_arg(ap, const char *))
		g_byte_array_append(b, (const guint8 *)s, strlen(s) + 1);
	return b;
}

/* Request with string arguments; returns the errno (0: success) and the
 * reply's payload in *out (NUL-terminated copy) when asked. */
static int xs_call(Client *c, uint32_t type, uint32_t tx, char **out,
		   guint *outlen, const char *first, ...)
{
	va_list ap;
	GByteArray *b;
	Msg *m;
	int err;

	va_start(ap, first);
	b = strings_v(first, ap);
	va_end(ap);
	m = xs_req(c, type, tx, b->data, b->len);
	g_byte_array_free(b, TRUE);
	err = msg_errno(m);
	if (out)
		*out = err ? NULL : g_memdup2(m->data, m->len + 1);
	if (outlen)
		*outlen = m->len;
	msg_free(m);
	return err;
}

static int xs_write_tx(Client *c, uint32_t tx, const char *path, const char *value)
{
	size_t pl = strlen(path) + 1, vl = strlen(value);
	char *buf = g_malloc(pl + vl);
	Msg *m;
	int err;

	memcpy(buf, path, pl);
	memcpy(buf + pl, value, vl);
	m = xs_req(c, XS_WRITE, tx, buf, pl + vl);
	g_free(buf);
	err = msg_errno(m);
	if (!err)
		g_assert_cmpstr(m->data, ==, "OK");
	msg_free(m);
	return err;
}

static int xs_write(Client *c, const char *path, const char *value)
{
	return xs_write_tx(c, 0, path, value);
}

/* Reads a node; returns its value (g_free) or NULL with *err set. */
static char *xs_read_tx(Client *c, uint32_t tx, const char *path, int *err)
{
	char *out = NULL;
	int e = xs_call(c, XS_READ, tx, &out, NULL, path, NULL);

	if (err)
		*err = e;
	return out;
}

static int xs_read_err(Client *c, uint32_t tx, const char *path)
{
	int err;
	g_free(xs_read_tx(c, tx, path, &err));
	return err;
}

#define assert_read(c, tx, path, expect) do {                                \
	int e_;                                                              \
	char *v_ = xs_read_tx((c), (tx), (path), &e_);                       \
	g_assert_cmpint(e_, ==, 0);                                          \
	g_assert_cmpstr(v_, ==, (expect));                                   \
	g_free(v_);                                                          \
} while (0)

#define assert_err(expr, e) g_assert_cmpstr(wire_error_string(expr), ==, wire_error_string(e))

static int xs_mkdir(Client *c, uint32_t tx, const char *path)
{
	return xs_call(c, XS_MKDIR, tx, NULL, NULL, path, NULL);
}

static int xs_rm(Client *c, uint32_t tx, const char *path)
{
	return xs_call(c, XS_RM, tx, NULL, NULL, path, NULL);
}

/* Directory listing joined with ',' (g_free), or NULL with *err. */
static char *xs_dir(Client *c, uint32_t tx, const char *path, int *err)
{
	char *out = NULL;
	guint len = 0;
	int e = xs_call(c, XS_DIRECTORY, tx, &out, &len, path, NULL);

	if (err)
		*err = e;
	if (e)
		return NULL;
	for (guint i = 0; i + 1 < len; i++)
		if (!out[i])
			out[i] = ',';
	return out;
}

/* SET_PERMS path perm... (NULL-terminated) */
static int xs_setperms(Client *c, uint32_t tx, const char *path, ...)
{
	va_list ap;
	GByteArray *b;
	Msg *m;
	int err;

	va_start(ap, path);
	b = strings_v(path, ap);
	va_end(ap);
	m = xs_req(c, XS_SET_PERMS, tx, b->data, b->len);
	g_byte_array_free(b, TRUE);
	err = msg_errno(m);
	msg_free(m);
	return err;
}

/* GET_PERMS joined with ' ' (g_free), or NULL with *err. */
static char *xs_getperms(Client *c, const char *path, int *err)
{
	char *out = NULL;
	guint len = 0;
	int e = xs_call(c, XS_GET_PERMS, 0, &out, &len, path, NULL);

	if (err)
		*err = e;
	if (e)
		return NULL;
	for (guint i = 0; i + 1 < len; i++)
		if (!out[i])
			out[i] = ' ';
	return out;
}

#define assert_perms(c, path, expect) do {                                   \
	int e_;                                                              \
	char *p_ = xs_getperms((c), (path), &e_);                            \
	g_assert_cmpint(e_, ==, 0);                                          \
	g_assert_cmpstr(p_, ==, (expect));                                   \
	g_free(p_);                                                          \
} while (0)

static int xs_watch(Client *c, const char *path, const char *token)
{
	return xs_call(c, XS_WATCH, 0, NULL, NULL, path, token, NULL);
}

static int xs_unwatch(Client *c, const char *path, const char *token)
{
	return xs_call(c, XS_UNWATCH, 0, NULL, NULL, path, token, NULL);
}

static uint32_t xs_tstart(Client *c, int *err)
{
	char *out = NULL;
	int e = xs_call(c, XS_TRANSACTION_START, 0, &out, NULL, "", NULL);
	uint32_t id = 0;

	if (err)
		*err = e;
	else
		g_assert_cmpint(e, ==, 0);
	if (!e) {
		id = (uint32_t)strtoul(out, NULL, 10);
		g_assert_cmpuint(id, !=, 0);
	}
	g_free(out);
	return id;
}

static int xs_tend(Client *c, uint32_t tx, bool commit)
{
	return xs_call(c, XS_TRANSACTION_END, tx, NULL, NULL, commit ? "T" : "F", NULL);
}

static char *control(Client *c, const char *first, ...)
{
	va_list ap;
	GByteArray *b;
	Msg *m;
	char *out;

	va_start(ap, first);
	b = strings_v(first, ap);
	va_end(ap);
	m = xs_req(c, XS_CONTROL, 0, b->data, b->len);
	g_byte_array_free(b, TRUE);
	g_assert_cmpint(msg_errno(m), ==, 0);
	out = g_strdup(m->data);
	msg_free(m);
	return out;
}

static void assert_store_ok(Client *d0)
{
	char *s = control(d0, "check", NULL);

	g_assert_cmpstr(s, ==, "OK");
	g_free(s);
	g_assert_cmpuint(control_check_store(), ==, 0);
}

/* Watch events received: "path|token", oldest first (g_free). */
static char *ev_pop(Client *c)
{
	for (GList *l = c->msgs.head; l; l = l->next) {
		Msg *m = l->data;
		if (m->type == XS_WATCH_EVENT) {
			size_t pl = strlen(m->data);
			char *s;

			g_assert_cmpuint(pl + 1, <, m->len);
			g_assert_cmpuint(m->data[m->len - 1], ==, 0);
			s = g_strdup_printf("%s|%s", m->data, m->data + pl + 1);
			g_queue_delete_link(&c->msgs, l);
			msg_free(m);
			return s;
		}
	}
	return NULL;
}

static guint ev_count(Client *c)
{
	guint n = 0;

	for (GList *l = c->msgs.head; l; l = l->next)
		n += ((Msg *)l->data)->type == XS_WATCH_EVENT;
	return n;
}

static void ev_clear(Client *c)
{
	char *s;

	while ((s = ev_pop(c)))
		g_free(s);
}

#define assert_event(c, expect) do {                                         \
	char *e_ = ev_pop(c);                                                \
	g_assert_cmpstr(e_, ==, (expect));                                   \
	g_free(e_);                                                          \
} while (0)

#define assert_no_event(c) do {                                              \
	char *e_ = ev_pop(c);                                                \
	g_assert_cmpstr(e_, ==, NULL);                                       \
} while (0)

/* /local/domain/N owned by N (nothing for others), as a toolstack makes a
 * guest's home writable by it. */
static void make_home(Client *d0, uint32_t domid)
{
	char path[64], owner[16];

	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	snprintf(owner, sizeof(owner), "n%u", domid);
	g_assert_cmpint(xs_mkdir(d0, 0, path), ==, 0);
	g_assert_cmpint(xs_setperms(d0, 0, path, owner, NULL), ==, 0);
}

/* ---- fixture ------------------------------------------------------------ */

typedef struct {
	Client *d0;
	Client *g[4];    /* g[1..3]: guests 1, 2, 3 with their homes */
} Fx;

static void fx_setup(Fx *fx, gconstpointer data)
{
	config_defaults();
	core_init();
	core_setup();
	clients = g_ptr_array_new_with_free_func(client_free);
	next_req_id = 1;
	fx->d0 = priv_client();
	fx->g[0] = NULL;
	for (uint32_t d = 1; d <= 3; d++) {
		make_home(fx->d0, d);
		fx->g[d] = guest(d);
	}
	drain_all();
}

static void fx_teardown(Fx *fx, gconstpointer data)
{
	core_fini();
	g_ptr_array_free(clients, TRUE);
	clients = NULL;
	g_assert_cmpuint(perms_interned_count(), ==, 0);
	g_assert_cmpuint(watch_count(), ==, 0);
	g_assert_cmpuint(transaction_total(), ==, 0);
	g_assert_cmpuint(domain_count(), ==, 0);
}

/* ==== permissions ======================================================= */

static void test_perms_own_tree(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1], *g2 = fx->g[2];

	g_assert_cmpint(xs_write(g1, "/local/domain/1/x", "v1"), ==, 0);
	assert_read(g1, 0, "/local/domain/1/x", "v1");
	assert_read(g1, 0, "x", "v1");
	assert_read(d0, 0, "/local/domain/1/x", "v1");

	/* Another domain's tree. */
	assert_err(xs_read_err(g2, 0, "/local/domain/1/x"), EACCES);
	assert_err(xs_write(g2, "/local/domain/1/x", "no"), EACCES);
	assert_err(xs_write(g2, "/local/domain/1/new", "no"), EACCES);
	assert_err(xs_rm(g2, 0, "/local/domain/1/x"), EACCES);
	g_assert_null(xs_dir(g2, 0, "/local/domain/1", NULL));
	{
		int e;
		g_assert_null(xs_dir(g2, 0, "/local/domain/1", &e));
		assert_err(e, EACCES);
		g_assert_null(xs_getperms(g2, "/local/domain/1/x", &e));
		assert_err(e, EACCES);
	}
	assert_read(g1, 0, "x", "v1");

	/* Nodes of dom0 with n0: the root, /local, /tool. */
	assert_err(xs_read_err(g1, 0, "/"), EACCES);
	assert_err(xs_read_err(g1, 0, "/local"), EACCES);
	assert_err(xs_read_err(g1, 0, "/tool/xenstored"), EACCES);
	assert_err(xs_write(g1, "/tool/mine", "x"), EACCES);
	assert_err(xs_write(g1, "/newtop", "x"), EACCES);
	g_assert_cmpint(xs_write(d0, "/secret", "s"), ==, 0);
	assert_err(xs_read_err(g1, 0, "/secret"), EACCES);
	assert_err(xs_mkdir(g1, 0, "/secret/sub"), EACCES);

	/* Missing nodes: ENOENT only if the nearest existing ancestor
	 * grants the access asked. */
	assert_err(xs_read_err(g1, 0, "/local/domain/1/missing"), ENOENT);
	assert_err(xs_read_err(g1, 0, "/local/domain/1/a/b/c"), ENOENT);
	assert_err(xs_read_err(g2, 0, "/local/domain/1/missing"), EACCES);
	assert_err(xs_read_err(g2, 0, "/local/domain/1/a/b/c"), EACCES);
	assert_err(xs_read_err(g1, 0, "/secret/missing"), EACCES);
	assert_err(xs_read_err(g1, 0, "/nothing/here"), EACCES);
	assert_err(xs_read_err(d0, 0, "/nothing/here"), ENOENT);

	/* A read-only ancestor: reading a missing child is ENOENT, writing
	 * or removing it EACCES. */
	g_assert_cmpint(xs_write(d0, "/pub", ""), ==, 0);
	g_assert_cmpint(xs_setperms(d0, 0, "/pub", "n0", "r1", NULL), ==, 0);
	assert_err(xs_read_err(g1, 0, "/pub/missing"), ENOENT);
	assert_err(xs_read_err(g1, 0, "/pub/missing/deeper"), ENOENT);
	assert_err(xs_write(g1, "/pub/missing", "x"), EACCES);
	assert_err(xs_rm(g1, 0, "/pub/missing"), EACCES);
	assert_err(xs_read_err(g2, 0, "/pub/missing"), EACCES);

	/* RM of a missing node: fine if its parent exists and may be
	 * written; ENOENT when the parent is missing too. */
	g_assert_cmpint(xs_rm(g1, 0, "/local/domain/1/nonexistent"), ==, 0);
	assert_err(xs_rm(g1, 0, "/local/domain/1/no/such"), ENOENT);
	assert_err(xs_rm(g2, 0, "/local/domain/1/nonexistent"), EACCES);

	/* The root cannot be removed. */
	assert_err(xs_rm(d0, 0, "/"), EINVAL);
	assert_store_ok(d0);
}

static void test_perms_acl(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1], *g2 = fx->g[2], *g3 = fx->g[3];
	const char *p = "/local/domain/1/acl";

	g_assert_cmpint(xs_write(g1, p, "val"), ==, 0);
	assert_perms(g1, p, "n1");

	/* r for 2, w for 3 */
	g_assert_cmpint(xs_setperms(g1, 0, p, "n1", "r2", "w3", NULL), ==, 0);
	assert_perms(g1, p, "n1 r2 w3");
	assert_perms(g2, p, "n1 r2 w3");  /* GET_PERMS needs read */
	assert_read(g2, 0, p, "val");
	assert_err(xs_write(g2, p, "x"), EACCES);
	g_assert_cmpint(xs_write(g3, p, "by3"), ==, 0);
	assert_err(xs_read_err(g3, 0, p), EACCES);
	assert_read(g1, 0, p, "by3");

	/* b for 2: read and write; still not the owner. */
	g_assert_cmpint(xs_setperms(g1, 0, p, "n1", "b2", NULL), ==, 0);
	g_assert_cmpint(xs_write(g2, p, "by2"), ==, 0);
	assert_read(g2, 0, p, "by2");
	assert_err(xs_read_err(g3, 0, p), EACCES);
	assert_err(xs_setperms(g2, 0, p, "n1", "b2", "b3", NULL), EACCES);
	assert_err(xs_rm(g3, 0, p), EACCES);

	/* Entry 0's access is everyone else's; an explicit n overrides it. */
	g_assert_cmpint(xs_setperms(g1, 0, p, "r1", "n2", NULL), ==, 0);
	assert_err(xs_read_err(g2, 0, p), EACCES);
	assert_read(g3, 0, p, "by2");
	assert_err(xs_write(g3, p, "x"), EACCES);
	g_assert_cmpint(xs_setperms(g1, 0, p, "w1", NULL), ==, 0);
	g_assert_cmpint(xs_write(g3, p, "w-all"), ==, 0);
	assert_err(xs_read_err(g3, 0, p), EACCES);

	/* The owner gets everything whatever the entries say. */
	g_assert_cmpint(xs_setperms(g1, 0, p, "n1", "n1", NULL), ==, 0);
	assert_read(g1, 0, p, "w-all");
	g_assert_cmpint(xs_write(g1, p, "own"), ==, 0);
	g_assert_cmpint(xs_setperms(g1, 0, p, "n1", NULL), ==, 0);
	/* and so does dom0 */
	assert_read(d0, 0, p, "own");
	g_assert_cmpint(xs_write(d0, p, "dom0"), ==, 0);

	/* Malformed permission strings. */
	assert_err(xs_setperms(g1, 0, p, "x1", NULL), EINVAL);
	assert_err(xs_setperms(g1, 0, p, "r", NULL), EINVAL);
	assert_err(xs_setperms(g1, 0, p, "rx", NULL), EINVAL);
	assert_err(xs_setperms(g1, 0, p, "r1x", NULL), EINVAL);
	assert_err(xs_setperms(g1, 0, p, NULL), EINVAL);
	assert_perms(g1, p, "n1");

	/* The owner removes its node. */
	g_assert_cmpint(xs_rm(g1, 0, p), ==, 0);
	assert_err(xs_read_err(g1, 0, p), ENOENT);
	assert_store_ok(d0);
}

static void test_perms_inherit(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1], *g2 = fx->g[2];
	char *q;

	g_assert_cmpint(xs_mkdir(g1, 0, "d"), ==, 0);
	g_assert_cmpint(xs_setperms(g1, 0, "d", "n1", "r2", NULL), ==, 0);
	g_assert_cmpint(xs_write(g1, "d/sub", "s"), ==, 0);
	assert_perms(g1, "d/sub", "n1 r2");
	assert_read(g2, 0, "/local/domain/1/d/sub", "s");

	/* dom0 creating below keeps the parent's owner. */
	g_assert_cmpint(xs_write(d0, "/local/domain/1/d/bydom0", "0"), ==, 0);
	assert_perms(d0, "/local/domain/1/d/bydom0", "n1 r2");

	/* A guest creating below someone else's writable node owns what it
	 * creates, missing ancestors included; the ACL is inherited. */
	g_assert_cmpint(xs_mkdir(g1, 0, "w"), ==, 0);
	g_assert_cmpint(xs_setperms(g1, 0, "w", "n1", "b2", NULL), ==, 0);
	g_assert_cmpint(xs_write(g2, "/local/domain/1/w/a/b/c", "deep"), ==, 0);
	assert_perms(d0, "/local/domain/1/w/a", "n2 b2");
	assert_perms(d0, "/local/domain/1/w/a/b", "n2 b2");
	assert_perms(d0, "/local/domain/1/w/a/b/c", "n2 b2");
	/* 1 has no entry of its own there: the default (n) applies. */
	assert_err(xs_read_err(g1, 0, "w/a/b/c"), EACCES);
	q = control(d0, "quota", "2", NULL);
	g_assert_nonnull(strstr(q, "nodes"));
	g_assert_cmpint(domain_nodes(2), ==, 1 + 3);
	g_free(q);
	assert_store_ok(d0);
}

static void test_perms_owner_change(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1], *g2 = fx->g[2];
	const char *p = "/local/domain/1/own";

	g_assert_cmpint(xs_write(g1, p, "v"), ==, 0);
	assert_err(xs_setperms(g1, 0, p, "n2", NULL), EPERM);
	assert_err(xs_setperms(g1, 0, p, "b2", "b1", NULL), EPERM);
	assert_perms(g1, p, "n1");
	g_assert_cmpint(xs_setperms(g1, 0, p, "n1", "r2", NULL), ==, 0);

	/* Privileged connections give nodes away. */
	g_assert_cmpint(domain_nodes(1), ==, 2);
	g_assert_cmpint(xs_setperms(d0, 0, p, "n2", NULL), ==, 0);
	g_assert_cmpint(domain_nodes(1), ==, 1);
	g_assert_cmpint(domain_nodes(2), ==, 2);
	assert_err(xs_read_err(g1, 0, p), EACCES);
	assert_read(g2, 0, p, "v");
	g_assert_cmpint(xs_setperms(g2, 0, p, "n2", "r1", NULL), ==, 0);
	assert_read(g1, 0, p, "v");
	assert_err(xs_setperms(g1, 0, p, "n1", NULL), EACCES);
	assert_store_ok(d0);
}

static void test_perms_set_target(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1], *g2 = fx->g[2], *g3 = fx->g[3];
	char *out;

	g_assert_cmpint(xs_write(g1, "dev", "1"), ==, 0);
	g_assert_cmpint(xs_write(d0, "/local/domain/2/forone", "2"), ==, 0);
	g_assert_cmpint(xs_setperms(d0, 0, "/local/domain/2/forone", "n2", "r1", NULL), ==, 0);
	assert_err(xs_read_err(g3, 0, "/local/domain/1/dev"), EACCES);
	assert_err(xs_read_err(g3, 0, "/local/domain/2/forone"), EACCES);

	/* Only privileged connections set targets. */
	assert_err(xs_call(g3, XS_SET_TARGET, 0, NULL, NULL, "3", "1", NULL), EACCES);
	assert_err(xs_call(d0, XS_SET_TARGET, 0, NULL, NULL, "3", "9", NULL), ENOENT);
	assert_err(xs_call(d0, XS_SET_TARGET, 0, NULL, NULL, "3", NULL), EINVAL);
	assert_err(xs_call(d0, XS_SET_TARGET, 0, NULL, NULL, "x", "1", NULL), EINVAL);
	g_assert_cmpint(xs_call(d0, XS_SET_TARGET, 0, &out, NULL, "3", "1", NULL), ==, 0);
	g_assert_cmpstr(out, ==, "OK");
	g_free(out);

	/* 3 (device model) now acts with 1's rights: its owned nodes and ACL
	 * entries naming 1. */
	assert_read(g3, 0, "/local/domain/1/dev", "1");
	g_assert_cmpint(xs_write(g3, "/local/domain/1/dev", "dm"), ==, 0);
	g_assert_cmpint(xs_write(g3, "/local/domain/1/dm/state", "running"), ==, 0);
	/* What it creates is its own (creator as owner), as in Xen. */
	assert_perms(d0, "/local/domain/1/dm/state", "n3");
	assert_read(g3, 0, "/local/domain/1/dm/state", "running");
	assert_read(g3, 0, "/local/domain/2/forone", "2");
	assert_err(xs_write(g3, "/local/domain/2/forone", "x"), EACCES);
	/* and its own. */
	g_assert_cmpint(xs_write(g3, "mine", "3"), ==, 0);
	/* 2 is unaffected; 1 does not get 3's rights. */
	assert_err(xs_read_err(g2, 0, "/local/domain/1/dev"), EACCES);
	assert_err(xs_read_err(g1, 0, "/local/domain/3/mine"), EACCES);
	assert_store_ok(d0);
}

static void test_perms_privileged_only(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];
	char *out;

	assert_err(xs_call(g1, XS_INTRODUCE, 0, NULL, NULL, "5", "1234", "7", NULL), EACCES);
	assert_err(xs_call(g1, XS_RELEASE, 0, NULL, NULL, "2", NULL), EACCES);
	assert_err(xs_call(g1, XS_RELEASE, 0, NULL, NULL, "1", NULL), EACCES);
	assert_err(xs_call(g1, XS_SET_TARGET, 0, NULL, NULL, "1", "2", NULL), EACCES);
	assert_err(xs_call(g1, XS_CONTROL, 0, NULL, NULL, "check", NULL), EACCES);
	assert_err(xs_call(g1, XS_CONTROL, 0, NULL, NULL, "quota", "nodes", "100000", NULL), EACCES);
	assert_err(xs_call(g1, XS_IS_DOMAIN_INTRODUCED, 0, NULL, NULL, "2", NULL), EACCES);
	assert_err(xs_call(g1, XS_RESUME, 0, NULL, NULL, "1", NULL), EACCES);
	g_assert_cmpuint(config.quota_nodes, ==, 1000);
	g_assert_true(conn_alive(fx->g[2]->conn));

	/* The same requests from dom0. */
	g_assert_cmpint(xs_call(d0, XS_IS_DOMAIN_INTRODUCED, 0, &out, NULL, "2", NULL), ==, 0);
	g_assert_cmpstr(out, ==, "T");
	g_free(out);
	g_assert_cmpint(xs_call(d0, XS_IS_DOMAIN_INTRODUCED, 0, &out, NULL, "7", NULL), ==, 0);
	g_assert_cmpstr(out, ==, "F");
	g_free(out);
	g_assert_cmpint(xs_call(d0, XS_RESUME, 0, NULL, NULL, "1", NULL), ==, 0);
	assert_err(xs_call(d0, XS_RESUME, 0, NULL, NULL, "7", NULL), ENOENT);
	/* No ring platform in-process: INTRODUCE cannot map anything. */
	assert_err(xs_call(d0, XS_INTRODUCE, 0, NULL, NULL, "5", "1234", "7", NULL), ENOSYS);
	/* RELEASE drops the domain's connection. */
	g_assert_cmpint(xs_call(d0, XS_RELEASE, 0, NULL, NULL, "2", NULL), ==, 0);
	drain_all();
	g_assert_null(fx->g[2]->conn);
	g_assert_cmpint(xs_call(d0, XS_IS_DOMAIN_INTRODUCED, 0, &out, NULL, "2", NULL), ==, 0);
	g_assert_cmpstr(out, ==, "F");
	g_free(out);
	assert_err(xs_call(d0, XS_RELEASE, 0, NULL, NULL, "2", NULL), ENOENT);
	assert_store_ok(d0);
}

static void test_domain_path(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];
	char *out;

	g_assert_cmpint(xs_call(g1, XS_GET_DOMAIN_PATH, 0, &out, NULL, "5", NULL), ==, 0);
	g_assert_cmpstr(out, ==, "/local/domain/5");
	g_free(out);
	g_assert_cmpint(xs_call(g1, XS_GET_DOMAIN_PATH, 0, &out, NULL, "1", NULL), ==, 0);
	g_assert_cmpstr(out, ==, "/local/domain/1");
	g_free(out);
	g_assert_cmpint(xs_call(d0, XS_GET_DOMAIN_PATH, 0, &out, NULL, "0", NULL), ==, 0);
	g_assert_cmpstr(out, ==, "/local/domain/0");
	g_free(out);
	assert_err(xs_call(g1, XS_GET_DOMAIN_PATH, 0, NULL, NULL, "abc", NULL), EINVAL);
	assert_err(xs_call(g1, XS_GET_DOMAIN_PATH, 0, NULL, NULL, "", NULL), EINVAL);
	assert_err(xs_call(g1, XS_GET_DOMAIN_PATH, 0, NULL, NULL, NULL), EINVAL);
}

static void test_relative_paths(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1], *g2 = fx->g[2];
	char *s;

	g_assert_cmpint(xs_write(g1, "rel/a", "x"), ==, 0);
	assert_read(d0, 0, "/local/domain/1/rel/a", "x");
	s = xs_dir(g1, 0, "rel", NULL);
	g_assert_cmpstr(s, ==, "a");
	g_free(s);
	assert_perms(g1, "rel/a", "n1");
	g_assert_cmpint(xs_rm(g1, 0, "rel"), ==, 0);
	assert_err(xs_read_err(d0, 0, "/local/domain/1/rel/a"), ENOENT);

	/* Relative to each connection's own home. */
	g_assert_cmpint(xs_write(g2, "rel", "two"), ==, 0);
	assert_read(d0, 0, "/local/domain/2/rel", "two");
	assert_err(xs_read_err(g1, 0, "rel"), ENOENT);
	g_assert_cmpint(xs_write(d0, "zero", "0"), ==, 0);
	assert_read(d0, 0, "/local/domain/0/zero", "0");

	/* Invalid paths. */
	assert_err(xs_read_err(g1, 0, ""), EINVAL);
	assert_err(xs_read_err(g1, 0, "a/"), EINVAL);
	assert_err(xs_read_err(g1, 0, "a//b"), EINVAL);
	assert_err(xs_read_err(g1, 0, "/local/domain/1/"), EINVAL);
	assert_err(xs_read_err(g1, 0, "a b"), EINVAL);
	assert_err(xs_read_err(g1, 0, "a.b"), EINVAL);
	assert_err(xs_write(g1, "@introduceDomain", "x"), EINVAL);
	assert_err(xs_read_err(g1, 0, "@releaseDomain"), EINVAL);
	g_assert_cmpint(xs_write(g1, "ok-_@09AZ", "x"), ==, 0);
	assert_store_ok(d0);
}

/* ==== quotas ============================================================ */

static void test_quota_nodes(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];
	char *s = control(d0, "quota", "nodes", "5", NULL);
	char path[64];
	int err;

	g_assert_cmpstr(s, ==, "OK");
	g_free(s);
	g_assert_cmpuint(config.quota_nodes, ==, 5);
	/* 1 owns its home: 4 more. */
	for (int i = 1; i <= 4; i++) {
		snprintf(path, sizeof(path), "n%d", i);
		g_assert_cmpint(xs_write(g1, path, "x"), ==, 0);
	}
	assert_err(xs_write(g1, "n5", "x"), ENOSPC);
	assert_err(xs_mkdir(g1, 0, "n5"), ENOSPC);
	/* Updating an existing node is fine. */
	g_assert_cmpint(xs_write(g1, "n1", "changed"), ==, 0);
	/* The guest keeps its connection and continues after deleting. */
	g_assert_cmpint(xs_rm(g1, 0, "n1"), ==, 0);
	g_assert_cmpint(xs_write(g1, "n5", "x"), ==, 0);
	/* Two missing nodes need two free entries. */
	g_assert_cmpint(xs_rm(g1, 0, "n2"), ==, 0);
	assert_err(xs_write(g1, "p/q", "x"), ENOSPC);
	g_assert_cmpint(xs_rm(g1, 0, "n3"), ==, 0);
	g_assert_cmpint(xs_write(g1, "p/q", "x"), ==, 0);
	g_assert_cmpint(domain_nodes(1), ==, 5);

	/* Transactions: the quota holds, at the latest at commit. */
	{
		uint32_t t, t2;

		g_assert_cmpint(xs_rm(g1, 0, "p"), ==, 0);
		t = xs_tstart(g1, NULL);
		g_assert_cmpint(xs_write_tx(g1, t, "t1", ""), ==, 0);
		g_assert_cmpint(xs_write_tx(g1, t, "t2", ""), ==, 0);
		g_assert_cmpint(xs_tend(g1, t, true), ==, 0);
		g_assert_cmpint(domain_nodes(1), ==, 5);
		t = xs_tstart(g1, NULL);
		err = xs_write_tx(g1, t, "t3", "");
		if (!err)
			err = xs_tend(g1, t, true);
		else
			g_assert_cmpint(xs_tend(g1, t, false), ==, 0);
		assert_err(err, ENOSPC);
		g_assert_cmpint(domain_nodes(1), ==, 5);
		/* Two transactions each creating the last free node (under
		 * different parents, so that they do not conflict). */
		g_assert_cmpint(xs_rm(g1, 0, "t1"), ==, 0);
		g_assert_cmpint(xs_rm(g1, 0, "t2"), ==, 0);
		g_assert_cmpint(xs_mkdir(g1, 0, "t1"), ==, 0);
		t = xs_tstart(g1, NULL);
		t2 = xs_tstart(g1, NULL);
		g_assert_cmpint(xs_write_tx(g1, t, "t1/x1", ""), ==, 0);
		g_assert_cmpint(xs_write_tx(g1, t2, "n4/x2", ""), ==, 0);
		g_assert_cmpint(xs_tend(g1, t, true), ==, 0);
		assert_err(xs_tend(g1, t2, true), ENOSPC);
		g_assert_cmpint(domain_nodes(1), ==, 5);
	}

	/* Privileged connections are exempt, also when creating nodes that a
	 * guest owns. */
	for (int i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "/local/domain/1/dom0-%d", i);
		g_assert_cmpint(xs_write(d0, path, "x"), ==, 0);
		snprintf(path, sizeof(path), "/dom0/n%d", i);
		g_assert_cmpint(xs_write(d0, path, "x"), ==, 0);
	}
	g_assert_cmpint(domain_nodes(1), ==, 25);
	assert_err(xs_write(g1, "more", "x"), ENOSPC);
	assert_store_ok(d0);
}

static void test_quota_node_size(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];
	char big[400], path[64];

	config.quota_node_size = 200;
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	g_assert_cmpint(xs_write(g1, "small", "x"), ==, 0);
	/* Xen 4.17 (write_node_raw): ENOSPC for an entry over the quota. */
	assert_err(xs_write(g1, "small", big), ENOSPC);
	assert_err(xs_write(g1, "newbig", big), ENOSPC);
	assert_read(g1, 0, "small", "x");
	assert_err(xs_read_err(g1, 0, "newbig"), ENOENT);
	/* Inside a transaction too. */
	{
		uint32_t t = xs_tstart(g1, NULL);
		assert_err(xs_write_tx(g1, t, "small", big), ENOSPC);
		g_assert_cmpint(xs_tend(g1, t, false), ==, 0);
	}
	/* Children's names count in a node's size. */
	g_assert_cmpint(xs_mkdir(g1, 0, "dir"), ==, 0);
	{
		int i, err = 0;
		for (i = 0; i < 100 && !err; i++) {
			snprintf(path, sizeof(path), "dir/child-with-a-long-name-%03d", i);
			err = xs_write(g1, path, "");
		}
		assert_err(err, ENOSPC);
		g_assert_cmpint(i, >, 2);
	}
	/* Privileged connections are exempt. */
	g_assert_cmpint(xs_write(d0, "/local/domain/1/small", big), ==, 0);
	assert_read(g1, 0, "small", big);
	/* The guest carries on. */
	g_assert_cmpint(xs_write(g1, "small", "y"), ==, 0);
	assert_store_ok(d0);
}

static void test_quota_watches(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];
	char tok[16];

	config.quota_watches = 3;
	g_assert_cmpint(xs_watch(g1, "a", "t1"), ==, 0);
	g_assert_cmpint(xs_watch(g1, "a", "t2"), ==, 0);
	g_assert_cmpint(xs_watch(g1, "/local/domain/1/b", "t1"), ==, 0);
	assert_err(xs_watch(g1, "c", "t4"), E2BIG);
	assert_err(xs_watch(g1, "a", "t1"), EEXIST);
	g_assert_cmpint(xs_unwatch(g1, "a", "t1"), ==, 0);
	assert_err(xs_unwatch(g1, "a", "t1"), ENOENT);
	g_assert_cmpint(xs_watch(g1, "c", "t4"), ==, 0);
	assert_err(xs_watch(g1, "d", "t5"), E2BIG);
	g_assert_cmpuint(fx->g[1]->conn->nwatches, ==, 3);
	/* RESET_WATCHES frees them all. */
	g_assert_cmpint(xs_call(g1, XS_RESET_WATCHES, 0, NULL, NULL, "", NULL), ==, 0);
	g_assert_cmpuint(fx->g[1]->conn->nwatches, ==, 0);
	g_assert_cmpint(xs_watch(g1, "d", "t5"), ==, 0);
	/* dom0 is exempt. */
	for (int i = 0; i < 10; i++) {
		snprintf(tok, sizeof(tok), "tok%d", i);
		g_assert_cmpint(xs_watch(d0, "/x", tok), ==, 0);
	}
	g_assert_cmpuint(watch_count(), ==, 11);
}

static void test_quota_transactions(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];
	uint32_t t[3];
	int err;

	config.quota_transactions = 2;
	t[0] = xs_tstart(g1, NULL);
	t[1] = xs_tstart(g1, NULL);
	g_assert_cmpuint(t[0], !=, t[1]);
	(void)xs_tstart(g1, &err);
	assert_err(err, ENOSPC);
	/* The connection still works, also within its transactions. */
	g_assert_cmpint(xs_write_tx(g1, t[1], "in-t1", "x"), ==, 0);
	g_assert_cmpint(xs_tend(g1, t[0], false), ==, 0);
	t[2] = xs_tstart(g1, NULL);
	g_assert_cmpuint(t[2], !=, t[1]);
	g_assert_cmpint(xs_tend(g1, t[1], true), ==, 0);
	g_assert_cmpint(xs_tend(g1, t[2], true), ==, 0);
	assert_read(g1, 0, "in-t1", "x");
	/* TRANSACTION_START inside a transaction. */
	t[0] = xs_tstart(g1, NULL);
	assert_err(xs_call(g1, XS_TRANSACTION_START, t[0], NULL, NULL, "", NULL), EBUSY);
	g_assert_cmpint(xs_tend(g1, t[0], false), ==, 0);
	/* dom0 is exempt. */
	for (int i = 0; i < 12; i++)
		(void)xs_tstart(d0, NULL);
	g_assert_cmpuint(transaction_total(), ==, 12);
}

static void test_quota_perms(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];

	config.quota_perms = 2;
	g_assert_cmpint(xs_write(g1, "p", ""), ==, 0);
	assert_err(xs_setperms(g1, 0, "p", "n1", "r2", "r3", NULL), ENOSPC);
	g_assert_cmpint(xs_setperms(g1, 0, "p", "n1", "r2", NULL), ==, 0);
	assert_perms(g1, "p", "n1 r2");
	g_assert_cmpint(xs_setperms(d0, 0, "/local/domain/1/p", "n1", "r2", "r3",
				    "r4", "r5", "r6", "r7", NULL), ==, 0);
	assert_perms(g1, "p", "n1 r2 r3 r4 r5 r6 r7");
	g_assert_cmpint(xs_setperms(g1, 0, "p", "n1", NULL), ==, 0);
}

static void test_quota_path_length(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];
	char rel[64], abs[128];

	config.quota_path_max = 20;
	memset(rel, 'a', 20);
	rel[20] = '\0';
	g_assert_cmpint(xs_write(g1, rel, "x"), ==, 0);
	snprintf(abs, sizeof(abs), "/local/domain/1/%s", rel);
	assert_read(g1, 0, abs, "x");
	rel[20] = 'b';
	rel[21] = '\0';
	assert_err(xs_write(g1, rel, "x"), EINVAL);
	assert_err(xs_read_err(g1, 0, rel), EINVAL);
	snprintf(abs, sizeof(abs), "/local/domain/1/%s", rel);
	assert_err(xs_write(g1, abs, "x"), EINVAL);
	/* The guest continues. */
	g_assert_cmpint(xs_write(g1, "short", "x"), ==, 0);
	/* Privileged connections are exempt. */
	g_assert_cmpint(xs_write(d0, abs, "x"), ==, 0);
	/* Protocol maximum for everyone. */
	{
		char *huge = g_malloc(XENSTORE_ABS_PATH_MAX + 10);
		memset(huge, 'z', XENSTORE_ABS_PATH_MAX + 9);
		huge[0] = '/';
		huge[XENSTORE_ABS_PATH_MAX + 9] = '\0';
		assert_err(xs_write(d0, huge, "x"), EINVAL);
		g_free(huge);
	}
	assert_store_ok(d0);
}

static void test_quota_trans_nodes(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];
	uint32_t t;
	char path[32];
	int i, err = 0;

	config.quota_trans_nodes = 5;
	t = xs_tstart(g1, NULL);
	for (i = 0; i < 20 && !err; i++) {
		snprintf(path, sizeof(path), "tn%d", i);
		err = xs_write_tx(g1, t, path, "x");
	}
	assert_err(err, ENOSPC);
	g_assert_cmpint(i, <=, 6);
	g_assert_cmpint(i, >=, 2);
	/* Reads count too. */
	assert_err(xs_read_err(g1, t, "other"), ENOSPC);
	g_assert_cmpint(xs_tend(g1, t, false), ==, 0);
	assert_err(xs_read_err(g1, 0, "tn0"), ENOENT);
	/* The connection goes on; a small transaction commits. */
	t = xs_tstart(g1, NULL);
	g_assert_cmpint(xs_write_tx(g1, t, "tn0", "x"), ==, 0);
	g_assert_cmpint(xs_tend(g1, t, true), ==, 0);
	assert_read(g1, 0, "tn0", "x");
	/* dom0 is exempt. */
	t = xs_tstart(d0, NULL);
	for (i = 0; i < 50; i++) {
		snprintf(path, sizeof(path), "/big/n%d", i);
		g_assert_cmpint(xs_write_tx(d0, t, path, "x"), ==, 0);
	}
	g_assert_cmpint(xs_tend(d0, t, true), ==, 0);
	assert_store_ok(d0);
}

/* A transport for a client that does not read what it is sent: writes
 * are refused while stuck. */
struct stuck {
	bool stuck;
	GByteArray *out;
};

static ssize_t stuck_read(struct connection *conn, void *buf, size_t len)
{
	return 0;
}

static ssize_t stuck_write(struct connection *conn, const void *buf, size_t len)
{
	struct stuck *s = conn->transport;

	if (s->stuck)
		return 0;
	g_byte_array_append(s->out, buf, len);
	return (ssize_t)len;
}

static void stuck_want(struct connection *conn, bool rd, bool wr)
{
}

static void stuck_close(struct connection *conn)
{
	struct stuck *s = conn->transport;

	g_byte_array_free(s->out, TRUE);
	g_free(s);
}

static const struct conn_ops stuck_ops = {
	"stuck", stuck_read, stuck_write, stuck_want, stuck_close,
};

static unsigned int count_msgs(const guint8 *buf, size_t len)
{
	unsigned int n = 0;
	size_t off = 0;

	while (len - off >= XS_HDR_SIZE) {
		struct xsd_sockmsg hdr;
		memcpy(&hdr, buf + off, XS_HDR_SIZE);
		off += XS_HDR_SIZE + hdr.len;
		g_assert_cmpuint(off, <=, len);
		n++;
	}
	return n;
}

static GByteArray *many_reads(unsigned int n, const char *path)
{
	GByteArray *b = g_byte_array_new();

	for (unsigned int i = 0; i < n; i++) {
		struct xsd_sockmsg hdr = { XS_READ, 100 + i, 0, (uint32_t)strlen(path) + 1 };
		g_byte_array_append(b, (const guint8 *)&hdr, XS_HDR_SIZE);
		g_byte_array_append(b, (const guint8 *)path, strlen(path) + 1);
	}
	return b;
}

static void test_quota_outstanding(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];
	char *s = control(d0, "quota", "outstanding", "5", NULL);
	GByteArray *reqs = many_reads(12, "/local/domain/1");
	const char *out;
	size_t len;

	g_free(s);
	g_assert_cmpuint(config.quota_outstanding, ==, 5);

	/* Memory transport: the batch stops at the quota; once the replies
	 * are written out, the rest is handled. */
	conn_feed(g1->conn, (const char *)reqs->data, reqs->len);
	out = mem_conn_output(g1->conn, &len);
	g_assert_cmpuint(count_msgs((const guint8 *)out, len), ==, 5);
	g_assert_nonnull(g1->conn->in);
	conn_flush_all();
	out = mem_conn_output(g1->conn, &len);
	g_assert_cmpuint(count_msgs((const guint8 *)out, len), ==, 12);
	g_assert_null(g1->conn->in);
	mem_conn_clear_output(g1->conn);

	/* A guest that does not read: requests beyond the quota wait, the
	 * connection stays; draining its output resumes them. */
	{
		struct stuck *st = g_new0(struct stuck, 1);
		struct connection *c;

		st->stuck = true;
		st->out = g_byte_array_new();
		c = conn_new(NULL, &stuck_ops, st, 5, false);
		g_assert_cmpint(domain_attach_conn(5, c), ==, 0);
		drain_all();
		conn_feed(c, (const char *)reqs->data, reqs->len);
		conn_flush_all();
		g_assert_cmpuint(c->out_msgs, ==, 5);
		g_assert_cmpuint(st->out->len, ==, 0);
		g_assert_false(conn_can_accept(c));
		/* More requests arriving do not get handled either. */
		conn_feed(c, (const char *)reqs->data, reqs->len);
		conn_flush_all();
		g_assert_cmpuint(c->out_msgs, ==, 5);
		g_assert_true(conn_alive(c));
		/* Others are served meanwhile. */
		assert_read(d0, 0, "/local/domain/1", "");
		/* The guest reads: everything is answered, in order. */
		st->stuck = false;
		conn_flush(c);
		conn_flush_all();
		g_assert_cmpuint(count_msgs(st->out->data, st->out->len), ==, 24);
		g_assert_cmpuint(c->out_msgs, ==, 0);
		{
			struct xsd_sockmsg hdr;
			memcpy(&hdr, st->out->data, XS_HDR_SIZE);
			g_assert_cmpuint(hdr.req_id, ==, 100);
			g_assert_cmpuint(hdr.type, ==, XS_ERROR); /* n5 cannot read dom1's home */
		}
		talloc_free(c);
		drain_all();
	}

	/* Privileged connections are exempt. */
	g_byte_array_free(reqs, TRUE);
	reqs = many_reads(30, "/");
	conn_feed(d0->conn, (const char *)reqs->data, reqs->len);
	out = mem_conn_output(d0->conn, &len);
	g_assert_cmpuint(count_msgs((const guint8 *)out, len), ==, 30);
	mem_conn_clear_output(d0->conn);
	g_byte_array_free(reqs, TRUE);
}

static void test_quota_memory(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];
	char val[600], path[32], *s;
	int i, err = 0;
	uint32_t id;
	Msg *m;

	memset(val, 'm', sizeof(val) - 1);
	val[sizeof(val) - 1] = '\0';
	s = control(d0, "quota", "memory", "4000", NULL);
	g_free(s);
	/* Until a write is refused: every request is answered (ENOMEM), none
	 * left unanswered. */
	for (i = 0; i < 20; i++) {
		size_t pl;
		char buf[700];

		snprintf(path, sizeof(path), "m%d", i);
		pl = strlen(path) + 1;
		memcpy(buf, path, pl);
		memcpy(buf + pl, val, strlen(val));
		id = next_req_id++;
		send_msg(g1, XS_WRITE, id, 0, buf, pl + strlen(val));
		m = take_reply(g1, id);
		if (!m) {
			g_test_message("domain 1 got no answer to write #%d (memory %ld, "
				       "quota %u): stalled by its memory quota", i,
				       domain_find(1)->memory, config.quota_memory);
			g_test_fail();
			return;
		}
		err = msg_errno(m);
		msg_free(m);
		if (err)
			break;
	}
	assert_err(err, ENOMEM);
	g_assert_cmpint(i, >=, 3);
	g_assert_cmpint(i, <, 10);
	g_assert_true(conn_alive(g1->conn));
	/* Reads are still answered; deleting frees memory; the guest goes on. */
	assert_read(g1, 0, "m0", val);
	g_assert_cmpint(xs_rm(g1, 0, "m0"), ==, 0);
	g_assert_cmpint(xs_rm(g1, 0, "m1"), ==, 0);
	g_assert_cmpint(xs_write(g1, "again", val), ==, 0);
	/* dom0 is exempt, also for nodes it creates in the guest's tree
	 * (owned by the guest). */
	for (i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "/dom0mem/n%d", i);
		g_assert_cmpint(xs_write(d0, path, val), ==, 0);
	}
	assert_store_ok(d0);
}

/* ==== watches =========================================================== */

static void test_watch_register(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];
	uint32_t id = next_req_id++;
	Msg *m;
	const char req[] = "/local/domain/1/w\0tok";

	/* The reply, then the initial event. */
	send_msg(g1, XS_WATCH, id, 0, req, sizeof(req));
	g_assert_cmpuint(g_queue_get_length(&g1->msgs), ==, 2);
	m = g_queue_peek_head(&g1->msgs);
	g_assert_cmpuint(m->type, ==, XS_WATCH);
	g_assert_cmpuint(m->req_id, ==, id);
	g_assert_cmpstr(m->data, ==, "OK");
	m = g_queue_peek_tail(&g1->msgs);
	g_assert_cmpuint(m->type, ==, XS_WATCH_EVENT);
	g_assert_cmpuint(m->req_id, ==, 0);
	msg_free(take_reply(g1, id));
	assert_event(g1, "/local/domain/1/w|tok");
	assert_no_event(g1);

	/* Relative registration: the event path is relative too. */
	g_assert_cmpint(xs_watch(g1, "rel", "r"), ==, 0);
	assert_event(g1, "rel|r");
	/* Special names. */
	g_assert_cmpint(xs_watch(d0, "@introduceDomain", "i"), ==, 0);
	assert_event(d0, "@introduceDomain|i");
	/* Even on nodes it may not read, and missing ones. */
	g_assert_cmpint(xs_watch(g1, "/local/domain/2", "other"), ==, 0);
	assert_event(g1, "/local/domain/2|other");
	/* Bad arguments. */
	assert_err(xs_call(g1, XS_WATCH, 0, NULL, NULL, "only-path", NULL), EINVAL);
	assert_err(xs_call(g1, XS_WATCH, 0, NULL, NULL, "/bad//path", "t", NULL), EINVAL);
	assert_err(xs_call(g1, XS_WATCH, 0, NULL, NULL, "@bad name", "t", NULL), EINVAL);
	assert_no_event(g1);
}

static void test_watch_subtree(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0;

	g_assert_cmpint(xs_watch(d0, "/a", "A"), ==, 0);
	g_assert_cmpint(xs_watch(d0, "/a/b", "B"), ==, 0);
	g_assert_cmpint(xs_watch(d0, "/", "R"), ==, 0);
	ev_clear(d0);

	g_assert_cmpint(xs_write(d0, "/a/b/c", "x"), ==, 0);
	/* One event per matching watch, for the node written. */
	g_assert_cmpuint(ev_count(d0), ==, 3);
	{
		char *e1 = ev_pop(d0), *e2 = ev_pop(d0), *e3 = ev_pop(d0);
		char *all = g_strjoin(" ", e1, e2, e3, NULL);
		g_assert_nonnull(strstr(all, "/a/b/c|A"));
		g_assert_nonnull(strstr(all, "/a/b/c|B"));
		g_assert_nonnull(strstr(all, "/a/b/c|R"));
		g_free(e1); g_free(e2); g_free(e3); g_free(all);
	}
	/* Siblings with a common prefix do not match. */
	g_assert_cmpint(xs_write(d0, "/ab", "x"), ==, 0);
	assert_event(d0, "/ab|R");
	assert_no_event(d0);
	g_assert_cmpint(xs_write(d0, "/a", "v"), ==, 0);
	g_assert_cmpuint(ev_count(d0), ==, 2);
	ev_clear(d0);
	/* Permission changes fire too. */
	g_assert_cmpint(xs_setperms(d0, 0, "/a/b", "n0", "r1", NULL), ==, 0);
	g_assert_cmpuint(ev_count(d0), ==, 3);
	ev_clear(d0);
	/* Unwatched: nothing more. */
	g_assert_cmpint(xs_unwatch(d0, "/a/b", "B"), ==, 0);
	g_assert_cmpint(xs_unwatch(d0, "/", "R"), ==, 0);
	g_assert_cmpint(xs_write(d0, "/a/b/c", "y"), ==, 0);
	assert_event(d0, "/a/b/c|A");
	assert_no_event(d0);
	/* A failed request fires nothing. */
	assert_err(xs_call(d0, XS_MKDIR, 12345, NULL, NULL, "/a/zz", NULL), ENOENT);
	assert_no_event(d0);
}

static void test_watch_relative(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];

	g_assert_cmpint(xs_watch(g1, "sub", "r"), ==, 0);
	g_assert_cmpint(xs_watch(g1, "/local/domain/1/sub", "a"), ==, 0);
	ev_clear(g1);
	g_assert_cmpint(xs_write(g1, "sub/x", "1"), ==, 0);
	g_assert_cmpuint(ev_count(g1), ==, 2);
	{
		char *e1 = ev_pop(g1), *e2 = ev_pop(g1);
		char *all = g_strjoin(" ", e1, e2, NULL);
		g_assert_nonnull(strstr(all, "sub/x|r"));
		g_assert_nonnull(strstr(all, "/local/domain/1/sub/x|a"));
		g_free(e1); g_free(e2); g_free(all);
	}
	/* Changes by others, with absolute paths. */
	g_assert_cmpint(xs_write(d0, "/local/domain/1/sub/y", "2"), ==, 0);
	g_assert_cmpuint(ev_count(g1), ==, 2);
	{
		char *e1 = ev_pop(g1), *e2 = ev_pop(g1);
		char *all = g_strjoin(" ", e1, e2, NULL);
		g_assert_nonnull(strstr(all, "sub/y|r"));
		g_assert_nonnull(strstr(all, "/local/domain/1/sub/y|a"));
		g_assert_null(strstr(all, "|r/"));
		g_free(e1); g_free(e2); g_free(all);
	}
	/* Relative unwatch. */
	g_assert_cmpint(xs_unwatch(g1, "sub", "r"), ==, 0);
	g_assert_cmpint(xs_unwatch(g1, "/local/domain/1/sub", "a"), ==, 0);
	g_assert_cmpint(xs_write(g1, "sub/z", "3"), ==, 0);
	assert_no_event(g1);
}

static void test_watch_permissions(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1], *g2 = fx->g[2];

	g_assert_cmpint(xs_write(g1, "p", "1"), ==, 0);
	g_assert_cmpint(xs_watch(g2, "/local/domain/1", "w"), ==, 0);
	assert_event(g2, "/local/domain/1|w");

	/* 2 may not read: no event. */
	g_assert_cmpint(xs_write(g1, "p", "2"), ==, 0);
	g_assert_cmpint(xs_write(g1, "q", "new"), ==, 0);
	g_assert_cmpint(xs_rm(g1, 0, "q"), ==, 0);
	assert_no_event(g2);

	/* Granted read: events. */
	g_assert_cmpint(xs_setperms(g1, 0, "p", "n1", "r2", NULL), ==, 0);
	assert_event(g2, "/local/domain/1/p|w");
	g_assert_cmpint(xs_write(g1, "p", "3"), ==, 0);
	assert_event(g2, "/local/domain/1/p|w");
	/* Revoked: the change of permissions itself is still seen (read
	 * access before the change), then nothing. */
	g_assert_cmpint(xs_setperms(g1, 0, "p", "n1", NULL), ==, 0);
	assert_event(g2, "/local/domain/1/p|w");
	g_assert_cmpint(xs_write(g1, "p", "4"), ==, 0);
	assert_no_event(g2);

	/* A node readable through its parent. */
	g_assert_cmpint(xs_mkdir(g1, 0, "dir"), ==, 0);
	g_assert_cmpint(xs_setperms(g1, 0, "dir", "n1", "r2", NULL), ==, 0);
	ev_clear(g2);
	g_assert_cmpint(xs_write(g1, "dir/hidden", "h"), ==, 0);
	g_assert_cmpint(xs_setperms(g1, 0, "dir/hidden", "n1", NULL), ==, 0);
	ev_clear(g2);
	assert_err(xs_read_err(g2, 0, "/local/domain/1/dir/hidden"), EACCES);
	g_assert_cmpint(xs_write(g1, "dir/hidden", "h2"), ==, 0);
	assert_event(g2, "/local/domain/1/dir/hidden|w");

	/* Deletions: seen by those who could read the node or its parent. */
	g_assert_cmpint(xs_write(g1, "dir/seen", "s"), ==, 0);
	ev_clear(g2);
	g_assert_cmpint(xs_rm(g1, 0, "dir/seen"), ==, 0);
	assert_event(g2, "/local/domain/1/dir/seen|w");
	g_assert_cmpint(xs_write(g1, "gone", "g"), ==, 0);
	g_assert_cmpint(xs_setperms(g1, 0, "gone", "n1", "r2", NULL), ==, 0);
	ev_clear(g2);
	g_assert_cmpint(xs_rm(g1, 0, "gone"), ==, 0);
	assert_event(g2, "/local/domain/1/gone|w");
	g_assert_cmpint(xs_write(g1, "secret", "g"), ==, 0);
	g_assert_cmpint(xs_rm(g1, 0, "secret"), ==, 0);
	assert_no_event(g2);

	/* dom0 sees everything. */
	g_assert_cmpint(xs_watch(d0, "/local/domain/1", "d"), ==, 0);
	ev_clear(d0);
	g_assert_cmpint(xs_write(g1, "secret", "g"), ==, 0);
	assert_event(d0, "/local/domain/1/secret|d");
}

static void test_watch_rm_subtree(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g2 = fx->g[2];

	g_assert_cmpint(xs_write(d0, "/t/a/b", "1"), ==, 0);
	g_assert_cmpint(xs_write(d0, "/t/a/c/d", "2"), ==, 0);
	g_assert_cmpint(xs_watch(d0, "/t/a/b", "B"), ==, 0);
	g_assert_cmpint(xs_watch(d0, "/t/a/c/d", "D"), ==, 0);
	g_assert_cmpint(xs_watch(d0, "/t", "T"), ==, 0);
	g_assert_cmpint(xs_watch(d0, "/t/other", "O"), ==, 0);
	g_assert_cmpint(xs_watch(g2, "/t/a/b", "g2"), ==, 0);
	ev_clear(d0);
	ev_clear(g2);

	g_assert_cmpint(xs_rm(d0, 0, "/t/a"), ==, 0);
	{
		GString *all = g_string_new(NULL);
		char *e;
		guint n = 0;
		while ((e = ev_pop(d0))) {
			g_string_append_printf(all, "%s ", e);
			g_free(e);
			n++;
		}
		g_assert_nonnull(strstr(all->str, "/t/a|T"));
		g_assert_nonnull(strstr(all->str, "/t/a/b|B"));
		g_assert_nonnull(strstr(all->str, "/t/a/c/d|D"));
		g_assert_null(strstr(all->str, "|O"));
		g_assert_cmpuint(n, ==, 3);
		g_string_free(all, TRUE);
	}
	/* 2 could not read /t/a/b (n0): no event. */
	assert_no_event(g2);
	assert_store_ok(d0);
}

static void test_watch_special(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g2 = fx->g[2], *g4, *g5;
	int err;
	char *p;

	g_assert_cmpint(xs_watch(d0, "@introduceDomain", "i"), ==, 0);
	g_assert_cmpint(xs_watch(d0, "@releaseDomain", "r"), ==, 0);
	g_assert_cmpint(xs_watch(g2, "@introduceDomain", "gi"), ==, 0);
	g_assert_cmpint(xs_watch(g2, "@releaseDomain", "gr"), ==, 0);
	ev_clear(d0);
	ev_clear(g2);

	g4 = guest(4);
	assert_event(d0, "@introduceDomain|i");
	assert_no_event(d0);
	assert_no_event(g2);

	/* Guests need read permission on the special node. */
	p = xs_getperms(d0, "@introduceDomain", &err);
	g_assert_cmpstr(p, ==, "n0");
	g_free(p);
	assert_err(xs_setperms(g2, 0, "@introduceDomain", "n0", "r2", NULL), EACCES);
	g_assert_cmpint(xs_setperms(d0, 0, "@introduceDomain", "n0", "r2", NULL), ==, 0);
	assert_perms(d0, "@introduceDomain", "n0 r2");
	g5 = guest(5);
	assert_event(d0, "@introduceDomain|i");
	assert_event(g2, "@introduceDomain|gi");

	guest_gone(g4);
	assert_event(d0, "@releaseDomain|r");
	assert_no_event(g2);
	g_assert_cmpint(xs_setperms(d0, 0, "@releaseDomain", "n0", "r2", NULL), ==, 0);
	guest_gone(g5);
	assert_event(d0, "@releaseDomain|r");
	assert_event(g2, "@releaseDomain|gr");
	assert_no_event(d0);
	assert_no_event(g2);
	assert_err(xs_setperms(d0, 0, "@other", "n0", NULL), EINVAL);
	g_free(xs_getperms(d0, "@other", &err));
	assert_err(err, ENOENT);
}

static void test_domain_release(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1], *g1b;
	uint32_t t;

	g_assert_cmpint(xs_write(g1, "data/a", "1"), ==, 0);
	g_assert_cmpint(xs_write(d0, "/vm/1/name", "guest1"), ==, 0);
	g_assert_cmpint(xs_setperms(d0, 0, "/vm/1", "n1", NULL), ==, 0);
	g_assert_cmpint(xs_setperms(d0, 0, "/vm/1/name", "n1", NULL), ==, 0);
	g_assert_cmpint(xs_write(d0, "/shared", "s"), ==, 0);
	g_assert_cmpint(xs_setperms(d0, 0, "/shared", "n0", "r1", NULL), ==, 0);
	g_assert_cmpint(xs_write(d0, "/local/domain/2/fromdom0", "kept"), ==, 0);
	assert_read(g1, 0, "/shared", "s");
	g_assert_cmpint(xs_watch(g1, "data", "w1"), ==, 0);
	g_assert_cmpint(xs_watch(g1, "/shared", "w2"), ==, 0);
	t = xs_tstart(g1, NULL);
	g_assert_cmpint(xs_write_tx(g1, t, "data/b", "2"), ==, 0);
	g_assert_cmpint(xs_watch(d0, "@releaseDomain", "rel"), ==, 0);
	g_assert_cmpint(xs_watch(d0, "/local/domain/1", "home"), ==, 0);
	ev_clear(d0);
	g_assert_cmpuint(watch_count(), ==, 4);
	g_assert_cmpuint(transaction_total(), ==, 1);
	g_assert_cmpint(domain_nodes(1), ==, 5);

	guest_gone(g1);
	g_assert_cmpuint(watch_count(), ==, 2);
	g_assert_cmpuint(transaction_total(), ==, 0);
	g_assert_cmpint(domain_nodes(1), ==, 0);
	assert_err(xs_read_err(d0, 0, "/local/domain/1"), ENOENT);
	assert_err(xs_read_err(d0, 0, "/vm/1"), ENOENT);
	assert_read(d0, 0, "/local/domain/2/fromdom0", "kept");
	assert_read(d0, 0, "/shared", "s");
	{
		GString *all = g_string_new(NULL);
		char *e;
		while ((e = ev_pop(d0))) {
			g_string_append_printf(all, "%s ", e);
			g_free(e);
		}
		g_assert_nonnull(strstr(all->str, "@releaseDomain|rel"));
		g_assert_nonnull(strstr(all->str, "/local/domain/1|home"));
		/* descendants fire only watches on themselves */
		g_assert_null(strstr(all->str, "/local/domain/1/data/a|home"));
		g_string_free(all, TRUE);
	}
	/* A new domain with the same id gets nothing of the old one's. */
	make_home(d0, 1);
	g1b = guest(1);
	assert_err(xs_read_err(g1b, 0, "/shared"), EACCES);
	assert_err(xs_read_err(g1b, 0, "data/a"), ENOENT);
	assert_store_ok(d0);
}

/* A guest goes away with a watch event still queued for it while someone
 * watches @releaseDomain: firing @releaseDomain flushes every connection,
 * the dying one included (found by fuzz/xenstored_request.c). */
static void test_release_pending_output(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];
	const char req[] = "/local/domain/1/w\0x";
	struct xsd_sockmsg hdr = { XS_WRITE, 4242, 0, sizeof(req) - 1 };
	char buf[64];

	g_assert_cmpint(xs_watch(d0, "@releaseDomain", "rel"), ==, 0);
	g_assert_cmpint(xs_watch(g1, "w", "mine"), ==, 0);
	ev_clear(d0);
	ev_clear(g1);
	/* dom0's write queues an event for 1, not flushed yet. */
	memcpy(buf, &hdr, XS_HDR_SIZE);
	memcpy(buf + XS_HDR_SIZE, req, sizeof(req) - 1);
	conn_feed(d0->conn, buf, XS_HDR_SIZE + sizeof(req) - 1);
	g_assert_cmpuint(conn_out_pending(g1->conn), >, 0);
	g_assert_cmpint(domain_find(1)->memory, >, 0);
	guest_gone(g1);
	g_assert_null(domain_find(1));
	assert_event(d0, "@releaseDomain|rel");
	g_assert_nonnull(domain_find(2));
	g_assert_nonnull(domain_find(3));
	assert_store_ok(d0);
}

/* -w watch-event: events a client has not read for that long are dropped,
 * from anywhere in its queue; replies never are, and what is kept stays in
 * order and whole. */
static void test_watch_event_timeout(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0;
	struct stuck *st = g_new0(struct stuck, 1);
	struct connection *c;
	GByteArray *reqs;
	const char wreq[] = "/ev\0t";
	struct xsd_sockmsg hdr = { XS_WATCH, 7, 0, sizeof(wreq) };
	size_t before;

	st->stuck = true;
	st->out = g_byte_array_new();
	c = conn_new(NULL, &stuck_ops, st, 0, true);
	/* WATCH: its reply and the initial event wait in the queue. */
	reqs = g_byte_array_new();
	g_byte_array_append(reqs, (const guint8 *)&hdr, XS_HDR_SIZE);
	g_byte_array_append(reqs, (const guint8 *)wreq, sizeof(wreq));
	conn_feed(c, (const char *)reqs->data, reqs->len);
	g_byte_array_free(reqs, TRUE);
	g_assert_cmpuint(c->out_msgs, ==, 2);
	/* Three more events, then a reply behind them. */
	g_assert_cmpint(xs_write(d0, "/ev/a", "1"), ==, 0);
	g_assert_cmpint(xs_write(d0, "/ev/b", "2"), ==, 0);
	conn_expire_events(conn_clock + 1);
	g_assert_cmpint(xs_write(d0, "/ev/c", "3"), ==, 0);
	reqs = many_reads(1, "/ev/a");
	conn_feed(c, (const char *)reqs->data, reqs->len);
	g_byte_array_free(reqs, TRUE);
	g_assert_cmpuint(c->out_msgs, ==, 6);
	before = c->out_len;

	/* Not yet: nothing dropped. */
	config.watch_event_timeout = 5;
	conn_expire_events(conn_clock + 3);
	g_assert_cmpuint(c->out_msgs, ==, 6);
	g_assert_cmpuint(c->out_len, ==, before);
	/* 5 s after the first three events (4 s after the last one): the
	 * three oldest expire; the newest event and both replies stay. */
	conn_expire_events(conn_clock + 1);
	g_assert_cmpuint(c->out_msgs, ==, 3);
	g_assert_cmpuint(c->out_len, <, before);
	st->stuck = false;
	conn_flush(c);
	g_assert_cmpuint(count_msgs(st->out->data, st->out->len), ==, 3);
	{
		struct xsd_sockmsg h;
		size_t off = 0;
		const uint32_t want_type[] = { XS_WATCH, XS_WATCH_EVENT, XS_READ };

		for (int i = 0; i < 3; i++) {
			memcpy(&h, st->out->data + off, XS_HDR_SIZE);
			g_assert_cmpuint(h.type, ==, want_type[i]);
			if (i == 1)
				g_assert_cmpstr((const char *)st->out->data + off + XS_HDR_SIZE,
						==, "/ev/c");
			off += XS_HDR_SIZE + h.len;
		}
	}
	talloc_free(c);
	drain_all();
}

/* ==== transactions ====================================================== */

static void test_tx_isolation(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];
	uint32_t t;
	char *s;

	g_assert_cmpint(xs_write(d0, "/tx/a", "1"), ==, 0);
	t = xs_tstart(d0, NULL);
	assert_read(d0, t, "/tx/a", "1");
	g_assert_cmpint(xs_write_tx(d0, t, "/tx/b", "new"), ==, 0);
	g_assert_cmpint(xs_write_tx(d0, t, "/tx/a", "t"), ==, 0);
	assert_read(d0, t, "/tx/b", "new");
	assert_read(d0, t, "/tx/a", "t");
	/* Outside: unchanged. */
	assert_err(xs_read_err(d0, 0, "/tx/b"), ENOENT);
	assert_read(d0, 0, "/tx/a", "1");
	s = xs_dir(d0, 0, "/tx", NULL);
	g_assert_cmpstr(s, ==, "a");
	g_free(s);
	s = xs_dir(d0, t, "/tx", NULL);
	g_assert_cmpstr(s, ==, "a,b");
	g_free(s);
	g_assert_cmpint(xs_tend(d0, t, true), ==, 0);
	assert_read(d0, 0, "/tx/a", "t");
	assert_read(d0, 0, "/tx/b", "new");

	/* Snapshot of what it saw: later outside changes stay invisible. */
	t = xs_tstart(d0, NULL);
	assert_read(d0, t, "/tx/a", "t");
	g_assert_cmpint(xs_write(d0, "/tx/a", "outside"), ==, 0);
	assert_read(d0, t, "/tx/a", "t");
	assert_err(xs_tend(d0, t, true), EAGAIN);
	assert_read(d0, 0, "/tx/a", "outside");

	/* A guest's transaction, with its relative paths and its perms. */
	t = xs_tstart(g1, NULL);
	g_assert_cmpint(xs_write_tx(g1, t, "gt", "g"), ==, 0);
	assert_err(xs_read_err(g1, t, "/tx/a"), EACCES);
	assert_err(xs_write_tx(g1, t, "/local/domain/2/x", "no"), EACCES);
	assert_read(g1, t, "gt", "g");
	assert_err(xs_read_err(g1, 0, "gt"), ENOENT);
	g_assert_cmpint(xs_tend(g1, t, true), ==, 0);
	assert_read(g1, 0, "gt", "g");
	assert_perms(g1, "gt", "n1");
	/* Another connection cannot use it. */
	t = xs_tstart(g1, NULL);
	assert_err(xs_read_err(fx->g[2], t, "/local/domain/2"), ENOENT);
	g_assert_cmpint(xs_tend(g1, t, false), ==, 0);
	assert_store_ok(d0);
}

static void test_tx_commit_abort(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0;
	uint32_t t;

	g_assert_cmpint(xs_write(d0, "/ca/old", "o"), ==, 0);
	t = xs_tstart(d0, NULL);
	g_assert_cmpint(xs_write_tx(d0, t, "/ca/n", "v"), ==, 0);
	g_assert_cmpint(xs_rm(d0, t, "/ca/old"), ==, 0);
	g_assert_cmpint(xs_mkdir(d0, t, "/ca/d"), ==, 0);
	g_assert_cmpint(xs_setperms(d0, t, "/ca", "n0", "r1", NULL), ==, 0);
	g_assert_cmpint(xs_tend(d0, t, false), ==, 0);
	assert_read(d0, 0, "/ca/old", "o");
	assert_err(xs_read_err(d0, 0, "/ca/n"), ENOENT);
	assert_err(xs_read_err(d0, 0, "/ca/d"), ENOENT);
	assert_perms(d0, "/ca", "n0");
	/* The id is gone. */
	assert_err(xs_tend(d0, t, true), ENOENT);
	assert_err(xs_read_err(d0, t, "/ca"), ENOENT);

	t = xs_tstart(d0, NULL);
	g_assert_cmpint(xs_write_tx(d0, t, "/ca/n", "v"), ==, 0);
	g_assert_cmpint(xs_rm(d0, t, "/ca/old"), ==, 0);
	g_assert_cmpint(xs_mkdir(d0, t, "/ca/d"), ==, 0);
	g_assert_cmpint(xs_setperms(d0, t, "/ca", "n0", "r1", NULL), ==, 0);
	assert_err(xs_call(d0, XS_TRANSACTION_END, t, NULL, NULL, "X", NULL), EINVAL);
	g_assert_cmpint(xs_tend(d0, t, true), ==, 0);
	assert_err(xs_read_err(d0, 0, "/ca/old"), ENOENT);
	assert_read(d0, 0, "/ca/n", "v");
	assert_read(d0, 0, "/ca/d", "");
	assert_perms(d0, "/ca", "n0 r1");
	assert_read(fx->g[1], 0, "/ca", "");
	assert_err(xs_tend(d0, t, true), ENOENT);
	assert_err(xs_call(d0, XS_TRANSACTION_END, 0, NULL, NULL, "T", NULL), ENOENT);
	assert_store_ok(d0);
}

static void test_tx_conflicts(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];
	uint32_t t1, t2;

	g_assert_cmpint(xs_write(d0, "/c/x", "0"), ==, 0);
	g_assert_cmpint(xs_write(d0, "/c/y", "0"), ==, 0);
	g_assert_cmpint(xs_write(d0, "/c/e1", "0"), ==, 0);
	g_assert_cmpint(xs_write(d0, "/c/e2", "0"), ==, 0);

	/* Same node written by two transactions. */
	t1 = xs_tstart(d0, NULL);
	t2 = xs_tstart(d0, NULL);
	g_assert_cmpint(xs_write_tx(d0, t1, "/c/x", "1"), ==, 0);
	g_assert_cmpint(xs_write_tx(d0, t2, "/c/x", "2"), ==, 0);
	g_assert_cmpint(xs_tend(d0, t1, true), ==, 0);
	assert_err(xs_tend(d0, t2, true), EAGAIN);
	assert_read(d0, 0, "/c/x", "1");

	/* Same node: one transaction, one plain write. */
	t1 = xs_tstart(d0, NULL);
	g_assert_cmpint(xs_write_tx(d0, t1, "/c/x", "t"), ==, 0);
	g_assert_cmpint(xs_write(d0, "/c/x", "plain"), ==, 0);
	assert_err(xs_tend(d0, t1, true), EAGAIN);
	assert_read(d0, 0, "/c/x", "plain");

	/* Read, then written elsewhere. */
	t1 = xs_tstart(d0, NULL);
	assert_read(d0, t1, "/c/y", "0");
	g_assert_cmpint(xs_write(d0, "/c/y", "changed"), ==, 0);
	g_assert_cmpint(xs_write_tx(d0, t1, "/c/z", "dep"), ==, 0);
	assert_err(xs_tend(d0, t1, true), EAGAIN);
	assert_err(xs_read_err(d0, 0, "/c/z"), ENOENT);

	/* A missing node read, then created elsewhere. */
	t1 = xs_tstart(d0, NULL);
	assert_err(xs_read_err(d0, t1, "/c/late"), ENOENT);
	g_assert_cmpint(xs_write(d0, "/c/late", "now"), ==, 0);
	g_assert_cmpint(xs_write_tx(d0, t1, "/c/dep", "x"), ==, 0);
	assert_err(xs_tend(d0, t1, true), EAGAIN);

	/* Directory listed, then a child added / removed elsewhere. */
	t1 = xs_tstart(d0, NULL);
	g_free(xs_dir(d0, t1, "/c", NULL));
	g_assert_cmpint(xs_write(d0, "/c/added", "a"), ==, 0);
	g_assert_cmpint(xs_write_tx(d0, t1, "/c/x", "dir"), ==, 0);
	assert_err(xs_tend(d0, t1, true), EAGAIN);
	t1 = xs_tstart(d0, NULL);
	g_free(xs_dir(d0, t1, "/c", NULL));
	g_assert_cmpint(xs_rm(d0, 0, "/c/added"), ==, 0);
	g_assert_cmpint(xs_write_tx(d0, t1, "/c/x", "dir"), ==, 0);
	assert_err(xs_tend(d0, t1, true), EAGAIN);
	/* A directory with no children listed, then one added. */
	g_assert_cmpint(xs_mkdir(d0, 0, "/c/empty"), ==, 0);
	t1 = xs_tstart(d0, NULL);
	g_free(xs_dir(d0, t1, "/c/empty", NULL));
	g_assert_cmpint(xs_write(d0, "/c/empty/kid", "k"), ==, 0);
	g_assert_cmpint(xs_write_tx(d0, t1, "/c/x", "dir"), ==, 0);
	assert_err(xs_tend(d0, t1, true), EAGAIN);

	/* NO conflict: disjoint nodes, even under the same parent. */
	t1 = xs_tstart(d0, NULL);
	t2 = xs_tstart(g1, NULL);
	g_assert_cmpint(xs_write_tx(d0, t1, "/c/e1", "t1"), ==, 0);
	g_assert_cmpint(xs_write_tx(g1, t2, "/local/domain/1/e", "t2"), ==, 0);
	g_assert_cmpint(xs_tend(d0, t1, true), ==, 0);
	g_assert_cmpint(xs_tend(g1, t2, true), ==, 0);

	t1 = xs_tstart(d0, NULL);
	t2 = xs_tstart(d0, NULL);
	g_assert_cmpint(xs_write_tx(d0, t1, "/c/e1", "a"), ==, 0);
	g_assert_cmpint(xs_write_tx(d0, t2, "/c/e2", "b"), ==, 0);
	g_assert_cmpint(xs_tend(d0, t1, true), ==, 0);
	g_assert_cmpint(xs_tend(d0, t2, true), ==, 0);
	assert_read(d0, 0, "/c/e1", "a");
	assert_read(d0, 0, "/c/e2", "b");

	/* New children of one parent. */
	t1 = xs_tstart(d0, NULL);
	t2 = xs_tstart(d0, NULL);
	g_assert_cmpint(xs_write_tx(d0, t1, "/c/p1", "1"), ==, 0);
	g_assert_cmpint(xs_write_tx(d0, t2, "/c/p2", "2"), ==, 0);
	g_assert_cmpint(xs_tend(d0, t1, true), ==, 0);
	g_assert_cmpint(xs_tend(d0, t2, true), ==, 0);
	assert_read(d0, 0, "/c/p1", "1");
	assert_read(d0, 0, "/c/p2", "2");

	/* The same for a guest (whose creations are checked against its
	 * node-size quota). */
	t1 = xs_tstart(g1, NULL);
	t2 = xs_tstart(fx->g[2], NULL);
	g_assert_cmpint(xs_setperms(d0, 0, "/c", "n0", "b1", "b2", NULL), ==, 0);
	g_assert_cmpint(xs_write_tx(g1, t1, "/c/g1", "1"), ==, 0);
	g_assert_cmpint(xs_write_tx(fx->g[2], t2, "/c/g2", "2"), ==, 0);
	g_assert_cmpint(xs_tend(g1, t1, true), ==, 0);
	g_assert_cmpint(xs_tend(fx->g[2], t2, true), ==, 0);
	assert_read(g1, 0, "/c/g2", "2");
	t1 = xs_tstart(g1, NULL);
	g_assert_cmpint(xs_write_tx(g1, t1, "/local/domain/1/own", "1"), ==, 0);
	g_assert_cmpint(xs_write(g1, "/local/domain/1/other", "2"), ==, 0);
	g_assert_cmpint(xs_tend(g1, t1, true), ==, 0);

	/* A plain change to a sibling. */
	t1 = xs_tstart(d0, NULL);
	g_assert_cmpint(xs_write_tx(d0, t1, "/c/p3", "3"), ==, 0);
	assert_read(d0, t1, "/c/p1", "1");
	g_assert_cmpint(xs_write(d0, "/c/p2", "22"), ==, 0);
	g_assert_cmpint(xs_write(d0, "/c/p4", "4"), ==, 0);
	g_assert_cmpint(xs_rm(d0, 0, "/c/e2"), ==, 0);
	g_assert_cmpint(xs_tend(d0, t1, true), ==, 0);
	assert_read(d0, 0, "/c/p3", "3");
	assert_store_ok(d0);
}

static void test_tx_create_delete(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1];
	uint32_t t;
	char *s;
	int err;

	/* rm then recreate */
	g_assert_cmpint(xs_write(d0, "/r/a/k", "kid"), ==, 0);
	g_assert_cmpint(xs_write(d0, "/r/a", "old"), ==, 0);
	t = xs_tstart(d0, NULL);
	g_assert_cmpint(xs_rm(d0, t, "/r/a"), ==, 0);
	assert_err(xs_read_err(d0, t, "/r/a"), ENOENT);
	assert_err(xs_read_err(d0, t, "/r/a/k"), ENOENT);
	g_assert_cmpint(xs_write_tx(d0, t, "/r/a", "new"), ==, 0);
	assert_read(d0, t, "/r/a", "new");
	assert_err(xs_read_err(d0, t, "/r/a/k"), ENOENT);
	s = xs_dir(d0, t, "/r/a", NULL);
	g_assert_cmpstr(s, ==, "");
	g_free(s);
	assert_read(d0, 0, "/r/a/k", "kid");
	g_assert_cmpint(xs_tend(d0, t, true), ==, 0);
	assert_read(d0, 0, "/r/a", "new");
	assert_err(xs_read_err(d0, 0, "/r/a/k"), ENOENT);
	s = xs_dir(d0, 0, "/r/a", &err);
	g_assert_cmpstr(s, ==, "");
	g_free(s);

	/* write below a deleted node */
	g_assert_cmpint(xs_write(d0, "/r/b/c", "c"), ==, 0);
	g_assert_cmpint(xs_write(d0, "/r/b", "oldb"), ==, 0);
	t = xs_tstart(d0, NULL);
	g_assert_cmpint(xs_rm(d0, t, "/r/b"), ==, 0);
	g_assert_cmpint(xs_write_tx(d0, t, "/r/b/c/d", "x"), ==, 0);
	assert_read(d0, t, "/r/b", "");
	assert_read(d0, t, "/r/b/c", "");
	g_assert_cmpint(xs_tend(d0, t, true), ==, 0);
	assert_read(d0, 0, "/r/b", "");
	assert_read(d0, 0, "/r/b/c", "");
	assert_read(d0, 0, "/r/b/c/d", "x");

	/* create then delete within one transaction: nothing left */
	t = xs_tstart(d0, NULL);
	g_assert_cmpint(xs_write_tx(d0, t, "/r/tmp/x/y", "1"), ==, 0);
	g_assert_cmpint(xs_rm(d0, t, "/r/tmp"), ==, 0);
	g_assert_cmpint(xs_rm(d0, t, "/r/nonexistent"), ==, 0);
	assert_err(xs_rm(d0, t, "/r/no/such"), ENOENT);
	g_assert_cmpint(xs_tend(d0, t, true), ==, 0);
	assert_err(xs_read_err(d0, 0, "/r/tmp"), ENOENT);

	/* delete a subtree, recreate part of it, delete again */
	g_assert_cmpint(xs_write(d0, "/r/s/1/2/3", "deep"), ==, 0);
	t = xs_tstart(d0, NULL);
	g_assert_cmpint(xs_rm(d0, t, "/r/s/1"), ==, 0);
	g_assert_cmpint(xs_write_tx(d0, t, "/r/s/1/2", "again"), ==, 0);
	g_assert_cmpint(xs_rm(d0, t, "/r/s/1/2"), ==, 0);
	g_assert_cmpint(xs_write_tx(d0, t, "/r/s/1/x", "x"), ==, 0);
	g_assert_cmpint(xs_tend(d0, t, true), ==, 0);
	s = xs_dir(d0, 0, "/r/s/1", NULL);
	g_assert_cmpstr(s, ==, "x");
	g_free(s);

	/* A guest's accounting follows its transactions. */
	g_assert_cmpint(domain_nodes(1), ==, 1);
	t = xs_tstart(g1, NULL);
	g_assert_cmpint(xs_write_tx(g1, t, "a/b/c", "1"), ==, 0);
	g_assert_cmpint(domain_nodes(1), ==, 1);
	g_assert_cmpint(xs_tend(g1, t, true), ==, 0);
	g_assert_cmpint(domain_nodes(1), ==, 4);
	t = xs_tstart(g1, NULL);
	g_assert_cmpint(xs_rm(g1, t, "a/b"), ==, 0);
	g_assert_cmpint(xs_tend(g1, t, true), ==, 0);
	g_assert_cmpint(domain_nodes(1), ==, 2);
	assert_perms(g1, "a", "n1");
	assert_store_ok(d0);
}

static void test_tx_watches(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0, *g1 = fx->g[1], *w = priv_client();
	uint32_t t;

	g_assert_cmpint(xs_write(d0, "/wt/old", "o"), ==, 0);
	g_assert_cmpint(xs_watch(w, "/wt", "W"), ==, 0);
	g_assert_cmpint(xs_watch(g1, "tw", "G"), ==, 0);
	ev_clear(w);
	ev_clear(g1);

	t = xs_tstart(d0, NULL);
	g_assert_cmpint(xs_write_tx(d0, t, "/wt/a", "1"), ==, 0);
	g_assert_cmpint(xs_rm(d0, t, "/wt/old"), ==, 0);
	assert_no_event(w);
	g_assert_cmpint(xs_tend(d0, t, false), ==, 0);
	assert_no_event(w);

	t = xs_tstart(d0, NULL);
	g_assert_cmpint(xs_write_tx(d0, t, "/wt/a", "1"), ==, 0);
	g_assert_cmpint(xs_rm(d0, t, "/wt/old"), ==, 0);
	assert_no_event(w);
	g_assert_cmpint(xs_tend(d0, t, true), ==, 0);
	{
		GString *all = g_string_new(NULL);
		char *e;
		while ((e = ev_pop(w))) {
			g_string_append_printf(all, "%s ", e);
			g_free(e);
		}
		g_assert_nonnull(strstr(all->str, "/wt/a|W"));
		g_assert_nonnull(strstr(all->str, "/wt/old|W"));
		g_string_free(all, TRUE);
	}

	/* A guest's relative watch, its own transaction. */
	t = xs_tstart(g1, NULL);
	g_assert_cmpint(xs_write_tx(g1, t, "tw/x", "1"), ==, 0);
	assert_no_event(g1);
	{
		uint32_t id = next_req_id++;
		Msg *m;
		const char T[] = "T";

		send_msg(g1, XS_TRANSACTION_END, id, t, T, sizeof(T));
		/* The reply comes before the events it caused. */
		m = g_queue_peek_head(&g1->msgs);
		g_assert_nonnull(m);
		g_assert_cmpuint(m->type, ==, XS_TRANSACTION_END);
		msg_free(take_reply(g1, id));
	}
	/* Xen fires for the nodes the requests named (tw/x); firing for the
	 * ancestors created on the way (tw) is tolerated. */
	{
		GString *all = g_string_new(NULL);
		char *e;
		while ((e = ev_pop(g1))) {
			g_assert_true(g_str_has_prefix(e, "tw"));
			g_string_append_printf(all, "%s ", e);
			g_free(e);
		}
		g_assert_nonnull(strstr(all->str, "tw/x|G"));
		if (strstr(all->str, "tw|G"))
			g_test_message("extra event at commit: %s", all->str);
		g_string_free(all, TRUE);
	}
}

/* ==== store invariants ================================================== */

static void test_store_random(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0;
	GRand *rnd = g_rand_new_with_seed(0x5eed);
	GHashTable *model = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	struct store_stats st;
	size_t base;
	char path[128], val[32];

	g_assert_cmpint(xs_mkdir(d0, 0, "/rnd"), ==, 0);
	store_get_stats(&st);
	base = st.nodes;

	for (int op = 0; op < 6000; op++) {
		int depth = g_rand_int_range(rnd, 1, 4);
		size_t off = snprintf(path, sizeof(path), "/rnd");

		for (int d = 0; d < depth; d++)
			off += snprintf(path + off, sizeof(path) - off, "/%c%d",
					'a' + g_rand_int_range(rnd, 0, 5),
					g_rand_int_range(rnd, 0, op < 4000 ? 12 : 4));
		if (g_rand_int_range(rnd, 0, 100) < (op < 4000 ? 75 : 30)) {
			snprintf(val, sizeof(val), "v%d", op);
			g_assert_cmpint(xs_write(d0, path, val), ==, 0);
			g_hash_table_replace(model, g_strdup(path), g_strdup(val));
			/* missing ancestors were created, empty */
			for (char *sl = strrchr(path, '/'); sl && sl != path + 4; sl = strrchr(path, '/')) {
				*sl = '\0';
				if (!g_hash_table_contains(model, path))
					g_hash_table_insert(model, g_strdup(path), g_strdup(""));
			}
		} else {
			GHashTableIter it;
			gpointer k;
			size_t pl = strlen(path);
			int err = xs_rm(d0, 0, path);

			g_assert_true(err == 0 || err == ENOENT);
			g_hash_table_iter_init(&it, model);
			while (g_hash_table_iter_next(&it, &k, NULL))
				if (!strncmp(k, path, pl) && (((char *)k)[pl] == '/' || !((char *)k)[pl]))
					g_hash_table_iter_remove(&it);
		}

		if (op % 1000 == 999) {
			GHashTableIter it;
			gpointer k, v;

			store_get_stats(&st);
			g_assert_cmpuint(st.nodes, ==, base + g_hash_table_size(model));
			g_hash_table_iter_init(&it, model);
			while (g_hash_table_iter_next(&it, &k, &v)) {
				node_id id = store_lookup(k, strlen(k));
				char buf[256];

				g_assert_cmpuint(id, !=, NODE_NONE);
				g_assert_cmpuint(store_path(id, buf, sizeof(buf)), ==, strlen(k));
				g_assert_cmpstr(buf, ==, k);
				g_assert_cmpuint(node_vlen(store_node(id)), ==, strlen(v));
				g_assert_true(memcmp(node_value(store_node(id)), v, strlen(v)) == 0);
			}
			/* and nothing else */
			for (int i = 0; i < 200; i++) {
				snprintf(path, sizeof(path), "/rnd/%c%d/%c%d",
					 'a' + g_rand_int_range(rnd, 0, 5), g_rand_int_range(rnd, 0, 12),
					 'a' + g_rand_int_range(rnd, 0, 5), g_rand_int_range(rnd, 0, 12));
				g_assert_cmpint(store_lookup(path, strlen(path)) != NODE_NONE, ==,
						g_hash_table_contains(model, path));
			}
			assert_store_ok(d0);
		}
	}
	/* Reads agree with the model. */
	{
		guint nkeys;
		gpointer *keys = g_hash_table_get_keys_as_array(model, &nkeys);
		for (guint i = 0; i < nkeys; i += 7)
			assert_read(d0, 0, (char *)keys[i],
				    (char *)g_hash_table_lookup(model, keys[i]));
		g_free(keys);
	}
	/* Remove everything: only the base nodes remain, all findable. */
	g_assert_cmpint(xs_rm(d0, 0, "/rnd"), ==, 0);
	store_get_stats(&st);
	g_assert_cmpuint(st.nodes, ==, base - 1);
	g_assert_cmpuint(store_lookup("/rnd", 4), ==, NODE_NONE);
	g_assert_cmpuint(store_lookup("/local/domain/3", 15), !=, NODE_NONE);
	g_assert_cmpuint(store_lookup("/tool/xenstored", 15), !=, NODE_NONE);
	assert_store_ok(d0);
	g_hash_table_destroy(model);
	g_rand_free(rnd);
}

/* Direct use of the store: many nodes in one directory, deletions in
 * every order (backward-shift deletion must keep every chain). */
static void test_store_index(Fx *fx, gconstpointer data)
{
	struct perms *perms = node_perms(store_node(STORE_ROOT));
	node_id top;
	GRand *rnd = g_rand_new_with_seed(42);
	enum { N = 20000 };
	bool *alive = g_new0(bool, N);
	char path[64];

	store_create(STORE_ROOT, "/idx", 4, "", 0, perms);
	for (int i = 0; i < N; i++) {
		int l = snprintf(path, sizeof(path), "/idx/%d", i);

		/* /idx moves once, when it gets its first child. */
		top = store_lookup("/idx", 4);
		store_create(top, path, l, path + 5, l - 5, perms);
		alive[i] = true;
	}
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N / 2; i++) {
			int k = g_rand_int_range(rnd, 0, N);
			int l = snprintf(path, sizeof(path), "/idx/%d", k);
			node_id id = store_lookup(path, l);

			g_assert_cmpint(id != NODE_NONE, ==, alive[k]);
			if (alive[k]) {
				store_delete(id);
				alive[k] = false;
			} else {
				store_create(top, path, l, path + 5, l - 5, perms);
				alive[k] = true;
			}
		}
		for (int k = 0; k < N; k++) {
			int l = snprintf(path, sizeof(path), "/idx/%d", k);
			node_id id = store_lookup(path, l);
			g_assert_cmpint(id != NODE_NONE, ==, alive[k]);
			if (id) {
				g_assert_cmpuint(store_node(id)->parent, ==, top);
				g_assert_cmpuint(node_vlen(store_node(id)), ==, l - 5);
				g_assert_true(memcmp(node_value(store_node(id)), path + 5, l - 5) == 0);
			}
		}
		g_assert_cmpuint(control_check_store(), ==, 0);
	}
	store_delete(top);
	g_assert_cmpuint(control_check_store(), ==, 0);
	g_free(alive);
	g_rand_free(rnd);
}

static void test_directory_part(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0;
	enum { N = 2000 };
	GString *expect = g_string_new(NULL), *got = g_string_new(NULL);
	char path[64], gen[32] = "", *out;
	guint len;
	unsigned long off = 0;
	int err, pages = 0;

	for (int i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "/big/child-%04d", i);
		g_assert_cmpint(xs_write(d0, path, ""), ==, 0);
		g_string_append_printf(expect, "child-%04d,", i);
	}
	/* Too big for DIRECTORY. */
	g_assert_null(xs_dir(d0, 0, "/big", &err));
	assert_err(err, E2BIG);

	for (;;) {
		char offs[32];
		const char *p, *end;
		bool done = false;

		snprintf(offs, sizeof(offs), "%lu", off);
		g_assert_cmpint(xs_call(d0, XS_DIRECTORY_PART, 0, &out, &len, "/big", offs, NULL), ==, 0);
		g_assert_cmpuint(len, <=, XENSTORE_PAYLOAD_MAX);
		if (!pages)
			g_strlcpy(gen, out, sizeof(gen));
		else
			g_assert_cmpstr(out, ==, gen);
		p = out + strlen(out) + 1;
		end = out + len;
		while (p < end) {
			size_t l = strlen(p);
			if (!l) {
				done = true;
				g_assert_true(p + 1 == end);
				break;
			}
			g_string_append_printf(got, "%s,", p);
			off += l + 1;
			p += l + 1;
		}
		g_free(out);
		pages++;
		if (done)
			break;
		g_assert_cmpint(pages, <, 100);
	}
	g_assert_cmpint(pages, >, 1);
	g_assert_cmpstr(got->str, ==, expect->str);

	/* Past the end: the generation and an empty list. */
	g_assert_cmpint(xs_call(d0, XS_DIRECTORY_PART, 0, &out, &len, "/big", "999999", NULL), ==, 0);
	g_assert_cmpstr(out, ==, gen);
	g_assert_cmpuint(len, ==, strlen(gen) + 2);
	g_free(out);
	assert_err(xs_call(d0, XS_DIRECTORY_PART, 0, NULL, NULL, "/big", "abc", NULL), EINVAL);
	assert_err(xs_call(d0, XS_DIRECTORY_PART, 0, NULL, NULL, "/big", "-1", NULL), EINVAL);
	assert_err(xs_call(d0, XS_DIRECTORY_PART, 0, NULL, NULL, "/big", NULL), EINVAL);
	assert_err(xs_call(d0, XS_DIRECTORY_PART, 0, NULL, NULL, "/nobig", "0", NULL), ENOENT);
	assert_err(xs_call(fx->g[1], XS_DIRECTORY_PART, 0, NULL, NULL, "/big", "0", NULL), EACCES);

	/* The generation changes when a child is added, or removed, not when
	 * a child's value changes. */
	g_assert_cmpint(xs_write(d0, "/big/child-0000", "value"), ==, 0);
	g_assert_cmpint(xs_call(d0, XS_DIRECTORY_PART, 0, &out, NULL, "/big", "0", NULL), ==, 0);
	g_assert_cmpstr(out, ==, gen);
	g_free(out);
	g_assert_cmpint(xs_write(d0, "/big/zz-new", ""), ==, 0);
	g_assert_cmpint(xs_call(d0, XS_DIRECTORY_PART, 0, &out, NULL, "/big", "0", NULL), ==, 0);
	g_assert_cmpstr(out, !=, gen);
	g_strlcpy(gen, out, sizeof(gen));
	g_free(out);
	g_assert_cmpint(xs_rm(d0, 0, "/big/child-0001"), ==, 0);
	g_assert_cmpint(xs_call(d0, XS_DIRECTORY_PART, 0, &out, NULL, "/big", "0", NULL), ==, 0);
	g_assert_cmpstr(out, !=, gen);
	g_free(out);

	/* In a transaction: its own view. */
	{
		uint32_t t = xs_tstart(d0, NULL);
		g_assert_cmpint(xs_write_tx(d0, t, "/small/a", ""), ==, 0);
		g_assert_cmpint(xs_call(d0, XS_DIRECTORY_PART, t, &out, &len, "/small", "0", NULL), ==, 0);
		g_assert_cmpuint(len, ==, strlen(out) + 1 + 2 + 1);
		g_assert_cmpstr(out + strlen(out) + 1, ==, "a");
		g_free(out);
		g_assert_cmpint(xs_tend(d0, t, true), ==, 0);
	}
	g_string_free(expect, TRUE);
	g_string_free(got, TRUE);
	assert_store_ok(d0);
}

/* ==== malformed input =================================================== */

static const struct { const char *data; uint32_t len; } bad_payloads[] = {
#define P(s) { s, sizeof(s) - 1 }
	P(""), P("abc"), P("\0"), P("/\0"), P("/x\0"), P("/x\0y"), P("/x\0y\0"),
	P("abc\0def\0ghi\0"), P("-1\0"), P("99999999999999999999\0"), P("0\0"),
	P("1\0"), P("32753\0"), P("65535\0"), P("@introduceDomain\0tok\0"),
	P("@releaseDomain\0"), P("/x\0r1\0"), P("/x\0z\0"), P("/x\0r\0"),
	P("/x\0r99999999999\0"), P("1\0abc\0"), P("5\0notnum\0 7\0"),
	P("5\0 1\0 0\0"), P("2\0 3\0"), P("T\0"), P("F\0"), P("X\0"), P("T"),
	P("/x\0 0\0"), P("/x\0 5000\0"), P("/x\0abc"), P("quota\0nodes\0abc\0"),
	P("quota\0nosuch\0 1\0"), P("quota\0 99\0"), P("quota-soft\0"),
	P("memreport\0"), P("help\0"), P("print\0"), P("log\0maybe\0"),
	P("\0\0\0\0"), P("rel\0tok\0"), P("//\0"), P("/a/\0"), P("\xff\xfe\0"),
#undef P
};

static void test_malformed(Fx *fx, gconstpointer data)
{
	Client *d0 = fx->d0;
	char *longp = g_malloc(3001);
	uint32_t types[] = { 20 /* was RESTRICT */, XS_TYPE_COUNT, 25, 100, 127, 128, 0xffff, 0x7fffffff, 0xffffffff };

	memset(longp, 'a', 3000);
	longp[0] = '/';
	longp[3000] = '\0';
	g_assert_cmpint(xs_write(d0, "/x", "value"), ==, 0);
	g_assert_cmpint(xs_write(fx->g[1], "x", "value"), ==, 0);

	for (int who = 0; who < 2; who++) {
		for (uint32_t type = 0; type < XS_TYPE_COUNT + 2; type++) {
			for (guint i = 0; i < G_N_ELEMENTS(bad_payloads) + 1; i++) {
				for (int txv = 0; txv < 2; txv++) {
					Client *c = who ? fx->g[1] : d0;
					const char *p = i < G_N_ELEMENTS(bad_payloads) ? bad_payloads[i].data : longp;
					uint32_t l = i < G_N_ELEMENTS(bad_payloads) ? bad_payloads[i].len : 3001;
					uint32_t id = next_req_id++;
					Msg *m;

					/* dom0 may release guest 1: bring it back. */
					if (!fx->g[1]->conn) {
						make_home(d0, 1);
						fx->g[1] = guest(1);
						c = who ? fx->g[1] : d0;
					}
					send_msg(c, type, id, txv ? 4242 : 0, p, l);
					m = take_reply(c, id);
					g_assert_nonnull(m);
					if (type == XS_WATCH_EVENT || type == XS_ERROR || type >= XS_TYPE_COUNT) {
						if (msg_errno(m) != ENOSYS)
							g_test_message("type %u payload %u: %s", type, i, m->data);
						assert_err(msg_errno(m), ENOSYS);
					}
					else if (m->type != XS_ERROR)
						g_assert_cmpuint(m->type, ==, type);
					msg_free(m);
					ev_clear(c);
				}
			}
		}
	}
	for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
		Msg *m;
		uint32_t id = next_req_id++;

		send_msg(fx->g[2], types[i], id, 0, "/x", 3);
		m = take_reply(fx->g[2], id);
		assert_err(msg_errno(m), ENOSYS);
		msg_free(m);
	}
	assert_store_ok(d0);
	g_assert_cmpuint(config.quota_nodes, ==, 1000);

	/* A message split anywhere is reassembled. */
	{
		const char req[] = "/x";
		struct xsd_sockmsg hdr = { XS_READ, 777, 0, sizeof(req) };
		char buf[64];
		Msg *m;

		memcpy(buf, &hdr, XS_HDR_SIZE);
		memcpy(buf + XS_HDR_SIZE, req, sizeof(req));
		for (size_t cut = 1; cut < XS_HDR_SIZE + sizeof(req); cut++) {
			feed(fx->g[2], buf, cut);
			g_assert_null(take_reply(fx->g[2], 777));
			feed(fx->g[2], buf + cut, XS_HDR_SIZE + sizeof(req) - cut);
			m = take_reply(fx->g[2], 777);
			g_assert_nonnull(m);
			assert_err(msg_errno(m), EACCES);
			msg_free(m);
		}
	}

	/* A payload of exactly XENSTORE_PAYLOAD_MAX is accepted. */
	{
		char *buf = g_malloc0(XENSTORE_PAYLOAD_MAX);
		Msg *m;

		strcpy(buf, "/max");
		memset(buf + 5, 'v', XENSTORE_PAYLOAD_MAX - 5);
		m = xs_req(d0, XS_WRITE, 0, buf, XENSTORE_PAYLOAD_MAX);
		g_assert_cmpint(msg_errno(m), ==, 0);
		msg_free(m);
		g_free(buf);
		g_assert_cmpuint(node_vlen(store_node(store_lookup("/max", 4))), ==, XENSTORE_PAYLOAD_MAX - 5);
	}

	/* Longer: the connection is dropped (a guest's too, and its domain
	 * released). */
	{
		struct xsd_sockmsg hdr = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
		Client *g3 = fx->g[3], *p2 = priv_client();

		feed(g3, (const char *)&hdr, XS_HDR_SIZE);
		g_assert_null(g3->conn);
		g_assert_null(domain_find(3));
		hdr.len = 0xffffffff;
		feed(p2, (const char *)&hdr, XS_HDR_SIZE);
		g_assert_null(p2->conn);
	}
	/* The rest is unaffected. */
	g_assert_cmpint(xs_write(d0, "/x", "value"), ==, 0);
	assert_read(d0, 0, "/x", "value");
	g_assert_cmpint(xs_write(fx->g[1], "x", "value"), ==, 0);
	assert_read(fx->g[1], 0, "x", "value");
	assert_store_ok(d0);
	g_free(longp);
}

/* Garbage of every kind on several connections at once. */
static void test_garbage(Fx *fx, gconstpointer data)
{
	GRand *rnd = g_rand_new_with_seed(7);
	Client *cl[4] = { fx->d0, fx->g[1], fx->g[2], fx->g[3] };

	for (int round = 0; round < 3000; round++) {
		int w = g_rand_int_range(rnd, 0, 4);
		uint32_t type = g_rand_int_range(rnd, 0, XS_TYPE_COUNT + 1);
		uint32_t len = g_rand_int_range(rnd, 0, 40);
		char buf[XS_HDR_SIZE + 64];
		struct xsd_sockmsg hdr = { type, (uint32_t)round, 0, len };

		if (!cl[w]->conn)
			continue;
		if (type == XS_RELEASE)
			continue;
		if (g_rand_boolean(rnd))
			hdr.tx_id = g_rand_int_range(rnd, 0, 4);
		memcpy(buf, &hdr, XS_HDR_SIZE);
		for (uint32_t i = 0; i < len; i++) {
			static const char alpha[] = "/ab01@\0\0\0rwnbT";
			buf[XS_HDR_SIZE + i] = alpha[g_rand_int_range(rnd, 0, sizeof(alpha) - 1)];
		}
		feed(cl[w], buf, XS_HDR_SIZE + len);
		if (cl[w]->conn)
			g_assert_null(cl[w]->conn->in);
		g_queue_clear_full(&cl[w]->msgs, msg_free);
	}
	assert_store_ok(fx->d0);
	g_rand_free(rnd);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	config_defaults();

#define T(name, fn) g_test_add("/xenstored-core/" name, Fx, NULL, fx_setup, fn, fx_teardown)
	T("perms/own-tree", test_perms_own_tree);
	T("perms/acl", test_perms_acl);
	T("perms/inherit", test_perms_inherit);
	T("perms/owner-change", test_perms_owner_change);
	T("perms/set-target", test_perms_set_target);
	T("perms/privileged-only", test_perms_privileged_only);
	T("perms/get-domain-path", test_domain_path);
	T("perms/relative-paths", test_relative_paths);
	T("quota/nodes", test_quota_nodes);
	T("quota/node-size", test_quota_node_size);
	T("quota/watches", test_quota_watches);
	T("quota/transactions", test_quota_transactions);
	T("quota/permissions", test_quota_perms);
	T("quota/path-length", test_quota_path_length);
	T("quota/transaction-nodes", test_quota_trans_nodes);
	T("quota/outstanding", test_quota_outstanding);
	T("quota/memory", test_quota_memory);
	T("watch/register", test_watch_register);
	T("watch/subtree", test_watch_subtree);
	T("watch/relative", test_watch_relative);
	T("watch/permissions", test_watch_permissions);
	T("watch/rm-subtree", test_watch_rm_subtree);
	T("watch/special", test_watch_special);
	T("watch/domain-release", test_domain_release);
	T("watch/release-pending-output", test_release_pending_output);
	T("watch/event-timeout", test_watch_event_timeout);
	T("transaction/isolation", test_tx_isolation);
	T("transaction/commit-abort", test_tx_commit_abort);
	T("transaction/conflicts", test_tx_conflicts);
	T("transaction/create-delete", test_tx_create_delete);
	T("transaction/watches", test_tx_watches);
	T("store/random", test_store_random);
	T("store/index", test_store_index);
	T("store/directory-part", test_directory_part);
	T("input/malformed", test_malformed);
	T("input/garbage", test_garbage);
#undef T
	return g_test_run();
}
