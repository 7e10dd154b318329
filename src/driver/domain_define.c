/*
 * domain_define.c: define, undefine, autostart (see domain_define.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_define.h"

#include <glib/gi18n.h>

xvmDomainObj *
xvmDomainDefine(xvmDomainList *doms, xvmDomainConfigStore *store,
                xvmDomainDef **def, gboolean *replaced, GError **error)
{
    g_autoptr(xvmDomainDef) old_def = NULL;
    gboolean was_listed;
    xvmDomainObj *obj;

    if (!(obj = xvmDomainListAdd(doms, def, 0, &old_def, error))) {
        g_clear_pointer(def, xvmDomainDefFree);
        return NULL;
    }
    /* Listed before this call: it had a persistent definition, or it is a
     * transient domain (running, or being started) with a live one. */
    was_listed = old_def != NULL || obj->live_def != NULL;

    if (!xvmDomainConfigSave(store, xvmDomainObjGetPersistentDef(obj), error)) {
        if (old_def) {
            xvmDomainObjAssignPersistentDef(obj, &old_def, NULL);
        } else if (was_listed) {
            xvmDomainObjMakeTransient(obj);
        } else {
            xvmDomainListRemove(doms, obj);
        }
        xvmDomainObjEndAPI(&obj);
        return NULL;
    }
    if (replaced)
        *replaced = old_def != NULL;
    return obj;
}

gboolean
xvmDomainUndefine(xvmDomainList *doms, xvmDomainConfigStore *store,
                  xvmDomainObj *obj, GError **error)
{
    if (!xvmDomainObjIsPersistent(obj)) {
        xvmConfError(error, VIR_ERR_OPERATION_INVALID, "%s",
                     _("cannot undefine transient domain"));
        return FALSE;
    }
    if (!xvmDomainConfigDelete(store, obj->name, error))
        return FALSE;
    if (obj->live_def)
        xvmDomainObjMakeTransient(obj);
    else
        xvmDomainListRemove(doms, obj);
    return TRUE;
}

gboolean
xvmDomainSetAutostart(xvmDomainConfigStore *store, xvmDomainObj *obj,
                      gboolean autostart, GError **error)
{
    if (!xvmDomainObjIsPersistent(obj)) {
        xvmConfError(error, VIR_ERR_OPERATION_INVALID, "%s",
                     _("cannot set autostart for transient domain"));
        return FALSE;
    }
    if (!xvmDomainConfigSetAutostart(store, obj->name, autostart, error))
        return FALSE;
    xvmDomainObjSetAutostart(obj, autostart);
    return TRUE;
}
