/* The simulated guest kernel (src/sim/guest_*.c) and dom0's backends
 * (src/sim/backend_*.c) on a fake machine (fake_machine.c) against a
 * real xenstored: the test writes domain trees as a toolstack does and
 * watches the guest and the backends do their part. */
#include <errno.h>
#include <glib.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <xen/xen.h>
#include <xen/sched.h>

#include "../xsclient/daemon.h"
#include "backend.h"
#include "fake_machine.h"
#include "guest_options.h"
#include "xvm/xs_client.h"

#define DOMID 5
#define PAGES 16384              /* 64 MiB */
#define MAX_PAGES 32768

struct fixture {
	struct test_daemon xsd;
	char *dir;                   /* images and statistics */
	char *image;                 /* 1 MiB */
	xs_client_t *tc;             /* the toolstack's connection */
	struct sim_domain *dom;
};

/* ---- the toolstack's side --------------------------------------------- */

static char *xs_get(struct fixture *f, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static char *xs_get(struct fixture *f, const char *fmt, ...)
{
	g_autofree char *path = NULL;
	va_list ap;

	va_start(ap, fmt);
	path = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	return xs_read(f->tc, 0, path, NULL, NULL);
}

static void xs_put(struct fixture *f, uint32_t tx, const char *path, const char *value)
{
	g_autoptr(GError) err = NULL;

	g_assert_true(xs_write(f->tc, tx, path, value, &err));
	g_assert_no_error(err);
}

static void tree_vbd(struct fixture *f, uint32_t tx, uint32_t domid, uint32_t devid,
		     const char *params, const char *mode)
{
	g_autofree char *fe = g_strdup_printf("/local/domain/%u/device/vbd/%u", domid, devid);
	g_autofree char *be = g_strdup_printf("/local/domain/0/backend/vbd/%u/%u", domid, devid);
	g_autofree char *id = g_strdup_printf("%u", domid);
	g_autofree char *p = NULL;

#define PUT(dir, key, val) do { g_free(p); p = g_strdup_printf("%s/%s", dir, key); \
		xs_put(f, tx, p, val); } while (0)
	PUT(fe, "backend", be);
	PUT(fe, "backend-id", "0");
	PUT(fe, "virtual-device", "51712");
	PUT(fe, "device-type", "disk");
	PUT(fe, "state", "1");
	PUT(be, "frontend", fe);
	PUT(be, "frontend-id", id);
	PUT(be, "params", params);
	PUT(be, "mode", mode);
	PUT(be, "type", "file");
	PUT(be, "device-type", "disk");
	PUT(be, "online", "1");
	PUT(be, "state", "1");
}

static void tree_vif(struct fixture *f, uint32_t tx, uint32_t domid, uint32_t devid,
		     const char *bridge)
{
	g_autofree char *fe = g_strdup_printf("/local/domain/%u/device/vif/%u", domid, devid);
	g_autofree char *be = g_strdup_printf("/local/domain/0/backend/vif/%u/%u", domid, devid);
	g_autofree char *id = g_strdup_printf("%u", domid);
	g_autofree char *p = NULL;

	PUT(fe, "backend", be);
	PUT(fe, "backend-id", "0");
	PUT(fe, "handle", "0");
	PUT(fe, "mac", "00:16:3e:00:00:01");
	PUT(fe, "state", "1");
	PUT(be, "frontend", fe);
	PUT(be, "frontend-id", id);
	PUT(be, "handle", "0");
	PUT(be, "mac", "00:16:3e:00:00:01");
	if (bridge)
		PUT(be, "bridge", bridge);
	PUT(be, "online", "1");
	PUT(be, "state", "1");
#undef PUT
}

/* The domain's tree with a vbd on image (NULL: f->image) and a vif, in
 * one transaction. */
static void write_tree(struct fixture *f, uint32_t domid, const char *image)
{
	g_autofree char *home = g_strdup_printf("/local/domain/%u", domid);
	g_autofree char *p = NULL;
	uint32_t tx;

	for (;;) {
		g_autoptr(GError) err = NULL;

		g_assert_true(xs_transaction_start(f->tc, &tx, NULL));
#define HPUT(key, val) do { g_free(p); p = g_strdup_printf("%s/%s", home, key); \
		xs_put(f, tx, p, val); } while (0)
		HPUT("name", "guest");
		HPUT("memory/target", "65536");
		HPUT("control/shutdown", "");
		HPUT("cpu/0/availability", "online");
		HPUT("cpu/1/availability", "online");
#undef HPUT
		tree_vbd(f, tx, domid, 51712, image ? image : f->image, "w");
		tree_vif(f, tx, domid, 0, "xenbr0");
		if (xs_transaction_end(f->tc, tx, true, &err))
			break;
		g_assert_error(err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
	}
}

