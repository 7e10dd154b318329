/* The wire protocol between xvm-simhv and its clients (hv_sim.c,
 * platform_sim.c): one SOCK_SEQPACKET message per request and per reply,
 * so a message is never split or merged.
 *
 *   request: struct simhv_hdr, then exactly the body its op defines
 *            (hdr.len bytes), file descriptors in SCM_RIGHTS where said;
 *   reply:   struct simhv_reply, then on success the op's reply body
 *            (len bytes) and its descriptors, on failure len bytes of a
 *            translated message (not NUL-terminated) saying why.
 *
 * Both ends run on the same host: native byte order and alignment, every
 * struct padded explicitly so that no byte goes out uninitialised. The
 * daemon validates every field: a request of the wrong size, an unknown
 * op or out-of-range values get EINVAL and a message; the connection
 * stays.
 *
 * A client is dom0's software: the ports it binds are dom0's, owned by
 * its connection, and everything it mapped or bound is released when the
 * connection closes.
 */
#ifndef XVM_SIMHV_PROTO_H
#define XVM_SIMHV_PROTO_H

#include <stdint.h>

#define SIMHV_MSG_MAX      65536u   /* request or reply, header included */
#define SIMHV_MAX_FDS      2u
#define SIMHV_CMDLINE_MAX  1024u    /* with its NUL: at most 1023 bytes */
#define SIMHV_CPUMAP_BYTES 64u      /* 512 physical CPUs */
#define SIMHV_LIST_MAX     256u     /* domains per LIST reply */
#define SIMHV_MAX_CPUS     (SIMHV_CPUMAP_BYTES * 8u)

enum simhv_op {
	SIMHV_OP_PHYSINFO = 1,     /* -> simhv_physinfo */
	SIMHV_OP_VERSION,          /* -> simhv_version */
	SIMHV_OP_CREATE,           /* simhv_create -> simhv_domid */
	SIMHV_OP_SET_MAX_MEM,      /* simhv_max_mem */
	SIMHV_OP_BUILD,            /* simhv_build + fds kernel?, ramdisk? -> simhv_built */
	SIMHV_OP_PAUSE,            /* simhv_domid */
	SIMHV_OP_UNPAUSE,          /* simhv_domid */
	SIMHV_OP_SHUTDOWN,         /* simhv_shutdown */
	SIMHV_OP_RESUME,           /* simhv_domid */
	SIMHV_OP_DESTROY,          /* simhv_domid */
	SIMHV_OP_GETINFO,          /* simhv_domid -> simhv_dominfo */
	SIMHV_OP_LIST,             /* simhv_list -> simhv_dominfo[n] */
	SIMHV_OP_VCPU_INFO,        /* simhv_vcpu -> simhv_vcpuinfo */
	SIMHV_OP_SET_AFFINITY,     /* simhv_affinity */
	SIMHV_OP_GET_AFFINITY,     /* simhv_vcpu -> simhv_affinity */
	SIMHV_OP_SCHED_GET,        /* simhv_domid -> simhv_sched */
	SIMHV_OP_SCHED_SET,        /* simhv_sched */
	SIMHV_OP_ALLOC_UNBOUND,    /* simhv_alloc_unbound -> simhv_port */
	SIMHV_OP_SAVE,             /* simhv_domid -> fd: the stream (memfd) */
	SIMHV_OP_RESTORE,          /* simhv_restore + fd: the stream -> simhv_built */
	SIMHV_OP_BIND,             /* simhv_bind -> simhv_port + fds wait, notify */
	SIMHV_OP_BIND_DOM_EXC,     /* -> simhv_port + fd wait */
	SIMHV_OP_UNBIND,           /* simhv_port */
	SIMHV_OP_MAP,              /* simhv_map -> fd: the page file */
	SIMHV_OP_UNMAP,            /* simhv_map (gfn ignored) */
	SIMHV_OP_MAX,
};

struct simhv_hdr {
	uint32_t op;
	uint32_t len;               /* body bytes after the header */
};

