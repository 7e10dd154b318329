/* Helpers of the REMOTE procedure tables; see remote.h. */
#include <string.h>
#include <glib/gi18n.h>

#include "remote.h"
#include "request.h"

void xvmd_domain_ref(remote_nonnull_domain *out, const char *name,
		     const xvmUuid *uuid, int id)
{
	out->name = g_strdup(name);
	G_STATIC_ASSERT(sizeof(out->uuid) == sizeof(*uuid));
	memcpy(out->uuid, uuid, sizeof(out->uuid));
	out->id = id;
}

void xvmd_domain_ref_obj(remote_nonnull_domain *out, const xvmDomainObj *obj)
{
	xvmd_domain_ref(out, obj->name, &obj->uuid, obj->domid);
}

static xvmDomainObj *domain_get(xvmDriver *drv, const remote_nonnull_domain *dom,
				gboolean *busy, GError **err)
{
	xvmUuid uuid;
	xvmDomainObj *obj;

	memcpy(&uuid, dom->uuid, sizeof(uuid));
	obj = busy ? xvmDomainListTryFindByUUID(drv->domains, &uuid, busy, NULL)
		   : xvmDomainListFindByUUID(drv->domains, &uuid, NULL);
	if (!obj && !(busy && *busy)) {
		char buf[XVM_UUID_STRING_BUFLEN];

		xvmUuidFormat(&uuid, buf);
		/* libvirt's libxlDomObjFromDomain */
		xvmConfError(err, VIR_ERR_NO_DOMAIN,
			     _("no domain with matching uuid '%s' (%s)"),
			     buf, dom->name);
	}
	return obj;
}

xvmDomainObj *xvmd_domain_get(xvmDriver *drv, const remote_nonnull_domain *dom,
			      GError **err)
{
	return domain_get(drv, dom, NULL, err);
}

xvmDomainObj *xvmd_domain_get_for(rpc_request *call, xvmDriver *drv,
				  const remote_nonnull_domain *dom, GError **err)
{
	gboolean busy = FALSE;
	xvmDomainObj *obj;

	if (!rpc_request_on_loop(call))
		return domain_get(drv, dom, NULL, err);
	obj = domain_get(drv, dom, &busy, err);
	if (busy)
		rpc_request_defer(call);
	return obj;
}

bool xvmd_check_flags(unsigned int flags, unsigned int known, const char *api,
		      GError **err)
{
	if (flags & ~known) {
		xvmConfError(err, VIR_ERR_INVALID_ARG,
			     _("unsupported flags (0x%x) in function %s"),
			     flags & ~known, api);
		return false;
	}
	return true;
}
