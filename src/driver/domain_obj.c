/*
 * domain_obj.c: the domain object (see domain_obj.h for the invariants).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_obj.h"

#include <glib/gi18n.h>

#include "domain_state.h"

xvmDomainObj *
xvmDomainObjNew(xvmDomainDef **def, gboolean live)
{
    xvmDomainObj *obj;

    g_return_val_if_fail(def && *def && (*def)->name, NULL);

    obj = g_new0(xvmDomainObj, 1);
    g_mutex_init(&obj->lock);
    g_cond_init(&obj->job_cond);
    obj->refs = 1;
    obj->name = g_strdup((*def)->name);
    obj->uuid = (*def)->uuid;
    obj->domid = -1;
    obj->state = VIR_DOMAIN_SHUTOFF;
    obj->reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
    if (live)
        obj->live_def = g_steal_pointer(def);
    else
        obj->persistent_def = g_steal_pointer(def);
    return obj;
}

xvmDomainObj *
xvmDomainObjRef(xvmDomainObj *obj)
{
    g_atomic_int_inc(&obj->refs);
    return obj;
}

void
xvmDomainObjUnref(xvmDomainObj *obj)
{
    if (!obj || !g_atomic_int_dec_and_test(&obj->refs))
        return;
    xvmDomainDefFree(obj->persistent_def);
    xvmDomainDefFree(obj->live_def);
    g_free(obj->name);
    g_cond_clear(&obj->job_cond);
    g_mutex_clear(&obj->lock);
    g_free(obj);
}

void
xvmDomainObjLock(xvmDomainObj *obj)
{
    g_mutex_lock(&obj->lock);
}

gboolean
xvmDomainObjTryLock(xvmDomainObj *obj)
{
    return g_mutex_trylock(&obj->lock);
}

void
xvmDomainObjUnlock(xvmDomainObj *obj)
{
    g_mutex_unlock(&obj->lock);
}

void
xvmDomainObjEndAPI(xvmDomainObj **obj)
{
    if (!*obj)
        return;
    xvmDomainObjUnlock(*obj);
    xvmDomainObjUnref(g_steal_pointer(obj));
}

gboolean
xvmDomainObjIsActive(const xvmDomainObj *obj)
{
    return obj->domid >= 0;
}

gboolean
xvmDomainObjIsPersistent(const xvmDomainObj *obj)
{
    return obj->persistent_def != NULL;
}

xvmDomainDef *
xvmDomainObjGetDef(const xvmDomainObj *obj)
{
    return obj->live_def ? obj->live_def : obj->persistent_def;
}

xvmDomainDef *
xvmDomainObjGetPersistentDef(const xvmDomainObj *obj)
{
    return obj->persistent_def;
}

virDomainState
xvmDomainObjGetState(const xvmDomainObj *obj, int *reason)
{
    if (reason)
        *reason = obj->reason;
    return obj->state;
}

void
xvmDomainObjSetState(xvmDomainObj *obj, virDomainState state, int reason)
{
    g_return_if_fail(xvmDomainStateReasonIsValid(state, reason));
    g_return_if_fail(xvmDomainObjIsActive(obj) == (state != VIR_DOMAIN_SHUTOFF));
    obj->state = state;
    obj->reason = reason;
}

void
xvmDomainObjAssignPersistentDef(xvmDomainObj *obj, xvmDomainDef **def,
                                xvmDomainDef **old_def)
{
    g_return_if_fail(def && *def);
    g_return_if_fail(g_strcmp0((*def)->name, obj->name) == 0 &&
                     xvmUuidEqual(&(*def)->uuid, &obj->uuid));

    if (old_def)
        *old_def = g_steal_pointer(&obj->persistent_def);
    else
        g_clear_pointer(&obj->persistent_def, xvmDomainDefFree);
    obj->persistent_def = g_steal_pointer(def);
}

void
xvmDomainObjMakeTransient(xvmDomainObj *obj)
{
    g_return_if_fail(obj->live_def != NULL);
    g_clear_pointer(&obj->persistent_def, xvmDomainDefFree);
    obj->autostart = FALSE;
}

xvmDomainDef *
xvmDomainObjPrepareLiveDef(xvmDomainObj *obj, GError **error)
{
    if (xvmDomainObjIsActive(obj)) {
        xvmConfError(error, VIR_ERR_OPERATION_INVALID,
                     _("domain '%s' is already active"), obj->name);
        return NULL;
    }
    if (!obj->live_def)
        obj->live_def = xvmDomainDefCopy(obj->persistent_def);
    return obj->live_def;
}

void
xvmDomainObjSetAutostart(xvmDomainObj *obj, gboolean autostart)
{
    g_return_if_fail(!autostart || xvmDomainObjIsPersistent(obj));
    obj->autostart = autostart;
}

void
xvmDomainObjSetManagedSave(xvmDomainObj *obj, gboolean present)
{
    obj->has_managed_save = present;
}
