/* The hypervisor behind the connection procedures; see host.h. Calls run
 * on worker threads, each on a handle the driver lends it alone. */
#include <glib/gi18n.h>

#include "driver.h"
#include "error.h"
#include "host.h"

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
	xvmDriver *drv = opaque;
	g_autoptr(GError) hv_err = NULL;
	struct hv_version v;
	hv_t *hv = xvmDriverHvAcquire(drv, err);
	bool ok;

	if (!hv)
		return false;
	ok = hv_version(hv, &v, &hv_err);
	xvmDriverHvRelease(drv, hv);
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
