/* The kernel's xenbus: its xenstore connection over the domain ring, the
 * keys a Linux PV guest writes (control/feature-{poweroff,reboot,suspend},
 * data/), the watches it
 * keeps (control/shutdown, memory/target, cpu/, device/) and Linux's
 * shutdown handler. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/io/xs_wire.h>

#include "guest_kernel.h"

#define TOKEN_SHUTDOWN "control/shutdown"
#define TOKEN_TARGET   "memory/target"
#define TOKEN_CPU      "cpu"
#define TOKEN_DEVICE   "device"

static void notify_store(void *opaque)
{
	struct guest *g = opaque;

	sim_hc_evtchn_send(g->env.dom, g->env.store_port);
}

static void on_closed(xs_client_t *c, void *data)
{
	struct guest *g = data;

	guest_console_printf(g, "xenbus: connection to xenstore lost\n");
	xs_client_free(c);
	g->xs = NULL;
}

static void on_write_done(xs_client_t *c, int err, const char *body, size_t len,
			  void *data)
{
	struct guest *g = data;

	if (err)
		guest_console_printf(g, "xenbus: write failed: %s\n", g_strerror(err));
}

void guest_xs_write(struct guest *g, const char *rel, const char *value)
{
	g_autofree char *path = g_strdup_printf("%s/%s", g->home, rel);

	if (g->xs)
		xs_write_async(g->xs, 0, path, value, strlen(value), on_write_done, g);
}

/* ---- control/shutdown (Linux's drivers/xen/manage.c) ------------------ */

static const struct {
	const char *cmd;
	int reason;                      /* -1: suspend */
} shutdown_cmds[] = {
	{ "poweroff", SHUTDOWN_poweroff },
	{ "halt", SHUTDOWN_poweroff },
	{ "reboot", SHUTDOWN_reboot },
	{ "suspend", -1 },
};

static int shutdown_lookup(const char *cmd)
{
	for (size_t i = 0; i < G_N_ELEMENTS(shutdown_cmds); i++)
		if (strcmp(cmd, shutdown_cmds[i].cmd) == 0)
			return (int)i;
	return -1;
}

static void shutdown_check(struct guest *g);

static void shutdown_finish(struct guest *g)
{
	g->shutdown_busy = false;
	g_clear_pointer(&g->shutdown_cmd, g_free);
	if (g->shutdown_again) {
		g->shutdown_again = false;
		shutdown_check(g);
	}
}

static void on_shutdown_tx_end(xs_client_t *c, int err, const char *body, size_t len,
			       void *data)
{
	struct guest *g = data;
	int idx;

	if (err == EAGAIN) {             /* raced with the toolstack: again */
		g->shutdown_again = true;
		shutdown_finish(g);
		return;
	}
	if (err || !g->shutdown_cmd) {
		if (err)
			guest_console_printf(g, "xenbus: shutdown transaction failed: %s\n",
					     g_strerror(err));
		shutdown_finish(g);
		return;
	}
	idx = shutdown_lookup(g->shutdown_cmd);
	if (idx < 0) {
		guest_console_printf(g, "Ignoring shutdown request: %s\n", g->shutdown_cmd);
		shutdown_finish(g);
		return;
	}
	guest_console_printf(g, "xvm-sim: %s requested\n", shutdown_cmds[idx].cmd);
	if (shutdown_cmds[idx].reason < 0) {
		shutdown_finish(g);
		guest_suspend(g);
		return;
	}
	/* stop() runs before this returns: g is gone. */
	sim_hc_shutdown(g->env.dom, (unsigned int)shutdown_cmds[idx].reason);
}

static void on_shutdown_read(xs_client_t *c, int err, const char *body, size_t len,
			     void *data)
{
	struct guest *g = data;
	g_autofree char *path = g_strdup_printf("%s/control/shutdown", g->home);
	bool handled;

	g_clear_pointer(&g->shutdown_cmd, g_free);
	if (!err && len > 0 && !memchr(body, '\0', len)) {
		if (g->opts.ignore_shutdown) {
			guest_console_printf(g, "xvm-sim: ignoring shutdown request %s (xvmsim.ignore_shutdown)\n",
					     body);
		} else {
			g->shutdown_cmd = g_strndup(body, len);
			/* Only requests the kernel handles are acknowledged. */
			handled = shutdown_lookup(g->shutdown_cmd) >= 0;
			if (handled)
				xs_write_async(c, g->shutdown_tx, path, "", 0, on_write_done, g);
		}
	}
	xs_transaction_end_async(c, g->shutdown_tx, true, on_shutdown_tx_end, g);
}

static void on_shutdown_tx_start(xs_client_t *c, int err, const char *body, size_t len,
				 void *data)
{
	struct guest *g = data;
	g_autofree char *path = g_strdup_printf("%s/control/shutdown", g->home);
	char *end;
	unsigned long tx;

	if (err) {
		guest_console_printf(g, "xenbus: cannot start a transaction: %s\n",
				     g_strerror(err));
		shutdown_finish(g);
		return;
	}
	errno = 0;
	tx = strtoul(body, &end, 10);
	if (errno || *end || end == body || tx == 0 || tx > UINT32_MAX) {
		guest_console_printf(g, "xenbus: bad transaction id from xenstore\n");
		shutdown_finish(g);
		return;
	}
	g->shutdown_tx = (uint32_t)tx;
	xs_read_async(c, g->shutdown_tx, path, on_shutdown_read, g);
}

