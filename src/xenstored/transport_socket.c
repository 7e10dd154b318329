/* The unix socket transport: every client is privileged (dom0's tools). */
#include "transport.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "connection.h"
#include "log.h"
#include "util.h"

#define MAX_SOCKET_CONNS 4096

struct sock {
	int fd;
	struct event *rev, *wev;
	struct connection *conn;
	bool reading, writing;
};

static struct event_base *base;
static int listen_fd = -1;
static struct event *listen_ev;
static char *listen_path;
static unsigned int nconns;
static int log_limit;

static ssize_t sock_read(struct connection *conn, void *buf, size_t len)
{
	struct sock *s = conn->transport;

	for (;;) {
		ssize_t n = recv(s->fd, buf, len, 0);
		if (n > 0)
			return n;
		if (n == 0) {
			errno = 0;
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -1;
	}
}

static ssize_t sock_write(struct connection *conn, const void *buf, size_t len)
{
	struct sock *s = conn->transport;

	for (;;) {
		ssize_t n = send(s->fd, buf, len, MSG_NOSIGNAL);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -1;
	}
}

static void sock_want(struct connection *conn, bool rd, bool wr)
{
	struct sock *s = conn->transport;

	if (rd != s->reading) {
		if (rd)
			event_add(s->rev, NULL);
		else
			event_del(s->rev);
		s->reading = rd;
	}
	if (wr != s->writing) {
		if (wr)
			event_add(s->wev, NULL);
		else
			event_del(s->wev);
		s->writing = wr;
	}
}

static void sock_close(struct connection *conn)
{
	struct sock *s = conn->transport;

	event_free(s->rev);
	event_free(s->wev);
	close(s->fd);
	free(s);
	nconns--;
}

static const struct conn_ops sock_ops = {
	.name = "socket",
	.read = sock_read,
	.write = sock_write,
	.want = sock_want,
	.close = sock_close,
};

static void sock_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sock *s = arg;

	(void)fd; (void)what;
	conn_handle_input(s->conn);
	conn_flush_all();
}

static void sock_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sock *s = arg;

	(void)fd; (void)what;
	conn_flush(s->conn);
	conn_flush_all();
}

static void accept_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)what; (void)arg;
	for (;;) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct sock *s;

		if (cfd < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				xs_log_ratelimited(&log_limit, LOG_WARNING,
						   "accept: %s", strerror(errno));
			return;
		}
		if (nconns >= MAX_SOCKET_CONNS) {
			xs_log_ratelimited(&log_limit, LOG_WARNING,
				"refusing socket connection: %u connections open",
				nconns);
			close(cfd);
			continue;
		}
		s = xcalloc(1, sizeof(*s));
		s->fd = cfd;
		s->conn = conn_new(NULL, &sock_ops, s, 0, true);
		if (!s->conn)
			xs_fatal("out of memory");
		s->rev = event_new(base, cfd, EV_READ | EV_PERSIST, sock_read_cb, s);
		s->wev = event_new(base, cfd, EV_WRITE | EV_PERSIST, sock_write_cb, s);
		nconns++;
		sock_want(s->conn, true, false);
	}
}

int socket_listen(struct event_base *b, const char *path)
{
	struct sockaddr_un addr;
	int fd, saved;

	base = b;
	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	strcpy(addr.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    chmod(path, 0600) || listen(fd, 128)) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	listen_fd = fd;
	listen_path = strdup(path);
	listen_ev = event_new(base, fd, EV_READ | EV_PERSIST, accept_cb, NULL);
	event_add(listen_ev, NULL);
	return 0;
}

void socket_shutdown(void)
{
	if (listen_ev)
		event_free(listen_ev);
	if (listen_fd >= 0)
		close(listen_fd);
	if (listen_path) {
		unlink(listen_path);
		free(listen_path);
	}
	listen_ev = NULL;
	listen_fd = -1;
	listen_path = NULL;
}
