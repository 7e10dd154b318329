/* Persistence: with --persistent DIR the store is kept in a tdb file
 * (DIR/xenstored.tdb) and reloaded at start-up, so a restart keeps every
 * node and its permissions. Every change is written through; the changes
 * of one request are one tdb transaction, so a crash never leaves a
 * request half applied. Without the option nothing is written anywhere
 * and these calls do nothing.
 *
 * Record: key = the node's full path (no NUL); data = uint32 value
 * length, uint32 number of permissions, the permissions (uint32 id,
 * uint32 perms each), the value.
 */
#ifndef XS_PERSIST_H
#define XS_PERSIST_H

#include <stdbool.h>
#include <stddef.h>

struct node;

/* Opens (creating) DIR/xenstored.tdb and loads it into the store.
 * Returns 0, or -1 with a message logged. */
int persist_open(const char *dir);
void persist_close(void);
bool persist_enabled(void);

void persist_node(const char *path, size_t len, const struct node *n);
void persist_delete(const char *path, size_t len);

#define PERSIST_COMMIT_MS 100

/* Before changes: opens the group's tdb transaction if none is open. */
void persist_begin(void);
/* Commits the open transaction, if any (between requests only). */
void persist_commit(void);

#endif
