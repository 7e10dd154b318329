/* The simulated machine: what Xen does in xvm-simhv. The domain table
 * with Xen's rules (see include/xvm/hv.h), memory accounting, the credit
 * scheduler's CPU-time accounting, event channels, shared pages, save and
 * restore. The daemon (server.c) maps its protocol onto these calls; the
 * guest kernels run under it through guest.h.
 *
 * Clients (dom0's processes) are "owners": the ports they bind and the
 * pages they map are theirs, released by machine_release().
 *
 * Errors: false with *err in SIM_ERROR, its code an errno value and its
 * message translated. Single-threaded: the caller's GMainContext.
 */
#ifndef SIM_MACHINE_H
#define SIM_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <xvm/hv.h>

#include "guest.h"

#define SIM_ERROR (sim_error_quark())
GQuark sim_error_quark(void);

struct machine;

/* Monotonic nanoseconds; tests pass a fake clock. */
typedef uint64_t (*machine_clock_fn)(void *data);

struct machine_config {
	uint32_t nr_cpus;              /* physical CPUs, 1..SIMHV_MAX_CPUS */
	uint64_t memory_kib;           /* host memory */
	uint64_t dom0_kib;             /* what dom0 holds of it */
	const char *run_dir;           /* page files live here */
	const struct sim_guest_ops *ops;
	machine_clock_fn clock;        /* NULL: g_get_monotonic_time() */
	void *clock_data;
	GMainContext *context;         /* NULL: the default one */
};

struct machine *machine_new(const struct machine_config *cfg, GError **err);
void machine_free(struct machine *m);

void machine_physinfo(struct machine *m, struct hv_physinfo *info);

bool machine_create(struct machine *m, const struct hv_create_config *cfg,
		    uint32_t *domid, GError **err);
bool machine_set_max_mem(struct machine *m, uint32_t domid, uint64_t max_kib,
			 GError **err);

struct machine_build {
	int kernel_fd;                 /* -1 for HVM */
	int ramdisk_fd;                /* -1: none */
	const char *cmdline;           /* "" when none */
	uint64_t memory_kib;
	uint32_t store_domid;
	uint32_t console_domid;
};
bool machine_build(struct machine *m, uint32_t domid, const struct machine_build *b,
		   struct hv_build_result *res, GError **err);

bool machine_pause(struct machine *m, uint32_t domid, GError **err);
bool machine_unpause(struct machine *m, uint32_t domid, GError **err);
bool machine_shutdown(struct machine *m, uint32_t domid, unsigned int reason,
		      GError **err);
bool machine_resume(struct machine *m, uint32_t domid, GError **err);
bool machine_destroy(struct machine *m, uint32_t domid, GError **err);

bool machine_getinfo(struct machine *m, uint32_t domid, struct hv_dominfo *info,
		     GError **err);
/* Up to max domains with domid >= first, ascending; returns how many. */
size_t machine_list(struct machine *m, uint32_t first, size_t max,
		    struct hv_dominfo *out);

bool machine_vcpu_info(struct machine *m, uint32_t domid, uint32_t vcpu,
		       struct hv_vcpuinfo *info, GError **err);
bool machine_set_affinity(struct machine *m, uint32_t domid, uint32_t vcpu,
			  const uint8_t *map, size_t len, GError **err);
/* Fills len bytes (bits past nr_cpus clear). */
bool machine_get_affinity(struct machine *m, uint32_t domid, uint32_t vcpu,
			  uint8_t *map, size_t len, GError **err);
bool machine_sched_get(struct machine *m, uint32_t domid, struct hv_sched_credit *sc,
		       GError **err);
bool machine_sched_set(struct machine *m, uint32_t domid,
		       const struct hv_sched_credit *sc, GError **err);

/* ---- event channels (machine_evtchn.c) ---- */
bool machine_alloc_unbound(struct machine *m, const void *owner, uint32_t domid,
			   uint32_t remote_domid, uint32_t *port, GError **err);
/* Binds a new dom0 port of owner to domid's remote_port (unbound for dom0).
 * *wait_fd (readable when the remote end notified) and *notify_fd (write
 * 8 bytes to notify it) are eventfds for the caller, to pass on and close. */
bool machine_bind(struct machine *m, const void *owner, uint32_t domid,
		  uint32_t remote_port, uint32_t *port, int *wait_fd,
		  int *notify_fd, GError **err);
/* A dom0 port for VIRQ_DOM_EXC: *wait_fd is readable after a domain shut
 * down, crashed or died. */
bool machine_bind_dom_exc(struct machine *m, const void *owner, uint32_t *port,
			  int *wait_fd, GError **err);
bool machine_unbind(struct machine *m, const void *owner, uint32_t port, GError **err);

/* ---- pages (machine_pages.c) ---- */
enum machine_page { MACHINE_PAGE_STORE, MACHINE_PAGE_CONSOLE };
/* A descriptor of domid's page file for the caller to pass on and close;
 * counts as a mapping of owner until machine_unmap(). gfn must be the
 * page's, as build gave it. */
bool machine_map(struct machine *m, const void *owner, uint32_t domid,
		 enum machine_page which, uint64_t gfn, int *fd, GError **err);
bool machine_unmap(struct machine *m, const void *owner, uint32_t domid,
		   enum machine_page which, GError **err);

/* Everything owner bound or mapped goes (its connection closed). */
void machine_release(struct machine *m, const void *owner);

/* ---- save / restore (machine_save.c) ---- */
/* Writes the stream of a domain shut down for suspend into fd (a regular
 * file: the caller copies it on). */
bool machine_save(struct machine *m, uint32_t domid, int fd, GError **err);
/* Reads a stream from fd (regular file) into domid, freshly created. */
bool machine_restore(struct machine *m, uint32_t domid, int fd,
		     uint32_t store_domid, uint32_t console_domid,
		     struct hv_build_result *res, GError **err);

#endif
