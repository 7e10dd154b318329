/* The hypervisor interface of xvm: what the toolstack (xvmd, tests,
 * tools) asks of Xen.
 *
 * Shaped after libxenctrl's domctl/sysctl semantics so that the real
 * backend (hv_xen: libxenctrl, libxenguest, libxenevtchn) maps every call
 * one to one, and the simulated one (hv_sim: xvm-simhv over its unix
 * socket) keeps Xen's rules:
 *   - domids are allocated from 1 and never reused while a domain exists;
 *   - a created domain is paused until hv_domain_unpause();
 *   - memory is accounted against the host total: what does not fit is
 *     refused with ENOMEM;
 *   - a shut-down domain (any reason, crash included) stays, with its
 *     reason, until hv_domain_destroy(); a destroyed domain is dying until
 *     every mapping of its pages is released, then it is gone.
 *
 * Errors: every call returns 0 (or a non-negative value where said) on
 * success and false/-1 with *err set on failure; errors are in the
 * HV_ERROR domain and their code is an errno value (ENOENT: no such
 * domain, ENOMEM: does not fit, EINVAL: bad argument, EBUSY: wrong state,
 * EPERM, EIO: the hypervisor connection failed). Messages are translated.
 *
 * Thread safety: one hv_t per thread, or serialise calls on it.
 */
#ifndef XVM_HV_H
#define XVM_HV_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <glib.h>

G_BEGIN_DECLS

#define HV_ERROR (hv_error_quark())
GQuark hv_error_quark(void);

typedef struct hv hv_t;

/* Opens the hypervisor.
 *   "sim:PATH"  xvm-simhv listening on the unix socket PATH
 *   "xen"       the real Xen of this host (/dev/xen/privcmd)
 *   NULL        "xen" when /dev/xen/privcmd exists, else
 *               "sim:$XVM_SIMHV_SOCKET" (error when that is unset)
 * Returns NULL with *err set when it cannot be opened. */
