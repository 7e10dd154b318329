/*
 * domain_modify.c: where a change of a domain goes (live, config) and how
 * a changed persistent definition is kept (see domain_resources.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_resources.h"

#include <glib/gi18n.h>

gboolean
xvmDomainModificationImpact(const xvmDomainObj *obj, unsigned int *flags, GError **error)
{
    gboolean active = xvmDomainObjIsActive(obj);

    if (!(*flags & (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG)))
        *flags |= active ? VIR_DOMAIN_AFFECT_LIVE : VIR_DOMAIN_AFFECT_CONFIG;
    if (!active && (*flags & VIR_DOMAIN_AFFECT_LIVE)) {
        xvmConfError(error, VIR_ERR_OPERATION_INVALID, "%s", _("domain is not running"));
        return FALSE;
    }
    if (!xvmDomainObjIsPersistent(obj) && (*flags & VIR_DOMAIN_AFFECT_CONFIG)) {
        xvmConfError(error, VIR_ERR_OPERATION_INVALID, "%s",
                     _("transient domains do not have any persistent config"));
        return FALSE;
    }
    return TRUE;
}

gboolean
xvmDomainCommitPersistentDef(xvmDriver *drv, xvmDomainObj *obj, xvmDomainDef **next,
                             GError **error)
{
    g_return_val_if_fail(obj->persistent_def != NULL, FALSE);
    if (!xvmDomainDefValidate(*next, error) ||
        !xvmDomainConfigSave(drv->store, *next, error))
        return FALSE;
    xvmDomainObjAssignPersistentDef(obj, next, NULL);
    return TRUE;
}