static void shutdown_check(struct guest *g)
{
	if (!g->xs || g->suspended)
		return;
	if (g->shutdown_busy) {
		g->shutdown_again = true;
		return;
	}
	g->shutdown_busy = true;
	xs_transaction_start_async(g->xs, on_shutdown_tx_start, g);
}

/* ---- watches ---------------------------------------------------------- */

static void on_watch(xs_client_t *c, const char *path, const char *token, void *data)
{
	struct guest *g = data;

	if (g->suspended)
		return;                  /* frozen: a resumed kernel re-reads */
	if (strcmp(token, TOKEN_SHUTDOWN) == 0)
		shutdown_check(g);
	else if (strcmp(token, TOKEN_TARGET) == 0)
		guest_balloon_target_changed(g);
	else if (strcmp(token, TOKEN_CPU) == 0)
		guest_vcpus_changed(g);
	else if (strcmp(token, TOKEN_DEVICE) == 0)
		guest_frontends_device_event(g, path);
}

static void watch(struct guest *g, const char *rel, const char *token)
{
	g_autofree char *path = g_strdup_printf("%s/%s", g->home, rel);

	/* A kernel resumed in the domain it suspended in (the toolstack
	 * cancelled the suspend) finds the watches of its former self still
	 * registered, under the same tokens: they go first, or the new ones
	 * fail (EEXIST) and the kernel would never hear of its tree again.
	 * In a new domain there is nothing to remove (the error is ignored). */
	if (g->resumed)
		xs_unwatch_async(g->xs, path, token, NULL, NULL);
	xs_watch_async(g->xs, path, token, on_watch, g, on_write_done, g);
}

static void on_name(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct guest *g = data;

	if (!err && len > 0 && !memchr(body, '\0', len))
		guest_console_printf(g, "xenbus: domain %u is \"%.64s\"\n", g->env.domid, body);
}

/* The last of the boot writes returned: the kernel is up. */
static void on_booted(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct guest *g = data;

	on_write_done(c, err, body, len, data);
	if (!g->booted) {
		g->booted = true;
		guest_console_printf(g, "xvm-sim: %u booted\n", g->env.domid);
	}
	if (g->opts.console_garbage)
		guest_console_garbage(g);
	if (g->opts.ring_garbage)
		guest_xenbus_garbage(g);
}

void guest_xenbus_connect(struct guest *g)
{
	/* What Linux's setup_shutdown_watcher() (drivers/xen/manage.c)
	 * writes: feature-COMMAND for the shutdown commands it acts on
	 * ("halt" is not advertised). control/platform-feature-* are the
	 * toolstack's (libxl writes them as dom0 when it makes the domain),
	 * control/feature-balloon a Windows PV driver's: a Linux guest
	 * writes neither, and may not (control/ is dom0's). */
	static const char *const features[] = {
		"control/feature-poweroff",
		"control/feature-reboot",
		"control/feature-suspend",
	};
	g_autofree char *uname = g_strdup_printf("xvm-sim domain %u", g->env.domid);
	g_autofree char *name = g_strdup_printf("%s/name", g->home);
	g_autofree char *last = NULL;

	g->xs = xs_client_open_ring(g->env.store_page, notify_store, g, NULL);
	xs_client_set_closed_cb(g->xs, on_closed, g);
	xs_read_async(g->xs, 0, name, on_name, g);
	for (size_t i = 0; i < G_N_ELEMENTS(features); i++)
		guest_xs_write(g, features[i], "1");
	guest_xs_write(g, "data/os_name", "xvm-sim");
	guest_xs_write(g, "data/os_uname", uname);
	watch(g, "control/shutdown", TOKEN_SHUTDOWN);
	watch(g, "memory/target", TOKEN_TARGET);
	watch(g, "cpu", TOKEN_CPU);
	watch(g, "device", TOKEN_DEVICE);
	/* Replies come in order: this one's callback runs after all of the
	 * above were answered (and their first watch events sent). */
	last = g_strdup_printf("%s/data/updated", g->home);
	xs_write_async(g->xs, 0, last, "1", 1, on_booted, g);
}

void guest_xenbus_disconnect(struct guest *g)
{
	g_clear_pointer(&g->xs, xs_client_free);
	g_clear_pointer(&g->shutdown_cmd, g_free);
}

/* xvmsim.ring_garbage: the kernel drops its xenbus driver and scribbles
 * over the request ring, as a broken or hostile guest may. */
void guest_xenbus_garbage(struct guest *g)
{
	struct xenstore_domain_interface *intf = g->env.store_page;
	XENSTORE_RING_IDX prod;
	uint32_t x = 0x9e3779b9u * (g->env.domid + 1);

	guest_console_printf(g, "xvm-sim: writing garbage to the xenstore ring (xvmsim.ring_garbage)\n");
	guest_xenbus_disconnect(g);
	guest_frontends_free(g);
	prod = intf->req_prod;
	for (size_t i = 0; i < XENSTORE_RING_SIZE / 2; i++) {
		x ^= x << 13; x ^= x >> 17; x ^= x << 5;   /* xorshift32 */
		intf->req[MASK_XENSTORE_IDX(prod + i)] = (char)x;
	}
	__atomic_store_n(&intf->req_prod, prod + XENSTORE_RING_SIZE / 2, __ATOMIC_RELEASE);
	sim_hc_evtchn_send(g->env.dom, g->env.store_port);
}
