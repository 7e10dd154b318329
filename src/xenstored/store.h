/* The node tree: xenstore's database, held in memory.
 *
 * A node is one slab object (slab.h): a 20-byte header, then the handle
 * of its child array if it has (or had) children, its name and its
 * value; a leaf - three nodes in four - carries no child slot. A node_id
 * is its slab handle. A global open-addressing index maps the hash of a
 * node's full path to its id, so a lookup costs one hash of the path and
 * (almost always) one probe, whatever the size of the tree; neither full
 * paths nor their hashes are stored in nodes: a candidate is checked
 * against the chain of names up to the root, and the index recomputes a
 * node's hash from that chain when it moves the node. Children are an
 * array of ids (a slab object too) sized by their number alone.
 *
 * A node moves (its id changes) when its value changes size class or
 * when it gets its first child slot; the three places that hold its id
 * (parent's children, index, children's parent) are updated, and
 * store_set_value() and store_create() say so. The root never moves.
 *
 * Invariants:
 *  - the root "/" always exists, has id STORE_ROOT and a child slot;
 *  - every node but the root has an existing parent, and appears exactly
 *    once in its parent's children, in creation order;
 *  - kids->bytes is the sum of (strlen(name) + 1) over the children;
 *  - every node holds one reference to its (interned) permissions;
 *  - gen changes whenever the node is created or its value or
 *    permissions change; kids->gen whenever a child is added or removed.
 */
#ifndef XS_STORE_H
#define XS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "perms.h"
#include "slab.h"

typedef uint32_t node_id;
#define NODE_NONE  0u
#define STORE_ROOT 0x80000000u   /* the first large slab object */

/* Slab objects are 4-byte aligned (slab.h): so are their generations. */
typedef uint64_t store_gen_t __attribute__((aligned(4)));

struct kids {
	store_gen_t gen;  /* generation of the last child added or removed */
	uint32_t n;       /* children; the capacity is kids_capacity(n) */
	uint32_t bytes;   /* sum of (name length + 1) over the children */
	node_id id[];
};

struct node {
	node_id parent;
	uint32_t perms;       /* index of the interned permissions */
	store_gen_t gen;
	uint16_t vinfo;       /* value length | NODE_KIDS_SLOT */
	uint16_t nlen;        /* name length, without its NUL */
	char data[];          /* [kids handle, 4 bytes, if NODE_KIDS_SLOT]
	                         name, NUL, then the value */
};

#define NODE_HDR        offsetof(struct node, data)
#define NODE_KIDS_SLOT  0x8000u   /* values are bounded by the protocol (4096) */

static inline struct node *store_node(node_id id)
{
	return id ? (struct node *)slab_ptr(id) : NULL;
}
static inline bool node_has_kids_slot(const struct node *n)
{
	return n->vinfo & NODE_KIDS_SLOT;
}
static inline uint32_t node_vlen(const struct node *n)
{
	return n->vinfo & ~NODE_KIDS_SLOT;
}
/* Handle of the child array: 0 when the node has no children. */
static inline uint32_t node_kids_handle(const struct node *n)
{
	uint32_t h = 0;

	if (node_has_kids_slot(n))
		memcpy(&h, n->data, sizeof(h));
	return h;
}
static inline const char *node_name(const struct node *n)
{
	return n->data + (node_has_kids_slot(n) ? sizeof(uint32_t) : 0);
}
static inline const char *node_value(const struct node *n)
{
	return node_name(n) + n->nlen + 1;
}
static inline struct perms *node_perms(const struct node *n) { return perms_get(n->perms); }
static inline struct kids *node_kids(const struct node *n)
{
	uint32_t h = node_kids_handle(n);

	return h ? (struct kids *)slab_ptr(h) : NULL;
}
/* Generation of the list of children (DIRECTORY_PART, transactions). */
static inline uint64_t node_kids_gen(const struct node *n)
{
	const struct kids *k = node_kids(n);

	return k ? k->gen : n->gen;
}

/* The generation counter: incremented for every change to the store. */
extern uint64_t store_generation;

void store_init(struct perms *root_perms);
void store_fini(void);

/* Looks up an absolute, valid path (see path.h) of length len. */
node_id store_lookup(const char *path, size_t len);
/* Creates the node at path (absolute, valid, of length len) as a child of
 * parent (its parent path's node), which must not have one of that name.
 * The new node takes a reference to perms. The parent may move (its
 * first child): look it up again by path if needed. */
node_id store_create(node_id parent, const char *path, size_t len,
		     const void *value, uint32_t vlen, struct perms *perms);
/* Returns the node's id, which changes if the node had to move. */
node_id store_set_value(node_id id, const void *value, uint32_t vlen);
/* Takes a new reference to perms, drops the old one. */
void store_set_perms(node_id id, struct perms *perms);
/* Sizes the index for n more nodes (bulk loads). */
void store_reserve(size_t n);
/* Removes a node and its whole subtree. */
void store_delete(node_id id);

/* Writes the full path of id into buf (NUL-terminated); returns its
 * length, or 0 if it does not fit. */
size_t store_path(node_id id, char *buf, size_t len);

/* Visits id and its subtree, parents before children (pre-order). path is
 * the node's full path, valid during the call only. */
typedef void (*store_visit_fn)(node_id id, const char *path, size_t len, void *arg);
void store_walk(node_id id, store_visit_fn fn, void *arg);

/* Accounted size of a node for quotas (name, value, permissions). */
static inline size_t node_size(const struct node *n)
{
	return n->nlen + 1 + node_vlen(n) + node_perms(n)->num * sizeof(struct xs_perm);
}

struct store_stats {
	size_t nodes;
	size_t index_slots;
	size_t bytes;       /* slab memory (nodes, children) and the index */
};
void store_get_stats(struct store_stats *st);


#endif
