/* Event channels, with Xen's semantics: per-domain port tables (port 0
 * never used), alloc_unbound for a remote domain, bind_interdomain,
 * close (the peer's port goes back to unbound for us), send.
 *
 * Guests' ports live inside simhv: an event for one is ops->event(), or
 * pending until its kernel runs. dom0's ports belong to clients in other
 * processes: each bound one has two eventfds shared with the client, one
 * we write when the guest sends (wait_fd), one the client writes and we
 * watch (notify_fd), so that notifications need no message through us.
 * VIRQ_DOM_EXC ports have a wait_fd only. */
#include "machine_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define PORTS_INITIAL 16u

bool evtchn_init(struct sim_domain *d)
{
	d->nr_ports = PORTS_INITIAL;
	d->ports = g_new0(struct evtchn, d->nr_ports);
	for (uint32_t p = 0; p < d->nr_ports; p++)
		d->ports[p].wait_fd = d->ports[p].notify_fd = -1;
	return true;
}

static struct evtchn *port_of(struct sim_domain *d, uint32_t port)
{
	if (port == 0 || port >= d->nr_ports || d->ports[port].state == ECS_FREE)
		return NULL;
	return &d->ports[port];
}

uint32_t evtchn_alloc(struct sim_domain *d, uint32_t remote, GError **err)
{
	uint32_t p;

	for (p = 1; p < d->nr_ports; p++)
		if (d->ports[p].state == ECS_FREE)
			break;
	if (p == d->nr_ports) {
		uint32_t n = d->nr_ports * 2;

		if (d->nr_ports >= SIM_MAX_PORTS) {
			sim_set_error(err, ENOSPC, _("domain %u has no free event channel"),
				      d->domid);
			return 0;
		}
		d->ports = g_renew(struct evtchn, d->ports, n);
		memset(d->ports + d->nr_ports, 0, sizeof(*d->ports) * (n - d->nr_ports));
		for (uint32_t q = d->nr_ports; q < n; q++)
			d->ports[q].wait_fd = d->ports[q].notify_fd = -1;
		d->nr_ports = n;
	}
	d->ports[p].state = ECS_UNBOUND;
	d->ports[p].remote_domid = remote;
	d->ports[p].remote_port = 0;
	d->ports[p].pending = false;
	return p;
}

static void port_free(struct evtchn *e)
{
	if (e->notify_src) {
		g_source_destroy(e->notify_src);
		g_source_unref(e->notify_src);
	}
	if (e->wait_fd >= 0)
		close(e->wait_fd);
	if (e->notify_fd >= 0)
		close(e->notify_fd);
	*e = (struct evtchn){ .state = ECS_FREE, .wait_fd = -1, .notify_fd = -1 };
}

static void signal_fd(int fd)
{
	uint64_t one = 1;

	/* Fails only when the counter is full: it is readable anyway. */
	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		g_warning("eventfd write: %s", g_strerror(errno));
}

/* An event for port of d. */
static void deliver(struct sim_domain *d, uint32_t port)
{
	struct evtchn *e = port_of(d, port);

	if (!e)
		return;
	if (d->domid == 0) {
		signal_fd(e->wait_fd);
		return;
	}
	if (!machine_kernel_runs(d)) {
		e->pending = true;
		return;
	}
	e->pending = false;
	d->m->cfg.ops->event(d->kernel, port);
}

void evtchn_deliver_pending(struct sim_domain *d)
{
	for (uint32_t p = 1; p < d->nr_ports && machine_kernel_runs(d); p++)
		if (d->ports[p].state != ECS_FREE && d->ports[p].pending)
			deliver(d, p);
}

/* Closes port of d: its peer, if any, becomes unbound for d again. */
static void close_port(struct sim_domain *d, uint32_t port)
{
	struct evtchn *e = &d->ports[port];

	if (e->state == ECS_INTERDOMAIN) {
		struct sim_domain *peer = d->m->doms[e->remote_domid];
		struct evtchn *pe = peer ? port_of(peer, e->remote_port) : NULL;

		if (pe && pe->state == ECS_INTERDOMAIN && pe->remote_domid == d->domid) {
			pe->state = ECS_UNBOUND;
			pe->remote_port = 0;
		}
	}
	port_free(e);
}

void evtchn_close_all(struct sim_domain *d)
{
	for (uint32_t p = 1; p < d->nr_ports; p++)
		if (d->ports[p].state != ECS_FREE)
			close_port(d, p);
}

void sim_hc_evtchn_send(struct sim_domain *dom, uint32_t port)
{
	struct evtchn *e = port_of(dom, port);
	struct sim_domain *peer;

	if (!e || e->state != ECS_INTERDOMAIN)
		return;   /* Xen: -EINVAL for the guest, nothing happens */
	peer = dom->m->doms[e->remote_domid];
	if (peer)
		deliver(peer, e->remote_port);
}

void machine_dom_exc(struct machine *m)
{
	struct sim_domain *d0 = m->doms[0];

	for (uint32_t p = 1; d0 && p < d0->nr_ports; p++)
		if (d0->ports[p].state == ECS_VIRQ)
			signal_fd(d0->ports[p].wait_fd);
}

