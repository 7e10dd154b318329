/* Requests on nodes (READ, WRITE, MKDIR, RM, DIRECTORY, DIRECTORY_PART,
 * GET_PERMS, SET_PERMS), and the primitive changes to the store that
 * keep accounting, persistence and watch records right, shared by
 * requests and transaction commits. */
#ifndef XS_NODE_OPS_H
#define XS_NODE_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct request;
struct perms;

int do_read(struct request *req);
int do_write(struct request *req);
int do_mkdir(struct request *req);
int do_rm(struct request *req);
int do_directory(struct request *req);
int do_directory_part(struct request *req);
int do_get_perms(struct request *req);
int do_set_perms(struct request *req);

/* Changes keep accounting and persistence right; the caller records what
 * fires watches, except for db_delete(), which records every node it
 * removes (req NULL: internal changes, whose watches fire at once). */
node_id db_create(node_id parent, const char *path, size_t len,
		  const void *value, uint32_t vlen, struct perms *perms);
/* Returns the node's id, which changes if it moved (store_set_value()). */
node_id db_set_value(node_id id, const char *path, size_t len,
		     const void *value, uint32_t vlen);
void db_set_perms(node_id id, const char *path, size_t len, struct perms *perms);
void db_delete(struct request *req, node_id id);

/* Accounts a node loaded from disk (persist.c). */
void db_account_loaded(const struct node *n);

/* Creates the nodes every store has ("/tool/xenstored"). */
void node_setup_structure(void);
/* A domain is gone: delete the nodes it owns. */
void node_remove_domain(uint32_t domid);
/* A domain is gone: drop it from every permission list. */
void node_forget_domain_perms(uint32_t domid);

#endif
