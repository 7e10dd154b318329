/* See fake_machine.h. */
#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>

#include "fake_machine.h"

#define STORE_PORT 1
#define CONSOLE_PORT 2

static int connect_xenstored(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	g_assert_cmpint(fd, >=, 0);
	g_strlcpy(a.sun_path, path, sizeof(a.sun_path));
	g_assert_cmpint(connect(fd, (struct sockaddr *)&a, sizeof(a)), ==, 0);
	return fd;
}

/* Moves requests ring -> socket and replies buffer -> ring. */
static gboolean pump(gpointer data)
{
	struct sim_domain *d = data;
	struct xenstore_domain_interface *intf = d->env.store_page;
	XENSTORE_RING_IDX cons, prod;
	bool to_kernel = false;

	d->pump_idle = 0;
	if (!intf)
		return G_SOURCE_REMOVE;
	cons = intf->req_cons;
	prod = __atomic_load_n(&intf->req_prod, __ATOMIC_ACQUIRE);
	while (cons != prod && d->sock >= 0) {
		char c = intf->req[MASK_XENSTORE_IDX(cons)];

		if (send(d->sock, &c, 1, MSG_NOSIGNAL) != 1)
			break;
		cons++;
	}
	if (cons != intf->req_cons) {
		__atomic_store_n(&intf->req_cons, cons, __ATOMIC_RELEASE);
		to_kernel = true;
	}
	prod = intf->rsp_prod;
	cons = __atomic_load_n(&intf->rsp_cons, __ATOMIC_ACQUIRE);
	while (d->to_guest->len > 0 && prod - cons < XENSTORE_RING_SIZE) {
		guint n = 0;

		while (n < d->to_guest->len && prod - cons < XENSTORE_RING_SIZE)
			intf->rsp[MASK_XENSTORE_IDX(prod++)] = (char)d->to_guest->data[n++];
		g_byte_array_remove_range(d->to_guest, 0, n);
		to_kernel = true;
	}
	__atomic_store_n(&intf->rsp_prod, prod, __ATOMIC_RELEASE);
	if (to_kernel && d->kernel && !d->shutdown)
		sim_guest_kernel_ops.event(d->kernel, STORE_PORT);
	return G_SOURCE_REMOVE;
}

static void schedule_pump(struct sim_domain *d)
{
	if (!d->pump_idle)
		d->pump_idle = g_idle_add(pump, d);
}

static gboolean on_sock(gint fd, GIOCondition cond, gpointer data)
{
	struct sim_domain *d = data;
	guint8 buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n <= 0) {                    /* xenstored dropped the "ring" */
		d->sock_watch = 0;
		return G_SOURCE_REMOVE;
	}
	g_byte_array_append(d->to_guest, buf, (guint)n);
	schedule_pump(d);
	return G_SOURCE_CONTINUE;
}

static void drain_console(struct sim_domain *d)
{
	struct xencons_interface *c = d->env.console_page;
	XENCONS_RING_IDX cons = c->out_cons, prod = c->out_prod;

	g_assert_cmpuint(prod - cons, <=, sizeof(c->out));
	while (cons != prod)
		g_string_append_c(d->console, c->out[MASK_XENCONS_IDX(cons++, c->out)]);
	c->out_cons = cons;
}

static void rings_new(struct sim_domain *d)
{
	d->env.store_page = g_malloc0(4096);
	d->env.console_page = g_malloc0(4096);
	d->sock = connect_xenstored(d->xs_path);
	d->sock_watch = g_unix_fd_add(d->sock, G_IO_IN, on_sock, d);
	g_byte_array_set_size(d->to_guest, 0);
}

static void rings_free(struct sim_domain *d)
{
	if (d->sock_watch)
		g_source_remove(d->sock_watch);
	if (d->pump_idle)
		g_source_remove(d->pump_idle);
	d->sock_watch = d->pump_idle = 0;
	if (d->sock >= 0)
		close(d->sock);
	d->sock = -1;
	g_clear_pointer(&d->env.store_page, g_free);
	g_clear_pointer(&d->env.console_page, g_free);
}

struct sim_domain *fake_domain_new(uint32_t domid, const char *xenstored_path,
				   const char *cmdline, uint32_t max_vcpus,
				   uint64_t pages, uint64_t max_pages)
{
	struct sim_domain *d = g_new0(struct sim_domain, 1);

	g_assert_cmpuint(max_vcpus, <=, FAKE_MAX_VCPUS);
	d->domid = domid;
	d->xs_path = g_strdup(xenstored_path);
	d->to_guest = g_byte_array_new();
	d->console = g_string_new(NULL);
	d->pages = pages;
	d->max_pages = max_pages;
	d->vcpu_online[0] = true;
	d->env.dom = d;
	d->env.domid = domid;
	d->env.max_vcpus = max_vcpus;
	d->env.cmdline = cmdline;
	d->env.boot_pages = pages;
	d->env.store_port = STORE_PORT;
	d->env.console_port = CONSOLE_PORT;
	d->env.run_dir = "/nonexistent";
	d->sock = -1;
	rings_new(d);
	return d;
}

