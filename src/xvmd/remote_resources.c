/* A domain's vCPUs, memory and credit-scheduler parameters on the wire:
 * the driver's domain_resources.h, with the argument checks libvirt's
 * daemon makes before its driver sees a call (REMOTE_*_MAX bounds, the
 * public API's, the typed parameters' names and types).
 *
 * The older procedures are the flags ones with libxl's flags: SetVcpus,
 * SetMemory and PinVcpu change the running domain (LIVE), SetMaxMemory
 * is MAXIMUM of the current definition, GetMaxVcpus the live maximum,
 * Get/SetSchedulerParameters are flags 0 (CURRENT).
 *
 * Changes take the domain's job (worker threads, RPC_PROC_SLOW); the
 * queries run on the priority workers with the other queries, the vCPU
 * counts (from memory) tried on the loop first (RPC_PROC_TRY_LOOP).
 */
#include <glib/gi18n.h>
#include <string.h>

#include "domain_resources.h"
#include "error.h"
#include "remote.h"
#include "request.h"

#define RO   RPC_PROC_READONLY_OK
#define CONN RPC_PROC_NEEDS_CONN
#define SLOW RPC_PROC_SLOW
#define PRIO (RPC_PROC_SLOW | RPC_PROC_PRIORITY)
#define LOOP (PRIO | RPC_PROC_TRY_LOOP)

/* libvirt's VIR_TYPED_PARAM_FIELD_LENGTH: a field name is shorter. */
#define TYPED_PARAM_FIELD_LENGTH 80

/* The domain of a call, locked and referenced until the scope ends. */
typedef xvmDomainObj xvmResObj;
static void res_end_api(xvmResObj *obj)
{
	xvmDomainObjEndAPI(&obj);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmResObj, res_end_api)

#define GET_DOMAIN(drv, ref, obj, err) \
	g_autoptr(xvmResObj) obj = xvmd_domain_get(drv, ref, err); \
	if (!obj) \
		return false

/* For the queries answered from memory, tried on the loop first: a busy
 * lock defers them to a worker (xvmd_domain_get_for). */
#define GET_DOMAIN_FOR(call, drv, ref, obj, err) \
	g_autoptr(xvmResObj) obj = xvmd_domain_get_for(call, drv, ref, err); \
	if (!obj) \
		return false

static bool positive(int n, const char *what, const char *api, GError **err)
{
	if (n > 0)
		return true;
	xvmConfError(err, VIR_ERR_INVALID_ARG, _("%s in %s must be greater than zero"), what,
		     api);
	return false;
}

/* ---- the host's CPUs ---------------------------------------------------- */

/* virNodeGetCPUMap, which virsh vcpuinfo and vcpupin and python's
 * virDomain.vcpus() ask first (libxl has none: virsh falls back to the
 * node information, python fails). Every CPU the hypervisor reports is
 * online. */
static bool node_get_cpu_map(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_node_get_cpu_map_args *args = args_;
	remote_node_get_cpu_map_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	g_autoptr(GError) hv_err = NULL;
	struct hv_physinfo phys;
	hv_t *hv;
	bool ok;

	if (!xvmd_check_flags(args->flags, 0, "virNodeGetCPUMap", err) ||
	    !(hv = xvmDriverHvAcquire(drv, err)))
		return false;
	ok = hv_physinfo(hv, &phys, &hv_err);
	xvmDriverHvRelease(drv, hv);
	if (!ok) {
		xvmConfError(err, VIR_ERR_INTERNAL_ERROR, _("cannot read the host's CPUs: %s"),
			     hv_err->message);
		return false;
	}
	if (phys.nr_cpus > REMOTE_CPUMAP_MAX * 8) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_RPC, "%s", _("cpumap > REMOTE_CPUMAP_MAX"));
		return false;
	}
	ret->ret = (int)phys.nr_cpus;
	ret->online = phys.nr_cpus;
	if (args->need_map) {
		u_int len = (phys.nr_cpus + 7) / 8;

		ret->cpumap.cpumap_len = len;
		ret->cpumap.cpumap_val = g_malloc0(MAX(len, 1));
		for (guint c = 0; c < phys.nr_cpus; c++)
			ret->cpumap.cpumap_val[c / 8] |= (char)(1u << (c % 8));
	}
	return true;
}

