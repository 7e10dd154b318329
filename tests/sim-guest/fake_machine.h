/* A fake xvm-simhv machine for the guest kernel's tests: the hypercalls
 * of src/sim/guest.h on a small domain table, the console ring drained
 * into a string, and the xenstore ring relayed, byte for byte, to a real
 * xenstored's unix socket (the guest then talks as a privileged client,
 * which changes nothing the kernel sees but permissions). */
#ifndef FAKE_MACHINE_H
#define FAKE_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "guest.h"

#define FAKE_MAX_VCPUS 8

struct sim_domain {
	uint32_t domid;
	struct sim_guest_env env;
	void *kernel;                /* NULL once stopped */
	bool shutdown;
	unsigned int reason;
	uint64_t pages, max_pages;
	bool vcpu_online[FAKE_MAX_VCPUS];
	bool busy;
	GString *console;            /* everything the kernel printed */
	unsigned int stops;          /* ops->stop() calls: at most 1 */

	/* The relay between the ring and xenstored's socket. */
	int sock;
	guint sock_watch, pump_idle;
	GByteArray *to_guest;
	char *xs_path;
};

/* Creates a domain whose kernel is not started yet. */
struct sim_domain *fake_domain_new(uint32_t domid, const char *xenstored_path,
				   const char *cmdline, uint32_t max_vcpus,
				   uint64_t pages, uint64_t max_pages);
void fake_domain_boot(struct sim_domain *d);
void fake_domain_pause(struct sim_domain *d);
void fake_domain_unpause(struct sim_domain *d);
/* save(), then stop(): the blob. */
GBytes *fake_domain_save(struct sim_domain *d);
/* A fresh ring and console, the kernel restored from blob. */
bool fake_domain_restore(struct sim_domain *d, GBytes *blob);
/* Stops the kernel if it runs, frees everything. */
void fake_domain_free(struct sim_domain *d);
/* Types into the console's input ring. */
void fake_console_type(struct sim_domain *d, const char *text);

/* Runs the main loop until check() holds (10 s at most). */
bool fake_wait(bool (*check)(void *), void *data);
void fake_run_for(unsigned int ms);

#endif
