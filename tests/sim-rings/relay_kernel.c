/* A guest "kernel" for xvm-simhv whose xenbus is a test program: it
 * hands the domain's xenstore event channel to whoever connects to
 * RUN_DIR/domN-xs-evtchn (a unix stream socket), so that the test plays
 * the guest's side of a real ring (the page is simhv's page file
 * RUN_DIR/domN-store) against a real xenstored.
 *
 * The relay, one byte per event either way:
 *   test -> kernel: any byte is EVTCHNOP_send on the store port;
 *   kernel -> test: a byte for each event xenstored sent on it (events
 *   coalesce as event channels do: while the test has not read, a full
 *   socket drops the byte, one is enough).
 * Linked with simhv's main.c into xvm-simhv-relay (tests only): every
 * domain of that machine runs this kernel. No save/restore. */
#include <errno.h>
#include <glib.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "guest.h"

struct relay {
	struct sim_domain *dom;
	uint32_t store_port;
	char *path;
	int listen_fd;
	int conn_fd;                     /* -1: nobody connected yet */
	guint listen_watch, conn_watch;
	bool missed;                     /* an event before the connection */
};

static void relay_event_out(struct relay *r)
{
	char b = 'e';

	if (r->conn_fd < 0) {
		r->missed = true;
		return;
	}
	/* EAGAIN: the test has unread bytes, which say the same. */
	(void)!send(r->conn_fd, &b, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void relay_disconnect(struct relay *r)
{
	if (r->conn_watch)
		g_source_remove(r->conn_watch);
	r->conn_watch = 0;
	if (r->conn_fd >= 0)
		close(r->conn_fd);
	r->conn_fd = -1;
}

static gboolean on_conn(gint fd, GIOCondition cond, gpointer data)
{
	struct relay *r = data;
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n <= 0) {
		r->conn_watch = 0;
		relay_disconnect(r);
		return G_SOURCE_REMOVE;
	}
	/* Notifications coalesce: one send for the lot. */
	sim_hc_evtchn_send(r->dom, r->store_port);
	return G_SOURCE_CONTINUE;
}

static gboolean on_accept(gint fd, GIOCondition cond, gpointer data)
{
	struct relay *r = data;
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (c < 0)
		return G_SOURCE_CONTINUE;
	relay_disconnect(r);             /* one test at a time */
	r->conn_fd = c;
	r->conn_watch = g_unix_fd_add(c, G_IO_IN | G_IO_HUP | G_IO_ERR, on_conn, r);
	if (r->missed) {
		r->missed = false;
		relay_event_out(r);
	}
	return G_SOURCE_CONTINUE;
}

static void *relay_boot(const struct sim_guest_env *env)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct relay *r = g_new0(struct relay, 1);

	r->dom = env->dom;
	r->store_port = env->store_port;
	r->conn_fd = -1;
	r->path = g_strdup_printf("%s/dom%u-xs-evtchn", env->run_dir, env->domid);
	r->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (r->listen_fd < 0 || strlen(r->path) >= sizeof(a.sun_path))
		goto fail;
	strcpy(a.sun_path, r->path);
	g_unlink(r->path);
	if (bind(r->listen_fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(r->listen_fd, 4))
		goto fail;
	r->listen_watch = g_unix_fd_add(r->listen_fd, G_IO_IN, on_accept, r);
	return r;
fail:
	fprintf(stderr, "relay kernel, domain %u: %s: %s\n", env->domid, r->path,
		g_strerror(errno));
	if (r->listen_fd >= 0)
		close(r->listen_fd);
	g_free(r->path);
	g_free(r);
	return NULL;
}

static void relay_stop(void *kernel)
{
	struct relay *r = kernel;

	relay_disconnect(r);
	g_source_remove(r->listen_watch);
	close(r->listen_fd);
	g_unlink(r->path);
	g_free(r->path);
	g_free(r);
}

static void relay_event(void *kernel, uint32_t port)
{
	struct relay *r = kernel;

	if (port == r->store_port)
		relay_event_out(r);
}

static void *relay_restore(const struct sim_guest_env *env, const void *blob, size_t len)
{
	return NULL;                     /* not supported: the domain crashes */
}

static void *relay_save(void *kernel, size_t *len)
{
	*len = 0;
	return g_malloc(1);
}

static void relay_nothing(void *kernel)
{
}

const struct sim_guest_ops sim_guest_kernel_ops = {
	.boot = relay_boot,
	.restore = relay_restore,
	.save = relay_save,
	.event = relay_event,
	.pause = relay_nothing,
	.unpause = relay_nothing,
	.stop = relay_stop,
};
