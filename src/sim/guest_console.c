/* The kernel's console: struct xencons_interface of <xen/io/console.h>,
 * shared with dom0's console daemon. The kernel produces on out[] and
 * consumes in[]; indexes are free-running, masked on access.
 *
 * What the kernel prints is the guest's output, not xvm's: like a Linux
 * kernel's, it is not translated (tests and users match its lines,
 * docs/xvm-sim-guest.7). */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <xen/io/console.h>

#include "guest_kernel.h"

/* What a kernel keeps when nobody drains its console (a log buffer). */
#define BACKLOG_MAX (16 * 1024)

/* Moves the backlog into the out ring as far as it fits. */
static void flush_out(struct guest *g)
{
	struct xencons_interface *intf = g->env.console_page;
	XENCONS_RING_IDX cons, prod;
	size_t sent = 0;

	if (!intf || g->con_backlog->len == 0)
		return;
	cons = __atomic_load_n(&intf->out_cons, __ATOMIC_ACQUIRE);
	prod = intf->out_prod;
	/* A console daemon that moved out_cons past out_prod broke the ring:
	 * the kernel keeps its output rather than trust the indexes. */
	if ((XENCONS_RING_IDX)(prod - cons) > sizeof(intf->out))
		return;
	while (sent < g->con_backlog->len &&
	       (XENCONS_RING_IDX)(prod - cons) < sizeof(intf->out)) {
		intf->out[MASK_XENCONS_IDX(prod, intf->out)] = g->con_backlog->str[sent++];
		prod++;
	}
	if (sent == 0)
		return;
	__atomic_store_n(&intf->out_prod, prod, __ATOMIC_RELEASE);
	g_string_erase(g->con_backlog, 0, (gssize)sent);
	sim_hc_evtchn_send(g->env.dom, g->env.console_port);
}

static void console_write(struct guest *g, const char *s, size_t len)
{
	g_string_append_len(g->con_backlog, s, (gssize)len);
	if (g->con_backlog->len > BACKLOG_MAX)
		g_string_erase(g->con_backlog, 0,
			       (gssize)(g->con_backlog->len - BACKLOG_MAX));
	flush_out(g);
}

void guest_console_printf(struct guest *g, const char *fmt, ...)
{
	g_autofree char *line = NULL;
	va_list ap;

	va_start(ap, fmt);
	line = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	console_write(g, line, strlen(line));
}

/* dom0 consumed output or produced input: drain in[] (echoing it, a
 * terminal in cooked mode with no program reading) and refill out[]. */
void guest_console_event(struct guest *g)
{
	struct xencons_interface *intf = g->env.console_page;
	XENCONS_RING_IDX cons, prod;
	char buf[sizeof(intf->in)];
	size_t n = 0;

	if (!intf)
		return;
	cons = intf->in_cons;
	prod = __atomic_load_n(&intf->in_prod, __ATOMIC_ACQUIRE);
	if ((XENCONS_RING_IDX)(prod - cons) > sizeof(intf->in)) {
		/* Broken producer: drop what it claims to have written. */
		__atomic_store_n(&intf->in_cons, prod, __ATOMIC_RELEASE);
		return;
	}
	while (cons != prod) {
		char c = intf->in[MASK_XENCONS_IDX(cons, intf->in)];

		buf[n++] = c == '\r' ? '\n' : c;
		cons++;
	}
	__atomic_store_n(&intf->in_cons, cons, __ATOMIC_RELEASE);
	if (n > 0) {
		sim_hc_evtchn_send(g->env.dom, g->env.console_port);
		console_write(g, buf, n);
	} else {
		flush_out(g);
	}
}

/* xvmsim.console_garbage: a guest breaking its console page, as a buggy
 * or hostile one may. The kernel's own side recovers (its next flush
 * waits for dom0 to resynchronise out_cons; its next input event drops
 * the bad in indexes). */
void guest_console_garbage(struct guest *g)
{
	struct xencons_interface *intf = g->env.console_page;

	if (!intf)
		return;
	__atomic_store_n(&intf->out_prod, intf->out_prod + 3 * (XENCONS_RING_IDX)sizeof(intf->out),
			 __ATOMIC_RELEASE);
	__atomic_store_n(&intf->in_cons, intf->in_prod + 5000, __ATOMIC_RELEASE);
	sim_hc_evtchn_send(g->env.dom, g->env.console_port);
	guest_console_printf(g, "xvm-sim: console indexes broken (xvmsim.console_garbage)\n");
}