static void setup(struct fixture *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *zeros = g_malloc0(1 << 20);

	test_daemon_start(&f->xsd, NULL);
	f->dir = g_dir_make_tmp("sim-guest-XXXXXX", &err);
	g_assert_no_error(err);
	f->image = g_build_filename(f->dir, "disk.img", NULL);
	g_assert_true(g_file_set_contents(f->image, zeros, 1 << 20, NULL));
	f->tc = xs_client_open_socket(f->xsd.socket, NULL, &err);
	g_assert_no_error(err);
	backends_start(f->xsd.socket, f->dir);
}

static void rm_rf(const char *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const char *name;

	while (dir && (name = g_dir_read_name(dir))) {
		g_autofree char *p = g_build_filename(path, name, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			rm_rf(p);
		else
			g_unlink(p);
	}
	g_rmdir(path);
}

static void teardown(struct fixture *f, gconstpointer data)
{
	if (f->dom)
		fake_domain_free(f->dom);
	backends_stop();
	xs_client_free(f->tc);
	test_daemon_stop(&f->xsd);
	test_daemon_cleanup(&f->xsd);
	rm_rf(f->dir);
	g_free(f->dir);
	g_free(f->image);
}

static void boot(struct fixture *f, const char *cmdline)
{
	f->dom = fake_domain_new(DOMID, f->xsd.socket, cmdline, 2, PAGES, MAX_PAGES);
	fake_domain_boot(f->dom);
}

/* ---- conditions ------------------------------------------------------- */

struct node_is {
	struct fixture *f;
	const char *path;
	const char *value;           /* NULL: the node must not exist */
};

static bool check_node(void *data)
{
	struct node_is *n = data;
	g_autofree char *v = xs_read(n->f->tc, 0, n->path, NULL, NULL);

	return n->value ? g_strcmp0(v, n->value) == 0 : v == NULL;
}

static void wait_node(struct fixture *f, const char *path, const char *value)
{
	struct node_is n = { f, path, value };

	if (!fake_wait(check_node, &n)) {
		g_autofree char *v = xs_read(f->tc, 0, path, NULL, NULL);

		g_error("%s is \"%s\", not \"%s\"\nconsole:\n%s", path, v ? v : "(none)",
			value ? value : "(none)", f->dom ? f->dom->console->str : "");
	}
}

static bool check_console(void *data)
{
	void **a = data;
	struct sim_domain *d = a[0];

	return strstr(d->console->str, a[1]) != NULL;
}

static void wait_console(struct sim_domain *d, const char *text)
{
	void *a[2] = { d, (void *)text };

	if (!fake_wait(check_console, a))
		g_error("no \"%s\" on the console:\n%s", text, d->console->str);
}

static bool check_shutdown(void *data)
{
	return ((struct sim_domain *)data)->shutdown;
}

static void wait_connected(struct fixture *f)
{
	wait_node(f, "/local/domain/5/device/vbd/51712/state", "4");
	wait_node(f, "/local/domain/0/backend/vbd/5/51712/state", "4");
	wait_node(f, "/local/domain/5/device/vif/0/state", "4");
	wait_node(f, "/local/domain/0/backend/vif/5/0/state", "4");
}

static char *read_stats(struct fixture *f, const char *dev)
{
	g_autofree char *path = g_strdup_printf("%s/stats/5/%s", f->dir, dev);
	char *text = NULL;

	g_file_get_contents(path, &text, NULL, NULL);
	return text;
}

/* ---- tests ------------------------------------------------------------ */

static void test_options(void)
{
	struct guest_options o;

	guest_options_parse("", &o);
	g_assert_false(o.busy || o.counter || o.hang_boot || o.crash_after_s);
	guest_options_parse("root=/dev/xvda1 ro xvmsim.crash=3 quiet xvmsim.busy\txvmsim.counter", &o);
	g_assert_cmpuint(o.crash_after_s, ==, 3);
	g_assert_true(o.busy && o.counter);
	g_assert_cmpuint(o.bad_options, ==, 0);
	guest_options_parse("xvmsim.refuse=vif,vbd xvmsim.ignore_shutdown xvmsim.hang_boot "
			    "xvmsim.ring_garbage xvmsim.console_garbage", &o);
	g_assert_true(o.refuse_vif && o.refuse_vbd && o.ignore_shutdown && o.hang_boot &&
		      o.ring_garbage && o.console_garbage);
	/* Bad values and unknown xvmsim words are counted, not applied. */
	guest_options_parse("xvmsim.crash=0 xvmsim.crash=-1 xvmsim.crash=99999999 "
			    "xvmsim.crash= xvmsim.refuse=disk xvmsim.refuse=vif, "
			    "xvmsim.busy=1 xvmsim.frobnicate xvmsim. xvmsimbusy", &o);
	g_assert_cmpuint(o.crash_after_s, ==, 0);
	g_assert_false(o.refuse_vif || o.refuse_vbd || o.busy);
	g_assert_cmpuint(o.bad_options, ==, 8);
}

static const char *const linux_features[] = {
	"feature-poweroff", "feature-reboot", "feature-suspend",
};
static const char *const not_guest_features[] = {
	"feature-balloon", "platform-feature-multiprocessor-suspend",
	"platform-feature-xs_reset_watches",
};

static void test_boot(struct fixture *f, gconstpointer data)
{
	g_autofree char *sectors = NULL;
	g_autofree char *hotplug = NULL;
	g_autofree char *stats = NULL;
	g_autofree char *vstats = NULL;
	g_autofree char *feature = NULL;

	write_tree(f, DOMID, NULL);
	boot(f, "root=/dev/xvda1 console=hvc0");
	wait_connected(f);
	wait_console(f->dom, "xvm-sim: 5 booted");
	g_assert_nonnull(strstr(f->dom->console->str, "Command line: root=/dev/xvda1 console=hvc0"));
	g_assert_nonnull(strstr(f->dom->console->str, "xenbus: domain 5 is \"guest\""));

	sectors = xs_get(f, "/local/domain/0/backend/vbd/5/51712/sectors");
	g_assert_cmpstr(sectors, ==, "2048");
	hotplug = xs_get(f, "/local/domain/0/backend/vbd/5/51712/hotplug-status");
	g_assert_cmpstr(hotplug, ==, "connected");
	/* Linux's control/feature-* keys; the toolstack's
	 * platform-feature-* and a Windows driver's feature-balloon are
	 * not the guest's to write. */
	for (size_t i = 0; i < G_N_ELEMENTS(linux_features); i++) {
		g_clear_pointer(&feature, g_free);
		feature = xs_get(f, "/local/domain/5/control/%s", linux_features[i]);
		g_assert_cmpstr(feature, ==, "1");
	}
	for (size_t i = 0; i < G_N_ELEMENTS(not_guest_features); i++) {
		g_clear_pointer(&feature, g_free);
		feature = xs_get(f, "/local/domain/5/control/%s", not_guest_features[i]);
		g_assert_null(feature);
	}
	g_assert_null(strstr(f->dom->console->str, "write failed"));
	g_clear_pointer(&feature, g_free);
	feature = xs_get(f, "/local/domain/5/device/vif/0/request-rx-copy");
	g_assert_cmpstr(feature, ==, "1");

	/* The boot's I/O reached the backends' statistics. */
	fake_run_for(1100);
	stats = read_stats(f, "vbd-51712");
	g_assert_nonnull(stats);
	g_assert_nonnull(strstr(stats, "rd_req 8\nrd_bytes 32768\nwr_req 0\n"));
	vstats = read_stats(f, "vif-0");
	g_assert_nonnull(vstats);
	g_assert_nonnull(strstr(vstats, "tx_packets 1\ntx_bytes 342\n"));
	g_assert_nonnull(strstr(vstats, "bridge xenbr0\n"));
	/* Every vCPU came up. */
	g_assert_true(f->dom->vcpu_online[0] && f->dom->vcpu_online[1]);
}

static void test_missing_image(struct fixture *f, gconstpointer data)
{
	g_autofree char *missing = g_build_filename(f->dir, "missing.img", NULL);
	g_autofree char *msg = NULL;
	g_autofree char *fe = NULL;

	write_tree(f, DOMID, missing);
	boot(f, "");
	wait_node(f, "/local/domain/0/backend/vbd/5/51712/hotplug-status", "error");
	wait_node(f, "/local/domain/0/backend/vbd/5/51712/state", "6");
	msg = xs_get(f, "/local/domain/0/backend/vbd/5/51712/hotplug-error");
	g_assert_nonnull(msg);
	g_assert_nonnull(strstr(msg, missing));
	/* The vif is not held up by the broken disk. */
	wait_node(f, "/local/domain/5/device/vif/0/state", "4");
	fe = xs_get(f, "/local/domain/5/device/vbd/51712/state");
	g_assert_cmpstr(fe, !=, "4");
}

static void test_readonly_image(struct fixture *f, gconstpointer data)
{
	g_autofree char *info = NULL;

	/* Mode r needs only read access; the disk shows read-only. */
	g_assert_cmpint(g_chmod(f->image, 0400), ==, 0);
	write_tree(f, DOMID, NULL);
	xs_put(f, 0, "/local/domain/0/backend/vbd/5/51712/mode", "r");
	boot(f, "");
	wait_connected(f);
	info = xs_get(f, "/local/domain/0/backend/vbd/5/51712/info");
	g_assert_cmpstr(info, ==, "4");     /* VDISK_READONLY */
}

static void shutdown_with(struct fixture *f, const char *cmd, unsigned int reason)
{
	write_tree(f, DOMID, NULL);
	boot(f, "");
	wait_connected(f);
	xs_put(f, 0, "/local/domain/5/control/shutdown", cmd);
	g_assert_true(fake_wait(check_shutdown, f->dom));
	g_assert_cmpuint(f->dom->reason, ==, reason);
	g_assert_cmpuint(f->dom->stops, ==, 1);
	g_assert_null(f->dom->kernel);
	/* Linux acknowledges a request it acts on by clearing the node. */
	wait_node(f, "/local/domain/5/control/shutdown", "");
}

static void test_poweroff(struct fixture *f, gconstpointer data)
{
	shutdown_with(f, "poweroff", SHUTDOWN_poweroff);
}

static void test_reboot(struct fixture *f, gconstpointer data)
{
	shutdown_with(f, "reboot", SHUTDOWN_reboot);
}

static void test_halt(struct fixture *f, gconstpointer data)
{
	shutdown_with(f, "halt", SHUTDOWN_poweroff);
}

static void test_unknown_shutdown(struct fixture *f, gconstpointer data)
{
	write_tree(f, DOMID, NULL);
	boot(f, "");
	wait_connected(f);
	xs_put(f, 0, "/local/domain/5/control/shutdown", "frobnicate");
	wait_console(f->dom, "Ignoring shutdown request: frobnicate");
	g_assert_false(f->dom->shutdown);
	/* Still listening. */
	xs_put(f, 0, "/local/domain/5/control/shutdown", "poweroff");
	g_assert_true(fake_wait(check_shutdown, f->dom));
}

static void test_ignore_shutdown(struct fixture *f, gconstpointer data)
{
	write_tree(f, DOMID, NULL);
	boot(f, "xvmsim.ignore_shutdown");
	wait_connected(f);
	xs_put(f, 0, "/local/domain/5/control/shutdown", "poweroff");
	wait_console(f->dom, "ignoring shutdown request poweroff");
	fake_run_for(200);
	g_assert_false(f->dom->shutdown);
	wait_node(f, "/local/domain/5/control/shutdown", "poweroff");
}

/* The toolstack's part of a save: the backends go, then come back for the
 * restored domain (same domid here), frontends start over. */
static void test_suspend_restore(struct fixture *f, gconstpointer data)
{
	g_autoptr(GBytes) blob = NULL;

	write_tree(f, DOMID, NULL);
	boot(f, "xvmsim.counter");
	wait_connected(f);
	wait_console(f->dom, "xvm-sim counter: 2");
	xs_put(f, 0, "/local/domain/5/control/shutdown", "suspend");
	g_assert_true(fake_wait(check_shutdown, f->dom));
	g_assert_cmpuint(f->dom->reason, ==, SHUTDOWN_suspend);
	g_assert_nonnull(f->dom->kernel);    /* kept for the save */
	blob = fake_domain_save(f->dom);
	g_assert_cmpuint(f->dom->stops, ==, 1);

	{
		g_autoptr(GError) err = NULL;

		g_assert_true(xs_rm(f->tc, 0, "/local/domain/5", &err));
		g_assert_true(xs_rm(f->tc, 0, "/local/domain/0/backend/vbd/5", &err));
		g_assert_true(xs_rm(f->tc, 0, "/local/domain/0/backend/vif/5", &err));
		g_assert_no_error(err);
	}
	fake_run_for(200);
	g_string_truncate(f->dom->console, 0);
	write_tree(f, DOMID, NULL);
	g_assert_true(fake_domain_restore(f->dom, blob));
	wait_console(f->dom, "xvm-sim: 5 resumed");
	wait_connected(f);
	/* The counter goes on from where it was. */
	wait_console(f->dom, "xvm-sim counter: 4");
	g_assert_null(strstr(f->dom->console->str, "xvm-sim counter: 0\n"));
}

static void test_restore_bad_blob(struct fixture *f, gconstpointer data)
{
	static const char junk[] = "not a saved kernel";
	g_autoptr(GBytes) blob = g_bytes_new_static(junk, sizeof(junk));

	f->dom = fake_domain_new(DOMID, f->xsd.socket, "", 1, PAGES, MAX_PAGES);
	g_assert_false(fake_domain_restore(f->dom, blob));
}

static void test_suspend_cancel(struct fixture *f, gconstpointer data)
{
	write_tree(f, DOMID, NULL);
	boot(f, "");
	wait_connected(f);
	xs_put(f, 0, "/local/domain/5/control/shutdown", "suspend");
	g_assert_true(fake_wait(check_shutdown, f->dom));
	/* hv_domain_resume: the machine runs the same kernel again. */
	f->dom->shutdown = false;
	fake_domain_unpause(f->dom);
	wait_console(f->dom, "suspend cancelled");
	xs_put(f, 0, "/local/domain/5/control/shutdown", "poweroff");
	g_assert_true(fake_wait(check_shutdown, f->dom));
	g_assert_cmpuint(f->dom->reason, ==, SHUTDOWN_poweroff);
}

static bool check_pages(void *data)
{
	void **a = data;

	return ((struct sim_domain *)a[0])->pages == GPOINTER_TO_UINT(a[1]);
}

static void test_balloon(struct fixture *f, gconstpointer data)
{
	void *a[2] = { NULL, GUINT_TO_POINTER(8192) };

	write_tree(f, DOMID, NULL);
	boot(f, "");
	wait_connected(f);
	a[0] = f->dom;
	xs_put(f, 0, "/local/domain/5/memory/target", "32768");
	g_assert_true(fake_wait(check_pages, a));
	/* Past the domain's maximum: ENOMEM, the balloon stays. */
	xs_put(f, 0, "/local/domain/5/memory/target", "1048576");
	wait_console(f->dom, "cannot reach 1048576 KiB");
	g_assert_cmpuint(f->dom->pages, ==, 8192);
	xs_put(f, 0, "/local/domain/5/memory/target", "garbage");
	wait_console(f->dom, "is not a size in KiB");
	g_assert_cmpuint(f->dom->pages, ==, 8192);
	/* The next change is tried again. */
	a[1] = GUINT_TO_POINTER(MAX_PAGES);
	xs_put(f, 0, "/local/domain/5/memory/target", "131072");
	g_assert_true(fake_wait(check_pages, a));
}

static bool check_vcpu1(void *data)
{
	void **a = data;

	return ((struct sim_domain *)a[0])->vcpu_online[1] == GPOINTER_TO_INT(a[1]);
}

static void test_vcpus(struct fixture *f, gconstpointer data)
{
	void *a[2] = { NULL, GINT_TO_POINTER(false) };

	write_tree(f, DOMID, NULL);
	boot(f, "");
	wait_connected(f);
	a[0] = f->dom;
	xs_put(f, 0, "/local/domain/5/cpu/1/availability", "offline");
	g_assert_true(fake_wait(check_vcpu1, a));
	a[1] = GINT_TO_POINTER(true);
	xs_put(f, 0, "/local/domain/5/cpu/1/availability", "online");
	g_assert_true(fake_wait(check_vcpu1, a));
	/* vCPU 0 stays; nonsense is reported. */
	xs_put(f, 0, "/local/domain/5/cpu/0/availability", "offline");
	xs_put(f, 0, "/local/domain/5/cpu/1/availability", "sideways");
	wait_console(f->dom, "neither online nor offline");
	g_assert_true(f->dom->vcpu_online[0] && f->dom->vcpu_online[1]);
}

/* Live attach and detach, as a toolstack does them. */
static void test_hotplug(struct fixture *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	uint32_t tx;

	write_tree(f, DOMID, NULL);
	boot(f, "");
	wait_connected(f);

	g_assert_true(xs_transaction_start(f->tc, &tx, &err));
	tree_vbd(f, tx, DOMID, 51728, f->image, "r");
	g_assert_true(xs_transaction_end(f->tc, tx, true, &err));
	wait_node(f, "/local/domain/5/device/vbd/51728/state", "4");
	wait_node(f, "/local/domain/0/backend/vbd/5/51728/state", "4");

	/* Detach: the backend asks to close, the frontend closes, the
	 * backend follows; then the toolstack removes both directories. */
	xs_put(f, 0, "/local/domain/0/backend/vbd/5/51728/online", "0");
	xs_put(f, 0, "/local/domain/0/backend/vbd/5/51728/state", "5");
	wait_node(f, "/local/domain/5/device/vbd/51728/state", "6");
	wait_node(f, "/local/domain/0/backend/vbd/5/51728/state", "6");
	g_assert_true(xs_rm(f->tc, 0, "/local/domain/5/device/vbd/51728", &err));
	g_assert_true(xs_rm(f->tc, 0, "/local/domain/0/backend/vbd/5/51728", &err));
	wait_console(f->dom, "xenbus: vbd/51728 removed");
	/* Nothing wrote the directories back. */
	fake_run_for(200);
	wait_node(f, "/local/domain/0/backend/vbd/5/51728/state", NULL);
	wait_node(f, "/local/domain/5/device/vbd/51728/state", NULL);
	/* The other disk is untouched. */
	wait_node(f, "/local/domain/5/device/vbd/51712/state", "4");
}

static void test_crash(struct fixture *f, gconstpointer data)
{
	write_tree(f, DOMID, NULL);
	boot(f, "xvmsim.crash=1");
	g_assert_true(fake_wait(check_shutdown, f->dom));
	g_assert_cmpuint(f->dom->reason, ==, SHUTDOWN_crash);
	g_assert_cmpuint(f->dom->stops, ==, 1);
}

static void test_hang_boot(struct fixture *f, gconstpointer data)
{
	g_autofree char *feature = NULL;
	g_autofree char *state = NULL;

	write_tree(f, DOMID, NULL);
	boot(f, "xvmsim.hang_boot");
	wait_console(f->dom, "xvmsim.hang_boot");
	fake_run_for(500);
	feature = xs_get(f, "/local/domain/5/control/feature-poweroff");
	g_assert_null(feature);
	/* The backend waits for a frontend that never comes. */
	wait_node(f, "/local/domain/0/backend/vbd/5/51712/state", "2");
	state = xs_get(f, "/local/domain/5/device/vbd/51712/state");
	g_assert_cmpstr(state, ==, "1");
}

static void test_refuse(struct fixture *f, gconstpointer data)
{
	g_autofree char *error = NULL;

	write_tree(f, DOMID, NULL);
	boot(f, "xvmsim.refuse=vif");
	wait_node(f, "/local/domain/5/device/vbd/51712/state", "4");
	wait_node(f, "/local/domain/5/device/vif/0/state", "5");
	wait_node(f, "/local/domain/0/backend/vif/5/0/state", "5");
	error = xs_get(f, "/local/domain/5/error/device/vif/0/error");
	g_assert_nonnull(error);
	g_assert_nonnull(strstr(error, "xvmsim.refuse"));
}

/* The disk saw more than the boot's 8 reads, and writes. */
static bool check_busy_io(void *data)
{
	g_autofree char *stats = read_stats(data, "vbd-51712");

	return stats && !strstr(stats, "wr_req 0\n") && !strstr(stats, "rd_req 8\n");
}

static void test_busy(struct fixture *f, gconstpointer data)
{
	write_tree(f, DOMID, NULL);
	boot(f, "xvmsim.busy");
	g_assert_true(f->dom->busy);
	wait_connected(f);
	g_assert_true(fake_wait(check_busy_io, f));
}

static void test_ring_garbage(struct fixture *f, gconstpointer data)
{
	g_autofree char *name = NULL;

	write_tree(f, DOMID, NULL);
	boot(f, "xvmsim.ring_garbage");
	wait_console(f->dom, "writing garbage");
	fake_run_for(300);
	/* xenstored survived it. */
	name = xs_get(f, "/local/domain/5/name");
	g_assert_cmpstr(name, ==, "guest");
}

static void test_console_echo(struct fixture *f, gconstpointer data)
{
	write_tree(f, DOMID, NULL);
	boot(f, "");
	wait_console(f->dom, "booted");
	fake_console_type(f->dom, "hello\r");
	wait_console(f->dom, "hello\n");
}

static void test_pause(struct fixture *f, gconstpointer data)
{
	write_tree(f, DOMID, NULL);
	boot(f, "xvmsim.counter");
	wait_console(f->dom, "xvm-sim counter: 1");
	fake_domain_pause(f->dom);
	g_string_truncate(f->dom->console, 0);
	fake_run_for(1500);
	g_assert_null(strstr(f->dom->console->str, "counter"));
	fake_domain_unpause(f->dom);
	wait_console(f->dom, "xvm-sim counter: 2");
}

/* Bad backend directories get a hotplug error or are ignored; the
 * backends go on serving good ones. */
static void test_backend_bad_input(struct fixture *f, gconstpointer data)
{
	static const struct {
		const char *key, *value;
	} junk[] = {
		{ "/local/domain/0/backend/vbd/abc/1/state", "1" },
		{ "/local/domain/0/backend/vbd/5/0x10/state", "1" },
		{ "/local/domain/0/backend/vbd/007/1/state", "1" },
		{ "/local/domain/0/backend/vbd/99999999999/1/state", "1" },
		{ "/local/domain/0/backend/vif/6/0/state", "x" },
		{ "/local/domain/0/backend/vif/6/1/state", "44" },
		{ "/local/domain/0/backend/vbd", "not a directory" },
	};
	static const struct {
		uint32_t devid;
		const char *params, *mode, *expect;
	} bad_vbd[] = {
		{ 1, "/nonexistent/disk.img", "w", "cannot open disk image" },
		{ 2, "disk.img", "w", "not an absolute path" },
		{ 3, NULL, "rw", "is not r, w or w!" },
		{ 4, "", "r", "params is empty" },
		{ 5, "DIR", "r", "neither a file nor a block device" },
	};
	g_autoptr(GError) err = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(junk); i++)
		xs_put(f, 0, junk[i].key, junk[i].value);
	for (size_t i = 0; i < G_N_ELEMENTS(bad_vbd); i++) {
		const char *params = !bad_vbd[i].params ? f->image :
				     strcmp(bad_vbd[i].params, "DIR") == 0 ? f->dir :
				     bad_vbd[i].params;

		tree_vbd(f, 0, 7, bad_vbd[i].devid, params, bad_vbd[i].mode);
	}
	/* A frontend outside the device's domain. */
	tree_vbd(f, 0, 7, 6, f->image, "w");
	xs_put(f, 0, "/local/domain/0/backend/vbd/7/6/frontend",
	       "/local/domain/8/device/vbd/6");
	xs_put(f, 0, "/local/domain/0/backend/vbd/7/6/state", "1");
	/* vifs without a usable bridge. */
	tree_vif(f, 0, 7, 1, NULL);
	tree_vif(f, 0, 7, 2, "a/b");

	for (size_t i = 0; i < G_N_ELEMENTS(bad_vbd); i++) {
		g_autofree char *st = g_strdup_printf("/local/domain/0/backend/vbd/7/%u/hotplug-status",
						      bad_vbd[i].devid);
		g_autofree char *msg = NULL;

		wait_node(f, st, "error");
		msg = xs_get(f, "/local/domain/0/backend/vbd/7/%u/hotplug-error", bad_vbd[i].devid);
		g_assert_nonnull(msg);
		if (!strstr(msg, bad_vbd[i].expect))
			g_error("vbd %u: \"%s\" does not say \"%s\"", bad_vbd[i].devid, msg,
				bad_vbd[i].expect);
		g_free(st);
		st = g_strdup_printf("/local/domain/0/backend/vbd/7/%u/state", bad_vbd[i].devid);
		wait_node(f, st, "6");
	}
	wait_node(f, "/local/domain/0/backend/vbd/7/6/hotplug-status", "error");
	wait_node(f, "/local/domain/0/backend/vif/7/1/hotplug-status", "error");
	wait_node(f, "/local/domain/0/backend/vif/7/2/hotplug-status", "error");

	/* Still serving. */
	g_assert_true(xs_rm(f->tc, 0, "/local/domain/0/backend/vbd", &err));
	write_tree(f, DOMID, NULL);
	boot(f, "");
	wait_connected(f);
}

