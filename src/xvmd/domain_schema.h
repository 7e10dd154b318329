/* VIR_DOMAIN_DEFINE_VALIDATE: a domain XML document checked against
 * libvirt's own RelaxNG schema (domain.rng), as libvirt does before it
 * parses. */
#ifndef XVMD_DOMAIN_SCHEMA_H
#define XVMD_DOMAIN_SCHEMA_H

#include <stdbool.h>
#include <glib.h>

/* Where libvirt's packages install the schemas. */
#define XVMD_LIBVIRT_SCHEMA_DIR "/usr/share/libvirt/schemas"

/* Any thread. The schema is compiled on first use and kept. Fails with
 * VIR_ERR_XML_INVALID_SCHEMA and libxml2's reasons, or VIR_ERR_INTERNAL_ERROR
 * when the schema itself cannot be loaded. */
bool xvmd_domain_schema_validate(const char *xml, GError **err);

#endif
