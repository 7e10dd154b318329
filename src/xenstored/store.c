/* The node tree: see store.h for the layout and its invariants. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

uint64_t store_generation = 1;

/* Node table: id -> node. Free ids are kept on a stack for reuse. */
static struct node **nodes;
static uint32_t nodes_cap;      /* slots in nodes[]; id 0 is never used */
static uint32_t nodes_next = 1; /* first never-used id */
static uint32_t *free_ids;
static uint32_t free_n, free_cap;
static size_t live_nodes;
static size_t live_bytes;

/* Index: open addressing with linear probing, load <= 1/2. */
static node_id *slots;
static uint32_t slots_mask;  /* size - 1 */
static size_t slots_used;

#define FNV_BASIS 2166136261u
#define FNV_PRIME 16777619u

static uint32_t fnv(uint32_t h, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)p[i]) * FNV_PRIME;
	return h;
}

static uint32_t mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return h;
}

/* The raw hash of "/" is that of the empty string, so that a child of the
 * root continues it with "/name" exactly as any other child does. */
uint32_t store_path_raw(const char *path, size_t len)
{
	if (len == 1 && path[0] == '/')
		return FNV_BASIS;
	return fnv(FNV_BASIS, path, len);
}

struct node *store_node(node_id id)
{
	return id && id < nodes_next ? nodes[id] : NULL;
}

static size_t node_alloc_size(size_t nlen, size_t vlen)
{
	return sizeof(struct node) + nlen + 1 + vlen;
}

static node_id id_alloc(void)
{
	if (free_n)
		return free_ids[--free_n];
	if (nodes_next >= nodes_cap) {
		nodes_cap = nodes_cap ? nodes_cap * 2 : 1024;
		nodes = xrealloc(nodes, nodes_cap * sizeof(*nodes));
	}
	return nodes_next++;
}

static void id_free(node_id id)
{
	nodes[id] = NULL;
	if (free_n >= free_cap) {
		free_cap = free_cap ? free_cap * 2 : 1024;
		free_ids = xrealloc(free_ids, free_cap * sizeof(*free_ids));
	}
	free_ids[free_n++] = id;
}

