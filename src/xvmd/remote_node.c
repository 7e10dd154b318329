/* The host's procedures: node information and memory, the capabilities
 * documents, sysinfo, and the conversion of native (xl/xm) configs. The
 * figures come from hv_physinfo()/hv_version() on a handle lent by the
 * driver; the documents from src/conf's builders.
 *
 * The hypervisor interface reports no per-node memory, so the host is one
 * NUMA cell holding every CPU and all memory, in the capabilities (no
 * cells given: src/conf makes up cell 0) and in the free-memory figures
 * alike.
 */
#include <string.h>
#include <glib/gi18n.h>

#include "capabilities.h"
#include "domain_capabilities.h"
#include "error.h"
#include "remote.h"
#include "request.h"
#include "sysinfo.h"
#include "xen_native.h"

#define RO   RPC_PROC_READONLY_OK
#define CONN RPC_PROC_NEEDS_CONN
#define SLOW RPC_PROC_SLOW

/* The host's figures and the hypervisor's version (v may be NULL). */
static bool host_info(xvmDriver *drv, struct hv_physinfo *pi, struct hv_version *v,
		      GError **err)
{
	g_autoptr(GError) hv_err = NULL;
	hv_t *hv = xvmDriverHvAcquire(drv, err);
	bool ok;

	if (!hv)
		return false;
	ok = hv_physinfo(hv, pi, &hv_err) && (!v || hv_version(hv, v, &hv_err));
	xvmDriverHvRelease(drv, hv);
	if (!ok)
		xvmConfError(err, VIR_ERR_INTERNAL_ERROR,
			     _("cannot get the host's information from the hypervisor: %s"),
			     hv_err->message);
	return ok;
}

static bool has_word(const char *list, const char *word)
{
	g_auto(GStrv) words = g_strsplit(list, " ", -1);

	return g_strv_contains((const char *const *)words, word);
}

/* The capabilities' description of the host. Guests as libxl derives
 * them from Xen's capability words: xen-3.0-x86_64 (64-bit PV),
 * xen-3.0-x86_32p (32-bit PAE PV), hvm-3.0-x86_64 (HVM, when the CPUs
 * have hardware virtualisation). PVH runs in an HVM container; hv.h says
 * nothing finer about paging, so HAP goes with HVM. */
static void phys_to_caps(const struct hv_physinfo *pi, const struct hv_version *v,
			 xvmPhysInfo *out)
{
	bool hvm = pi->hvm_capable && has_word(v->capabilities, "hvm-3.0-x86_64");

	*out = (xvmPhysInfo){
		.arch = "x86_64",
		.sockets = MAX(pi->nr_nodes, 1) * MAX(pi->sockets_per_node, 1),
		.cores_per_socket = pi->cores_per_socket,
		.threads_per_core = pi->threads_per_core,
		.nr_cpus = pi->nr_cpus,
		.total_kib = pi->total_pages * (HV_PAGE_SIZE / 1024),
		.free_kib = pi->free_pages * (HV_PAGE_SIZE / 1024),
		.pv = has_word(v->capabilities, "xen-3.0-x86_64"),
		.pv32 = has_word(v->capabilities, "xen-3.0-x86_32p"),
		.hvm = hvm,
		.hap = hvm,
		.pvh = hvm,
	};
}

static bool node_get_info(rpc_request *call, void *args, void *ret_, GError **err)
{
	remote_node_get_info_ret *ret = ret_;
	struct hv_physinfo pi;

	if (!host_info(rpc_request_data(call), &pi, NULL, err))
		return false;
	/* libvirt's model is the architecture's name. */
	g_strlcpy(ret->model, "x86_64", sizeof(ret->model));
	ret->memory = pi.total_pages * (HV_PAGE_SIZE / 1024);
	ret->cpus = pi.nr_cpus;
	ret->mhz = pi.cpu_khz / 1000;
	ret->nodes = pi.nr_nodes;
	ret->sockets = pi.sockets_per_node;
	ret->cores = pi.cores_per_socket;
	ret->threads = pi.threads_per_core;
	return true;
}

static bool get_capabilities(rpc_request *call, void *args, void *ret_, GError **err)
{
	remote_connect_get_capabilities_ret *ret = ret_;
	struct hv_physinfo pi;
	struct hv_version v;
	xvmPhysInfo caps;

	if (!host_info(rpc_request_data(call), &pi, &v, err))
		return false;
	phys_to_caps(&pi, &v, &caps);
	ret->capabilities = xvmCapabilitiesFormat(&caps, err);
	return ret->capabilities != NULL;
}

/* Whether the host runs guests of machine on arch (libxl looks the pair
 * up in its capabilities first). Pairs the builder does not know are its
 * to refuse. */
