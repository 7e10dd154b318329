/* Wire-level tests of xenstored: every message type, over the unix socket.
 *
 * Runs against any daemon reachable at $XENSTORED_PATH (run-daemon.sh
 * starts one).  Every expectation was first checked against Xen 4.17's C
 * xenstored, the reference; where our daemon may legitimately differ the
 * test says so in a comment.  Every connection here is privileged (dom0).
 *
 * Each case works below its own /xstest/<case> subtree.  Assertions are
 * non-fatal: a failing case is reported and the next one runs.
 */
#include "xs_client.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- per-case scaffolding ---------------------------------------------- */

static xsc_conn *c;          /* the case's main connection */
static char *base;           /* /xstest/<case> */
static GPtrArray *garbage;   /* strings freed at the end of the case */

static const char *P(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static const char *P(const char *fmt, ...)
{
	va_list ap;
	char *s, *full;

	va_start(ap, fmt);
	s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	full = s[0] == '/' || s[0] == '@' ? s : g_strdup_printf("%s/%s", base, s);
	if (full != s)
		g_free(s);
	g_ptr_array_add(garbage, full);
	return full;
}

static void begin(const char *name)
{
	garbage = g_ptr_array_new_with_free_func(g_free);
	c = xsc_open();
	base = g_strdup_printf("/xstest/%s", name);
	/* A clean subtree (RM needs the parent to exist). */
	XSC_MKDIR(c, 0, "/xstest");
	XSC_RM(c, 0, base);
	XSC_MKDIR(c, 0, base);
}

static void end(void)
{
	if (!c->eof)
		XSC_RM(c, 0, base);
	xsc_close(c);
	c = NULL;
	g_clear_pointer(&base, g_free);
	g_ptr_array_unref(garbage);
	if (!xsc_daemon_alive())
		xsc_fail_at(__FILE__, __LINE__, "the daemon died");
}

/* Request made of NUL-terminated strings; expects error err. */
#define ERR(conn, type, tx, err, ...) do {                               \
	GByteArray *b_ = XSC_S(__VA_ARGS__);                              \
	XSC_EXPECT_ERR(conn, type, tx, b_->data, b_->len, err);           \
	g_byte_array_unref(b_);                                           \
} while (0)

/* Request of strings; expects OK with payload exp + its NUL. */
#define OKS(conn, type, tx, exp, ...) do {                               \
	GByteArray *b_ = XSC_S(__VA_ARGS__);                              \
	xsc_msg_free(XSC_EXPECT_OK(conn, type, tx, b_->data, b_->len,     \
				   exp, strlen(exp) + 1));                \
	g_byte_array_unref(b_);                                           \
} while (0)

/* Request of strings; expects one of the errors in errs ("EINVAL|ENOENT"). */
#define ERR_ANY(conn, type, tx, errs, ...) do {                          \
	GByteArray *b_ = XSC_S(__VA_ARGS__);                              \
	XSC_EXPECT_ERR_ANY(conn, type, tx, b_->data, b_->len, errs);      \
	g_byte_array_unref(b_);                                           \
} while (0)

/* Raw payload; expects error err. */
#define ERR_RAW(conn, type, tx, err, raw, rawlen) \
	XSC_EXPECT_ERR(conn, type, tx, raw, rawlen, err)

/* Request of strings; returns the reply (NULL if an error or nothing). */
static xsc_msg *ok_reply_at(const char *file, int line, uint32_t type,
			    uint32_t tx, GByteArray *b)
{
	xsc_msg *m = xsc_expect_ok_at(file, line, c, type, tx, b->data, b->len,
				      NULL, 0);
	g_byte_array_unref(b);
	return m;
}
#define OK_REPLY(type, tx, ...) \
	ok_reply_at(__FILE__, __LINE__, type, tx, XSC_S(__VA_ARGS__))

static void write_raw(uint32_t tx, const char *path, const void *v, size_t vl)
{
	GByteArray *b = xsc_path_value(path, v, vl);
	xsc_msg_free(XSC_EXPECT_OK(c, XS_WRITE, tx, b->data, b->len, "OK", 3));
	g_byte_array_unref(b);
}

/* A fresh second connection. */
static xsc_conn *other(void)
{
	return xsc_open();
}

/* A valid path of exactly len bytes: prefix (ending in '/') then
 * components of at most 101 characters. */
static char *path_of_len(const char *prefix, size_t len)
{
	GString *s = g_string_new(prefix);
	size_t comp = 0;

	while (s->len < len) {
		if (comp >= 100 && len - s->len >= 2) {
			g_string_append_c(s, '/');
			comp = 0;
			continue;
		}
		g_string_append_c(s, (char)('a' + s->len % 26));
		comp++;
	}
	g_assert_cmpuint(s->len, ==, len);
	return g_string_free(s, FALSE);
}

/* ---- READ / WRITE / MKDIR / RM / DIRECTORY ------------------------------ */

static void test_read_write(void)
{
	static const char bin[] = { 'b', 0, 'c', 0, (char)0xff, 0x01, '\n' };

	begin("read-write");
	XSC_WRITE(c, 0, P("a"), "hello");
	XSC_READ(c, 0, P("a"), "hello");
	XSC_WRITE(c, 0, P("a"), "again");          /* overwrite */
	XSC_READ(c, 0, P("a"), "again");
	XSC_WRITE(c, 0, P("empty"), "");
	XSC_READ(c, 0, P("empty"), "");
	/* Values are binary: NULs and any byte survive. */
	write_raw(0, P("bin"), bin, sizeof(bin));
	xsc_msg_free(XSC_EXPECT_OK(c, XS_READ, 0, P("bin"), strlen(P("bin")) + 1,
				   bin, sizeof(bin)));
	/* Reading a nonexistent node or below it. */
	ERR(c, XS_READ, 0, "ENOENT", P("nonexistent"));
	ERR(c, XS_READ, 0, "ENOENT", P("nonexistent/child"));
	/* The root exists and can be read. */
	xsc_msg_free(OK_REPLY(XS_READ, 0, "/"));
	/* "path\0" with nothing after it writes an empty value. */
	ERR_RAW(c, XS_WRITE, 0, "EINVAL", P("nonul"), strlen(P("nonul")));
	ERR(c, XS_READ, 0, "ENOENT", P("nonul"));
	end();
}

static void test_write_implicit_parents(void)
{
	begin("implicit-parents");
	XSC_WRITE(c, 0, P("a/b/c/d"), "leaf");
	XSC_READ(c, 0, P("a"), "");
	XSC_READ(c, 0, P("a/b"), "");
	XSC_READ(c, 0, P("a/b/c"), "");
	XSC_READ(c, 0, P("a/b/c/d"), "leaf");
	XSC_DIR(c, 0, base, "a", NULL);
	XSC_DIR(c, 0, P("a"), "b", NULL);
	XSC_DIR(c, 0, P("a/b/c"), "d", NULL);
	/* Writing below an existing node leaves its value alone. */
	XSC_WRITE(c, 0, P("v"), "keep");
	XSC_WRITE(c, 0, P("v/child"), "x");
	XSC_READ(c, 0, P("v"), "keep");
	end();
}

static void test_write_max_size(void)
{
	const char *path;
	size_t vl;
	char *v;

	begin("write-max");
	/* The largest value fitting in one 4096-byte payload. */
	path = P("big");
	vl = XENSTORE_PAYLOAD_MAX - strlen(path) - 1;
	v = g_malloc(vl + 1);
	memset(v, 'v', vl);
	v[vl] = '\0';
	XSC_WRITE(c, 0, path, v);
	XSC_READ(c, 0, path, v);   /* a 4096-byte-payload reply, no more */
	g_free(v);
	end();
}

/* A WRITE whose payload exceeds XENSTORE_PAYLOAD_MAX.  xenstore.txt: the
 * connection is killed.  C xenstored drops it; we also accept an E2BIG
 * error reply.  Either way the node must not exist afterwards. */
