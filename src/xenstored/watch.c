/* Watches: see watch.h. */
#include "watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "config.h"
#include "connection.h"
#include "domain.h"
#include "log.h"
#include "path.h"
#include "perms.h"
#include "request.h"
#include "store.h"
#include "transaction.h"
#include "util.h"

struct watch {
	struct list_head conn_list;
	struct watch *hnext;       /* index chain */
	struct connection *conn;
	uint32_t hash;
	size_t rel_off;            /* prefix stripped from event paths */
	char *node;                /* canonical path, or a special name */
	char *token;
};

/* Index: chained hash of watches by node, grown at load 1. */
static struct watch **index_tab;
static size_t index_size;
static size_t nwatches;

static struct perms *special_introduce;
static struct perms *special_release;

static uint32_t watch_hash(const char *node, size_t len)
{
	return hash_bytes(node, len, 0x5bd1e995u);
}

static void index_grow(void)
{
	size_t nsize = index_size ? index_size * 2 : 256;
	struct watch **ntab = xcalloc(nsize, sizeof(*ntab));

	for (size_t i = 0; i < index_size; i++) {
		struct watch *w = index_tab[i], *next;
		for (; w; w = next) {
			next = w->hnext;
			w->hnext = ntab[w->hash & (nsize - 1)];
			ntab[w->hash & (nsize - 1)] = w;
		}
	}
	free(index_tab);
	index_tab = ntab;
	index_size = nsize;
}

static void index_add(struct watch *w)
{
	if (nwatches >= index_size)
		index_grow();
	w->hnext = index_tab[w->hash & (index_size - 1)];
	index_tab[w->hash & (index_size - 1)] = w;
	nwatches++;
}

static void index_del(struct watch *w)
{
	struct watch **pp = &index_tab[w->hash & (index_size - 1)];

	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == w) {
			*pp = w->hnext;
			nwatches--;
			return;
		}
}

static int watch_destructor(struct watch *w)
{
	index_del(w);
	list_del(&w->conn_list);
	w->conn->nwatches--;
	if (w->conn->domain) {
		w->conn->domain->watches--;
		domain_memory_add(w->conn->domain,
				  -(long)(strlen(w->node) + strlen(w->token)));
	}
	return 0;
}

void watch_init(void)
{
	struct xs_perm none = { 0, XS_PERM_NONE };

	special_introduce = perms_intern(&none, 1);
	special_release = perms_intern(&none, 1);
}

void watch_fini(void)
{
	perms_unref(special_introduce);
	perms_unref(special_release);
	special_introduce = special_release = NULL;
	free(index_tab);
	index_tab = NULL;
	index_size = nwatches = 0;
}

size_t watch_count(void)
{
	return nwatches;
}

struct perms *watch_special_perms(const char *name)
{
	if (streq(name, "@introduceDomain"))
		return special_introduce;
	if (streq(name, "@releaseDomain"))
		return special_release;
	return NULL;
}

int watch_special_set_perms(struct connection *conn, const char *name,
			    struct perms *perms)
{
	struct perms **slot;
	const unsigned int need = XS_PERM_WRITE | XS_PERM_OWNER;

	if (streq(name, "@introduceDomain"))
		slot = &special_introduce;
	else if (streq(name, "@releaseDomain"))
		slot = &special_release;
	else
		return EINVAL;
	if ((perms_for(*slot, conn->domid, conn->privileged, conn->target) & need) != need)
		return EACCES;
	perms_unref(*slot);
	*slot = perms_ref(perms);
	return 0;
}

static struct watch *find_watch(struct connection *conn, const char *node,
				const char *token)
{
	uint32_t h = watch_hash(node, strlen(node));

	if (!index_size)
		return NULL;
	for (struct watch *w = index_tab[h & (index_size - 1)]; w; w = w->hnext)
		if (w->conn == conn && w->hash == h && streq(w->node, node) &&
		    streq(w->token, token))
			return w;
	return NULL;
}

static void send_event(struct watch *w, const char *path)
{
	const char *p = path + (w->rel_off && path[0] == '/' ? w->rel_off : 0);
	size_t plen = strlen(p), tlen = strlen(w->token);
	char buf[XENSTORE_PAYLOAD_MAX + 2];

	if (plen + tlen + 2 > XENSTORE_PAYLOAD_MAX)
		return;  /* cannot happen: both were bounded on registration */
	memcpy(buf, p, plen + 1);
	memcpy(buf + plen + 1, w->token, tlen + 1);
	conn_queue_msg(w->conn, XS_WATCH_EVENT, 0, 0, buf, plen + tlen + 2, true);
}

/* May an unprivileged connection see an event for path? (Xen: read access
 * to the node, or to its permissions before the change, or to its parent.) */
static bool event_permitted(struct connection *conn, const char *path,
			    struct perms *old_perms)
{
	node_id id, parent;
	size_t len = strlen(path);

