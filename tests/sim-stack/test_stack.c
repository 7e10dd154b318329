/* The simulated stack end to end (issue 5): xvm-simhv, xenstored
 * (--simhv) and xvm-consoled, driven as a toolstack drives them, through
 * hv.h and xenstore only. Guests boot, connect their devices, print on
 * their consoles, obey control/shutdown and go away without a trace;
 * broken disks and misbehaving guests (xvmsim.* options) fail the way
 * they should; a hundred guests fit in 50 MiB of daemons. */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <xen/xen.h>
#include <xen/sched.h>

#include "stack.h"

#define MIB 1024

static char *make_disk(struct stack *s, const char *name, size_t size)
{
	char *path = g_build_filename(s->dir, name, NULL);
	g_autofree char *zeros = g_malloc0(size);

	g_assert_true(g_file_set_contents(path, zeros, (gssize)size, NULL));
	return path;
}

static struct guest_cfg default_cfg(const char *name, const char *cmdline, const char *disk)
{
	return (struct guest_cfg){
		.name = name, .cmdline = cmdline, .memory_kib = 64 * MIB, .vcpus = 2,
		.disk = disk, .vif = true,
	};
}

/* Reads the pty until text shows (10 s). */
static bool pty_wait(int fd, GString *seen, const char *text)
{
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	while (!strstr(seen->str, text) && g_get_monotonic_time() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char buf[512];
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n > 0)
			g_string_append_len(seen, buf, n);
	}
	return strstr(seen->str, text) != NULL;
}

static void on_event(xs_client_t *c, const char *path, const char *token, void *data)
{
	(*(unsigned int *)data)++;
}

static void run_briefly(void)
{
	for (int i = 0; i < 20; i++) {
		while (g_main_context_iteration(NULL, FALSE))
			;
		g_usleep(5000);
	}
}

/* Must-show 2: a guest's whole life, as a toolstack sees it. */
static void test_lifecycle(void)
{
	struct stack s;
	struct guest g;
	struct guest_cfg cfg;
	g_autofree char *disk = NULL;
	g_autofree char *tty = NULL;
	g_autofree char *marker = NULL;
	g_autofree char *log = NULL;
	g_autofree char *stats = NULL;
	g_autoptr(GString) seen = g_string_new(NULL);
	unsigned int released = 0;
	int fd;

	stack_start(&s, 4096);
	disk = make_disk(&s, "disk.img", 4 << 20);
	cfg = default_cfg("lifecycle", "root=/dev/xvda1 console=hvc0", disk);
	guest_start(&s, &cfg, &g);
	g_assert_true(stack_wait_connected(&s, &g, &cfg));
	{
		g_autofree char *sectors = stack_read(&s, "/local/domain/0/backend/vbd/%u/51712/sectors",
						      g.domid);
		g_autofree char *hp = stack_read(&s, "/local/domain/0/backend/vif/%u/0/hotplug-status",
						 g.domid);

		g_assert_cmpstr(sectors, ==, "8192");
		g_assert_cmpstr(hp, ==, "connected");
	}

	/* The console: on the pty consoled published, and in its log. */
	marker = g_strdup_printf("xvm-sim: %u booted", g.domid);
	{
		g_autofree char *path = g_strdup_printf("%s/console/tty", g.home);

		g_assert_true(stack_wait_exists(&s, path));
	}
	tty = stack_read(&s, "%s/console/tty", g.home);
	g_assert_nonnull(tty);
	fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	g_assert_cmpint(fd, >=, 0);
	if (!pty_wait(fd, seen, marker))
		g_error("no \"%s\" on %s: \"%s\"", marker, tty, seen->str);
	g_assert_nonnull(strstr(seen->str, "Command line: root=/dev/xvda1 console=hvc0"));
	/* Typed input reaches the guest, which echoes it. */
	g_assert_cmpint(write(fd, "hello xvm\r", 10), ==, 10);
	g_assert_true(pty_wait(fd, seen, "hello xvm\n"));
	close(fd);
	log = g_strdup_printf("%s/guest-lifecycle.log", s.log_dir);
	g_assert_true(stack_wait_file(log, marker));
	/* The guest wrote only what is its own (no EACCES on
	 * control/platform-feature-*, the toolstack's). */
	{
		g_autofree char *text = NULL;

		g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
		g_assert_null(strstr(text, "xenbus: write failed"));
	}

	/* The backends counted the boot's I/O. */
	stats = g_strdup_printf("%s/stats/%u/vbd-51712", s.run_dir, g.domid);
	g_assert_true(stack_wait_file(stats, "rd_req 8\n"));

	/* control/shutdown = poweroff: the guest powers itself off. */
	{
		g_autofree char *path = g_strdup_printf("%s/control/shutdown", g.home);

		stack_write(&s, path, "poweroff");
		g_assert_cmpint(stack_wait_shutdown(&s, g.domid), ==, SHUTDOWN_poweroff);
		g_assert_true(stack_wait_node(&s, path, ""));
	}

	xs_watch_async(s.xs, "@releaseDomain", "rel", on_event, &released, NULL, NULL);
	run_briefly();
	released = 0;
	guest_destroy(&s, &g);
	for (int i = 0; i < 500 && released == 0; i++)
		run_briefly();
	g_assert_cmpuint(released, >, 0);

	/* Nothing of it is left. */
	g_assert_true(stack_wait_gone(&s, g.domid));
	{
		g_autofree char *home = stack_read(&s, "%s/name", g.home);
		g_autofree char *vm = stack_read(&s, "/vm/%s/uuid", g.uuid_str);
		g_autofree char *be = stack_read(&s, "/local/domain/0/backend/vbd/%u/51712/state",
						 g.domid);
		g_auto(GStrv) doms = xs_directory(s.xs, 0, "/local/domain", NULL);

		g_assert_null(home);
		g_assert_null(vm);
		g_assert_null(be);
		g_assert_nonnull(doms);
		for (size_t i = 0; doms[i]; i++)
			g_assert_cmpuint(g_ascii_strtoull(doms[i], NULL, 10), !=, g.domid);
	}
	/* The statistics went with the devices. */
	g_assert_true(stack_wait_no_file(stats));
	guest_clear(&g);
	stack_stop(&s);
}

