/* Requests on nodes and primitive store changes: see node_ops.h.
 *
 * Access rules (Xen's): a connection's access to a node is given by
 * perms_for(); an operation on a node that does not exist answers ENOENT
 * only if the nearest existing ancestor grants the access the operation
 * needs, EACCES otherwise, so that nothing is learnt of hidden trees.
 * Quotas apply to unprivileged connections only.
 */
#include "node_ops.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "config.h"
#include "connection.h"
#include "domain.h"
#include "log.h"
#include "path.h"
#include "perms.h"
#include "persist.h"
#include "request.h"
#include "transaction.h"
#include "util.h"
#include "watch.h"

/* ---- primitive changes ------------------------------------------------ */

static void account_node(const struct node *n, int sign)
{
	uint32_t owner = perms_owner(node_perms(n));

	domain_nodes_add(owner, sign);
	domain_memory_add_id(owner, sign * (long)node_size(n));
}

void db_account_loaded(const struct node *n)
{
	account_node(n, 1);
}

static void record(struct request *req, const char *path, size_t len,
		   bool exact, struct perms *old_perms)
{
	if (req) {
		req_record_change(req, path, len, exact, old_perms);
	} else {
		char buf[PATH_BUF];
		memcpy(buf, path, len);
		buf[len] = '\0';
		watch_fire(buf, exact, old_perms);
	}
}

node_id db_create(node_id parent, const char *path, size_t len,
		  const void *value, uint32_t vlen, struct perms *perms)
{
	node_id id = store_create(parent, path, len, value, vlen, perms);

	account_node(store_node(id), 1);
	persist_node(path, len, store_node(id));
	return id;
}

node_id db_set_value(node_id id, const char *path, size_t len,
		     const void *value, uint32_t vlen)
{
	uint32_t owner = perms_owner(node_perms(store_node(id)));
	long before = (long)node_size(store_node(id));

	id = store_set_value(id, value, vlen);
	domain_memory_add_id(owner, (long)node_size(store_node(id)) - before);
	persist_node(path, len, store_node(id));
	return id;
}

void db_set_perms(node_id id, const char *path, size_t len, struct perms *perms)
{
	account_node(store_node(id), -1);
	store_set_perms(id, perms);
	account_node(store_node(id), 1);
	persist_node(path, len, store_node(id));
}

struct delete_walk {
	struct request *req;
	node_id top;
};

static void delete_visit(node_id id, const char *path, size_t len, void *arg)
{
	struct delete_walk *w = arg;
	struct node *n = store_node(id);

	account_node(n, -1);
	persist_delete(path, len);
	/* The node named by the request fires its watches and its
	 * ancestors'; every node below fires the watches on itself. */
	record(w->req, path, len, id != w->top, node_perms(n));
}

void db_delete(struct request *req, node_id id)
{
	struct delete_walk w = { req, id };

	store_walk(id, delete_visit, &w);
	store_delete(id);
}

/* ---- views: the store, or a transaction's overlay of it --------------- */

static int view(struct request *req, const char *path, size_t len, struct view *v)
{
	node_id id;
	const struct node *n;

	if (req->txn)
		return tx_view(req->txn, path, len, v);
	memset(v, 0, sizeof(*v));
	id = store_lookup(path, len);
	if (!id)
		return 0;
	n = store_node(id);
	v->exists = true;
	v->id = id;
	v->value = node_value(n);
	v->vlen = node_vlen(n);
	v->perms = node_perms(n);
	v->gen = node_kids_gen(n);
	return 0;
}

static unsigned int access_of(const struct request *req, const struct perms *perms)
{
	const struct connection *c = req->conn;

	return perms_for(perms, c->domid, c->privileged, c->target);
}

/* The nearest existing ancestor of path: its view, and its length in
 * *alen. The root always exists. */
static int nearest_ancestor(struct request *req, const char *path, size_t len,
			    struct view *a, size_t *alen)
{
	int err;

	do {
		len = path_parent_len(path, len);
		err = view(req, path, len, a);
		if (err)
			return err;
	} while (!a->exists && len > 1);
	if (!a->exists)
		xs_fatal("store corrupt: no root node");
	*alen = len;
	return 0;
}

/* The answer for an operation needing `perm` on a path that does not
 * exist (Xen's errno_from_parents). */
