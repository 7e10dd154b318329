/* The simulated stack for tests: xvm-simhv, xenstored (--simhv) and
 * xvm-consoled in a fresh temporary directory, each stopped by pid; and
 * a toolstack's moves on it (hv.h calls, xenstore transactions). The
 * daemons' paths come from $SIMHV, $XENSTORED and $CONSOLED (meson). */
#ifndef SIM_STACK_H
#define SIM_STACK_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <sys/types.h>

#include "xvm/hv.h"
#include "xvm/xs_client.h"

struct stack {
	char *dir;
	char *simhv_sock, *xs_sock, *run_dir, *log_dir;
	char *kernel;                /* a kernel file for hv_domain_build */
	pid_t simhv, xenstored, consoled;
	hv_t *hv;
	xs_client_t *xs;             /* the toolstack's connection */
};

void stack_start(struct stack *s, unsigned int host_mib);
void stack_stop(struct stack *s);

/* A guest as a toolstack makes it. */
struct guest_cfg {
	const char *name;
	const char *cmdline;
	uint64_t memory_kib;
	uint32_t vcpus;
	const char *disk;            /* the vbd's image; NULL: no vbd */
	bool vif;
	bool bad_console_keys;       /* console/ring-ref, port: junk */
};

struct guest {
	uint32_t domid;
	uint8_t uuid[16];
	char *name;
	char *uuid_str;
	char *home;
	uint64_t console_gfn;        /* what console/ring-ref should say */
	uint32_t console_port;
};

/* create, set_max_mem, build, introduce, the tree in one transaction,
 * unpause. */
void guest_start(struct stack *s, const struct guest_cfg *cfg, struct guest *g);
/* A restored guest: create, restore from fd, introduce, tree, unpause. */
void guest_restore(struct stack *s, const struct guest_cfg *cfg, int fd, struct guest *g);
/* destroy, release, the toolstack's xenstore dirs removed. */
void guest_destroy(struct stack *s, struct guest *g);
void guest_clear(struct guest *g);

char *stack_read(struct stack *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void stack_write(struct stack *s, const char *path, const char *value);
/* Polls until path holds value (NULL: absent), 20 s at most. */
bool stack_wait_node(struct stack *s, const char *path, const char *value);
bool stack_wait_exists(struct stack *s, const char *path);
/* Until the domain is shut down; its reason, or -1 on timeout. */
int stack_wait_shutdown(struct stack *s, uint32_t domid);
/* Until the domain is gone from the hypervisor's table. */
bool stack_wait_gone(struct stack *s, uint32_t domid);
/* Until file contains text (20 s at most). */
bool stack_wait_file(const char *path, const char *text);
bool stack_wait_no_file(const char *path);
/* Until the file exists and does not contain text. */
bool stack_wait_file_without(const char *path, const char *text);
/* Every device of the guest Connected, frontend and backend. */
bool stack_wait_connected(struct stack *s, const struct guest *g, const struct guest_cfg *cfg);

/* VmRSS of a process, KiB. */
uint64_t proc_rss_kib(pid_t pid);

#endif
