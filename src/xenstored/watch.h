/* Watches: registration, the index by path, and firing.
 *
 * Watches are indexed by the path they watch, so a change to /a/b/c looks
 * up "/a/b/c", "/a/b", "/a" and "/" and costs the number of watches that
 * match, not the number of watches. A watch is a talloc child of its
 * connection.
 */
#ifndef XS_WATCH_H
#define XS_WATCH_H

#include <stdbool.h>
#include <stddef.h>

struct connection;
struct request;
struct perms;

int do_watch(struct request *req);
int do_unwatch(struct request *req);
int do_reset_watches(struct request *req);

/* Frees every watch of a connection (connection teardown). */
void watch_conn_release(struct connection *conn);

/* Fires the watches a change to path matches. exact: only watches on path
 * itself (nodes deleted below the one an RM named). old_perms: the node's
 * permissions before the change (deleted nodes, SET_PERMS), for deciding
 * who may see the event. */
void watch_fire(const char *path, bool exact, struct perms *old_perms);
/* Fires "@introduceDomain" / "@releaseDomain". */
void watch_fire_special(const char *name);

/* Permissions of the special watch names (SET_PERMS / GET_PERMS on them). */
struct perms *watch_special_perms(const char *name);
int watch_special_set_perms(struct connection *conn, const char *name,
			    struct perms *perms);

void watch_init(void);
void watch_fini(void);
size_t watch_count(void);

#endif