static int missing_errno(struct request *req, const char *path, size_t len,
			 unsigned int perm)
{
	struct view a;
	size_t alen;
	int err = nearest_ancestor(req, path, len, &a, &alen);

	if (err)
		return err;
	return (access_of(req, a.perms) & perm) ? ENOENT : EACCES;
}

/* Resolves the request's path and the node, checking access. arg is the
 * path argument as the handler parsed the payload: NULL when that is
 * malformed (EINVAL), else the payload's first string, canonicalised once
 * per request by req_path() (every caller is a FLAG_PATH request), so
 * that a bad path is reported here, after the handler's other checks. */
static int get_node(struct request *req, const char *arg, unsigned int perm,
		    const char **path, size_t *len, struct view *v)
{
	int l, err;

	if (!arg)
		return EINVAL;
	l = req_path(req, path);
	if (l < 0)
		return EINVAL;
	*len = (size_t)l;
	err = view(req, *path, *len, v);
	if (err)
		return err;
	if (!v->exists)
		return missing_errno(req, *path, *len, perm);
	if ((access_of(req, v->perms) & perm) != perm)
		return EACCES;
	return 0;
}

struct child_buf {
	char *buf;
	uint32_t len, max;
	bool overflow;
};

static void child_append(const char *name, size_t len, void *arg)
{
	struct child_buf *b = arg;

	if (b->len + len + 1 > b->max) {
		b->overflow = true;
		return;
	}
	memcpy(b->buf + b->len, name, len + 1);
	b->len += len + 1;
}

/* Calls fn for each child of a node in the request's view; *bytes gets
 * the size of the whole list. */
static void children(struct request *req, struct view *v, tx_child_fn fn,
		     void *arg, uint32_t *bytes, bool record)
{
	const struct node *n;
	const struct kids *kids;

	if (req->txn) {
		tx_children(v, fn, arg, bytes, record);
		return;
	}
	n = store_node(v->id);
	kids = node_kids(n);
	*bytes = kids ? kids->bytes : 0;
	if (!fn || !kids)
		return;
	for (uint32_t i = 0; i < kids->n; i++) {
		const struct node *k = store_node(kids->id[i]);
		fn(node_name(k), k->nlen, arg);
	}
}

/* Quota: the size of a node as Xen's xenstored counts it (its 24-byte
 * record header, permissions, value, children's names): ENOSPC when it
 * reaches the quota. */
#define XEN_NODE_HDR 24

static int check_node_size(struct request *req, struct view *v, uint32_t vlen,
			   unsigned int nperms, uint32_t extra_child)
{
	uint32_t kids = 0;

	if (!conn_is_unprivileged(req->conn))
		return 0;
	if (v && v->exists)
		children(req, v, NULL, NULL, &kids, false);
	if (XEN_NODE_HDR + vlen + nperms * sizeof(struct xs_perm) + kids +
	    extra_child >= config.quota_node_size) {
		xs_log_ratelimited(&req->conn->log_ratelimit, LOG_WARNING,
			"domain %u hit its node size quota (%u)",
			req->conn->domid, config.quota_node_size);
		return ENOSPC;
	}
	return 0;
}

/* Quota: would the connection's domain reach its hard memory quota by
 * growing `delta` bytes? (Xen refuses such a change with ENOMEM; the
 * domain stays readable.) */
static bool memory_exceeded(struct request *req, long delta)
{
	struct domain *d = req->conn->domain;

	if (!conn_is_unprivileged(req->conn) || !d || !config.quota_memory ||
	    delta <= 0)
		return false;
	if (d->memory + delta < (long)config.quota_memory)
		return false;
	xs_log_ratelimited(&req->conn->log_ratelimit, LOG_WARNING,
		"domain %u hit its memory quota (%u bytes)", d->domid,
		config.quota_memory);
	return true;
}

/* ---- READ, DIRECTORY, DIRECTORY_PART, GET_PERMS ----------------------- */

int do_read(struct request *req)
{
	const char *path;
	size_t len;
	struct view v;
	int err = get_node(req, req_onearg(req), XS_PERM_READ, &path, &len, &v);

	if (err)
		return err;
	reply(req, v.value, v.vlen);
	return 0;
}

