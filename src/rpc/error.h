/* Errors as libvirt reports them: a virErrorNumber, a virErrorDomain and a
 * translated message (<libvirt/virterror.h>).
 *
 * Handlers fail with a GError. Its code is a virErrorNumber when its
 * domain is one of ours: xvm_error_quark(VIR_FROM_x) for each libvirt
 * error domain, or a GError domain registered with
 * xvm_error_register_domain() (e.g. src/conf's XVM_CONF_ERROR as
 * VIR_FROM_DOMAIN). Any other GError travels as VIR_ERR_INTERNAL_ERROR
 * with its message. Messages are the whole text libvirt would show, with
 * libvirt's prefix for the code ("internal error: ...", "operation
 * forbidden: ...").
 *
 * Thread safety: every function may be called from any thread.
 */
#ifndef XVM_RPC_ERROR_H
#define XVM_RPC_ERROR_H

#include <glib.h>
#include <libvirt/virterror.h>

#include "net_protocol.h"

/* The GError domain of libvirt error domain vir_from (a virErrorDomain). */
GQuark xvm_error_quark(int vir_from);
#define XVM_RPC_ERROR (xvm_error_quark(VIR_FROM_RPC))

/* Errors of quark have virErrorNumber codes and belong to vir_from. */
void xvm_error_register_domain(GQuark quark, int vir_from);
/* The same for a quark whose messages are only the detail (src/conf,
 * src/driver: "no domain with matching name 'x'"): on the wire they get
 * libvirt's text for their code in front ("Domain not found: no domain
 * with matching name 'x'"), as libvirt's virReportError gives them. */
void xvm_error_register_detail_domain(GQuark quark, int vir_from);

/* Sets *err in libvirt's domain vir_from with code (virErrorNumber). */
void xvm_error_set(GError **err, int vir_from, int code, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);

/* The wire form of err. Free with xvm_error_clear_wire(). */
void xvm_error_to_wire(const GError *err, xvm_net_error *out);
void xvm_error_clear_wire(xvm_net_error *e);

#endif
