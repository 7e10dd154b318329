/* Unit tests of the simulated machine (src/sim/machine*.c): the domain
 * table, memory accounting, the scheduler's accounting on a fake clock,
 * event channels, pages, save and restore. A tiny kernel records what the
 * machine asks of it. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/sched.h>
#include <xen/io/xs_wire.h>

#include "machine.h"

/* ---- a kernel that records ------------------------------------------ */

struct tkernel {
	const struct sim_guest_env *env;
	char *state;                 /* what save() gives, restore() got */
	unsigned int events[8];      /* per port, ports < 8 */
	bool paused;
};

static struct {
	unsigned int boots, restores, stops, pauses, unpauses;
	struct tkernel *last;
	bool fail_boot;
} rec;

static void *tk_boot(const struct sim_guest_env *env)
{
	struct tkernel *k;

	rec.boots++;
	if (rec.fail_boot)
		return NULL;
	k = g_new0(struct tkernel, 1);
	k->env = env;
	k->state = g_strdup_printf("booted %s", env->cmdline);
	rec.last = k;
	return k;
}

static void *tk_restore(const struct sim_guest_env *env, const void *blob, size_t len)
{
	struct tkernel *k = g_new0(struct tkernel, 1);

	rec.restores++;
	k->env = env;
	k->state = g_strndup(blob, len);
	rec.last = k;
	return k;
}

static void *tk_save(void *kernel, size_t *len)
{
	struct tkernel *k = kernel;

	*len = strlen(k->state);
	return g_strdup(k->state);
}

static void tk_event(void *kernel, uint32_t port)
{
	struct tkernel *k = kernel;

	g_assert_false(k->paused);
	if (port < 8)
		k->events[port]++;
}

static void tk_pause(void *kernel)
{
	rec.pauses++;
	((struct tkernel *)kernel)->paused = true;
}

static void tk_unpause(void *kernel)
{
	rec.unpauses++;
	((struct tkernel *)kernel)->paused = false;
}

static void tk_stop(void *kernel)
{
	struct tkernel *k = kernel;

	rec.stops++;
	if (rec.last == k)
		rec.last = NULL;
	g_free(k->state);
	g_free(k);
}

static const struct sim_guest_ops tk_ops = {
	.boot = tk_boot, .restore = tk_restore, .save = tk_save, .event = tk_event,
	.pause = tk_pause, .unpause = tk_unpause, .stop = tk_stop,
};

/* ---- fixture --------------------------------------------------------- */

static uint64_t fake_now;

static uint64_t fake_clock(void *data)
{
	(void)data;
	return fake_now;
}

struct fx {
	char *dir;
	struct machine *m;
	int owner_a, owner_b;        /* their addresses are the owners */
	int kernel_fd;
};

#define A (&f->owner_a)
#define B (&f->owner_b)

/* (Re)creates the machine: cpus, host memory, dom0's share. */
static void fx_machine(struct fx *f, uint32_t cpus, uint64_t mem_mib, uint64_t dom0_mib)
{
	struct machine_config cfg = {
		.nr_cpus = cpus, .memory_kib = mem_mib << 10, .dom0_kib = dom0_mib << 10,
		.ops = &tk_ops, .clock = fake_clock, .run_dir = f->dir,
	};
	g_autoptr(GError) err = NULL;

	machine_free(f->m);
	memset(&rec, 0, sizeof(rec));
	fake_now = 1000;
	f->m = machine_new(&cfg, &err);
	g_assert_no_error(err);
}

static void fx_setup(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *kpath = NULL;

	(void)data;
	f->m = NULL;
	f->dir = g_dir_make_tmp("xvm-sim-XXXXXX", &err);
	g_assert_no_error(err);
	kpath = g_build_filename(f->dir, "kernel", NULL);
	g_assert_true(g_file_set_contents(kpath, "ELF...", -1, NULL));
	f->kernel_fd = open(kpath, O_RDONLY);
	g_assert_cmpint(f->kernel_fd, >=, 0);
	fx_machine(f, 4, 1024, 256);
}