/* ---- vCPUs -------------------------------------------------------------- */

static bool set_vcpus_common(rpc_request *call, const remote_nonnull_domain *dom,
			     unsigned int nvcpus, unsigned int flags, GError **err)
{
	xvmDriver *drv = rpc_request_data(call);
	GET_DOMAIN(drv, dom, obj, err);

	return xvmDomainSetVcpus(drv, obj, nvcpus, flags, err);
}

static bool set_vcpus(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_set_vcpus_args *args = args_;

	return set_vcpus_common(call, &args->dom, args->nvcpus, VIR_DOMAIN_VCPU_LIVE, err);
}

static bool set_vcpus_flags(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_set_vcpus_flags_args *args = args_;

	return set_vcpus_common(call, &args->dom, args->nvcpus, args->flags, err);
}

static bool get_vcpus_flags(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_get_vcpus_flags_args *args = args_;
	remote_domain_get_vcpus_flags_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	GET_DOMAIN_FOR(call, drv, &args->dom, obj, err);

	ret->num = xvmDomainGetVcpuCount(drv, obj, args->flags, err);
	return ret->num >= 0;
}

static bool get_max_vcpus(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_get_max_vcpus_args *args = args_;
	remote_domain_get_max_vcpus_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	GET_DOMAIN_FOR(call, drv, &args->dom, obj, err);

	ret->num = xvmDomainGetVcpuCount(drv, obj, VIR_DOMAIN_VCPU_LIVE | VIR_DOMAIN_VCPU_MAXIMUM,
					 err);
	return ret->num >= 0;
}

/* maps maps of maplen bytes within REMOTE_CPUMAPS_MAX. */
static bool cpumaps_fit(int maps, int maplen, const char *what, GError **err)
{
	if (maps > REMOTE_VCPUINFO_MAX) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_RPC, _("%s > REMOTE_VCPUINFO_MAX"), what);
		return false;
	}
	if (maplen < 0 || (gint64)maps * maplen > REMOTE_CPUMAPS_MAX) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_RPC, "%s",
			      _("maxinfo * maplen > REMOTE_CPUMAPS_MAX"));
		return false;
	}
	return true;
}

static bool get_vcpus(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_get_vcpus_args *args = args_;
	remote_domain_get_vcpus_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	g_autofree xvmVcpuInfo *info = NULL;
	g_autofree guint8 *cpumaps = NULL;
	gsize maps_len;
	int n;

	if (!positive(args->maxinfo, "maxinfo", "virDomainGetVcpus", err) ||
	    !cpumaps_fit(args->maxinfo, args->maplen, "maxinfo", err))
		return false;
	GET_DOMAIN(drv, &args->dom, obj, err);
	maps_len = (gsize)args->maxinfo * (gsize)args->maplen;
	info = g_new0(xvmVcpuInfo, args->maxinfo);
	cpumaps = g_malloc0(MAX(maps_len, 1));
	n = xvmDomainGetVcpuInfo(drv, obj, info, args->maxinfo,
				 args->maplen > 0 ? cpumaps : NULL, args->maplen, err);
	if (n < 0)
		return false;
	ret->info.info_len = (u_int)n;
	ret->info.info_val = g_new0(remote_vcpu_info, MAX(n, 1));
	for (int i = 0; i < n; i++) {
		ret->info.info_val[i].number = info[i].number;
		ret->info.info_val[i].state = info[i].state;
		ret->info.info_val[i].cpu_time = info[i].cpu_time_ns;
		ret->info.info_val[i].cpu = info[i].cpu;
	}
	/* As libvirtd: every map asked for, zeroed past the vCPUs. */
	ret->cpumaps.cpumaps_len = (u_int)maps_len;
	ret->cpumaps.cpumaps_val = (char *)g_steal_pointer(&cpumaps);
	return true;
}

static bool pin_vcpu_common(rpc_request *call, const remote_nonnull_domain *dom,
			    unsigned int vcpu, const char *map, u_int maplen,
			    unsigned int flags, GError **err)
{
	xvmDriver *drv = rpc_request_data(call);

	if (!positive((int)maplen, "maplen", "virDomainPinVcpuFlags", err))
		return false;
	GET_DOMAIN(drv, dom, obj, err);
	return xvmDomainPinVcpu(drv, obj, vcpu, (const guint8 *)map, maplen, flags, err);
}