static void test_missing_image(void)
{
	struct stack s;
	struct guest g;
	struct guest_cfg cfg;
	g_autofree char *missing = NULL;
	g_autofree char *be = NULL;
	g_autofree char *err = NULL;

	stack_start(&s, 4096);
	missing = g_build_filename(s.dir, "no-such-disk.img", NULL);
	cfg = default_cfg("broken", "", missing);
	guest_start(&s, &cfg, &g);
	be = g_strdup_printf("/local/domain/0/backend/vbd/%u/51712", g.domid);
	{
		g_autofree char *hs = g_strdup_printf("%s/hotplug-status", be);
		g_autofree char *st = g_strdup_printf("%s/state", be);
		g_autofree char *vif = g_strdup_printf("%s/device/vif/0/state", g.home);

		g_assert_true(stack_wait_node(&s, hs, "error"));
		g_assert_true(stack_wait_node(&s, st, "6"));
		/* The interface connects all the same. */
		g_assert_true(stack_wait_node(&s, vif, "4"));
	}
	err = stack_read(&s, "%s/hotplug-error", be);
	g_assert_nonnull(err);
	g_assert_nonnull(strstr(err, missing));
	guest_destroy(&s, &g);
	guest_clear(&g);
	stack_stop(&s);
}

/* ---- misbehaving guests ----------------------------------------------- */

static void test_crash(void)
{
	struct stack s;
	struct guest g;
	struct guest_cfg cfg;

	stack_start(&s, 4096);
	cfg = default_cfg("crashy", "xvmsim.crash=1", NULL);
	guest_start(&s, &cfg, &g);
	g_assert_cmpint(stack_wait_shutdown(&s, g.domid), ==, SHUTDOWN_crash);
	guest_destroy(&s, &g);
	g_assert_true(stack_wait_gone(&s, g.domid));
	guest_clear(&g);
	stack_stop(&s);
}

