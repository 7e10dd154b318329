/* See domains.h. Requests name their domain by domid and generation
 * (struct dom_req): a reply for a domain released meanwhile is dropped. */
#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdint.h>
#include <string.h>

#include "console.h"
#include "domains.h"
#include "xvm/xs_client.h"

#define TOKEN_INTRODUCE "introduce"
#define TOKEN_RELEASE "release"
#define TOKEN_DOMAIN "con:"          /* + domid: its console/ directory */

struct domain {
	uint32_t domid;
	uint64_t gen;
	bool reading, read_again;
	struct console *con;         /* NULL until its keys are written */
	bool failed;                 /* opening failed: not retried */
};

static struct {
	struct xs_platform *p;
	char *xenstored_path;
	char *log_dir;
	xs_client_t *xs;
	guint retry, evtchn_watch;
	bool warned;
	uint64_t next_gen;
	GHashTable *doms;            /* domid -> struct domain */
	GHashTable *by_port;         /* local port -> struct domain */
	GHashTable *reads;           /* struct dom_req in flight (a set) */
	GHashTable *ttys;            /* struct tty_req in flight (a set) */
} D;

/* Decimal, no sign, no leading zero, at most max. */
static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !s[0] || (s[0] == '0' && s[1]) || strlen(s) > 20)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

static void domain_free(struct domain *d)
{
	if (d->con) {
		g_hash_table_remove(D.by_port, GUINT_TO_POINTER(console_local_port(d->con)));
		console_close(d->con);
	}
	g_free(d);
}

/* ---- reading a domain's console keys ----------------------------------- */

enum { K_RING_REF, K_PORT, K_TYPE, K_NAME, K_N };

struct dom_req;
struct dom_slot {
	struct dom_req *r;
	unsigned int idx;
};

struct dom_req {
	xs_client_t *xs;
	uint32_t domid;
	uint64_t gen;
	unsigned int pending;
	bool failed;
	char *vals[K_N];
	struct dom_slot slots[K_N];
};

static void dom_req_free(void *data)
{
	struct dom_req *r = data;

	for (unsigned int i = 0; i < K_N; i++)
		g_free(r->vals[i]);
	g_free(r);
}

static struct domain *req_domain(const struct dom_req *r)
{
	struct domain *d;

	if (!D.xs || r->xs != D.xs)
		return NULL;
	d = g_hash_table_lookup(D.doms, GUINT_TO_POINTER(r->domid));
	return d && d->gen == r->gen ? d : NULL;
}

static void read_keys(struct domain *d);

/* ---- publishing a console's tty ----------------------------------------- */

/* How often a tty's transaction is tried when it keeps conflicting. */
#define TTY_TRIES 16

/* DIR/tty is written in a transaction that finds DIR (the domain's
 * console/ directory, the toolstack's) still there: a domain torn down
 * meanwhile had its tree removed, and a plain write would make
 * /local/domain/DOMID/console/tty again, dom0's, for nobody to remove.
 * (Linux's xenbus_switch_state() does not resurrect a removed device
 * directory either.) */
struct tty_req {
	xs_client_t *xs;
	uint32_t domid;
	uint32_t tx;
	unsigned int tries;
	bool gone;                   /* DIR was removed: nothing written */
	char *dir;
	char *tty;
};

static void tty_req_free(void *data)
{
	struct tty_req *t = data;

	g_free(t->dir);
	g_free(t->tty);
	g_free(t);
}

static void tty_start(struct tty_req *t);

static void on_tty_written(xs_client_t *c, int err, const char *body, size_t len,
			   void *data)
{
	if (err && err != EIO)
		g_warning(_("cannot write console/tty of domain %u: %s"),
			  GPOINTER_TO_UINT(data), g_strerror(err));
}

static void on_tty_end(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct tty_req *t = data;

	if (err == EAGAIN && !t->gone && ++t->tries < TTY_TRIES && c == D.xs) {
		tty_start(t);
		return;
	}
	if (err && !t->gone && err != EIO)
		g_warning(_("cannot write console/tty of domain %u: %s"), t->domid,
			  g_strerror(err));
	g_hash_table_remove(D.ttys, t);          /* frees t */
}