static void test_write_too_big(void)
{
	const char *path;
	GByteArray *b;
	xsc_conn *o;
	xsc_msg *m;
	char v[XENSTORE_PAYLOAD_MAX];

	begin("write-too-big");
	path = P("huge");
	memset(v, 'x', sizeof(v));
	b = xsc_path_value(path, v, sizeof(v));     /* 4096 + path + 1 */
	o = other();
	xsc_send(o, XS_WRITE, 77, 0, b->data, b->len);
	m = xsc_recv(o, 5000);
	if (m) {
		g_autofree char *d = xsc_describe(m);
		if (g_strcmp0(xsc_error(m), "E2BIG"))
			xsc_fail_at(__FILE__, __LINE__, "oversized WRITE: "
				    "expected E2BIG or a dropped connection, "
				    "got %s", d);
		xsc_msg_free(m);
	} else if (!o->eof) {
		xsc_fail_at(__FILE__, __LINE__, "oversized WRITE: no reply "
			    "and the connection still open");
	}
	xsc_close(o);
	g_byte_array_unref(b);
	ERR(c, XS_READ, 0, "ENOENT", path);
	end();
}

static void test_mkdir(void)
{
	begin("mkdir");
	XSC_MKDIR(c, 0, P("m/n/o"));
	XSC_READ(c, 0, P("m"), "");
	XSC_READ(c, 0, P("m/n/o"), "");
	XSC_DIR(c, 0, P("m/n"), "o", NULL);
	/* MKDIR of an existing node keeps its value and children. */
	XSC_WRITE(c, 0, P("v"), "value");
	XSC_WRITE(c, 0, P("v/kid"), "k");
	XSC_MKDIR(c, 0, P("v"));
	XSC_READ(c, 0, P("v"), "value");
	XSC_DIR(c, 0, P("v"), "kid", NULL);
	/* Below an existing leaf with a value. */
	XSC_MKDIR(c, 0, P("v/kid/deeper"));
	XSC_READ(c, 0, P("v/kid"), "k");
	ERR(c, XS_MKDIR, 0, "EINVAL", P("bad//path"));
	ERR_RAW(c, XS_MKDIR, 0, "EINVAL", P("nonul"), strlen(P("nonul")));
	ERR(c, XS_READ, 0, "ENOENT", P("nonul"));
	end();
}

static void test_rm(void)
{
	begin("rm");
	XSC_WRITE(c, 0, P("t/a/b"), "1");
	XSC_WRITE(c, 0, P("t/c"), "2");
	XSC_WRITE(c, 0, P("keep"), "3");
	XSC_RM(c, 0, P("t"));                      /* a whole subtree */
	ERR(c, XS_READ, 0, "ENOENT", P("t"));
	ERR(c, XS_READ, 0, "ENOENT", P("t/a/b"));
	ERR(c, XS_READ, 0, "ENOENT", P("t/c"));
	XSC_DIR(c, 0, base, "keep", NULL);
	/* A nonexistent node whose parent exists: not an error. */
	XSC_RM(c, 0, P("t"));
	XSC_RM(c, 0, P("never"));
	/* ... but its parent must exist (xenstore.txt). */
	ERR(c, XS_RM, 0, "ENOENT", P("never/child"));
	ERR(c, XS_RM, 0, "ENOENT", P("never/child/grandchild"));
	/* A leaf. */
	XSC_RM(c, 0, P("keep"));
	XSC_DIR(c, 0, base, NULL);
	end();
}

/* The root cannot be removed (C xenstored: EINVAL), nor can special
 * watch names be used as nodes. */
static void test_rm_root(void)
{
	begin("rm-root");
	ERR(c, XS_RM, 0, "EINVAL", "/");
	xsc_msg_free(OK_REPLY(XS_READ, 0, "/"));
	xsc_msg_free(OK_REPLY(XS_DIRECTORY, 0, "/"));
	ERR(c, XS_RM, 0, "EINVAL", "@introduceDomain");
	ERR(c, XS_RM, 0, "EINVAL", "@releaseDomain");
	ERR(c, XS_READ, 0, "EINVAL", "@introduceDomain");
	ERR_RAW(c, XS_WRITE, 0, "EINVAL", "@releaseDomain\0v", 16);
	/* Our subtree (a root-level node's child) is still intact. */
	XSC_WRITE(c, 0, P("still"), "here");
	XSC_READ(c, 0, P("still"), "here");
	end();
}

static void test_directory(void)
{
	xsc_msg *m;

	begin("directory");
	XSC_DIR(c, 0, base, NULL);                       /* empty */
	XSC_WRITE(c, 0, P("a"), "1");
	XSC_WRITE(c, 0, P("b/x"), "2");
	XSC_MKDIR(c, 0, P("c"));
	XSC_DIR(c, 0, base, "a", "b", "c", NULL);
	XSC_DIR(c, 0, P("a"), NULL);                     /* a leaf */
	ERR(c, XS_DIRECTORY, 0, "ENOENT", P("nonexistent"));
	ERR(c, XS_DIRECTORY, 0, "EINVAL", P("a/"));
	/* The root lists /xstest. */
	m = OK_REPLY(XS_DIRECTORY, 0, "/");
	if (m) {
		bool found = false;
		for (size_t i = 0; i < m->hdr.len; i += strlen(m->body + i) + 1)
			found |= !strcmp(m->body + i, "xstest");
		if (!found)
			xsc_fail_at(__FILE__, __LINE__, "/ does not list xstest");
		xsc_msg_free(m);
	}
	end();
}

#define MANY 300   /* children of 40-odd bytes: > 4096 bytes of names */

static void make_many(const char *dir, unsigned int n)
{
	/* Pipelined writes. */
	for (unsigned int i = 0; i < n; i++) {
		g_autofree char *p = g_strdup_printf(
			"%s/child-with-a-rather-long-name-number-%04u", dir, i);
		GByteArray *b = xsc_path_value(p, "v", 1);
		xsc_send(c, XS_WRITE, 100000 + i, 0, b->data, b->len);
		g_byte_array_unref(b);
	}
	for (unsigned int i = 0; i < n; i++) {
		xsc_msg *m = xsc_recv(c, XSC_TIMEOUT_MS);
		if (!xsc_is_ok(m) || m->hdr.req_id != 100000 + i) {
			g_autofree char *d = xsc_describe(m);
			xsc_fail_at(__FILE__, __LINE__, "pipelined WRITE %u: %s",
				    i, d);
			xsc_msg_free(m);
			return;
		}
		xsc_msg_free(m);
	}
}

/* A directory whose names exceed one payload: DIRECTORY must not send an
 * oversized reply (oxenstored 4.17 does); C xenstored answers E2BIG. */
static void test_directory_too_big(void)
{
	begin("directory-big");
	make_many(P("big"), MANY);
	ERR(c, XS_DIRECTORY, 0, "E2BIG", P("big"));
	end();
}

/* DIRECTORY_PART <path>|<offset>| -> <gencnt>|<names>|*, the list
 * complete when the chunk ends with an empty name (an extra NUL). */
typedef struct {
	char *gen;
	GByteArray *names;   /* concatenated "name\0" */
	bool done;
} dpart;

static bool dir_part_at(const char *file, int line, uint32_t tx,
			const char *path, unsigned int off, dpart *out)
{
	g_autofree char *offs = g_strdup_printf("%u", off);
	GByteArray *b = XSC_S(path, offs);
	xsc_msg *m = xsc_expect_ok_at(file, line, c, XS_DIRECTORY_PART, tx,
				      b->data, b->len, NULL, 0);
	size_t gl;

	g_byte_array_unref(b);
	if (!m)
		return false;
	gl = strnlen(m->body, m->hdr.len);
	if (gl == 0 || gl == m->hdr.len || m->body[m->hdr.len - 1] != '\0') {
		g_autofree char *d = xsc_describe(m);
		xsc_fail_at(file, line, "DIRECTORY_PART: malformed reply %s", d);
		xsc_msg_free(m);
		return false;
	}
	out->gen = g_strndup(m->body, gl);
	out->names = g_byte_array_new();
	g_byte_array_append(out->names, (guint8 *)m->body + gl + 1,
			    m->hdr.len - gl - 1);
	/* Ends with an empty string: "...\0\0", or just "\0". */
	out->done = out->names->len == 1 ||
		(out->names->len >= 2 &&
		 out->names->data[out->names->len - 2] == 0);
	if (out->done)
		g_byte_array_set_size(out->names, out->names->len - 1);
	xsc_msg_free(m);
	return true;
}
#define DIR_PART(tx, path, off, out) dir_part_at(__FILE__, __LINE__, tx, path, off, out)

