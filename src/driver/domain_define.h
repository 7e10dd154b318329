/*
 * domain_define.h: define, undefine and autostart — the operations that
 * change a domain's persistent state, keeping the domain list and the
 * state directory in step: either both change or neither does.
 *
 * Each takes the object lock as documented and reports libvirt's errors
 * (XVM_CONF_ERROR with libvirt's codes and messages). As in libvirt,
 * the API layer owns the domain's job (domain_job.h) around undefine and
 * autostart; a define needs none (it only swaps the next config).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "domain_config_store.h"
#include "domain_list.h"

G_BEGIN_DECLS

/* virDomainDefineXML: add or update the persistent definition (the list's
 * rules, xvmDomainListAdd), then write STATE/NAME.xml. When the file
 * cannot be written the list is put back as it was (the previous
 * definition restored, or the new domain removed) and NULL returned.
 * Takes *def in every case (sets it to NULL). On success returns the
 * object locked and referenced;
 * *replaced (may be NULL) tells whether a persistent definition existed
 * (libvirt's VIR_DOMAIN_EVENT_DEFINED_UPDATED vs _ADDED). */
xvmDomainObj *xvmDomainDefine(xvmDomainList *doms, xvmDomainConfigStore *store,
                              xvmDomainDef **def, gboolean *replaced,
                              GError **error);

/* virDomainUndefine of `obj` (locked, referenced): removes the autostart
 * link and the config file, then either removes the domain from the list
 * (inactive) or makes it transient (running: it leaves the list when it
 * stops). A transient domain cannot be undefined
 * (VIR_ERR_OPERATION_INVALID "cannot undefine transient domain").
 * The caller applies the virDomainUndefineFlags first (a managed save
 * image, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE): this is the common part. */
gboolean xvmDomainUndefine(xvmDomainList *doms, xvmDomainConfigStore *store,
                           xvmDomainObj *obj, GError **error);

/* virDomainSetAutostart of `obj` (locked): the link, then the flag.
 * VIR_ERR_OPERATION_INVALID "cannot set autostart for transient domain"
 * for a transient domain. */
gboolean xvmDomainSetAutostart(xvmDomainConfigStore *store, xvmDomainObj *obj,
                               gboolean autostart, GError **error);

G_END_DECLS
