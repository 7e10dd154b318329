/* The simulated platform: a client of xvm-simhv (simhv_proto.h). Pages
 * are simhv's page files, mapped from the descriptor it passes; each
 * bound port is a pair of eventfds from simhv (one readable when the
 * guest notified, one we write to notify it), all kept in one epoll set
 * so that evtchn_fd() is one descriptor for every port, as
 * /dev/xen/evtchn. A pending port is taken out of the set (EPOLLONESHOT)
 * until evtchn_unmask() re-arms it: the mask. See platform.h. */
#include <xvm/platform.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "simhv_conn.h"
#include "simhv_proto.h"

#define SIM_PAGE_SIZE 4096u

struct sim_port {
	uint32_t port;
	int wait_fd;        /* readable: the remote end notified */
	int notify_fd;      /* written: notify the remote end; -1 for a VIRQ */
	struct sim_port *next;
};

struct sim_platform {
	struct xs_platform pub;
	int sock;
	int epfd;
	struct sim_port *ports;
};

static struct sim_platform *sp(struct xs_platform *p)
{
	return (struct sim_platform *)((char *)p - offsetof(struct sim_platform, pub));
}

static struct sim_port *port_find(struct sim_platform *s, uint32_t port)
{
	for (struct sim_port *q = s->ports; q; q = q->next)
		if (q->port == port)
			return q;
	return NULL;
}

static int call(struct sim_platform *s, uint32_t op, const void *req, size_t len,
		void *out, size_t out_len, int *fds, unsigned int nfds)
{
	size_t got = out_len;

	if (simhv_call(s->sock, op, req, len, NULL, 0, out, &got, fds, nfds, NULL, 0))
		return -1;
	if (got != out_len) {
		for (unsigned int i = 0; i < nfds; i++)
			close(fds[i]);
		errno = EPROTO;
		return -1;
	}
	return 0;
}

static void *map_page(struct sim_platform *s, uint32_t domid, uint32_t which,
		      uint64_t gfn)
{
	struct simhv_map req = { .domid = domid, .which = which, .gfn = gfn };
	struct simhv_map unreq = { .domid = domid, .which = which };
	void *page;
	int fd, saved;

	if (call(s, SIMHV_OP_MAP, &req, sizeof(req), NULL, 0, &fd, 1))
		return NULL;
	page = mmap(NULL, SIM_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	saved = errno;
	close(fd);
	if (page == MAP_FAILED) {
		call(s, SIMHV_OP_UNMAP, &unreq, sizeof(unreq), NULL, 0, NULL, 0);
		errno = saved;
		return NULL;
	}
	return page;
}

static int unmap_page(struct sim_platform *s, uint32_t domid, uint32_t which,
		      void *page)
{
	struct simhv_map req = { .domid = domid, .which = which };

	if (!page)
		return 0;
	munmap(page, SIM_PAGE_SIZE);
	return call(s, SIMHV_OP_UNMAP, &req, sizeof(req), NULL, 0, NULL, 0);
}

static void *sim_map_ring(struct xs_platform *p, uint32_t domid, uint64_t gfn)
{
	return map_page(sp(p), domid, SIMHV_PAGE_STORE, gfn);
}

static int sim_unmap_ring(struct xs_platform *p, uint32_t domid, void *page)
{
	return unmap_page(sp(p), domid, SIMHV_PAGE_STORE, page);
}

static void *sim_map_console(struct xs_platform *p, uint32_t domid, uint64_t gfn)
{
	return map_page(sp(p), domid, SIMHV_PAGE_CONSOLE, gfn);
}

static int sim_unmap_console(struct xs_platform *p, uint32_t domid, void *page)
{
	return unmap_page(sp(p), domid, SIMHV_PAGE_CONSOLE, page);
}

/* dom0 talks to xenstored over its unix socket: no master ring. */
static void *sim_local_ring(struct xs_platform *p)
{
	(void)p;
	errno = ENODEV;
	return NULL;
}

static int sim_local_port(struct xs_platform *p, uint32_t *remote_port)
{
	(void)p; (void)remote_port;
	errno = ENODEV;
	return -1;
}

static int sim_evtchn_fd(struct xs_platform *p)
{
	return sp(p)->epfd;
}

static int arm(struct sim_platform *s, struct sim_port *q, int op)
{
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLONESHOT,
		.data.u32 = q->port,
	};

	return epoll_ctl(s->epfd, op, q->wait_fd, &ev);
}

static void port_free(struct sim_port *q)
{
	close(q->wait_fd);
	if (q->notify_fd >= 0)
		close(q->notify_fd);
	free(q);
}

/* Takes a port simhv bound for us and its descriptors. */
static int add_port(struct sim_platform *s, uint32_t port, int wait_fd, int notify_fd)
{
	struct sim_port *q = calloc(1, sizeof(*q));
	struct simhv_port unreq = { .port = port };

	if (!q || port > INT32_MAX || port_find(s, port)) {
		free(q);
		close(wait_fd);
		if (notify_fd >= 0)
			close(notify_fd);
		call(s, SIMHV_OP_UNBIND, &unreq, sizeof(unreq), NULL, 0, NULL, 0);
		errno = q ? EPROTO : ENOMEM;
		return -1;
	}
	q->port = port;
	q->wait_fd = wait_fd;
	q->notify_fd = notify_fd;
	if (arm(s, q, EPOLL_CTL_ADD)) {
		int saved = errno;
		port_free(q);
		call(s, SIMHV_OP_UNBIND, &unreq, sizeof(unreq), NULL, 0, NULL, 0);
		errno = saved;
		return -1;
	}
	q->next = s->ports;
	s->ports = q;
	return (int)port;
}

