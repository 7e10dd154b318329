/* The domain table and its lifecycle, with Xen's rules (see hv.h):
 * domids from 1, never reused while a domain exists; paused until
 * unpaused; memory accounted against the host; shut down with a reason;
 * dying after destroy until no client maps its pages, then gone. */
#include "machine_internal.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>
#include <xen/sched.h>

G_DEFINE_QUARK(xvm-sim-error-quark, sim_error)

void sim_set_error(GError **err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (err)
		*err = g_error_new_valist(SIM_ERROR, code, fmt, ap);
	va_end(ap);
}

struct sim_domain *machine_domain(struct machine *m, uint32_t domid, GError **err)
{
	struct sim_domain *d = domid < SIM_DOMID_LIMIT ? m->doms[domid] : NULL;

	if (!d)
		sim_set_error(err, ENOENT, _("no domain %u"), domid);
	return d;
}

/* A live domain (not dying): what most operations require. */
static struct sim_domain *live_domain(struct machine *m, uint32_t domid, GError **err)
{
	struct sim_domain *d = machine_domain(m, domid, err);

	if (d && d->state == DOM_DYING) {
		sim_set_error(err, EINVAL, _("domain %u is dying"), domid);
		return NULL;
	}
	return d;
}

/* A guest (not dom0), live. */
static struct sim_domain *guest_domain(struct machine *m, uint32_t domid, GError **err)
{
	if (domid == 0) {
		sim_set_error(err, EPERM, _("domain 0 cannot be changed so"));
		return NULL;
	}
	return live_domain(m, domid, err);
}

static struct sim_domain *domain_new(struct machine *m, uint32_t domid,
				     const struct hv_create_config *cfg)
{
	struct sim_domain *d = g_new0(struct sim_domain, 1);

	d->m = m;
	d->domid = domid;
	memcpy(d->uuid, cfg->uuid, sizeof(d->uuid));
	d->type = cfg->type;
	d->ssidref = cfg->ssidref;
	d->state = DOM_CREATED;
	d->paused = true;
	d->max_pages = m->total_pages;   /* no ceiling until set */
	d->max_vcpus = cfg->max_vcpus;
	d->vcpus = g_new0(struct sim_vcpu, cfg->max_vcpus);
	for (uint32_t v = 0; v < cfg->max_vcpus; v++)
		memset(d->vcpus[v].affinity, 0xff, SIM_CPUMAP_BYTES);
	d->weight = 256;
	d->cap = 0;
	d->page_fd[0] = d->page_fd[1] = -1;
	d->cmdline = g_strdup("");
	evtchn_init(d);
	m->doms[domid] = d;
	return d;
}

static void domain_free(struct sim_domain *d)
{
	struct machine *m = d->m;

	sched_accrue(m);
	machine_stop_kernel(d);
	evtchn_close_all(d);
	pages_destroy(d);
	m->used_pages -= d->tot_pages;
	m->doms[d->domid] = NULL;
	g_free(d->ports);
	g_free(d->vcpus);
	g_free(d->cmdline);
	g_free(d->blob);
	g_free(d);
	sched_update(m);
}

struct machine *machine_new(const struct machine_config *cfg, GError **err)
{
	struct machine *m;
	struct hv_create_config dom0 = { .type = HV_DOMAIN_PV };
	struct sim_domain *d;

	if (cfg->nr_cpus < 1 || cfg->nr_cpus > SIM_MAX_CPUS) {
		sim_set_error(err, EINVAL, _("the number of CPUs must be 1 to %u"),
			      SIM_MAX_CPUS);
		return NULL;
	}
	if (cfg->dom0_kib >= cfg->memory_kib || cfg->memory_kib / SIM_PAGE_KIB == 0) {
		sim_set_error(err, EINVAL, _("dom0's memory must be less than the host's"));
		return NULL;
	}
	m = g_new0(struct machine, 1);
	m->cfg = *cfg;
	m->run_dir = g_strdup(cfg->run_dir);
	m->cfg.run_dir = m->run_dir;
	m->total_pages = cfg->memory_kib / SIM_PAGE_KIB;
	m->doms = g_new0(struct sim_domain *, SIM_DOMID_LIMIT);
	m->sched_last_ns = machine_now(m);

