/* See daemon.h. */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static bool socket_answers(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	g_assert_cmpint(fd, >=, 0);
	g_strlcpy(a.sun_path, path, sizeof(a.sun_path));
	ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

void test_daemon_start(struct test_daemon *d, const char *const *extra)
{
	const char *exe = g_getenv("XSCLIENT_XENSTORED");
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;
	g_autofree char *log = NULL;
	pid_t parent;
	int status;

	g_assert_nonnull(exe);
	d->dir = g_dir_make_tmp("xsclient-XXXXXX", &err);
	g_assert_no_error(err);
	d->socket = g_build_filename(d->dir, "socket", NULL);
	log = g_build_filename(d->dir, "daemon.log", NULL);
	g_ptr_array_add(argv, g_strdup(exe));
	g_ptr_array_add(argv, g_strdup("-N"));
	g_ptr_array_add(argv, g_strdup("--socket"));
	g_ptr_array_add(argv, g_strdup(d->socket));
	for (size_t i = 0; extra && extra[i]; i++)
		g_ptr_array_add(argv, g_strdup(extra[i]));
	g_ptr_array_add(argv, NULL);

	parent = getpid();
	d->pid = fork();
	g_assert_cmpint(d->pid, >=, 0);
	if (d->pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		/* A test that fails aborts: its daemons go with it. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
			_exit(127);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(exe, (char **)argv->pdata);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			g_autofree char *text = NULL;

			g_file_get_contents(log, &text, NULL, NULL);
			g_error("xenstored exited at start-up (status %d): %s",
				status, text ? text : "");
		}
		if (socket_answers(d->socket))
			return;
		g_usleep(50000);
	}
	g_error("xenstored did not answer on %s", d->socket);
}

static int wait_pid(pid_t pid)
{
	int status;

	for (int i = 0; i < 200; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		g_assert_cmpint(r, >=, 0);
		if (r == pid)
			return status;
		g_usleep(50000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	g_error("xenstored (pid %d) did not exit", (int)pid);
}

void test_daemon_stop(struct test_daemon *d)
{
	int status;

	g_assert_cmpint(d->pid, >, 0);
	g_assert_cmpint(kill(d->pid, SIGTERM), ==, 0);
	status = wait_pid(d->pid);
	d->pid = 0;
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

void test_daemon_kill(struct test_daemon *d)
{
	g_assert_cmpint(d->pid, >, 0);
	g_assert_cmpint(kill(d->pid, SIGKILL), ==, 0);
	wait_pid(d->pid);
	d->pid = 0;
}

void test_daemon_cleanup(struct test_daemon *d)
{
	if (d->pid > 0)
		test_daemon_kill(d);
	if (d->dir) {
		g_autoptr(GDir) dir = g_dir_open(d->dir, 0, NULL);
		const char *name;

		while (dir && (name = g_dir_read_name(dir))) {
			g_autofree char *p = g_build_filename(d->dir, name, NULL);

			g_unlink(p);
		}
		g_rmdir(d->dir);
	}
	g_clear_pointer(&d->dir, g_free);
	g_clear_pointer(&d->socket, g_free);
}
