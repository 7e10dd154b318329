/* The simulated guest kernel's state, shared by its parts (guest_*.c):
 * one struct guest per running domain, created by boot() or restore()
 * and freed by stop(). Everything runs on simhv's main loop.
 *
 * Invariants:
 *  - while paused, the kernel runs nothing: events are remembered
 *    (pending_*) and handled at unpause, the clock (uptime_s) stands;
 *  - g->xs is NULL before xenbus connects (and after ring_garbage);
 *    every xenstore callback gets the guest or an object it owns, never
 *    freed while a request of it is in flight (struct frontend keeps a
 *    count) except with the whole guest, whose stop() frees g->xs first
 *    (the client then drops its pending callbacks).
 */
#ifndef SIM_GUEST_KERNEL_H
#define SIM_GUEST_KERNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <xvm/xs_client.h>

#include "guest.h"
#include "guest_options.h"

struct frontend;

struct guest {
	struct sim_guest_env env;        /* copy; cmdline is ours */
	struct guest_options opts;
	char *home;                      /* /local/domain/DOMID */
	xs_client_t *xs;
	bool paused;
	bool suspended;                  /* SHUTDOWN_suspend issued */
	bool pending_store, pending_console;
	bool booted;                     /* the boot marker was printed */
	bool resumed;                    /* made from a saved state */

	guint tick;                      /* once a second while running */
	uint64_t uptime_s;               /* seconds run, survives save */
	uint64_t counter;                /* xvmsim.counter, survives save */

	/* Console output that did not fit the ring yet (bounded: the oldest
	 * bytes go first, as on a serial line nobody reads). */
	GString *con_backlog;

	/* Frontends by "TYPE/DEVID" ("vbd/51712"); removed ones wait in
	 * gone until their last request returned. */
	GHashTable *frontends;
	GPtrArray *gone;
	uint32_t next_gref, next_port;   /* nominal grant refs and ports */
	/* Listing device/TYPE (vbd, vif, console): one at a time each. */
	struct scan_slot {
		struct guest *g;
		int type;
		bool busy, again;
	} scans[3];

	/* vCPU hotplug: one slot per vCPU, the data of its read. */
	struct vcpu_slot {
		struct guest *g;
		uint32_t id;
	} *vcpus;

	/* control/shutdown: one transaction at a time (Linux's
	 * shutdown_handler); a watch event meanwhile runs it again. */
	bool shutdown_busy, shutdown_again;
	uint32_t shutdown_tx;
	char *shutdown_cmd;
};

/* guest_kernel.c: SCHEDOP_shutdown(SHUTDOWN_suspend), keeping the
 * kernel for a save stream or a cancelled suspend. */
void guest_suspend(struct guest *g);

/* guest_console.c: the console ring (out: kernel -> dom0, in: dom0 ->
 * kernel, echoed back as a terminal does). */
void guest_console_printf(struct guest *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void guest_console_event(struct guest *g);
/* xvmsim.console_garbage: puts both rings' indexes out of range. */
void guest_console_garbage(struct guest *g);

/* guest_xenbus.c: the xenstore connection, its watches, control/. */
void guest_xenbus_connect(struct guest *g);
void guest_xenbus_disconnect(struct guest *g);
/* xvmsim.ring_garbage: drops xenbus and scribbles over the ring. */
void guest_xenbus_garbage(struct guest *g);
/* Writes path (relative to home) = value, reporting failures on the
 * console. */
void guest_xs_write(struct guest *g, const char *rel, const char *value);

/* guest_frontend.c: device/vbd/N, device/vif/N, device/console/N. */
/* Something under device/ changed (the watch's path). */
void guest_frontends_device_event(struct guest *g, const char *path);
/* Simulated I/O on connected devices: reads at connect, a little every
 * second while busy. */
void guest_frontends_tick(struct guest *g);
void guest_frontends_free(struct guest *g);

/* guest_balloon.c: memory/target. */
void guest_balloon_target_changed(struct guest *g);

/* guest_vcpu.c: cpu/N/availability. */
void guest_vcpus_init(struct guest *g);
void guest_vcpus_boot(struct guest *g);
void guest_vcpus_changed(struct guest *g);

#endif
