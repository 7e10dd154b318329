/* Domains, apart from starting and stopping them: listing, lookups,
 * queries, definitions, autostart. The rules are the driver's
 * (domain_list.h, domain_define.h); this file maps the wire to them.
 *
 * Handlers run on workers (RPC_PROC_SLOW): they take object locks, and
 * undefine and autostart take the domain's job. Queries never wait for a
 * job, so they run on the priority workers with lookups; and since they
 * mostly answer from memory, they are tried on the loop first
 * (RPC_PROC_TRY_LOOP): there they only try-lock (xvmd_domain_get_for,
 * the list's Try functions) and defer to a worker whatever would wait
 * (a busy lock, the hypervisor, xenstore).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "domain_define.h"
#include "domain_schema.h"
#include "error.h"
#include "remote.h"
#include "request.h"
#include "xs_conn.h"

#define RO   RPC_PROC_READONLY_OK
#define CONN RPC_PROC_NEEDS_CONN
#define SLOW RPC_PROC_SLOW
#define PRIO (RPC_PROC_SLOW | RPC_PROC_PRIORITY)
#define LOOP (PRIO | RPC_PROC_TRY_LOOP)

/* Each handler's domain: looked up from its first argument, released
 * at the end of the handler. */
#define GET_DOMAIN(drv, ref, obj, err) \
	g_autoptr(xvmDomainObjLocked) obj = xvmd_domain_get_for(call, drv, ref, err); \
	if (!obj) \
		return false

/* An object returned locked by a lookup: unlocked and unreferenced when
 * it goes out of scope. */
typedef xvmDomainObj xvmDomainObjLocked;
static void end_api(xvmDomainObjLocked *obj)
{
	xvmDomainObjEndAPI(&obj);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainObjLocked, end_api)

static bool rpc_list_max(int n, const char *what, const char *api, GError **err)
{
	if (n < 0) {
		xvmConfError(err, VIR_ERR_INVALID_ARG,
			     _("%s in %s must be greater than or equal to zero"), what, api);
		return false;
	}
	if (n > REMOTE_DOMAIN_LIST_MAX) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_RPC,
			      _("%s > REMOTE_DOMAIN_LIST_MAX"), what);
		return false;
	}
	return true;
}

/* ---- listing ---------------------------------------------------------- */

static bool list_all_domains(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_connect_list_all_domains_args *args = args_;
	remote_connect_list_all_domains_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	gboolean busy = FALSE;
	g_autoptr(GArray) ids = NULL;
	g_autoptr(GPtrArray) doms =
		xvmDomainListExportFull(drv->domains, args->flags, &ids,
					rpc_request_on_loop(call) ? &busy : NULL, err);

	if (busy)
		return rpc_request_defer(call);
	if (!doms)
		return false;
	if (doms->len > REMOTE_DOMAIN_LIST_MAX) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_RPC,
			      _("Too many domains '%u' for limit '%d'"),
			      doms->len, REMOTE_DOMAIN_LIST_MAX);
		return false;
	}
	ret->ret = doms->len;
	if (!args->need_results)
		return true;
	ret->domains.domains_len = doms->len;
	ret->domains.domains_val = g_new0(remote_nonnull_domain, MAX(doms->len, 1));
	for (guint i = 0; i < doms->len; i++) {
		const xvmDomainObj *obj = g_ptr_array_index(doms, i);

		/* name and uuid are immutable; the domid as it was listed. */
		xvmd_domain_ref(&ret->domains.domains_val[i], obj->name, &obj->uuid,
				g_array_index(ids, int, i));
	}
	return true;
}

static bool num_of_domains(rpc_request *call, void *args, void *ret_, GError **err)
{
	remote_connect_num_of_domains_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);

	ret->num = xvmDomainListCount(drv->domains, TRUE);
	return true;
}

static bool num_of_defined_domains(rpc_request *call, void *args, void *ret_, GError **err)
{
	remote_connect_num_of_defined_domains_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);

	ret->num = xvmDomainListCount(drv->domains, FALSE);
	return true;
}

