/* The server: programs, listeners, clients, workers, event fan-out. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "error.h"
#include "remote_protocol.h"
#include "rpc_internal.h"

/* Threads for slow calls, and for slow calls flagged priority. */
#define RPC_WORKERS          8
#define RPC_PRIORITY_WORKERS 2

static void program_free(gpointer data)
{
	rpc_program *p = data;

	g_hash_table_unref(p->procs);
	g_free(p);
}

static void listener_free(gpointer data)
{
	rpc_listener *l = data;

	g_source_destroy(l->source);
	g_source_unref(l->source);
	close(l->fd);
	unlink(l->path);
	g_free(l->path);
	g_free(l);
}

rpc_server *rpc_server_new(GMainContext *ctx)
{
	rpc_server *srv = g_new0(rpc_server, 1);

	srv->ctx = g_main_context_ref(ctx ? ctx : g_main_context_default());
	srv->programs = g_ptr_array_new_with_free_func(program_free);
	srv->listeners = g_ptr_array_new_with_free_func(listener_free);
	srv->clients = g_hash_table_new(NULL, NULL);
	srv->set_fd = -1;
	srv->workers = g_thread_pool_new(rpc_dispatch_worker, srv, RPC_WORKERS, FALSE, NULL);
	srv->priority_workers = g_thread_pool_new(rpc_dispatch_worker, srv,
						  RPC_PRIORITY_WORKERS, FALSE, NULL);
	rpc_remote_connect_register(srv);
	return srv;
}

void rpc_server_run_on_loop(rpc_server *srv, GSourceFunc func, gpointer data,
			    GDestroyNotify destroy)
{
	GSource *src;

	if (g_main_context_is_owner(srv->ctx)) {
		func(data);
		if (destroy)
			destroy(data);
		return;
	}
	src = g_idle_source_new();
	g_source_set_priority(src, G_PRIORITY_DEFAULT);
	g_source_set_callback(src, func, data, destroy);
	g_source_attach(src, srv->ctx);
	g_source_unref(src);
}

void rpc_server_free(rpc_server *srv)
{
	GHashTableIter it;
	gpointer c;

	if (!srv)
		return;
	/* No new clients, no new calls. */
	g_ptr_array_set_size(srv->listeners, 0);
	while (g_hash_table_size(srv->clients)) {
		g_hash_table_iter_init(&it, srv->clients);
		g_hash_table_iter_next(&it, &c, NULL);
		rpc_client_close(c);
	}
	/* Calls on workers finish; their replies, and the events they
	 * emitted, go to closed clients: nowhere. */
	g_thread_pool_free(srv->workers, FALSE, TRUE);
	g_thread_pool_free(srv->priority_workers, FALSE, TRUE);
	while (g_main_context_iteration(srv->ctx, FALSE))
		;
	rpc_client_set_free(srv);
	g_hash_table_unref(srv->clients);
	g_ptr_array_unref(srv->listeners);
	g_ptr_array_unref(srv->programs);
	g_main_context_unref(srv->ctx);
	g_free(srv->relay_path);
	g_free(srv);
}

void rpc_server_set_host(rpc_server *srv, const rpc_host_ops *ops, void *opaque)
{
	srv->host = ops;
	srv->host_opaque = opaque;
}

void rpc_server_set_relay(rpc_server *srv, const char *path, bool session)
{
	g_free(srv->relay_path);
	srv->relay_path = g_strdup(path);
	srv->relay_session = session;
}

