/* See stack.h. */
#include "stack.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int unix_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	g_assert_cmpint(fd, >=, 0);
	g_strlcpy(a.sun_path, path, sizeof(a.sun_path));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
		return fd;
	close(fd);
	return -1;
}

/* The daemon listens on path: its file exists from bind() on, a connect
 * is refused until listen() (a loaded machine runs the test in between). */
static bool socket_answers(const char *path)
{
	static const int types[] = { SOCK_STREAM, SOCK_SEQPACKET };

	for (size_t i = 0; i < G_N_ELEMENTS(types); i++) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
		bool ok;

		g_assert_cmpint(fd, >=, 0);
		g_strlcpy(a.sun_path, path, sizeof(a.sun_path));
		ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
		close(fd);
		if (ok)
			return true;
	}
	return false;
}

static void proc_fail(struct proc *p, const char *why)
{
	g_autofree char *text = NULL, *dir = g_path_get_dirname(p->log);
	g_autofree char *vg_path = g_build_filename(dir, "valgrind.log", NULL), *vg = NULL;

	g_file_get_contents(p->log, &text, NULL, NULL);
	g_file_get_contents(vg_path, &vg, NULL, NULL);
	g_error("%s %s; its log:\n%s%s", p->name, why, text ? text : "", vg ? vg : "");
}

/* Starts argv with its output in dir/NAME.log; waits for socket to
 * answer (10 s). */
static void proc_start(struct stack *s, struct proc *p, const char *name,
		       GPtrArray *argv, const char *socket)
{
	pid_t parent;
	int status;

	p->name = name;
	p->log = g_strdup_printf("%s/%s.log", s->dir, name);
	g_ptr_array_add(argv, NULL);
	parent = getpid();
	p->pid = fork();
	g_assert_cmpint(p->pid, >=, 0);
	if (p->pid == 0) {
		int fd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		/* A test that fails aborts: its daemons go with it. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
			_exit(127);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv->pdata[0], (char **)argv->pdata);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
			p->pid = 0;
			proc_fail(p, "exited at start-up");
		}
		if (socket_answers(socket))
			return;
		g_usleep(50000);
	}
	proc_fail(p, "did not create its socket");
}

static void proc_stop(struct proc *p)
{
	int status = 0;
	pid_t r = 0;

	g_assert_cmpint(p->pid, >, 0);
	/* Still running: it survived whatever the test did. */
	if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
		p->pid = 0;
		proc_fail(p, "died during the test");
	}
	g_assert_cmpint(kill(p->pid, SIGTERM), ==, 0);
	for (int i = 0; i < 200 && r == 0; i++) {
		r = waitpid(p->pid, &status, WNOHANG);
		if (r == 0)
			g_usleep(50000);
	}
	if (r != p->pid) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &status, 0);
		p->pid = 0;
		proc_fail(p, "did not exit on SIGTERM");
	}
	p->pid = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		proc_fail(p, "did not exit with status 0");
}