static bool list_domains(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_connect_list_domains_args *args = args_;
	remote_connect_list_domains_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	g_autoptr(GArray) ids = NULL;

	if (!rpc_list_max(args->maxids, "maxids", "virConnectListDomains", err))
		return false;
	ids = xvmDomainListGetActiveIDs(drv->domains, args->maxids);
	ret->ids.ids_len = ids->len;
	ret->ids.ids_val = g_new0(int, MAX(ids->len, 1));
	memcpy(ret->ids.ids_val, ids->data, ids->len * sizeof(int));
	return true;
}

static bool list_defined_domains(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_connect_list_defined_domains_args *args = args_;
	remote_connect_list_defined_domains_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	GStrv names;

	if (!rpc_list_max(args->maxnames, "maxnames", "virConnectListDefinedDomains", err))
		return false;
	names = xvmDomainListGetInactiveNames(drv->domains, args->maxnames);
	/* The vector's strings become the reply's; the vector itself goes. */
	ret->names.names_len = g_strv_length(names);
	ret->names.names_val = names;
	return true;
}

/* ---- lookups ------------------------------------------------------------ */

/* A lookup's object (or NULL with *err, or busy on the loop: deferred)
 * into the reply. */
static bool lookup_done(rpc_request *call, xvmDomainObj *obj, gboolean busy,
			remote_nonnull_domain *out)
{
	if (busy)
		return rpc_request_defer(call);
	if (!obj)
		return false;
	xvmd_domain_ref_obj(out, obj);
	xvmDomainObjEndAPI(&obj);
	return true;
}

static bool lookup_by_name(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_lookup_by_name_args *args = args_;
	remote_domain_lookup_by_name_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	gboolean busy = FALSE;
	xvmDomainObj *obj = rpc_request_on_loop(call) ?
		xvmDomainListTryFindByName(drv->domains, args->name, &busy, err) :
		xvmDomainListFindByName(drv->domains, args->name, err);

	return lookup_done(call, obj, busy, &ret->dom);
}

static bool lookup_by_uuid(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_lookup_by_uuid_args *args = args_;
	remote_domain_lookup_by_uuid_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	gboolean busy = FALSE;
	xvmUuid uuid;
	xvmDomainObj *obj;

	memcpy(&uuid, args->uuid, sizeof(uuid));
	obj = rpc_request_on_loop(call) ?
		xvmDomainListTryFindByUUID(drv->domains, &uuid, &busy, err) :
		xvmDomainListFindByUUID(drv->domains, &uuid, err);
	return lookup_done(call, obj, busy, &ret->dom);
}

static bool lookup_by_id(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_lookup_by_id_args *args = args_;
	remote_domain_lookup_by_id_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	gboolean busy = FALSE;
	xvmDomainObj *obj = rpc_request_on_loop(call) ?
		xvmDomainListTryFindByID(drv->domains, args->id, &busy, err) :
		xvmDomainListFindByID(drv->domains, args->id, err);

	return lookup_done(call, obj, busy, &ret->dom);
}

/* ---- queries ------------------------------------------------------------ */

/* What the hypervisor says of active domain domid. Call unlocked. */
static bool hv_info(xvmDriver *drv, int domid, const char *name, struct hv_dominfo *info,
		    GError **err)
{
	g_autoptr(GError) hv_err = NULL;
	hv_t *hv = xvmDriverHvAcquire(drv, err);
	bool ok;

	if (!hv)
		return false;
	ok = hv_domain_getinfo(hv, domid, info, &hv_err);
	xvmDriverHvRelease(drv, hv);
	if (!ok)
		xvmDriverHvError(err, g_steal_pointer(&hv_err), "get the information of", name);
	return ok;
}

/* As libxl: the definition's figures for an inactive domain, the
 * hypervisor's for a running one. */
static bool get_info(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_get_info_args *args = args_;
	remote_domain_get_info_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	GET_DOMAIN(drv, &args->dom, obj, err);
	const xvmDomainDef *def = xvmDomainObjGetDef(obj);
	int domid = obj->domid;
	struct hv_dominfo info;

	ret->state = xvmDomainObjGetState(obj, NULL);
	ret->nrVirtCpu = def->vcpus_current ? def->vcpus_current : def->vcpus;
	ret->maxMem = def->memory;
	ret->memory = def->current_memory ? def->current_memory : def->memory;
	if (domid < 0)
		return true;
	/* The hypervisor's figures: a hypercall, or a simhv round trip. */
	if (rpc_request_on_loop(call))
		return rpc_request_defer(call);
	xvmDomainObjUnlock(obj);
	if (!hv_info(drv, domid, obj->name, &info, err)) {
		xvmDomainObjLock(obj);
		return false;
	}
	xvmDomainObjLock(obj);
	ret->maxMem = info.max_pages * (HV_PAGE_SIZE / 1024);
	ret->memory = info.tot_pages * (HV_PAGE_SIZE / 1024);
	ret->cpuTime = info.cpu_time_ns;
	return true;
}