	/* dom0: from the start, running, its vCPUs online and idle (its
	 * software is the real processes that talk to us). */
	dom0.max_vcpus = cfg->nr_cpus > SIM_MAX_VCPUS ? SIM_MAX_VCPUS : cfg->nr_cpus;
	d = domain_new(m, 0, &dom0);
	d->state = DOM_RUNNING;
	d->paused = false;
	d->tot_pages = d->max_pages = cfg->dom0_kib / SIM_PAGE_KIB;
	m->used_pages = d->tot_pages;
	for (uint32_t v = 0; v < d->max_vcpus; v++)
		d->vcpus[v].online = true;
	return m;
}

void machine_free(struct machine *m)
{
	if (!m)
		return;
	m->in_teardown = true;
	for (uint32_t i = SIM_DOMID_LIMIT; i-- > 0;)
		if (m->doms[i])
			domain_free(m->doms[i]);
	g_list_free_full(m->mappings, g_free);
	g_free(m->doms);
	g_free(m->run_dir);
	g_free(m);
}

void machine_physinfo(struct machine *m, struct hv_physinfo *info)
{
	memset(info, 0, sizeof(*info));
	info->nr_cpus = m->cfg.nr_cpus;
	info->nr_nodes = 1;
	info->sockets_per_node = 1;
	info->cores_per_socket = m->cfg.nr_cpus;
	info->threads_per_core = 1;
	info->cpu_khz = 2000000;
	info->total_pages = m->total_pages;
	info->free_pages = m->total_pages - m->used_pages;
	g_strlcpy(info->cpu_model, "xvm simulated CPU", sizeof(info->cpu_model));
	info->hvm_capable = true;
}

bool machine_create(struct machine *m, const struct hv_create_config *cfg,
		    uint32_t *domid, GError **err)
{
	uint32_t id = m->last_domid;

	if (cfg->type != HV_DOMAIN_PV && cfg->type != HV_DOMAIN_PVH &&
	    cfg->type != HV_DOMAIN_HVM) {
		sim_set_error(err, EINVAL, _("unknown domain type %d"), (int)cfg->type);
		return false;
	}
	/* The simulated vCPUs run no guest code: the mode is only checked,
	 * as Xen's settscinfo checks it. */
	if ((unsigned int)cfg->tsc_mode > HV_TSC_NATIVE) {
		sim_set_error(err, EINVAL, _("unknown TSC mode %u"), (unsigned int)cfg->tsc_mode);
		return false;
	}
	if (cfg->max_vcpus < 1 || cfg->max_vcpus > SIM_MAX_VCPUS) {
		sim_set_error(err, EINVAL, _("a domain has 1 to %u vCPUs, not %u"),
			      SIM_MAX_VCPUS, cfg->max_vcpus);
		return false;
	}
	/* The next free domid above the last one given, wrapping below the
	 * reserved ones: a domid is not reused while its domain exists, and
	 * not soon after. */
	for (uint32_t tries = 0; tries < SIM_DOMID_LIMIT - 1; tries++) {
		id = id + 1 >= SIM_DOMID_LIMIT ? 1 : id + 1;
		if (!m->doms[id]) {
			m->last_domid = id;
			domain_new(m, id, cfg);
			*domid = id;
			return true;
		}
	}
	sim_set_error(err, ENOSPC, _("no free domain id"));
	return false;
}

bool machine_set_max_mem(struct machine *m, uint32_t domid, uint64_t max_kib,
			 GError **err)
{
	struct sim_domain *d = guest_domain(m, domid, err);

	if (!d)
		return false;
	/* Below what it holds is allowed: the guest must balloon down. */
	d->max_pages = max_kib / SIM_PAGE_KIB;
	return true;
}

