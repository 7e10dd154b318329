/* Attaching, detaching and updating a domain's devices: the driver's
 * domain_hotplug.h on the wire. The legacy virDomainAttachDevice and
 * virDomainDetachDevice are the flags variants with
 * VIR_DOMAIN_AFFECT_LIVE, as in libvirt's libxl driver. They block
 * (xenstore handshakes with the backends and the guest): workers only.
 */
#include "domain_hotplug.h"
#include "remote.h"
#include "request.h"

#define CONN RPC_PROC_NEEDS_CONN
#define SLOW RPC_PROC_SLOW

typedef gboolean (*device_op)(xvmDriver *drv, xvmDomainObj *obj, const char *xml,
			      unsigned int flags, GError **err);

static bool run_device_op(rpc_request *call, const remote_nonnull_domain *dom,
			  const char *xml, unsigned int flags, device_op op, GError **err)
{
	xvmDriver *drv = rpc_request_data(call);
	xvmDomainObj *obj = xvmd_domain_get(drv, dom, err);
	bool ok;

	if (!obj)
		return false;
	ok = op(drv, obj, xml, flags, err);
	xvmDomainObjEndAPI(&obj);
	return ok;
}

static bool attach_device(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_attach_device_args *args = args_;

	return run_device_op(call, &args->dom, args->xml, VIR_DOMAIN_AFFECT_LIVE,
			     xvmDomainAttachDevice, err);
}

static bool attach_device_flags(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_attach_device_flags_args *args = args_;

	return run_device_op(call, &args->dom, args->xml, args->flags, xvmDomainAttachDevice,
			     err);
}

static bool detach_device(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_detach_device_args *args = args_;

	return run_device_op(call, &args->dom, args->xml, VIR_DOMAIN_AFFECT_LIVE,
			     xvmDomainDetachDevice, err);
}

static bool detach_device_flags(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_detach_device_flags_args *args = args_;

	return run_device_op(call, &args->dom, args->xml, args->flags, xvmDomainDetachDevice,
			     err);
}

static bool update_device_flags(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_update_device_flags_args *args = args_;

	return run_device_op(call, &args->dom, args->xml, args->flags, xvmDomainUpdateDevice,
			     err);
}

static const rpc_procedure hotplug_procs[] = {
	{ REMOTE_PROC_DOMAIN_ATTACH_DEVICE, "virDomainAttachDevice",
	  RPC_XDR(remote_domain_attach_device_args), RPC_XDR_NONE, attach_device,
	  CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_ATTACH_DEVICE_FLAGS, "virDomainAttachDeviceFlags",
	  RPC_XDR(remote_domain_attach_device_flags_args), RPC_XDR_NONE,
	  attach_device_flags, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_DETACH_DEVICE, "virDomainDetachDevice",
	  RPC_XDR(remote_domain_detach_device_args), RPC_XDR_NONE, detach_device,
	  CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_DETACH_DEVICE_FLAGS, "virDomainDetachDeviceFlags",
	  RPC_XDR(remote_domain_detach_device_flags_args), RPC_XDR_NONE,
	  detach_device_flags, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_UPDATE_DEVICE_FLAGS, "virDomainUpdateDeviceFlags",
	  RPC_XDR(remote_domain_update_device_flags_args), RPC_XDR_NONE,
	  update_device_flags, CONN | SLOW },
};

void xvmd_remote_hotplug_register(rpc_server *srv, xvmDriver *drv)
{
	rpc_server_add_procedures(srv, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
				  hotplug_procs, G_N_ELEMENTS(hotplug_procs), drv);
}