static bool get_state(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_get_state_args *args = args_;
	remote_domain_get_state_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);

	if (!xvmd_check_flags(args->flags, 0, "libxlDomainGetState", err))
		return false;
	GET_DOMAIN(drv, &args->dom, obj, err);
	ret->state = xvmDomainObjGetState(obj, &ret->reason);
	return true;
}

static bool get_os_type(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_get_os_type_args *args = args_;
	remote_domain_get_os_type_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	GET_DOMAIN(drv, &args->dom, obj, err);

	ret->type = g_strdup(xvmDomainOSTypeTypeToString(xvmDomainObjGetDef(obj)->os.type));
	return true;
}

static bool get_max_memory(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_get_max_memory_args *args = args_;
	remote_domain_get_max_memory_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	GET_DOMAIN(drv, &args->dom, obj, err);

	ret->memory = xvmDomainObjGetDef(obj)->memory;
	return true;
}

static bool is_active(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_is_active_args *args = args_;
	remote_domain_is_active_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	GET_DOMAIN(drv, &args->dom, obj, err);

	ret->active = xvmDomainObjIsActive(obj);
	return true;
}

static bool is_persistent(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_is_persistent_args *args = args_;
	remote_domain_is_persistent_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	GET_DOMAIN(drv, &args->dom, obj, err);

	ret->persistent = xvmDomainObjIsPersistent(obj);
	return true;
}

/* Updated: running, and its persistent config was changed since it
 * started (a define while it runs): the two inactive forms differ. */
static bool is_updated(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_is_updated_args *args = args_;
	remote_domain_is_updated_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	const unsigned int f = XVM_DOMAIN_XML_INACTIVE | XVM_DOMAIN_XML_SECURE;
	g_autofree char *live = NULL, *next = NULL;
	GET_DOMAIN(drv, &args->dom, obj, err);

	if (!xvmDomainObjIsActive(obj) || !xvmDomainObjIsPersistent(obj))
		return true;
	if (!(live = xvmDomainDefFormat(obj->live_def, f, err)) ||
	    !(next = xvmDomainDefFormat(obj->persistent_def, f, err)))
		return false;
	ret->updated = strcmp(live, next) != 0;
	return true;
}

static bool has_managed_save_image(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_has_managed_save_image_args *args = args_;
	remote_domain_has_managed_save_image_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);

	if (!xvmd_check_flags(args->flags, 0, "libxlDomainHasManagedSaveImage", err))
		return false;
	GET_DOMAIN(drv, &args->dom, obj, err);
	ret->result = obj->has_managed_save;
	return true;
}

/* Xen's credit scheduler: weight and cap. */
static bool get_scheduler_type(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_get_scheduler_type_args *args = args_;
	remote_domain_get_scheduler_type_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	GET_DOMAIN(drv, &args->dom, obj, err);

	ret->type = g_strdup("credit");
	ret->nparams = 2;
	return true;
}

static bool get_autostart(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_get_autostart_args *args = args_;
	remote_domain_get_autostart_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	GET_DOMAIN(drv, &args->dom, obj, err);

	ret->autostart = obj->autostart;
	return true;
}

/* ---- the XML ------------------------------------------------------------ */

/* Whether the live definition of obj (locked) still lacks the console's
 * pty, which fill_console_tty() looks for in xenstore. */
static bool console_tty_missing(const xvmDomainObj *obj)
{
	const xvmDomainDef *def = obj->live_def;

	return obj->domid > XVM_DOMID_HOST && def && def->consoles->len > 0 &&
	       !((xvmDomainChrDef *)g_ptr_array_index(def->consoles, 0))->tty;
}

/* The console's pty, as the console daemon publishes it in xenstore, into
 * the live definition of obj (locked; the lock is dropped meanwhile). A
 * console not published yet stays without one. */
