/* Transactions: a private overlay over the store, checked and applied at
 * commit.
 *
 * A transaction records every path it touches (a "tnode"): the store's
 * generation of that node when first seen (0: absent), and, if it listed
 * the children, their generation. Changes stay in the overlay. At commit
 * the recorded generations are compared with the store's: any difference
 * is a real overlap with another client's change and fails the commit with
 * EAGAIN; otherwise deletions are applied, then creations and updates,
 * parents first. Adding a child to a node does not count as changing it,
 * so transactions creating different children of one parent do not
 * conflict. Nothing is copied but what the transaction touches.
 */
#ifndef XS_TRANSACTION_H
#define XS_TRANSACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "list.h"
#include "store.h"
#include "txn_order.h"

struct connection;
struct request;
struct perms;
struct tnode;
struct transaction;

/* What a request sees of one path, through its transaction or not. */
struct view {
	bool exists;
	node_id id;            /* store node shown, or NODE_NONE */
	struct tnode *t;       /* overlay entry, in a transaction */
	const char *value;
	uint32_t vlen;
	struct perms *perms;
	uint64_t gen;          /* generation (DIRECTORY_PART) */
};

/* Resolves tx_id for a request: NULL for 0; ENOENT in *err if unknown. */
struct transaction *transaction_lookup(struct connection *conn, uint32_t tx_id,
				       int *err);
void transaction_conn_release(struct connection *conn);
/* Its holds for ordering (txn_order.h). */
struct txn_holder *transaction_holder(struct transaction *txn);
size_t transaction_total(void);

int do_transaction_start(struct request *req);
int do_transaction_end(struct request *req);

/* Overlay access, used by node_ops.c. Return 0 or an errno (ENOSPC when
 * the transaction touches more nodes than its quota). */
int tx_view(struct transaction *txn, const char *path, size_t len,
	    struct view *v);
/* Calls fn for each child name of a node present in the view (in order).
 * record: the client sees the list (checked at commit); not when only
 * its size is needed for a quota. */
typedef void (*tx_child_fn)(const char *name, size_t len, void *arg);
int tx_children(struct view *v, tx_child_fn fn, void *arg, uint32_t *bytes,
		bool record);
/* fire: the request named this node (its ancestors created on the way
 * fire no watches of their own, as outside transactions). */
int tx_create(struct transaction *txn, const char *path, size_t len,
	      const void *value, uint32_t vlen, struct perms *perms, bool fire);
int tx_set_value(struct transaction *txn, struct view *v, const void *value,
		 uint32_t vlen);
int tx_set_perms(struct transaction *txn, struct view *v, struct perms *perms);
int tx_delete(struct transaction *txn, const char *path, size_t len);

#endif