static void dpart_clear(dpart *d)
{
	g_clear_pointer(&d->gen, g_free);
	if (d->names)
		g_byte_array_unref(d->names);
	d->names = NULL;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads a whole directory with DIRECTORY_PART; sorted, comma-joined. */
static char *dir_by_parts(const char *path, unsigned int *chunks, char **gen)
{
	GByteArray *all = g_byte_array_new();
	unsigned int off = 0, n = 0;
	bool wf;
	char **v, *s;

	*gen = NULL;
	for (;;) {
		dpart d = { 0 };
		if (!DIR_PART(0, path, off, &d) || ++n > 100)
			break;
		if (!*gen)
			*gen = g_strdup(d.gen);
		else if (strcmp(*gen, d.gen))
			xsc_fail_at(__FILE__, __LINE__, "generation changed "
				    "between chunks (%s, %s) of an unchanged "
				    "directory", *gen, d.gen);
		g_byte_array_append(all, d.names->data, d.names->len);
		off += d.names->len;
		if (d.done) {
			dpart_clear(&d);
			break;
		}
		if (d.names->len == 0) {
			xsc_fail_at(__FILE__, __LINE__, "DIRECTORY_PART: empty "
				    "chunk that does not end the list");
			dpart_clear(&d);
			break;
		}
		dpart_clear(&d);
	}
	*chunks = n;
	/* Split. */
	{
		GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
		for (size_t i = 0; i < all->len;) {
			size_t l = strnlen((char *)all->data + i, all->len - i);
			g_ptr_array_add(a, g_strndup((char *)all->data + i, l));
			i += l + 1;
		}
		wf = all->len == 0 || all->data[all->len - 1] == 0;
		if (a->len)
			qsort(a->pdata, a->len, sizeof(char *), cmp_strp);
		g_ptr_array_add(a, NULL);
		v = (char **)a->pdata;
		s = g_strjoinv(",", v);
		g_ptr_array_unref(a);
	}
	if (!wf)
		xsc_fail_at(__FILE__, __LINE__, "DIRECTORY_PART: names not "
			    "NUL-terminated");
	g_byte_array_unref(all);
	return s;
}

static void test_directory_part_small(void)
{
	dpart d1 = { 0 }, d2 = { 0 }, d3 = { 0 }, d4 = { 0 };
	unsigned int chunks;
	g_autofree char *gen = NULL, *list = NULL;

	begin("directory-part-small");
	XSC_MKDIR(c, 0, P("d"));
	if (DIR_PART(0, P("d"), 0, &d1)) {         /* empty directory */
		g_assert_true(d1.done);
		g_assert_cmpuint(d1.names->len, ==, 0);
	}
	XSC_WRITE(c, 0, P("d/x"), "");
	XSC_WRITE(c, 0, P("d/yy"), "");
	if (DIR_PART(0, P("d"), 0, &d2)) {
		g_assert_true(d2.done);
		g_assert_cmpmem(d2.names->data, d2.names->len, "x\0yy\0", 5);
		/* The generation changes when children are added. */
		if (d1.gen)
			g_assert_cmpstr(d1.gen, !=, d2.gen);
	}
	/* Unchanged node: same generation. */
	if (DIR_PART(0, P("d"), 0, &d3) && d2.gen)
		g_assert_cmpstr(d2.gen, ==, d3.gen);
	/* An offset at the end of the list: empty, final chunk. */
	if (DIR_PART(0, P("d"), 5, &d4)) {
		g_assert_true(d4.done);
		g_assert_cmpuint(d4.names->len, ==, 0);
	}
	dpart_clear(&d4);
	/* ... and from the second name on. */
	if (DIR_PART(0, P("d"), 2, &d4)) {
		g_assert_true(d4.done);
		g_assert_cmpmem(d4.names->data, d4.names->len, "yy\0", 3);
	}
	/* Removing a child changes the generation too. */
	XSC_RM(c, 0, P("d/x"));
	dpart_clear(&d3);
	if (DIR_PART(0, P("d"), 0, &d3) && d2.gen)
		g_assert_cmpstr(d2.gen, !=, d3.gen);
	list = dir_by_parts(P("d"), &chunks, &gen);
	g_assert_cmpstr(list, ==, "yy");
	ERR(c, XS_DIRECTORY_PART, 0, "ENOENT", P("nonexistent"), "0");
	ERR(c, XS_DIRECTORY_PART, 0, "EINVAL", P("d"));   /* no offset */
	ERR(c, XS_DIRECTORY_PART, 0, "EINVAL", P("d/"), "0");
	dpart_clear(&d1);
	dpart_clear(&d2);
	dpart_clear(&d3);
	dpart_clear(&d4);
	end();
}

static void test_directory_part_large(void)
{
	g_autofree char *gen = NULL, *list = NULL, *gen2 = NULL, *list2 = NULL;
	GString *want = g_string_new(NULL);
	unsigned int chunks;

	begin("directory-part-large");
	make_many(P("big"), MANY);
	for (unsigned int i = 0; i < MANY; i++)
		g_string_append_printf(want, "%schild-with-a-rather-long-name-"
				       "number-%04u", i ? "," : "", i);
	list = dir_by_parts(P("big"), &chunks, &gen);
	g_assert_cmpstr(list, ==, want->str);
	g_assert_cmpuint(chunks, >=, 4);   /* > 12000 bytes of names */
	/* A child added: new generation, and the listing includes it. */
	XSC_WRITE(c, 0, P("big/zz-new"), "");
	list2 = dir_by_parts(P("big"), &chunks, &gen2);
	g_assert_cmpstr(gen, !=, gen2);
	g_string_append(want, ",zz-new");
	g_assert_cmpstr(list2, ==, want->str);
	g_string_free(want, TRUE);
	end();
}

/* A client reading chunk by chunk notices a change in between. */
static void test_directory_part_changed(void)
{
	dpart a = { 0 }, b = { 0 };

	begin("directory-part-changed");
	make_many(P("big"), MANY);
	if (DIR_PART(0, P("big"), 0, &a)) {
		g_assert_false(a.done);
		XSC_WRITE(c, 0, P("big/another"), "");
		if (DIR_PART(0, P("big"), a.names->len, &b))
			g_assert_cmpstr(a.gen, !=, b.gen);
	}
	dpart_clear(&a);
	dpart_clear(&b);
	end();
}

/* ---- permissions ------------------------------------------------------- */

static void test_perms_get(void)
{
	begin("perms-get");
	XSC_WRITE(c, 0, P("n"), "");
	XSC_PERMS(c, 0, P("n"), "n0");     /* dom0 creates: owner 0, no access */
	XSC_PERMS(c, 0, "/", "n0");
	ERR(c, XS_GET_PERMS, 0, "ENOENT", P("nonexistent"));
	ERR(c, XS_GET_PERMS, 0, "EINVAL", P("bad//path"));
	end();
}

static void test_perms_set_formats(void)
{
	static const char *const sets[] = {
		"n0", "r0", "w0", "b0",
		"n0,r5", "b0,r5,w6,n7", "r0,b1", "w0,n1,r2,b3",
		"n0,r65534",
	};

	begin("perms-set");
	XSC_WRITE(c, 0, P("p"), "v");
	for (size_t i = 0; i < G_N_ELEMENTS(sets); i++) {
		XSC_SET_PERMS(c, 0, P("p"), sets[i]);
		XSC_PERMS(c, 0, P("p"), sets[i]);     /* same order */
	}
	/* The value is not affected. */
	XSC_READ(c, 0, P("p"), "v");
	end();
}

static void test_perms_invalid(void)
{
	static const char *const bad[] = {
		"x0", "r", "rx", "r5x", "", "B0", "R0", " r0", "r0 ",
		"0", "rr0",
	};

	begin("perms-invalid");
	XSC_WRITE(c, 0, P("p"), "");
	XSC_SET_PERMS(c, 0, P("p"), "n0,r3");
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
		ERR(c, XS_SET_PERMS, 0, "EINVAL", P("p"), bad[i]);
	/* A bad entry after good ones. */
	ERR(c, XS_SET_PERMS, 0, "EINVAL", P("p"), "n0", "r1", "q2");
	/* No permission at all. */
	ERR(c, XS_SET_PERMS, 0, "EINVAL", P("p"));
	/* The last permission without its NUL. */
	{
		GByteArray *b = XSC_S(P("p"));
		g_byte_array_append(b, (guint8 *)"b0", 2);
		ERR_RAW(c, XS_SET_PERMS, 0, "EINVAL", b->data, b->len);
		g_byte_array_unref(b);
	}
	/* Nothing changed. */
	XSC_PERMS(c, 0, P("p"), "n0,r3");
	ERR(c, XS_SET_PERMS, 0, "ENOENT", P("nonexistent"), "n0");
	ERR(c, XS_SET_PERMS, 0, "EINVAL", P("bad//path"), "n0");
	end();
}

/* New nodes take their parent's permissions (C xenstored; libxl relies on
 * it for /local/domain/N subtrees). */
static void test_perms_inherit(void)
{
	begin("perms-inherit");
	XSC_WRITE(c, 0, P("i"), "");
	XSC_SET_PERMS(c, 0, P("i"), "n0,r5,w6");
	XSC_WRITE(c, 0, P("i/a/b"), "x");
	XSC_PERMS(c, 0, P("i/a"), "n0,r5,w6");
	XSC_PERMS(c, 0, P("i/a/b"), "n0,r5,w6");
	XSC_MKDIR(c, 0, P("i/m"));
	XSC_PERMS(c, 0, P("i/m"), "n0,r5,w6");
	/* Changing the parent later does not touch existing children. */
	XSC_SET_PERMS(c, 0, P("i"), "b0");
	XSC_PERMS(c, 0, P("i/a"), "n0,r5,w6");
	end();
}

/* ---- watches ----------------------------------------------------------- */

static void test_watch_register_fires(void)
{
	begin("watch-register");
	XSC_WATCH(c, P("w"), "tok1");
	XSC_EXPECT_WATCH(c, P("w"), "tok1");
	XSC_EXPECT_NO_WATCH(c, 300);
	/* Another token on the same path: another watch, another event. */
	XSC_WATCH(c, P("w"), "tok2");
	XSC_EXPECT_WATCH(c, P("w"), "tok2");
	XSC_EXPECT_NO_WATCH(c, 300);
	/* A watch on a path that does not exist is fine. */
	XSC_WATCH(c, P("never/there"), "t3");
	XSC_EXPECT_WATCH(c, P("never/there"), "t3");
	end();
}

static void test_watch_subtree(void)
{
	xsc_conn *o;

	begin("watch-subtree");
	o = other();
	XSC_WATCH(c, P("w"), "t");
	XSC_EXPECT_WATCH(c, P("w"), "t");
	/* Created deep below: one event, with the modified path. */
	XSC_WRITE(o, 0, P("w/x/y"), "v");
	XSC_EXPECT_WATCH(c, P("w/x/y"), "t");
	XSC_EXPECT_NO_WATCH(c, 300);
	/* The node itself. */
	XSC_WRITE(o, 0, P("w"), "v");
	XSC_EXPECT_WATCH(c, P("w"), "t");
	/* A sibling sharing the prefix is not below /w. */
	XSC_WRITE(o, 0, P("wx"), "v");
	XSC_WRITE(o, 0, P("w-x/y"), "v");
	/* Nor is the parent. */
	XSC_WRITE(o, 0, base, "v");
	XSC_EXPECT_NO_WATCH(c, 300);
	/* Removal of a child. */
	XSC_RM(o, 0, P("w/x/y"));
	XSC_EXPECT_WATCH(c, P("w/x/y"), "t");
	/* SET_PERMS is a modification. */
	XSC_SET_PERMS(o, 0, P("w/x"), "n0,r1");
	XSC_EXPECT_WATCH(c, P("w/x"), "t");
	/* Removing an ancestor: the event names the watched path. */
	XSC_WRITE(o, 0, P("w/x/z"), "v");
	XSC_EXPECT_WATCH(c, P("w/x/z"), "t");
	XSC_RM(o, 0, base);
	XSC_EXPECT_WATCH(c, P("w"), "t");
	XSC_EXPECT_NO_WATCH(c, 300);
	/* Created again through an implicit parent. */
	XSC_WRITE(o, 0, P("w/q"), "v");
	XSC_EXPECT_WATCH(c, P("w/q"), "t");
	XSC_EXPECT_NO_WATCH(c, 200);
	xsc_close(o);
	end();
}

/* A relative watch path is relative to /local/domain/0 for a socket
 * client, and so are the event paths it reports. */
static void test_watch_relative(void)
{
	xsc_conn *o;

	begin("watch-relative");
	o = other();
	XSC_MKDIR(c, 0, "/local/domain/0");
	XSC_RM(c, 0, "/local/domain/0/xstest-rel");
	XSC_WATCH(c, "xstest-rel", "rel");
	XSC_EXPECT_WATCH(c, "xstest-rel", "rel");
	XSC_WRITE(o, 0, "/local/domain/0/xstest-rel/a", "1");
	XSC_EXPECT_WATCH(c, "xstest-rel/a", "rel");
	/* Written with a relative path, too. */
	XSC_WRITE(o, 0, "xstest-rel/b", "2");
	XSC_EXPECT_WATCH(c, "xstest-rel/b", "rel");
	XSC_READ(c, 0, "/local/domain/0/xstest-rel/b", "2");
	XSC_READ(c, 0, "xstest-rel/a", "1");
	/* An absolute watch on the same node reports absolute paths. */
	XSC_WATCH(c, "/local/domain/0/xstest-rel", "abs");
	XSC_EXPECT_WATCH(c, "/local/domain/0/xstest-rel", "abs");
	XSC_WRITE(o, 0, "xstest-rel/c", "3");
	{
		/* Two events, in either order. */
		xsc_msg *e1 = xsc_wait_watch(c, 5000), *e2 = xsc_wait_watch(c, 5000);
		bool rel = false, abs = false;
		for (xsc_msg *e = e1; e; e = e == e1 ? e2 : NULL) {
			rel |= e->hdr.len == 17 &&
				!memcmp(e->body, "xstest-rel/c\0rel\0", 17);
			abs |= !memcmp(e->body, "/local/domain/0/xstest-rel/c\0abs\0",
				       33) && e->hdr.len == 33;
		}
		if (!rel || !abs)
			xsc_fail_at(__FILE__, __LINE__, "expected a relative "
				    "and an absolute event for xstest-rel/c");
		xsc_msg_free(e1);
		xsc_msg_free(e2);
	}
	OKS(c, XS_UNWATCH, 0, "OK", "xstest-rel", "rel");
	OKS(c, XS_UNWATCH, 0, "OK", "/local/domain/0/xstest-rel", "abs");
	XSC_RM(c, 0, "/local/domain/0/xstest-rel");
	XSC_EXPECT_NO_WATCH(c, 300);
	xsc_close(o);
	end();
}

static void test_watch_duplicate_unwatch(void)
{
	xsc_conn *o;

	begin("watch-dup");
	o = other();
	XSC_WATCH(c, P("w"), "t");
	XSC_EXPECT_WATCH(c, P("w"), "t");
	ERR(c, XS_WATCH, 0, "EEXIST", P("w"), "t");
	XSC_EXPECT_NO_WATCH(c, 200);
	/* The same path and token on another connection is fine. */
	XSC_WATCH(o, P("w"), "t");
	XSC_EXPECT_WATCH(o, P("w"), "t");
	XSC_WRITE(o, 0, P("w"), "1");
	XSC_EXPECT_WATCH(c, P("w"), "t");
	XSC_EXPECT_WATCH(o, P("w"), "t");
	/* Unwatch. */
	OKS(c, XS_UNWATCH, 0, "OK", P("w"), "t");
	XSC_WRITE(o, 0, P("w"), "2");
	XSC_EXPECT_WATCH(o, P("w"), "t");
	XSC_EXPECT_NO_WATCH(c, 300);
	/* Unknown watches. */
	ERR(c, XS_UNWATCH, 0, "ENOENT", P("w"), "t");
	ERR(c, XS_UNWATCH, 0, "ENOENT", P("w"), "other-token");
	ERR(c, XS_UNWATCH, 0, "ENOENT", P("nosuch"), "t");
	/* Re-registering after unwatch works. */
	XSC_WATCH(c, P("w"), "t");
	XSC_EXPECT_WATCH(c, P("w"), "t");
	xsc_close(o);
	end();
}

static void test_watch_special(void)
{
	begin("watch-special");
	XSC_WATCH(c, "@introduceDomain", "intro");
	XSC_EXPECT_WATCH(c, "@introduceDomain", "intro");
	XSC_WATCH(c, "@releaseDomain", "rel");
	XSC_EXPECT_WATCH(c, "@releaseDomain", "rel");
	/* Ordinary changes do not match special watches. */
	XSC_WRITE(c, 0, P("x"), "1");
	XSC_RM(c, 0, P("x"));
	XSC_EXPECT_NO_WATCH(c, 300);
	ERR(c, XS_WATCH, 0, "EEXIST", "@releaseDomain", "rel");
	OKS(c, XS_UNWATCH, 0, "OK", "@introduceDomain", "intro");
	OKS(c, XS_UNWATCH, 0, "OK", "@releaseDomain", "rel");
	end();
}

static void test_watch_invalid(void)
{
	begin("watch-invalid");
	ERR(c, XS_WATCH, 0, "EINVAL", P("w/"), "t");
	ERR(c, XS_WATCH, 0, "EINVAL", P("w//x"), "t");
	ERR(c, XS_WATCH, 0, "EINVAL", P("w x"), "t");
	ERR(c, XS_WATCH, 0, "EINVAL", P("w"));       /* no token */
	ERR(c, XS_WATCH, 0, "EINVAL", "");
	ERR_RAW(c, XS_WATCH, 0, "EINVAL", "", 0);
	ERR(c, XS_UNWATCH, 0, "EINVAL", P("w"));
	/* C xenstored does not check the path of an UNWATCH: ENOENT. */
	ERR_ANY(c, XS_UNWATCH, 0, "EINVAL|ENOENT", P("w/"), "t");
	XSC_EXPECT_NO_WATCH(c, 200);
	end();
}

/* The tx_id of a WATCH request is ignored (xenstore.txt). */
static void test_watch_ignores_tx(void)
{
	GByteArray *b;

	begin("watch-tx");
	b = XSC_S(P("w"), "t");
	xsc_msg_free(XSC_EXPECT_OK(c, XS_WATCH, 4711, b->data, b->len, "OK", 3));
	g_byte_array_unref(b);
	XSC_EXPECT_WATCH(c, P("w"), "t");
	XSC_WRITE(c, 0, P("w"), "1");
	XSC_EXPECT_WATCH(c, P("w"), "t");
	end();
}

static void test_watch_transaction(void)
{
	xsc_conn *o;
	uint32_t tx;

	begin("watch-transaction");
	o = other();
	XSC_MKDIR(c, 0, P("w"));
	XSC_WATCH(c, P("w"), "t");
	XSC_EXPECT_WATCH(c, P("w"), "t");
	tx = XSC_TX_START(o);
	XSC_WRITE(o, tx, P("w/a"), "1");
	XSC_EXPECT_NO_WATCH(c, 300);          /* not before commit */
	XSC_TX_END(o, tx, true, NULL);
	XSC_EXPECT_WATCH(c, P("w/a"), "t");
	XSC_EXPECT_NO_WATCH(c, 200);
	tx = XSC_TX_START(o);
	XSC_WRITE(o, tx, P("w/b"), "1");
	XSC_TX_END(o, tx, false, NULL);
	XSC_EXPECT_NO_WATCH(c, 300);          /* never for an abort */
	xsc_close(o);
	end();
}

static void test_reset_watches(void)
{
	xsc_conn *o;
	uint32_t tx;

	begin("reset-watches");
	o = other();
	XSC_WATCH(c, P("w"), "t1");
	XSC_WATCH(c, P("v"), "t2");
	xsc_drain_watches(c, 200);
	tx = XSC_TX_START(c);
	OKS(c, XS_RESET_WATCHES, 0, "OK", "");
	XSC_WRITE(o, 0, P("w"), "1");
	XSC_WRITE(o, 0, P("v"), "1");
	XSC_EXPECT_NO_WATCH(c, 300);
	/* ... and the connection's transactions are gone too. */
	ERR(c, XS_READ, tx, "ENOENT", P("w"));
	/* The same watch can be registered again. */
	XSC_WATCH(c, P("w"), "t1");
	XSC_EXPECT_WATCH(c, P("w"), "t1");
	xsc_close(o);
	end();
}

/* ---- transactions ------------------------------------------------------ */

static void test_tx_isolation(void)
{
	xsc_conn *o;
	uint32_t tx;

	begin("tx-isolation");
	o = other();
	XSC_WRITE(c, 0, P("a"), "old");
	tx = XSC_TX_START(c);
	XSC_WRITE(c, tx, P("a"), "new");
	XSC_WRITE(c, tx, P("b/c"), "created");
	XSC_RM(c, tx, P("gone"));
	/* Inside the transaction. */
	XSC_READ(c, tx, P("a"), "new");
	XSC_READ(c, tx, P("b/c"), "created");
	XSC_DIR(c, tx, base, "a", "b", NULL);
	/* Outside: nothing yet, on this and on another connection. */
	XSC_READ(c, 0, P("a"), "old");
	XSC_READ(o, 0, P("a"), "old");
	ERR(o, XS_READ, 0, "ENOENT", P("b/c"));
	XSC_DIR(o, 0, base, "a", NULL);
	XSC_TX_END(c, tx, true, NULL);
	XSC_READ(o, 0, P("a"), "new");
	XSC_READ(o, 0, P("b/c"), "created");
	/* The id is no longer valid. */
	ERR(c, XS_TRANSACTION_END, tx, "ENOENT", "T");
	ERR(c, XS_READ, tx, "ENOENT", P("a"));
	xsc_close(o);
	end();
}

static void test_tx_abort(void)
{
	uint32_t tx;

	begin("tx-abort");
	XSC_WRITE(c, 0, P("a"), "old");
	tx = XSC_TX_START(c);
	XSC_WRITE(c, tx, P("a"), "new");
	XSC_WRITE(c, tx, P("n/m"), "created");
	XSC_SET_PERMS(c, tx, P("a"), "n0,r9");
	XSC_TX_END(c, tx, false, NULL);
	XSC_READ(c, 0, P("a"), "old");
	XSC_PERMS(c, 0, P("a"), "n0");
	ERR(c, XS_READ, 0, "ENOENT", P("n"));
	ERR(c, XS_TRANSACTION_END, tx, "ENOENT", "F");
	end();
}

static void test_tx_conflict(void)
{
	xsc_conn *o;
	uint32_t t1, t2;

	begin("tx-conflict");
	o = other();
	XSC_WRITE(c, 0, P("a"), "0");
	/* Read-modify-write of the same key on two connections. */
	t1 = XSC_TX_START(c);
	t2 = XSC_TX_START(o);
	XSC_READ(c, t1, P("a"), "0");
	XSC_READ(o, t2, P("a"), "0");
	XSC_WRITE(c, t1, P("a"), "one");
	XSC_WRITE(o, t2, P("a"), "two");
	XSC_TX_END(c, t1, true, NULL);
	XSC_TX_END(o, t2, true, "EAGAIN");
	XSC_READ(c, 0, P("a"), "one");
	/* A plain write to a key the transaction read. */
	t1 = XSC_TX_START(c);
	XSC_READ(c, t1, P("a"), "one");
	XSC_WRITE(c, t1, P("other"), "x");
	XSC_WRITE(o, 0, P("a"), "plain");
	XSC_TX_END(c, t1, true, "EAGAIN");
	ERR(c, XS_READ, 0, "ENOENT", P("other"));
	XSC_READ(c, 0, P("a"), "plain");
	/* A removal of a key the transaction wrote. */
	t1 = XSC_TX_START(c);
	XSC_WRITE(c, t1, P("a"), "mine");
	XSC_RM(o, 0, P("a"));
	XSC_TX_END(c, t1, true, "EAGAIN");
	ERR(c, XS_READ, 0, "ENOENT", P("a"));
	xsc_close(o);
	end();
}

/* Disjoint existing keys: no conflict (C xenstored commits both). */
static void test_tx_disjoint(void)
{
	xsc_conn *o;
	uint32_t t1, t2;

	begin("tx-disjoint");
	o = other();
	XSC_WRITE(c, 0, P("k1"), "a");
	XSC_WRITE(c, 0, P("k2"), "a");
	XSC_WRITE(c, 0, P("k3"), "a");
	t1 = XSC_TX_START(c);
	t2 = XSC_TX_START(o);
	XSC_READ(c, t1, P("k1"), "a");
	XSC_WRITE(c, t1, P("k1"), "b");
	XSC_READ(o, t2, P("k2"), "a");
	XSC_WRITE(o, t2, P("k2"), "b");
	XSC_TX_END(c, t1, true, NULL);
	XSC_TX_END(o, t2, true, NULL);
	XSC_READ(c, 0, P("k1"), "b");
	XSC_READ(c, 0, P("k2"), "b");
	/* A plain write to an unrelated key. */
	t1 = XSC_TX_START(c);
	XSC_READ(c, t1, P("k1"), "b");
	XSC_WRITE(c, t1, P("k2"), "c");
	XSC_WRITE(o, 0, P("k3"), "c");
	XSC_TX_END(c, t1, true, NULL);
	XSC_READ(c, 0, P("k2"), "c");
	xsc_close(o);
	end();
}

/* Two transactions creating different children of one parent.  C
 * xenstored 4.17 answers EAGAIN to the second commit (the parent's list of
 * children changed).  The overlap is not real, so ours may commit both; it
 * must then keep both children. */
static void test_tx_new_siblings(void)
{
	xsc_conn *o;
	uint32_t t1, t2;
	const char *err;
	GByteArray *b;

	begin("tx-new-siblings");
	o = other();
	XSC_MKDIR(c, 0, P("p"));
	t1 = XSC_TX_START(c);
	t2 = XSC_TX_START(o);
	XSC_WRITE(c, t1, P("p/n1"), "1");
	XSC_WRITE(o, t2, P("p/n2"), "2");
	XSC_TX_END(c, t1, true, NULL);
	b = XSC_S("T");
	{
		xsc_msg *m = xsc_call(o, XS_TRANSACTION_END, t2, b->data, b->len);
		err = xsc_error(m) ? g_intern_string(m->body) : NULL;
		if (!m || (err && strcmp(err, "EAGAIN"))) {
			g_autofree char *d = xsc_describe(m);
			xsc_fail_at(__FILE__, __LINE__, "expected OK or EAGAIN, "
				    "got %s", d);
		}
		if (m && !err && (m->hdr.len != 3 || memcmp(m->body, "OK", 3)))
			xsc_fail_at(__FILE__, __LINE__, "bad OK reply");
		xsc_msg_free(m);
	}
	g_byte_array_unref(b);
	g_test_message("disjoint new siblings: second commit %s",
		       err ? err : "OK");
	if (err)
		XSC_DIR(c, 0, P("p"), "n1", NULL);
	else
		XSC_DIR(c, 0, P("p"), "n1", "n2", NULL);
	XSC_READ(c, 0, P("p/n1"), "1");
	xsc_close(o);
	end();
}

static void test_tx_unknown_id(void)
{
	xsc_conn *o;
	uint32_t tx;

	begin("tx-unknown");
	o = other();
	XSC_WRITE(c, 0, P("a"), "1");
	ERR(c, XS_READ, 4711, "ENOENT", P("a"));
	ERR_RAW(c, XS_WRITE, 4711, "ENOENT", "/xstest/tx-unknown/a\0v", 22);
	ERR(c, XS_TRANSACTION_END, 4711, "ENOENT", "T");
	ERR(c, XS_TRANSACTION_END, 4711, "ENOENT", "F");
	ERR(c, XS_TRANSACTION_END, 0, "ENOENT", "T");
	ERR(c, XS_DIRECTORY, 0xffffffff, "ENOENT", base);
	/* Transaction ids belong to their connection: another one cannot use
	 * them (C xenstored numbers them per connection). */
	tx = XSC_TX_START(c);
	ERR(o, XS_READ, tx, "ENOENT", P("a"));
	ERR_RAW(o, XS_WRITE, tx, "ENOENT", "/xstest/tx-unknown/a\0o", 22);
	ERR(o, XS_TRANSACTION_END, tx, "ENOENT", "T");
	XSC_READ(c, tx, P("a"), "1");
	XSC_TX_END(c, tx, true, NULL);
	XSC_READ(c, 0, P("a"), "1");
	xsc_close(o);
	end();
}

static void test_tx_bad_requests(void)
{
	uint32_t tx;

	begin("tx-bad");
	tx = XSC_TX_START(c);
	/* No nested transactions (C xenstored: EBUSY). */
	ERR(c, XS_TRANSACTION_START, tx, "EBUSY", "");
	/* TRANSACTION_END takes exactly "T" or "F". */
	ERR(c, XS_TRANSACTION_END, tx, "EINVAL", "X");
	ERR(c, XS_TRANSACTION_END, tx, "EINVAL", "");
	ERR(c, XS_TRANSACTION_END, tx, "EINVAL", "TRUE");
	ERR_RAW(c, XS_TRANSACTION_END, tx, "EINVAL", "T", 1);
	/* The transaction survived those. */
	XSC_WRITE(c, tx, P("a"), "1");
	XSC_TX_END(c, tx, true, NULL);
	XSC_READ(c, 0, P("a"), "1");
	end();
}

/* Several transactions open at once on one connection, requests
 * interleaved. */
static void test_tx_interleaved(void)
{
	uint32_t t1, t2;

	begin("tx-interleaved");
	XSC_WRITE(c, 0, P("zero"), "-");
	t1 = XSC_TX_START(c);
	t2 = XSC_TX_START(c);
	g_assert_cmpuint(t1, !=, t2);
	XSC_WRITE(c, t1, P("one"), "1");
	XSC_WRITE(c, t2, P("two"), "2");
	ERR(c, XS_READ, t1, "ENOENT", P("two"));
	ERR(c, XS_READ, t2, "ENOENT", P("one"));
	XSC_WRITE(c, 0, P("zero"), "0");
	XSC_TX_END(c, t2, false, NULL);
	XSC_TX_END(c, t1, true, NULL);
	XSC_DIR(c, 0, base, "one", "zero", NULL);
	end();
}

static void test_tx_ops(void)
{
	uint32_t tx;
	dpart d = { 0 };

	begin("tx-ops");
	XSC_WRITE(c, 0, P("r/x"), "1");
	tx = XSC_TX_START(c);
	XSC_MKDIR(c, tx, P("m"));
	XSC_RM(c, tx, P("r"));
	XSC_SET_PERMS(c, tx, P("m"), "n0,r3");
	XSC_PERMS(c, tx, P("m"), "n0,r3");
	XSC_DIR(c, tx, base, "m", NULL);
	if (DIR_PART(tx, base, 0, &d))
		g_assert_cmpmem(d.names->data, d.names->len, "m\0", 2);
	dpart_clear(&d);
	ERR(c, XS_READ, tx, "ENOENT", P("r/x"));
	XSC_READ(c, 0, P("r/x"), "1");
	XSC_TX_END(c, tx, true, NULL);
	XSC_DIR(c, 0, base, "m", NULL);
	XSC_PERMS(c, 0, P("m"), "n0,r3");
	end();
}

/* ---- domain management ------------------------------------------------- */

static void test_get_domain_path(void)
{
	xsc_msg *m;

	begin("get-domain-path");
	OKS(c, XS_GET_DOMAIN_PATH, 0, "/local/domain/0", "0");
	OKS(c, XS_GET_DOMAIN_PATH, 0, "/local/domain/7", "7");
	/* The highest real domid (DOMID_FIRST_RESERVED - 1). */
	OKS(c, XS_GET_DOMAIN_PATH, 0, "/local/domain/32751", "32751");
	ERR_RAW(c, XS_GET_DOMAIN_PATH, 0, "EINVAL", "", 0);
	ERR_RAW(c, XS_GET_DOMAIN_PATH, 0, "EINVAL", "1", 1);
	/* Garbage domids: C xenstored parses with atoi ("x" -> 0, "/local/
	 * domain/0"); a stricter EINVAL is fine too. */
	m = xsc_callv(c, XS_GET_DOMAIN_PATH, 0, "x", NULL);
	if (!m || (xsc_error(m) ? strcmp(m->body, "EINVAL") :
		   strcmp(m->body, "/local/domain/0"))) {
		g_autofree char *d = xsc_describe(m);
		xsc_fail_at(__FILE__, __LINE__, "GET_DOMAIN_PATH x: %s", d);
	}
	xsc_msg_free(m);
	end();
}

static void test_is_domain_introduced(void)
{
	begin("is-introduced");
	OKS(c, XS_IS_DOMAIN_INTRODUCED, 0, "T", "0");
	OKS(c, XS_IS_DOMAIN_INTRODUCED, 0, "F", "4711");
	ERR_RAW(c, XS_IS_DOMAIN_INTRODUCED, 0, "EINVAL", "", 0);
	ERR_RAW(c, XS_IS_DOMAIN_INTRODUCED, 0, "EINVAL", "0", 1);
	end();
}

/* Only argument validation: introducing a real domain needs a hypervisor
 * (or xvm-simhv). */
static void test_introduce_args(void)
{
	begin("introduce-args");
	ERR_RAW(c, XS_INTRODUCE, 0, "EINVAL", "", 0);
	ERR(c, XS_INTRODUCE, 0, "EINVAL", "5");
	ERR(c, XS_INTRODUCE, 0, "EINVAL", "5", "1234");
	OKS(c, XS_IS_DOMAIN_INTRODUCED, 0, "F", "5");
	end();
}

static void test_release_resume_args(void)
{
	begin("release-args");
	ERR_RAW(c, XS_RELEASE, 0, "EINVAL", "", 0);
	ERR_RAW(c, XS_RELEASE, 0, "EINVAL", "0", 1);
	ERR(c, XS_RELEASE, 0, "EINVAL", "0");        /* dom0 cannot go */
	ERR(c, XS_RELEASE, 0, "ENOENT", "4711");     /* never introduced */
	ERR_RAW(c, XS_RESUME, 0, "EINVAL", "", 0);
	ERR(c, XS_RESUME, 0, "EINVAL", "0");
	ERR(c, XS_RESUME, 0, "ENOENT", "4711");
	OKS(c, XS_IS_DOMAIN_INTRODUCED, 0, "T", "0");
	end();
}

static void test_set_target_args(void)
{
	begin("set-target-args");
	ERR_RAW(c, XS_SET_TARGET, 0, "EINVAL", "", 0);
	ERR(c, XS_SET_TARGET, 0, "EINVAL", "5");
	ERR(c, XS_SET_TARGET, 0, "ENOENT", "4711", "4712");
	end();
}

/* ---- CONTROL ----------------------------------------------------------- */

/* A CONTROL reply that is a non-empty, NUL-terminated text. */
static char *control_text_at(const char *file, int line, const char *cmd,
			     const char *arg)
{
	xsc_msg *m = arg ? xsc_callv(c, XS_CONTROL, 0, cmd, arg, NULL)
			 : xsc_callv(c, XS_CONTROL, 0, cmd, NULL);
	char *s = NULL;

	if (!xsc_is_ok(m) || m->hdr.len < 2 ||
	    m->body[m->hdr.len - 1] != '\0' ||
	    strlen(m->body) != m->hdr.len - 1) {
		g_autofree char *d = xsc_describe(m);
		xsc_fail_at(file, line, "CONTROL %s: expected a text, got %s",
			    cmd, d);
	} else {
		s = g_strdup(m->body);
	}
	xsc_msg_free(m);
	return s;
}
#define CONTROL_TEXT(cmd, arg) control_text_at(__FILE__, __LINE__, cmd, arg)

static void test_control(void)
{
	g_autofree char *help = NULL, *quota = NULL, *soft = NULL;
	g_autofree char *memfile = NULL;

	begin("control");
	help = CONTROL_TEXT("help", NULL);
	if (help) {
		static const char *const cmds[] = {
			"check", "log", "print", "quota", "quota-soft",
			"memreport", "help",
		};
		for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++)
			if (!strstr(help, cmds[i]))
				xsc_fail_at(__FILE__, __LINE__, "CONTROL help "
					    "does not list %s", cmds[i]);
	}
	OKS(c, XS_CONTROL, 0, "OK", "check");
	OKS(c, XS_CONTROL, 0, "OK", "log", "on");
	OKS(c, XS_CONTROL, 0, "OK", "log", "off");
	OKS(c, XS_CONTROL, 0, "OK", "print", "xstest: hello from test_control");
	ERR(c, XS_CONTROL, 0, "EINVAL", "print");       /* nothing to print */
	quota = CONTROL_TEXT("quota", NULL);
	soft = CONTROL_TEXT("quota-soft", NULL);
	if (quota && !strstr(quota, "transaction"))
		xsc_fail_at(__FILE__, __LINE__, "CONTROL quota does not "
			    "mention transactions: %s", quota);
	if (soft && !strstr(soft, "memory"))
		xsc_fail_at(__FILE__, __LINE__, "CONTROL quota-soft does not "
			    "mention memory: %s", soft);
	/* memreport: C xenstored answers OK and writes to its log; a report
	 * in the reply is as good. */
	g_free(CONTROL_TEXT("memreport", NULL));
	/* With a file name the report goes to that file. */
	if (g_getenv("XSTEST_DIR")) {
		memfile = g_build_filename(g_getenv("XSTEST_DIR"),
					   "memreport.txt", NULL);
		OKS(c, XS_CONTROL, 0, "OK", "memreport", memfile);
		g_assert_true(g_file_test(memfile, G_FILE_TEST_EXISTS));
	}
	ERR(c, XS_CONTROL, 0, "EINVAL", "no-such-command");
	ERR(c, XS_CONTROL, 0, "EINVAL", "");
	ERR_RAW(c, XS_CONTROL, 0, "EINVAL", "", 0);
	/* The legacy name of the type is the same number. */
	g_assert_cmpint(XS_DEBUG, ==, XS_CONTROL);
	end();
}