static void fill_console_tty(xvmDriver *drv, xvmDomainObj *obj)
{
	xvmDomainDef *def = obj->live_def;
	int domid = obj->domid;
	g_autoptr(xvmXsConn) xs = NULL;
	g_autoptr(GError) xs_err = NULL;
	g_autofree char *path = NULL, *tty = NULL;
	xvmDomainChrDef *con;

	if (!console_tty_missing(obj))
		return;
	xvmDomainObjUnlock(obj);
	path = g_strdup_printf("/local/domain/%d/console/tty", domid);
	xs = xvmXsConnOpen(drv->cfg.xenstored_path, &xs_err);
	if (xs)
		tty = xvmXsRead(xs, path, &xs_err);
	xvmDomainObjLock(obj);
	if (xs_err)
		g_debug("xvmd: %s: %s", path, xs_err->message);
	/* The domain may have stopped or restarted meanwhile. */
	if (!tty || !*tty || obj->domid != domid || obj->live_def != def ||
	    def->consoles->len == 0)
		return;
	con = g_ptr_array_index(def->consoles, 0);
	if (!con->tty)
		con->tty = g_steal_pointer(&tty);
}

static bool get_xml_desc(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_get_xml_desc_args *args = args_;
	remote_domain_get_xml_desc_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	/* MIGRATABLE: what a migration's destination needs, which for these
	 * definitions is all of it. */
	const unsigned int known = VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE |
				   VIR_DOMAIN_XML_MIGRATABLE;
	const xvmDomainDef *def;

	if (!xvmd_check_flags(args->flags, known, "libxlDomainGetXMLDesc", err))
		return false;
	if ((args->flags & VIR_DOMAIN_XML_SECURE) && rpc_request_readonly(call)) {
		xvmConfError(err, VIR_ERR_OPERATION_DENIED, "%s",
			     _("virDomainGetXMLDesc with secure flag"));
		return false;
	}
	GET_DOMAIN(drv, &args->dom, obj, err);
	if ((args->flags & VIR_DOMAIN_XML_INACTIVE) && obj->persistent_def) {
		def = obj->persistent_def;
	} else {
		if (xvmDomainObjIsActive(obj) && console_tty_missing(obj)) {
			/* A xenstore read. */
			if (rpc_request_on_loop(call))
				return rpc_request_defer(call);
			fill_console_tty(drv, obj);
		}
		def = xvmDomainObjGetDef(obj);
	}
	ret->xml = xvmDomainDefFormat(def, args->flags & (VIR_DOMAIN_XML_SECURE |
							  VIR_DOMAIN_XML_INACTIVE), err);
	return ret->xml != NULL;
}

/* ---- definitions -------------------------------------------------------- */

static bool define(rpc_request *call, const char *xml, unsigned int flags,
		   remote_nonnull_domain *out, GError **err)
{
	xvmDriver *drv = rpc_request_data(call);
	g_autoptr(xvmDomainDef) def = NULL;
	gboolean replaced = FALSE;
	xvmDomainObj *obj;

	if (!xvmd_check_flags(flags, VIR_DOMAIN_DEFINE_VALIDATE, "libxlDomainDefineXMLFlags", err))
		return false;
	if (!(def = xvmDomainDefParseString(xml, -1, XVM_DOMAIN_PARSE_INACTIVE, err)))
		return false;
	if ((flags & VIR_DOMAIN_DEFINE_VALIDATE) && !xvmd_domain_schema_validate(xml, err))
		return false;
	/* (The parser refuses Domain-0's null uuid.) */
	if (g_str_equal(def->name, XVM_DOMAIN0_NAME)) {
		xvmConfError(err, VIR_ERR_OPERATION_INVALID,
			     _("domain '%s' is the host's: it cannot be defined"), def->name);
		return false;
	}
	if (!(obj = xvmDomainDefine(drv->domains, drv->store, &def, &replaced, err)))
		return false;
	xvmDriverEmitLifecycle(drv, obj, VIR_DOMAIN_EVENT_DEFINED,
			       replaced ? VIR_DOMAIN_EVENT_DEFINED_UPDATED
					: VIR_DOMAIN_EVENT_DEFINED_ADDED);
	xvmd_domain_ref_obj(out, obj);
	xvmDomainObjEndAPI(&obj);
	return true;
}

