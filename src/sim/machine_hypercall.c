/* The hypercalls a guest kernel makes (guest.h), but the event channel
 * ones (machine_evtchn.c). */
#include "machine_internal.h"

#include <errno.h>
#include <xen/sched.h>

void sim_hc_shutdown(struct sim_domain *dom, unsigned int reason)
{
	GError *err = NULL;

	if (reason > SHUTDOWN_MAX)
		reason = SHUTDOWN_crash;   /* a guest asking nonsense crashed */
	if (!machine_shutdown(dom->m, dom->domid, reason, &err)) {
		g_warning("domain %u: %s", dom->domid, err->message);
		g_error_free(err);
	}
}

int sim_hc_set_pages(struct sim_domain *dom, uint64_t target)
{
	if (!machine_set_pages(dom->m, dom, target, NULL))
		return -ENOMEM;
	return 0;
}

uint64_t sim_hc_tot_pages(struct sim_domain *dom)
{
	return dom->tot_pages;
}

uint64_t sim_hc_max_pages(struct sim_domain *dom)
{
	return dom->max_pages;
}

static int vcpu_set_online(struct sim_domain *dom, uint32_t vcpu, bool online)
{
	if (vcpu >= dom->max_vcpus)
		return -EINVAL;
	if (dom->vcpus[vcpu].online == online)
		return 0;
	sched_accrue(dom->m);
	dom->vcpus[vcpu].online = online;
	sched_update(dom->m);
	return 0;
}

int sim_hc_vcpu_up(struct sim_domain *dom, uint32_t vcpu)
{
	return vcpu_set_online(dom, vcpu, true);
}

int sim_hc_vcpu_down(struct sim_domain *dom, uint32_t vcpu)
{
	return vcpu_set_online(dom, vcpu, false);
}

void sim_hc_set_busy(struct sim_domain *dom, bool busy)
{
	if (dom->busy == busy)
		return;
	sched_accrue(dom->m);
	dom->busy = busy;
	sched_update(dom->m);
}
