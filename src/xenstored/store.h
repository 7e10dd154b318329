/* The node tree: xenstore's database, held in memory.
 *
 * Nodes are referenced by 32-bit ids (index into a table of pointers), never
 * by pointer, so a node can be reallocated when its value changes: name and
 * value live in the same allocation as the header. A global open-addressing
 * index maps the hash of a node's full path to its id, so a lookup costs one
 * hash of the path and (almost always) one probe, whatever the size of the
 * tree; the full path is never stored, it is checked against the chain of
 * names up to the root.
 *
 * Invariants:
 *  - the root "/" always exists and has id STORE_ROOT;
 *  - every node but the root has an existing parent, and appears exactly
 *    once in its parent's kids, in creation order;
 *  - kids->bytes is the sum of (strlen(name) + 1) over the children;
 *  - every node holds one reference to its (interned) perms;
 *  - gen changes whenever the node is created or its value or perms
 *    change; kids->gen whenever a child is added or removed.
 */
#ifndef XS_STORE_H
#define XS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "perms.h"

typedef uint32_t node_id;
#define NODE_NONE  0u
#define STORE_ROOT 1u

struct kids {
	uint64_t gen;     /* generation of the last child added or removed */
	uint32_t n, cap;
	uint32_t bytes;   /* sum of (name length + 1) over the children */
	node_id id[];
};

struct node {
	node_id parent;
	uint32_t hash;        /* index hash of the full path */
	uint32_t raw;         /* unmixed hash state, continued by children */
	uint32_t vlen;
	uint64_t gen;
	struct perms *perms;
	struct kids *kids;    /* NULL when the node has no children */
	uint16_t nlen;        /* name length, without its NUL */
	char data[];          /* name, NUL, then vlen bytes of value */
};

static inline const char *node_name(const struct node *n) { return n->data; }
static inline const char *node_value(const struct node *n) { return n->data + n->nlen + 1; }

/* The generation counter: incremented for every change to the store. */
extern uint64_t store_generation;

void store_init(struct perms *root_perms);
void store_fini(void);

struct node *store_node(node_id id);
/* Looks up an absolute, valid path (see path.h) of length len. */
node_id store_lookup(const char *path, size_t len);
/* Creates a child of parent (which must not have one of that name). The new
 * node takes a reference to perms. */
node_id store_create(node_id parent, const char *name, size_t nlen,
		     const void *value, uint32_t vlen, struct perms *perms);
void store_set_value(node_id id, const void *value, uint32_t vlen);
/* Takes a new reference to perms, drops the old one. */
void store_set_perms(node_id id, struct perms *perms);
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
	return n->nlen + 1 + n->vlen + n->perms->num * sizeof(struct xs_perm);
}

struct store_stats {
	size_t nodes;
	size_t index_slots;
	size_t bytes;       /* node allocations (headers, names, values, kids) */
};
void store_get_stats(struct store_stats *st);

/* Path hashing, shared with the index: the raw state is continued from a
 * parent to a child, then mixed. */
uint32_t store_path_raw(const char *path, size_t len);

#endif
