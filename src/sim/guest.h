/* The boundary inside xvm-simhv between the simulated machine (the
 * hypervisor: domain table, memory, scheduler, event channels, pages) and
 * the software that runs on it: the simulated guest kernels.
 *
 * The machine side (machine_*.c) owns every domain and calls a guest
 * kernel through struct sim_guest_ops; the kernel (guest_*.c) sees only
 * struct sim_guest_env and the hypercalls below, as a real kernel sees
 * its start_info page and the hypercall page. Both run on simhv's GLib
 * main loop (one thread): no locking, and no call may block.
 *
 * Lifetime: the machine calls ops->boot() at the domain's first unpause
 * (or ops->restore() for a restored domain), ops->pause()/unpause() as
 * the toolstack pauses it, ops->unpause() also when the toolstack cancels
 * a suspend (hv_domain_resume: SCHEDOP_shutdown returns, the guest runs
 * on; a kernel stopped by a save meanwhile gets ops->restore() instead),
 * and ops->stop() exactly once when the domain shuts down or is
 * destroyed, after which the kernel must not use env or issue
 * hypercalls. A kernel never frees env.
 */
#ifndef SIM_GUEST_H
#define SIM_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

struct sim_domain;                   /* the machine's, opaque here */

/* What the kernel is given at boot (start_info). */
struct sim_guest_env {
	struct sim_domain *dom;
	uint32_t domid;
	int type;                        /* enum hv_domain_type */
	uint32_t max_vcpus;
	const char *cmdline;             /* "" when none */
	uint64_t boot_pages;             /* populated at build */
	/* The xenstore ring (struct xenstore_domain_interface) and the
	 * console ring (struct xencons_interface): one page each, shared
	 * with dom0's xenstored and console daemon. */
	void *store_page;
	uint32_t store_port;
	void *console_page;
	uint32_t console_port;
	const char *run_dir;             /* simhv's run directory */
};

struct sim_guest_ops {
	/* Starts the kernel; returns its private state (NULL: failed, the
	 * domain crashes). */
	void *(*boot)(const struct sim_guest_env *env);
	/* Recreates a kernel from the blob save() produced. */
	void *(*restore)(const struct sim_guest_env *env, const void *blob, size_t len);
	/* The kernel's state for a save stream (the guest is suspended):
	 * g_malloc()ed, *len set. */
	void *(*save)(void *kernel, size_t *len);
	/* An event arrived on one of the domain's ports. */
	void (*event)(void *kernel, uint32_t port);
	void (*pause)(void *kernel);
	void (*unpause)(void *kernel);
	/* The domain is gone or shut down: free everything of the kernel. */
	void (*stop)(void *kernel);
};

/* The kernel every domain runs (guest_kernel.c). */
extern const struct sim_guest_ops sim_guest_kernel_ops;

/* ---- hypercalls a kernel makes (machine side implements) ------------- */

/* SCHEDOP_shutdown: reason SHUTDOWN_* of <xen/sched.h>. The machine calls
 * ops->stop() before this returns unless reason is SHUTDOWN_suspend
 * (then stop() comes when the domain is destroyed or saved). */
void sim_hc_shutdown(struct sim_domain *dom, unsigned int reason);

/* EVTCHNOP_send on one of the domain's ports. */
void sim_hc_evtchn_send(struct sim_domain *dom, uint32_t port);

/* XENMEM_increase/decrease_reservation, as one call: the domain now holds
 * target pages. -ENOMEM when the host or the domain's max memory does not
 * allow it (nothing changes), else 0. */
int sim_hc_set_pages(struct sim_domain *dom, uint64_t target);
uint64_t sim_hc_tot_pages(struct sim_domain *dom);
uint64_t sim_hc_max_pages(struct sim_domain *dom);

/* VCPUOP_up / VCPUOP_down: -EINVAL for a vCPU past max_vcpus, else 0.
 * vCPU 0 comes up at boot. */
int sim_hc_vcpu_up(struct sim_domain *dom, uint32_t vcpu);
int sim_hc_vcpu_down(struct sim_domain *dom, uint32_t vcpu);

/* The guest is busy (runs, consuming its CPU share) or idle (blocks). The
 * scheduler accounts CPU time to busy vCPUs by weight and cap. */
void sim_hc_set_busy(struct sim_domain *dom, bool busy);

#endif
