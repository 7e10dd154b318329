/* The domain ring transport: one connection per introduced domain, over
 * its shared page (struct xenstore_domain_interface of <xen/io/xs_wire.h>)
 * and an event channel, both from a platform (platform.h).
 *
 * The guest owns the page as much as we do: the ring indexes are read
 * once per access, validated (prod - cons <= XENSTORE_RING_SIZE) and never
 * trusted. A guest that breaks its ring (bad indexes: XENSTORE_ERROR_RINGIDX;
 * a message longer than XENSTORE_PAYLOAD_MAX: XENSTORE_ERROR_PROTO) gets the
 * error in the page's error field and its connection is no longer served:
 * its watches, transactions and queued messages are dropped, as Xen's
 * xenstored "ignores" such a connection. The domain stays introduced (its
 * tree stays) until it is released or dies, or until it reconnects
 * (connection = XENSTORE_RECONNECT, advertised in server_features), which
 * resets its connection and ring and serves it again.
 */
#ifndef XS_RING_H
#define XS_RING_H

#include <stdint.h>

struct event_base;
struct xs_platform;

/* Starts the transport on platform p: watches its event channel fd in
 * base, binds VIRQ_DOM_EXC and installs the ring_platform hooks of
 * domain.c (INTRODUCE, re-INTRODUCE, domain existence). 0, or -1 with
 * errno. */
int ring_init(struct event_base *base, struct xs_platform *p);
/* Connects the master domain's own ring (dom0: /proc/xen/xsd_kva and
 * xsd_port), as Xen's xenstored does at start-up unless -D. */
int ring_init_master(void);
/* Stops watching events; call after the connections are freed
 * (core_fini); closes the platform. */
void ring_shutdown(void);

#endif