static void test_ignore_shutdown(void)
{
	struct stack s;
	struct guest g;
	struct guest_cfg cfg;
	g_autofree char *log = NULL;
	struct hv_dominfo info;

	stack_start(&s, 4096);
	cfg = default_cfg("stubborn", "xvmsim.ignore_shutdown", NULL);
	guest_start(&s, &cfg, &g);
	log = g_strdup_printf("%s/guest-stubborn.log", s.log_dir);
	g_assert_true(stack_wait_file(log, "booted"));
	{
		g_autofree char *path = g_strdup_printf("%s/control/shutdown", g.home);

		stack_write(&s, path, "poweroff");
	}
	g_assert_true(stack_wait_file(log, "ignoring shutdown request poweroff"));
	g_assert_true(hv_domain_getinfo(s.hv, g.domid, &info, NULL));
	g_assert_false(info.flags & HV_DOMINF_SHUTDOWN);
	/* The toolstack's last resort works. */
	guest_destroy(&s, &g);
	g_assert_true(stack_wait_gone(&s, g.domid));
	guest_clear(&g);
	stack_stop(&s);
}

static void test_hang_boot(void)
{
	struct stack s;
	struct guest g;
	struct guest_cfg cfg;
	g_autofree char *disk = NULL;
	g_autofree char *log = NULL;
	g_autofree char *feature = NULL;
	g_autofree char *fe = NULL;

	stack_start(&s, 4096);
	disk = make_disk(&s, "disk.img", 1 << 20);
	cfg = default_cfg("hung", "xvmsim.hang_boot", disk);
	guest_start(&s, &cfg, &g);
	log = g_strdup_printf("%s/guest-hung.log", s.log_dir);
	g_assert_true(stack_wait_file(log, "xvmsim.hang_boot"));
	{
		g_autofree char *be = g_strdup_printf("/local/domain/0/backend/vbd/%u/51712/state",
						      g.domid);

		g_assert_true(stack_wait_node(&s, be, "2"));
	}
	g_usleep(300000);
	feature = stack_read(&s, "%s/control/feature-poweroff", g.home);
	g_assert_null(feature);
	fe = stack_read(&s, "%s/device/vbd/51712/state", g.home);
	g_assert_cmpstr(fe, ==, "1");
	guest_destroy(&s, &g);
	guest_clear(&g);
	stack_stop(&s);
}

static void test_refuse(void)
{
	struct stack s;
	struct guest g;
	struct guest_cfg cfg;
	g_autofree char *disk = NULL;
	g_autofree char *error = NULL;

	stack_start(&s, 4096);
	disk = make_disk(&s, "disk.img", 1 << 20);
	cfg = default_cfg("refuser", "xvmsim.refuse=vbd", disk);
	guest_start(&s, &cfg, &g);
	{
		g_autofree char *vbd = g_strdup_printf("%s/device/vbd/51712/state", g.home);
		g_autofree char *vif = g_strdup_printf("%s/device/vif/0/state", g.home);

		g_assert_true(stack_wait_node(&s, vbd, "5"));
		g_assert_true(stack_wait_node(&s, vif, "4"));
	}
	error = stack_read(&s, "%s/error/device/vbd/51712/error", g.home);
	g_assert_nonnull(error);
	guest_destroy(&s, &g);
	guest_clear(&g);
	stack_stop(&s);
}

static void test_busy(void)
{
	struct stack s;
	struct guest g;
	struct guest_cfg cfg;
	g_autofree char *disk = NULL;
	g_autofree char *stats = NULL;
	struct hv_dominfo a, b;

	stack_start(&s, 4096);
	disk = make_disk(&s, "disk.img", 1 << 20);
	cfg = default_cfg("busy", "xvmsim.busy", disk);
	guest_start(&s, &cfg, &g);
	g_assert_true(stack_wait_connected(&s, &g, &cfg));
	g_assert_true(hv_domain_getinfo(s.hv, g.domid, &a, NULL));
	g_usleep(1500000);
	g_assert_true(hv_domain_getinfo(s.hv, g.domid, &b, NULL));
	/* Two busy vCPUs on a 4-CPU host: about 1.5 s each. */
	g_assert_cmpuint(b.cpu_time_ns - a.cpu_time_ns, >, 1000000000u);
	stats = g_strdup_printf("%s/stats/%u/vbd-51712", s.run_dir, g.domid);
	/* Its disk sees writes (the boot only reads). */
	g_assert_true(stack_wait_file_without(stats, "wr_req 0\n"));
	guest_destroy(&s, &g);
	guest_clear(&g);
	stack_stop(&s);
}