void stack_start(struct stack *s, const char *const *xenstored_args)
{
	g_autoptr(GPtrArray) a = g_ptr_array_new();
	g_autoptr(GPtrArray) b = g_ptr_array_new();
	g_autoptr(GError) err = NULL;
	g_autofree char *spec = NULL;
	const char *simhv = g_getenv("SIMRINGS_SIMHV");
	const char *xenstored = g_getenv("SIMRINGS_XENSTORED");
	int fd;

	g_assert_nonnull(simhv);
	g_assert_nonnull(xenstored);
	memset(s, 0, sizeof(*s));
	s->dir = g_dir_make_tmp("sim-rings-XXXXXX", &err);
	g_assert_no_error(err);
	s->simhv_sock = g_build_filename(s->dir, "simhv.sock", NULL);
	s->xs_sock = g_build_filename(s->dir, "xenstored.sock", NULL);

	g_ptr_array_add(a, (char *)simhv);
	g_ptr_array_add(a, "--no-fork");
	g_ptr_array_add(a, "--socket");
	g_ptr_array_add(a, s->simhv_sock);
	g_ptr_array_add(a, "--run-dir");
	g_ptr_array_add(a, s->dir);
	proc_start(s, &s->simhv, "xvm-simhv-relay", a, s->simhv_sock);

	if (g_getenv("SIMRINGS_VALGRIND")) {
		/* Errors or definite leaks make it exit 99: stack_stop() fails. */
		s->valgrind_log = g_strdup_printf("--log-file=%s/valgrind.log", s->dir);
		g_ptr_array_add(b, "/usr/bin/valgrind");
		g_ptr_array_add(b, "-q");
		g_ptr_array_add(b, "--leak-check=full");
		g_ptr_array_add(b, "--errors-for-leak-kinds=definite");
		g_ptr_array_add(b, "--error-exitcode=99");
		g_ptr_array_add(b, s->valgrind_log);
	}
	g_ptr_array_add(b, (char *)xenstored);
	g_ptr_array_add(b, "-N");
	g_ptr_array_add(b, "--socket");
	g_ptr_array_add(b, s->xs_sock);
	g_ptr_array_add(b, "--simhv");
	g_ptr_array_add(b, s->simhv_sock);
	for (size_t i = 0; xenstored_args && xenstored_args[i]; i++)
		g_ptr_array_add(b, (char *)xenstored_args[i]);
	proc_start(s, &s->xenstored, "xenstored", b, s->xs_sock);

	spec = g_strdup_printf("sim:%s", s->simhv_sock);
	s->hv = hv_open(spec, &err);
	g_assert_no_error(err);
	s->dom0 = xs_client_open_socket(s->xs_sock, NULL, &err);
	g_assert_no_error(err);

	/* The PV kernel the machine checks (a non-empty file); the relay
	 * kernel runs whatever it is. */
	s->kernel = g_build_filename(s->dir, "vmlinuz", NULL);
	fd = open(s->kernel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(write(fd, "relay", 5), ==, 5);
	close(fd);
}

void stack_stop(struct stack *s)
{
	xs_client_free(s->dom0);
	hv_close(s->hv);
	proc_stop(&s->xenstored);
	proc_stop(&s->simhv);
	{
		g_autoptr(GDir) d = g_dir_open(s->dir, 0, NULL);
		const char *name;

		while (d && (name = g_dir_read_name(d))) {
			g_autofree char *p = g_build_filename(s->dir, name, NULL);

			g_unlink(p);
		}
	}
	g_rmdir(s->dir);
	g_free(s->simhv.log);
	g_free(s->xenstored.log);
	g_free(s->kernel);
	g_free(s->valgrind_log);
	g_free(s->simhv_sock);
	g_free(s->xs_sock);
	g_free(s->dir);
}

/* ---- test guests -------------------------------------------------------- */

static void guest_notify_cb(void *opaque)
{
	guest_notify(opaque);
}

static void guest_closed_cb(xs_client_t *c, void *data)
{
	struct guest *g = data;

	g->closed++;
}

static gboolean on_evtchn(gint fd, GIOCondition cond, gpointer data)
{
	struct guest *g = data;
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	g_assert_cmpint(n, >, 0);        /* the kernel lives as long as g */
	g->events++;
	if (g->xs && !g->deaf)
		xs_client_ring_event(g->xs);
	return G_SOURCE_CONTINUE;
}

struct guest *guest_new(struct stack *s, bool with_client)
{
	struct guest *g = g_new0(struct guest, 1);
	struct hv_create_config cc = { .type = HV_DOMAIN_PV, .max_vcpus = 1 };
	struct hv_build_config bc = {
		.kernel = s->kernel, .memory_kib = 16384,
		.store_domid = 0, .console_domid = 0,
	};
	struct hv_build_result res;
	g_autoptr(GError) err = NULL;
	g_autofree char *page_path = NULL, *evtchn_path = NULL, *owner = NULL;
	const char *perms[1];
	int fd;
	void *page;

	g->s = s;
	g->evtchn = -1;
	g_assert_true(hv_domain_create(s->hv, &cc, &g->domid, &err));
	g_assert_no_error(err);
	g_assert_true(hv_domain_set_max_mem(s->hv, g->domid, 32768, &err));
	g_assert_true(hv_domain_build(s->hv, g->domid, &bc, &res, &err));
	g_assert_no_error(err);
	g_assert_true(hv_domain_unpause(s->hv, g->domid, &err));
	g_assert_no_error(err);

	/* The page as the guest sees it: simhv's page file. */
	page_path = g_strdup_printf("%s/dom%u-store", s->dir, g->domid);
	fd = open(page_path, O_RDWR | O_CLOEXEC);
	g_assert_cmpint(fd, >=, 0);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	g_assert_true(page != MAP_FAILED);
	close(fd);
	g->intf = page;

	/* The event channel, through the relay kernel (it booted with the
	 * unpause: its socket is there once simhv answered). */
	evtchn_path = g_strdup_printf("%s/dom%u-xs-evtchn", s->dir, g->domid);
	for (int i = 0; i < 100 && g->evtchn < 0; i++) {
		g->evtchn = unix_connect(evtchn_path);
		if (g->evtchn < 0)
			g_usleep(20000);
	}
	g_assert_cmpint(g->evtchn, >=, 0);
	g_assert_true(g_unix_set_fd_nonblocking(g->evtchn, TRUE, NULL));
	g->evtchn_watch = g_unix_fd_add(g->evtchn, G_IO_IN | G_IO_HUP, on_evtchn, g);
	if (with_client)
		guest_open_client(g);

	/* What the toolstack does: the guest's home, then INTRODUCE. */
	g->home = g_strdup_printf("/local/domain/%u", g->domid);
	owner = g_strdup_printf("n%u", g->domid);
	perms[0] = owner;
	g_assert_true(xs_write(s->dom0, 0, g->home, "", &err));
	g_assert_true(xs_set_perms(s->dom0, 0, g->home, perms, 1, &err));
	g_assert_no_error(err);
	g_assert_true(xs_introduce(s->dom0, g->domid, res.store_gfn, res.store_port, &err));
	g_assert_no_error(err);
	return g;
}

void guest_open_client(struct guest *g)
{
	g_assert_null(g->xs);
	g->closed = 0;
	g->xs = xs_client_open_ring(g->intf, guest_notify_cb, g, NULL);
	xs_client_set_closed_cb(g->xs, guest_closed_cb, g);
}

void guest_free(struct guest *g)
{
	g_autoptr(GError) err = NULL;

	xs_client_free(g->xs);
	g_source_remove(g->evtchn_watch);
	close(g->evtchn);
	munmap(g->intf, 4096);
	g_assert_true(hv_domain_destroy(g->s->hv, g->domid, &err));
	g_assert_no_error(err);
	g_free(g->home);
	g_free(g);
}

void guest_notify(struct guest *g)
{
	char b = 'n';

	/* EAGAIN: the kernel has unread notifications, which say the same. */
	if (send(g->evtchn, &b, 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		g_assert_cmpint(errno, ==, EAGAIN);
}

size_t guest_write_raw(struct guest *g, const void *buf, size_t len)
{
	struct xenstore_domain_interface *intf = g->intf;
	XENSTORE_RING_IDX cons = __atomic_load_n(&intf->req_cons, __ATOMIC_ACQUIRE);
	XENSTORE_RING_IDX prod = intf->req_prod;
	size_t room = XENSTORE_RING_SIZE - (prod - cons), n = MIN(room, len);

	for (size_t i = 0; i < n; i++)
		intf->req[MASK_XENSTORE_IDX(prod + i)] = ((const char *)buf)[i];
	__atomic_store_n(&intf->req_prod, prod + (XENSTORE_RING_IDX)n, __ATOMIC_RELEASE);
	guest_notify(g);
	return n;
}

void guest_listen(struct guest *g)
{
	g->deaf = false;
	xs_client_ring_event(g->xs);
}

static gboolean expire(gpointer data)
{
	*(bool *)data = true;
	return G_SOURCE_REMOVE;
}

void wait_flag(const bool *flag, unsigned int secs)
{
	bool expired = false;
	guint t = g_timeout_add_seconds(secs, expire, &expired);

	while (!*flag && !expired)
		g_main_context_iteration(NULL, TRUE);
	g_assert_false(expired);
	g_source_remove(t);
}

void wait_count(const unsigned int *counter, unsigned int n, unsigned int secs)
{
	bool expired = false;
	guint t = g_timeout_add_seconds(secs, expire, &expired);

	while (*counter < n && !expired)
		g_main_context_iteration(NULL, TRUE);
	if (expired)
		g_error("waited %u s for %u, got %u", secs, n, *counter);
	g_source_remove(t);
}

void run_for(unsigned int ms)
{
	bool expired = false;

	g_timeout_add(ms, expire, &expired);
	while (!expired)
		g_main_context_iteration(NULL, TRUE);
}
