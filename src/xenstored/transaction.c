/* Transactions: see transaction.h for the model. */
#include "transaction.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "config.h"
#include "connection.h"
#include "domain.h"
#include "log.h"
#include "node_ops.h"
#include "path.h"
#include "persist.h"
#include "request.h"
#include "util.h"

/* How the transaction changed the children of a node: names added (in
 * order) and names removed from the store's list. Only the changes are
 * kept, never a copy of the store's list: a transaction creating
 * /local/domain/N does not copy the names of every other domain. */
struct tkids {
	uint32_t nadded, added_cap;
	uint32_t nremoved, removed_cap;
	char **added;
	char **removed;
};

struct tnode {
	struct tnode *hnext;
	char *path;
	size_t len;
	uint32_t hash;
	uint32_t depth;
	uint32_t seq;             /* order of creation/change in the transaction */
	uint64_t base_gen;        /* store generation when first seen; 0 absent */
	uint64_t base_kids_gen;   /* children generation, if kids_read */
	bool present;             /* exists in the transaction's view */
	bool hides_store;         /* the store's node here (and below) was
				   * deleted in the transaction */
	bool changed;             /* value/perms set, or deleted */
	bool kids_read;           /* children listed: checked at commit */
	bool fire;                /* a request named it: fires watches at commit */
	char *value;              /* the node as the transaction sees it */
	uint32_t vlen;
	struct perms *perms;      /* reference, while present */
	struct tkids *kids;       /* changes to the children, or NULL */
};

struct transaction {
	struct list_head list;
	struct connection *conn;
	uint32_t id;
	struct tnode **tab;
	size_t tab_size, count;
	bool structural;          /* any node created or deleted */
	uint32_t next_seq;
	int own_delta;            /* nodes created - deleted owned by conn */
	struct txn_holder holder; /* nodes it holds for ordering (txn_order.h) */
};

static size_t ntransactions;

size_t transaction_total(void)
{
	return ntransactions;
}

static int tnode_destructor(struct tnode *t)
{
	perms_unref(t->perms);
	return 0;
}

static int transaction_destructor(struct transaction *txn)
{
	txn_holder_release(&txn->holder);
	list_del(&txn->list);
	txn->conn->ntransactions--;
	ntransactions--;
	return 0;
}

static struct tnode *tfind(struct transaction *txn, const char *path,
			   size_t len, uint32_t h)
{
	if (!txn->tab_size)
		return NULL;
	for (struct tnode *t = txn->tab[h & (txn->tab_size - 1)]; t; t = t->hnext)
		if (t->hash == h && t->len == len && !memcmp(t->path, path, len))
			return t;
	return NULL;
}

static void tab_grow(struct transaction *txn)
{
	size_t nsize = txn->tab_size ? txn->tab_size * 2 : 32;
	struct tnode **ntab = talloc_zero_array(txn, struct tnode *, nsize);

	if (!ntab)
		xs_fatal("out of memory growing a transaction");
	for (size_t i = 0; i < txn->tab_size; i++) {
		struct tnode *t = txn->tab[i], *next;
		for (; t; t = next) {
			next = t->hnext;
			t->hnext = ntab[t->hash & (nsize - 1)];
			ntab[t->hash & (nsize - 1)] = t;
		}
	}
	talloc_free(txn->tab);
	txn->tab = ntab;
	txn->tab_size = nsize;
}

static uint64_t store_kids_gen(const struct node *n)
{
	return node_kids_gen(n);
}

