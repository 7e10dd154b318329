/* The stack under test for the ring tests: xvm-simhv-relay (simhv whose
 * guests' xenbus is the test, relay_kernel.c) and our xenstored serving
 * its rings (--simhv), both in a fresh temporary directory, stopped by
 * pid; dom0's xenstore client on xenstored's socket; the hypervisor
 * (hv_open("sim:...")).
 *
 * A test guest: a domain built and running on that machine, introduced
 * to xenstored by dom0 with a home /local/domain/N it owns; the test
 * plays its kernel's xenbus on the real ring (the page file, the event
 * channel through the relay), with xs_client_open_ring() or raw bytes.
 *
 * Binaries come from $SIMRINGS_SIMHV and $SIMRINGS_XENSTORED (meson);
 * with $SIMRINGS_VALGRIND set, xenstored runs under valgrind's memcheck. */
#ifndef SIM_RINGS_STACK_H
#define SIM_RINGS_STACK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <glib.h>
#include <xen/io/xs_wire.h>
#include <xvm/hv.h>
#include <xvm/xs_client.h>

struct proc {
	const char *name;
	pid_t pid;
	char *log;
};

struct stack {
	char *dir;
	char *simhv_sock, *xs_sock;
	struct proc simhv, xenstored;
	hv_t *hv;
	xs_client_t *dom0;
	char *kernel;                 /* a PV kernel image for builds */
	char *valgrind_log;           /* $SIMRINGS_VALGRIND: xenstored under memcheck */
};

/* xenstored_args: NULL-terminated extra options (quotas), or NULL. */
void stack_start(struct stack *s, const char *const *xenstored_args);
/* Both daemons must still run and exit with status 0 on SIGTERM. */
void stack_stop(struct stack *s);

struct guest {
	struct stack *s;
	uint32_t domid;
	char *home;                   /* /local/domain/N */
	struct xenstore_domain_interface *intf;
	int evtchn;                   /* the relay socket */
	guint evtchn_watch;
	xs_client_t *xs;              /* NULL for a raw guest */
	bool deaf;                    /* events are counted, not handed on */
	unsigned int events;          /* events from xenstored */
	unsigned int closed;          /* closed callbacks of xs */
};

/* with_client: the ring gets an xs_client (else the test writes bytes). */
struct guest *guest_new(struct stack *s, bool with_client);
/* A (new) xs_client on the ring, as a kernel's xenbus starting. */
void guest_open_client(struct guest *g);
/* Destroys the domain (xenstored releases it). */
void guest_free(struct guest *g);
/* EVTCHNOP_send on the store port. */
void guest_notify(struct guest *g);
/* Raw bytes into the request ring (as far as it has room), then a
 * notification. Returns how many went in. */
size_t guest_write_raw(struct guest *g, const void *buf, size_t len);
/* Stops being deaf: the client hears of what it missed. */
void guest_listen(struct guest *g);

/* Runs the default main context until *flag (or fails after secs). */
void wait_flag(const bool *flag, unsigned int secs);
/* Until counter >= n. */
void wait_count(const unsigned int *counter, unsigned int n, unsigned int secs);
void run_for(unsigned int ms);

#endif