/* The frontend's half of the handshake, against a backend the test
 * plays (a directory no backend of the process serves). */
static void test_frontend_handshake(struct fixture *f, gconstpointer data)
{
	const char *be = "/local/domain/0/backend/test/5/51712";
	const char *fe = "/local/domain/5/device/vbd/51712";
	g_autofree char *p = NULL;
	g_autofree char *ring = NULL;

	xs_put(f, 0, "/local/domain/5/name", "guest");
	xs_put(f, 0, "/local/domain/5/device/vbd/51712/backend", be);
	xs_put(f, 0, "/local/domain/5/device/vbd/51712/state", "1");
	/* Devices the kernel must leave alone. */
	xs_put(f, 0, "/local/domain/5/device/vbd/007/backend", be);
	xs_put(f, 0, "/local/domain/5/device/vbd/abc/backend", be);
	xs_put(f, 0, "/local/domain/5/device/vbd/51728/backend", "relative/path");
	xs_put(f, 0, "/local/domain/5/device/tpm/0/backend", be);
	boot(f, "");
	wait_console(f->dom, "vbd/51728: no usable backend path");

	g_assert_true(xs_mkdir(f->tc, 0, be, NULL));
#define BE_STATE(v) do { g_free(p); p = g_strdup_printf("%s/state", be); \
		xs_put(f, 0, p, v); } while (0)
	BE_STATE("garbage");
	wait_console(f->dom, "is not a XenbusState");
	BE_STATE("2");                       /* InitWait */
	wait_node(f, "/local/domain/5/device/vbd/51712/state", "3");
	ring = xs_get(f, "%s/ring-ref", fe);
	g_assert_nonnull(ring);
	BE_STATE("4");                       /* Connected */
	wait_node(f, "/local/domain/5/device/vbd/51712/state", "4");
	BE_STATE("5");                       /* Closing */
	wait_node(f, "/local/domain/5/device/vbd/51712/state", "6");
	BE_STATE("2");                       /* reconnecting */
	wait_node(f, "/local/domain/5/device/vbd/51712/state", "3");
	BE_STATE("4");
	wait_node(f, "/local/domain/5/device/vbd/51712/state", "4");