/* Records a path the transaction touches, with the store's state of it. */
static struct tnode *tnew(struct transaction *txn, const char *path,
			  size_t len, uint32_t h)
{
	struct tnode *t = talloc_zero(txn, struct tnode);
	node_id id;

	if (!t)
		xs_fatal("out of memory in a transaction");
	t->path = talloc_memdup(t, path, len + 1);
	t->path[len] = '\0';
	t->len = len;
	t->hash = h;
	for (size_t i = 0; i < len; i++)
		t->depth += path[i] == '/';
	id = store_lookup(path, len);
	t->base_gen = id ? store_node(id)->gen : 0;
	t->present = id != NODE_NONE;
	if (id) {
		/* Snapshot: the transaction keeps seeing what it first saw. */
		const struct node *n = store_node(id);
		/* Values in the store have no NUL after them. */
		t->value = talloc_size(t, node_vlen(n) + 1);
		if (!t->value)
			xs_fatal("out of memory in a transaction");
		memcpy(t->value, node_value(n), node_vlen(n));
		t->value[node_vlen(n)] = '\0';
		t->vlen = node_vlen(n);
		t->perms = perms_ref(node_perms(n));
	}
	talloc_set_destructor(t, tnode_destructor);
	if (txn->count >= txn->tab_size)
		tab_grow(txn);
	t->hnext = txn->tab[h & (txn->tab_size - 1)];
	txn->tab[h & (txn->tab_size - 1)] = t;
	txn->count++;
	return t;
}

/* Is path below a node the transaction deleted (and did not recreate
 * path itself)? */
static bool hidden_by_ancestor(struct transaction *txn, const char *path, size_t len)
{
	while (len > 1) {
		struct tnode *a;

		len = path_parent_len(path, len);
		a = tfind(txn, path, len, hash_bytes(path, len, 0));
		if (a)
			return !a->present || a->hides_store;
	}
	return false;
}

static void fill_view(struct tnode *t, struct view *v)
{
	memset(v, 0, sizeof(*v));
	v->t = t;
	if (!t->present)
		return;
	v->exists = true;
	v->id = t->hides_store ? NODE_NONE : store_lookup(t->path, t->len);
	v->value = t->value;
	v->vlen = t->vlen;
	v->perms = t->perms;
	v->gen = v->id ? store_kids_gen(store_node(v->id)) : t->base_gen;
}

int tx_view(struct transaction *txn, const char *path, size_t len, struct view *v)
{
	uint32_t h = hash_bytes(path, len, 0);
	struct tnode *t = tfind(txn, path, len, h);

	if (!t) {
		if (txn->structural && hidden_by_ancestor(txn, path, len)) {
			memset(v, 0, sizeof(*v));
			return 0;
		}
		if (conn_is_unprivileged(txn->conn) &&
		    txn->count >= config.quota_trans_nodes)
			return ENOSPC;
		t = tnew(txn, path, len, h);
	}
	fill_view(t, v);
	return 0;
}

static bool names_have(char **names, uint32_t n, const char *name, size_t len,
		       uint32_t *at)
{
	for (uint32_t i = 0; i < n; i++)
		if (!strncmp(names[i], name, len) && !names[i][len]) {
			if (at)
				*at = i;
			return true;
		}
	return false;
}

static void names_push(void *ctx, char ***names, uint32_t *n, uint32_t *cap,
		       const char *name, size_t len)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		*names = talloc_realloc(ctx, *names, char *, *cap);
		if (!*names)
			xs_fatal("out of memory in a transaction");
	}
	(*names)[(*n)++] = talloc_strndup(*names, name, len);
}

static struct tkids *tkids_get(struct tnode *t)
{
	if (!t->kids) {
		t->kids = talloc_zero(t, struct tkids);
		if (!t->kids)
			xs_fatal("out of memory in a transaction");
	}
	return t->kids;
}

static void tkids_add(struct tnode *parent, const char *name, size_t nlen)
{
	struct tkids *k = tkids_get(parent);

	names_push(k, &k->added, &k->nadded, &k->added_cap, name, nlen);
}

/* A child removed: forget it if the transaction added it, else hide the
 * store's child of that name. */
static void tkids_remove(struct tnode *parent, const char *name)
{
	struct tkids *k = tkids_get(parent);
	uint32_t at;

	if (names_have(k->added, k->nadded, name, strlen(name), &at)) {
		talloc_free(k->added[at]);
		memmove(&k->added[at], &k->added[at + 1],
			(k->nadded - at - 1) * sizeof(char *));
		k->nadded--;
	}
	if (!names_have(k->removed, k->nremoved, name, strlen(name), NULL))
		names_push(k, &k->removed, &k->nremoved, &k->removed_cap,
			   name, strlen(name));
}

