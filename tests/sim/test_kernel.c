/* The guest kernel of the test build of xvm-simhv (xvm-simhv-test): what
 * the tests need to observe the machine from outside, chosen by words of
 * the domain's command line:
 *   busy           the guest is busy from boot: it accrues CPU time
 *   fail-boot      the kernel does not start (the domain crashes)
 *   poll-store     plays a guest's xenstore driver for a test writing
 *                  requests into the page: notifies the store port
 *                  whenever req_prod moved (a real driver notifies after
 *                  writing)
 *   poweroff-on-console-event
 *                  an event on the console port shuts the guest down
 * Its saved state is its command line: a restored kernel behaves alike. */
#include <glib.h>
#include <stdint.h>
#include <string.h>
#include <xen/io/xs_wire.h>
#include <xen/sched.h>

#include "guest.h"

struct test_kernel {
	const struct sim_guest_env *env;
	char *cmdline;
	bool poweroff_on_console;
	guint poll;
	XENSTORE_RING_IDX seen_prod;
};

static bool has_word(const char *cmdline, const char *word)
{
	g_auto(GStrv) words = g_strsplit(cmdline, " ", -1);

	return g_strv_contains((const char *const *)words, word);
}

static gboolean poll_store(gpointer data)
{
	struct test_kernel *k = data;
	struct xenstore_domain_interface *intf = k->env->store_page;
	XENSTORE_RING_IDX prod = __atomic_load_n(&intf->req_prod, __ATOMIC_ACQUIRE);

	if (prod != k->seen_prod) {
		k->seen_prod = prod;
		sim_hc_evtchn_send(k->env->dom, k->env->store_port);
	}
	return G_SOURCE_CONTINUE;
}

static void *start(const struct sim_guest_env *env, const char *cmdline)
{
	struct test_kernel *k;

	if (has_word(cmdline, "fail-boot"))
		return NULL;
	k = g_new0(struct test_kernel, 1);
	k->env = env;
	k->cmdline = g_strdup(cmdline);
	k->poweroff_on_console = has_word(cmdline, "poweroff-on-console-event");
	if (has_word(cmdline, "poll-store"))
		k->poll = g_timeout_add(5, poll_store, k);
	sim_hc_set_busy(env->dom, has_word(cmdline, "busy"));
	return k;
}

static void *tk_boot(const struct sim_guest_env *env)
{
	return start(env, env->cmdline);
}

static void *tk_restore(const struct sim_guest_env *env, const void *blob, size_t len)
{
	g_autofree char *cmdline = g_strndup(blob, len);

	return start(env, cmdline);
}

static void *tk_save(void *kernel, size_t *len)
{
	struct test_kernel *k = kernel;

	*len = strlen(k->cmdline);
	return g_strdup(k->cmdline);
}

static void tk_event(void *kernel, uint32_t port)
{
	struct test_kernel *k = kernel;

	if (port == k->env->console_port && k->poweroff_on_console)
		sim_hc_shutdown(k->env->dom, SHUTDOWN_poweroff);  /* stops us */
}

static void tk_pause(void *kernel)
{
	(void)kernel;
}

static void tk_unpause(void *kernel)
{
	(void)kernel;
}

static void tk_stop(void *kernel)
{
	struct test_kernel *k = kernel;

	if (k->poll)
		g_source_remove(k->poll);
	g_free(k->cmdline);
	g_free(k);
}

const struct sim_guest_ops sim_guest_kernel_ops = {
	.boot = tk_boot,
	.restore = tk_restore,
	.save = tk_save,
	.event = tk_event,
	.pause = tk_pause,
	.unpause = tk_unpause,
	.stop = tk_stop,
};
