/* Domains: per-domain accounting (nodes, watches, memory) for quotas, and
 * the domain requests (INTRODUCE, RELEASE, IS_DOMAIN_INTRODUCED,
 * GET_DOMAIN_PATH, RESUME, SET_TARGET).
 *
 * An entry exists for every domain that owns nodes or has a connection.
 * Introduced domains have a ring connection (transport_ring.c), which owns
 * the ring mapping; the entry itself is freed once nothing refers to it.
 */
#ifndef XS_DOMAIN_H
#define XS_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct connection;
struct request;

struct domain {
	struct domain *hnext;
	uint32_t domid;
	uint64_t generation;       /* store generation at introduction */
	struct connection *conn;   /* its ring connection, once introduced */
	bool introduced;
	bool shutdown;             /* seen shut down; @releaseDomain fired */
	int nodes;                 /* nodes it owns */
	unsigned int watches;
	long memory;               /* bytes: nodes, watches, queued output */
	bool soft_reported, hard_reported;
	time_t mem_msg_time;
};

void domain_init(void);
void domain_fini(void);

struct domain *domain_find(uint32_t domid);
/* Finds or creates the accounting entry. */
struct domain *domain_get(uint32_t domid);
bool domid_is_privileged(uint32_t domid);

void domain_nodes_add(uint32_t domid, int delta);
int domain_nodes(uint32_t domid);
void domain_memory_add(struct domain *d, long delta);
void domain_memory_add_id(uint32_t domid, long delta);
bool domain_over_memory(const struct domain *d);

/* A connection now speaks for domid (a ring, or a test's connection):
 * makes it the domain's connection and fires @introduceDomain. */
int domain_attach_conn(uint32_t domid, struct connection *conn);
/* Called when a domain's connection is freed: the domain is released,
 * its orphaned nodes removed, @releaseDomain fired. */
void domain_conn_gone(struct domain *d, struct connection *conn);
/* The platform saw domid shut down / die: fires @releaseDomain; a dying
 * domain's connection is dropped. */
void domain_state_changed(uint32_t domid, bool shutdown, bool dying);

/* For CONTROL quota <domid>. */
char *domain_quota_report(const void *ctx, uint32_t domid);
/* For CONTROL memreport / check. */
unsigned int domain_count(void);

int do_introduce(struct request *req);
int do_release(struct request *req);
int do_is_domain_introduced(struct request *req);
int do_get_domain_path(struct request *req);
int do_resume(struct request *req);
int do_set_target(struct request *req);

/* Ring transport hooks, provided by the platform in use (none for a
 * socket-only daemon: INTRODUCE then answers ENOSYS). */
struct ring_platform {
	const char *name;
	/* Connects domid's ring (gfn, remote event channel port); returns
	 * 0 or an errno. Must end in domain_attach_conn(). */
	int (*introduce)(uint32_t domid, uint64_t gfn, uint32_t port);
	/* Rebinds the event channel of an introduced domain. */
	int (*rebind)(uint32_t domid, uint32_t port);
	/* Does the domain exist? (permissions of dead domains are dropped) */
	bool (*domain_exists)(uint32_t domid);
};
void domain_set_platform(const struct ring_platform *platform);

#endif