struct simhv_reply {
	int32_t err;                /* 0 or an errno value */
	uint32_t len;
};

struct simhv_domid {
	uint32_t domid;
};

struct simhv_physinfo {
	uint32_t nr_cpus;
	uint32_t cpu_khz;
	uint64_t total_pages;
	uint64_t free_pages;
};

struct simhv_version {
	uint32_t major, minor;
	char extra[16];
	char capabilities[256];
};

struct simhv_create {
	uint8_t uuid[16];
	uint32_t type;              /* enum hv_domain_type */
	uint32_t max_vcpus;
	uint32_t ssidref;
	uint32_t tsc_mode;          /* enum hv_tsc_mode */
};

struct simhv_max_mem {
	uint32_t domid;
	uint32_t pad;
	uint64_t max_kib;
};

enum {
	SIMHV_BUILD_KERNEL  = 1u << 0,   /* fd 0 is the kernel */
	SIMHV_BUILD_RAMDISK = 1u << 1,   /* the next fd is the ramdisk */
};

struct simhv_build {
	uint32_t domid;
	uint32_t store_domid;
	uint32_t console_domid;
	uint32_t flags;             /* SIMHV_BUILD_* */
	uint64_t memory_kib;
	char cmdline[SIMHV_CMDLINE_MAX];   /* NUL-terminated */
};

struct simhv_built {
	uint64_t store_gfn;
	uint64_t console_gfn;
	uint32_t store_port;
	uint32_t console_port;
};

struct simhv_shutdown {
	uint32_t domid;
	uint32_t reason;
};

/* The values of HV_DOMINF_* (hv.h), XEN_DOMINF_* of <xen/domctl.h>. */
enum {
	SIMHV_DOMINF_DYING    = 1u << 0,
	SIMHV_DOMINF_HVM      = 1u << 1,
	SIMHV_DOMINF_SHUTDOWN = 1u << 2,
	SIMHV_DOMINF_PAUSED   = 1u << 3,
	SIMHV_DOMINF_BLOCKED  = 1u << 4,
	SIMHV_DOMINF_RUNNING  = 1u << 5,
};

struct simhv_dominfo {
	uint32_t domid;
	uint32_t type;
	uint32_t flags;             /* SIMHV_DOMINF_* */
	uint32_t shutdown_reason;
	uint64_t tot_pages;
	uint64_t max_pages;
	uint64_t cpu_time_ns;
	uint32_t nr_online_vcpus;
	uint32_t max_vcpu_id;
	uint32_t ssidref;
	uint8_t uuid[16];
	uint32_t pad;
};

struct simhv_list {
	uint32_t first_domid;
	uint32_t max;               /* 1..SIMHV_LIST_MAX */
};

struct simhv_vcpu {
	uint32_t domid;
	uint32_t vcpu;
};

struct simhv_vcpuinfo {
	uint8_t online, blocked, running, pad;
	uint32_t cpu;
	uint64_t cpu_time_ns;
};

struct simhv_affinity {
	uint32_t domid;
	uint32_t vcpu;
	uint8_t cpumap[SIMHV_CPUMAP_BYTES];
};

struct simhv_sched {
	uint32_t domid;
	uint16_t weight;
	uint16_t cap;
};

struct simhv_alloc_unbound {
	uint32_t domid;
	uint32_t remote_domid;
};

struct simhv_port {
	uint32_t port;
};

struct simhv_restore {
	uint32_t domid;
	uint32_t store_domid;
	uint32_t console_domid;
	uint32_t pad;
};

struct simhv_bind {
	uint32_t domid;             /* the remote domain */
	uint32_t remote_port;
};

enum simhv_page {
	SIMHV_PAGE_STORE = 0,
	SIMHV_PAGE_CONSOLE = 1,
};

struct simhv_map {
	uint32_t domid;
	uint32_t which;             /* enum simhv_page */
	uint64_t gfn;
};

#endif