/* The node (present in the transaction's view) whose children change. */
static int child_parent(struct transaction *txn, const char *path, size_t len,
			struct tnode **out)
{
	struct view v;
	int err = tx_view(txn, path, len, &v);

	if (err)
		return err;
	*out = v.t;
	return 0;
}

int tx_children(struct view *v, tx_child_fn fn, void *arg, uint32_t *bytes,
		bool record)
{
	struct tnode *t = v->t;
	struct tkids *k = t->kids;
	uint32_t total = 0;

	/* The store's children, unless the node was replaced in the
	 * transaction; the first listing is checked at commit. */
	if (v->id && !t->hides_store) {
		const struct node *n = store_node(v->id);
		const struct kids *nk = node_kids(n);

		if (record && !t->kids_read) {
			t->kids_read = true;
			t->base_kids_gen = store_kids_gen(n);
		}
		for (uint32_t i = 0; nk && i < nk->n; i++) {
			const struct node *c = store_node(nk->id[i]);
			if (k && names_have(k->removed, k->nremoved, node_name(c),
					    c->nlen, NULL))
				continue;
			if (fn)
				fn(node_name(c), c->nlen, arg);
			total += c->nlen + 1;
		}
	}
	for (uint32_t i = 0; k && i < k->nadded; i++) {
		size_t l = strlen(k->added[i]);
		if (fn)
			fn(k->added[i], l, arg);
		total += l + 1;
	}
	if (bytes)
		*bytes = total;
	return 0;
}

static const char *base_name(const char *path, size_t len, size_t *nlen)
{
	size_t plen = path_parent_len(path, len);
	size_t off = plen == 1 ? 1 : plen + 1;

	*nlen = len - off;
	return path + off;
}

int tx_create(struct transaction *txn, const char *path, size_t len,
	      const void *value, uint32_t vlen, struct perms *perms, bool fire)
{
	uint32_t h = hash_bytes(path, len, 0);
	struct tnode *parent, *t;
	size_t nlen;
	const char *name = base_name(path, len, &nlen);
	int err = child_parent(txn, path, path_parent_len(path, len), &parent);

	if (err)
		return err;
	t = tfind(txn, path, len, h);
	if (!t) {
		if (conn_is_unprivileged(txn->conn) &&
		    txn->count >= config.quota_trans_nodes)
			return ENOSPC;
		t = tnew(txn, path, len, h);
	}
	/* Absent from the view but in the store: deleted earlier in the
	 * transaction (or by an ancestor's deletion). */
	if (store_lookup(path, len))
		t->hides_store = true;
	perms_unref(t->perms);
	talloc_free(t->value);
	talloc_free(t->kids);
	t->present = true;
	t->changed = true;
	t->fire = fire;
	t->seq = txn->next_seq++;
	t->value = talloc_size(t, vlen + 1);
	if (!t->value)
		return ENOMEM;
	if (vlen)
		memcpy(t->value, value, vlen);
	t->value[vlen] = '\0';
	t->vlen = vlen;
	t->perms = perms_ref(perms);
	t->kids = NULL;
	tkids_add(parent, name, nlen);
	txn->structural = true;
	if (perms_owner(perms) == txn->conn->domid)
		txn->own_delta++;
	return 0;
}

/* The overlay holds the node's value and permissions since its first
 * access: changing it is marking it. */
static void make_changed(struct transaction *txn, struct tnode *t)
{
	if (!t->changed)
		t->seq = txn->next_seq++;
	t->changed = true;
	t->fire = true;
}

int tx_set_value(struct transaction *txn, struct view *v, const void *value,
		 uint32_t vlen)
{
	struct tnode *t = v->t;

	make_changed(txn, t);
	talloc_free(t->value);
	t->value = talloc_size(t, vlen + 1);
	if (!t->value)
		return ENOMEM;
	memcpy(t->value, value, vlen);
	t->value[vlen] = '\0';
	t->vlen = vlen;
	return 0;
}