void fake_domain_boot(struct sim_domain *d)
{
	d->kernel = sim_guest_kernel_ops.boot(&d->env);
	g_assert_nonnull(d->kernel);
}

void fake_domain_pause(struct sim_domain *d)
{
	sim_guest_kernel_ops.pause(d->kernel);
}

void fake_domain_unpause(struct sim_domain *d)
{
	sim_guest_kernel_ops.unpause(d->kernel);
}

static void stop_kernel(struct sim_domain *d)
{
	if (!d->kernel)
		return;
	d->stops++;
	sim_guest_kernel_ops.stop(d->kernel);
	d->kernel = NULL;
}

GBytes *fake_domain_save(struct sim_domain *d)
{
	size_t len;
	void *blob;

	g_assert_true(d->shutdown);
	g_assert_cmpuint(d->reason, ==, SHUTDOWN_suspend);
	blob = sim_guest_kernel_ops.save(d->kernel, &len);
	stop_kernel(d);
	return g_bytes_new_take(blob, len);
}

bool fake_domain_restore(struct sim_domain *d, GBytes *blob)
{
	size_t len;
	const void *p = g_bytes_get_data(blob, &len);

	rings_free(d);
	rings_new(d);
	d->shutdown = false;
	d->stops = 0;
	d->kernel = sim_guest_kernel_ops.restore(&d->env, p, len);
	return d->kernel != NULL;
}

void fake_domain_free(struct sim_domain *d)
{
	stop_kernel(d);
	rings_free(d);
	g_byte_array_unref(d->to_guest);
	g_string_free(d->console, TRUE);
	g_free(d->xs_path);
	g_free(d);
}

void fake_console_type(struct sim_domain *d, const char *text)
{
	struct xencons_interface *c = d->env.console_page;

	for (const char *p = text; *p; p++)
		c->in[MASK_XENCONS_IDX(c->in_prod++, c->in)] = *p;
	sim_guest_kernel_ops.event(d->kernel, CONSOLE_PORT);
}

void fake_run_for(unsigned int ms)
{
	gint64 end = g_get_monotonic_time() + ms * 1000;

	while (g_get_monotonic_time() < end) {
		while (g_main_context_iteration(NULL, FALSE))
			;
		g_usleep(2000);
	}
}

bool fake_wait(bool (*check)(void *), void *data)
{
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	while (g_get_monotonic_time() < end) {
		while (g_main_context_iteration(NULL, FALSE))
			;
		if (check(data))
			return true;
		g_usleep(5000);
	}
	return check(data);
}

/* ---- the hypercalls --------------------------------------------------- */

void sim_hc_shutdown(struct sim_domain *dom, unsigned int reason)
{
	g_assert_false(dom->shutdown);
	dom->shutdown = true;
	dom->reason = reason;
	if (reason != SHUTDOWN_suspend)
		stop_kernel(dom);
}

void sim_hc_evtchn_send(struct sim_domain *dom, uint32_t port)
{
	if (port == STORE_PORT)
		schedule_pump(dom);
	else if (port == CONSOLE_PORT)
		drain_console(dom);
}

int sim_hc_set_pages(struct sim_domain *dom, uint64_t target)
{
	if (target > dom->max_pages)
		return -ENOMEM;
	dom->pages = target;
	return 0;
}

uint64_t sim_hc_tot_pages(struct sim_domain *dom)
{
	return dom->pages;
}

uint64_t sim_hc_max_pages(struct sim_domain *dom)
{
	return dom->max_pages;
}

int sim_hc_vcpu_up(struct sim_domain *dom, uint32_t vcpu)
{
	if (vcpu >= dom->env.max_vcpus)
		return -EINVAL;
	dom->vcpu_online[vcpu] = true;
	return 0;
}

int sim_hc_vcpu_down(struct sim_domain *dom, uint32_t vcpu)
{
	if (vcpu >= dom->env.max_vcpus)
		return -EINVAL;
	dom->vcpu_online[vcpu] = false;
	return 0;
}

void sim_hc_set_busy(struct sim_domain *dom, bool busy)
{
	dom->busy = busy;
}