static bool host_runs(const xvmPhysInfo *caps, const char *arch, const char *machine,
		      GError **err)
{
	bool x86_64 = g_str_equal(arch, "x86_64"), i686 = g_str_equal(arch, "i686");
	bool ok = true;

	if (g_str_equal(machine, "xenpv"))
		ok = (x86_64 && caps->pv) || (i686 && caps->pv32) || (!x86_64 && !i686);
	else if (g_str_equal(machine, "xenpvh"))
		ok = caps->pvh || !x86_64;
	else if (g_str_equal(machine, "xenfv"))
		ok = caps->hvm || (!x86_64 && !i686);
	if (!ok)
		xvmConfError(err, VIR_ERR_INVALID_ARG,
			     _("could not find capabilities for arch=%s domaintype=xen machine=%s"),
			     arch, machine);
	return ok;
}

static bool get_domain_capabilities(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_connect_get_domain_capabilities_args *args = args_;
	remote_connect_get_domain_capabilities_ret *ret = ret_;
	const char *arch = args->arch ? *args->arch : NULL;
	const char *machine = args->machine ? *args->machine : NULL;
	struct hv_physinfo pi;
	struct hv_version v;
	xvmPhysInfo caps;

	if (!xvmd_check_flags(args->flags, 0, "libxlConnectGetDomainCapabilities", err) ||
	    !host_info(rpc_request_data(call), &pi, &v, err))
		return false;
	phys_to_caps(&pi, &v, &caps);
	if (!host_runs(&caps, arch ? arch : "x86_64", machine ? machine : "xenpv", err))
		return false;
	ret->capabilities = xvmDomainCapabilitiesFormat(
		args->emulatorbin ? *args->emulatorbin : NULL, arch, machine,
		args->virttype ? *args->virttype : NULL, NULL, err);
	return ret->capabilities != NULL;
}

static bool get_max_vcpus(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_connect_get_max_vcpus_args *args = args_;
	remote_connect_get_max_vcpus_ret *ret = ret_;
	struct hv_physinfo pi;

	if (args->type && g_ascii_strcasecmp(*args->type, "xen") != 0) {
		xvmConfError(err, VIR_ERR_INVALID_ARG, _("unknown type '%s'"), *args->type);
		return false;
	}
	/* libxl's answer: what the host has (libxl_get_max_cpus). */
	if (!host_info(rpc_request_data(call), &pi, NULL, err))
		return false;
	ret->max_vcpus = pi.nr_cpus;
	return true;
}

static bool node_get_free_memory(rpc_request *call, void *args, void *ret_, GError **err)
{
	remote_node_get_free_memory_ret *ret = ret_;
	struct hv_physinfo pi;

	if (!host_info(rpc_request_data(call), &pi, NULL, err))
		return false;
	ret->freeMem = pi.free_pages * HV_PAGE_SIZE;
	return true;
}

/* One cell: see the top of the file. */
static bool node_get_cells_free_memory(rpc_request *call, void *args_, void *ret_,
				       GError **err)
{
	remote_node_get_cells_free_memory_args *args = args_;
	remote_node_get_cells_free_memory_ret *ret = ret_;
	const int ncells = 1;
	struct hv_physinfo pi;
	int n;

	if (args->maxcells < 0 || args->maxcells > REMOTE_NODE_MAX_CELLS) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_RPC,
			      _("maxCells > REMOTE_NODE_MAX_CELLS"));
		return false;
	}
	if (args->startCell < 0 || args->startCell >= ncells) {
		xvmConfError(err, VIR_ERR_INVALID_ARG, _("start cell %d out of range (0-%d)"),
			     args->startCell, ncells - 1);
		return false;
	}
	if (!host_info(rpc_request_data(call), &pi, NULL, err))
		return false;
	n = MIN(args->maxcells, ncells - args->startCell);
	ret->cells.cells_len = n;
	ret->cells.cells_val = g_new0(uint64_t, MAX(n, 1));
	if (n > 0)
		ret->cells.cells_val[0] = pi.free_pages * HV_PAGE_SIZE;
	return true;
}

/* Total and free memory, in KiB, of the host or of its only cell. */
static bool node_get_memory_stats(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_node_get_memory_stats_args *args = args_;
	remote_node_get_memory_stats_ret *ret = ret_;
	const int nstats = 2;
	struct hv_physinfo pi;
	int n;

	if (!xvmd_check_flags(args->flags, 0, "libxlNodeGetMemoryStats", err))
		return false;
	if (args->nparams < 0 || args->nparams > REMOTE_NODE_MEMORY_STATS_MAX) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_RPC,
			      _("nparams too large"));
		return false;
	}
	if (args->cellNum != VIR_NODE_MEMORY_STATS_ALL_CELLS && args->cellNum != 0) {
		xvmConfError(err, VIR_ERR_INVALID_ARG, _("Invalid cell number %d"),
			     args->cellNum);
		return false;
	}
	if (args->nparams == 0) {
		ret->nparams = nstats;
		return true;
	}
	if (!host_info(rpc_request_data(call), &pi, NULL, err))
		return false;
	n = MIN(args->nparams, nstats);
	ret->params.params_len = n;
	ret->params.params_val = g_new0(remote_node_get_memory_stats, n);
	ret->params.params_val[0].field = g_strdup(VIR_NODE_MEMORY_STATS_TOTAL);
	ret->params.params_val[0].value = pi.total_pages * (HV_PAGE_SIZE / 1024);
	if (n > 1) {
		ret->params.params_val[1].field = g_strdup(VIR_NODE_MEMORY_STATS_FREE);
		ret->params.params_val[1].value = pi.free_pages * (HV_PAGE_SIZE / 1024);
	}
	ret->nparams = n;
	return true;
}

