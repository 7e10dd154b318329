/* See server.h. */
#include "server.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "dispatch.h"
#include "simhv_conn.h"

struct client {
	struct server *s;
	int fd;
	guint watch;
};

struct server {
	struct machine *m;
	char *path;
	int fd;
	guint watch;
	GList *clients;
	/* One request and one reply at a time: single-threaded. */
	unsigned char req[SIMHV_MSG_MAX];
	struct dispatch_reply rep;
};

static void client_free(struct client *c)
{
	struct server *s = c->s;

	s->clients = g_list_remove(s->clients, c);
	if (c->watch)
		g_source_remove(c->watch);
	close(c->fd);
	machine_release(s->m, c);
	g_free(c);
}

static gboolean on_client(gint fd, GIOCondition cond, gpointer data)
{
	struct client *c = data;
	struct server *s = c->s;
	int fds[SIMHV_MAX_FDS];
	unsigned int nfds;
	ssize_t n;

	(void)cond;
	n = simhv_recv(fd, s->req, sizeof(s->req), fds, &nfds, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n < 0 && errno == EMSGSIZE) {
		/* Oversized or too many descriptors: an error, and go on. */
		struct simhv_reply h = { .err = EMSGSIZE };
		const char *msg = _("request too large");

		h.len = (uint32_t)strlen(msg);
		if (simhv_send(fd, &h, sizeof(h), msg, h.len, NULL, 0, MSG_DONTWAIT))
			goto drop;
		return G_SOURCE_CONTINUE;
	}
	if (n <= 0)
		goto drop;   /* closed (what it sent before was served), or broken */
	dispatch_request(s->m, c, s->req, (size_t)n, fds, nfds, &s->rep);
	n = simhv_send(fd, s->rep.buf, s->rep.len, NULL, 0, s->rep.fds, s->rep.nfds,
		       MSG_DONTWAIT);
	for (unsigned int i = 0; i < s->rep.nfds; i++)
		close(s->rep.fds[i]);
	if (n < 0) {
		/* EPIPE: it went away. EAGAIN: its replies pile up unread. */
		if (errno != EPIPE && errno != ECONNRESET)
			g_message(_("dropping a client that does not read its replies: %s"),
				  g_strerror(errno));
		goto drop;
	}
	return G_SOURCE_CONTINUE;
drop:
	c->watch = 0;   /* removed by our return */
	client_free(c);
	return G_SOURCE_REMOVE;
}

static gboolean on_accept(gint fd, GIOCondition cond, gpointer data)
{
	struct server *s = data;
	struct client *c;
	int cfd;

	(void)cond;
	cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			g_warning(_("cannot accept a client: %s"), g_strerror(errno));
		return G_SOURCE_CONTINUE;
	}
	c = g_new0(struct client, 1);
	c->s = s;
	c->fd = cfd;
	c->watch = g_unix_fd_add(cfd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_client, c);
	s->clients = g_list_prepend(s->clients, c);
	return G_SOURCE_CONTINUE;
}

struct server *server_new(struct machine *m, const char *path, GError **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct server *s;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		g_set_error(err, SIM_ERROR, ENAMETOOLONG,
			    _("socket path too long: %s"), path);
		return NULL;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd >= 0) {
		unlink(path);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 64)) {
			int saved = errno;
			close(fd);
			fd = -1;
			errno = saved;
		}
	}
	if (fd < 0) {
		g_set_error(err, SIM_ERROR, errno,
			    _("cannot listen on %s: %s"), path, g_strerror(errno));
		return NULL;
	}
	s = g_new0(struct server, 1);
	s->m = m;
	s->path = g_strdup(path);
	s->fd = fd;
	s->watch = g_unix_fd_add(fd, G_IO_IN, on_accept, s);
	return s;
}

void server_free(struct server *s)
{
	if (!s)
		return;
	while (s->clients)
		client_free(s->clients->data);
	g_source_remove(s->watch);
	close(s->fd);
	unlink(s->path);
	g_free(s->path);
	g_free(s);
}
