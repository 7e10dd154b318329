/* Errors as libvirt reports them; see error.h. */
#include <stdarg.h>
#include <glib/gi18n.h>

#include "error.h"

/* quark -> (virErrorDomain + 1) | DETAIL (0: not ours) */
static GHashTable *domains;
static GMutex domains_lock;

/* The quark's messages are details: prefixed on the wire. */
#define DETAIL (1 << 16)

static void register_locked(GQuark quark, int value)
{
	if (!domains)
		domains = g_hash_table_new(NULL, NULL);
	g_hash_table_insert(domains, GUINT_TO_POINTER(quark), GINT_TO_POINTER(value));
}

/* libvirt's text of an error code with a detail (virErrorMsg). */
static const char *code_format(int code)
{
	switch (code) {
	case VIR_ERR_INTERNAL_ERROR: return _("internal error: %s");
	case VIR_ERR_NO_SUPPORT:
		return _("this function is not supported by the connection driver: %s");
	case VIR_ERR_INVALID_ARG: return _("invalid argument: %s");
	case VIR_ERR_OPERATION_FAILED: return _("operation failed: %s");
	case VIR_ERR_XML_ERROR: return _("XML error: %s");
	case VIR_ERR_NO_DOMAIN: return _("Domain not found: %s");
	case VIR_ERR_OPERATION_INVALID: return _("Requested operation is not valid: %s");
	case VIR_ERR_CONFIG_UNSUPPORTED: return _("unsupported configuration: %s");
	case VIR_ERR_OPERATION_TIMEOUT: return _("Timed out during operation: %s");
	case VIR_ERR_OPERATION_DENIED: return _("operation forbidden: %s");
	case VIR_ERR_OPERATION_UNSUPPORTED: return _("Operation not supported: %s");
	default: return "%s";
	}
}

GQuark xvm_error_quark(int vir_from)
{
	g_autofree char *name = g_strdup_printf("xvm-vir-error-%d", vir_from);
	GQuark q = g_quark_from_string(name);

	g_mutex_lock(&domains_lock);
	register_locked(q, vir_from + 1);
	g_mutex_unlock(&domains_lock);
	return q;
}

void xvm_error_register_domain(GQuark quark, int vir_from)
{
	g_mutex_lock(&domains_lock);
	register_locked(quark, vir_from + 1);
	g_mutex_unlock(&domains_lock);
}

void xvm_error_register_detail_domain(GQuark quark, int vir_from)
{
	g_mutex_lock(&domains_lock);
	register_locked(quark, (vir_from + 1) | DETAIL);
	g_mutex_unlock(&domains_lock);
}

void xvm_error_set(GError **err, int vir_from, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error_literal(err, xvm_error_quark(vir_from), code, msg);
}

/* Messages go out as valid UTF-8: they may quote what a client sent (a
 * name that is no text), and clients decode them as text. */
static char **wire_string(const char *s)
{
	char **p = g_new(char *, 1);

	*p = g_utf8_make_valid(s, -1);
	return p;
}

void xvm_error_to_wire(const GError *err, xvm_net_error *out)
{
	int from = 0;

	g_mutex_lock(&domains_lock);
	if (domains)
		from = GPOINTER_TO_INT(g_hash_table_lookup(domains,
					GUINT_TO_POINTER(err->domain)));
	g_mutex_unlock(&domains_lock);

	*out = (xvm_net_error){ 0 };
	if (from & DETAIL) {
		/* code_format() gives one %s or none. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		g_autofree char *msg = g_strdup_printf(code_format(err->code), err->message);
#pragma GCC diagnostic pop

		out->code = err->code;
		out->domain = (from & ~DETAIL) - 1;
		out->message = wire_string(msg);
	} else if (from) {
		out->code = err->code;
		out->domain = from - 1;
		out->message = wire_string(err->message);
	} else {
		g_autofree char *msg = g_strdup_printf(_("internal error: %s"),
						       err->message);

		out->code = VIR_ERR_INTERNAL_ERROR;
		out->domain = VIR_FROM_NONE;
		out->message = wire_string(msg);
	}
	out->level = VIR_ERR_ERROR;
}

void xvm_error_clear_wire(xvm_net_error *e)
{
	xdr_free((xdrproc_t)xdr_xvm_net_error, (char *)e);
}
