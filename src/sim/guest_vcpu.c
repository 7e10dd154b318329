/* vCPU hotplug (Linux's drivers/xen/cpu_hotplug.c): every vCPU comes up
 * at boot; from then on cpu/N/availability ("online" or "offline",
 * written by the toolstack) brings vCPU N up or down. vCPU 0 stays. */
#include <errno.h>
#include <string.h>

#include "guest_kernel.h"

void guest_vcpus_init(struct guest *g)
{
	g->vcpus = g_new0(struct vcpu_slot, MAX(g->env.max_vcpus, 1));
	for (uint32_t i = 0; i < g->env.max_vcpus; i++) {
		g->vcpus[i].g = g;
		g->vcpus[i].id = i;
	}
}

/* Brings every vCPU up, as SMP boot does. */
void guest_vcpus_boot(struct guest *g)
{
	for (uint32_t i = 1; i < g->env.max_vcpus; i++)
		sim_hc_vcpu_up(g->env.dom, i);
}

static void on_availability(xs_client_t *c, int err, const char *body, size_t len,
			    void *data)
{
	struct vcpu_slot *slot = data;
	struct guest *g = slot->g;
	int rc;

	if (err)
		return;                  /* ENOENT: the toolstack says nothing */
	if (len == 6 && memcmp(body, "online", 6) == 0) {
		rc = sim_hc_vcpu_up(g->env.dom, slot->id);
	} else if (len == 7 && memcmp(body, "offline", 7) == 0) {
		if (slot->id == 0)
			return;
		rc = sim_hc_vcpu_down(g->env.dom, slot->id);
	} else {
		guest_console_printf(g, "xen-cpu: cpu/%u/availability \"%.16s\" is neither online nor offline\n",
				     slot->id, body);
		return;
	}
	if (rc < 0)
		guest_console_printf(g, "xen-cpu: vCPU %u: %s\n", slot->id, g_strerror(-rc));
}

void guest_vcpus_changed(struct guest *g)
{
	for (uint32_t i = 0; i < g->env.max_vcpus; i++) {
		g_autofree char *path = g_strdup_printf("%s/cpu/%u/availability", g->home, i);

		xs_read_async(g->xs, 0, path, on_availability, &g->vcpus[i]);
	}
}
