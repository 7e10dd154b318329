/* The simulated guest kernel: what every domain of xvm-simhv runs
 * (struct sim_guest_ops of guest.h). It boots, prints a banner on its
 * console, connects xenbus over its xenstore ring and from then on acts
 * as a Linux PV guest would: frontends, control/shutdown, balloon, vCPU
 * hotplug (guest_xenbus.c and the files it calls). The xvmsim.* command
 * line options (guest_options.h) make it misbehave for tests. */
#include <stdint.h>
#include <string.h>
#include <xen/xen.h>
#include <xen/sched.h>

#include "guest_kernel.h"

/* The save blob: fixed little-endian layout, versioned. */
#define BLOB_MAGIC 0x78736b31u           /* "xsk1" */
struct guest_blob {
	uint32_t magic;
	uint32_t version;
	uint64_t uptime_s;
	uint64_t counter;
};

/* Once a second of running time. */
static gboolean on_tick(gpointer data)
{
	struct guest *g = data;

	g->uptime_s++;
	if (g->opts.counter)
		guest_console_printf(g, "xvm-sim counter: %" G_GUINT64_FORMAT "\n",
				     g->counter++);
	if (g->opts.busy)
		guest_frontends_tick(g);
	if (g->opts.crash_after_s && g->uptime_s >= g->opts.crash_after_s) {
		guest_console_printf(g, "xvm-sim: crashing on purpose (xvmsim.crash=%u)\n",
				     g->opts.crash_after_s);
		g->tick = 0;
		/* stop() runs before this returns: g is gone. */
		sim_hc_shutdown(g->env.dom, SHUTDOWN_crash);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

/* The tick runs only for options that need the clock. */
static void tick_start(struct guest *g)
{
	if (g->tick || g->paused || g->suspended)
		return;
	if (g->opts.counter || g->opts.busy || g->opts.crash_after_s)
		g->tick = g_timeout_add_seconds(1, on_tick, g);
}

static void tick_stop(struct guest *g)
{
	if (g->tick) {
		g_source_remove(g->tick);
		g->tick = 0;
	}
}

static struct guest *guest_new(const struct sim_guest_env *env)
{
	struct guest *g = g_new0(struct guest, 1);

	/* The machine's strings outlive the kernel; the command line is
	 * kept as the kernel saw it. */
	g->env = *env;
	g->env.cmdline = g_strdup(env->cmdline ? env->cmdline : "");
	guest_options_parse(g->env.cmdline, &g->opts);
	g->home = g_strdup_printf("/local/domain/%u", env->domid);
	g->con_backlog = g_string_new(NULL);
	g->frontends = g_hash_table_new(g_str_hash, g_str_equal);
	g->gone = g_ptr_array_new();
	/* Grant references below 8 are reserved (GNTTAB_NR_RESERVED_ENTRIES),
	 * ports 0..3 hold nothing of ours: start past both. */
	g->next_gref = 8;
	g->next_port = MAX(env->store_port, env->console_port) + 1;
	guest_vcpus_init(g);
	return g;
}

/* Starts the kernel's activity: xenbus (unless told to hang), the clock,
 * the busy loop. */
static void guest_run(struct guest *g)
{
	if (g->opts.bad_options)
		guest_console_printf(g, "xvm-sim: %u xvmsim.* option(s) not understood, ignored\n",
				     g->opts.bad_options);
	guest_vcpus_boot(g);
	if (g->opts.busy)
		sim_hc_set_busy(g->env.dom, true);
	tick_start(g);
	if (g->opts.hang_boot) {
		guest_console_printf(g, "xvm-sim: hanging before xenbus (xvmsim.hang_boot)\n");
		return;
	}
	guest_xenbus_connect(g);
}

static void *guest_boot(const struct sim_guest_env *env)
{
	struct guest *g = guest_new(env);

	guest_console_printf(g, "Linux version xvm-sim (domain %u, %u vCPU(s), %"
			     G_GUINT64_FORMAT " KiB)\n",
			     env->domid, env->max_vcpus, env->boot_pages * 4);
	guest_console_printf(g, "Command line: %s\n", g->env.cmdline);
	guest_run(g);
	return g;
}

static void *guest_restore(const struct sim_guest_env *env, const void *blob, size_t len)
{
	struct guest_blob b;
	struct guest *g;

	if (len != sizeof(b))
		return NULL;
	memcpy(&b, blob, sizeof(b));
	if (GUINT32_FROM_LE(b.magic) != BLOB_MAGIC || GUINT32_FROM_LE(b.version) != 1)
		return NULL;
	g = guest_new(env);
	g->uptime_s = GUINT64_FROM_LE(b.uptime_s);
	g->counter = GUINT64_FROM_LE(b.counter);
	g->resumed = true;
	guest_console_printf(g, "xvm-sim: %u resumed after %" G_GUINT64_FORMAT " s\n",
			     env->domid, g->uptime_s);
	guest_run(g);
	return g;
}

static void *guest_save(void *kernel, size_t *len)
{
	struct guest *g = kernel;
	struct guest_blob *b = g_new0(struct guest_blob, 1);

	b->magic = GUINT32_TO_LE(BLOB_MAGIC);
	b->version = GUINT32_TO_LE(1);
	b->uptime_s = GUINT64_TO_LE(g->uptime_s);
	b->counter = GUINT64_TO_LE(g->counter);
	*len = sizeof(*b);
	return b;
}

static void guest_event(void *kernel, uint32_t port)
{
	struct guest *g = kernel;

	if (port == g->env.store_port) {
		if (g->paused)
			g->pending_store = true;
		else if (g->xs)
			xs_client_ring_event(g->xs);
	} else if (port == g->env.console_port) {
		if (g->paused)
			g->pending_console = true;
		else
			guest_console_event(g);
	}
	/* Frontend ports are nominal: the simulated backends call the
	 * frontend's data path directly (backend_io.h). */
}

static void guest_pause(void *kernel)
{
	struct guest *g = kernel;

	g->paused = true;
	tick_stop(g);
}

static void guest_unpause(void *kernel)
{
	struct guest *g = kernel;

	g->paused = false;
	if (g->suspended) {
		/* The suspend was cancelled (hv_domain_resume): SCHEDOP_shutdown
		 * returned, the devices stayed connected, as Linux's fast
		 * resume ("suspend_cancel"). */
		g->suspended = false;
		guest_console_printf(g, "xvm-sim: suspend cancelled, running again\n");
		if (g->opts.busy)
			sim_hc_set_busy(g->env.dom, true);
	}
	tick_start(g);
	if (g->pending_store) {
		g->pending_store = false;
		if (g->xs)
			xs_client_ring_event(g->xs);
	}
	if (g->pending_console) {
		g->pending_console = false;
		guest_console_event(g);
	}
}

static void guest_stop(void *kernel)
{
	struct guest *g = kernel;

	tick_stop(g);
	guest_xenbus_disconnect(g);
	guest_frontends_free(g);
	g_hash_table_destroy(g->frontends);
	g_ptr_array_free(g->gone, TRUE);
	g_string_free(g->con_backlog, TRUE);
	g_free(g->vcpus);
	g_free(g->home);
	g_free((char *)g->env.cmdline);
	g_free(g);
}

void guest_suspend(struct guest *g)
{
	tick_stop(g);
	if (g->opts.busy)
		sim_hc_set_busy(g->env.dom, false);
	g->suspended = true;
	guest_console_printf(g, "xvm-sim: suspending\n");
	sim_hc_shutdown(g->env.dom, SHUTDOWN_suspend);
}

const struct sim_guest_ops sim_guest_kernel_ops = {
	.boot = guest_boot,
	.restore = guest_restore,
	.save = guest_save,
	.event = guest_event,
	.pause = guest_pause,
	.unpause = guest_unpause,
	.stop = guest_stop,
};
