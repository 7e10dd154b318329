/* The clients beyond the first RPC_CLIENT_DIRECT_MAX: one epoll set,
 * watched by one GLib source.
 *
 * Why: GLib polls every source's descriptor on every loop iteration, so
 * each call cost O(clients connected): with 1000 idle clients a null call
 * took 14x the daemon CPU of one with a single client. A client of the
 * set costs nothing while idle. The first clients keep a source of their
 * own: a call of theirs takes one syscall fewer (no epoll_wait after the
 * loop's poll), and there are at most RPC_CLIENT_DIRECT_MAX of them.
 *
 * Invariants: a client is in the set (c->in_set) from rpc_client_new to
 * rpc_client_close, registered with c->fd and c->io_cond, and the set
 * holds no reference: rpc_client_close takes it out before the fd is
 * closed, so every pointer epoll returns is a client not yet closed when
 * epoll_wait returned.
 */
#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "rpc_internal.h"

/* Ready clients handled per dispatch; the rest on the next iteration
 * (the set is level-triggered: they stay ready). */
#define SET_BATCH 64

typedef struct client_set_source {
	GSource source;
	rpc_server *srv;
} client_set_source;

static uint32_t to_epoll(GIOCondition cond)
{
	return ((cond & G_IO_IN) ? EPOLLIN : 0) | ((cond & G_IO_OUT) ? EPOLLOUT : 0);
}

static GIOCondition from_epoll(uint32_t ev)
{
	return ((ev & EPOLLIN) ? G_IO_IN : 0) | ((ev & EPOLLOUT) ? G_IO_OUT : 0) |
	       ((ev & EPOLLHUP) ? G_IO_HUP : 0) | ((ev & EPOLLERR) ? G_IO_ERR : 0);
}

static gboolean set_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
	rpc_server *srv = ((client_set_source *)source)->srv;
	struct epoll_event ev[SET_BATCH];
	int n;

	do
		n = epoll_wait(srv->set_fd, ev, SET_BATCH, 0);
	while (n < 0 && errno == EINTR);
	/* Handling one client may close another of the batch: hold them. */
	for (int i = 0; i < n; i++)
		rpc_client_ref(ev[i].data.ptr);
	for (int i = 0; i < n; i++) {
		rpc_client *c = ev[i].data.ptr;

		if (!c->closed)
			rpc_client_handle_io(c, from_epoll(ev[i].events));
		rpc_client_unref(c);
	}
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs set_source_funcs = {
	.dispatch = set_dispatch,
};

/* The set, created on first use. false: no epoll (logged). */
static bool set_open(rpc_server *srv)
{
	GSource *s;

	if (srv->set_source)
		return true;
	srv->set_fd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->set_fd < 0) {
		g_warning(_("cannot create an epoll set for clients: %s"),
			  g_strerror(errno));
		return false;
	}
	s = g_source_new(&set_source_funcs, sizeof(client_set_source));
	((client_set_source *)s)->srv = srv;
	g_source_add_unix_fd(s, srv->set_fd, G_IO_IN);
	/* As the clients' own sources (see rpc_client_new). */
	g_source_set_can_recurse(s, TRUE);
	g_source_attach(s, srv->ctx);
	srv->set_source = s;
	return true;
}

bool rpc_client_set_add(rpc_client *c)
{
	struct epoll_event ev = { .events = to_epoll(c->io_cond), .data.ptr = c };

	if (!set_open(c->srv))
		return false;
	if (epoll_ctl(c->srv->set_fd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
		g_warning(_("cannot watch client %d: %s"), c->fd, g_strerror(errno));
		return false;
	}
	c->in_set = true;
	return true;
}

void rpc_client_set_modify(rpc_client *c)
{
	struct epoll_event ev = { .events = to_epoll(c->io_cond), .data.ptr = c };

	/* Cannot fail for a registered, open descriptor. */
	if (epoll_ctl(c->srv->set_fd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
		g_warning("rpc: client %d: epoll_ctl: %s", c->fd, g_strerror(errno));
}

void rpc_client_set_remove(rpc_client *c)
{
	epoll_ctl(c->srv->set_fd, EPOLL_CTL_DEL, c->fd, NULL);
	c->in_set = false;
}

void rpc_client_set_free(rpc_server *srv)
{
	if (!srv->set_source)
		return;
	g_source_destroy(srv->set_source);
	g_source_unref(srv->set_source);
	srv->set_source = NULL;
	close(srv->set_fd);
	srv->set_fd = -1;
}
