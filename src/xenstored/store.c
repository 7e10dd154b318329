/* The node tree: see store.h for the layout and its invariants. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

uint64_t store_generation = 1;

static size_t live_nodes;

/* Index: open addressing with linear probing, load <= 1/2. */
static node_id *slots;
static uint32_t slots_mask;  /* size - 1 */
static size_t slots_used;

static uint32_t path_hash(const char *path, size_t len)
{
	return hash_bytes(path, len, 0);
}

static size_t node_bytes(size_t nlen, size_t vlen)
{
	return NODE_HDR + nlen + 1 + vlen;
}

static size_t kids_bytes(uint32_t cap)
{
	return sizeof(struct kids) + cap * sizeof(node_id);
}

static void index_insert_slot(node_id id)
{
	uint32_t i = store_node(id)->hash & slots_mask;

	while (slots[i])
		i = (i + 1) & slots_mask;
	slots[i] = id;
}

static void index_grow(void)
{
	node_id *old = slots;
	uint32_t old_size = slots ? slots_mask + 1 : 0;
	uint32_t size = old_size ? old_size * 2 : 4096;

	slots = xcalloc(size, sizeof(*slots));
	slots_mask = size - 1;
	for (uint32_t i = 0; i < old_size; i++)
		if (old[i])
			index_insert_slot(old[i]);
	free(old);
}

void store_reserve(size_t n)
{
	while ((slots_used + n) * 2 > (size_t)slots_mask + 1)
		index_grow();
}

static void index_add(node_id id)
{
	if ((slots_used + 1) * 2 > (size_t)slots_mask + 1)
		index_grow();
	index_insert_slot(id);
	slots_used++;
}

static uint32_t index_find_slot(node_id id)
{
	uint32_t i = store_node(id)->hash & slots_mask;

	while (slots[i] != id)
		i = (i + 1) & slots_mask;
	return i;
}

/* Removal with backward shift: keeps every probe chain unbroken. */
static void index_remove(node_id id)
{
	uint32_t i = index_find_slot(id);

	for (;;) {
		uint32_t j = i;
		slots[i] = NODE_NONE;
		for (;;) {
			uint32_t home;
			j = (j + 1) & slots_mask;
			if (!slots[j]) {
				slots_used--;
				return;
			}
			home = store_node(slots[j])->hash & slots_mask;
			/* Move slots[j] into the hole at i unless its home lies
			 * cyclically in (i, j]. */
			if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
				break;
		}
		slots[i] = slots[j];
		i = j;
	}
}

/* Does node id have exactly this absolute path? */
static bool node_has_path(node_id id, const char *path, size_t len)
{
	while (id != STORE_ROOT) {
		const struct node *n = store_node(id);

		if (len < (size_t)n->nlen + 1 ||
		    memcmp(path + len - n->nlen, n->data, n->nlen))
			return false;
		len -= n->nlen;
		if (path[--len] != '/')
			return false;
		id = n->parent;
	}
	return len == 0;
}

node_id store_lookup(const char *path, size_t len)
{
	uint32_t h;

	if (len == 1 && path[0] == '/')
		return STORE_ROOT;
	h = path_hash(path, len);
	for (uint32_t i = h & slots_mask; slots[i]; i = (i + 1) & slots_mask) {
		node_id id = slots[i];
		if (store_node(id)->hash == h && node_has_path(id, path, len))
			return id;
	}
	return NODE_NONE;
}

static void node_init(struct node *n, node_id parent, uint32_t hash,
		      const char *name, size_t nlen, const void *value,
		      uint32_t vlen, struct perms *perms)
{
	n->parent = parent;
	n->hash = hash;
	n->perms = perms_ref(perms)->index;
	n->kids = 0;
	n->gen = store_generation++;
	n->vlen = (uint16_t)vlen;
	n->nlen = (uint16_t)nlen;
	memcpy(n->data, name, nlen);
	n->data[nlen] = '\0';
	if (vlen)
		memcpy(n->data + nlen + 1, value, vlen);
	live_nodes++;
}

void store_init(struct perms *root_perms)
{
	node_id id;

	index_grow();
	/* The root is a large object: its id is stable (STORE_ROOT) and it
	 * is never in the index (store_lookup() answers it). */
	id = slab_alloc_large(node_bytes(0, 0));
	if (id != STORE_ROOT)
		xs_fatal("store initialised twice");
	node_init(store_node(id), NODE_NONE, 0, "", 0, NULL, 0, root_perms);
}

static void kids_add(node_id parent, node_id child, size_t nlen)
{
	struct node *p = store_node(parent);
	struct kids *k = node_kids(p);

	if (!k || k->n == k->cap) {
		uint32_t cap = k ? k->cap * 2 : 2;
		uint32_t h = slab_alloc(kids_bytes(cap));
		struct kids *nk = slab_ptr(h);

		if (k) {
			memcpy(nk, k, kids_bytes(k->n));
			slab_free(p->kids, kids_bytes(k->cap));
		} else {
			nk->n = 0;
			nk->bytes = 0;
		}
		nk->cap = cap;
		p->kids = h;
		k = nk;
	}
	k->id[k->n++] = child;
	k->bytes += nlen + 1;
	k->gen = store_generation++;
}

static void kids_remove(node_id parent, node_id child, size_t nlen)
{
	struct node *p = store_node(parent);
	struct kids *k = node_kids(p);
	uint32_t i;

	for (i = 0; i < k->n && k->id[i] != child; i++)
		;
	if (i == k->n)
		xs_fatal("store corrupt: node %#x missing from its parent", child);
	memmove(&k->id[i], &k->id[i + 1], (k->n - i - 1) * sizeof(node_id));
	k->n--;
	k->bytes -= nlen + 1;
	k->gen = store_generation++;
	if (!k->n) {
		/* kids->gen is lost: the parent's generation takes over, and
		 * it is bumped so that DIRECTORY_PART sees the change. */
		slab_free(p->kids, kids_bytes(k->cap));
		p->kids = 0;
		p->gen = store_generation++;
	}
}