#undef BE_STATE
	wait_node(f, "/local/domain/5/device/vbd/007/state", NULL);
	wait_node(f, "/local/domain/5/device/tpm/0/state", NULL);
}

/* A device the toolstack makes anew (state Initialising again) is
 * checked again: here its new image is missing. */
static void test_backend_recreated(struct fixture *f, gconstpointer data)
{
	g_autofree char *missing = g_build_filename(f->dir, "gone.img", NULL);
	uint32_t tx;

	tree_vbd(f, 0, DOMID, 51712, f->image, "w");
	wait_node(f, "/local/domain/0/backend/vbd/5/51712/state", "2");
	wait_node(f, "/local/domain/0/backend/vbd/5/51712/hotplug-status", "connected");
	g_assert_true(xs_transaction_start(f->tc, &tx, NULL));
	tree_vbd(f, tx, DOMID, 51712, missing, "w");
	g_assert_true(xs_transaction_end(f->tc, tx, true, NULL));
	wait_node(f, "/local/domain/0/backend/vbd/5/51712/hotplug-status", "error");
	wait_node(f, "/local/domain/0/backend/vbd/5/51712/state", "6");
	/* And again, with a good image. */
	tree_vbd(f, 0, DOMID, 51712, f->image, "w");
	wait_node(f, "/local/domain/0/backend/vbd/5/51712/hotplug-status", "connected");
	wait_node(f, "/local/domain/0/backend/vbd/5/51712/state", "2");
	wait_node(f, "/local/domain/0/backend/vbd/5/51712/hotplug-error", NULL);
}