/* ---- paths and errors -------------------------------------------------- */

static void test_invalid_paths(void)
{
	static const char *const bad[] = {
		"", "//", "/a//b", "/a/", "/xstest/", "/a b", "/a.b", "/a:b",
		"/a~b", "/a%b", "/a\tb", "/a\\b", "/a*b", "/\xc3\xa9",
		"/a\nb", "/a,b",
	};
	static const uint32_t types[] = {
		XS_READ, XS_MKDIR, XS_RM, XS_DIRECTORY, XS_GET_PERMS,
	};

	begin("invalid-paths");
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		for (size_t t = 0; t < G_N_ELEMENTS(types); t++)
			ERR(c, types[t], 0, "EINVAL", bad[i]);
		ERR_RAW(c, XS_WRITE, 0, "EINVAL", bad[i], strlen(bad[i]) + 1);
		ERR(c, XS_SET_PERMS, 0, "EINVAL", bad[i], "n0");
		ERR(c, XS_WATCH, 0, "EINVAL", bad[i], "t");
		ERR(c, XS_DIRECTORY_PART, 0, "EINVAL", bad[i], "0");
	}
	/* Every permitted character: alphanumerics and -/_@ */
	XSC_WRITE(c, 0, P("AZaz09-_@x"), "ok");
	XSC_READ(c, 0, P("AZaz09-_@x"), "ok");
	end();
}