int tx_set_perms(struct transaction *txn, struct view *v, struct perms *perms)
{
	struct tnode *t = v->t;

	make_changed(txn, t);
	if (perms_owner(t->perms) == txn->conn->domid)
		txn->own_delta--;
	if (perms_owner(perms) == txn->conn->domid)
		txn->own_delta++;
	perms_unref(t->perms);
	t->perms = perms_ref(perms);
	return 0;
}

struct name_list {
	char **names;
	uint32_t n;
	void *ctx;
};

static void collect_name(const char *name, size_t len, void *arg)
{
	struct name_list *l = arg;

	l->names = talloc_realloc(l->ctx, l->names, char *, l->n + 1);
	if (!l->names)
		xs_fatal("out of memory in a transaction");
	l->names[l->n++] = talloc_strndup(l->names, name, len);
}

int tx_delete(struct transaction *txn, const char *path, size_t len)
{
	struct view v;
	struct name_list kids = { NULL, 0, NULL };
	struct tnode *parent;
	size_t nlen;
	const char *name;
	int err = tx_view(txn, path, len, &v);

	if (err)
		return err;
	if (!v.exists)
		return 0;
	kids.ctx = talloc_new(NULL);
	tx_children(&v, collect_name, &kids, NULL, true);
	for (uint32_t i = 0; i < kids.n && !err; i++) {
		char *child = talloc_asprintf(kids.ctx, "%s/%s",
					      len == 1 ? "" : path, kids.names[i]);
		err = child ? tx_delete(txn, child, strlen(child)) : ENOMEM;
	}
	talloc_free(kids.ctx);
	if (err)
		return err;

	/* The view may have moved (children deleted): look again. */
	err = tx_view(txn, path, len, &v);
	if (err)
		return err;
	if (perms_owner(v.perms) == txn->conn->domid)
		txn->own_delta--;
	v.t->present = false;
	v.t->changed = true;
	v.t->hides_store = true;
	perms_unref(v.t->perms);
	v.t->perms = NULL;
	talloc_free(v.t->value);
	v.t->value = NULL;
	talloc_free(v.t->kids);
	v.t->kids = NULL;

	err = child_parent(txn, path, path_parent_len(path, len), &parent);
	if (err)
		return err;
	name = base_name(path, len, &nlen);
	tkids_remove(parent, name);
	txn->structural = true;
	return 0;
}

struct transaction *transaction_lookup(struct connection *conn, uint32_t tx_id,
				       int *err)
{
	struct transaction *txn;

	*err = 0;
	if (!tx_id)
		return NULL;
	list_for_each_entry(txn, &conn->transactions, list)
		if (txn->id == tx_id)
			return txn;
	*err = ENOENT;
	return NULL;
}

struct txn_holder *transaction_holder(struct transaction *txn)
{
	return &txn->holder;
}

void transaction_conn_release(struct connection *conn)
{
	struct transaction *txn, *next;

	list_for_each_entry_safe(txn, next, &conn->transactions, list)
		talloc_free(txn);
}

int do_transaction_start(struct request *req)
{
	struct connection *conn = req->conn;
	struct transaction *txn;
	char id[16];
	int err;

	if (req->txn)
		return EBUSY;
	if (conn_is_unprivileged(conn) &&
	    conn->ntransactions >= config.quota_transactions) {
		xs_log_ratelimited(&conn->log_ratelimit, LOG_WARNING,
			"domain %u hit its transaction quota (%u)",
			conn->domid, config.quota_transactions);
		return ENOSPC;
	}
	txn = talloc_zero(conn, struct transaction);
	if (!txn)
		return ENOMEM;
	txn->conn = conn;
	txn_holder_init(&txn->holder, conn);
	/* Ids are never 0 and unique on the connection. */
	do {
		txn->id = conn->next_tx_id++;
		if (!txn->id)
			txn->id = conn->next_tx_id++;
	} while (transaction_lookup(conn, txn->id, &err));
	list_add_tail(&txn->list, &conn->transactions);
	conn->ntransactions++;
	ntransactions++;
	talloc_set_destructor(txn, transaction_destructor);
	snprintf(id, sizeof(id), "%u", txn->id);
	reply_str(req, id);
	return 0;
}