static int sim_bind_interdomain(struct xs_platform *p, uint32_t domid,
				uint32_t remote_port)
{
	struct sim_platform *s = sp(p);
	struct simhv_bind req = { .domid = domid, .remote_port = remote_port };
	struct simhv_port rep;
	int fds[2];

	if (call(s, SIMHV_OP_BIND, &req, sizeof(req), &rep, sizeof(rep), fds, 2))
		return -1;
	return add_port(s, rep.port, fds[0], fds[1]);
}

static int sim_bind_dom_exc(struct xs_platform *p)
{
	struct sim_platform *s = sp(p);
	struct simhv_port rep;
	int fd;

	if (call(s, SIMHV_OP_BIND_DOM_EXC, NULL, 0, &rep, sizeof(rep), &fd, 1))
		return -1;
	return add_port(s, rep.port, fd, -1);
}

static int sim_unbind(struct xs_platform *p, uint32_t port)
{
	struct sim_platform *s = sp(p);
	struct simhv_port req = { .port = port };
	struct sim_port **pp = &s->ports;

	while (*pp && (*pp)->port != port)
		pp = &(*pp)->next;
	if (!*pp) {
		errno = EINVAL;
		return -1;
	}
	{
		struct sim_port *q = *pp;
		*pp = q->next;
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, q->wait_fd, NULL);
		port_free(q);
	}
	return call(s, SIMHV_OP_UNBIND, &req, sizeof(req), NULL, 0, NULL, 0);
}

static int sim_notify(struct xs_platform *p, uint32_t port)
{
	struct sim_port *q = port_find(sp(p), port);
	uint64_t one = 1;

	if (!q) {
		errno = EINVAL;
		return -1;
	}
	if (q->notify_fd < 0)
		return 0;   /* a VIRQ: nobody to notify */
	/* An eventfd write fails only when its counter would overflow: the
	 * remote end has notifications pending anyway. */
	if (write(q->notify_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		return -1;
	return 0;
}

static int sim_pending(struct xs_platform *p)
{
	struct sim_platform *s = sp(p);
	struct epoll_event ev;
	struct sim_port *q;
	uint64_t count;
	int n;

	n = epoll_wait(s->epfd, &ev, 1, 0);
	if (n < 0)
		return -1;
	if (n == 0) {
		errno = EAGAIN;
		return -1;
	}
	q = port_find(s, ev.data.u32);
	if (!q) {
		errno = EAGAIN;
		return -1;
	}
	/* Consumed now; a later notification is seen at unmask. */
	if (read(q->wait_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return -1;
	return (int)q->port;
}

static int sim_unmask(struct xs_platform *p, uint32_t port)
{
	struct sim_platform *s = sp(p);
	struct sim_port *q = port_find(s, port);

	if (!q) {
		errno = EINVAL;
		return -1;
	}
	return arm(s, q, EPOLL_CTL_MOD);
}

static int sim_domain_info(struct xs_platform *p, uint32_t domid,
			   struct xs_dominfo *info)
{
	struct sim_platform *s = sp(p);
	struct simhv_domid req = { .domid = domid };
	struct simhv_dominfo di;
	size_t got = sizeof(di);

	memset(info, 0, sizeof(*info));
	if (simhv_call(s->sock, SIMHV_OP_GETINFO, &req, sizeof(req), NULL, 0,
		       &di, &got, NULL, 0, NULL, 0))
		return errno == ENOENT ? 0 : -1;
	if (got != sizeof(di)) {
		errno = EPROTO;
		return -1;
	}
	info->dying = di.flags & SIMHV_DOMINF_DYING;
	info->shutdown = di.flags & SIMHV_DOMINF_SHUTDOWN;
	info->shutdown_reason = di.shutdown_reason;
	return 1;
}

static void sim_close(struct xs_platform *p)
{
	struct sim_platform *s = sp(p);

	while (s->ports) {
		struct sim_port *q = s->ports;
		s->ports = q->next;
		port_free(q);
	}
	if (s->epfd >= 0)
		close(s->epfd);
	/* Closing the connection releases its ports and mappings in simhv. */
	if (s->sock >= 0)
		close(s->sock);
	free(s);
}

struct xs_platform *platform_sim_open(const char *socket_path)
{
	struct sim_platform *s = calloc(1, sizeof(*s));
	int saved;

	if (!s)
		return NULL;
	s->sock = -1;
	s->pub = (struct xs_platform){
		.name = "sim",
		.master_domid = 0,
		.map_ring = sim_map_ring,
		.unmap_ring = sim_unmap_ring,
		.map_console = sim_map_console,
		.unmap_console = sim_unmap_console,
		.local_ring = sim_local_ring,
		.local_port = sim_local_port,
		.evtchn_fd = sim_evtchn_fd,
		.evtchn_bind_interdomain = sim_bind_interdomain,
		.evtchn_bind_dom_exc = sim_bind_dom_exc,
		.evtchn_unbind = sim_unbind,
		.evtchn_notify = sim_notify,
		.evtchn_pending = sim_pending,
		.evtchn_unmask = sim_unmask,
		.domain_info = sim_domain_info,
		.close = sim_close,
	};
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0)
		goto fail;
	s->sock = simhv_connect(socket_path);
	if (s->sock < 0)
		goto fail;
	return &s->pub;
fail:
	saved = errno;
	sim_close(&s->pub);
	errno = saved;
	return NULL;
}