static bool define_xml(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_define_xml_args *args = args_;
	remote_domain_define_xml_ret *ret = ret_;

	return define(call, args->xml, 0, &ret->dom, err);
}

static bool define_xml_flags(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_define_xml_flags_args *args = args_;
	remote_domain_define_xml_flags_ret *ret = ret_;

	return define(call, args->xml, args->flags, &ret->dom, err);
}

/* With the job: the managed save image goes with the flag; without it,
 * its presence refuses the undefine (libxl's rules). */
static bool remove_managed_save(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags,
				GError **err)
{
	g_autofree char *path = NULL;

	if (!obj->has_managed_save)
		return true;
	if (!(flags & VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)) {
		xvmConfError(err, VIR_ERR_OPERATION_INVALID, "%s",
			     _("Refusing to undefine while domain managed save image exists"));
		return false;
	}
	path = xvmDomainConfigStoreManagedSavePath(drv->store, obj->name);
	if (unlink(path) < 0 && errno != ENOENT) {
		int e = errno;

		xvmConfError(err, VIR_ERR_SYSTEM_ERROR,
			     _("Failed to remove managed save file '%s': %s"), path,
			     g_strerror(e));
		return false;
	}
	xvmDomainObjSetManagedSave(obj, FALSE);
	return true;
}

