/* The node tree: see store.h for the layout and its invariants. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

uint64_t store_generation = 1;

static size_t live_nodes;

/* Index: open addressing with linear probing over `size` slots (any
 * size: a hash picks its home slot by multiply-shift of its high bits),
 * load <= 3/4. A slot holds an id, and a parallel byte array the low 8
 * bits of the id's path hash: a probe looks at the node only when the
 * tag matches, so a miss (every create looks first) touches the node of
 * 1 in 256 slots it passes. A node's hash is recomputed from its chain of
 * names when the index needs its home (moving, removing). */
static node_id *slots;
static uint8_t *tags;
static uint32_t slots_size;
static size_t slots_used;

#define INDEX_MIN_SIZE 4096u

static uint32_t path_hash(const char *path, size_t len)
{
	return hash_bytes(path, len, 0);
}

static uint32_t home_of(uint32_t hash)
{
	return (uint32_t)(((uint64_t)hash * slots_size) >> 32);
}

static uint8_t tag_of(uint32_t hash)
{
	return (uint8_t)hash;
}

static uint32_t next_slot(uint32_t i)
{
	return i + 1 == slots_size ? 0 : i + 1;
}

/* The hash of a node's full path. */
static uint32_t node_hash(node_id id)
{
	char path[4096 + 256];
	size_t len = store_path(id, path, sizeof(path));

	if (!len)
		xs_fatal("store: path of node %#x too long", id);
	return path_hash(path, len);
}

static size_t node_bytes(size_t nlen, size_t vlen, bool kids_slot)
{
	return NODE_HDR + (kids_slot ? sizeof(uint32_t) : 0) + nlen + 1 + vlen;
}

static size_t node_size_of(const struct node *n)
{
	return node_bytes(n->nlen, node_vlen(n), node_has_kids_slot(n));
}

static void set_kids_handle(struct node *n, uint32_t h)
{
	memcpy(n->data, &h, sizeof(h));
}

/* Capacity of a child array holding n children: exact while small (the
 * slab's 4-byte classes waste nothing), then rounded up to an eighth of
 * the next power of two so that growing one child at a time copies the
 * array O(1) times per child on average. A function of n alone: the
 * array does not store it. */
static uint32_t kids_capacity(uint32_t n)
{
	uint32_t step;

	if (n <= 32)
		return n;
	step = 1u << (31 - __builtin_clz(n) - 3);
	return (n + step - 1) & ~(step - 1);
}

static size_t kids_bytes(uint32_t n)
{
	return sizeof(struct kids) + kids_capacity(n) * sizeof(node_id);
}

static void index_insert_slot(node_id id, uint32_t hash)
{
	uint32_t i = home_of(hash);

	while (slots[i])
		i = next_slot(i);
	slots[i] = id;
	tags[i] = tag_of(hash);
}

static void index_insert_visit(node_id id, const char *path, size_t len, void *arg)
{
	if (id != STORE_ROOT)
		index_insert_slot(id, path_hash(path, len));
}

/* Rebuilds the index with `size` slots from a walk of the tree, which
 * forms every path incrementally (cheaper than each node's own chain). */
static void index_resize(uint32_t size)
{
	free(slots);
	free(tags);
	slots = xcalloc(size, sizeof(*slots));
	tags = xmalloc(size);
	slots_size = size;
	store_walk(STORE_ROOT, index_insert_visit, NULL);
}

/* Growth by 1/4: the index stays between 60% and 75% full. */
static uint32_t index_next_size(size_t size)
{
	size += size / 4;
	if (size > UINT32_MAX / 2)
		xs_fatal("store: index too large");
	return (uint32_t)size;
}

static bool index_full(size_t used)
{
	return used * 4 > (size_t)slots_size * 3;
}

void store_reserve(size_t n)
{
	size_t size = slots_size;

	while ((slots_used + n) * 4 > size * 3)
		size = index_next_size(size);
	if (size != slots_size)
		index_resize((uint32_t)size);
}

