#include "daemons.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static gboolean can_connect(const char *path, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	gboolean ok;

	g_assert_cmpint(s, >=, 0);
	g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
	ok = connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(s);
	return ok;
}

void daemon_start(struct daemon *d, const char *const *argv, const char *socket,
		  int type)
{
	g_autoptr(GError) err = NULL;

	g_assert_true(g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
				    NULL, NULL, &d->pid, &err));
	g_assert_no_error(err);
	d->socket = g_strdup(socket);
	for (int i = 0; i < 1000; i++) {
		int status;

		if (can_connect(socket, type))
			return;
		if (waitpid(d->pid, &status, WNOHANG) == d->pid)
			g_error("%s exited before it listened (status %d)", argv[0], status);
		g_usleep(10000);
	}
	g_error("%s does not listen on %s", argv[0], socket);
}

void daemon_stop(struct daemon *d)
{
	int status;

	g_assert_cmpint(kill(d->pid, SIGTERM), ==, 0);
	g_assert_cmpint(waitpid(d->pid, &status, 0), ==, d->pid);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
	g_spawn_close_pid(d->pid);
	g_free(d->socket);
}

gboolean fd_wait(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;

	do
		n = poll(&p, 1, ms);
	while (n < 0 && errno == EINTR);
	return n == 1;
}