static void on_tty_dir(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct tty_req *t = data;
	g_autofree char *path = g_strdup_printf("%s/tty", t->dir);

	if (err) {
		t->gone = err == ENOENT;
		if (!t->gone && err != EIO)
			g_warning(_("cannot read %s: %s"), t->dir, g_strerror(err));
		xs_transaction_end_async(c, t->tx, false, on_tty_end, t);
		return;
	}
	xs_write_async(c, t->tx, path, t->tty, strlen(t->tty), on_tty_written,
		       GUINT_TO_POINTER(t->domid));
	xs_transaction_end_async(c, t->tx, true, on_tty_end, t);
}

static void on_tty_tx(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct tty_req *t = data;
	uint64_t tx;

	if (err || !parse_u64(body, UINT32_MAX, &tx) || tx == 0) {
		if (err != EIO)
			g_warning(_("cannot write console/tty of domain %u: %s"), t->domid,
				  err ? g_strerror(err) : _("bad transaction id from xenstored"));
		g_hash_table_remove(D.ttys, t);
		return;
	}
	t->tx = (uint32_t)tx;
	xs_read_async(c, t->tx, t->dir, on_tty_dir, t);
}

static void tty_start(struct tty_req *t)
{
	xs_transaction_start_async(t->xs, on_tty_tx, t);
}

static void publish_tty(uint32_t domid, const char *tty)
{
	struct tty_req *t = g_new0(struct tty_req, 1);

	t->xs = D.xs;
	t->domid = domid;
	t->dir = g_strdup_printf("/local/domain/%u/console", domid);
	t->tty = g_strdup(tty);
	g_hash_table_add(D.ttys, t);
	tty_start(t);
}

static void domain_connect(struct domain *d, char **vals)
{
	g_autoptr(GError) err = NULL;
	uint64_t gfn, port;

	/* Another console server's domain (qemu's, for HVM). */
	if (vals[K_TYPE] && strcmp(vals[K_TYPE], "xenconsoled") != 0)
		return;
	if (!parse_u64(vals[K_RING_REF], UINT64_MAX, &gfn) ||
	    !parse_u64(vals[K_PORT], UINT32_MAX, &port))
		return;              /* not (validly) written yet */
	d->con = console_open(D.p, d->domid, gfn, (uint32_t)port, D.log_dir,
			      vals[K_NAME], &err);
	if (!d->con) {
		g_warning(_("domain %u: %s"), d->domid, err->message);
		d->failed = true;
		return;
	}
	g_hash_table_insert(D.by_port, GUINT_TO_POINTER(console_local_port(d->con)), d);
	publish_tty(d->domid, console_tty(d->con));
}

static void on_key(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct dom_slot *slot = data;
	struct dom_req *r = slot->r;
	unsigned int idx = slot->idx;
	struct domain *d;

	if (!err && !memchr(body, '\0', len))
		r->vals[idx] = g_strndup(body, len);
	else if (err && err != ENOENT)
		r->failed = true;
	if (--r->pending > 0)
		return;
	d = req_domain(r);
	if (d) {
		d->reading = false;
		if (!r->failed && !d->con && !d->failed)
			domain_connect(d, r->vals);
		if (d->read_again) {
			d->read_again = false;
			read_keys(d);
		}
	}
	g_hash_table_remove(D.reads, r);         /* frees r */
}

static void read_keys(struct domain *d)
{
	static const char *const keys[K_N] = {
		"console/ring-ref", "console/port", "console/type", "name",
	};
	struct dom_req *r;

	if (d->con || d->failed || !D.xs)
		return;
	if (d->reading) {
		d->read_again = true;
		return;
	}
	d->reading = true;
	r = g_new0(struct dom_req, 1);
	g_hash_table_add(D.reads, r);
	r->xs = D.xs;
	r->domid = d->domid;
	r->gen = d->gen;
	for (unsigned int i = 0; i < K_N; i++) {
		g_autofree char *path = g_strdup_printf("/local/domain/%u/%s", d->domid,
							keys[i]);

		r->slots[i].r = r;
		r->slots[i].idx = i;
		r->pending++;
		xs_read_async(D.xs, 0, path, on_key, &r->slots[i]);
	}
}