static bool pin_vcpu(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_pin_vcpu_args *args = args_;

	return pin_vcpu_common(call, &args->dom, args->vcpu, args->cpumap.cpumap_val,
			       args->cpumap.cpumap_len, VIR_DOMAIN_AFFECT_LIVE, err);
}

static bool pin_vcpu_flags(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_pin_vcpu_flags_args *args = args_;

	return pin_vcpu_common(call, &args->dom, args->vcpu, args->cpumap.cpumap_val,
			       args->cpumap.cpumap_len, args->flags, err);
}

static bool get_vcpu_pin_info(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_get_vcpu_pin_info_args *args = args_;
	remote_domain_get_vcpu_pin_info_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	g_autofree guint8 *cpumaps = NULL;
	gsize maps_len;
	int n;

	if (!positive(args->ncpumaps, "ncpumaps", "virDomainGetVcpuPinInfo", err) ||
	    !positive(args->maplen, "maplen", "virDomainGetVcpuPinInfo", err) ||
	    !cpumaps_fit(args->ncpumaps, args->maplen, "ncpumaps", err))
		return false;
	GET_DOMAIN(drv, &args->dom, obj, err);
	maps_len = (gsize)args->ncpumaps * (gsize)args->maplen;
	cpumaps = g_malloc0(maps_len);
	n = xvmDomainGetVcpuPinInfo(drv, obj, args->ncpumaps, cpumaps, args->maplen,
				    args->flags, err);
	if (n < 0)
		return false;
	ret->num = n;
	ret->cpumaps.cpumaps_len = (u_int)maps_len;
	ret->cpumaps.cpumaps_val = (char *)g_steal_pointer(&cpumaps);
	return true;
}

/* ---- memory ------------------------------------------------------------- */

static bool set_memory_common(rpc_request *call, const remote_nonnull_domain *dom,
			      guint64 kib, unsigned int flags, GError **err)
{
	xvmDriver *drv = rpc_request_data(call);
	GET_DOMAIN(drv, dom, obj, err);

	return xvmDomainSetMemory(drv, obj, kib, flags, err);
}

static bool set_memory(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_set_memory_args *args = args_;

	return set_memory_common(call, &args->dom, args->memory, VIR_DOMAIN_MEM_LIVE, err);
}

static bool set_max_memory(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_set_max_memory_args *args = args_;

	return set_memory_common(call, &args->dom, args->memory, VIR_DOMAIN_MEM_MAXIMUM, err);
}

static bool set_memory_flags(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_set_memory_flags_args *args = args_;

	return set_memory_common(call, &args->dom, args->memory, args->flags, err);
}

/* ---- the credit scheduler ----------------------------------------------- */

static void put_uint(remote_typed_param *p, const char *field, unsigned int v)
{
	p->field = g_strdup(field);
	p->value.type = VIR_TYPED_PARAM_UINT;
	p->value.remote_typed_param_value_u.ui = v;
}

static bool get_sched_common(rpc_request *call, const remote_nonnull_domain *dom,
			     int nparams, unsigned int flags, remote_typed_param **out,
			     u_int *out_len, GError **err)
{
	xvmDriver *drv = rpc_request_data(call);
	xvmSchedCredit sc;
	remote_typed_param *params;
	u_int n = 0;

	if (nparams > REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_RPC, "%s", _("nparams too large"));
		return false;
	}
	if (!positive(nparams, "nparams", "virDomainGetSchedulerParametersFlags", err))
		return false;
	GET_DOMAIN(drv, dom, obj, err);
	if (!xvmDomainGetSchedCredit(drv, obj, flags, &sc, err))
		return false;
	/* As libxl: weight first, then cap, as many as asked for. */
	params = g_new0(remote_typed_param, 2);
	if (sc.has_weight && n < (u_int)nparams)
		put_uint(&params[n++], VIR_DOMAIN_SCHEDULER_WEIGHT, sc.weight);
	if (sc.has_cap && n < (u_int)nparams)
		put_uint(&params[n++], VIR_DOMAIN_SCHEDULER_CAP, sc.cap);
	*out = params;
	*out_len = n;
	return true;
}