static bool undefine(rpc_request *call, const remote_nonnull_domain *dom,
		     unsigned int flags, GError **err)
{
	xvmDriver *drv = rpc_request_data(call);
	/* No NVRAM store: the NVRAM flags have nothing to remove or keep. */
	const unsigned int known = VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
				   VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_KEEP_NVRAM;
	bool ok;

	if (!xvmd_check_flags(flags, known, "libxlDomainUndefineFlags", err))
		return false;
	GET_DOMAIN(drv, dom, obj, err);
	if (!xvmDriverBeginJob(obj, "undefine", err))
		return false;
	ok = xvmDriverCheckNotHost(obj, "undefine", err) &&
	     remove_managed_save(drv, obj, flags, err) &&
	     xvmDomainUndefine(drv->domains, drv->store, obj, err);
	if (ok)
		xvmDriverEmitLifecycle(drv, obj, VIR_DOMAIN_EVENT_UNDEFINED,
				       VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
	xvmDomainObjEndJob(obj);
	return ok;
}

static bool undefine_plain(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_undefine_args *args = args_;

	return undefine(call, &args->dom, 0, err);
}

static bool undefine_flags(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_undefine_flags_args *args = args_;

	return undefine(call, &args->dom, args->flags, err);
}

static bool set_autostart(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_set_autostart_args *args = args_;
	xvmDriver *drv = rpc_request_data(call);
	bool ok;
	GET_DOMAIN(drv, &args->dom, obj, err);

	if (!xvmDriverBeginJob(obj, "autostart", err))
		return false;
	ok = xvmDomainSetAutostart(drv->store, obj, args->autostart != 0, err);
	xvmDomainObjEndJob(obj);
	return ok;
}

static const rpc_procedure domain_procs[] = {
	{ REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, "virConnectListAllDomains",
	  RPC_XDR(remote_connect_list_all_domains_args),
	  RPC_XDR(remote_connect_list_all_domains_ret), list_all_domains, RO | CONN | LOOP },
	{ REMOTE_PROC_CONNECT_NUM_OF_DOMAINS, "virConnectNumOfDomains",
	  RPC_XDR_NONE, RPC_XDR(remote_connect_num_of_domains_ret), num_of_domains,
	  RO | CONN | PRIO },
	{ REMOTE_PROC_CONNECT_LIST_DOMAINS, "virConnectListDomains",
	  RPC_XDR(remote_connect_list_domains_args), RPC_XDR(remote_connect_list_domains_ret),
	  list_domains, RO | CONN | PRIO },
	{ REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS, "virConnectNumOfDefinedDomains",
	  RPC_XDR_NONE, RPC_XDR(remote_connect_num_of_defined_domains_ret),
	  num_of_defined_domains, RO | CONN | PRIO },
	{ REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, "virConnectListDefinedDomains",
	  RPC_XDR(remote_connect_list_defined_domains_args),
	  RPC_XDR(remote_connect_list_defined_domains_ret), list_defined_domains,
	  RO | CONN | PRIO },
	{ REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, "virDomainLookupByName",
	  RPC_XDR(remote_domain_lookup_by_name_args), RPC_XDR(remote_domain_lookup_by_name_ret),
	  lookup_by_name, RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID, "virDomainLookupByUUID",
	  RPC_XDR(remote_domain_lookup_by_uuid_args), RPC_XDR(remote_domain_lookup_by_uuid_ret),
	  lookup_by_uuid, RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_LOOKUP_BY_ID, "virDomainLookupByID",
	  RPC_XDR(remote_domain_lookup_by_id_args), RPC_XDR(remote_domain_lookup_by_id_ret),
	  lookup_by_id, RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_GET_INFO, "virDomainGetInfo",
	  RPC_XDR(remote_domain_get_info_args), RPC_XDR(remote_domain_get_info_ret),
	  get_info, RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_GET_STATE, "virDomainGetState",
	  RPC_XDR(remote_domain_get_state_args), RPC_XDR(remote_domain_get_state_ret),
	  get_state, RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_GET_OS_TYPE, "virDomainGetOSType",
	  RPC_XDR(remote_domain_get_os_type_args), RPC_XDR(remote_domain_get_os_type_ret),
	  get_os_type, RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_GET_MAX_MEMORY, "virDomainGetMaxMemory",
	  RPC_XDR(remote_domain_get_max_memory_args), RPC_XDR(remote_domain_get_max_memory_ret),
	  get_max_memory, RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_IS_ACTIVE, "virDomainIsActive",
	  RPC_XDR(remote_domain_is_active_args), RPC_XDR(remote_domain_is_active_ret),
	  is_active, RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_IS_PERSISTENT, "virDomainIsPersistent",
	  RPC_XDR(remote_domain_is_persistent_args), RPC_XDR(remote_domain_is_persistent_ret),
	  is_persistent, RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_IS_UPDATED, "virDomainIsUpdated",
	  RPC_XDR(remote_domain_is_updated_args), RPC_XDR(remote_domain_is_updated_ret),
	  is_updated, RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE, "virDomainHasManagedSaveImage",
	  RPC_XDR(remote_domain_has_managed_save_image_args),
	  RPC_XDR(remote_domain_has_managed_save_image_ret), has_managed_save_image,
	  RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_GET_SCHEDULER_TYPE, "virDomainGetSchedulerType",
	  RPC_XDR(remote_domain_get_scheduler_type_args),
	  RPC_XDR(remote_domain_get_scheduler_type_ret), get_scheduler_type,
	  RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_GET_AUTOSTART, "virDomainGetAutostart",
	  RPC_XDR(remote_domain_get_autostart_args), RPC_XDR(remote_domain_get_autostart_ret),
	  get_autostart, RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_GET_XML_DESC, "virDomainGetXMLDesc",
	  RPC_XDR(remote_domain_get_xml_desc_args), RPC_XDR(remote_domain_get_xml_desc_ret),
	  get_xml_desc, RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_DEFINE_XML, "virDomainDefineXML",
	  RPC_XDR(remote_domain_define_xml_args), RPC_XDR(remote_domain_define_xml_ret),
	  define_xml, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS, "virDomainDefineXMLFlags",
	  RPC_XDR(remote_domain_define_xml_flags_args),
	  RPC_XDR(remote_domain_define_xml_flags_ret), define_xml_flags, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_UNDEFINE, "virDomainUndefine",
	  RPC_XDR(remote_domain_undefine_args), RPC_XDR_NONE, undefine_plain, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS, "virDomainUndefineFlags",
	  RPC_XDR(remote_domain_undefine_flags_args), RPC_XDR_NONE, undefine_flags,
	  CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_SET_AUTOSTART, "virDomainSetAutostart",
	  RPC_XDR(remote_domain_set_autostart_args), RPC_XDR_NONE, set_autostart,
	  CONN | SLOW },
};

void xvmd_remote_domain_register(rpc_server *srv, xvmDriver *drv)
{
	rpc_server_add_procedures(srv, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
				  domain_procs, G_N_ELEMENTS(domain_procs), drv);
}