/* Syntax errors are EINVAL; a syntactically valid path that does not exist
 * is ENOENT. */
static void test_enoent_vs_einval(void)
{
	begin("enoent-einval");
	ERR(c, XS_READ, 0, "ENOENT", P("nope"));
	ERR(c, XS_READ, 0, "EINVAL", P("nope/"));
	ERR(c, XS_DIRECTORY, 0, "ENOENT", P("nope"));
	ERR(c, XS_GET_PERMS, 0, "ENOENT", P("nope"));
	ERR(c, XS_SET_PERMS, 0, "ENOENT", P("nope"), "n0");
	ERR(c, XS_SET_PERMS, 0, "EINVAL", P("nope"), "z0");
	ERR(c, XS_RM, 0, "ENOENT", P("nope/deeper"));
	/* Relative to /local/domain/0. */
	ERR(c, XS_READ, 0, "ENOENT", "xstest-no-such-relative-node");
	ERR(c, XS_READ, 0, "EINVAL", "xstest-rel//x");
	ERR(c, XS_READ, 0, "EINVAL", "\0");
	end();
}

/* xenstore.txt: absolute paths up to 3072 bytes, relative ones up to 2048.
 * C xenstored also applies its path-max quota (default 2048) to dom0, so
 * an absolute path of 2049..3072 bytes is EINVAL there; we only test the
 * bounds both agree on. */
