/* The unix socket transport: xenstored's socket, non-blocking, watched on
 * the client's main context (G_IO_IN always, G_IO_OUT while output waits). */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct sock {
	int fd;
	GSource *in_src;
	GSource *out_src;
};

static gboolean sock_in_cb(gint fd, GIOCondition cond, gpointer data)
{
	xs_client_t *c = data;

	client_enter(c);
	client_io_readable(c);
	/* Callbacks may have queued requests: the out watch sends them. */
	return client_leave(c) && !c->failed ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean sock_out_cb(gint fd, GIOCondition cond, gpointer data)
{
	xs_client_t *c = data;

	client_enter(c);
	client_io_writable(c);
	return client_leave(c) && !c->failed ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static GSource *sock_watch(xs_client_t *c, GIOCondition cond, GUnixFDSourceFunc fn)
{
	struct sock *s = c->tp;
	GSource *src = g_unix_fd_source_new(s->fd, cond);

	g_source_set_callback(src, G_SOURCE_FUNC(fn), c, NULL);
	g_source_attach(src, c->ctx);
	return src;
}

static void source_drop(GSource **src)
{
	if (*src) {
		g_source_destroy(*src);
		g_source_unref(*src);
		*src = NULL;
	}
}

static ssize_t sock_read(xs_client_t *c, void *buf, size_t len, const char **why)
{
	struct sock *s = c->tp;
	ssize_t n;

	do
		n = recv(s->fd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		return n;
	if (n == 0) {
		*why = "the daemon closed the connection";
		return -1;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	*why = g_strerror(errno);
	return -1;
}

static ssize_t sock_write(xs_client_t *c, const void *buf, size_t len, const char **why)
{
	struct sock *s = c->tp;
	ssize_t n;

	do
		n = send(s->fd, buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	*why = g_strerror(errno);
	return -1;
}

static void sock_want_write(xs_client_t *c, bool want)
{
	struct sock *s = c->tp;

	if (want && !s->out_src && !c->failed)
		s->out_src = sock_watch(c, G_IO_OUT, sock_out_cb);
	else if (!want)
		source_drop(&s->out_src);
}

static int sock_sync_fd(xs_client_t *c)
{
	struct sock *s = c->tp;

	return s->fd;
}

static void sock_stop(xs_client_t *c)
{
	struct sock *s = c->tp;

	source_drop(&s->in_src);
	source_drop(&s->out_src);
}

static void sock_destroy(xs_client_t *c)
{
	struct sock *s = c->tp;

	close(s->fd);
	g_free(s);
}

static const struct xs_transport_ops sock_ops = {
	.read = sock_read,
	.write = sock_write,
	.want_write = sock_want_write,
	.sync_fd = sock_sync_fd,
	.stop = sock_stop,
	.destroy = sock_destroy,
};

xs_client_t *xs_client_open_socket(const char *path, GMainContext *ctx, GError **err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct sock *s;
	xs_client_t *c;
	int fd;

	g_return_val_if_fail(path != NULL, NULL);
	if (strlen(path) >= sizeof(addr.sun_path)) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG,
			    _("xenstore socket path '%s' is too long"), path);
		return NULL;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    !g_unix_set_fd_nonblocking(fd, TRUE, NULL)) {
		int e = errno;

		g_set_error(err, G_IO_ERROR, g_io_error_from_errno(e),
			    _("Cannot connect to xenstore at '%s': %s"), path, g_strerror(e));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	s = g_new0(struct sock, 1);
	s->fd = fd;
	c = client_new(&sock_ops, s, ctx);
	s->in_src = sock_watch(c, G_IO_IN | G_IO_HUP | G_IO_ERR, sock_in_cb);
	return c;
}
