/* Starting, stopping and pausing domains: the driver's lifecycle
 * operations (domain_lifecycle.h) on the wire. They block (hypercalls,
 * backends, the guest) and run on workers; destroy on the priority
 * workers, so that killing a domain never waits behind starts. Each
 * operation checks its own flags and takes the domain's job.
 */
#include "domain_lifecycle.h"
#include "remote.h"
#include "request.h"

#define CONN RPC_PROC_NEEDS_CONN
#define SLOW RPC_PROC_SLOW
#define PRIO (RPC_PROC_SLOW | RPC_PROC_PRIORITY)

typedef gboolean (*flags_op)(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags,
			     GError **err);
typedef gboolean (*plain_op)(xvmDriver *drv, xvmDomainObj *obj, GError **err);

/* Looks the domain up, runs op, gives the domain's new reference in out
 * (may be NULL). */
static bool run_flags_op(rpc_request *call, const remote_nonnull_domain *dom,
			 flags_op op, unsigned int flags, remote_nonnull_domain *out,
			 GError **err)
{
	xvmDriver *drv = rpc_request_data(call);
	xvmDomainObj *obj = xvmd_domain_get(drv, dom, err);
	bool ok;

	if (!obj)
		return false;
	ok = op(drv, obj, flags, err);
	if (ok && out)
		xvmd_domain_ref_obj(out, obj);
	xvmDomainObjEndAPI(&obj);
	return ok;
}

static bool run_plain_op(rpc_request *call, const remote_nonnull_domain *dom,
			 plain_op op, GError **err)
{
	xvmDriver *drv = rpc_request_data(call);
	xvmDomainObj *obj = xvmd_domain_get(drv, dom, err);
	bool ok;

	if (!obj)
		return false;
	ok = op(drv, obj, err);
	xvmDomainObjEndAPI(&obj);
	return ok;
}

static bool create(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_create_args *args = args_;

	return run_flags_op(call, &args->dom, xvmDomainStart, 0, NULL, err);
}

static bool create_with_flags(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_create_with_flags_args *args = args_;
	remote_domain_create_with_flags_ret *ret = ret_;

	return run_flags_op(call, &args->dom, xvmDomainStart, args->flags, &ret->dom, err);
}

static bool create_xml(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_create_xml_args *args = args_;
	remote_domain_create_xml_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	xvmDomainObj *obj = xvmDomainCreateXML(drv, args->xml_desc, args->flags, err);

	if (!obj)
		return false;
	xvmd_domain_ref_obj(&ret->dom, obj);
	xvmDomainObjEndAPI(&obj);
	return true;
}

static bool destroy(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_destroy_args *args = args_;

	return run_flags_op(call, &args->dom, xvmDomainDestroy, 0, NULL, err);
}

static bool destroy_flags(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_destroy_flags_args *args = args_;

	return run_flags_op(call, &args->dom, xvmDomainDestroy, args->flags, NULL, err);
}

static bool shutdown_plain(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_shutdown_args *args = args_;

	return run_flags_op(call, &args->dom, xvmDomainShutdown, 0, NULL, err);
}

static bool shutdown_flags(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_shutdown_flags_args *args = args_;

	return run_flags_op(call, &args->dom, xvmDomainShutdown, args->flags, NULL, err);
}

static bool reboot(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_reboot_args *args = args_;

	return run_flags_op(call, &args->dom, xvmDomainReboot, args->flags, NULL, err);
}

static bool suspend(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_suspend_args *args = args_;

	return run_plain_op(call, &args->dom, xvmDomainSuspend, err);
}

static bool resume(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_resume_args *args = args_;

	return run_plain_op(call, &args->dom, xvmDomainResume, err);
}

static const rpc_procedure lifecycle_procs[] = {
	{ REMOTE_PROC_DOMAIN_CREATE, "virDomainCreate",
	  RPC_XDR(remote_domain_create_args), RPC_XDR_NONE, create, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS, "virDomainCreateWithFlags",
	  RPC_XDR(remote_domain_create_with_flags_args),
	  RPC_XDR(remote_domain_create_with_flags_ret), create_with_flags, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_CREATE_XML, "virDomainCreateXML",
	  RPC_XDR(remote_domain_create_xml_args), RPC_XDR(remote_domain_create_xml_ret),
	  create_xml, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_DESTROY, "virDomainDestroy",
	  RPC_XDR(remote_domain_destroy_args), RPC_XDR_NONE, destroy, CONN | PRIO },
	{ REMOTE_PROC_DOMAIN_DESTROY_FLAGS, "virDomainDestroyFlags",
	  RPC_XDR(remote_domain_destroy_flags_args), RPC_XDR_NONE, destroy_flags,
	  CONN | PRIO },
	{ REMOTE_PROC_DOMAIN_SHUTDOWN, "virDomainShutdown",
	  RPC_XDR(remote_domain_shutdown_args), RPC_XDR_NONE, shutdown_plain, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS, "virDomainShutdownFlags",
	  RPC_XDR(remote_domain_shutdown_flags_args), RPC_XDR_NONE, shutdown_flags,
	  CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_REBOOT, "virDomainReboot",
	  RPC_XDR(remote_domain_reboot_args), RPC_XDR_NONE, reboot, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_SUSPEND, "virDomainSuspend",
	  RPC_XDR(remote_domain_suspend_args), RPC_XDR_NONE, suspend, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_RESUME, "virDomainResume",
	  RPC_XDR(remote_domain_resume_args), RPC_XDR_NONE, resume, CONN | SLOW },
};

void xvmd_remote_lifecycle_register(rpc_server *srv, xvmDriver *drv)
{
	rpc_server_add_procedures(srv, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
				  lifecycle_procs, G_N_ELEMENTS(lifecycle_procs), drv);
}