static bool get_sched_params(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_get_scheduler_parameters_args *args = args_;
	remote_domain_get_scheduler_parameters_ret *ret = ret_;

	return get_sched_common(call, &args->dom, args->nparams, 0, &ret->params.params_val,
				&ret->params.params_len, err);
}

static bool get_sched_params_flags(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_get_scheduler_parameters_flags_args *args = args_;
	remote_domain_get_scheduler_parameters_flags_ret *ret = ret_;

	return get_sched_common(call, &args->dom, args->nparams, args->flags,
				&ret->params.params_val, &ret->params.params_len, err);
}

static const char *type_name(int type)
{
	switch (type) {
	case VIR_TYPED_PARAM_INT: return "int";
	case VIR_TYPED_PARAM_UINT: return "uint";
	case VIR_TYPED_PARAM_LLONG: return "llong";
	case VIR_TYPED_PARAM_ULLONG: return "ullong";
	case VIR_TYPED_PARAM_DOUBLE: return "double";
	case VIR_TYPED_PARAM_BOOLEAN: return "boolean";
	case VIR_TYPED_PARAM_STRING: return "string";
	default: return "unknown";
	}
}

/* The parameters as libvirt's virTypedParamsValidate checks them against
 * weight (uint) and cap (uint). */
static bool parse_sched_params(const remote_typed_param *params, u_int n, xvmSchedCredit *sc,
			       GError **err)
{
	memset(sc, 0, sizeof(*sc));
	for (u_int i = 0; i < n; i++) {
		const remote_typed_param *p = &params[i];
		gboolean *has;
		guint *value;

		if (strlen(p->field) >= TYPED_PARAM_FIELD_LENGTH) {
			xvmConfError(err, VIR_ERR_INTERNAL_ERROR,
				     _("Parameter %s too big for destination"), p->field);
			return false;
		}
		if (g_str_equal(p->field, VIR_DOMAIN_SCHEDULER_WEIGHT)) {
			has = &sc->has_weight;
			value = &sc->weight;
		} else if (g_str_equal(p->field, VIR_DOMAIN_SCHEDULER_CAP)) {
			has = &sc->has_cap;
			value = &sc->cap;
		} else {
			xvmConfError(err, VIR_ERR_ARGUMENT_UNSUPPORTED,
				     _("parameter '%s' not supported"), p->field);
			return false;
		}
		if (p->value.type != VIR_TYPED_PARAM_UINT) {
			xvmConfError(err, VIR_ERR_INVALID_ARG,
				     _("invalid type '%s' for parameter '%s', expected '%s'"),
				     type_name(p->value.type), p->field, "uint");
			return false;
		}
		if (*has) {
			xvmConfError(err, VIR_ERR_INVALID_ARG,
				     _("parameter '%s' occurs multiple times"), p->field);
			return false;
		}
		*has = TRUE;
		*value = p->value.remote_typed_param_value_u.ui;
	}
	return true;
}

static bool set_sched_common(rpc_request *call, const remote_nonnull_domain *dom,
			     const remote_typed_param *params, u_int n, unsigned int flags,
			     GError **err)
{
	xvmDriver *drv = rpc_request_data(call);
	xvmSchedCredit sc;

	if (!parse_sched_params(params, n, &sc, err))
		return false;
	GET_DOMAIN(drv, dom, obj, err);
	return xvmDomainSetSchedCredit(drv, obj, &sc, flags, err);
}

static bool set_sched_params(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_set_scheduler_parameters_args *args = args_;

	return set_sched_common(call, &args->dom, args->params.params_val,
				args->params.params_len, 0, err);
}

static bool set_sched_params_flags(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_set_scheduler_parameters_flags_args *args = args_;

	return set_sched_common(call, &args->dom, args->params.params_val,
				args->params.params_len, args->flags, err);
}

