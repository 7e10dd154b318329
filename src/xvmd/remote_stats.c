/* Statistics of running domains on the wire: block and interface I/O
 * counters, memory, block device sizes (src/driver/domain_stats.h). They
 * read xenstore, files and the hypervisor: workers. Read-only
 * connections may use them, as libvirt's.
 */
#include <glib/gi18n.h>

#include "domain_stats.h"
#include "remote.h"
#include "request.h"

#define RO RPC_PROC_READONLY_OK
#define CONN RPC_PROC_NEEDS_CONN
#define SLOW RPC_PROC_SLOW

static bool block_stats(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_block_stats_args *args = args_;
	remote_domain_block_stats_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	xvmDomainObj *obj = xvmd_domain_get(drv, &args->dom, err);
	xvmBlockStats st;
	bool ok;

	if (!obj)
		return false;
	ok = xvmDomainBlockStats(drv, obj, args->path, &st, err);
	xvmDomainObjEndAPI(&obj);
	if (!ok)
		return false;
	ret->rd_req = st.rd_req;
	ret->rd_bytes = st.rd_bytes;
	ret->wr_req = st.wr_req;
	ret->wr_bytes = st.wr_bytes;
	ret->errs = st.errs;
	return true;
}

/* libxl's LIBXL_NB_TOTAL_BLK_STAT_PARAM: what a count query answers. */
#define BLOCK_STATS_NPARAMS 6

static void put_llong(remote_typed_param *p, const char *field, long long v)
{
	p->field = g_strdup(field);
	p->value.type = VIR_TYPED_PARAM_LLONG;
	p->value.remote_typed_param_value_u.l = v;
}

/* As libxl: the counters known (-1 ones left out), at most nparams. */
static bool block_stats_flags(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_block_stats_flags_args *args = args_;
	remote_domain_block_stats_flags_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	xvmDomainObj *obj;
	xvmBlockStats st;
	struct { const char *field; long long v; } all[BLOCK_STATS_NPARAMS];
	remote_typed_param *params;
	int n = 0;
	bool ok;

	if (args->nparams < 0 || args->nparams > REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX) {
		xvmConfError(err, VIR_ERR_INTERNAL_ERROR, "%s", _("nparams too large"));
		return false;
	}
	if (!xvmd_check_flags(args->flags, VIR_TYPED_PARAM_STRING_OKAY,
			      "libxlDomainBlockStatsFlags", err))
		return false;
	if (!(obj = xvmd_domain_get(drv, &args->dom, err)))
		return false;
	if (args->nparams == 0) {
		ok = xvmDriverCheckActive(obj, err);
		xvmDomainObjEndAPI(&obj);
		ret->nparams = BLOCK_STATS_NPARAMS;
		return ok;
	}
	ok = xvmDomainBlockStats(drv, obj, args->path, &st, err);
	xvmDomainObjEndAPI(&obj);
	if (!ok)
		return false;
	all[0].field = VIR_DOMAIN_BLOCK_STATS_WRITE_BYTES, all[0].v = st.wr_bytes;
	all[1].field = VIR_DOMAIN_BLOCK_STATS_WRITE_REQ, all[1].v = st.wr_req;
	all[2].field = VIR_DOMAIN_BLOCK_STATS_READ_BYTES, all[2].v = st.rd_bytes;
	all[3].field = VIR_DOMAIN_BLOCK_STATS_READ_REQ, all[3].v = st.rd_req;
	all[4].field = VIR_DOMAIN_BLOCK_STATS_FLUSH_REQ, all[4].v = st.f_req;
	all[5].field = VIR_DOMAIN_BLOCK_STATS_ERRS, all[5].v = st.errs;
	params = g_new0(remote_typed_param, BLOCK_STATS_NPARAMS);
	for (int i = 0; i < BLOCK_STATS_NPARAMS && n < args->nparams; i++)
		if (all[i].v != -1)
			put_llong(&params[n++], all[i].field, all[i].v);
	ret->params.params_val = params;
	ret->params.params_len = (u_int)n;
	ret->nparams = n;
	return true;
}