static void test_path_length(void)
{
	g_autofree char *p2048 = NULL, *p3073 = NULL, *p4000 = NULL;
	g_autofree char *r2000 = NULL, *r3060 = NULL;

	begin("path-length");
	p2048 = path_of_len(P("p/"), 2048);
	XSC_WRITE(c, 0, p2048, "long");
	XSC_READ(c, 0, p2048, "long");
	p3073 = path_of_len(P("q/"), 3073);
	ERR_RAW(c, XS_WRITE, 0, "EINVAL", p3073, strlen(p3073) + 1);
	ERR(c, XS_READ, 0, "EINVAL", p3073);
	ERR(c, XS_MKDIR, 0, "EINVAL", p3073);
	ERR(c, XS_RM, 0, "EINVAL", p3073);
	ERR(c, XS_WATCH, 0, "EINVAL", p3073, "t");
	ERR(c, XS_GET_PERMS, 0, "EINVAL", p3073);
	p4000 = path_of_len(P("q/"), 4000);
	ERR_RAW(c, XS_WRITE, 0, "EINVAL", p4000, strlen(p4000) + 1);
	ERR(c, XS_READ, 0, "ENOENT", P("q"));      /* nothing was created */
	/* Relative: 2000 bytes below /local/domain/0 is fine ... */
	XSC_RM(c, 0, "/local/domain/0/xstest-len");
	r2000 = path_of_len("xstest-len/", 2000);
	XSC_WRITE(c, 0, r2000, "rel");
	XSC_READ(c, 0, r2000, "rel");
	/* ... 3060 bytes (3076 once absolute) is not. */
	r3060 = path_of_len("xstest-len/", 3060);
	ERR_RAW(c, XS_WRITE, 0, "EINVAL", r3060, strlen(r3060) + 1);
	XSC_RM(c, 0, "/local/domain/0/xstest-len");
	end();
}

