/* Saving and restoring domains: the driver's save operations
 * (domain_save.h) on the wire, with libvirt's procedure numbers and
 * layouts. They block (the guest suspends, the image is written or read,
 * backends connect) and run on workers; reading an image's XML is quick
 * and runs with the queries.
 */
#include <glib/gi18n.h>

#include "domain_save.h"
#include "remote.h"
#include "request.h"

#define RO   RPC_PROC_READONLY_OK
#define CONN RPC_PROC_NEEDS_CONN
#define SLOW RPC_PROC_SLOW
#define PRIO (RPC_PROC_SLOW | RPC_PROC_PRIORITY)

typedef gboolean (*obj_op)(xvmDriver *drv, xvmDomainObj *obj, const char *path,
			   const char *dxml, unsigned int flags, GError **err);

static bool on_domain(rpc_request *call, const remote_nonnull_domain *dom, obj_op op,
		      const char *path, const char *dxml, unsigned int flags, GError **err)
{
	xvmDriver *drv = rpc_request_data(call);
	xvmDomainObj *obj = xvmd_domain_get(drv, dom, err);
	bool ok;

	if (!obj)
		return false;
	ok = op(drv, obj, path, dxml, flags, err);
	xvmDomainObjEndAPI(&obj);
	return ok;
}

static gboolean managed_save_op(xvmDriver *drv, xvmDomainObj *obj, const char *path,
				const char *dxml, unsigned int flags, GError **err)
{
	return xvmDomainManagedSave(drv, obj, flags, err);
}

static gboolean managed_save_remove_op(xvmDriver *drv, xvmDomainObj *obj, const char *path,
				       const char *dxml, unsigned int flags, GError **err)
{
	return xvmDomainManagedSaveRemove(drv, obj, flags, err);
}

static bool save(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_save_args *args = args_;

	return on_domain(call, &args->dom, xvmDomainSave, args->to, NULL, 0, err);
}

static bool save_flags(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_save_flags_args *args = args_;

	return on_domain(call, &args->dom, xvmDomainSave, args->to,
			 args->dxml ? *args->dxml : NULL, args->flags, err);
}

static bool managed_save(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_managed_save_args *args = args_;

	return on_domain(call, &args->dom, managed_save_op, NULL, NULL, args->flags, err);
}

static bool managed_save_remove(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_managed_save_remove_args *args = args_;

	return on_domain(call, &args->dom, managed_save_remove_op, NULL, NULL, args->flags,
			 err);
}

static bool restore(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_restore_args *args = args_;

	return xvmDomainRestore(rpc_request_data(call), args->from, NULL, 0, err);
}

static bool restore_flags(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_restore_flags_args *args = args_;

	return xvmDomainRestore(rpc_request_data(call), args->from,
				args->dxml ? *args->dxml : NULL, args->flags, err);
}

static bool image_get_xml_desc(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_save_image_get_xml_desc_args *args = args_;
	remote_domain_save_image_get_xml_desc_ret *ret = ret_;

	if ((args->flags & VIR_DOMAIN_SAVE_IMAGE_XML_SECURE) && rpc_request_readonly(call)) {
		xvmConfError(err, VIR_ERR_OPERATION_DENIED, "%s",
			     _("virDomainSaveImageGetXMLDesc with secure flag"));
		return false;
	}
	ret->xml = xvmDomainSaveImageGetXMLDesc(rpc_request_data(call), args->file,
						args->flags, err);
	return ret->xml != NULL;
}

static bool image_define_xml(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_save_image_define_xml_args *args = args_;

	return xvmDomainSaveImageDefineXML(rpc_request_data(call), args->file, args->dxml,
					   args->flags, err);
}

static const rpc_procedure save_procs[] = {
	{ REMOTE_PROC_DOMAIN_SAVE, "virDomainSave",
	  RPC_XDR(remote_domain_save_args), RPC_XDR_NONE, save, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_SAVE_FLAGS, "virDomainSaveFlags",
	  RPC_XDR(remote_domain_save_flags_args), RPC_XDR_NONE, save_flags, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_RESTORE, "virDomainRestore",
	  RPC_XDR(remote_domain_restore_args), RPC_XDR_NONE, restore, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_RESTORE_FLAGS, "virDomainRestoreFlags",
	  RPC_XDR(remote_domain_restore_flags_args), RPC_XDR_NONE, restore_flags, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_MANAGED_SAVE, "virDomainManagedSave",
	  RPC_XDR(remote_domain_managed_save_args), RPC_XDR_NONE, managed_save, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_MANAGED_SAVE_REMOVE, "virDomainManagedSaveRemove",
	  RPC_XDR(remote_domain_managed_save_remove_args), RPC_XDR_NONE, managed_save_remove,
	  CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_SAVE_IMAGE_GET_XML_DESC, "virDomainSaveImageGetXMLDesc",
	  RPC_XDR(remote_domain_save_image_get_xml_desc_args),
	  RPC_XDR(remote_domain_save_image_get_xml_desc_ret), image_get_xml_desc,
	  RO | CONN | PRIO },
	{ REMOTE_PROC_DOMAIN_SAVE_IMAGE_DEFINE_XML, "virDomainSaveImageDefineXML",
	  RPC_XDR(remote_domain_save_image_define_xml_args), RPC_XDR_NONE, image_define_xml,
	  CONN | PRIO },
};

void xvmd_remote_save_register(rpc_server *srv, xvmDriver *drv)
{
	rpc_server_add_procedures(srv, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
				  save_procs, G_N_ELEMENTS(save_procs), drv);
}