bool rpc_server_add_procedures(rpc_server *srv, uint32_t prog, uint32_t vers,
			       const rpc_procedure *procs, size_t n, void *data)
{
	rpc_program *p = NULL;

	for (guint i = 0; i < srv->programs->len && !p; i++) {
		rpc_program *q = g_ptr_array_index(srv->programs, i);

		if (q->prog == prog && q->vers == vers)
			p = q;
	}
	if (!p) {
		p = g_new0(rpc_program, 1);
		p->prog = prog;
		p->vers = vers;
		p->procs = g_hash_table_new_full(NULL, NULL, NULL, g_free);
		g_ptr_array_add(srv->programs, p);
	}
	for (size_t i = 0; i < n; i++) {
		rpc_entry *e;

		if ((procs[i].flags & RPC_PROC_TRY_LOOP) && !(procs[i].flags & RPC_PROC_SLOW)) {
			g_warning("rpc: procedure %d of program %#x: TRY_LOOP without SLOW",
				  procs[i].proc, prog);
			return false;
		}
		if (g_hash_table_contains(p->procs, GINT_TO_POINTER(procs[i].proc))) {
			g_warning("rpc: procedure %d of program %#x registered twice",
				  procs[i].proc, prog);
			return false;
		}
		e = g_new(rpc_entry, 1);
		e->proc = &procs[i];
		e->data = data;
		g_hash_table_insert(p->procs, GINT_TO_POINTER(procs[i].proc), e);
	}
	return true;
}

void rpc_server_add_client_fd(rpc_server *srv, int fd, bool read_only)
{
	g_unix_set_fd_nonblocking(fd, TRUE, NULL);
	rpc_client_new(srv, fd, read_only);
}

unsigned int rpc_server_client_count(rpc_server *srv)
{
	return g_hash_table_size(srv->clients);
}

static gboolean on_accept(gint fd, GIOCondition cond, gpointer data);

static void listener_watch(rpc_listener *l)
{
	l->source = g_unix_fd_source_new(l->fd, G_IO_IN);
	g_source_set_callback(l->source, G_SOURCE_FUNC(on_accept), l, NULL);
	g_source_attach(l->source, l->srv->ctx);
}

static gboolean listener_resume(gpointer data)
{
	rpc_listener *l = data;

	g_source_unref(l->source);
	listener_watch(l);
	return G_SOURCE_REMOVE;
}

/* Out of file descriptors: the pending connection would wake us at once
 * again. Listen again in a while (clients may have gone by then). */
static void listener_pause(rpc_listener *l)
{
	g_source_destroy(l->source);
	g_source_unref(l->source);
	l->source = g_timeout_source_new(RPC_ACCEPT_PAUSE_MS);
	g_source_set_callback(l->source, listener_resume, l, NULL);
	g_source_attach(l->source, l->srv->ctx);
}

static gboolean on_accept(gint fd, GIOCondition cond, gpointer data)
{
	rpc_listener *l = data;
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (cfd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			g_warning(_("cannot accept a client on %s: %s"), l->path,
				  g_strerror(errno));
			listener_pause(l);
			return G_SOURCE_REMOVE;
		}
		return G_SOURCE_CONTINUE;   /* EAGAIN, EINTR, ECONNABORTED */
	}
	if (g_hash_table_size(l->srv->clients) >= RPC_MAX_CLIENTS) {
		g_debug("rpc: %u clients already: refusing one on %s",
			RPC_MAX_CLIENTS, l->path);
		close(cfd);
		return G_SOURCE_CONTINUE;
	}
	rpc_client_new(l->srv, cfd, l->read_only);
	return G_SOURCE_CONTINUE;
}

/* Whether a daemon answers on path. */
static bool socket_alive(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return false;
	alive = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(fd);
	return alive;
}

bool rpc_server_listen_unix(rpc_server *srv, const char *path, unsigned int mode,
			    bool read_only, GError **err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	rpc_listener *l;
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_INTERNAL_ERROR,
			      _("socket path %s is too long"), path);
		return false;
	}
	strcpy(addr.sun_path, path);
	if (socket_alive(&addr)) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_INTERNAL_ERROR,
			      _("another daemon is listening on %s"), path);
		return false;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_SYSTEM_ERROR,
			      _("cannot remove %s: %s"), path, g_strerror(errno));
		return false;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    chmod(path, mode) < 0 || listen(fd, 128) < 0) {
		int e = errno;

		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_SYSTEM_ERROR,
			      _("cannot listen on %s: %s"), path, g_strerror(e));
		if (fd >= 0)
			close(fd);
		return false;
	}
	l = g_new0(rpc_listener, 1);
	l->srv = srv;
	l->fd = fd;
	l->path = g_strdup(path);
	l->read_only = read_only;
	listener_watch(l);
	g_ptr_array_add(srv->listeners, l);
	return true;
}