static bool get_sysinfo(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_connect_get_sysinfo_args *args = args_;
	remote_connect_get_sysinfo_ret *ret = ret_;

	if (!xvmd_check_flags(args->flags, 0, "libxlConnectGetSysinfo", err))
		return false;
	ret->sysinfo = xvmd_sysinfo_format(XVMD_SYSINFO_DMI_DIR);
	return true;
}

static bool xml_from_native(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_connect_domain_xml_from_native_args *args = args_;
	remote_connect_domain_xml_from_native_ret *ret = ret_;

	if (!xvmd_check_flags(args->flags, 0, "libxlConnectDomainXMLFromNative", err))
		return false;
	ret->domainXml = xvmDomainXMLFromNative(args->nativeFormat, args->nativeConfig, err);
	return ret->domainXml != NULL;
}

static bool xml_to_native(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_connect_domain_xml_to_native_args *args = args_;
	remote_connect_domain_xml_to_native_ret *ret = ret_;

	if (!xvmd_check_flags(args->flags, 0, "libxlConnectDomainXMLToNative", err))
		return false;
	ret->nativeConfig = xvmDomainXMLToNative(args->nativeFormat, args->domainXml, err);
	return ret->nativeConfig != NULL;
}

static const rpc_procedure node_procs[] = {
	{ REMOTE_PROC_NODE_GET_INFO, "virNodeGetInfo",
	  RPC_XDR_NONE, RPC_XDR(remote_node_get_info_ret), node_get_info,
	  RO | CONN | SLOW },
	{ REMOTE_PROC_CONNECT_GET_CAPABILITIES, "virConnectGetCapabilities",
	  RPC_XDR_NONE, RPC_XDR(remote_connect_get_capabilities_ret), get_capabilities,
	  RO | CONN | SLOW },
	{ REMOTE_PROC_CONNECT_GET_DOMAIN_CAPABILITIES, "virConnectGetDomainCapabilities",
	  RPC_XDR(remote_connect_get_domain_capabilities_args),
	  RPC_XDR(remote_connect_get_domain_capabilities_ret), get_domain_capabilities,
	  RO | CONN | SLOW },
	{ REMOTE_PROC_CONNECT_GET_MAX_VCPUS, "virConnectGetMaxVcpus",
	  RPC_XDR(remote_connect_get_max_vcpus_args), RPC_XDR(remote_connect_get_max_vcpus_ret),
	  get_max_vcpus, RO | CONN | SLOW },
	{ REMOTE_PROC_NODE_GET_FREE_MEMORY, "virNodeGetFreeMemory",
	  RPC_XDR_NONE, RPC_XDR(remote_node_get_free_memory_ret), node_get_free_memory,
	  RO | CONN | SLOW },
	{ REMOTE_PROC_NODE_GET_CELLS_FREE_MEMORY, "virNodeGetCellsFreeMemory",
	  RPC_XDR(remote_node_get_cells_free_memory_args),
	  RPC_XDR(remote_node_get_cells_free_memory_ret), node_get_cells_free_memory,
	  RO | CONN | SLOW },
	{ REMOTE_PROC_NODE_GET_MEMORY_STATS, "virNodeGetMemoryStats",
	  RPC_XDR(remote_node_get_memory_stats_args),
	  RPC_XDR(remote_node_get_memory_stats_ret), node_get_memory_stats,
	  RO | CONN | SLOW },
	{ REMOTE_PROC_CONNECT_GET_SYSINFO, "virConnectGetSysinfo",
	  RPC_XDR(remote_connect_get_sysinfo_args), RPC_XDR(remote_connect_get_sysinfo_ret),
	  get_sysinfo, RO | CONN | SLOW },      /* reads files */
	{ REMOTE_PROC_CONNECT_DOMAIN_XML_FROM_NATIVE, "virConnectDomainXMLFromNative",
	  RPC_XDR(remote_connect_domain_xml_from_native_args),
	  RPC_XDR(remote_connect_domain_xml_from_native_ret), xml_from_native,
	  RO | CONN | SLOW },                   /* parsing up to 4 MiB */
	{ REMOTE_PROC_CONNECT_DOMAIN_XML_TO_NATIVE, "virConnectDomainXMLToNative",
	  RPC_XDR(remote_connect_domain_xml_to_native_args),
	  RPC_XDR(remote_connect_domain_xml_to_native_ret), xml_to_native,
	  RO | CONN | SLOW },
};

void xvmd_remote_node_register(rpc_server *srv, xvmDriver *drv)
{
	rpc_server_add_procedures(srv, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
				  node_procs, G_N_ELEMENTS(node_procs), drv);
}
