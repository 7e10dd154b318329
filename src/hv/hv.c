/* hv.h's entry points: hv_open() picks the backend, every call goes to
 * it. */
#include <errno.h>
#include <glib/gi18n.h>
#include <unistd.h>

#include "hv_backend.h"

G_DEFINE_QUARK(xvm-hv-error-quark, hv_error)

hv_t *hv_open(const char *spec, GError **err)
{
	if (!spec) {
		const char *sock = g_getenv("XVM_SIMHV_SOCKET");

		if (access("/dev/xen/privcmd", F_OK) == 0)
			spec = "xen";
		else if (sock && *sock)
			return hv_sim_open(sock, err);
		else {
			g_set_error(err, HV_ERROR, ENOENT,
				    _("no hypervisor: /dev/xen/privcmd is absent and "
				      "XVM_SIMHV_SOCKET is unset"));
			return NULL;
		}
	}
	if (g_str_has_prefix(spec, "sim:") && spec[4])
		return hv_sim_open(spec + 4, err);
	if (g_str_equal(spec, "xen")) {
#ifdef HAVE_HV_XEN
		return hv_xen_open(err);
#else
		g_set_error(err, HV_ERROR, ENOSYS,
			    _("xvm was built without Xen support (libxen-dev's "
			      "xencontrol, xenguest, xenevtchn and xenstore libraries "
			      "were not found)"));
		return NULL;
#endif
	}
	g_set_error(err, HV_ERROR, EINVAL,
		    _("unknown hypervisor \"%s\" (\"xen\" or \"sim:PATH\")"), spec);
	return NULL;
}

void hv_close(hv_t *hv)
{
	if (hv)
		hv->ops->close(hv);
}

const char *hv_backend_name(const hv_t *hv)
{
	return hv->ops->name;
}

bool hv_physinfo(hv_t *hv, struct hv_physinfo *info, GError **err)
{
	return hv->ops->physinfo(hv, info, err);
}

bool hv_version(hv_t *hv, struct hv_version *v, GError **err)
{
	return hv->ops->version(hv, v, err);
}

bool hv_domain_create(hv_t *hv, const struct hv_create_config *cfg,
		      uint32_t *domid, GError **err)
{
	return hv->ops->create(hv, cfg, domid, err);
}

bool hv_domain_set_max_mem(hv_t *hv, uint32_t domid, uint64_t max_kib, GError **err)
{
	return hv->ops->set_max_mem(hv, domid, max_kib, err);
}

bool hv_domain_build(hv_t *hv, uint32_t domid, const struct hv_build_config *cfg,
		     struct hv_build_result *res, GError **err)
{
	return hv->ops->build(hv, domid, cfg, res, err);
}

bool hv_domain_pause(hv_t *hv, uint32_t domid, GError **err)
{
	return hv->ops->pause(hv, domid, err);
}

bool hv_domain_unpause(hv_t *hv, uint32_t domid, GError **err)
{
	return hv->ops->unpause(hv, domid, err);
}

bool hv_domain_shutdown(hv_t *hv, uint32_t domid, unsigned int reason, GError **err)
{
	return hv->ops->shutdown(hv, domid, reason, err);
}

bool hv_domain_resume(hv_t *hv, uint32_t domid, GError **err)
{
	return hv->ops->resume(hv, domid, err);
}

bool hv_domain_destroy(hv_t *hv, uint32_t domid, GError **err)
{
	return hv->ops->destroy(hv, domid, err);
}

bool hv_domain_getinfo(hv_t *hv, uint32_t domid, struct hv_dominfo *info, GError **err)
{
	return hv->ops->getinfo(hv, domid, info, err);
}

bool hv_domain_list(hv_t *hv, struct hv_dominfo **list, size_t *n, GError **err)
{
	return hv->ops->list(hv, list, n, err);
}

bool hv_vcpu_getinfo(hv_t *hv, uint32_t domid, uint32_t vcpu,
		     struct hv_vcpuinfo *info, GError **err)
{
	return hv->ops->vcpu_getinfo(hv, domid, vcpu, info, err);
}

bool hv_vcpu_set_affinity(hv_t *hv, uint32_t domid, uint32_t vcpu,
			  const uint8_t *cpumap, size_t maplen, GError **err)
{
	return hv->ops->set_affinity(hv, domid, vcpu, cpumap, maplen, err);
}

bool hv_vcpu_get_affinity(hv_t *hv, uint32_t domid, uint32_t vcpu,
			  uint8_t *cpumap, size_t maplen, GError **err)
{
	return hv->ops->get_affinity(hv, domid, vcpu, cpumap, maplen, err);
}

bool hv_sched_credit_get(hv_t *hv, uint32_t domid, struct hv_sched_credit *sc,
			 GError **err)
{
	return hv->ops->sched_get(hv, domid, sc, err);
}

bool hv_sched_credit_set(hv_t *hv, uint32_t domid, const struct hv_sched_credit *sc,
			 GError **err)
{
	return hv->ops->sched_set(hv, domid, sc, err);
}

bool hv_evtchn_alloc_unbound(hv_t *hv, uint32_t domid, uint32_t remote_domid,
			     uint32_t *port, GError **err)
{
	return hv->ops->alloc_unbound(hv, domid, remote_domid, port, err);
}

bool hv_domain_save(hv_t *hv, uint32_t domid, int fd, GError **err)
{
	return hv->ops->save(hv, domid, fd, err);
}

bool hv_domain_restore(hv_t *hv, uint32_t domid, int fd, uint32_t store_domid,
		       uint32_t console_domid, struct hv_build_result *res,
		       GError **err)
{
	return hv->ops->restore(hv, domid, fd, store_domid, console_domid, res, err);
}

int hv_dom_exc_fd(hv_t *hv)
{
	return hv->ops->dom_exc_fd(hv);
}

void hv_dom_exc_ack(hv_t *hv)
{
	hv->ops->dom_exc_ack(hv);
}
