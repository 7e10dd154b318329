#include "core.h"

#include <malloc.h>
#include <time.h>
#include <talloc.h>

#include "config.h"
#include "connection.h"
#include "domain.h"
#include "node_ops.h"
#include "perms.h"
#include "persist.h"
#include "store.h"
#include "watch.h"

void core_init(void)
{
	struct xs_perm root = { 0, XS_PERM_NONE };
	struct perms *perms = perms_intern(&root, 1);
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	conn_clock = (uint32_t)ts.tv_sec;
	store_init(perms);
	perms_unref(perms);
	watch_init();
	domain_init();
}

void core_setup(void)
{
	node_setup_structure();
}

void core_housekeeping(void)
{
	static unsigned int ticks;
	struct mallinfo2 mi;
	struct timespec ts;

	persist_commit();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	conn_expire_events((uint32_t)ts.tv_sec);
	/* About once a second: the store lives in its own slab, so what is
	 * free in malloc's heap is what requests and transactions left. */
	if (++ticks % (1000 / PERSIST_COMMIT_MS))
		return;
	mi = mallinfo2();
	if (mi.fordblks > 1024 * 1024)
		malloc_trim(0);
}

void core_fini(void)
{
	while (!list_empty(&connections)) {
		struct connection *c = list_entry(connections.next,
						  struct connection, list);
		c->busy = 0;
		talloc_free(c);
	}
	persist_close();
	store_fini();
	watch_fini();
	domain_fini();
}