bool machine_set_pages(struct machine *m, struct sim_domain *d, uint64_t target,
		       GError **err)
{
	if (target > d->tot_pages) {
		uint64_t more = target - d->tot_pages;

		if (target > d->max_pages) {
			sim_set_error(err, ENOMEM,
				      _("domain %u: %" G_GUINT64_FORMAT " KiB exceed its "
					"maximum of %" G_GUINT64_FORMAT " KiB"), d->domid,
				      target * SIM_PAGE_KIB, d->max_pages * SIM_PAGE_KIB);
			return false;
		}
		if (more > m->total_pages - m->used_pages) {
			sim_set_error(err, ENOMEM,
				      _("domain %u: %" G_GUINT64_FORMAT " KiB more do not "
					"fit in the host's %" G_GUINT64_FORMAT " KiB free"),
				      d->domid, more * SIM_PAGE_KIB,
				      (m->total_pages - m->used_pages) * SIM_PAGE_KIB);
			return false;
		}
	}
	m->used_pages = m->used_pages - d->tot_pages + target;
	d->tot_pages = target;
	return true;
}

bool machine_kernel_runs(const struct sim_domain *d)
{
	return d->kernel && d->state == DOM_RUNNING && !d->paused;
}

void machine_start_kernel(struct sim_domain *d)
{
	const struct sim_guest_ops *ops = d->m->cfg.ops;

	d->env = (struct sim_guest_env){
		.dom = d,
		.domid = d->domid,
		.type = d->type,
		.max_vcpus = d->max_vcpus,
		.cmdline = d->cmdline,
		.boot_pages = d->tot_pages,
		.store_page = d->page[MACHINE_PAGE_STORE],
		.store_port = d->env.store_port,
		.console_page = d->page[MACHINE_PAGE_CONSOLE],
		.console_port = d->env.console_port,
		.run_dir = d->m->run_dir,
	};
	d->state = DOM_RUNNING;
	if (!d->blob)
		d->vcpus[0].online = true;   /* VCPUOP_initialise of vCPU 0 */
	d->kernel = d->blob ? ops->restore(&d->env, d->blob, d->blob_len)
			    : ops->boot(&d->env);
	if (!d->kernel) {
		g_message(_("domain %u: its kernel did not start: crashed"), d->domid);
		sim_hc_shutdown(d, SHUTDOWN_crash);
		return;
	}
	evtchn_deliver_pending(d);
}

void machine_stop_kernel(struct sim_domain *d)
{
	void *k = d->kernel;

	if (!k)
		return;
	d->kernel = NULL;  /* first: stop() must not see itself called again */
	d->m->cfg.ops->stop(k);
}

bool machine_pause(struct machine *m, uint32_t domid, GError **err)
{
	struct sim_domain *d = guest_domain(m, domid, err);

	if (!d)
		return false;
	if (d->paused)
		return true;
	sched_accrue(m);
	d->paused = true;
	if (d->kernel && d->state == DOM_RUNNING)
		m->cfg.ops->pause(d->kernel);
	sched_update(m);
	return true;
}

bool machine_unpause(struct machine *m, uint32_t domid, GError **err)
{
	struct sim_domain *d = guest_domain(m, domid, err);

	if (!d)
		return false;
	if (d->state == DOM_CREATED) {
		sim_set_error(err, EINVAL, _("domain %u is not built"), domid);
		return false;
	}
	if (!d->paused) {
		sim_set_error(err, EINVAL, _("domain %u is not paused"), domid);
		return false;
	}
	sched_accrue(m);
	d->paused = false;
	if (d->state == DOM_BUILT)
		machine_start_kernel(d);
	else if (d->kernel && d->state == DOM_RUNNING) {
		m->cfg.ops->unpause(d->kernel);
		evtchn_deliver_pending(d);
	}
	sched_update(m);
	return true;
}

/* Any shutdown: the toolstack's or the guest's own. */
static void do_shutdown(struct sim_domain *d, unsigned int reason)
{
	struct machine *m = d->m;

	sched_accrue(m);
	d->state = DOM_SHUTDOWN;
	d->shutdown_reason = reason;
	if (reason != SHUTDOWN_suspend)
		machine_stop_kernel(d);
	sched_update(m);
	machine_dom_exc(m);
}