/* ---- framing ----------------------------------------------------------- */

/* req_id is echoed whatever it is; replies come in request order. */
static void test_req_id_echo(void)
{
	static const uint32_t ids[] = { 0, 1, 0x7fffffff, 0xffffffff, 42 };
	xsc_msg *m;

	begin("req-id");
	XSC_WRITE(c, 0, P("a"), "v");
	for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
		GByteArray *b = XSC_S(P("a"));
		xsc_send(c, XS_READ, ids[i], 0, b->data, b->len);
		g_byte_array_unref(b);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
		m = xsc_recv(c, XSC_TIMEOUT_MS);
		g_assert_nonnull(m);
		if (!m)
			break;
		g_assert_cmpuint(m->hdr.type, ==, XS_READ);
		g_assert_cmpuint(m->hdr.req_id, ==, ids[i]);
		g_assert_cmpuint(m->hdr.tx_id, ==, 0);
		g_assert_cmpmem(m->body, m->hdr.len, "v", 1);
		xsc_msg_free(m);
	}
	/* Errors echo req_id and tx_id too. */
	xsc_send(c, XS_READ, 0xabcdef, 4711, "/\0", 2);
	m = xsc_recv(c, XSC_TIMEOUT_MS);
	g_assert_nonnull(m);
	if (m) {
		g_assert_cmpuint(m->hdr.type, ==, XS_ERROR);
		g_assert_cmpuint(m->hdr.req_id, ==, 0xabcdef);
		g_assert_cmpuint(m->hdr.tx_id, ==, 4711);
		g_assert_cmpmem(m->body, m->hdr.len, "ENOENT", 7);
		xsc_msg_free(m);
	}
	end();
}