/* The backends wait for a xenstored that is not there yet, and connect
 * again to one that restarted. */
static void test_backend_reconnect(struct fixture *f, gconstpointer data)
{
	g_autofree char *link = g_build_filename(f->dir, "xenstored.sock", NULL);
	g_autoptr(GError) err = NULL;

	backends_stop();
	backends_start(link, f->dir);
	fake_run_for(300);
	g_assert_cmpint(symlink(f->xsd.socket, link), ==, 0);
	tree_vbd(f, 0, DOMID, 51712, f->image, "w");
	wait_node(f, "/local/domain/0/backend/vbd/5/51712/state", "2");

	/* A new xenstored, with an empty store. */
	xs_client_free(f->tc);
	test_daemon_kill(&f->xsd);
	test_daemon_cleanup(&f->xsd);
	test_daemon_start(&f->xsd, NULL);
	g_assert_cmpint(unlink(link), ==, 0);
	g_assert_cmpint(symlink(f->xsd.socket, link), ==, 0);
	f->tc = xs_client_open_socket(f->xsd.socket, NULL, &err);
	g_assert_no_error(err);
	fake_run_for(1500);
	tree_vbd(f, 0, DOMID, 51712, f->image, "w");
	wait_node(f, "/local/domain/0/backend/vbd/5/51712/state", "2");
	wait_node(f, "/local/domain/0/backend/vbd/5/51712/hotplug-status", "connected");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	/* The backends warn about the broken devices tests give them. */
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	g_test_add_func("/sim-guest/options", test_options);
#define T(name, fn) g_test_add("/sim-guest/" name, struct fixture, NULL, setup, fn, teardown)
	T("boot", test_boot);
	T("missing-image", test_missing_image);
	T("readonly-image", test_readonly_image);
	T("shutdown/poweroff", test_poweroff);
	T("shutdown/reboot", test_reboot);
	T("shutdown/halt", test_halt);
	T("shutdown/unknown", test_unknown_shutdown);
	T("shutdown/ignore", test_ignore_shutdown);
	T("suspend/restore", test_suspend_restore);
	T("suspend/bad-blob", test_restore_bad_blob);
	T("suspend/cancel", test_suspend_cancel);
	T("balloon", test_balloon);
	T("vcpus", test_vcpus);
	T("hotplug", test_hotplug);
	T("option/crash", test_crash);
	T("option/hang-boot", test_hang_boot);
	T("option/refuse", test_refuse);
	T("option/busy", test_busy);
	T("option/ring-garbage", test_ring_garbage);
	T("console-echo", test_console_echo);
	T("pause", test_pause);
	T("backend-bad-input", test_backend_bad_input);
	T("frontend-handshake", test_frontend_handshake);
	T("backend-reconnect", test_backend_reconnect);
	T("backend-recreated", test_backend_recreated);
#undef T
	return g_test_run();
}