hv_t *hv_open(const char *spec, GError **err);
void hv_close(hv_t *hv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(hv_t, hv_close)

/* "xen" or "sim". */
const char *hv_backend_name(const hv_t *hv);

/* ---- the host --------------------------------------------------------- */

#define HV_PAGE_SIZE 4096u

struct hv_physinfo {
	uint32_t nr_cpus;            /* online physical CPUs */
	uint32_t nr_nodes;
	uint32_t sockets_per_node;
	uint32_t cores_per_socket;
	uint32_t threads_per_core;
	uint32_t cpu_khz;
	uint64_t total_pages;        /* host memory, HV_PAGE_SIZE pages */
	uint64_t free_pages;         /* not allocated to any domain */
	char cpu_model[64];          /* "" when unknown */
	bool hvm_capable;            /* HVM (and PVH) guests can be built */
};
bool hv_physinfo(hv_t *hv, struct hv_physinfo *info, GError **err);

struct hv_version {
	uint32_t major, minor;
	char extra[16];              /* ".0", "-sim" */
	char capabilities[256];      /* "xen-3.0-x86_64 hvm-3.0-x86_64 ..." */
};
bool hv_version(hv_t *hv, struct hv_version *v, GError **err);

/* ---- domains ---------------------------------------------------------- */

enum hv_domain_type {
	HV_DOMAIN_PV,
	HV_DOMAIN_PVH,
	HV_DOMAIN_HVM,
};

/* How the guest's RDTSC/RDTSCP run: the tsc_mode of Xen's
 * XEN_DOMCTL_settscinfo (xl's tsc_mode "default", "always_emulate",
 * "native"; "native_paravirt" was removed from Xen 4.10 on). */
enum hv_tsc_mode {
	HV_TSC_DEFAULT = 0,          /* native where the TSC is reliable, else emulated */
	HV_TSC_ALWAYS_EMULATE = 1,
	HV_TSC_NATIVE = 2,           /* never emulated (no RDTSC intercept) */
};

struct hv_create_config {
	uint8_t uuid[16];            /* the domain handle */
	enum hv_domain_type type;
	uint32_t max_vcpus;          /* >= 1 */
	uint32_t ssidref;            /* 0 */
	enum hv_tsc_mode tsc_mode;   /* set before the build, as libxl does */
};
/* Creates a paused, empty domain (no memory, no vCPU running) with its
 * TSC mode; EINVAL for an unknown type or TSC mode. */
bool hv_domain_create(hv_t *hv, const struct hv_create_config *cfg,
		      uint32_t *domid, GError **err);

/* The ceiling of the domain's memory (xc_domain_setmaxmem). */
bool hv_domain_set_max_mem(hv_t *hv, uint32_t domid, uint64_t max_kib, GError **err);

struct hv_build_config {
	/* PV and PVH: a kernel Xen can boot directly (PVH: an ELF with
	 * XEN_ELFNOTE_PHYS32_ENTRY); HVM is not built (ENOSYS on Xen). */
	const char *kernel;          /* path, read by the caller's process; NULL for HVM */
	const char *ramdisk;         /* path or NULL */
	const char *cmdline;         /* NULL or at most 1023 bytes */
	uint64_t memory_kib;         /* populated now: the boot balloon target (PVH:
	                                all of its RAM, no populate-on-demand) */
	uint32_t store_domid;        /* domain serving xenstore (0) */
	uint32_t console_domid;      /* domain serving the console (0) */
};
struct hv_build_result {
	/* PV: machine frames; PVH/HVM: guest frames (HVM_PARAM_*_PFN). */
	uint64_t store_gfn;          /* xenstore page: INTRODUCE's argument */
	uint32_t store_port;         /* guest-side port, unbound, for store_domid */
	uint64_t console_gfn;        /* console page */
	uint32_t console_port;       /* guest-side port, unbound, for console_domid */
};
/* Loads the kernel (PV/PVH) or firmware (HVM), populates memory_kib and
 * sets up the xenstore and console pages and their event channels
 * (xc_dom_* of libxenguest). The domain stays paused. */
bool hv_domain_build(hv_t *hv, uint32_t domid, const struct hv_build_config *cfg,
		     struct hv_build_result *res, GError **err);

bool hv_domain_pause(hv_t *hv, uint32_t domid, GError **err);
bool hv_domain_unpause(hv_t *hv, uint32_t domid, GError **err);

/* Shuts the domain down with reason SHUTDOWN_* of <xen/sched.h>
 * (xc_domain_shutdown): the toolstack's forced shutdown; a guest's own
 * shutdown reaches the same state through its hypercall. */
bool hv_domain_shutdown(hv_t *hv, uint32_t domid, unsigned int reason, GError **err);

/* A domain shut down with reason SHUTDOWN_suspend runs again (its suspend
 * was cancelled: xc_domain_resume, cooperative). */
bool hv_domain_resume(hv_t *hv, uint32_t domid, GError **err);

/* Kills the domain: it is dying, then gone (see above). */
bool hv_domain_destroy(hv_t *hv, uint32_t domid, GError **err);

/* State flags, as XEN_DOMINF_* of <xen/domctl.h>. */
enum {
	HV_DOMINF_DYING    = 1u << 0,
	HV_DOMINF_HVM      = 1u << 1,
	HV_DOMINF_SHUTDOWN = 1u << 2,
	HV_DOMINF_PAUSED   = 1u << 3,
	HV_DOMINF_BLOCKED  = 1u << 4,
	HV_DOMINF_RUNNING  = 1u << 5,
};

struct hv_dominfo {
	uint32_t domid;
	uint8_t uuid[16];
	enum hv_domain_type type;
	uint32_t flags;              /* HV_DOMINF_* */
	unsigned int shutdown_reason;/* SHUTDOWN_*, valid with HV_DOMINF_SHUTDOWN */
	uint64_t tot_pages;          /* pages the domain holds now */
	uint64_t max_pages;          /* its ceiling */
	uint64_t cpu_time_ns;        /* summed over its vCPUs */
	uint32_t nr_online_vcpus;
	uint32_t max_vcpu_id;        /* max_vcpus - 1 */
	uint32_t ssidref;
};
/* One domain: ENOENT when it does not exist. */
bool hv_domain_getinfo(hv_t *hv, uint32_t domid, struct hv_dominfo *info, GError **err);
/* Every domain, dom0 included, by ascending domid. *list is g_free()d by
 * the caller. */
bool hv_domain_list(hv_t *hv, struct hv_dominfo **list, size_t *n, GError **err);

/* ---- vCPUs ------------------------------------------------------------ */

struct hv_vcpuinfo {
	bool online;                 /* the guest brought it up */
	bool blocked;
	bool running;
	uint64_t cpu_time_ns;
	uint32_t cpu;                /* physical CPU it runs or last ran on */
};
bool hv_vcpu_getinfo(hv_t *hv, uint32_t domid, uint32_t vcpu,
		     struct hv_vcpuinfo *info, GError **err);

/* Hard affinity as a bitmap of physical CPUs, bit n of byte n/8 (the
 * layout of xc_cpumap_t); maplen bytes. Bits past nr_cpus are ignored; an
 * empty effective map is EINVAL. */
bool hv_vcpu_set_affinity(hv_t *hv, uint32_t domid, uint32_t vcpu,
			  const uint8_t *cpumap, size_t maplen, GError **err);
bool hv_vcpu_get_affinity(hv_t *hv, uint32_t domid, uint32_t vcpu,
			  uint8_t *cpumap, size_t maplen, GError **err);

/* ---- the credit scheduler -------------------------------------------- */

struct hv_sched_credit {
	uint16_t weight;             /* 1..65535, default 256 */
	uint16_t cap;                /* percent of one CPU, 0 = no cap */
};
bool hv_sched_credit_get(hv_t *hv, uint32_t domid, struct hv_sched_credit *sc, GError **err);
bool hv_sched_credit_set(hv_t *hv, uint32_t domid, const struct hv_sched_credit *sc,
			 GError **err);

/* ---- event channels --------------------------------------------------- */

/* A port of domid left unbound for remote_domid to bind
 * (xc_evtchn_alloc_unbound). */
bool hv_evtchn_alloc_unbound(hv_t *hv, uint32_t domid, uint32_t remote_domid,
			     uint32_t *port, GError **err);

/* ---- save / restore --------------------------------------------------- */

/* Writes the domain's state to fd (a file or a pipe; the caller keeps
 * it). The domain must be shut down with reason SHUTDOWN_suspend: the
 * toolstack asks the guest through control/shutdown = "suspend" and waits
 * for it. The domain is left as it was (the caller destroys it). */
bool hv_domain_save(hv_t *hv, uint32_t domid, int fd, GError **err);

/* Reads a stream of hv_domain_save() into domid, freshly created with the
 * same type and max_vcpus and still paused; the stream's memory must fit
 * the domain's max memory. Gives the new xenstore and console pages and
 * ports as hv_domain_build() does; the guest resumes where it was once
 * unpaused. */
bool hv_domain_restore(hv_t *hv, uint32_t domid, int fd, uint32_t store_domid,
		       uint32_t console_domid, struct hv_build_result *res,
		       GError **err);

/* ---- domain state changes (VIRQ_DOM_EXC) ------------------------------ */

/* A file descriptor that becomes readable when some domain shut down,
 * crashed or died; hv_dom_exc_ack() re-arms it. The caller then looks at
 * hv_domain_list() to see which. Owned by hv. */
int hv_dom_exc_fd(hv_t *hv);
void hv_dom_exc_ack(hv_t *hv);

G_END_DECLS

#endif