/* ---- the domain list --------------------------------------------------- */

static void on_dom_watch(xs_client_t *c, const char *path, const char *token, void *data);

static struct domain *domain_add(uint32_t domid)
{
	struct domain *d = g_new0(struct domain, 1);
	g_autofree char *path = g_strdup_printf("/local/domain/%u/console", domid);
	g_autofree char *token = g_strdup_printf(TOKEN_DOMAIN "%u", domid);

	d->domid = domid;
	d->gen = D.next_gen++;
	g_hash_table_insert(D.doms, GUINT_TO_POINTER(domid), d);
	/* Its first event reads the keys. */
	xs_watch_async(D.xs, path, token, on_dom_watch, NULL, NULL, NULL);
	return d;
}

static void domain_remove(struct domain *d)
{
	g_autofree char *path = g_strdup_printf("/local/domain/%u/console", d->domid);
	g_autofree char *token = g_strdup_printf(TOKEN_DOMAIN "%u", d->domid);

	if (D.xs)
		xs_unwatch_async(D.xs, path, token, NULL, NULL);
	g_hash_table_steal(D.doms, GUINT_TO_POINTER(d->domid));
	domain_free(d);
}

static void on_dom_watch(xs_client_t *c, const char *path, const char *token, void *data)
{
	uint64_t domid;
	struct domain *d;

	if (!g_str_has_prefix(token, TOKEN_DOMAIN) ||
	    !parse_u64(token + strlen(TOKEN_DOMAIN), UINT32_MAX, &domid))
		return;
	d = g_hash_table_lookup(D.doms, GUINT_TO_POINTER((uint32_t)domid));
	if (d)
		read_keys(d);
}

/* The hypervisor's word on which domains are over. */
static void release_dead(void)
{
	GHashTableIter it;
	gpointer value;
	g_autoptr(GPtrArray) dead = g_ptr_array_new();

	g_hash_table_iter_init(&it, D.doms);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct domain *d = value;
		struct xs_dominfo info;
		int rc = D.p->domain_info(D.p, d->domid, &info);

		if (rc == 0 || (rc > 0 && info.dying))
			g_ptr_array_add(dead, d);
	}
	for (guint i = 0; i < dead->len; i++)
		domain_remove(dead->pdata[i]);
}

static void on_list(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	size_t off = 0;

	if (err || c != D.xs)
		return;
	while (off < len) {
		size_t n = strnlen(body + off, len - off);
		g_autofree char *name = g_strndup(body + off, n);
		uint64_t domid;

		/* dom0's console is the host's own. */
		if (parse_u64(name, UINT32_MAX, &domid) && domid != 0 &&
		    !g_hash_table_contains(D.doms, GUINT_TO_POINTER((uint32_t)domid)))
			domain_add((uint32_t)domid);
		off += n + 1;
	}
}

static void on_watch(xs_client_t *c, const char *path, const char *token, void *data)
{
	if (strcmp(token, TOKEN_INTRODUCE) == 0)
		xs_directory_async(D.xs, 0, "/local/domain", on_list, NULL);
	else if (strcmp(token, TOKEN_RELEASE) == 0)
		release_dead();
}

/* ---- event channels ---------------------------------------------------- */

