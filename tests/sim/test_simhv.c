/* xvm-simhv as a process (its test build, with test_kernel.c), driven
 * through hv.h (hv_open("sim:...")) and platform.h (platform_sim), and by
 * hand with malformed requests. Usage: test-simhv XVM-SIMHV-BINARY */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xen/sched.h>
#include <xvm/hv.h>
#include <xvm/platform.h>

#include "daemons.h"
#include "simhv_conn.h"
#include "simhv_proto.h"

static const char *simhv_bin;

struct fx {
	char *dir;
	char *kernel;
	struct daemon simhv;
	hv_t *hv;
};

static void fx_setup(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *sock = NULL, *pid = NULL, *spec = NULL;

	(void)data;
	f->dir = g_dir_make_tmp("xvm-simhv-XXXXXX", &err);
	g_assert_no_error(err);
	sock = g_build_filename(f->dir, "simhv.sock", NULL);
	pid = g_build_filename(f->dir, "simhv.pid", NULL);
	{
		const char *argv[] = { simhv_bin, "--no-fork", "--run-dir", f->dir,
				       "--socket", sock, "--pid-file", pid, "--cpus", "2",
				       "--memory", "2048", "--dom0-memory", "512", NULL };
		daemon_start(&f->simhv, argv, sock, SOCK_SEQPACKET);
	}
	spec = g_strconcat("sim:", sock, NULL);
	f->hv = hv_open(spec, &err);
	g_assert_no_error(err);
	g_assert_cmpstr(hv_backend_name(f->hv), ==, "sim");
	f->kernel = g_build_filename(f->dir, "vmlinuz", NULL);
	g_assert_true(g_file_set_contents(f->kernel, "\177ELF kernel", -1, NULL));
}

