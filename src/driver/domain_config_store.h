/*
 * domain_config_store.h: where domains persist, on disk.
 *
 *   STATE/NAME.xml               persistent config (inactive, secure XML),
 *                                mode 0600: it may hold graphics passwords
 *   STATE/autostart/NAME.xml     symbolic link to STATE/NAME.xml (absolute),
 *                                present iff the domain autostarts
 *   STATE/save/NAME.save         managed save image (virDomainManagedSave);
 *                                written and removed by the lifecycle code,
 *                                its presence read at load
 *   RUN/NAME.xml                 status of a running domain
 *                                (domain_status.h), removed when it stops
 *
 * STATE and RUN are given by the caller (xvmd options; tests use temporary
 * directories). Every write replaces its file atomically (atomic_file.h):
 * whatever moment the daemon dies at, each file is the old or the new
 * complete one. Stale temporary files are removed when the store loads.
 *
 * Nothing here locks: callers hold the domain's object lock around the
 * calls for that domain (one writer per file).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "domain_conf.h"
#include "domain_list.h"
#include "domain_status.h"

G_BEGIN_DECLS

typedef struct _xvmDomainConfigStore xvmDomainConfigStore;

/* Creates STATE, STATE/autostart, STATE/save and RUN (mode 0700) when
 * missing.
 * Relative paths are made absolute (the autostart links point to
 * absolute paths). */
xvmDomainConfigStore *xvmDomainConfigStoreNew(const char *state_dir,
                                              const char *run_dir,
                                              GError **error);
void xvmDomainConfigStoreFree(xvmDomainConfigStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainConfigStore, xvmDomainConfigStoreFree)

char *xvmDomainConfigStoreConfigPath(const xvmDomainConfigStore *store, const char *name);
char *xvmDomainConfigStoreAutostartPath(const xvmDomainConfigStore *store, const char *name);
char *xvmDomainConfigStoreStatusPath(const xvmDomainConfigStore *store, const char *name);
char *xvmDomainConfigStoreManagedSavePath(const xvmDomainConfigStore *store,
                                          const char *name);

/* Write `def` as STATE/NAME.xml (XVM_DOMAIN_XML_INACTIVE | SECURE). */
gboolean xvmDomainConfigSave(xvmDomainConfigStore *store, const xvmDomainDef *def,
                             GError **error);
/* Undefine: remove the autostart link, then the config (absent is fine). */
gboolean xvmDomainConfigDelete(xvmDomainConfigStore *store, const char *name,
                               GError **error);
/* Create or remove STATE/autostart/NAME.xml. */
gboolean xvmDomainConfigSetAutostart(xvmDomainConfigStore *store, const char *name,
                                     gboolean autostart, GError **error);

/* Write RUN/NAME.xml for `obj` (locked, active): on every state change. */
gboolean xvmDomainStatusSave(xvmDomainConfigStore *store, const xvmDomainObj *obj,
                             GError **error);
/* Remove RUN/NAME.xml (absent is fine): when the domain stops. */
gboolean xvmDomainStatusDelete(xvmDomainConfigStore *store, const char *name,
                               GError **error);

/* Daemon start, step 1: every STATE/NAME.xml into `doms` as a persistent
 * domain, autostart from its link, has_managed_save from its image. A file that cannot be read or parsed,
 * whose <name> is not NAME, or that conflicts with one already loaded is
 * skipped with a warning (g_warning, naming file and reason); one bad file
 * never stops the others. Removes stale temporary files in STATE,
 * STATE/autostart and STATE/save. Returns how many domains were loaded. */
guint xvmDomainConfigLoadAll(xvmDomainConfigStore *store, xvmDomainList *doms);

/* Daemon start, step 2: every RUN/NAME.xml, parsed (xvmDomainStatus*),
 * for the lifecycle code to match against the hypervisor's domains
 * (xvmDomainStatusAttach the ones still running, xvmDomainStatusDelete
 * the others). Unreadable or invalid files, or files whose domain name
 * is not NAME, are skipped with a warning and left in place for
 * inspection. Removes stale temporary files in RUN. Sorted by name. */
GPtrArray *xvmDomainStatusLoadAll(xvmDomainConfigStore *store);

G_END_DECLS