static gboolean on_evtchn(gint fd, GIOCondition cond, gpointer data)
{
	int port;

	while ((port = D.p->evtchn_pending(D.p)) >= 0) {
		struct domain *d = g_hash_table_lookup(D.by_port, GUINT_TO_POINTER((uint32_t)port));

		if (d && d->con)
			console_event(d->con);
		D.p->evtchn_unmask(D.p, (uint32_t)port);
	}
	if (errno != EAGAIN) {
		g_critical(_("cannot read the event channels: %s"), g_strerror(errno));
		D.evtchn_watch = 0;
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

/* ---- the xenstored connection ------------------------------------------ */

static void connect_now(void);

static gboolean on_retry(gpointer data)
{
	D.retry = 0;
	connect_now();
	return G_SOURCE_REMOVE;
}

static gboolean free_client_idle(gpointer data)
{
	xs_client_free(data);
	return G_SOURCE_REMOVE;
}

static void on_closed(xs_client_t *c, void *data)
{
	GHashTableIter it;
	gpointer value;

	g_warning(_("connection to xenstored lost, reconnecting"));
	g_idle_add(free_client_idle, c);
	D.xs = NULL;
	/* Consoles stay open; their domains' watches are made again. */
	g_hash_table_iter_init(&it, D.doms);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct domain *d = value;

		d->reading = d->read_again = false;
		d->gen = D.next_gen++;
	}
	D.retry = g_timeout_add_seconds(1, on_retry, NULL);
}

static void on_watch_reply(xs_client_t *c, int err, const char *body, size_t len,
			   void *data)
{
	if (err && err != EIO)
		g_critical(_("cannot watch %s: %s"), (const char *)data, g_strerror(err));
}

static void connect_now(void)
{
	g_autoptr(GError) err = NULL;
	GHashTableIter it;
	gpointer value;

	D.xs = xs_client_open_socket(D.xenstored_path, NULL, &err);
	if (!D.xs) {
		if (!D.warned)
			g_message(_("xenstored not reachable yet (%s), retrying"), err->message);
		D.warned = true;
		D.retry = g_timeout_add_seconds(1, on_retry, NULL);
		return;
	}
	D.warned = false;
	xs_client_set_closed_cb(D.xs, on_closed, NULL);
	g_hash_table_iter_init(&it, D.doms);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct domain *d = value;
		g_autofree char *path = g_strdup_printf("/local/domain/%u/console", d->domid);
		g_autofree char *token = g_strdup_printf(TOKEN_DOMAIN "%u", d->domid);

		xs_watch_async(D.xs, path, token, on_dom_watch, NULL, NULL, NULL);
	}
	/* Both fire once at registration: a scan, a release check. */
	xs_watch_async(D.xs, "@introduceDomain", TOKEN_INTRODUCE, on_watch, NULL,
		       on_watch_reply, "@introduceDomain");
	xs_watch_async(D.xs, "@releaseDomain", TOKEN_RELEASE, on_watch, NULL,
		       on_watch_reply, "@releaseDomain");
}

void domains_start(struct xs_platform *p, const char *xenstored_path, const char *log_dir)
{
	D.p = p;
	D.xenstored_path = g_strdup(xenstored_path);
	D.log_dir = g_strdup(log_dir);
	D.next_gen = 1;
	D.doms = g_hash_table_new(NULL, NULL);
	D.by_port = g_hash_table_new(NULL, NULL);
	D.reads = g_hash_table_new_full(NULL, NULL, dom_req_free, NULL);
	D.ttys = g_hash_table_new_full(NULL, NULL, tty_req_free, NULL);
	D.evtchn_watch = g_unix_fd_add(p->evtchn_fd(p), G_IO_IN, on_evtchn, NULL);
	connect_now();
}

void domains_reopen_logs(void)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, D.doms);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct domain *d = value;

		if (d->con)
			console_reopen_log(d->con);
	}
}

void domains_stop(void)
{
	GHashTableIter it;
	gpointer value;

	if (D.retry)
		g_source_remove(D.retry);
	if (D.evtchn_watch)
		g_source_remove(D.evtchn_watch);
	g_clear_pointer(&D.xs, xs_client_free);
	/* The client dropped the replies still to come. */
	g_hash_table_destroy(D.reads);
	g_hash_table_destroy(D.ttys);
	g_hash_table_iter_init(&it, D.doms);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		g_hash_table_iter_steal(&it);
		domain_free(value);
	}
	g_hash_table_destroy(D.doms);
	g_hash_table_destroy(D.by_port);
	g_free(D.xenstored_path);
	g_free(D.log_dir);
}