int do_directory(struct request *req)
{
	const char *path;
	char buf[XENSTORE_PAYLOAD_MAX];
	struct child_buf b = { buf, 0, sizeof(buf), false };
	size_t len;
	struct view v;
	uint32_t bytes;
	int err = get_node(req, req_onearg(req), XS_PERM_READ, &path, &len, &v);

	if (err)
		return err;
	children(req, &v, NULL, NULL, &bytes, true);
	if (bytes > XENSTORE_PAYLOAD_MAX)
		return E2BIG;  /* clients fall back to DIRECTORY_PART */
	children(req, &v, child_append, &b, &bytes, true);
	reply(req, buf, b.len);
	return 0;
}

struct part_walk {
	uint32_t skip;      /* byte offset into the list where to start */
	uint32_t pos;       /* byte offset of the current child */
	char *buf;
	uint32_t len, max;
	bool full;
};

/* Children from the first one starting at or after the offset, as many as
 * fit in a reply. */
static void part_append(const char *name, size_t len, void *arg)
{
	struct part_walk *p = arg;
	uint32_t here = p->pos;

	p->pos += len + 1;
	if (p->full || here < p->skip)
		return;
	if (p->len + len + 1 > p->max) {
		p->full = true;
		return;
	}
	memcpy(p->buf + p->len, name, len + 1);
	p->len += len + 1;
}

/* path, byte offset: the generation count of the node's children, then
 * as many children from the offset as fit; a final empty string when the
 * list is complete. */
int do_directory_part(struct request *req)
{
	const char *vec[2];
	const char *path;
	char buf[XENSTORE_PAYLOAD_MAX];
	char *end;
	unsigned long off;
	size_t len;
	struct view v;
	uint32_t bytes;
	int genlen, err;
	struct part_walk p;

	if (req_count_strings(req) != 2 || req_strings(req, vec, 2) != 2)
		return EINVAL;
	err = get_node(req, vec[0], XS_PERM_READ, &path, &len, &v);
	if (err)
		return err;
	errno = 0;
	off = strtoul(vec[1], &end, 10);
	if (errno || *end || vec[1][0] == '-' || !vec[1][0])
		return EINVAL;

	children(req, &v, NULL, NULL, &bytes, true);
	genlen = snprintf(buf, sizeof(buf), "%" PRIu64, v.gen) + 1;
	memset(&p, 0, sizeof(p));
	p.skip = off > bytes ? bytes : (uint32_t)off;
	p.buf = buf + genlen;
	p.max = XENSTORE_PAYLOAD_MAX - genlen - 1;
	if (off < bytes)
		children(req, &v, part_append, &p, &bytes, true);
	if (!p.full) {
		buf[genlen + p.len] = '\0';
		p.len++;
	}
	reply(req, buf, genlen + p.len);
	return 0;
}

int do_get_perms(struct request *req)
{
	const char *arg = req_onearg(req);
	const char *path;
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t len, n;
	struct view v;
	struct perms *perms;
	int err;

	if (arg && arg[0] == '@') {
		perms = watch_special_perms(arg);
		if (!perms)
			return path_chars_valid(arg) ? ENOENT : EINVAL;
	} else {
		err = get_node(req, arg, XS_PERM_READ, &path, &len, &v);
		if (err)
			return err;
		perms = v.perms;
	}
	n = perms_format(perms, buf, sizeof(buf));
	if (!n)
		return E2BIG;
	reply(req, buf, n);
	return 0;
}

/* ---- WRITE, MKDIR ----------------------------------------------------- */

/* Permissions of a node created below parent_perms by this connection:
 * inherited, except that unprivileged domains own what they create. */
static struct perms *inherited_perms(struct request *req, struct perms *parent)
{
	struct xs_perm p[parent->num];

	if (!conn_is_unprivileged(req->conn))
		return perms_ref(parent);
	memcpy(p, parent->p, sizeof(p));
	p[0].id = req->conn->domid;
	return perms_intern(p, parent->num);
}

/* Creates path and its missing ancestors below the nearest existing one;
 * the node itself gets value. */
