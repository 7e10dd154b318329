/* The machine's state, shared by machine_*.c (not by the kernels: guest.h
 * keeps struct sim_domain opaque to them). */
#ifndef SIM_MACHINE_INTERNAL_H
#define SIM_MACHINE_INTERNAL_H

#include "machine.h"

#define SIM_DOMID_LIMIT   0x7FF0u    /* DOMID_FIRST_RESERVED */
#define SIM_MAX_VCPUS     128u       /* HVM_MAX_VCPUS */
#define SIM_MAX_PORTS     4096u      /* the 2-level event channel ABI */
#define SIM_CPUMAP_BYTES  64u        /* SIMHV_CPUMAP_BYTES */
#define SIM_MAX_CPUS      (SIM_CPUMAP_BYTES * 8u)
#define SIM_PAGE_KIB      4u

enum evtchn_state {
	ECS_FREE = 0,
	ECS_UNBOUND,          /* remote_domid may bind it */
	ECS_INTERDOMAIN,      /* bound to remote_domid's remote_port */
	ECS_VIRQ,             /* dom0's VIRQ_DOM_EXC */
};

struct evtchn {
	enum evtchn_state state;
	uint32_t remote_domid;
	uint32_t remote_port;
	/* dom0's ports belong to a client connection. */
	const void *owner;
	/* dom0's bound ports: the client waits on wait_fd (we write it when
	 * the remote end sends) and writes notify_fd (we watch it and deliver
	 * the event to the remote end). -1 when unused. */
	int wait_fd;
	int notify_fd;
	GSource *notify_src;
	/* A guest's port: an event came while its kernel did not run. */
	bool pending;
};

struct sim_vcpu {
	bool online;
	uint8_t affinity[SIM_CPUMAP_BYTES];
	uint64_t cpu_time_ns;        /* accrued up to sched.last_ns */
	double rate;                 /* share of one pCPU it gets now */
	uint32_t cpu;                /* the pCPU it runs or last ran on */
};

enum dom_state {
	DOM_CREATED,          /* empty, paused */
	DOM_BUILT,            /* memory and pages, never run: paused */
	DOM_RUNNING,          /* its kernel runs (unless paused) */
	DOM_SHUTDOWN,         /* with shutdown_reason */
	DOM_DYING,            /* destroyed, pages still mapped */
};

struct sim_domain {
	struct machine *m;
	uint32_t domid;
	uint8_t uuid[16];
	enum hv_domain_type type;
	uint32_t ssidref;
	enum dom_state state;
	bool paused;                 /* by the toolstack */
	unsigned int shutdown_reason;
	uint64_t tot_pages, max_pages;
	uint32_t max_vcpus;
	struct sim_vcpu *vcpus;
	bool busy;                   /* sim_hc_set_busy */
	uint16_t weight, cap;

	/* Event channels: ports[0] is never used. */
	struct evtchn *ports;
	uint32_t nr_ports;

	/* Pages (machine_pages.c): files under the run dir, mapped here. */
	char *page_path[2];
	int page_fd[2];
	void *page[2];
	uint64_t page_gfn[2];
	unsigned int mappings;       /* by clients, all pages */

	/* The kernel and what it was given. */
	char *cmdline;
	struct sim_guest_env env;
	void *kernel;
	/* A restored domain boots from this (ops->restore); kept after a
	 * save so that a cancelled suspend can run the kernel again. */
	void *blob;
	size_t blob_len;
};

struct mapping {
	const void *owner;
	uint32_t domid;
	enum machine_page which;
	unsigned int count;
};

struct machine {
	struct machine_config cfg;
	char *run_dir;
	uint64_t total_pages;
	uint64_t used_pages;         /* held by domains */
	struct sim_domain **doms;    /* by domid, SIM_DOMID_LIMIT slots */
	uint32_t last_domid;         /* last allocated */
	GList *mappings;             /* struct mapping */
	/* Scheduler accounting (machine_sched.c). */
	uint64_t sched_last_ns;
	bool in_teardown;
};

/* machine.c */
struct sim_domain *machine_domain(struct machine *m, uint32_t domid, GError **err);
/* Sets *err: code, printf-style message (already translated). */
void sim_set_error(GError **err, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* Notifies every VIRQ_DOM_EXC port (machine_evtchn.c). */
void machine_dom_exc(struct machine *m);
/* Frees a dying domain once nobody maps its pages. */
void machine_reap(struct machine *m, struct sim_domain *d);
bool machine_kernel_runs(const struct sim_domain *d);
/* Gives the domain target pages: false with ENOMEM when it does not fit. */
bool machine_set_pages(struct machine *m, struct sim_domain *d, uint64_t target,
		       GError **err);
/* Starts (or restarts from d->blob) the kernel: the first unpause. */
void machine_start_kernel(struct sim_domain *d);
void machine_stop_kernel(struct sim_domain *d);

/* machine_build.c: populates pages, creates the shared pages and the
 * two unbound ports; on failure nothing changed. */
bool machine_setup(struct sim_domain *d, uint64_t pages, uint32_t store_domid,
		   uint32_t console_domid, struct hv_build_result *res, GError **err);

/* machine_sched.c: accrues CPU time up to now at the current rates... */
void sched_accrue(struct machine *m);
/* ... and recomputes the rates: call after any change of who is busy,
 * of weights, caps or affinity (accrue first). */
void sched_update(struct machine *m);
uint64_t machine_now(struct machine *m);

/* machine_evtchn.c */
bool evtchn_init(struct sim_domain *d);
/* Closes every port of d (its peers become unbound). */
void evtchn_close_all(struct sim_domain *d);
/* A port of d, unbound for remote: 0 on failure (*err set). */
uint32_t evtchn_alloc(struct sim_domain *d, uint32_t remote, GError **err);
/* Delivers the events that came while d's kernel was not running. */
void evtchn_deliver_pending(struct sim_domain *d);
void evtchn_free_port(struct sim_domain *d, uint32_t port);
/* Closes owner's dom0 ports. */
void evtchn_release(struct machine *m, const void *owner);

/* machine_pages.c */
bool pages_create(struct sim_domain *d, GError **err);
void pages_destroy(struct sim_domain *d);
/* Drops owner's mappings (all of them when which < 0). */
void pages_release(struct machine *m, const void *owner);

#endif
