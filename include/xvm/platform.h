/* The machine under dom0's daemons that serve guests over shared pages:
 * xenstored's domain rings, the console daemon's console rings. Shared
 * pages, event channels and the hypervisor's domain table.
 *
 * The ring transports need nothing else from the machine, so the same
 * code runs on a real Xen host (platform_xen.c: libxengnttab,
 * libxenevtchn, libxenctrl, /proc/xen) and on a simulated one
 * (platform_sim.c: xvm-simhv's page files and eventfds).
 *
 * Every function gets the platform itself as first argument; a platform
 * keeps its state after the struct (container_of) or in statics. Errors
 * are returned as -1 with errno set unless said otherwise. Ports are local
 * event channel ports of the xenstored process.
 */
#ifndef XVM_PLATFORM_H
#define XVM_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

struct xs_dominfo {
	bool shutdown;      /* shut down, crashed included: to be released */
	bool dying;         /* being destroyed: its resources go */
	unsigned int shutdown_reason;
};

struct xs_platform {
	const char *name;

	/* The domain xenstored serves as "master" (dom0 normally): its ring is
	 * local_ring(), not a grant. */
	uint32_t master_domid;

	/* Maps domid's xenstore page, read-write. gfn is INTRODUCE's
	 * argument; Xen ignores it (the reserved xenstore grant is used).
	 * Returns the page or NULL. */
	void *(*map_ring)(struct xs_platform *p, uint32_t domid, uint64_t gfn);
	int (*unmap_ring)(struct xs_platform *p, uint32_t domid, void *page);

	/* Maps domid's console page (struct xencons_interface), read-write;
	 * gfn is the domain's console/ring-ref (Xen ignores it: the reserved
	 * grant GNTTAB_RESERVED_CONSOLE is used). NULL with errno. */
	void *(*map_console)(struct xs_platform *p, uint32_t domid, uint64_t gfn);
	int (*unmap_console)(struct xs_platform *p, uint32_t domid, void *page);

	/* The master domain's own ring and the remote port of its event
	 * channel (dom0's /proc/xen/xsd_kva and /proc/xen/xsd_port). The
	 * port is bound with evtchn_bind_interdomain(master_domid, port). */
	void *(*local_ring)(struct xs_platform *p);
	int (*local_port)(struct xs_platform *p, uint32_t *remote_port);

	/* Event channels. One fd for all: readable when a port is pending. */
	int (*evtchn_fd)(struct xs_platform *p);
	/* Binds to domid's remote_port: returns the local port or -1. */
	int (*evtchn_bind_interdomain)(struct xs_platform *p, uint32_t domid,
				       uint32_t remote_port);
	/* Binds VIRQ_DOM_EXC (a domain shut down or died): local port or -1. */
	int (*evtchn_bind_dom_exc)(struct xs_platform *p);
	int (*evtchn_unbind)(struct xs_platform *p, uint32_t port);
	int (*evtchn_notify)(struct xs_platform *p, uint32_t port);
	/* The next pending port (the fd was readable), or -1 (errno EAGAIN:
	 * none). The port stays masked until evtchn_unmask(). */
	int (*evtchn_pending)(struct xs_platform *p);
	int (*evtchn_unmask)(struct xs_platform *p, uint32_t port);

	/* The hypervisor's view of a domain: 1 exists (info filled), 0 does
	 * not exist, -1 error. */
	int (*domain_info)(struct xs_platform *p, uint32_t domid,
			   struct xs_dominfo *info);

	/* Releases everything the platform opened. */
	void (*close)(struct xs_platform *p);
};

/* Real Xen (platform_xen.c; built, with HAVE_PLATFORM_XEN defined, when
 * libxen-dev's libraries are found). Returns NULL with errno set when
 * Xen's devices cannot be opened. */
struct xs_platform *platform_xen_open(void);

/* xvm-simhv listening on socket_path (platform_sim.c). It has no master
 * ring: dom0's clients use xenstored's unix socket, so local_ring() and
 * local_port() fail with ENODEV. NULL with errno set when simhv cannot be
 * reached. */
struct xs_platform *platform_sim_open(const char *socket_path);

#endif