static void test_ring_garbage(void)
{
	struct stack s;
	struct guest bad, good;
	struct guest_cfg bad_cfg, good_cfg;
	g_autofree char *log = NULL;

	stack_start(&s, 4096);
	bad_cfg = default_cfg("garbage", "xvmsim.ring_garbage", NULL);
	guest_start(&s, &bad_cfg, &bad);
	log = g_strdup_printf("%s/guest-garbage.log", s.log_dir);
	g_assert_true(stack_wait_file(log, "writing garbage"));
	/* xenstored survived, and serves other guests. */
	good_cfg = default_cfg("good", "", NULL);
	guest_start(&s, &good_cfg, &good);
	g_assert_true(stack_wait_connected(&s, &good, &good_cfg));
	guest_destroy(&s, &bad);
	guest_destroy(&s, &good);
	g_assert_true(stack_wait_gone(&s, bad.domid));
	guest_clear(&bad);
	guest_clear(&good);
	stack_stop(&s);
}

/* A guest breaking its console page: xvm-consoled resynchronises, keeps
 * logging it, and keeps serving. */
static void test_console_garbage(void)
{
	struct stack s;
	struct guest g;
	struct guest_cfg cfg;
	g_autofree char *log = NULL;
	g_autofree char *text = NULL;
	const char *broken;

	stack_start(&s, 4096);
	cfg = default_cfg("scribbler", "xvmsim.console_garbage xvmsim.counter", NULL);
	guest_start(&s, &cfg, &g);
	log = g_strdup_printf("%s/guest-scribbler.log", s.log_dir);
	g_assert_true(stack_wait_file(log, "console indexes broken"));
	g_assert_true(stack_wait_file(log, "xvm-sim counter: 2\n"));
	g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
	broken = strstr(text, "console indexes broken");
	g_assert_nonnull(strstr(broken, "xvm-sim counter: 2\n"));
	/* The guest still reads its input. */
	{
		g_autofree char *tty = stack_read(&s, "%s/console/tty", g.home);
		g_autoptr(GString) seen = g_string_new(NULL);
		int fd;

		g_assert_nonnull(tty);
		fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		g_assert_cmpint(fd, >=, 0);
		g_assert_cmpint(write(fd, "still here\r", 11), ==, 11);
		g_assert_true(pty_wait(fd, seen, "still here\n"));
		close(fd);
	}
	guest_destroy(&s, &g);
	guest_clear(&g);
	stack_stop(&s);
}