static int cmp_depth(const void *a, const void *b)
{
	const struct tnode *x = *(struct tnode *const *)a;
	const struct tnode *y = *(struct tnode *const *)b;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int tx_check(struct transaction *txn)
{
	for (size_t i = 0; i < txn->tab_size; i++)
		for (struct tnode *t = txn->tab[i]; t; t = t->hnext) {
			node_id id = store_lookup(t->path, t->len);
			const struct node *n = id ? store_node(id) : NULL;

			if ((n ? n->gen : 0) != t->base_gen)
				return EAGAIN;
			if (t->kids_read && !t->hides_store &&
			    (n ? store_kids_gen(n) : 0) != t->base_kids_gen)
				return EAGAIN;
		}
	return 0;
}

static int tx_commit(struct request *req, struct transaction *txn)
{
	struct connection *conn = txn->conn;
	struct tnode **changed;
	size_t n = 0;
	int err = tx_check(txn);

	if (err)
		return err;
	if (conn_is_unprivileged(conn) && txn->own_delta > 0 &&
	    domain_nodes(conn->domid) + txn->own_delta > (int)config.quota_nodes) {
		xs_log_ratelimited(&conn->log_ratelimit, LOG_WARNING,
			"domain %u hit its node quota (%u) committing a transaction",
			conn->domid, config.quota_nodes);
		return ENOSPC;
	}

	changed = talloc_array(req_ctx(req), struct tnode *, txn->count + 1);
	if (!changed)
		return ENOMEM;
	for (size_t i = 0; i < txn->tab_size; i++)
		for (struct tnode *t = txn->tab[i]; t; t = t->hnext)
			if (t->changed)
				changed[n++] = t;

	/* Deletions first (and nodes replaced by new ones), then creations
	 * and updates, parents before children. */
	for (size_t i = 0; i < n; i++) {
		struct tnode *t = changed[i];
		if (!t->present || t->hides_store) {
			node_id id = store_lookup(t->path, t->len);
			if (id)
				db_delete(req, id);
		}
	}
	qsort(changed, n, sizeof(*changed), cmp_depth);
	for (size_t i = 0; i < n; i++) {
		struct tnode *t = changed[i];
		node_id id;

		if (!t->present)
			continue;
		id = store_lookup(t->path, t->len);
		if (!id) {
			node_id parent = store_lookup(t->path,
						      path_parent_len(t->path, t->len));
			if (!parent)
				xs_fatal("transaction commit: no parent for %s", t->path);
			db_create(parent, t->path, t->len, t->value, t->vlen, t->perms);
		} else {
			const struct node *node = store_node(id);
			if (node_vlen(node) != t->vlen ||
			    memcmp(node_value(node), t->value, t->vlen))
				id = db_set_value(id, t->path, t->len, t->value, t->vlen);
			if (node_perms(store_node(id)) != t->perms)
				db_set_perms(id, t->path, t->len, t->perms);
		}
		if (t->fire)
			req_record_change(req, t->path, t->len, false, NULL);
	}
	return 0;
}

int do_transaction_end(struct request *req)
{
	const char *arg = req_onearg(req);
	struct transaction *txn = req->txn;
	int err = 0;

	if (!arg || (!streq(arg, "T") && !streq(arg, "F")))
		return EINVAL;
	if (!txn)
		return ENOENT;
	if (streq(arg, "T"))
		err = tx_commit(req, txn);
	/* The transaction is over whatever the outcome, as in Xen. */
	req->txn = NULL;
	talloc_free(txn);
	if (err)
		return err;
	reply_ok(req);
	return 0;
}