static int create_path(struct request *req, const char *path, size_t len,
		       const void *value, uint32_t vlen)
{
	struct view a;
	size_t alen, missing = 0, l;
	struct perms *perms;
	int err = nearest_ancestor(req, path, len, &a, &alen);

	if (err)
		return err;
	if (!(access_of(req, a.perms) & XS_PERM_WRITE))
		return EACCES;
	for (l = alen == 1 ? 0 : alen; l < len; l++)
		missing += path[l] == '/';

	if (conn_is_unprivileged(req->conn)) {
		int owned = domain_nodes(req->conn->domid);
		size_t first, first_end;

		if (owned + (int)missing > (int)config.quota_nodes) {
			xs_log_ratelimited(&req->conn->log_ratelimit, LOG_WARNING,
				"domain %u hit its node quota (%u)",
				req->conn->domid, config.quota_nodes);
			return ENOSPC;
		}
		/* Upper bound of what the new nodes will be accounted. */
		if (memory_exceeded(req, (long)(len + vlen + missing *
					  (1 + a.perms->num * sizeof(struct xs_perm)))))
			return ENOMEM;
		/* The existing ancestor grows by its new child's name. */
		first = alen == 1 ? 1 : alen + 1;
		first_end = first;
		while (first_end < len && path[first_end] != '/')
			first_end++;
		err = check_node_size(req, &a, a.vlen, a.perms->num,
				      (uint32_t)(first_end - first + 1));
		if (!err)
			err = check_node_size(req, NULL, vlen, a.perms->num, 0);
		if (err)
			return err;
	}

	perms = inherited_perms(req, a.perms);
	/* Each missing component, top down: l is the end of the next one. */
	for (l = alen == 1 ? 1 : alen + 1; ; l++) {
		if (l < len && path[l] != '/')
			continue;
		if (req->txn) {
			err = tx_create(req->txn, path, l, l == len ? value : "",
					l == len ? vlen : 0, perms, l == len);
			if (err)
				break;
		} else {
			node_id parent = store_lookup(path, path_parent_len(path, l));
			db_create(parent, path, l, l == len ? value : "",
				  l == len ? vlen : 0, perms);
		}
		if (l == len)
			break;
	}
	perms_unref(perms);
	if (!err && !req->txn)
		record(req, path, len, false, NULL);
	return err;
}

static int write_value(struct request *req, const char *arg, const char *value,
		       uint32_t vlen, bool mkdir)
{
	const char *path;
	size_t len;
	struct view v;
	int err = get_node(req, arg, XS_PERM_WRITE, &path, &len, &v);

	if (err == ENOENT)
		err = create_path(req, path, len, value, vlen);
	else if (!err && !mkdir) {
		err = check_node_size(req, &v, vlen, v.perms->num, 0);
		if (!err && memory_exceeded(req, (long)vlen - (long)v.vlen))
			err = ENOMEM;
		if (!err) {
			if (req->txn)
				err = tx_set_value(req->txn, &v, value, vlen);
			else {
				db_set_value(v.id, path, len, value, vlen);
				record(req, path, len, false, NULL);
			}
		}
	}
	if (err)
		return err;
	reply_ok(req);
	return 0;
}

/* path NUL value: the value is every byte after the path's NUL. */
int do_write(struct request *req)
{
	const char *nul = memchr(req->data, '\0', req->len);
	size_t off;

	if (!nul || nul == req->data + req->len)
		return EINVAL;
	off = nul - req->data + 1;
	return write_value(req, req->data, req->data + off,
			   (uint32_t)(req->len - off), false);
}

int do_mkdir(struct request *req)
{
	return write_value(req, req_onearg(req), "", 0, true);
}

/* ---- RM ---------------------------------------------------------------- */

int do_rm(struct request *req)
{
	const char *path;
	size_t len;
	struct view v;
	int err = get_node(req, req_onearg(req), XS_PERM_WRITE, &path, &len, &v);

	if (err == ENOENT) {
		/* Removing what is not there is fine if its parent is. */
		struct view parent;
		err = view(req, path, path_parent_len(path, len), &parent);
		if (!err && parent.exists) {
			reply_ok(req);
			return 0;
		}
		return err ? err : ENOENT;
	}
	if (err)
		return err;
	if (len == 1)
		return EINVAL;  /* the root stays */
	if (req->txn)
		err = tx_delete(req->txn, path, len);
	else
		db_delete(req, v.id);
	if (err)
		return err;
	reply_ok(req);
	return 0;
}

