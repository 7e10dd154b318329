/* The hypervisor behind the connection procedures; see host.h.
 *
 * hv_t is not thread-safe and the procedures run on worker threads (a
 * hypercall or a round trip to xvm-simhv may block): calls on it are
 * serialised by lock. */
#include <glib/gi18n.h>

#include "error.h"
#include "host.h"

struct xvmd_host {
	hv_t *hv;
	GMutex lock;
};

xvmd_host *xvmd_host_new(hv_t *hv)
{
	xvmd_host *host = g_new0(xvmd_host, 1);

	host->hv = hv;
	g_mutex_init(&host->lock);
	return host;
}

void xvmd_host_free(xvmd_host *host)
{
	if (!host)
		return;
	hv_close(host->hv);
	g_mutex_clear(&host->lock);
	g_free(host);
}

uint64_t xvmd_host_version_number(const struct hv_version *v)
{
	uint64_t micro = 0;

	if (v->extra[0] == '.' && g_ascii_isdigit(v->extra[1]))
		micro = g_ascii_strtoull(v->extra + 1, NULL, 10);
	return (uint64_t)v->major * 1000000 + (uint64_t)MIN(v->minor, 999) * 1000 +
	       MIN(micro, 999);
}

static bool get_version(void *opaque, uint64_t *version, GError **err)
{
	xvmd_host *host = opaque;
	g_autoptr(GError) hv_err = NULL;
	struct hv_version v;
	bool ok;

	g_mutex_lock(&host->lock);
	ok = hv_version(host->hv, &v, &hv_err);
	g_mutex_unlock(&host->lock);
	if (!ok) {
		xvm_error_set(err, VIR_FROM_XEN, VIR_ERR_INTERNAL_ERROR,
			      _("internal error: cannot get the hypervisor version: %s"),
			      hv_err->message);
		return false;
	}
	*version = xvmd_host_version_number(&v);
	return true;
}

const rpc_host_ops xvmd_host_ops = {
	.get_version = get_version,
};
