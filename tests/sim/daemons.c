#include "daemons.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
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

/* A test that fails does not stop its daemons: they go with it. */
static void die_with_parent(gpointer data)
{
	(void)data;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

void daemon_start(struct daemon *d, const char *const *argv, const char *socket,
		  int type)
{
	static const char *const valgrind[] = {
		"valgrind", "-q", "--leak-check=full", "--errors-for-leak-kinds=definite",
		"--error-exitcode=99", NULL,
	};
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	g_autoptr(GError) err = NULL;

	/* SIM_TEST_VALGRIND=1: the daemons under memcheck; an error or a
	 * definite leak is exit status 99, which daemon_stop() refuses. */
	if (g_strcmp0(g_getenv("SIM_TEST_VALGRIND"), "1") == 0)
		for (const char *const *v = valgrind; *v; v++)
			g_ptr_array_add(args, (char *)*v);
	for (const char *const *a = argv; *a; a++)
		g_ptr_array_add(args, (char *)*a);
	g_ptr_array_add(args, NULL);
	g_assert_true(g_spawn_async(NULL, (char **)args->pdata, NULL,
				    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
				    die_with_parent, NULL, &d->pid, &err));
	g_assert_no_error(err);
	d->socket = g_strdup(socket);
	for (int i = 0; i < 3000; i++) {
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