/* ---- SET_PERMS --------------------------------------------------------- */

int do_set_perms(struct request *req)
{
	unsigned int num = req_count_strings(req);
	const char *arg = req->data;
	const char *path;
	size_t len;
	struct view v;
	struct perms *perms;
	int err;

	if (num < 2)
		return EINVAL;
	num--;
	if (conn_is_unprivileged(req->conn) && num > config.quota_perms) {
		xs_log_ratelimited(&req->conn->log_ratelimit, LOG_WARNING,
			"domain %u hit its permissions quota (%u)",
			req->conn->domid, config.quota_perms);
		return ENOSPC;
	}
	{
		struct xs_perm p[num];
		if (!perms_parse(arg + strlen(arg) + 1, num, p))
			return EINVAL;
		perms = perms_intern(p, num);
	}

	if (arg[0] == '@') {
		err = watch_special_set_perms(req->conn, arg, perms);
		perms_unref(perms);
		if (err)
			return err;
		reply_ok(req);
		return 0;
	}

	err = get_node(req, arg, XS_PERM_WRITE | XS_PERM_OWNER, &path, &len, &v);
	/* Only privileged domains give nodes away. */
	if (!err && conn_is_unprivileged(req->conn) &&
	    perms_owner(perms) != perms_owner(v.perms))
		err = EPERM;
	if (!err) {
		if (req->txn)
			err = tx_set_perms(req->txn, &v, perms);
		else {
			struct perms *old = perms_ref(v.perms);
			db_set_perms(v.id, path, len, perms);
			record(req, path, len, false, old);
			perms_unref(old);
		}
	}
	perms_unref(perms);
	if (err)
		return err;
	reply_ok(req);
	return 0;
}

/* ---- structure and domains ------------------------------------------- */

void node_setup_structure(void)
{
	struct perms *root = node_perms(store_node(STORE_ROOT));

	if (!store_lookup("/tool", 5))
		db_create(STORE_ROOT, "/tool", 5, "", 0, root);
	if (!store_lookup("/tool/xenstored", 15))
		db_create(store_lookup("/tool", 5), "/tool/xenstored", 15, "", 0, root);
}

struct owned_walk {
	uint32_t domid;
	char **paths;
	size_t n;
	void *ctx;
};

static void owned_visit(node_id id, const char *path, size_t len, void *arg)
{
	struct owned_walk *w = arg;
	const struct node *n = store_node(id);

	if (id == STORE_ROOT || perms_owner(node_perms(n)) != w->domid)
		return;
	/* A subtree is removed whole: skip nodes below a collected one. */
	if (w->n && path_is_child(path, w->paths[w->n - 1]))
		return;
	w->paths = talloc_realloc(w->ctx, w->paths, char *, w->n + 1);
	w->paths[w->n++] = talloc_strndup(w->ctx, path, len);
}

void node_remove_domain(uint32_t domid)
{
	struct owned_walk w = { domid, NULL, 0, talloc_new(NULL) };

	if (!domain_nodes(domid)) {
		talloc_free(w.ctx);
		return;
	}
	store_walk(STORE_ROOT, owned_visit, &w);
	for (size_t i = 0; i < w.n; i++) {
		size_t len = strlen(w.paths[i]);
		node_id id = store_lookup(w.paths[i], len);
		if (id)
			db_delete(NULL, id);
	}
	talloc_free(w.ctx);
}

static void forget_visit(node_id id, const char *path, size_t len, void *arg)
{
	uint32_t domid = *(uint32_t *)arg;
	struct perms *old = node_perms(store_node(id));
	unsigned int j = 1;

	for (unsigned int i = 1; i < old->num; i++)
		if (old->p[i].id == domid)
			goto found;
	return;
found:
	{
		struct xs_perm p[old->num];
		struct perms *perms;

		p[0] = old->p[0];
		for (unsigned int i = 1; i < old->num; i++)
			if (old->p[i].id != domid)
				p[j++] = old->p[i];
		perms = perms_intern(p, j);
		db_set_perms(id, path, len, perms);
		perms_unref(perms);
	}
}

void node_forget_domain_perms(uint32_t domid)
{
	if (!perms_mention(domid))
		return;
	store_walk(STORE_ROOT, forget_visit, &domid);
}
