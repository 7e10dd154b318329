/*
 * domain_status.c: the <domstatus> document (see domain_status.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_status.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "domain_state.h"

void
xvmDomainStatusFree(xvmDomainStatus *status)
{
    if (!status)
        return;
    xvmDomainDefFree(status->def);
    g_free(status);
}

char *
xvmDomainStatusFormat(const xvmDomainObj *obj, GError **error)
{
    g_autofree char *domain_xml = NULL;
    const char *state = xvmDomainStateToString(obj->state);
    const char *reason = xvmDomainStateReasonToString(obj->state, obj->reason);

    g_return_val_if_fail(xvmDomainObjIsActive(obj) && obj->live_def, NULL);
    g_return_val_if_fail(state && reason, NULL);

    if (!(domain_xml = xvmDomainDefFormat(obj->live_def, XVM_DOMAIN_XML_SECURE, error)))
        return NULL;
    return g_strdup_printf("<domstatus state='%s' reason='%s' domid='%d'>\n"
                           "%s"
                           "</domstatus>\n",
                           state, reason, obj->domid, domain_xml);
}

/* A copy of an attribute of `node`, or NULL with VIR_ERR_XML_ERROR. */
static char *
required_attr(xmlNodePtr node, const char *name, GError **error)
{
    xmlChar *value = xmlGetNoNsProp(node, (const xmlChar *)name);
    char *copy;

    if (!value) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("missing attribute '%s' of <domstatus>"), name);
        return NULL;
    }
    copy = g_strdup((const char *)value);
    xmlFree(value);
    return copy;
}

static gboolean
parse_attrs(xmlNodePtr root, xvmDomainStatus *status, GError **error)
{
    g_autofree char *state = NULL;
    g_autofree char *reason = NULL;
    g_autofree char *domid = NULL;
    char *end = NULL;
    long id;

    if (!(state = required_attr(root, "state", error)) ||
        !(reason = required_attr(root, "reason", error)) ||
        !(domid = required_attr(root, "domid", error)))
        return FALSE;

    status->state = xvmDomainStateFromString(state);
    if ((int)status->state < 0 || status->state == VIR_DOMAIN_SHUTOFF) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("invalid domain state '%s' in <domstatus>"), state);
        return FALSE;
    }
    status->reason = xvmDomainStateReasonFromString(status->state, reason);
    if (status->reason < 0) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("invalid reason '%s' for domain state '%s' in <domstatus>"),
                     reason, state);
        return FALSE;
    }
    errno = 0;
    id = strtol(domid, &end, 10);
    if (errno || end == domid || *end ||
        id < XVM_DOMID_MIN || id > XVM_DOMID_MAX) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("invalid domain id '%s' in <domstatus>"), domid);
        return FALSE;
    }
    status->domid = (int)id;
    return TRUE;
}

/* The single <domain> child element of `root`, or NULL with an error. */
static xmlNodePtr
domain_child(xmlNodePtr root, GError **error)
{
    xmlNodePtr found = NULL;

    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (found || strcmp((const char *)n->name, "domain") != 0 || n->ns) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("unexpected element <%s> in <domstatus>"),
                         (const char *)n->name);
            return NULL;
        }
        found = n;
    }
    if (!found)
        xvmConfError(error, VIR_ERR_XML_ERROR, _("<domstatus> has no <domain>"));
    return found;
}

static xvmDomainStatus *
parse_doc(xmlDocPtr doc, GError **error)
{
    g_autoptr(xvmDomainStatus) status = g_new0(xvmDomainStatus, 1);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr domain;
    xmlBufferPtr buf;

    if (doc->intSubset || doc->extSubset) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("a <!DOCTYPE> is not allowed in a domain status document"));
        return NULL;
    }
    if (!root || strcmp((const char *)root->name, "domstatus") != 0 || root->ns) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("unexpected root element <%s>, expecting <domstatus>"),
                     root ? (const char *)root->name : "");
        return NULL;
    }
    if (!parse_attrs(root, status, error) || !(domain = domain_child(root, error)))
        return NULL;

    /* The inner document goes through the one domain XML parser. */
    buf = xmlBufferCreate();
    if (!buf || xmlNodeDump(buf, doc, domain, 0, 0) < 0) {
        xmlBufferFree(buf);
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                     _("cannot serialise the <domain> of a status document"));
        return NULL;
    }
    status->def = xvmDomainDefParseString((const char *)xmlBufferContent(buf),
                                          xmlBufferLength(buf), 0, error);
    xmlBufferFree(buf);
    if (!status->def)
        return NULL;
    if (status->def->id >= 0 && status->def->id != status->domid) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("domain id %d of <domain> differs from domid %d of <domstatus>"),
                     status->def->id, status->domid);
        return NULL;
    }
    status->def->id = status->domid;
    return g_steal_pointer(&status);
}

xvmDomainStatus *
xvmDomainStatusParse(const char *xml, gsize len, GError **error)
{
    xmlParserCtxtPtr pctxt;
    xmlDocPtr doc;
    xvmDomainStatus *status;

    if (len == 0 || len > XVM_DOMAIN_STATUS_MAX_BYTES) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("domain status document of %" G_GSIZE_FORMAT
                       " bytes (expected 1 to %d)"),
                     len, XVM_DOMAIN_STATUS_MAX_BYTES);
        return NULL;
    }
    if (!(pctxt = xmlNewParserCtxt())) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("cannot allocate an XML parser"));
        return NULL;
    }
    /* As src/conf: no network, no entity substitution, no DTD loading,
     * libxml2's default limits, errors captured rather than printed. */
    doc = xmlCtxtReadMemory(pctxt, xml, (int)len, "domstatus.xml", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                            XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(pctxt);
        g_autofree char *msg = g_strdup(e && e->message ? e->message : "unknown error");

        g_strchomp(msg);
        xvmConfError(error, VIR_ERR_XML_DETAIL,
                     _("malformed domain status document at line %d: %s"),
                     e ? e->line : 0, msg);
        xmlFreeParserCtxt(pctxt);
        return NULL;
    }
    xmlFreeParserCtxt(pctxt);
    status = parse_doc(doc, error);
    xmlFreeDoc(doc);
    return status;
}

xvmDomainObj *
xvmDomainStatusAttach(xvmDomainList *doms, xvmDomainStatus *status, GError **error)
{
    xvmDomainObj *obj;

    g_return_val_if_fail(status && status->def, NULL);

    if (!(obj = xvmDomainListAdd(doms, &status->def, XVM_DOMAIN_LIST_ADD_LIVE,
                                 NULL, error)))
        return NULL;
    if (!xvmDomainListSetActive(doms, obj, status->domid, status->state,
                                status->reason, error)) {
        xvmDomainListSetInactive(doms, obj, VIR_DOMAIN_SHUTOFF_UNKNOWN);
        xvmDomainObjEndAPI(&obj);
        return NULL;
    }
    return obj;
}