node_id store_create(node_id parent, const char *path, size_t len,
		     const void *value, uint32_t vlen, struct perms *perms)
{
	const char *name = memrchr(path, '/', len) + 1;
	size_t nlen = len - (size_t)(name - path);
	node_id id = slab_alloc(node_bytes(nlen, vlen));

	node_init(store_node(id), parent, path_hash(path, len), name, nlen,
		  value, vlen, perms);
	index_add(id);
	kids_add(parent, id, nlen);
	return id;
}

/* Moves node id to a new slab object of `size` bytes; returns the new id. */
static node_id node_move(node_id id, size_t size)
{
	struct node *old = store_node(id);
	size_t old_size = node_bytes(old->nlen, old->vlen);
	node_id nid = slab_alloc(size);
	struct node *n = store_node(nid);
	struct kids *k;

	memcpy(n, old, old_size < size ? old_size : size);
	/* The three places that hold the id. */
	slots[index_find_slot(id)] = nid;
	k = node_kids(store_node(n->parent));
	for (uint32_t i = 0; i < k->n; i++)
		if (k->id[i] == id) {
			k->id[i] = nid;
			break;
		}
	k = node_kids(n);
	for (uint32_t i = 0; k && i < k->n; i++)
		store_node(k->id[i])->parent = nid;
	slab_free(id, old_size);
	return nid;
}

node_id store_set_value(node_id id, const void *value, uint32_t vlen)
{
	struct node *n = store_node(id);
	size_t old = node_bytes(n->nlen, n->vlen), size = node_bytes(n->nlen, vlen);

	if (id & SLAB_LARGE) {
		if (size != old)
			slab_realloc_large(id, old, size);
	} else if (!slab_same_class(old, size)) {
		id = node_move(id, size);
	}
	n = store_node(id);
	if (vlen)
		memcpy(n->data + n->nlen + 1, value, vlen);
	n->vlen = (uint16_t)vlen;
	n->gen = store_generation++;
	return id;
}

void store_set_perms(node_id id, struct perms *perms)
{
	struct node *n = store_node(id);
	struct perms *old = node_perms(n);

	n->perms = perms_ref(perms)->index;
	perms_unref(old);
	n->gen = store_generation++;
}

static void delete_subtree(node_id id)
{
	struct node *n = store_node(id);
	struct kids *k = node_kids(n);

	if (k) {
		for (uint32_t i = 0; i < k->n; i++)
			delete_subtree(k->id[i]);
		slab_free(n->kids, kids_bytes(k->cap));
	}
	index_remove(id);
	perms_unref(node_perms(n));
	live_nodes--;
	slab_free(id, node_bytes(n->nlen, n->vlen));
}

void store_delete(node_id id)
{
	struct node *n = store_node(id);

	if (id == STORE_ROOT)
		xs_fatal("store: attempt to delete the root");
	kids_remove(n->parent, id, n->nlen);
	delete_subtree(id);
}

size_t store_path(node_id id, char *buf, size_t len)
{
	size_t total = 0, off;
	node_id i;

	if (id == STORE_ROOT) {
		if (len < 2)
			return 0;
		strcpy(buf, "/");
		return 1;
	}
	for (i = id; i != STORE_ROOT; i = store_node(i)->parent)
		total += store_node(i)->nlen + 1;
	if (total + 1 > len)
		return 0;
	buf[total] = '\0';
	off = total;
	for (i = id; i != STORE_ROOT; i = store_node(i)->parent) {
		const struct node *n = store_node(i);
		off -= n->nlen;
		memcpy(buf + off, n->data, n->nlen);
		buf[--off] = '/';
	}
	return total;
}

static void walk(node_id id, char *path, size_t len, store_visit_fn fn, void *arg)
{
	const struct kids *k;

	fn(id, len ? path : "/", len ? len : 1, arg);
	/* fn does not add, delete or move nodes. */
	k = node_kids(store_node(id));
	for (uint32_t i = 0; k && i < k->n; i++) {
		node_id kid = k->id[i];
		const struct node *c = store_node(kid);

		path[len] = '/';
		memcpy(path + len + 1, c->data, c->nlen + 1);
		walk(kid, path, len + 1 + c->nlen, fn, arg);
	}
	path[len] = '\0';
}

void store_walk(node_id id, store_visit_fn fn, void *arg)
{
	/* Paths are bounded by the protocol (XENSTORE_ABS_PATH_MAX), and
	 * every stored path went through path validation. */
	char path[4096 + 256];
	size_t len = 0;

	if (id != STORE_ROOT) {
		len = store_path(id, path, sizeof(path));
		if (!len)
			xs_fatal("store: path of node %#x too long", id);
	} else {
		path[0] = '\0';
	}
	walk(id, path, len, fn, arg);
}

void store_get_stats(struct store_stats *st)
{
	st->nodes = live_nodes;
	st->index_slots = slots_mask + 1;
	st->bytes = slab_bytes() + (slots_mask + 1) * sizeof(*slots);
}

void store_fini(void)
{
	/* Permission references are dropped by the walk; memory by the slab. */
	if (slots) {
		struct node *root = store_node(STORE_ROOT);
		struct kids *k = node_kids(root);
		for (uint32_t i = 0; k && i < k->n; i++)
			delete_subtree(k->id[i]);
		perms_unref(node_perms(root));
	}
	slab_fini();
	free(slots);
	slots = NULL;
	slots_mask = 0;
	slots_used = live_nodes = 0;
}