bool machine_shutdown(struct machine *m, uint32_t domid, unsigned int reason,
		      GError **err)
{
	struct sim_domain *d = guest_domain(m, domid, err);

	if (!d)
		return false;
	if (reason > SHUTDOWN_MAX) {
		sim_set_error(err, EINVAL, _("unknown shutdown reason %u"), reason);
		return false;
	}
	if (d->state == DOM_SHUTDOWN)
		return true;  /* the first reason stays, as in Xen */
	do_shutdown(d, reason);
	return true;
}

bool machine_resume(struct machine *m, uint32_t domid, GError **err)
{
	struct sim_domain *d = guest_domain(m, domid, err);

	if (!d)
		return false;
	if (d->state != DOM_SHUTDOWN || d->shutdown_reason != SHUTDOWN_suspend) {
		sim_set_error(err, EINVAL, _("domain %u is not suspended"), domid);
		return false;
	}
	sched_accrue(m);
	d->state = DOM_RUNNING;
	if (!d->kernel) {
		/* Saved (its kernel stopped): it runs again from its state. */
		machine_start_kernel(d);
	} else if (!d->paused) {
		m->cfg.ops->unpause(d->kernel);
		evtchn_deliver_pending(d);
	}
	sched_update(m);
	return true;
}

void machine_reap(struct machine *m, struct sim_domain *d)
{
	if (d->state != DOM_DYING || d->mappings || m->in_teardown)
		return;
	domain_free(d);
	machine_dom_exc(m);
}

bool machine_destroy(struct machine *m, uint32_t domid, GError **err)
{
	struct sim_domain *d = guest_domain(m, domid, err);

	if (!d)
		return false;
	sched_accrue(m);
	machine_stop_kernel(d);
	evtchn_close_all(d);
	d->state = DOM_DYING;
	/* Its memory goes now; the pages stay until they are unmapped. */
	m->used_pages -= d->tot_pages;
	d->tot_pages = 0;
	sched_update(m);
	machine_dom_exc(m);
	machine_reap(m, d);
	return true;
}

static void fill_info(struct sim_domain *d, struct hv_dominfo *info)
{
	memset(info, 0, sizeof(*info));
	info->domid = d->domid;
	memcpy(info->uuid, d->uuid, sizeof(info->uuid));
	info->type = d->type;
	if (d->type == HV_DOMAIN_HVM || d->type == HV_DOMAIN_PVH)
		info->flags |= HV_DOMINF_HVM;
	switch (d->state) {
	case DOM_DYING:
		info->flags |= HV_DOMINF_DYING;
		break;
	case DOM_SHUTDOWN:
		info->flags |= HV_DOMINF_SHUTDOWN;
		info->shutdown_reason = d->shutdown_reason;
		break;
	case DOM_RUNNING:
		if (!d->paused)
			info->flags |= d->busy || d->domid == 0 ? HV_DOMINF_RUNNING
								: HV_DOMINF_BLOCKED;
		break;
	default:
		break;
	}
	if (d->paused)
		info->flags |= HV_DOMINF_PAUSED;
	info->tot_pages = d->tot_pages;
	info->max_pages = d->max_pages;
	for (uint32_t v = 0; v < d->max_vcpus; v++) {
		info->cpu_time_ns += d->vcpus[v].cpu_time_ns;
		info->nr_online_vcpus += d->vcpus[v].online;
	}
	info->max_vcpu_id = d->max_vcpus - 1;
	info->ssidref = d->ssidref;
}

bool machine_getinfo(struct machine *m, uint32_t domid, struct hv_dominfo *info,
		     GError **err)
{
	struct sim_domain *d = machine_domain(m, domid, err);

	if (!d)
		return false;
	sched_accrue(m);
	fill_info(d, info);
	return true;
}

size_t machine_list(struct machine *m, uint32_t first, size_t max,
		    struct hv_dominfo *out)
{
	size_t n = 0;

	sched_accrue(m);
	for (uint32_t id = first; id < SIM_DOMID_LIMIT && n < max; id++)
		if (m->doms[id])
			fill_info(m->doms[id], &out[n++]);
	return n;
}