bool machine_alloc_unbound(struct machine *m, const void *owner, uint32_t domid,
			   uint32_t remote_domid, uint32_t *port, GError **err)
{
	struct sim_domain *d = machine_domain(m, domid, err);

	if (!d)
		return false;
	if (d->state == DOM_DYING) {
		sim_set_error(err, EINVAL, _("domain %u is dying"), domid);
		return false;
	}
	if (remote_domid >= SIM_DOMID_LIMIT) {
		sim_set_error(err, EINVAL, _("no domain %u"), remote_domid);
		return false;
	}
	*port = evtchn_alloc(d, remote_domid, err);
	if (!*port)
		return false;
	if (domid == 0)
		d->ports[*port].owner = owner;
	return true;
}

struct notify_ref {
	struct machine *m;
	uint32_t port;           /* dom0's (its table may move: no pointer) */
};

/* The client's notification on a dom0 port: an event for its peer. */
static gboolean on_notify(gint fd, GIOCondition cond, gpointer data)
{
	struct notify_ref *ref = data;
	struct sim_domain *d0 = ref->m->doms[0];
	struct evtchn *e = port_of(d0, ref->port);
	uint64_t count;

	(void)cond;
	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		g_warning("eventfd read: %s", g_strerror(errno));
	if (e && e->state == ECS_INTERDOMAIN && ref->m->doms[e->remote_domid])
		deliver(ref->m->doms[e->remote_domid], e->remote_port);
	return G_SOURCE_CONTINUE;
}

static int new_eventfd(GError **err)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	if (fd < 0)
		sim_set_error(err, errno, _("cannot create an eventfd: %s"),
			      g_strerror(errno));
	return fd;
}

/* A copy of fd for the client: the caller sends and closes it. */
static int dup_for_client(int fd, GError **err)
{
	int c = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	if (c < 0)
		sim_set_error(err, errno, _("cannot duplicate a descriptor: %s"),
			      g_strerror(errno));
	return c;
}

bool machine_bind(struct machine *m, const void *owner, uint32_t domid,
		  uint32_t remote_port, uint32_t *port, int *wait_fd,
		  int *notify_fd, GError **err)
{
	struct sim_domain *d = machine_domain(m, domid, err);
	struct sim_domain *d0 = m->doms[0];
	struct evtchn *re, *e;
	struct notify_ref *ref;
	uint32_t p;

	*wait_fd = *notify_fd = -1;
	if (!d)
		return false;
	if (domid == 0) {
		sim_set_error(err, EINVAL, _("dom0 cannot bind its own ports"));
		return false;
	}
	re = port_of(d, remote_port);
	if (d->state == DOM_DYING || !re || re->state != ECS_UNBOUND ||
	    re->remote_domid != 0) {
		sim_set_error(err, EINVAL,
			      _("port %u of domain %u is not unbound for dom0"),
			      remote_port, domid);
		return false;
	}
	p = evtchn_alloc(d0, domid, err);
	if (!p)
		return false;
	e = &d0->ports[p];
	e->owner = owner;
	e->wait_fd = new_eventfd(err);
	e->notify_fd = e->wait_fd < 0 ? -1 : new_eventfd(err);
	if (e->notify_fd < 0)
		goto fail;
	*wait_fd = dup_for_client(e->wait_fd, err);
	if (*wait_fd < 0)
		goto fail;
	*notify_fd = dup_for_client(e->notify_fd, err);
	if (*notify_fd < 0)
		goto fail;
	ref = g_new(struct notify_ref, 1);
	ref->m = m;
	ref->port = p;
	e->notify_src = g_unix_fd_source_new(e->notify_fd, G_IO_IN);
	g_source_set_callback(e->notify_src, (GSourceFunc)(void (*)(void))on_notify,
			      ref, g_free);
	g_source_attach(e->notify_src, m->cfg.context);
	e->state = ECS_INTERDOMAIN;
	e->remote_port = remote_port;
	re->state = ECS_INTERDOMAIN;
	re->remote_domid = 0;
	re->remote_port = p;
	*port = p;
	return true;
fail:
	if (*wait_fd >= 0)
		close(*wait_fd);
	*wait_fd = -1;
	port_free(e);
	return false;
}

bool machine_bind_dom_exc(struct machine *m, const void *owner, uint32_t *port,
			  int *wait_fd, GError **err)
{
	struct sim_domain *d0 = m->doms[0];
	uint32_t p = evtchn_alloc(d0, 0, err);
	struct evtchn *e;

	*wait_fd = -1;
	if (!p)
		return false;
	e = &d0->ports[p];
	e->state = ECS_VIRQ;
	e->owner = owner;
	e->wait_fd = new_eventfd(err);
	if (e->wait_fd < 0 || (*wait_fd = dup_for_client(e->wait_fd, err)) < 0) {
		port_free(e);
		return false;
	}
	*port = p;
	return true;
}

bool machine_unbind(struct machine *m, const void *owner, uint32_t port, GError **err)
{
	struct sim_domain *d0 = m->doms[0];
	struct evtchn *e = port_of(d0, port);

	if (!e || e->owner != owner) {
		sim_set_error(err, EINVAL, _("port %u is not bound by this client"), port);
		return false;
	}
	close_port(d0, port);
	return true;
}

void evtchn_release(struct machine *m, const void *owner)
{
	struct sim_domain *d0 = m->doms[0];

	for (uint32_t p = 1; p < d0->nr_ports; p++)
		if (d0->ports[p].state != ECS_FREE && d0->ports[p].owner == owner)
			close_port(d0, p);
}

void evtchn_free_port(struct sim_domain *d, uint32_t port)
{
	if (port_of(d, port))
		close_port(d, port);
}
