/* Start-up and teardown of the daemon's state, shared by the daemon, the
 * unit tests and the fuzzers. */
#ifndef XS_CORE_H
#define XS_CORE_H

/* Empty store ("/" owned by dom0, no access for others), no domains. */
void core_init(void);
/* Nodes every store has; call after loading a persistent store. */
void core_setup(void);
/* Called every PERSIST_COMMIT_MS by the daemon, between requests:
 * commits persistent changes, and about once a second gives memory that
 * bursts of requests and transactions freed back to the system. */
void core_housekeeping(void);
/* Frees every connection and all state. */
void core_fini(void);

#endif