static void fx_teardown(struct fx *f, gconstpointer data)
{
	g_autoptr(GDir) d = NULL;
	const char *name;

	(void)data;
	hv_close(f->hv);
	daemon_stop(&f->simhv);
	/* The daemon took its socket, pid file and pages away. */
	d = g_dir_open(f->dir, 0, NULL);
	while ((name = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(f->dir, name, NULL);
		if (!g_str_equal(name, "vmlinuz") && !g_str_has_prefix(name, "aux"))
			g_error("left behind: %s", name);
		g_unlink(p);
	}
	g_rmdir(f->dir);
	g_free(f->dir);
	g_free(f->kernel);
}

static uint32_t create(struct fx *f, enum hv_domain_type type, uint32_t vcpus)
{
	struct hv_create_config c = { .type = type, .max_vcpus = vcpus, .uuid = { 1, 2, 3 } };
	g_autoptr(GError) err = NULL;
	uint32_t domid;

	g_assert_true(hv_domain_create(f->hv, &c, &domid, &err));
	g_assert_no_error(err);
	return domid;
}

static struct hv_build_result build(struct fx *f, uint32_t domid, const char *cmdline)
{
	struct hv_build_config b = {
		.kernel = f->kernel, .cmdline = cmdline, .memory_kib = 128 << 10,
	};
	struct hv_build_result r;
	g_autoptr(GError) err = NULL;

	g_assert_true(hv_domain_build(f->hv, domid, &b, &r, &err));
	g_assert_no_error(err);
	return r;
}

static uint32_t started(struct fx *f, const char *cmdline, struct hv_build_result *r)
{
	uint32_t d = create(f, HV_DOMAIN_PV, 1);
	struct hv_build_result res = build(f, d, cmdline);

	g_assert_true(hv_domain_unpause(f->hv, d, NULL));
	if (r)
		*r = res;
	return d;
}

static struct hv_dominfo info(struct fx *f, uint32_t domid)
{
	struct hv_dominfo i;
	g_autoptr(GError) err = NULL;

	g_assert_true(hv_domain_getinfo(f->hv, domid, &i, &err));
	g_assert_no_error(err);
	return i;
}

static void assert_gone(struct fx *f, uint32_t domid)
{
	struct hv_dominfo i;
	g_autoptr(GError) err = NULL;

	g_assert_false(hv_domain_getinfo(f->hv, domid, &i, &err));
	g_assert_error(err, HV_ERROR, ENOENT);
}

static void test_host(struct fx *f, gconstpointer data)
{
	struct hv_physinfo pi;
	struct hv_version v;
	g_autoptr(GError) err = NULL;

	(void)data;
	g_assert_true(hv_physinfo(f->hv, &pi, &err));
	g_assert_cmpuint(pi.nr_cpus, ==, 2);
	g_assert_cmpuint(pi.total_pages, ==, 2048 * 256);
	g_assert_cmpuint(pi.free_pages, ==, 1536 * 256);
	g_assert_true(pi.hvm_capable);
	g_assert_true(hv_version(f->hv, &v, &err));
	g_assert_cmpuint(v.major, ==, 4);
	g_assert_cmpuint(v.minor, ==, 17);
	g_assert_cmpstr(v.extra, ==, "-sim");
	g_assert_nonnull(strstr(v.capabilities, "xen-3.0-x86_64"));
}

static void test_open_specs(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *spec = g_build_filename(f->dir, "nothing", NULL);
	g_autofree char *nospec = g_strconcat("sim:", spec, NULL);

	(void)data;
	/* Xen: a clear error where there is no privcmd (this test's hosts),
	 * or where xvm was built without libxen-dev. */
	if (!g_file_test("/dev/xen/privcmd", G_FILE_TEST_EXISTS)) {
		g_assert_null(hv_open("xen", &err));
#ifdef HAVE_HV_XEN
		g_assert_error(err, HV_ERROR, ENOENT);
		g_assert_nonnull(strstr(err->message, "/dev/xen/privcmd"));
#else
		g_assert_error(err, HV_ERROR, ENOSYS);
		g_assert_nonnull(strstr(err->message, "libxen-dev"));
#endif
		g_clear_error(&err);
	}
	g_assert_null(hv_open("vmware", &err));
	g_assert_error(err, HV_ERROR, EINVAL);
	g_clear_error(&err);
	g_assert_null(hv_open(nospec, &err));
	g_assert_error(err, HV_ERROR, EIO);
	g_clear_error(&err);
	/* The default: Xen where it is, else $XVM_SIMHV_SOCKET. */
	if (!g_file_test("/dev/xen/privcmd", G_FILE_TEST_EXISTS)) {
		g_autofree char *sock = g_build_filename(f->dir, "simhv.sock", NULL);
		hv_t *hv;

		g_unsetenv("XVM_SIMHV_SOCKET");
		g_assert_null(hv_open(NULL, &err));
		g_assert_error(err, HV_ERROR, ENOENT);
		g_clear_error(&err);
		g_setenv("XVM_SIMHV_SOCKET", sock, TRUE);
		hv = hv_open(NULL, &err);
		g_assert_no_error(err);
		g_assert_cmpstr(hv_backend_name(hv), ==, "sim");
		hv_close(hv);
		g_unsetenv("XVM_SIMHV_SOCKET");
	}
}

static void test_lifecycle(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	g_autofree struct hv_dominfo *list = NULL;
	size_t n = 0;
	uint32_t a, b;
	struct hv_dominfo i;

	(void)data;
	a = create(f, HV_DOMAIN_PV, 2);
	b = create(f, HV_DOMAIN_HVM, 1);
	g_assert_cmpuint(a, ==, 1);
	g_assert_cmpuint(b, ==, 2);
	i = info(f, a);
	g_assert_true(i.flags & HV_DOMINF_PAUSED);
	g_assert_cmpuint(i.uuid[2], ==, 3);
	g_assert_cmpuint(i.max_vcpu_id, ==, 1);
	g_assert_true(hv_domain_set_max_mem(f->hv, a, 256 << 10, NULL));
	build(f, a, "console=hvc0");
	g_assert_cmpuint(info(f, a).tot_pages, ==, 128 * 256);
	g_assert_cmpuint(info(f, a).max_pages, ==, 256 * 256);
	g_assert_true(hv_domain_list(f->hv, &list, &n, &err));
	g_assert_cmpuint(n, ==, 3);
	g_assert_cmpuint(list[0].domid, ==, 0);
	g_assert_cmpuint(list[1].domid, ==, 1);
	g_assert_cmpuint(list[2].domid, ==, 2);
	g_assert_true(list[2].flags & HV_DOMINF_HVM);
	g_assert_true(hv_domain_unpause(f->hv, a, NULL));
	i = info(f, a);
	g_assert_false(i.flags & HV_DOMINF_PAUSED);
	g_assert_cmpuint(i.nr_online_vcpus, ==, 1);
	g_assert_true(hv_domain_pause(f->hv, a, NULL));
	g_assert_true(info(f, a).flags & HV_DOMINF_PAUSED);
	g_assert_true(hv_domain_unpause(f->hv, a, NULL));
	g_assert_false(hv_domain_unpause(f->hv, a, &err));
	g_assert_error(err, HV_ERROR, EINVAL);
	g_clear_error(&err);
	g_assert_true(hv_domain_destroy(f->hv, a, NULL));
	assert_gone(f, a);
	g_assert_true(hv_domain_destroy(f->hv, b, NULL));
	/* Not reused. */
	g_assert_cmpuint(create(f, HV_DOMAIN_PV, 1), ==, 3);
	g_assert_false(hv_domain_pause(f->hv, 42, &err));
	g_assert_error(err, HV_ERROR, ENOENT);
}

static void test_build_errors(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *missing = g_build_filename(f->dir, "aux-missing", NULL);
	g_autofree char *empty = g_build_filename(f->dir, "aux-empty", NULL);
	g_autofree char *longline = g_strnfill(1024, 'a');
	struct hv_build_config b = { .kernel = missing, .memory_kib = 1024 };
	struct hv_build_result r;
	uint32_t d = create(f, HV_DOMAIN_PV, 1);
	uint32_t h = create(f, HV_DOMAIN_HVM, 1);

	(void)data;
	g_assert_false(hv_domain_build(f->hv, d, &b, &r, &err));
	g_assert_error(err, HV_ERROR, ENOENT);
	g_clear_error(&err);
	g_assert_true(g_file_set_contents(empty, "", 0, NULL));
	b.kernel = empty;
	g_assert_false(hv_domain_build(f->hv, d, &b, &r, &err));
	g_assert_error(err, HV_ERROR, EINVAL);
	g_clear_error(&err);
	b.kernel = NULL;    /* PV needs one */
	g_assert_false(hv_domain_build(f->hv, d, &b, &r, &err));
	g_assert_error(err, HV_ERROR, EINVAL);
	g_clear_error(&err);
	b.kernel = f->kernel;
	b.ramdisk = empty;
	g_assert_false(hv_domain_build(f->hv, d, &b, &r, &err));
	g_assert_error(err, HV_ERROR, EINVAL);
	g_clear_error(&err);
	b.ramdisk = f->kernel;
	b.cmdline = longline;
	g_assert_false(hv_domain_build(f->hv, d, &b, &r, &err));
	g_assert_error(err, HV_ERROR, EINVAL);
	g_clear_error(&err);
	b.cmdline = NULL;
	b.memory_kib = 1800ull << 10;    /* more than the host has free */
	g_assert_false(hv_domain_build(f->hv, d, &b, &r, &err));
	g_assert_error(err, HV_ERROR, ENOMEM);
	g_test_message("%s", err->message);
	g_clear_error(&err);
	b.memory_kib = 1024;
	g_assert_true(hv_domain_build(f->hv, d, &b, &r, NULL));
	/* HVM: no kernel. */
	b.kernel = b.ramdisk = NULL;
	g_assert_true(hv_domain_build(f->hv, h, &b, &r, NULL));
	g_unlink(empty);
}

static void test_shutdown(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	int exc = hv_dom_exc_fd(f->hv);
	uint32_t d;

	(void)data;
	g_assert_cmpint(exc, >=, 0);
	for (unsigned int reason = 0; reason <= SHUTDOWN_MAX; reason++) {
		d = started(f, "", NULL);
		g_assert_true(hv_domain_shutdown(f->hv, d, reason, NULL));
		g_assert_true(fd_wait(exc, 2000));
		hv_dom_exc_ack(f->hv);
		g_assert_false(fd_wait(exc, 0));
		g_assert_true(info(f, d).flags & HV_DOMINF_SHUTDOWN);
		g_assert_cmpuint(info(f, d).shutdown_reason, ==, reason);
		g_assert_true(hv_domain_destroy(f->hv, d, NULL));
		g_assert_true(fd_wait(exc, 2000));
		hv_dom_exc_ack(f->hv);
	}
	d = started(f, "", NULL);
	g_assert_false(hv_domain_shutdown(f->hv, d, 99, &err));
	g_assert_error(err, HV_ERROR, EINVAL);
	g_clear_error(&err);
	g_assert_false(hv_domain_resume(f->hv, d, &err));
	g_assert_error(err, HV_ERROR, EINVAL);
	g_clear_error(&err);
	g_assert_true(hv_domain_shutdown(f->hv, d, SHUTDOWN_suspend, NULL));
	g_assert_true(hv_domain_resume(f->hv, d, NULL));
	g_assert_false(info(f, d).flags & HV_DOMINF_SHUTDOWN);
	/* A kernel that does not boot: crashed. */
	d = started(f, "fail-boot", NULL);
	g_assert_cmpuint(info(f, d).shutdown_reason, ==, SHUTDOWN_crash);
}

static void test_sched(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	struct hv_sched_credit sc = { .weight = 512, .cap = 50 };
	struct hv_vcpuinfo vi;
	uint8_t map[4] = { 0x02, 0, 0, 0 };
	uint32_t d = started(f, "busy", NULL);
	uint64_t t0;

	(void)data;
	g_assert_true(hv_sched_credit_get(f->hv, d, &sc, NULL));
	g_assert_cmpuint(sc.weight, ==, 256);
	g_assert_cmpuint(sc.cap, ==, 0);
	sc.weight = 512;
	sc.cap = 50;
	g_assert_true(hv_sched_credit_set(f->hv, d, &sc, NULL));
	memset(&sc, 0, sizeof(sc));
	g_assert_true(hv_sched_credit_get(f->hv, d, &sc, NULL));
	g_assert_cmpuint(sc.weight, ==, 512);
	g_assert_cmpuint(sc.cap, ==, 50);
	sc.weight = 0;
	g_assert_false(hv_sched_credit_set(f->hv, d, &sc, &err));
	g_assert_error(err, HV_ERROR, EINVAL);
	g_clear_error(&err);

	g_assert_true(hv_vcpu_set_affinity(f->hv, d, 0, map, sizeof(map), NULL));
	memset(map, 0xff, sizeof(map));
	g_assert_true(hv_vcpu_get_affinity(f->hv, d, 0, map, sizeof(map), NULL));
	g_assert_cmpuint(map[0], ==, 0x02);
	g_assert_cmpuint(map[1], ==, 0);
	map[0] = 0x04;     /* CPU 2: the host has 2 */
	g_assert_false(hv_vcpu_set_affinity(f->hv, d, 0, map, sizeof(map), &err));
	g_assert_error(err, HV_ERROR, EINVAL);
	g_clear_error(&err);

	/* Busy, capped at half a CPU, on CPU 1. */
	t0 = info(f, d).cpu_time_ns;
	g_usleep(100000);
	g_assert_true(hv_vcpu_getinfo(f->hv, d, 0, &vi, NULL));
	g_assert_true(vi.online);
	g_assert_true(vi.running);
	g_assert_cmpuint(vi.cpu, ==, 1);
	g_assert_cmpuint(vi.cpu_time_ns - t0, >=, 45000000);
	g_assert_true(hv_domain_getinfo(f->hv, d, &(struct hv_dominfo){ 0 }, NULL));
	{
		/* At most half the wall-clock time since it started. */
		struct hv_dominfo i = info(f, d);
		g_assert_true(i.flags & HV_DOMINF_RUNNING);
	}
	g_assert_false(hv_vcpu_getinfo(f->hv, d, 5, &vi, &err));
	g_assert_error(err, HV_ERROR, EINVAL);
}

static void test_save_restore(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *path = g_build_filename(f->dir, "aux-save", NULL);
	struct hv_build_result r;
	uint32_t d = started(f, "busy", NULL), d2;
	int fd, pipefd[2];
	uint64_t t0;

	(void)data;
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	g_assert_false(hv_domain_save(f->hv, d, fd, &err));
	g_assert_error(err, HV_ERROR, EINVAL);
	g_clear_error(&err);
	g_assert_true(hv_domain_shutdown(f->hv, d, SHUTDOWN_suspend, NULL));
	g_assert_true(hv_domain_save(f->hv, d, fd, &err));
	g_assert_no_error(err);
	g_assert_true(hv_domain_destroy(f->hv, d, NULL));

	d2 = create(f, HV_DOMAIN_PV, 1);
	lseek(fd, 0, SEEK_SET);
	g_assert_true(hv_domain_restore(f->hv, d2, fd, 0, 0, &r, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(r.store_port, >=, 1);
	g_assert_cmpuint(info(f, d2).tot_pages, ==, 128 * 256);
	g_assert_true(info(f, d2).flags & HV_DOMINF_PAUSED);
	g_assert_true(hv_domain_unpause(f->hv, d2, NULL));
	/* It is busy again: its kernel came back from the stream. */
	t0 = info(f, d2).cpu_time_ns;
	g_usleep(50000);
	g_assert_cmpuint(info(f, d2).cpu_time_ns, >, t0);

	/* Garbage and truncated streams, through a pipe: EINVAL, nothing
	 * made. */
	d2 = create(f, HV_DOMAIN_PV, 1);
	g_assert_cmpint(pipe(pipefd), ==, 0);
	g_assert_cmpint(write(pipefd[1], "XVMSIMSV\1\0", 10), ==, 10);
	close(pipefd[1]);
	g_assert_false(hv_domain_restore(f->hv, d2, pipefd[0], 0, 0, &r, &err));
	g_assert_error(err, HV_ERROR, EINVAL);
	g_test_message("%s", err->message);
	g_clear_error(&err);
	close(pipefd[0]);
	g_assert_cmpint(pipe(pipefd), ==, 0);
	g_assert_cmpint(write(pipefd[1], "garbage garbage garbage garbage garbage garbage "
			      "garbage garbage garbage", 71), ==, 71);
	close(pipefd[1]);
	g_assert_false(hv_domain_restore(f->hv, d2, pipefd[0], 0, 0, &r, &err));
	g_assert_error(err, HV_ERROR, EINVAL);
	g_clear_error(&err);
	close(pipefd[0]);
	g_assert_cmpuint(info(f, d2).tot_pages, ==, 0);
	close(fd);
	g_unlink(path);
}

/* The machine seen by platform_sim: pages, ports across processes, the
 * domain table, dying until unmapped. */
static void test_platform(struct fx *f, gconstpointer data)
{
	g_autofree char *sock = g_build_filename(f->dir, "simhv.sock", NULL);
	struct xs_platform *p = platform_sim_open(sock);
	struct xs_platform *p2 = platform_sim_open(sock);
	struct hv_build_result r;
	struct xs_dominfo di;
	uint32_t d = started(f, "poweroff-on-console-event", &r);
	int exc = hv_dom_exc_fd(f->hv);
	int port, virq;
	void *page, *cons;

	(void)data;
	g_assert_nonnull(p);
	g_assert_nonnull(p2);
	g_assert_null(p->local_ring(p));
	g_assert_cmpint(p->domain_info(p, d, &di), ==, 1);
	g_assert_false(di.shutdown);
	g_assert_cmpint(p->domain_info(p, 77, &di), ==, 0);
	virq = p->evtchn_bind_dom_exc(p);
	g_assert_cmpint(virq, >, 0);
	/* Pages: the right gfn only. */
	g_assert_null(p->map_ring(p, d, r.console_gfn));
	g_assert_cmpint(errno, ==, EINVAL);
	page = p->map_ring(p, d, r.store_gfn);
	g_assert_nonnull(page);
	cons = p2->map_console(p2, d, r.console_gfn);
	g_assert_nonnull(cons);
	/* An event from dom0 to the guest's console port: the test kernel
	 * powers off, and VIRQ_DOM_EXC reaches both clients. */
	g_assert_cmpint(p->evtchn_bind_interdomain(p, d, r.store_port + 100), <, 0);
	port = p->evtchn_bind_interdomain(p, d, r.console_port);
	g_assert_cmpint(port, >, 0);
	g_assert_cmpint(p->evtchn_notify(p, port), ==, 0);
	g_assert_true(fd_wait(exc, 2000));
	hv_dom_exc_ack(f->hv);
	g_assert_true(fd_wait(p->evtchn_fd(p), 2000));
	g_assert_cmpint(p->evtchn_pending(p), ==, virq);
	g_assert_cmpint(p->evtchn_pending(p), ==, -1);   /* masked */
	g_assert_cmpint(p->evtchn_unmask(p, virq), ==, 0);
	g_assert_cmpint(p->domain_info(p, d, &di), ==, 1);
	g_assert_true(di.shutdown);
	g_assert_cmpuint(di.shutdown_reason, ==, SHUTDOWN_poweroff);
	/* Destroyed: dying while mapped. */
	g_assert_true(hv_domain_destroy(f->hv, d, NULL));
	g_assert_true(fd_wait(p->evtchn_fd(p), 2000));
	g_assert_cmpint(p->evtchn_pending(p), ==, virq);
	g_assert_cmpint(p->evtchn_unmask(p, virq), ==, 0);
	g_assert_cmpint(p->domain_info(p, d, &di), ==, 1);
	g_assert_true(di.dying);
	g_assert_cmpint(p->unmap_ring(p, d, page), ==, 0);
	g_assert_true(info(f, d).flags & HV_DOMINF_DYING);
	g_assert_cmpint(p->evtchn_unbind(p, (uint32_t)port), ==, 0);
	g_assert_cmpint(p->evtchn_unbind(p, (uint32_t)port), ==, -1);
	/* p2's connection closes with the console page mapped: gone. */
	p2->close(p2);
	for (int i = 0; i < 200; i++) {
		struct hv_dominfo in;
		if (!hv_domain_getinfo(f->hv, d, &in, NULL))
			break;
		g_usleep(10000);
	}
	assert_gone(f, d);
	p->close(p);
}

/* Requests by hand: garbage gets an error, the daemon keeps serving. */
static int raw_call(int s, const void *msg, size_t len, const int *fds,
		    unsigned int nfds, struct simhv_reply *rep, char *text, size_t text_size)
{
	unsigned char buf[SIMHV_MSG_MAX];
	int got[SIMHV_MAX_FDS];
	unsigned int ngot;
	ssize_t n;

	g_assert_cmpint(simhv_send(s, msg, len, NULL, 0, fds, nfds, 0), ==, 0);
	n = simhv_recv(s, buf, sizeof(buf), got, &ngot, 0);
	g_assert_cmpint(n, >=, (ssize_t)sizeof(*rep));
	memcpy(rep, buf, sizeof(*rep));
	g_assert_cmpuint(rep->len, ==, n - sizeof(*rep));
	g_assert_cmpuint(ngot, ==, 0);
	if (text) {
		size_t k = MIN(rep->len, text_size - 1);
		memcpy(text, buf + sizeof(*rep), k);
		text[k] = '\0';
	}
	return rep->err;
}

static void test_malformed(struct fx *f, gconstpointer data)
{
	g_autofree char *sock = g_build_filename(f->dir, "simhv.sock", NULL);
	int s = simhv_connect(sock);
	struct simhv_reply rep;
	char text[256];
	struct hv_physinfo pi;
	unsigned char big[SIMHV_MSG_MAX + 100];
	struct {
		struct simhv_hdr h;
		struct simhv_domid body;
	} req = { { SIMHV_OP_GETINFO, sizeof(struct simhv_domid) }, { 0 } };
	int fds[2];

	(void)data;
	g_assert_cmpint(s, >=, 0);
	/* Shorter than a header, unknown ops, lengths that lie. */
	g_assert_cmpint(raw_call(s, "ab", 2, NULL, 0, &rep, text, sizeof(text)), ==, EINVAL);
	g_test_message("short: %s", text);
	req.h.op = 0;
	g_assert_cmpint(raw_call(s, &req, sizeof(req), NULL, 0, &rep, NULL, 0), ==, EINVAL);
	req.h.op = SIMHV_OP_MAX;
	g_assert_cmpint(raw_call(s, &req, sizeof(req), NULL, 0, &rep, NULL, 0), ==, EINVAL);
	req.h.op = 0xffffffffu;
	g_assert_cmpint(raw_call(s, &req, sizeof(req), NULL, 0, &rep, NULL, 0), ==, EINVAL);
	req.h.op = SIMHV_OP_GETINFO;
	req.h.len = 3;
	g_assert_cmpint(raw_call(s, &req, sizeof(req), NULL, 0, &rep, NULL, 0), ==, EINVAL);
	req.h.len = 0xffffffffu;
	g_assert_cmpint(raw_call(s, &req, sizeof(req), NULL, 0, &rep, NULL, 0), ==, EINVAL);
	req.h.len = sizeof(req.body);
	g_assert_cmpint(raw_call(s, &req, sizeof(req) - 1, NULL, 0, &rep, NULL, 0), ==, EINVAL);
	/* A well-formed one in between. */
	g_assert_cmpint(raw_call(s, &req, sizeof(req), NULL, 0, &rep, NULL, 0), ==, 0);
	g_assert_cmpuint(rep.len, ==, sizeof(struct simhv_dominfo));
	/* Descriptors where none are taken, too many of them. */
	fds[0] = open("/dev/null", O_RDONLY);
	fds[1] = open("/dev/null", O_RDONLY);
	g_assert_cmpint(raw_call(s, &req, sizeof(req), fds, 2, &rep, NULL, 0), ==, EINVAL);
	{
		struct {
			struct simhv_hdr h;
			struct simhv_build b;
		} build = { { SIMHV_OP_BUILD, sizeof(struct simhv_build) }, { .domid = 0 } };

		/* Flags that do not match the descriptors, a command line
		 * without its NUL, flags nobody knows. */
		build.b.flags = SIMHV_BUILD_KERNEL;
		g_assert_cmpint(raw_call(s, &build, sizeof(build), NULL, 0, &rep, NULL, 0),
				==, EINVAL);
		build.b.flags = 0x80;
		g_assert_cmpint(raw_call(s, &build, sizeof(build), NULL, 0, &rep, NULL, 0),
				==, EINVAL);
		build.b.flags = SIMHV_BUILD_KERNEL;
		memset(build.b.cmdline, 'x', sizeof(build.b.cmdline));
		g_assert_cmpint(raw_call(s, &build, sizeof(build), fds, 1, &rep, NULL, 0),
				==, EINVAL);
	}
	{
		/* Restore from something that is not a regular file. */
		struct {
			struct simhv_hdr h;
			struct simhv_restore r;
		} rs = { { SIMHV_OP_RESTORE, sizeof(struct simhv_restore) }, { .domid = 1 } };
		int pfd[2];

		g_assert_cmpint(pipe(pfd), ==, 0);
		g_assert_cmpint(raw_call(s, &rs, sizeof(rs), pfd, 1, &rep, NULL, 0), ==, EINVAL);
		close(pfd[0]);
		close(pfd[1]);
	}
	{
		/* Lists of nothing or of too much; pages of no kind. */
		struct {
			struct simhv_hdr h;
			struct simhv_list l;
		} ls = { { SIMHV_OP_LIST, sizeof(struct simhv_list) }, { 0, 0 } };
		struct {
			struct simhv_hdr h;
			struct simhv_map m;
		} mp = { { SIMHV_OP_MAP, sizeof(struct simhv_map) }, { 0, 7, 0 } };

		g_assert_cmpint(raw_call(s, &ls, sizeof(ls), NULL, 0, &rep, NULL, 0), ==, EINVAL);
		ls.l.max = 100000;
		g_assert_cmpint(raw_call(s, &ls, sizeof(ls), NULL, 0, &rep, NULL, 0), ==, EINVAL);
		g_assert_cmpint(raw_call(s, &mp, sizeof(mp), NULL, 0, &rep, NULL, 0), ==, EINVAL);
	}
	close(fds[0]);
	close(fds[1]);
	/* Too large a message. */
	memset(big, 0, sizeof(big));
	g_assert_cmpint(send(s, big, sizeof(big), 0), ==, (ssize_t)sizeof(big));
	{
		unsigned char buf[512];
		int got[SIMHV_MAX_FDS];
		unsigned int ngot;
		ssize_t n = simhv_recv(s, buf, sizeof(buf), got, &ngot, 0);

		g_assert_cmpint(n, >=, (ssize_t)sizeof(rep));
		memcpy(&rep, buf, sizeof(rep));
		g_assert_cmpint(rep.err, ==, EMSGSIZE);
	}
	/* A client vanishing mid-way. */
	{
		int s2 = simhv_connect(sock);
		g_assert_cmpint(send(s2, &req, 4, 0), ==, 4);
		close(s2);
	}
	close(s);
	/* A client that sends and never reads its replies: dropped once
	 * they no longer fit its socket, without the daemon waiting. */
	{
		int s3 = simhv_connect(sock);
		bool dropped = false;

		req.h.op = SIMHV_OP_GETINFO;
		req.h.len = sizeof(req.body);
		for (int i = 0; i < 20000 && !dropped; i++) {
			ssize_t n = send(s3, &req, sizeof(req), MSG_DONTWAIT | MSG_NOSIGNAL);

			if (n < 0 && errno == EAGAIN)
				g_usleep(1000);
			else if (n < 0)
				dropped = errno == EPIPE || errno == ECONNRESET;
			g_assert_true(hv_physinfo(f->hv, &pi, NULL));   /* meanwhile */
		}
		g_assert_true(dropped);
		close(s3);
	}
	/* The daemon still serves. */
	g_assert_true(hv_physinfo(f->hv, &pi, NULL));
	g_assert_cmpuint(pi.nr_cpus, ==, 2);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	if (argc != 2) {
		g_printerr("usage: %s XVM-SIMHV\n", argv[0]);
		return 2;
	}
	simhv_bin = argv[1];
#define T(name, fn) g_test_add("/sim/daemon/" name, struct fx, NULL, fx_setup, fn, fx_teardown)
	T("host", test_host);
	T("open-specs", test_open_specs);
	T("lifecycle", test_lifecycle);
	T("build-errors", test_build_errors);
	T("shutdown", test_shutdown);
	T("sched", test_sched);
	T("save-restore", test_save_restore);
	T("platform", test_platform);
	T("malformed", test_malformed);
	return g_test_run();
}
