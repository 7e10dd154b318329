/* vCPUs (state, hard affinity) and the credit scheduler's parameters. */
#include "machine_internal.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

static struct sim_vcpu *vcpu_of(struct machine *m, uint32_t domid, uint32_t vcpu,
				struct sim_domain **dp, GError **err)
{
	struct sim_domain *d = machine_domain(m, domid, err);

	if (!d)
		return NULL;
	if (vcpu >= d->max_vcpus) {
		sim_set_error(err, EINVAL, _("domain %u has no vCPU %u"), domid, vcpu);
		return NULL;
	}
	if (dp)
		*dp = d;
	return &d->vcpus[vcpu];
}

bool machine_vcpu_info(struct machine *m, uint32_t domid, uint32_t vcpu,
		       struct hv_vcpuinfo *info, GError **err)
{
	struct sim_vcpu *v = vcpu_of(m, domid, vcpu, NULL, err);

	if (!v)
		return false;
	sched_accrue(m);
	memset(info, 0, sizeof(*info));
	info->online = v->online;
	info->running = v->rate > 0;
	info->blocked = v->online && !info->running;
	info->cpu_time_ns = v->cpu_time_ns;
	info->cpu = v->cpu;
	return true;
}

bool machine_set_affinity(struct machine *m, uint32_t domid, uint32_t vcpu,
			  const uint8_t *map, size_t len, GError **err)
{
	uint8_t eff[SIM_CPUMAP_BYTES] = { 0 };
	struct sim_vcpu *v = vcpu_of(m, domid, vcpu, NULL, err);
	bool any = false;

	if (!v)
		return false;
	/* Bits past nr_cpus are ignored. */
	for (uint32_t c = 0; c < m->cfg.nr_cpus && c / 8 < len; c++)
		if (map[c / 8] & (1u << (c % 8))) {
			eff[c / 8] |= 1u << (c % 8);
			any = true;
		}
	if (!any) {
		sim_set_error(err, EINVAL,
			      _("the affinity of vCPU %u of domain %u has no online CPU"),
			      vcpu, domid);
		return false;
	}
	sched_accrue(m);
	memcpy(v->affinity, eff, sizeof(eff));
	/* As Xen's vcpu_set_affinity: a vCPU whose CPU left its affinity
	 * migrates at once, running or not, to a CPU of the new one. */
	if (!(eff[v->cpu / 8] & (1u << (v->cpu % 8))))
		for (uint32_t c = 0; c < m->cfg.nr_cpus; c++)
			if (eff[c / 8] & (1u << (c % 8))) {
				v->cpu = c;
				break;
			}
	sched_update(m);
	return true;
}

bool machine_get_affinity(struct machine *m, uint32_t domid, uint32_t vcpu,
			  uint8_t *map, size_t len, GError **err)
{
	struct sim_vcpu *v = vcpu_of(m, domid, vcpu, NULL, err);

	if (!v)
		return false;
	memset(map, 0, len);
	for (uint32_t c = 0; c < m->cfg.nr_cpus && c / 8 < len; c++)
		if (v->affinity[c / 8] & (1u << (c % 8)))
			map[c / 8] |= 1u << (c % 8);
	return true;
}

bool machine_sched_get(struct machine *m, uint32_t domid, struct hv_sched_credit *sc,
		       GError **err)
{
	struct sim_domain *d = machine_domain(m, domid, err);

	if (!d)
		return false;
	sc->weight = d->weight;
	sc->cap = d->cap;
	return true;
}

bool machine_sched_set(struct machine *m, uint32_t domid,
		       const struct hv_sched_credit *sc, GError **err)
{
	struct sim_domain *d = machine_domain(m, domid, err);

	if (!d)
		return false;
	if (sc->weight < 1) {
		sim_set_error(err, EINVAL, _("a weight is 1 to 65535"));
		return false;
	}
	/* Xen's credit scheduler: a cap is at most 100 per vCPU. */
	if (sc->cap > 100 * d->max_vcpus) {
		sim_set_error(err, EINVAL,
			      _("a cap of domain %u is at most %u (100 per vCPU)"),
			      domid, 100 * d->max_vcpus);
		return false;
	}
	sched_accrue(m);
	d->weight = sc->weight;
	d->cap = sc->cap;
	sched_update(m);
	return true;
}