/* xvmsim.counter across a save and restore: the count goes on. */
static void test_counter_save_restore(void)
{
	struct stack s;
	struct guest g, r;
	struct guest_cfg cfg;
	g_autofree char *log = NULL;
	g_autofree char *image = NULL;
	g_autofree char *disk = NULL;
	g_autoptr(GError) err = NULL;
	int fd;

	stack_start(&s, 4096);
	disk = make_disk(&s, "disk.img", 1 << 20);
	cfg = default_cfg("counter", "xvmsim.counter", disk);
	guest_start(&s, &cfg, &g);
	g_assert_true(stack_wait_connected(&s, &g, &cfg));
	log = g_strdup_printf("%s/guest-counter.log", s.log_dir);
	g_assert_true(stack_wait_file(log, "xvm-sim counter: 2\n"));
	{
		g_autofree char *path = g_strdup_printf("%s/control/shutdown", g.home);

		stack_write(&s, path, "suspend");
	}
	g_assert_cmpint(stack_wait_shutdown(&s, g.domid), ==, SHUTDOWN_suspend);
	image = g_build_filename(s.dir, "saved", NULL);
	fd = open(image, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	g_assert_cmpint(fd, >=, 0);
	g_assert_true(hv_domain_save(s.hv, g.domid, fd, &err));
	g_assert_no_error(err);
	guest_destroy(&s, &g);
	g_assert_true(stack_wait_gone(&s, g.domid));
	g_assert_cmpint(lseek(fd, 0, SEEK_SET), ==, 0);

	/* Same name: the same log file goes on. */
	guest_restore(&s, &cfg, fd, &r);
	close(fd);
	g_assert_cmpuint(r.domid, !=, g.domid);
	g_assert_true(stack_wait_connected(&s, &r, &cfg));
	g_assert_true(stack_wait_file(log, "resumed"));
	{
		g_autofree char *text = NULL;
		const char *resumed;

		g_assert_true(stack_wait_file(log, "xvm-sim counter: 5\n"));
		g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
		resumed = strstr(text, "resumed");
		/* After the resume the count did not start over. */
		g_assert_null(strstr(resumed, "xvm-sim counter: 0\n"));
	}
	guest_destroy(&s, &r);
	guest_clear(&g);
	guest_clear(&r);
	stack_stop(&s);
}

static bool wait_info(struct stack *s, uint32_t domid, bool (*ok)(const struct hv_dominfo *))
{
	for (int i = 0; i < 2000; i++) {
		struct hv_dominfo info;

		if (hv_domain_getinfo(s->hv, domid, &info, NULL) && ok(&info))
			return true;
		g_usleep(10000);
	}
	return false;
}

static bool half_memory(const struct hv_dominfo *i)
{
	return i->tot_pages == 32 * MIB / 4;
}

static bool one_vcpu(const struct hv_dominfo *i)
{
	return i->nr_online_vcpus == 1;
}

static bool two_vcpus(const struct hv_dominfo *i)
{
	return i->nr_online_vcpus == 2;
}

/* The balloon and vCPU hotplug, seen from the hypervisor. */
static void test_balloon_vcpus(void)
{
	struct stack s;
	struct guest g;
	struct guest_cfg cfg;
	g_autofree char *target = NULL;
	g_autofree char *cpu1 = NULL;
	g_autofree char *log = NULL;
	struct hv_dominfo info;

	stack_start(&s, 4096);
	cfg = default_cfg("elastic", "", NULL);
	guest_start(&s, &cfg, &g);
	g_assert_true(wait_info(&s, g.domid, two_vcpus));
	target = g_strdup_printf("%s/memory/target", g.home);
	stack_write(&s, target, "32768");
	g_assert_true(wait_info(&s, g.domid, half_memory));
	/* Past its maximum: refused, it stays. */
	stack_write(&s, target, "1048576");
	log = g_strdup_printf("%s/guest-elastic.log", s.log_dir);
	g_assert_true(stack_wait_file(log, "cannot reach 1048576 KiB"));
	g_assert_true(hv_domain_getinfo(s.hv, g.domid, &info, NULL));
	g_assert_cmpuint(info.tot_pages, ==, 32 * MIB / 4);

	cpu1 = g_strdup_printf("%s/cpu/1/availability", g.home);
	stack_write(&s, cpu1, "offline");
	g_assert_true(wait_info(&s, g.domid, one_vcpu));
	stack_write(&s, cpu1, "online");
	g_assert_true(wait_info(&s, g.domid, two_vcpus));
	guest_destroy(&s, &g);
	guest_clear(&g);
	stack_stop(&s);
}

/* A suspend the toolstack cancels (hv_domain_resume): the same guest
 * runs on and still obeys. */
static void test_suspend_cancel(void)
{
	struct stack s;
	struct guest g;
	struct guest_cfg cfg;
	g_autofree char *disk = NULL;
	g_autofree char *ctl = NULL;
	g_autofree char *log = NULL;
	g_autoptr(GError) err = NULL;

	stack_start(&s, 4096);
	disk = make_disk(&s, "disk.img", 1 << 20);
	cfg = default_cfg("cancel", "", disk);
	guest_start(&s, &cfg, &g);
	g_assert_true(stack_wait_connected(&s, &g, &cfg));
	ctl = g_strdup_printf("%s/control/shutdown", g.home);
	stack_write(&s, ctl, "suspend");
	g_assert_cmpint(stack_wait_shutdown(&s, g.domid), ==, SHUTDOWN_suspend);
	g_assert_true(hv_domain_resume(s.hv, g.domid, &err));
	g_assert_no_error(err);
	log = g_strdup_printf("%s/guest-cancel.log", s.log_dir);
	g_assert_true(stack_wait_file(log, "suspend cancelled"));
	/* Its devices stayed connected. */
	g_assert_true(stack_wait_connected(&s, &g, &cfg));
	stack_write(&s, ctl, "reboot");
	g_assert_cmpint(stack_wait_shutdown(&s, g.domid), ==, SHUTDOWN_reboot);
	guest_destroy(&s, &g);
	guest_clear(&g);
	stack_stop(&s);
}

/* xvm-consoled ignores console keys it cannot use, and connects once
 * they are right. */
static void test_console_bad_keys(void)
{
	struct stack s;
	struct guest g;
	struct guest_cfg cfg;
	g_autofree char *log = NULL;
	g_autofree char *tty = NULL;
	g_autofree char *path = NULL;
	g_autofree char *value = NULL;

	stack_start(&s, 4096);
	cfg = default_cfg("badcons", "", NULL);
	cfg.bad_console_keys = true;
	guest_start(&s, &cfg, &g);
	path = g_strdup_printf("%s/data/updated", g.home);
	g_assert_true(stack_wait_exists(&s, path));     /* the guest is up */
	g_usleep(300000);
	tty = stack_read(&s, "%s/console/tty", g.home);
	g_assert_null(tty);
	g_free(path);
	path = g_strdup_printf("%s/console/ring-ref", g.home);
	value = g_strdup_printf("%" G_GUINT64_FORMAT, g.console_gfn);
	stack_write(&s, path, value);
	g_free(path);
	g_free(value);
	path = g_strdup_printf("%s/console/port", g.home);
	value = g_strdup_printf("%u", g.console_port);
	stack_write(&s, path, value);
	g_free(path);
	path = g_strdup_printf("%s/console/tty", g.home);
	g_assert_true(stack_wait_exists(&s, path));
	/* What the guest printed meanwhile waited in its ring. */
	log = g_strdup_printf("%s/guest-badcons.log", s.log_dir);
	g_assert_true(stack_wait_file(log, "booted"));
	guest_destroy(&s, &g);
	guest_clear(&g);
	stack_stop(&s);
}

/* A console nobody reads does not hold xvm-consoled up: a guest echoing
 * a flood of input into a pty whose output no one takes. The daemon
 * keeps a bounded buffer, logs everything and serves other guests. */
static void test_console_unread(void)
{
	enum { FLOOD = 128 * 1024 };
	struct stack s;
	struct guest g, other;
	struct guest_cfg cfg, other_cfg;
	g_autofree char *tty = NULL;
	g_autofree char *path = NULL;
	g_autofree char *log = NULL;
	g_autofree char *chunk = g_malloc(1024);
	size_t sent = 0;
	gint64 end;
	int fd;

	stack_start(&s, 4096);
	cfg = default_cfg("flood", "", NULL);
	guest_start(&s, &cfg, &g);
	path = g_strdup_printf("%s/console/tty", g.home);
	g_assert_true(stack_wait_exists(&s, path));
	tty = stack_read(&s, "%s/console/tty", g.home);
	fd = open(tty, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	g_assert_cmpint(fd, >=, 0);
	memset(chunk, 'x', 1024);
	for (int i = 63; i < 1024; i += 64)
		chunk[i] = '\n';
	end = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
	while (sent < FLOOD && g_get_monotonic_time() < end) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = write(fd, chunk, 1024);
		if (n > 0)
			sent += (size_t)n;
	}
	g_assert_cmpuint(sent, >=, FLOOD);
	/* Every echoed byte reached the log, though nobody read the pty. */
	log = g_strdup_printf("%s/guest-flood.log", s.log_dir);
	for (int i = 0; i < 2000; i++) {
		GStatBuf st;

		if (g_stat(log, &st) == 0 && (size_t)st.st_size >= FLOOD)
			break;
		g_usleep(10000);
	}
	{
		GStatBuf st;

		g_assert_cmpint(g_stat(log, &st), ==, 0);
		g_assert_cmpuint((size_t)st.st_size, >=, FLOOD);
	}
	/* The daemon is not stuck, and its buffer stayed bounded. */
	other_cfg = default_cfg("other", "", NULL);
	guest_start(&s, &other_cfg, &other);
	g_free(log);
	log = g_strdup_printf("%s/guest-other.log", s.log_dir);
	g_assert_true(stack_wait_file(log, "booted"));
	g_assert_cmpuint(proc_rss_kib(s.consoled), <, 20 * 1024);
	close(fd);
	guest_destroy(&s, &g);
	guest_destroy(&s, &other);
	guest_clear(&g);
	guest_clear(&other);
	stack_stop(&s);
}

/* SIGHUP: xvm-consoled opens its logs again (logrotate moved them). */
static void test_console_log_reopen(void)
{
	struct stack s;
	struct guest g;
	struct guest_cfg cfg;
	g_autofree char *log = NULL;
	g_autofree char *old = NULL;

	stack_start(&s, 4096);
	cfg = default_cfg("rotated", "xvmsim.counter", NULL);
	guest_start(&s, &cfg, &g);
	log = g_strdup_printf("%s/guest-rotated.log", s.log_dir);
	old = g_strdup_printf("%s.1", log);
	g_assert_true(stack_wait_file(log, "xvm-sim counter: 1\n"));
	g_assert_cmpint(g_rename(log, old), ==, 0);
	g_assert_cmpint(kill(s.consoled, SIGHUP), ==, 0);
	g_assert_true(stack_wait_file(log, "xvm-sim counter: "));
	guest_destroy(&s, &g);
	guest_clear(&g);
	stack_stop(&s);
}

/* Must-show 5: a hundred guests at once, every one booted and connected;
 * simhv and xenstored in less than 50 MiB together. */
static void test_hundred_guests(void)
{
	enum { N = 100 };
	struct stack s;
	struct guest *g = g_new0(struct guest, N);
	struct guest_cfg *cfg = g_new0(struct guest_cfg, N);
	g_autofree char *disk = NULL;
	uint64_t simhv_kib, xenstored_kib;
	gint64 start = g_get_monotonic_time();

	stack_start(&s, 16384);
	disk = make_disk(&s, "disk.img", 1 << 20);
	for (int i = 0; i < N; i++) {
		cfg[i] = default_cfg(NULL, "", disk);
		cfg[i].name = g_strdup_printf("guest%d", i);
		cfg[i].memory_kib = 32 * MIB;
		cfg[i].vcpus = 1;
		guest_start(&s, &cfg[i], &g[i]);
	}
	for (int i = 0; i < N; i++) {
		g_autofree char *log = g_strdup_printf("%s/guest-guest%d.log", s.log_dir, i);
		g_autofree char *marker = g_strdup_printf("xvm-sim: %u booted", g[i].domid);

		if (!stack_wait_connected(&s, &g[i], &cfg[i]))
			g_error("guest %d (domain %u) did not connect", i, g[i].domid);
		g_assert_true(stack_wait_file(log, marker));
	}
	simhv_kib = proc_rss_kib(s.simhv);
	xenstored_kib = proc_rss_kib(s.xenstored);
	g_test_message("%d guests up in %.1f s; RSS simhv %" G_GUINT64_FORMAT
		       " KiB + xenstored %" G_GUINT64_FORMAT " KiB (consoled %" G_GUINT64_FORMAT
		       " KiB)", N, (double)(g_get_monotonic_time() - start) / 1e6,
		       simhv_kib, xenstored_kib, proc_rss_kib(s.consoled));
	g_assert_cmpuint(simhv_kib + xenstored_kib, <, 50 * 1024);
	for (int i = 0; i < N; i++) {
		guest_destroy(&s, &g[i]);
		guest_clear(&g[i]);
		g_free((char *)cfg[i].name);
	}
	g_free(g);
	g_free(cfg);
	stack_stop(&s);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim-stack/lifecycle", test_lifecycle);
	g_test_add_func("/sim-stack/missing-image", test_missing_image);
	g_test_add_func("/sim-stack/option/crash", test_crash);
	g_test_add_func("/sim-stack/option/ignore-shutdown", test_ignore_shutdown);
	g_test_add_func("/sim-stack/option/hang-boot", test_hang_boot);
	g_test_add_func("/sim-stack/option/refuse", test_refuse);
	g_test_add_func("/sim-stack/option/busy", test_busy);
	g_test_add_func("/sim-stack/option/ring-garbage", test_ring_garbage);
	g_test_add_func("/sim-stack/option/counter-save-restore", test_counter_save_restore);
	g_test_add_func("/sim-stack/option/console-garbage", test_console_garbage);
	g_test_add_func("/sim-stack/balloon-vcpus", test_balloon_vcpus);
	g_test_add_func("/sim-stack/suspend-cancel", test_suspend_cancel);
	g_test_add_func("/sim-stack/console/bad-keys", test_console_bad_keys);
	g_test_add_func("/sim-stack/console/log-reopen", test_console_log_reopen);
	g_test_add_func("/sim-stack/console/unread", test_console_unread);
	g_test_add_func("/sim-stack/hundred-guests", test_hundred_guests);
	return g_test_run();
}
