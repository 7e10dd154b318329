/* See domain_schema.h. */
#include <stdarg.h>
#include <string.h>
#include <glib/gi18n.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "domain_conf.h"
#include "domain_schema.h"

static xmlRelaxNGPtr schema;
static GMutex schema_lock;

static void collect(void *buf, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void collect(void *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (((GString *)buf)->len < 4096)
		g_string_append_vprintf(buf, fmt, ap);
	va_end(ap);
}

/* With schema_lock: the compiled schema (never freed: the daemon keeps
 * it), or NULL with the reason in why. */
static xmlRelaxNGPtr get_schema(GString *why)
{
	if (!schema) {
		g_autofree char *path = g_build_filename(XVMD_LIBVIRT_SCHEMA_DIR,
							 "domain.rng", NULL);
		xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(path);

		xmlRelaxNGSetParserErrors(pc, collect, collect, why);
		schema = xmlRelaxNGParse(pc);
		xmlRelaxNGFreeParserCtxt(pc);
		if (!schema)
			g_string_prepend(why, path);
	}
	return schema;
}

/* Validation shares the compiled schema: one at a time (defines with
 * VALIDATE are rare; libxml2 does not promise more). */
bool xvmd_domain_schema_validate(const char *xml, GError **err)
{
	g_autoptr(GString) why = g_string_new(NULL);
	xmlRelaxNGValidCtxtPtr vc;
	xmlDocPtr doc;
	int rc;

	doc = xmlReadMemory(xml, strlen(xml), "domain.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		xvmConfError(err, VIR_ERR_XML_ERROR, "%s", _("malformed XML document"));
		return false;
	}
	g_mutex_lock(&schema_lock);
	if (!get_schema(why)) {
		g_mutex_unlock(&schema_lock);
		xmlFreeDoc(doc);
		xvmConfError(err, VIR_ERR_INTERNAL_ERROR,
			     _("unable to load libvirt's domain schema: %s"), why->str);
		return false;
	}
	vc = xmlRelaxNGNewValidCtxt(schema);
	xmlRelaxNGSetValidErrors(vc, collect, collect, why);
	rc = xmlRelaxNGValidateDoc(vc, doc);
	xmlRelaxNGFreeValidCtxt(vc);
	g_mutex_unlock(&schema_lock);
	xmlFreeDoc(doc);
	if (rc != 0) {
		g_strchomp(why->str);
		xvmConfError(err, VIR_ERR_XML_INVALID_SCHEMA,
			     _("Unable to validate doc against %s/domain.rng\n%s"),
			     XVMD_LIBVIRT_SCHEMA_DIR, why->str);
		return false;
	}
	return true;
}