static void index_add(node_id id, uint32_t hash)
{
	if (index_full(slots_used + 1))
		index_resize(index_next_size(slots_size));
	index_insert_slot(id, hash);
	slots_used++;
}

static uint32_t index_find_slot(node_id id)
{
	uint32_t i = home_of(node_hash(id));

	while (slots[i] != id)
		i = next_slot(i);
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
			j = next_slot(j);
			if (!slots[j]) {
				slots_used--;
				return;
			}
			home = home_of(node_hash(slots[j]));
			/* Move slots[j] into the hole at i unless its home lies
			 * cyclically in (i, j]. */
			if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
				break;
		}
		slots[i] = slots[j];
		tags[i] = tags[j];
		i = j;
	}
}

/* Does node id have exactly this absolute path? Its own name is compared
 * first: that rejects nearly every other node of the probe sequence. */
static bool node_has_path(node_id id, const char *path, size_t len)
{
	while (id != STORE_ROOT) {
		const struct node *n = store_node(id);

		if (len < (size_t)n->nlen + 1 ||
		    memcmp(path + len - n->nlen, node_name(n), n->nlen))
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
	uint32_t hash;
	uint8_t tag;

	if (len == 1 && path[0] == '/')
		return STORE_ROOT;
	hash = path_hash(path, len);
	tag = tag_of(hash);
	for (uint32_t i = home_of(hash); slots[i]; i = next_slot(i))
		if (tags[i] == tag && node_has_path(slots[i], path, len))
			return slots[i];
	return NODE_NONE;
}

static void node_init(struct node *n, node_id parent,
		      const char *name, size_t nlen, const void *value,
		      uint32_t vlen, struct perms *perms, bool kids_slot)
{
	char *p = n->data;

	n->parent = parent;
	n->perms = perms_ref(perms)->index;
	n->gen = store_generation++;
	n->vinfo = (uint16_t)(vlen | (kids_slot ? NODE_KIDS_SLOT : 0));
	n->nlen = (uint16_t)nlen;
	if (kids_slot) {
		set_kids_handle(n, 0);
		p += sizeof(uint32_t);
	}
	memcpy(p, name, nlen);
	p[nlen] = '\0';
	if (vlen)
		memcpy(p + nlen + 1, value, vlen);
	live_nodes++;
}

void store_init(struct perms *root_perms)
{
	node_id id;

	/* The root is a large object: its id is stable (STORE_ROOT) and it
	 * is never in the index (store_lookup() answers it). */
	id = slab_alloc_large(node_bytes(0, 0, true));
	if (id != STORE_ROOT)
		xs_fatal("store initialised twice");
	node_init(store_node(id), NODE_NONE, "", 0, NULL, 0, root_perms, true);
	index_resize(INDEX_MIN_SIZE);
}

/* Moves node id to a new slab object of `size` bytes, with a child slot
 * if kids_slot; returns the new id. */
static node_id node_move(node_id id, size_t size, bool kids_slot)
{
	struct node *old = store_node(id);
	size_t old_size = node_size_of(old);
	node_id nid = slab_alloc(size);
	struct node *n = store_node(nid);
	size_t body = old->nlen + 1 + node_vlen(old);
	struct kids *k;

	memcpy(n, old, NODE_HDR);
	n->vinfo = (uint16_t)(node_vlen(old) | (kids_slot ? NODE_KIDS_SLOT : 0));
	if (kids_slot)
		set_kids_handle(n, node_kids_handle(old));
	/* The new object may be smaller (a shorter value being written):
	 * the caller writes the value after the move. */
	if (body > size - (node_name(n) - (char *)n))
		body = size - (node_name(n) - (char *)n);
	memcpy((char *)node_name(n), node_name(old), body);
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

/* Moves the parent's child array to a slot for `n` children. */
static struct kids *kids_resize(struct node *p, uint32_t old_n, uint32_t n)
{
	struct kids *k = node_kids(p);
	uint32_t h;
	struct kids *nk;

	if (k && kids_capacity(old_n) == kids_capacity(n))
		return k;
	h = slab_alloc(kids_bytes(n));
	nk = slab_ptr(h);
	if (k) {
		memcpy(nk, k, sizeof(*k) + (old_n < n ? old_n : n) * sizeof(node_id));
		slab_free(node_kids_handle(p), kids_bytes(old_n));
	} else {
		nk->n = 0;
		nk->bytes = 0;
	}
	set_kids_handle(p, h);
	return nk;
}

/* Gives a node a child slot (it gets its first child): returns its id,
 * which changes unless it already had one. */
static node_id node_make_parent(node_id id)
{
	struct node *n = store_node(id);
	size_t size;

	if (node_has_kids_slot(n))
		return id;
	size = node_bytes(n->nlen, node_vlen(n), true);
	if (id & SLAB_LARGE) {
		/* Large objects keep their handle: grow in place. */
		slab_realloc_large(id, node_size_of(n), size);
		n = store_node(id);
		memmove(n->data + sizeof(uint32_t), n->data, n->nlen + 1 + node_vlen(n));
		n->vinfo |= NODE_KIDS_SLOT;
		set_kids_handle(n, 0);
		return id;
	}
	return node_move(id, size, true);
}

static void kids_add(node_id parent, node_id child, size_t nlen)
{
	struct node *p = store_node(parent);
	struct kids *k = node_kids(p);
	uint32_t n = k ? k->n : 0;

	k = kids_resize(p, n, n + 1);
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
	if (k->n == 1) {
		/* kids->gen is lost: the parent's generation takes over, and
		 * it is bumped so that DIRECTORY_PART sees the change. The
		 * parent keeps its (empty) slot. */
		slab_free(node_kids_handle(p), kids_bytes(1));
		set_kids_handle(p, 0);
		p->gen = store_generation++;
		return;
	}
	k = kids_resize(p, k->n, k->n - 1);
	k->n--;
	k->bytes -= nlen + 1;
	k->gen = store_generation++;
}

node_id store_create(node_id parent, const char *path, size_t len,
		     const void *value, uint32_t vlen, struct perms *perms)
{
	const char *name = memrchr(path, '/', len) + 1;
	size_t nlen = len - (size_t)(name - path);
	node_id id;

	/* The parent first: it may move, and the child records its id. */
	parent = node_make_parent(parent);
	id = slab_alloc(node_bytes(nlen, vlen, false));
	node_init(store_node(id), parent, name, nlen, value, vlen, perms, false);
	index_add(id, path_hash(path, len));
	kids_add(parent, id, nlen);
	return id;
}

node_id store_set_value(node_id id, const void *value, uint32_t vlen)
{
	struct node *n = store_node(id);
	bool slot = node_has_kids_slot(n);
	size_t old = node_size_of(n), size = node_bytes(n->nlen, vlen, slot);

	if (id & SLAB_LARGE) {
		if (size != old)
			slab_realloc_large(id, old, size);
	} else if (!slab_same_class(old, size)) {
		id = node_move(id, size, slot);
	}
	n = store_node(id);
	n->vinfo = (uint16_t)(vlen | (slot ? NODE_KIDS_SLOT : 0));
	if (vlen)
		memcpy((char *)node_value(n), value, vlen);
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
		slab_free(node_kids_handle(n), kids_bytes(k->n));
	}
	index_remove(id);
	perms_unref(node_perms(n));
	live_nodes--;
	slab_free(id, node_size_of(n));
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
		memcpy(buf + off, node_name(n), n->nlen);
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
		memcpy(path + len + 1, node_name(c), c->nlen + 1);
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
	st->index_slots = slots_size;
	st->bytes = slab_bytes() + (size_t)slots_size * (sizeof(*slots) + sizeof(*tags));
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
	free(tags);
	slots = NULL;
	tags = NULL;
	slots_size = 0;
	slots_used = live_nodes = 0;
}