	if (!conn_is_unprivileged(conn))
		return true;
	if (old_perms &&
	    (perms_for(old_perms, conn->domid, false, conn->target) & XS_PERM_READ))
		return true;
	id = store_lookup(path, len);
	if (id && (perms_for(node_perms(store_node(id)), conn->domid, false, conn->target)
		   & XS_PERM_READ))
		return true;
	if (!id && !old_perms)
		return false;
	parent = store_lookup(path, path_parent_len(path, len));
	return parent && (perms_for(node_perms(store_node(parent)), conn->domid, false,
				    conn->target) & XS_PERM_READ);
}

static void fire_on(const char *node, size_t len, const char *path,
		    struct perms *old_perms)
{
	uint32_t h = watch_hash(node, len);

	for (struct watch *w = index_tab[h & (index_size - 1)]; w; w = w->hnext) {
		if (w->hash != h || strncmp(w->node, node, len) || w->node[len])
			continue;
		if (event_permitted(w->conn, path, old_perms))
			send_event(w, path);
	}
}

void watch_fire(const char *path, bool exact, struct perms *old_perms)
{
	size_t len;

	if (!nwatches)
		return;
	len = strlen(path);
	fire_on(path, len, path, old_perms);
	if (exact)
		return;
	/* Every ancestor, up to and including "/". */
	while (len > 1) {
		len = path_parent_len(path, len);
		fire_on(path, len, path, old_perms);
	}
}

void watch_fire_special(const char *name)
{
	struct perms *perms = watch_special_perms(name);
	uint32_t h;

	if (!nwatches)
		return;
	h = watch_hash(name, strlen(name));
	for (struct watch *w = index_tab[h & (index_size - 1)]; w; w = w->hnext) {
		struct connection *c = w->conn;
		if (w->hash != h || !streq(w->node, name))
			continue;
		if (!c->privileged &&
		    !(perms_for(perms, c->domid, false, c->target) & XS_PERM_READ))
			continue;
		send_event(w, name);
	}
	conn_flush_all();
}

int do_watch(struct request *req)
{
	const char *vec[2];
	char node[XENSTORE_ABS_PATH_MAX + 64];
	struct connection *conn = req->conn;
	struct watch *w;
	size_t rel_off = 0;

	/* Exactly a path and a token, as Xen's xenstored requires. */
	if (req_count_strings(req) != 2 || req_strings(req, vec, 2) != 2)
		return EINVAL;
	if (vec[0][0] == '@') {
		if (strlen(vec[0]) > XENSTORE_REL_PATH_MAX || !path_chars_valid(vec[0]))
			return EINVAL;
		strcpy(node, vec[0]);
	} else {
		if (path_canonical(conn, vec[0], false, node, sizeof(node)) < 0)
			return EINVAL;
		if (vec[0][0] != '/') {
			char home[64];
			rel_off = path_domain_home(conn->domid, home, sizeof(home)) + 1;
		}
	}
	if (strlen(vec[1]) > XENSTORE_PAYLOAD_MAX / 2)
		return EINVAL;
	if (find_watch(conn, node, vec[1]))
		return EEXIST;
	if (conn_is_unprivileged(conn) && conn->nwatches >= config.quota_watches) {
		xs_log(LOG_WARNING, "domain %u hit its watch quota (%u)",
		       conn->domid, config.quota_watches);
		return E2BIG;
	}

	w = talloc_zero(conn, struct watch);
	if (!w)
		return ENOMEM;
	w->conn = conn;
	w->node = talloc_strdup(w, node);
	w->token = talloc_strdup(w, vec[1]);
	if (!w->node || !w->token) {
		talloc_free(w);
		return ENOMEM;
	}
	w->rel_off = rel_off;
	w->hash = watch_hash(node, strlen(node));
	list_add_tail(&w->conn_list, &conn->watches);
	conn->nwatches++;
	index_add(w);
	if (conn->domain) {
		conn->domain->watches++;
		domain_memory_add(conn->domain, (long)(strlen(node) + strlen(vec[1])));
	}
	talloc_set_destructor(w, watch_destructor);

	reply_ok(req);
	/* Fire once up front: simplifies clients and reconnection. */
	send_event(w, w->node);
	return 0;
}

int do_unwatch(struct request *req)
{
	const char *vec[2];
	char node[XENSTORE_ABS_PATH_MAX + 64];
	struct watch *w;

	if (req_strings(req, vec, 2) < 2)
		return EINVAL;
	if (vec[0][0] == '@') {
		if (strlen(vec[0]) >= sizeof(node))
			return EINVAL;
		strcpy(node, vec[0]);
	} else if (path_canonical(req->conn, vec[0], false, node, sizeof(node)) < 0) {
		return ENOENT;
	}
	w = find_watch(req->conn, node, vec[1]);
	if (!w)
		return ENOENT;
	talloc_free(w);
	reply_ok(req);
	return 0;
}

void watch_conn_release(struct connection *conn)
{
	struct watch *w, *next;

	list_for_each_entry_safe(w, next, &conn->watches, conn_list)
		talloc_free(w);
}

int do_reset_watches(struct request *req)
{
	watch_conn_release(req->conn);
	transaction_conn_release(req->conn);
	reply_ok(req);
	return 0;
}