static bool interface_stats(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_interface_stats_args *args = args_;
	remote_domain_interface_stats_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	xvmDomainObj *obj = xvmd_domain_get(drv, &args->dom, err);
	xvmInterfaceStats st;
	bool ok;

	if (!obj)
		return false;
	ok = xvmDomainInterfaceStats(drv, obj, args->path, &st, err);
	xvmDomainObjEndAPI(&obj);
	if (!ok)
		return false;
	ret->rx_bytes = st.rx_bytes;
	ret->rx_packets = st.rx_packets;
	ret->rx_errs = st.rx_errs;
	ret->rx_drop = st.rx_drop;
	ret->tx_bytes = st.tx_bytes;
	ret->tx_packets = st.tx_packets;
	ret->tx_errs = st.tx_errs;
	ret->tx_drop = st.tx_drop;
	return true;
}

static bool memory_stats(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_memory_stats_args *args = args_;
	remote_domain_memory_stats_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	g_autofree virDomainMemoryStatStruct *stats = NULL;
	xvmDomainObj *obj;
	int n;

	/* libvirtd's own check, before the driver sees the call. */
	if (args->maxStats > REMOTE_DOMAIN_MEMORY_STATS_MAX) {
		xvmConfError(err, VIR_ERR_INTERNAL_ERROR, "%s",
			     _("maxStats > REMOTE_DOMAIN_MEMORY_STATS_MAX"));
		return false;
	}
	if (!xvmd_check_flags(args->flags, 0, "libxlDomainMemoryStats", err))
		return false;
	if (!(obj = xvmd_domain_get(drv, &args->dom, err)))
		return false;
	stats = g_new0(virDomainMemoryStatStruct, MAX(args->maxStats, 1));
	n = xvmDomainMemoryStats(drv, obj, stats, args->maxStats, err);
	xvmDomainObjEndAPI(&obj);
	if (n < 0)
		return false;
	ret->stats.stats_len = (u_int)n;
	ret->stats.stats_val = g_new0(remote_domain_memory_stat, MAX(n, 1));
	for (int i = 0; i < n; i++) {
		ret->stats.stats_val[i].tag = stats[i].tag;
		ret->stats.stats_val[i].val = stats[i].val;
	}
	return true;
}

static bool get_block_info(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_domain_get_block_info_args *args = args_;
	remote_domain_get_block_info_ret *ret = ret_;
	xvmDriver *drv = rpc_request_data(call);
	virDomainBlockInfo info = { 0 };
	xvmDomainObj *obj;
	bool ok;

	if (!xvmd_check_flags(args->flags, 0, "virDomainGetBlockInfo", err))
		return false;
	if (!(obj = xvmd_domain_get(drv, &args->dom, err)))
		return false;
	ok = xvmDomainGetBlockInfo(drv, obj, args->path, &info, err);
	xvmDomainObjEndAPI(&obj);
	if (!ok)
		return false;
	ret->allocation = info.allocation;
	ret->capacity = info.capacity;
	ret->physical = info.physical;
	return true;
}

static const rpc_procedure stats_procs[] = {
	{ REMOTE_PROC_DOMAIN_BLOCK_STATS, "virDomainBlockStats",
	  RPC_XDR(remote_domain_block_stats_args), RPC_XDR(remote_domain_block_stats_ret),
	  block_stats, RO | CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_BLOCK_STATS_FLAGS, "virDomainBlockStatsFlags",
	  RPC_XDR(remote_domain_block_stats_flags_args),
	  RPC_XDR(remote_domain_block_stats_flags_ret), block_stats_flags, RO | CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_INTERFACE_STATS, "virDomainInterfaceStats",
	  RPC_XDR(remote_domain_interface_stats_args),
	  RPC_XDR(remote_domain_interface_stats_ret), interface_stats, RO | CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_MEMORY_STATS, "virDomainMemoryStats",
	  RPC_XDR(remote_domain_memory_stats_args), RPC_XDR(remote_domain_memory_stats_ret),
	  memory_stats, RO | CONN | SLOW },
	{ REMOTE_PROC_DOMAIN_GET_BLOCK_INFO, "virDomainGetBlockInfo",
	  RPC_XDR(remote_domain_get_block_info_args),
	  RPC_XDR(remote_domain_get_block_info_ret), get_block_info, RO | CONN | SLOW },
};

void xvmd_remote_stats_register(rpc_server *srv, xvmDriver *drv)
{
	rpc_server_add_procedures(srv, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
				  stats_procs, G_N_ELEMENTS(stats_procs), drv);
}