/* An encoded event on its way to the loop. */
typedef struct rpc_event {
	rpc_server *srv;
	int event_id;
	unsigned char uuid[VIR_UUID_BUFLEN];
	rpc_message *msg;           /* callbackID 0, patched per registration */
} rpc_event;

static void event_free(gpointer data)
{
	rpc_event *ev = data;

	rpc_message_free(ev->msg);
	g_free(ev);
}

/* A copy of the event for one registration. */
static rpc_message *event_for(const rpc_message *m, int callback_id)
{
	rpc_message *copy = g_new0(rpc_message, 1);
	uint32_t be = GUINT32_TO_BE((uint32_t)callback_id);

	copy->data = g_memdup2(m->data, m->len);
	copy->len = m->len;
	memcpy(copy->data + RPC_FRAME_MIN, &be, sizeof(be));
	return copy;
}

/* On the loop: to every client with a matching registration. */
static gboolean event_fan_out(gpointer data)
{
	rpc_event *ev = data;
	GList *clients = g_hash_table_get_keys(ev->srv->clients);

	/* Sending may drop a client: hold them all meanwhile. */
	g_list_foreach(clients, (GFunc)(void (*)(void))rpc_client_ref, NULL);
	for (GList *l = clients; l; l = l->next) {
		rpc_client *c = l->data;

		for (guint j = 0; j < c->event_cbs->len && !c->closed; j++) {
			const rpc_event_cb *cb = &g_array_index(c->event_cbs, rpc_event_cb, j);

			if (cb->event_id != ev->event_id ||
			    (cb->has_uuid && memcmp(cb->uuid, ev->uuid, VIR_UUID_BUFLEN)))
				continue;
			if (c->out_bytes + ev->msg->len > RPC_CLIENT_OUTPUT_MAX) {
				g_message(_("rpc: client %d dropped: it does not read its events"),
					  c->fd);
				rpc_client_close(c);
				break;
			}
			rpc_client_send(c, event_for(ev->msg, cb->callback_id));
		}
	}
	g_list_free_full(clients, (GDestroyNotify)rpc_client_unref);
	return G_SOURCE_REMOVE;
}

bool rpc_server_emit_domain_event(rpc_server *srv, int event_id,
				  const unsigned char uuid[VIR_UUID_BUFLEN],
				  int proc, xdrproc_t filter, const void *msg, GError **err)
{
	xvm_net_header h = {
		.prog = REMOTE_PROGRAM,
		.vers = REMOTE_PROTOCOL_VERSION,
		.proc = proc,
		.type = XVM_NET_MESSAGE,
		.serial = 0,
		.status = XVM_NET_OK,
	};
	rpc_event *ev = g_new0(rpc_event, 1);

	ev->msg = rpc_message_encode(&h, filter, msg, err);
	if (!ev->msg || ev->msg->len < RPC_FRAME_MIN + sizeof(uint32_t)) {
		if (ev->msg)
			xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_INTERNAL_ERROR,
				      _("internal error: event %d has no callbackID"), proc);
		event_free(ev);
		return false;
	}
	ev->srv = srv;
	ev->event_id = event_id;
	memcpy(ev->uuid, uuid, VIR_UUID_BUFLEN);
	/* At once on the loop thread; queued from any other. */
	rpc_server_run_on_loop(srv, event_fan_out, ev, event_free);
	return true;
}