static const rpc_procedure resource_procs[] = {
	{ REMOTE_PROC_NODE_GET_CPU_MAP, "virNodeGetCPUMap",
	  RPC_XDR(remote_node_get_cpu_map_args), RPC_XDR(remote_node_get_cpu_map_ret),
	  node_get_cpu_map, RO | CONN | PRIO },
	{ REMOTE_PROC_DOMAIN_SET_VCPUS, "virDomainSetVcpus",
	  RPC_XDR(remote_domain_set_vcpus_args), RPC_XDR_NONE, set_vcpus, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_SET_VCPUS_FLAGS, "virDomainSetVcpusFlags",
	  RPC_XDR(remote_domain_set_vcpus_flags_args), RPC_XDR_NONE, set_vcpus_flags,
	  CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_GET_VCPUS_FLAGS, "virDomainGetVcpusFlags",
	  RPC_XDR(remote_domain_get_vcpus_flags_args), RPC_XDR(remote_domain_get_vcpus_flags_ret),
	  get_vcpus_flags, RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_GET_MAX_VCPUS, "virDomainGetMaxVcpus",
	  RPC_XDR(remote_domain_get_max_vcpus_args), RPC_XDR(remote_domain_get_max_vcpus_ret),
	  get_max_vcpus, RO | CONN | LOOP },
	{ REMOTE_PROC_DOMAIN_GET_VCPUS, "virDomainGetVcpus",
	  RPC_XDR(remote_domain_get_vcpus_args), RPC_XDR(remote_domain_get_vcpus_ret),
	  get_vcpus, RO | CONN | PRIO },
	{ REMOTE_PROC_DOMAIN_PIN_VCPU, "virDomainPinVcpu",
	  RPC_XDR(remote_domain_pin_vcpu_args), RPC_XDR_NONE, pin_vcpu, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_PIN_VCPU_FLAGS, "virDomainPinVcpuFlags",
	  RPC_XDR(remote_domain_pin_vcpu_flags_args), RPC_XDR_NONE, pin_vcpu_flags,
	  CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_GET_VCPU_PIN_INFO, "virDomainGetVcpuPinInfo",
	  RPC_XDR(remote_domain_get_vcpu_pin_info_args),
	  RPC_XDR(remote_domain_get_vcpu_pin_info_ret), get_vcpu_pin_info, RO | CONN | PRIO },
	{ REMOTE_PROC_DOMAIN_SET_MEMORY, "virDomainSetMemory",
	  RPC_XDR(remote_domain_set_memory_args), RPC_XDR_NONE, set_memory, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_SET_MAX_MEMORY, "virDomainSetMaxMemory",
	  RPC_XDR(remote_domain_set_max_memory_args), RPC_XDR_NONE, set_max_memory,
	  CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_SET_MEMORY_FLAGS, "virDomainSetMemoryFlags",
	  RPC_XDR(remote_domain_set_memory_flags_args), RPC_XDR_NONE, set_memory_flags,
	  CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_GET_SCHEDULER_PARAMETERS, "virDomainGetSchedulerParameters",
	  RPC_XDR(remote_domain_get_scheduler_parameters_args),
	  RPC_XDR(remote_domain_get_scheduler_parameters_ret), get_sched_params,
	  RO | CONN | PRIO },
	{ REMOTE_PROC_DOMAIN_GET_SCHEDULER_PARAMETERS_FLAGS,
	  "virDomainGetSchedulerParametersFlags",
	  RPC_XDR(remote_domain_get_scheduler_parameters_flags_args),
	  RPC_XDR(remote_domain_get_scheduler_parameters_flags_ret), get_sched_params_flags,
	  RO | CONN | PRIO },
	{ REMOTE_PROC_DOMAIN_SET_SCHEDULER_PARAMETERS, "virDomainSetSchedulerParameters",
	  RPC_XDR(remote_domain_set_scheduler_parameters_args), RPC_XDR_NONE,
	  set_sched_params, CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS,
	  "virDomainSetSchedulerParametersFlags",
	  RPC_XDR(remote_domain_set_scheduler_parameters_flags_args), RPC_XDR_NONE,
	  set_sched_params_flags, CONN | SLOW },
};

void xvmd_remote_resources_register(rpc_server *srv, xvmDriver *drv)
{
	rpc_server_add_procedures(srv, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
				  resource_procs, G_N_ELEMENTS(resource_procs), drv);
}