static void fx_teardown(struct fx *f, gconstpointer data)
{
	g_autoptr(GDir) d = NULL;
	const char *name;

	(void)data;
	machine_free(f->m);
	close(f->kernel_fd);
	d = g_dir_open(f->dir, 0, NULL);
	/* Every page file went with its domain. */
	while ((name = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(f->dir, name, NULL);
		g_assert_cmpstr(name, ==, "kernel");
		g_unlink(p);
	}
	g_rmdir(f->dir);
	g_free(f->dir);
}

static uint32_t create(struct fx *f, enum hv_domain_type type, uint32_t vcpus)
{
	struct hv_create_config c = { .type = type, .max_vcpus = vcpus };
	g_autoptr(GError) err = NULL;
	uint32_t domid = 0;

	g_assert_true(machine_create(f->m, &c, &domid, &err));
	g_assert_no_error(err);
	return domid;
}

static struct hv_build_result build(struct fx *f, uint32_t domid, uint64_t mib,
				    const char *cmdline)
{
	struct machine_build b = {
		.kernel_fd = f->kernel_fd, .ramdisk_fd = -1, .cmdline = cmdline,
		.memory_kib = mib << 10,
	};
	struct hv_build_result res;
	g_autoptr(GError) err = NULL;

	g_assert_true(machine_build(f->m, domid, &b, &res, &err));
	g_assert_no_error(err);
	return res;
}

static uint32_t running(struct fx *f, uint32_t vcpus, const char *cmdline,
			struct hv_build_result *res)
{
	uint32_t domid = create(f, HV_DOMAIN_PV, vcpus);
	struct hv_build_result r = build(f, domid, 64, cmdline);

	g_assert_true(machine_unpause(f->m, domid, NULL));
	if (res)
		*res = r;
	return domid;
}

static struct hv_dominfo info(struct fx *f, uint32_t domid)
{
	struct hv_dominfo i;
	g_autoptr(GError) err = NULL;

	g_assert_true(machine_getinfo(f->m, domid, &i, &err));
	g_assert_no_error(err);
	return i;
}

static void assert_gone(struct fx *f, uint32_t domid)
{
	struct hv_dominfo i;
	g_autoptr(GError) err = NULL;

	g_assert_false(machine_getinfo(f->m, domid, &i, &err));
	g_assert_error(err, SIM_ERROR, ENOENT);
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static void drain(int fd)
{
	uint64_t v;

	g_assert_cmpint(read(fd, &v, sizeof(v)), ==, sizeof(v));
}

/* ---- the domain table ------------------------------------------------ */

static void test_dom0(struct fx *f, gconstpointer data)
{
	struct hv_dominfo i = info(f, 0);
	struct hv_physinfo pi;

	(void)data;
	g_assert_cmpuint(i.nr_online_vcpus, ==, 4);
	g_assert_cmpuint(i.tot_pages, ==, 256 * 256);
	g_assert_false(i.flags & (HV_DOMINF_PAUSED | HV_DOMINF_SHUTDOWN));
	machine_physinfo(f->m, &pi);
	g_assert_cmpuint(pi.nr_cpus, ==, 4);
	g_assert_cmpuint(pi.total_pages, ==, 1024 * 256);
	g_assert_cmpuint(pi.free_pages, ==, 768 * 256);
	/* dom0 is not the toolstack's to pause or destroy. */
	g_assert_false(machine_pause(f->m, 0, NULL));
	g_assert_false(machine_destroy(f->m, 0, NULL));
}

static void test_domid_allocation(struct fx *f, gconstpointer data)
{
	struct hv_create_config bad = { .type = HV_DOMAIN_PV, .max_vcpus = 0 };
	g_autoptr(GError) err = NULL;
	uint32_t a, b, c, d, id;

	(void)data;
	a = create(f, HV_DOMAIN_PV, 1);
	b = create(f, HV_DOMAIN_PVH, 1);
	c = create(f, HV_DOMAIN_HVM, 1);
	g_assert_cmpuint(a, ==, 1);
	g_assert_cmpuint(b, ==, 2);
	g_assert_cmpuint(c, ==, 3);
	g_assert_true(machine_destroy(f->m, b, NULL));
	assert_gone(f, b);
	/* Not reused: the next one is above the last given. */
	d = create(f, HV_DOMAIN_PV, 1);
	g_assert_cmpuint(d, ==, 4);
	g_assert_true(info(f, c).flags & HV_DOMINF_HVM);
	g_assert_false(info(f, a).flags & HV_DOMINF_HVM);

	g_assert_false(machine_create(f->m, &bad, &id, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	bad.max_vcpus = 1;
	bad.type = 7;
	g_assert_false(machine_create(f->m, &bad, &id, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
}

static void test_domid_wrap(struct fx *f, gconstpointer data)
{
	uint32_t id = 0;

	(void)data;
	/* Creating up to the reserved range wraps to the lowest free id,
	 * skipping those alive. */
	create(f, HV_DOMAIN_PV, 1);                 /* 1 stays */
	for (uint32_t i = 2; i < 0x7FF0; i++) {
		id = create(f, HV_DOMAIN_PV, 1);
		g_assert_cmpuint(id, ==, i);
		if (id != 3)
			g_assert_true(machine_destroy(f->m, id, NULL));
	}
	id = create(f, HV_DOMAIN_PV, 1);
	g_assert_cmpuint(id, ==, 2);
	id = create(f, HV_DOMAIN_PV, 1);
	g_assert_cmpuint(id, ==, 4);
}

static void test_paused_until_unpaused(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	uint32_t d = create(f, HV_DOMAIN_PV, 2);
	struct hv_dominfo i = info(f, d);

	(void)data;
	g_assert_true(i.flags & HV_DOMINF_PAUSED);
	g_assert_cmpuint(i.tot_pages, ==, 0);
	g_assert_cmpuint(i.max_vcpu_id, ==, 1);
	/* Nothing to run yet. */
	g_assert_false(machine_unpause(f->m, d, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	build(f, d, 64, "console=hvc0");
	g_assert_true(info(f, d).flags & HV_DOMINF_PAUSED);
	g_assert_cmpuint(rec.boots, ==, 0);
	g_assert_true(machine_unpause(f->m, d, NULL));
	g_assert_cmpuint(rec.boots, ==, 1);
	g_assert_cmpstr(rec.last->env->cmdline, ==, "console=hvc0");
	i = info(f, d);
	g_assert_false(i.flags & HV_DOMINF_PAUSED);
	g_assert_true(i.flags & HV_DOMINF_BLOCKED);   /* idle */
	g_assert_cmpuint(i.nr_online_vcpus, ==, 1);
	g_assert_false(machine_unpause(f->m, d, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_assert_true(machine_pause(f->m, d, NULL));
	g_assert_cmpuint(rec.pauses, ==, 1);
	g_assert_true(info(f, d).flags & HV_DOMINF_PAUSED);
	g_assert_true(machine_unpause(f->m, d, NULL));
	g_assert_cmpuint(rec.unpauses, ==, 1);
	g_assert_cmpuint(rec.boots, ==, 1);
}

static void test_shutdown_reasons(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	int exc;
	uint32_t port;
	uint32_t d;

	(void)data;
	g_assert_true(machine_bind_dom_exc(f->m, A, &port, &exc, NULL));
	for (unsigned int reason = SHUTDOWN_poweroff; reason <= SHUTDOWN_MAX; reason++) {
		struct hv_dominfo i;

		d = running(f, 1, "", NULL);
		g_assert_false(readable(exc));
		g_assert_true(machine_shutdown(f->m, d, reason, NULL));
		g_assert_true(readable(exc));
		drain(exc);
		i = info(f, d);
		g_assert_true(i.flags & HV_DOMINF_SHUTDOWN);
		g_assert_cmpuint(i.shutdown_reason, ==, reason);
		/* The kernel stops, but for a suspend. */
		g_assert_cmpuint(rec.stops, ==, reason == SHUTDOWN_suspend ? reason : reason + 1);
		/* The first reason stays. */
		g_assert_true(machine_shutdown(f->m, d, SHUTDOWN_crash, NULL));
		g_assert_cmpuint(info(f, d).shutdown_reason, ==, reason);
		g_assert_true(machine_destroy(f->m, d, NULL));
		assert_gone(f, d);
		g_assert_true(readable(exc));
		drain(exc);
	}
	d = running(f, 1, "", NULL);
	g_assert_false(machine_shutdown(f->m, d, SHUTDOWN_MAX + 1, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	/* A guest's own shutdown: the hypercall. */
	sim_hc_shutdown(rec.last->env->dom, SHUTDOWN_reboot);
	g_assert_cmpuint(info(f, d).shutdown_reason, ==, SHUTDOWN_reboot);
	g_assert_null(rec.last);
	/* A kernel that does not boot crashed. */
	rec.fail_boot = true;
	d = running(f, 1, "", NULL);
	g_assert_cmpuint(info(f, d).shutdown_reason, ==, SHUTDOWN_crash);
	close(exc);
}

static void test_resume(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	uint32_t d = running(f, 1, "", NULL);

	(void)data;
	g_assert_false(machine_resume(f->m, d, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	sim_hc_shutdown(rec.last->env->dom, SHUTDOWN_suspend);
	g_assert_nonnull(rec.last);
	g_assert_true(machine_resume(f->m, d, NULL));
	g_assert_cmpuint(rec.unpauses, ==, 1);   /* SCHEDOP_shutdown returned */
	g_assert_false(info(f, d).flags & HV_DOMINF_SHUTDOWN);
	g_assert_cmpuint(rec.stops, ==, 0);
}

static void test_dying_until_unmapped(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	struct hv_build_result r;
	uint32_t d = running(f, 1, "", &r);
	int fd1, fd2, fd3;

	(void)data;
	g_assert_true(machine_map(f->m, A, d, MACHINE_PAGE_STORE, r.store_gfn, &fd1, NULL));
	g_assert_true(machine_map(f->m, A, d, MACHINE_PAGE_STORE, r.store_gfn, &fd2, NULL));
	g_assert_true(machine_map(f->m, B, d, MACHINE_PAGE_CONSOLE, r.console_gfn, &fd3, NULL));
	close(fd1);
	close(fd2);
	close(fd3);
	g_assert_true(machine_destroy(f->m, d, NULL));
	g_assert_cmpuint(rec.stops, ==, 1);
	g_assert_true(info(f, d).flags & HV_DOMINF_DYING);
	g_assert_cmpuint(info(f, d).tot_pages, ==, 0);
	/* Dying: no new mapping, no second destroy. */
	g_assert_false(machine_map(f->m, A, d, MACHINE_PAGE_STORE, r.store_gfn, &fd1, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	g_assert_false(machine_destroy(f->m, d, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	g_assert_true(machine_unmap(f->m, A, d, MACHINE_PAGE_STORE, NULL));
	g_assert_true(info(f, d).flags & HV_DOMINF_DYING);
	g_assert_true(machine_unmap(f->m, A, d, MACHINE_PAGE_STORE, NULL));
	g_assert_false(machine_unmap(f->m, A, d, MACHINE_PAGE_STORE, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_assert_true(info(f, d).flags & HV_DOMINF_DYING);
	/* B's connection closes: its mapping goes, and the domain. */
	machine_release(f->m, B);
	assert_gone(f, d);
}

/* ---- memory ----------------------------------------------------------- */

static void test_memory(struct fx *f, gconstpointer data)
{
	struct machine_build b = {
		.kernel_fd = f->kernel_fd, .ramdisk_fd = -1, .cmdline = "",
		.memory_kib = 512 << 10,
	};
	struct hv_build_result res;
	struct hv_physinfo pi;
	g_autoptr(GError) err = NULL;
	uint32_t d1 = create(f, HV_DOMAIN_PV, 1), d2 = create(f, HV_DOMAIN_PV, 1);
	uint32_t d3 = create(f, HV_DOMAIN_HVM, 1);

	(void)data;
	g_assert_true(machine_build(f->m, d1, &b, &res, NULL));
	machine_physinfo(f->m, &pi);
	g_assert_cmpuint(pi.free_pages, ==, 256 * 256);
	/* 512 MiB more do not fit in 256: refused, nothing changes. */
	g_assert_false(machine_build(f->m, d2, &b, &res, &err));
	g_assert_error(err, SIM_ERROR, ENOMEM);
	g_clear_error(&err);
	g_assert_cmpuint(info(f, d2).tot_pages, ==, 0);
	machine_physinfo(f->m, &pi);
	g_assert_cmpuint(pi.free_pages, ==, 256 * 256);
	/* Past the domain's own maximum. */
	g_assert_true(machine_set_max_mem(f->m, d2, 100 << 10, NULL));
	b.memory_kib = 128 << 10;
	g_assert_false(machine_build(f->m, d2, &b, &res, &err));
	g_assert_error(err, SIM_ERROR, ENOMEM);
	g_clear_error(&err);
	b.memory_kib = 100 << 10;
	g_assert_true(machine_build(f->m, d2, &b, &res, NULL));
	g_assert_cmpuint(info(f, d2).max_pages, ==, 100 * 256);
	/* HVM needs no kernel. */
	b.kernel_fd = -1;
	b.memory_kib = 16 << 10;
	g_assert_true(machine_build(f->m, d3, &b, &res, NULL));
	/* Ballooning: within max, within the host. */
	g_assert_true(machine_unpause(f->m, d2, NULL));
	g_assert_cmpint(sim_hc_set_pages(rec.last->env->dom, 101 * 256), ==, -ENOMEM);
	g_assert_cmpint(sim_hc_set_pages(rec.last->env->dom, 50 * 256), ==, 0);
	g_assert_cmpuint(sim_hc_tot_pages(rec.last->env->dom), ==, 50 * 256);
	g_assert_cmpuint(sim_hc_max_pages(rec.last->env->dom), ==, 100 * 256);
	machine_physinfo(f->m, &pi);
	g_assert_cmpuint(pi.free_pages, ==, (256 - 50 - 16) * 256);
	/* Destroy gives it all back. */
	g_assert_true(machine_destroy(f->m, d1, NULL));
	g_assert_true(machine_destroy(f->m, d2, NULL));
	g_assert_true(machine_destroy(f->m, d3, NULL));
	machine_physinfo(f->m, &pi);
	g_assert_cmpuint(pi.free_pages, ==, 768 * 256);
}

static void test_build_checks(struct fx *f, gconstpointer data)
{
	g_autofree char *empty = g_build_filename(f->dir, "empty", NULL);
	g_autofree char *longline = g_strnfill(1024, 'x');
	struct machine_build b = { .ramdisk_fd = -1, .cmdline = "", .memory_kib = 1024 };
	struct hv_build_result res;
	g_autoptr(GError) err = NULL;
	uint32_t d = create(f, HV_DOMAIN_PV, 1);
	int efd;

	(void)data;
	/* PV needs a kernel, a non-empty regular file. */
	b.kernel_fd = -1;
	g_assert_false(machine_build(f->m, d, &b, &res, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	g_assert_true(g_file_set_contents(empty, "", 0, NULL));
	efd = open(empty, O_RDONLY);
	b.kernel_fd = efd;
	g_assert_false(machine_build(f->m, d, &b, &res, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	b.kernel_fd = f->kernel_fd;
	b.ramdisk_fd = efd;
	g_assert_false(machine_build(f->m, d, &b, &res, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	b.ramdisk_fd = -1;
	b.cmdline = longline;
	g_assert_false(machine_build(f->m, d, &b, &res, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	b.cmdline = "";
	b.memory_kib = 0;
	g_assert_false(machine_build(f->m, d, &b, &res, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	b.memory_kib = 1024;
	g_assert_true(machine_build(f->m, d, &b, &res, NULL));
	/* Once. */
	g_assert_false(machine_build(f->m, d, &b, &res, &err));
	g_assert_error(err, SIM_ERROR, EBUSY);
	g_clear_error(&err);
	g_assert_false(machine_build(f->m, 99, &b, &res, &err));
	g_assert_error(err, SIM_ERROR, ENOENT);
	close(efd);
	g_unlink(empty);
}

/* ---- the scheduler --------------------------------------------------- */

static void set_sched(struct fx *f, uint32_t d, uint16_t weight, uint16_t cap)
{
	struct hv_sched_credit sc = { .weight = weight, .cap = cap };
	g_autoptr(GError) err = NULL;

	g_assert_true(machine_sched_set(f->m, d, &sc, &err));
	g_assert_no_error(err);
}

static struct sim_domain *busy_domain(struct fx *f, uint32_t vcpus, uint32_t *domid)
{
	struct sim_domain *dom;

	*domid = running(f, vcpus, "", NULL);
	dom = rec.last->env->dom;
	for (uint32_t v = 1; v < vcpus; v++)
		g_assert_cmpint(sim_hc_vcpu_up(dom, v), ==, 0);
	sim_hc_set_busy(dom, true);
	return dom;
}

static double cpu_s(struct fx *f, uint32_t d)
{
	return info(f, d).cpu_time_ns / 1e9;
}

static void test_sched_weights(struct fx *f, gconstpointer data)
{
	uint32_t a, b;
	double ta, tb;

	(void)data;
	fx_machine(f, 1, 1024, 256);
	busy_domain(f, 1, &a);
	busy_domain(f, 1, &b);
	set_sched(f, a, 256, 0);
	set_sched(f, b, 512, 0);
	fake_now += 30ull * 1000000000;
	ta = cpu_s(f, a);
	tb = cpu_s(f, b);
	g_test_message("weights 256:512 on 1 CPU: %.3f s : %.3f s", ta, tb);
	g_assert_cmpfloat(fabs(tb / ta - 2.0), <, 0.1);   /* within 5% */
	g_assert_cmpfloat(fabs(ta + tb - 30.0), <, 0.001);
	/* Paused: it stops accruing; the other gets the CPU. */
	g_assert_true(machine_pause(f->m, a, NULL));
	fake_now += 10ull * 1000000000;
	g_assert_cmpfloat(fabs(cpu_s(f, a) - ta), <, 1e-6);
	g_assert_cmpfloat(fabs(cpu_s(f, b) - tb - 10.0), <, 0.001);
	/* Idle: nothing accrues. */
	g_assert_true(machine_unpause(f->m, a, NULL));
	g_assert_true(machine_pause(f->m, b, NULL));
	ta = cpu_s(f, a);
	sim_hc_set_busy(rec.last->env->dom, false);   /* rec.last is b's kernel */
	fake_now += 10ull * 1000000000;
	g_assert_cmpfloat(fabs(cpu_s(f, a) - ta - 10.0), <, 0.001);
}

static void test_sched_saturated(struct fx *f, gconstpointer data)
{
	uint32_t a, b;
	double ta, tb;

	(void)data;
	/* 4 CPUs, 3 + 3 busy vCPUs: more than the CPUs. */
	busy_domain(f, 3, &a);
	busy_domain(f, 3, &b);
	set_sched(f, a, 256, 0);
	set_sched(f, b, 512, 0);
	fake_now += 60ull * 1000000000;
	ta = cpu_s(f, a);
	tb = cpu_s(f, b);
	g_test_message("3+3 vCPUs on 4 CPUs, weights 256:512: %.3f s : %.3f s", ta, tb);
	g_assert_cmpfloat(fabs(tb / ta - 2.0), <, 0.1);
	g_assert_cmpfloat(fabs(ta + tb - 240.0), <, 0.01);
}

static void test_sched_cap(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	struct hv_sched_credit sc = { .weight = 256, .cap = 250 };
	uint32_t a, b;

	(void)data;
	busy_domain(f, 2, &a);
	busy_domain(f, 1, &b);
	set_sched(f, a, 256, 50);    /* half a CPU for both its vCPUs */
	fake_now += 10ull * 1000000000;
	g_assert_cmpfloat(fabs(cpu_s(f, a) - 5.0), <, 0.001);
	g_assert_cmpfloat(fabs(cpu_s(f, b) - 10.0), <, 0.001);
	/* At most 100 per vCPU; a weight of 0 is not one. */
	g_assert_false(machine_sched_set(f->m, a, &sc, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	sc.cap = 0;
	sc.weight = 0;
	g_assert_false(machine_sched_set(f->m, a, &sc, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_assert_true(machine_sched_get(f->m, a, &sc, NULL));
	g_assert_cmpuint(sc.weight, ==, 256);
	g_assert_cmpuint(sc.cap, ==, 50);
}

static void test_sched_affinity(struct fx *f, gconstpointer data)
{
	const uint8_t cpu0 = 0x01, cpu1 = 0x02, none = 0x00;
	uint8_t map[2];
	g_autoptr(GError) err = NULL;
	struct hv_vcpuinfo vi;
	uint32_t a, b, c;

	(void)data;
	fx_machine(f, 2, 1024, 256);
	/* a and b share CPU 0 (1:3 by weight), c has CPU 1 to itself. */
	busy_domain(f, 1, &a);
	busy_domain(f, 1, &b);
	busy_domain(f, 1, &c);
	set_sched(f, b, 768, 0);
	g_assert_true(machine_set_affinity(f->m, a, 0, &cpu0, 1, NULL));
	g_assert_true(machine_set_affinity(f->m, b, 0, &cpu0, 1, NULL));
	g_assert_true(machine_set_affinity(f->m, c, 0, &cpu1, 1, NULL));
	fake_now += 8ull * 1000000000;
	g_test_message("affinity: %.3f %.3f %.3f", cpu_s(f, a), cpu_s(f, b), cpu_s(f, c));
	g_assert_cmpfloat(fabs(cpu_s(f, a) - 2.0), <, 0.001);
	g_assert_cmpfloat(fabs(cpu_s(f, b) - 6.0), <, 0.001);
	g_assert_cmpfloat(fabs(cpu_s(f, c) - 8.0), <, 0.001);
	g_assert_true(machine_vcpu_info(f->m, c, 0, &vi, NULL));
	g_assert_true(vi.running);
	g_assert_cmpuint(vi.cpu, ==, 1);
	g_assert_true(machine_get_affinity(f->m, a, 0, map, sizeof(map), NULL));
	g_assert_cmpuint(map[0], ==, 0x01);
	g_assert_cmpuint(map[1], ==, 0);
	/* An empty map, or one of CPUs the host lacks, is refused. */
	g_assert_false(machine_set_affinity(f->m, a, 0, &none, 1, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	map[0] = 0x04;
	g_assert_false(machine_set_affinity(f->m, a, 0, map, 1, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	g_assert_false(machine_set_affinity(f->m, a, 1, &cpu0, 1, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	/* Bits past the host's CPUs are ignored. */
	map[0] = 0xff;
	map[1] = 0xff;
	g_assert_true(machine_set_affinity(f->m, a, 0, map, 2, NULL));
	g_assert_true(machine_get_affinity(f->m, a, 0, map, 2, NULL));
	g_assert_cmpuint(map[0], ==, 0x03);
	g_assert_cmpuint(map[1], ==, 0);
}

static void test_affinity_moves_idle_vcpu(struct fx *f, gconstpointer data)
{
	const uint8_t cpus23 = 0x0c, cpus12 = 0x06, cpus03 = 0x09;
	struct hv_vcpuinfo vi;
	uint32_t a;

	(void)data;
	fx_machine(f, 4, 1024, 256);
	/* An idle vCPU last ran on CPU 0; pinned elsewhere it is on a CPU
	 * of its new affinity at once, as Xen migrates it. */
	a = running(f, 1, "", NULL);
	g_assert_true(machine_vcpu_info(f->m, a, 0, &vi, NULL));
	g_assert_false(vi.running);
	g_assert_cmpuint(vi.cpu, ==, 0);
	g_assert_true(machine_set_affinity(f->m, a, 0, &cpus23, 1, NULL));
	g_assert_true(machine_vcpu_info(f->m, a, 0, &vi, NULL));
	g_assert_cmpuint(vi.cpu, ==, 2);
	/* A CPU still in the affinity is kept; else the first one of it. */
	g_assert_true(machine_set_affinity(f->m, a, 0, &cpus12, 1, NULL));
	g_assert_true(machine_vcpu_info(f->m, a, 0, &vi, NULL));
	g_assert_cmpuint(vi.cpu, ==, 2);
	g_assert_true(machine_set_affinity(f->m, a, 0, &cpus03, 1, NULL));
	g_assert_true(machine_vcpu_info(f->m, a, 0, &vi, NULL));
	g_assert_cmpuint(vi.cpu, ==, 0);
}

static void test_sched_cap_domain_wide(struct fx *f, gconstpointer data)
{
	const uint8_t cpu0 = 0x01;
	uint32_t a, b;

	(void)data;
	/* 2 CPUs. b (weight 256) and a's vCPU 0 (half of a's 256) share CPU
	 * 0 by weight, 2:1; a's vCPU 1 has CPU 1: a's cap of 150 is for both
	 * its vCPUs together, so vCPU 1 gets a whole CPU. */
	fx_machine(f, 2, 1024, 256);
	busy_domain(f, 2, &a);
	busy_domain(f, 1, &b);
	set_sched(f, a, 256, 150);
	g_assert_true(machine_set_affinity(f->m, a, 0, &cpu0, 1, NULL));
	g_assert_true(machine_set_affinity(f->m, b, 0, &cpu0, 1, NULL));
	fake_now += 3ull * 1000000000;
	g_test_message("domain-wide cap: %.3f %.3f", cpu_s(f, a), cpu_s(f, b));
	g_assert_cmpfloat(fabs(cpu_s(f, a) - 4.0), <, 0.001);
	g_assert_cmpfloat(fabs(cpu_s(f, b) - 2.0), <, 0.001);
	/* A cap below what it would get binds. */
	set_sched(f, a, 256, 120);
	fake_now += 3ull * 1000000000;
	g_assert_cmpfloat(fabs(cpu_s(f, a) - 4.0 - 3.6), <, 0.001);
	g_assert_cmpfloat(fabs(cpu_s(f, b) - 2.0 - 2.0), <, 0.001);
}

/* Random hosts and domains: whatever the weights, caps and affinities,
 * no vCPU gets more than a CPU, no domain more than its cap, no set of
 * CPUs more than it has; with every affinity full the CPUs are all used
 * if there is demand, and unsaturated vCPUs share by weight. */
static void test_sched_random(struct fx *f, gconstpointer data)
{
	(void)data;
	for (int round = 0; round < 60; round++) {
		uint32_t ncpus = (uint32_t)g_test_rand_int_range(1, 7);
		int ndoms = g_test_rand_int_range(1, 6);
		bool pinned = round % 2;
		uint32_t ids[6], nv[6];
		double rate[6][4], used = 0, demand = 0, cpu_only[8] = { 0 };
		uint16_t weight[6], cap[6];

		fx_machine(f, ncpus, 1024, 256);
		for (int i = 0; i < ndoms; i++) {
			nv[i] = (uint32_t)g_test_rand_int_range(1, 5);
			weight[i] = (uint16_t)g_test_rand_int_range(1, 1000);
			cap[i] = g_test_rand_bit() ? 0 :
				 (uint16_t)g_test_rand_int_range(10, 100 * (int)nv[i] + 1);
			busy_domain(f, nv[i], &ids[i]);
			set_sched(f, ids[i], weight[i], cap[i]);
			for (uint32_t v = 0; pinned && v < nv[i]; v++) {
				uint8_t map = (uint8_t)g_test_rand_int_range(1, 1 << ncpus);
				g_assert_true(machine_set_affinity(f->m, ids[i], v, &map, 1, NULL));
			}
		}
		fake_now += 1000000000ull;
		for (int i = 0; i < ndoms; i++) {
			double dom = 0;

			for (uint32_t v = 0; v < nv[i]; v++) {
				struct hv_vcpuinfo vi;
				uint8_t map;
				int only = -1;

				g_assert_true(machine_vcpu_info(f->m, ids[i], v, &vi, NULL));
				g_assert_true(machine_get_affinity(f->m, ids[i], v, &map, 1, NULL));
				rate[i][v] = vi.cpu_time_ns / 1e9;
				g_assert_cmpfloat(rate[i][v], <=, 1.0 + 1e-6);
				g_assert_cmpfloat(rate[i][v], >, 0);
				if (__builtin_popcount(map) == 1)
					only = __builtin_ctz(map);
				if (only >= 0)
					cpu_only[only] += rate[i][v];
				dom += rate[i][v];
			}
			if (cap[i])
				g_assert_cmpfloat(dom, <=, cap[i] / 100.0 + 1e-6);
			used += dom;
			demand += cap[i] ? MIN(cap[i] / 100.0, nv[i]) : nv[i];
		}
		g_assert_cmpfloat(used, <=, ncpus + 1e-6);
		for (uint32_t c = 0; c < ncpus; c++)
			g_assert_cmpfloat(cpu_only[c], <=, 1.0 + 1e-6);
		if (pinned)
			continue;
		g_assert_cmpfloat(fabs(used - MIN((double)ncpus, demand)), <, 1e-5);
		/* Unsaturated (below a CPU, domain below its cap): one fair
		 * share per unit of weight. */
		{
			double share = -1;

			for (int i = 0; i < ndoms; i++) {
				double dom = 0;

				for (uint32_t v = 0; v < nv[i]; v++)
					dom += rate[i][v];
				if (cap[i] && dom >= cap[i] / 100.0 - 1e-6)
					continue;
				for (uint32_t v = 0; v < nv[i]; v++) {
					double s = rate[i][v] / (weight[i] / (double)nv[i]);

					if (rate[i][v] >= 1.0 - 1e-6)
						continue;
					if (share < 0)
						share = s;
					g_assert_cmpfloat(fabs(s - share), <, 1e-6 * (1 + share));
				}
			}
		}
	}
}

static void test_vcpus(struct fx *f, gconstpointer data)
{
	struct hv_vcpuinfo vi;
	g_autoptr(GError) err = NULL;
	uint32_t d = running(f, 2, "", NULL);
	struct sim_domain *dom = rec.last->env->dom;

	(void)data;
	g_assert_true(machine_vcpu_info(f->m, d, 1, &vi, NULL));
	g_assert_false(vi.online);
	g_assert_cmpint(sim_hc_vcpu_up(dom, 1), ==, 0);
	g_assert_cmpint(sim_hc_vcpu_up(dom, 2), ==, -EINVAL);
	g_assert_cmpuint(info(f, d).nr_online_vcpus, ==, 2);
	g_assert_cmpint(sim_hc_vcpu_down(dom, 1), ==, 0);
	g_assert_cmpuint(info(f, d).nr_online_vcpus, ==, 1);
	g_assert_false(machine_vcpu_info(f->m, d, 2, &vi, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
}

/* ---- event channels ---------------------------------------------------- */

static void run_loop(void)
{
	while (g_main_context_iteration(NULL, FALSE))
		;
}

static void test_evtchn(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	struct hv_build_result r;
	uint32_t d = running(f, 1, "", &r);
	struct tkernel *k = rec.last;
	uint32_t port, port2, extra;
	int wait_fd, notify_fd, w2, n2;
	uint64_t one = 1;

	(void)data;
	g_assert_cmpuint(r.store_port, ==, 1);
	g_assert_cmpuint(r.console_port, ==, 2);
	/* dom0 binds the guest's store port. */
	g_assert_true(machine_bind(f->m, A, d, r.store_port, &port, &wait_fd, &notify_fd,
				   &err));
	g_assert_no_error(err);
	g_assert_cmpuint(port, >=, 1);
	/* Guest -> dom0. */
	g_assert_false(readable(wait_fd));
	sim_hc_evtchn_send(k->env->dom, r.store_port);
	g_assert_true(readable(wait_fd));
	drain(wait_fd);
	/* dom0 -> guest. */
	g_assert_cmpint(write(notify_fd, &one, sizeof(one)), ==, sizeof(one));
	run_loop();
	g_assert_cmpuint(k->events[r.store_port], ==, 1);
	/* Events for a paused guest wait for it. */
	g_assert_true(machine_pause(f->m, d, NULL));
	g_assert_cmpint(write(notify_fd, &one, sizeof(one)), ==, sizeof(one));
	run_loop();
	g_assert_cmpuint(k->events[r.store_port], ==, 1);
	g_assert_true(machine_unpause(f->m, d, NULL));
	g_assert_cmpuint(k->events[r.store_port], ==, 2);

	/* Bound already; not for dom0; no such port; dom0 itself. */
	g_assert_false(machine_bind(f->m, A, d, r.store_port, &port2, &w2, &n2, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	g_assert_true(machine_alloc_unbound(f->m, A, d, 5, &extra, NULL));
	g_assert_false(machine_bind(f->m, A, d, extra, &port2, &w2, &n2, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	g_assert_false(machine_bind(f->m, A, d, 999, &port2, &w2, &n2, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	g_assert_false(machine_bind(f->m, A, 0, 1, &port2, &w2, &n2, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	g_assert_false(machine_bind(f->m, A, 77, 1, &port2, &w2, &n2, &err));
	g_assert_error(err, SIM_ERROR, ENOENT);
	g_clear_error(&err);
	/* Only its owner unbinds a port. */
	g_assert_false(machine_unbind(f->m, B, port, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	g_assert_true(machine_unbind(f->m, A, port, NULL));
	close(wait_fd);
	close(notify_fd);
	/* Unbound again for dom0: B binds it, and the console one. */
	g_assert_true(machine_bind(f->m, B, d, r.store_port, &port, &wait_fd, &notify_fd,
				   NULL));
	g_assert_true(machine_bind(f->m, B, d, r.console_port, &port2, &w2, &n2, NULL));
	g_assert_cmpuint(port, !=, port2);
	sim_hc_evtchn_send(k->env->dom, r.console_port);
	g_assert_true(readable(w2));
	g_assert_false(readable(wait_fd));
	/* An alloc_unbound port for dom0 is bindable too. */
	g_assert_true(machine_alloc_unbound(f->m, A, d, 0, &extra, NULL));
	g_assert_cmpuint(extra, ==, 4);
	close(w2);
	close(n2);
	g_assert_true(machine_bind(f->m, B, d, extra, &port2, &w2, &n2, NULL));
	/* A guest sending on a port that is not bound: nothing. */
	sim_hc_evtchn_send(k->env->dom, 3);
	sim_hc_evtchn_send(k->env->dom, 4000);
	/* B's connection closes: the guest's ports are unbound again. */
	machine_release(f->m, B);
	g_assert_true(machine_bind(f->m, A, d, r.store_port, &port, &w2, &n2, NULL));
	close(w2);
	close(n2);
	close(wait_fd);
	close(notify_fd);
	g_assert_false(machine_alloc_unbound(f->m, A, 42, 0, &extra, &err));
	g_assert_error(err, SIM_ERROR, ENOENT);
}

static void test_evtchn_many(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	uint32_t d = running(f, 1, "", NULL);
	uint32_t port = 0;
	unsigned int n = 0;

	(void)data;
	while (machine_alloc_unbound(f->m, A, d, 0, &port, &err))
		n++;
	g_assert_error(err, SIM_ERROR, ENOSPC);
	g_assert_cmpuint(n, ==, 4095 - 2);
}

/* ---- pages -------------------------------------------------------------- */

static void test_pages(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	struct hv_build_result r;
	uint32_t d0 = create(f, HV_DOMAIN_PV, 1);
	uint32_t d;
	struct xenstore_domain_interface *ours;
	int fd;

	(void)data;
	g_assert_false(machine_map(f->m, A, d0, MACHINE_PAGE_STORE, 0, &fd, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);      /* not built */
	g_clear_error(&err);
	d = running(f, 1, "", &r);
	g_assert_cmpuint(r.store_gfn, !=, r.console_gfn);
	g_assert_false(machine_map(f->m, A, d, MACHINE_PAGE_STORE, r.console_gfn, &fd, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);      /* not its gfn */
	g_clear_error(&err);
	g_assert_false(machine_map(f->m, A, d, 2, r.store_gfn, &fd, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	g_assert_false(machine_map(f->m, A, 99, MACHINE_PAGE_STORE, r.store_gfn, &fd, &err));
	g_assert_error(err, SIM_ERROR, ENOENT);
	g_clear_error(&err);
	g_assert_true(machine_map(f->m, A, d, MACHINE_PAGE_STORE, r.store_gfn, &fd, NULL));
	ours = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	g_assert_true(ours != MAP_FAILED);
	close(fd);
	/* The same page as the kernel's. */
	memcpy(ours->req, "hello", 5);
	g_assert_cmpmem(((struct xenstore_domain_interface *)rec.last->env->store_page)->req,
			5, "hello", 5);
	g_assert_true(rec.last->env->console_page != rec.last->env->store_page);
	munmap(ours, 4096);
	g_assert_true(machine_unmap(f->m, A, d, MACHINE_PAGE_STORE, NULL));
}

/* ---- save / restore ------------------------------------------------------ */

static int stream_of(struct fx *f, uint32_t d)
{
	g_autoptr(GError) err = NULL;
	int fd = memfd_create("stream", 0);

	g_assert_true(machine_save(f->m, d, fd, &err));
	g_assert_no_error(err);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static void test_save_restore(struct fx *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	struct hv_build_result r;
	struct hv_physinfo before, after;
	uint32_t d = running(f, 2, "root=/dev/xvda", NULL), d2;
	struct sim_domain *dom = rec.last->env->dom;
	const uint8_t cpu1 = 0x02;
	uint8_t map;
	int fd;

	(void)data;
	g_assert_cmpint(sim_hc_vcpu_up(dom, 1), ==, 0);
	g_assert_true(machine_set_affinity(f->m, d, 1, &cpu1, 1, NULL));
	set_sched(f, d, 300, 80);
	/* Only a suspended domain. */
	fd = memfd_create("stream", 0);
	g_assert_false(machine_save(f->m, d, fd, &err));
	g_assert_error(err, SIM_ERROR, EINVAL);
	g_clear_error(&err);
	close(fd);
	sim_hc_shutdown(dom, SHUTDOWN_suspend);
	fd = stream_of(f, d);
	g_assert_cmpuint(rec.stops, ==, 1);    /* its state is in the stream */
	g_assert_true(machine_destroy(f->m, d, NULL));

	d2 = create(f, HV_DOMAIN_PV, 2);
	g_assert_true(machine_restore(f->m, d2, fd, 0, 0, &r, &err));
	g_assert_no_error(err);
	close(fd);
	g_assert_cmpuint(info(f, d2).tot_pages, ==, 64 * 256);
	g_assert_cmpuint(info(f, d2).nr_online_vcpus, ==, 2);
	g_assert_true(machine_get_affinity(f->m, d2, 1, &map, 1, NULL));
	g_assert_cmpuint(map, ==, cpu1);
	g_assert_true(machine_unpause(f->m, d2, NULL));
	g_assert_cmpuint(rec.restores, ==, 1);
	g_assert_cmpuint(rec.boots, ==, 1);
	g_assert_cmpstr(rec.last->state, ==, "booted root=/dev/xvda");
	g_assert_cmpstr(rec.last->env->cmdline, ==, "root=/dev/xvda");
	{
		struct hv_sched_credit sc;
		g_assert_true(machine_sched_get(f->m, d2, &sc, NULL));
		g_assert_cmpuint(sc.weight, ==, 300);
		g_assert_cmpuint(sc.cap, ==, 80);
	}

	/* A stream into a domain of another shape, a used one, garbage. */
	sim_hc_shutdown(rec.last->env->dom, SHUTDOWN_suspend);
	fd = stream_of(f, d2);
	machine_physinfo(f->m, &before);
	{
		uint32_t other = create(f, HV_DOMAIN_PV, 1);
		g_assert_false(machine_restore(f->m, other, fd, 0, 0, &r, &err));
		g_assert_error(err, SIM_ERROR, EINVAL);
		g_clear_error(&err);
		lseek(fd, 0, SEEK_SET);
		g_assert_false(machine_restore(f->m, d2, fd, 0, 0, &r, &err));
		g_assert_error(err, SIM_ERROR, EBUSY);
		g_clear_error(&err);
	}
	{
		g_autofree char *bytes = NULL;
		off_t len = lseek(fd, 0, SEEK_END);
		uint32_t target = create(f, HV_DOMAIN_PV, 2);

		bytes = g_malloc(len);
		g_assert_cmpint(pread(fd, bytes, len, 0), ==, len);
		/* Every truncation, a flipped magic, a byte too many. */
		for (off_t cut = 0; cut < len; cut++) {
			int t = memfd_create("t", 0);

			g_assert_cmpint(write(t, bytes, cut), ==, cut);
			lseek(t, 0, SEEK_SET);
			g_assert_false(machine_restore(f->m, target, t, 0, 0, &r, &err));
			g_assert_error(err, SIM_ERROR, EINVAL);
			g_clear_error(&err);
			close(t);
		}
		for (int variant = 0; variant < 2; variant++) {
			int t = memfd_create("t", 0);

			if (variant == 0)
				bytes[0] ^= 0xff;
			g_assert_cmpint(write(t, bytes, len), ==, len);
			if (variant == 1)
				g_assert_cmpint(write(t, "x", 1), ==, 1);
			lseek(t, 0, SEEK_SET);
			g_assert_false(machine_restore(f->m, target, t, 0, 0, &r, &err));
			g_assert_error(err, SIM_ERROR, EINVAL);
			g_test_message("%s", err->message);
			g_clear_error(&err);
			if (variant == 0)
				bytes[0] ^= 0xff;
			close(t);
		}
		/* Nothing created half. */
		g_assert_cmpuint(info(f, target).tot_pages, ==, 0);
		g_assert_true(info(f, target).flags & HV_DOMINF_PAUSED);
		/* Past the domain's maximum. */
		g_assert_true(machine_set_max_mem(f->m, target, 32 << 10, NULL));
		lseek(fd, 0, SEEK_SET);
		g_assert_false(machine_restore(f->m, target, fd, 0, 0, &r, &err));
		g_assert_error(err, SIM_ERROR, ENOMEM);
		g_clear_error(&err);
	}
	machine_physinfo(f->m, &after);
	g_assert_cmpuint(before.free_pages, ==, after.free_pages);
	/* A cancelled suspend after a save runs the kernel again. */
	g_assert_true(machine_resume(f->m, d2, NULL));
	g_assert_cmpuint(rec.restores, ==, 2);
	close(fd);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define T(name, fn) g_test_add("/sim/machine/" name, struct fx, NULL, fx_setup, fn, fx_teardown)
	T("dom0", test_dom0);
	T("domid-allocation", test_domid_allocation);
	T("domid-wrap", test_domid_wrap);
	T("paused-until-unpaused", test_paused_until_unpaused);
	T("shutdown-reasons", test_shutdown_reasons);
	T("resume", test_resume);
	T("dying-until-unmapped", test_dying_until_unmapped);
	T("memory", test_memory);
	T("build-checks", test_build_checks);
	T("sched-weights", test_sched_weights);
	T("sched-saturated", test_sched_saturated);
	T("sched-cap", test_sched_cap);
	T("sched-affinity", test_sched_affinity);
	T("affinity-moves-idle-vcpu", test_affinity_moves_idle_vcpu);
	T("sched-cap-domain-wide", test_sched_cap_domain_wide);
	T("sched-random", test_sched_random);
	T("vcpus", test_vcpus);
	T("evtchn", test_evtchn);
	T("evtchn-many", test_evtchn_many);
	T("pages", test_pages);
	T("save-restore", test_save_restore);
	return g_test_run();
}
