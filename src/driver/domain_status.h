/*
 * domain_status.h: the live status of a running domain, as kept in
 * RUN/NAME.xml so that a restarted xvmd finds its running domains again.
 *
 * Document (our own elements, in the style of libvirt's status files):
 *
 *   <domstatus state='running' reason='booted' domid='5'>
 *   <domain type='xen' id='5'>
 *     ... the live definition, xvmDomainDefFormat(live, SECURE) ...
 *   </domain>
 *   </domstatus>
 *
 *   state    libvirt's virDomainState name (xvmDomainStateToString);
 *            never 'shutoff': only running domains have a status
 *   reason   a reason name of that state (xvmDomainStateReasonToString)
 *   domid    the hypervisor domain id, XVM_DOMID_MIN..XVM_DOMID_MAX
 *
 * The inner <domain> is written unindented so that its text (e.g.
 * <metadata>) reads back byte for byte. The reader treats the document as
 * untrusted: size-bounded, no DTD, no network, every attribute checked,
 * the inner domain through the full src/conf parser and validator.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "domain_conf.h"
#include "domain_list.h"

G_BEGIN_DECLS

/* Bytes of a status document beyond its domain XML. */
#define XVM_DOMAIN_STATUS_MAX_BYTES (XVM_DOMAIN_XML_MAX_BYTES + 4096)

typedef struct {
    xvmDomainDef *def;       /* the live definition; def->id == domid */
    int domid;
    virDomainState state;    /* not VIR_DOMAIN_SHUTOFF */
    int reason;
} xvmDomainStatus;

void xvmDomainStatusFree(xvmDomainStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainStatus, xvmDomainStatusFree)

/* The status document of `obj` (locked, active). */
char *xvmDomainStatusFormat(const xvmDomainObj *obj, GError **error);

/* Parse a status document of `len` bytes. NULL and *error
 * (XVM_CONF_ERROR, VIR_ERR_XML_ERROR / VIR_ERR_XML_DETAIL / the inner
 * domain parser's code) when it is not one. */
xvmDomainStatus *xvmDomainStatusParse(const char *xml, gsize len, GError **error);

/* Reconnect: the hypervisor still runs the domain of `status`. Adds its
 * live definition to the list (next to the domain's persistent config if
 * one was loaded; as a transient domain otherwise), marks it active with
 * the recorded domid, state and reason, and returns it locked and
 * referenced. Takes status->def. Fails as xvmDomainListAdd with
 * XVM_DOMAIN_LIST_ADD_LIVE and xvmDomainListSetActive do (nothing is left
 * behind then). */
xvmDomainObj *xvmDomainStatusAttach(xvmDomainList *doms, xvmDomainStatus *status,
                                    GError **error);

G_END_DECLS