/* Many requests in flight; every reply present, in order. */
static void test_pipelined(void)
{
	enum { N = 500 };
	unsigned int errors = 0;

	begin("pipelined");
	for (unsigned int i = 0; i < N; i++) {
		g_autofree char *p = g_strdup_printf("%s/k%u", base, i / 2 % 50);
		GByteArray *b;
		if (i % 2 == 0) {
			g_autofree char *v = g_strdup_printf("%u", i);
			b = xsc_path_value(p, v, strlen(v));
			xsc_send(c, XS_WRITE, i, 0, b->data, b->len);
		} else {
			b = XSC_S(p);
			xsc_send(c, XS_READ, i, 0, b->data, b->len);
		}
		g_byte_array_unref(b);
	}
	for (unsigned int i = 0; i < N; i++) {
		xsc_msg *m = xsc_recv(c, XSC_TIMEOUT_MS);
		g_autofree char *v = g_strdup_printf("%u", i - 1);
		if (!m || m->hdr.req_id != i || m->hdr.type == XS_ERROR ||
		    (i % 2 && (m->hdr.len != strlen(v) ||
			       memcmp(m->body, v, m->hdr.len)))) {
			if (errors++ < 5) {
				g_autofree char *d = xsc_describe(m);
				xsc_fail_at(__FILE__, __LINE__, "request %u: %s",
					    i, d);
			}
		}
		xsc_msg_free(m);
		if (!m)
			break;
	}
	end();
}

/* Replies never exceed XENSTORE_PAYLOAD_MAX; xs_client checks every
 * received header, this case makes large replies on purpose. */
static void test_reply_sizes(void)
{
	g_autofree char *help = NULL;
	char *v;
	size_t vl;

	begin("reply-sizes");
	vl = XENSTORE_PAYLOAD_MAX - strlen(P("v")) - 1;
	v = g_malloc0(vl + 1);
	memset(v, 'x', vl);
	XSC_WRITE(c, 0, P("v"), v);
	XSC_READ(c, 0, P("v"), v);
	g_free(v);
	make_many(P("big"), MANY);
	ERR(c, XS_DIRECTORY, 0, "E2BIG", P("big"));
	help = CONTROL_TEXT("help", NULL);
	g_assert_false(c->oversize);
	end();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();

	g_test_add_func("/protocol/read-write", test_read_write);
	g_test_add_func("/protocol/write/implicit-parents", test_write_implicit_parents);
	g_test_add_func("/protocol/write/max-size", test_write_max_size);
	g_test_add_func("/protocol/write/too-big", test_write_too_big);
	g_test_add_func("/protocol/mkdir", test_mkdir);
	g_test_add_func("/protocol/rm", test_rm);
	g_test_add_func("/protocol/rm/root", test_rm_root);
	g_test_add_func("/protocol/directory", test_directory);
	g_test_add_func("/protocol/directory/too-big", test_directory_too_big);
	g_test_add_func("/protocol/directory-part/small", test_directory_part_small);
	g_test_add_func("/protocol/directory-part/large", test_directory_part_large);
	g_test_add_func("/protocol/directory-part/changed", test_directory_part_changed);
	g_test_add_func("/protocol/perms/get", test_perms_get);
	g_test_add_func("/protocol/perms/set-formats", test_perms_set_formats);
	g_test_add_func("/protocol/perms/invalid", test_perms_invalid);
	g_test_add_func("/protocol/perms/inherit", test_perms_inherit);
	g_test_add_func("/protocol/watch/register-fires", test_watch_register_fires);
	g_test_add_func("/protocol/watch/subtree", test_watch_subtree);
	g_test_add_func("/protocol/watch/relative", test_watch_relative);
	g_test_add_func("/protocol/watch/duplicate-unwatch", test_watch_duplicate_unwatch);
	g_test_add_func("/protocol/watch/special", test_watch_special);
	g_test_add_func("/protocol/watch/invalid", test_watch_invalid);
	g_test_add_func("/protocol/watch/ignores-tx", test_watch_ignores_tx);
	g_test_add_func("/protocol/watch/transaction", test_watch_transaction);
	g_test_add_func("/protocol/watch/reset", test_reset_watches);
	g_test_add_func("/protocol/transaction/isolation", test_tx_isolation);
	g_test_add_func("/protocol/transaction/abort", test_tx_abort);
	g_test_add_func("/protocol/transaction/conflict", test_tx_conflict);
	g_test_add_func("/protocol/transaction/disjoint", test_tx_disjoint);
	g_test_add_func("/protocol/transaction/new-siblings", test_tx_new_siblings);
	g_test_add_func("/protocol/transaction/unknown-id", test_tx_unknown_id);
	g_test_add_func("/protocol/transaction/bad-requests", test_tx_bad_requests);
	g_test_add_func("/protocol/transaction/interleaved", test_tx_interleaved);
	g_test_add_func("/protocol/transaction/ops", test_tx_ops);
	g_test_add_func("/protocol/domain/get-domain-path", test_get_domain_path);
	g_test_add_func("/protocol/domain/is-introduced", test_is_domain_introduced);
	g_test_add_func("/protocol/domain/introduce-args", test_introduce_args);
	g_test_add_func("/protocol/domain/release-resume-args", test_release_resume_args);
	g_test_add_func("/protocol/domain/set-target-args", test_set_target_args);
	g_test_add_func("/protocol/control", test_control);
	g_test_add_func("/protocol/paths/invalid", test_invalid_paths);
	g_test_add_func("/protocol/paths/enoent-vs-einval", test_enoent_vs_einval);
	g_test_add_func("/protocol/paths/length", test_path_length);
	g_test_add_func("/protocol/framing/req-id-echo", test_req_id_echo);
	g_test_add_func("/protocol/framing/pipelined", test_pipelined);
	g_test_add_func("/protocol/framing/reply-sizes", test_reply_sizes);

	return g_test_run();
}