static void index_insert_slot(node_id id)
{
	uint32_t i = nodes[id]->hash & slots_mask;

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

static void index_add(node_id id)
{
	if ((slots_used + 1) * 2 > (size_t)slots_mask + 1)
		index_grow();
	index_insert_slot(id);
	slots_used++;
}

/* Removal with backward shift: keeps every probe chain unbroken. */
static void index_remove(node_id id)
{
	uint32_t i = nodes[id]->hash & slots_mask;

	while (slots[i] != id)
		i = (i + 1) & slots_mask;
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
			home = nodes[slots[j]]->hash & slots_mask;
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
		const struct node *n = nodes[id];

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
	h = mix(store_path_raw(path, len));
	for (uint32_t i = h & slots_mask; slots[i]; i = (i + 1) & slots_mask) {
		node_id id = slots[i];
		if (nodes[id]->hash == h && node_has_path(id, path, len))
			return id;
	}
	return NODE_NONE;
}

static struct node *node_new(node_id parent, uint32_t raw, const char *name,
			     size_t nlen, const void *value, uint32_t vlen,
			     struct perms *perms)
{
	struct node *n = xmalloc(node_alloc_size(nlen, vlen));

	n->parent = parent;
	n->raw = raw;
	n->hash = mix(raw);
	n->vlen = vlen;
	n->gen = store_generation++;
	n->perms = perms_ref(perms);
	n->kids = NULL;
	n->nlen = nlen;
	memcpy(n->data, name, nlen);
	n->data[nlen] = '\0';
	if (vlen)
		memcpy(n->data + nlen + 1, value, vlen);
	live_bytes += node_alloc_size(nlen, vlen);
	live_nodes++;
	return n;
}

void store_init(struct perms *root_perms)
{
	node_id id;

	index_grow();
	id = id_alloc();
	if (id != STORE_ROOT)
		xs_fatal("store initialised twice");
	nodes[id] = node_new(NODE_NONE, FNV_BASIS, "", 0, NULL, 0, root_perms);
	/* The root is never in the index: store_lookup() answers it. */
}

static void kids_add(struct node *parent, node_id child, size_t nlen)
{
	struct kids *k = parent->kids;

	if (!k || k->n == k->cap) {
		uint32_t cap = k ? k->cap * 2 : 4;
		size_t old = k ? sizeof(*k) + k->cap * sizeof(node_id) : 0;

		k = xrealloc(k, sizeof(*k) + cap * sizeof(node_id));
		if (!parent->kids) {
			k->n = 0;
			k->bytes = 0;
		}
		k->cap = cap;
		live_bytes += sizeof(*k) + cap * sizeof(node_id) - old;
		parent->kids = k;
	}
	k->id[k->n++] = child;
	k->bytes += nlen + 1;
	k->gen = store_generation++;
}

static void kids_remove(struct node *parent, node_id child, size_t nlen)
{
	struct kids *k = parent->kids;
	uint32_t i;

	for (i = 0; i < k->n && k->id[i] != child; i++)
		;
	if (i == k->n)
		xs_fatal("store corrupt: node %u missing from its parent", child);
	memmove(&k->id[i], &k->id[i + 1], (k->n - i - 1) * sizeof(node_id));
	k->n--;
	k->bytes -= nlen + 1;
	k->gen = store_generation++;
	if (!k->n) {
		/* kids->gen is lost: the parent's generation takes over, and
		 * it is bumped so that DIRECTORY_PART sees the change. */
		live_bytes -= sizeof(*k) + k->cap * sizeof(node_id);
		free(k);
		parent->kids = NULL;
		parent->gen = store_generation++;
	}
}

node_id store_create(node_id parent, const char *name, size_t nlen,
		     const void *value, uint32_t vlen, struct perms *perms)
{
	struct node *p = nodes[parent];
	uint32_t raw = fnv(fnv(p->raw, "/", 1), name, nlen);
	node_id id = id_alloc();

	nodes[id] = node_new(parent, raw, name, nlen, value, vlen, perms);
	index_add(id);
	kids_add(nodes[parent], id, nlen);
	return id;
}

void store_set_value(node_id id, const void *value, uint32_t vlen)
{
	struct node *n = nodes[id];
	size_t old = node_alloc_size(n->nlen, n->vlen);

	if (vlen != n->vlen) {
		n = xrealloc(n, node_alloc_size(n->nlen, vlen));
		nodes[id] = n;
		live_bytes = live_bytes - old + node_alloc_size(n->nlen, vlen);
	}
	if (vlen)
		memcpy(n->data + n->nlen + 1, value, vlen);
	n->vlen = vlen;
	n->gen = store_generation++;
}

void store_set_perms(node_id id, struct perms *perms)
{
	struct node *n = nodes[id];
	struct perms *old = n->perms;

	n->perms = perms_ref(perms);
	perms_unref(old);
	n->gen = store_generation++;
}

static void delete_subtree(node_id id)
{
	struct node *n = nodes[id];

	if (n->kids) {
		for (uint32_t i = 0; i < n->kids->n; i++)
			delete_subtree(n->kids->id[i]);
		live_bytes -= sizeof(*n->kids) + n->kids->cap * sizeof(node_id);
		free(n->kids);
	}
	index_remove(id);
	perms_unref(n->perms);
	live_bytes -= node_alloc_size(n->nlen, n->vlen);
	live_nodes--;
	free(n);
	id_free(id);
}

void store_delete(node_id id)
{
	struct node *n = nodes[id];

	if (id == STORE_ROOT)
		xs_fatal("store: attempt to delete the root");
	kids_remove(nodes[n->parent], id, n->nlen);
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
	for (i = id; i != STORE_ROOT; i = nodes[i]->parent)
		total += nodes[i]->nlen + 1;
	if (total + 1 > len)
		return 0;
	buf[total] = '\0';
	off = total;
	for (i = id; i != STORE_ROOT; i = nodes[i]->parent) {
		off -= nodes[i]->nlen;
		memcpy(buf + off, nodes[i]->data, nodes[i]->nlen);
		buf[--off] = '/';
	}
	return total;
}

static void walk(node_id id, char *path, size_t len, store_visit_fn fn, void *arg)
{
	struct node *n = nodes[id];

	fn(id, len ? path : "/", len ? len : 1, arg);
	n = nodes[id];  /* fn may not delete, but may reallocate values */
	if (!n->kids)
		return;
	for (uint32_t i = 0; i < n->kids->n; i++) {
		node_id kid = n->kids->id[i];
		struct node *k = nodes[kid];

		path[len] = '/';
		memcpy(path + len + 1, k->data, k->nlen + 1);
		walk(kid, path, len + 1 + k->nlen, fn, arg);
		n = nodes[id];
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
			xs_fatal("store: path of node %u too long", id);
	} else {
		path[0] = '\0';
	}
	walk(id, path, len, fn, arg);
}

void store_get_stats(struct store_stats *st)
{
	st->nodes = live_nodes;
	st->index_slots = slots_mask + 1;
	st->bytes = live_bytes;
}

void store_fini(void)
{
	for (node_id id = 1; id < nodes_next; id++) {
		if (!nodes[id])
			continue;
		perms_unref(nodes[id]->perms);
		free(nodes[id]->kids);
		free(nodes[id]);
	}
	free(nodes);
	free(free_ids);
	free(slots);
	nodes = NULL;
	free_ids = NULL;
	slots = NULL;
	nodes_cap = free_n = free_cap = 0;
	nodes_next = 1;
	slots_mask = 0;
	slots_used = live_nodes = live_bytes = 0;
}
