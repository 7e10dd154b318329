/* The balloon driver: the domain follows memory/target (KiB, written by
 * the toolstack) by giving pages back to Xen or taking more. When Xen
 * refuses (ENOMEM: the host or the domain's maximum), the balloon stays
 * where it was and tries again at the next change of the target. */
#include <errno.h>
#include <string.h>

#include "guest_kernel.h"

/* KiB: decimal, at least one page, at most 2^50 KiB. */
static bool parse_kib(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < 4 || v > (UINT64_C(1) << 50))
		return false;
	*out = v;
	return true;
}

static void on_target(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct guest *g = data;
	uint64_t kib, pages;
	int rc;

	if (err == ENOENT)
		return;
	if (err) {
		guest_console_printf(g, "xen-balloon: cannot read memory/target: %s\n",
				     g_strerror(err));
		return;
	}
	if (!parse_kib(body, len, &kib)) {
		guest_console_printf(g, "xen-balloon: memory/target \"%.32s\" is not a size in KiB\n",
				     body);
		return;
	}
	pages = kib / 4;
	if (pages == sim_hc_tot_pages(g->env.dom))
		return;
	rc = sim_hc_set_pages(g->env.dom, pages);
	if (rc < 0) {
		guest_console_printf(g, "xen-balloon: cannot reach %" G_GUINT64_FORMAT
				     " KiB (%s), staying at %" G_GUINT64_FORMAT " KiB\n",
				     kib, g_strerror(-rc), sim_hc_tot_pages(g->env.dom) * 4);
		return;
	}
	guest_console_printf(g, "xen-balloon: now %" G_GUINT64_FORMAT " KiB\n", kib);
}

void guest_balloon_target_changed(struct guest *g)
{
	g_autofree char *path = g_strdup_printf("%s/memory/target", g->home);

	xs_read_async(g->xs, 0, path, on_target, g);
}
