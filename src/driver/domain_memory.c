/*
 * domain_memory.c: the balloon target and the maximum memory of a domain
 * (domain_resources.h).
 *
 * Live, as libxl: the target goes to memory/target (KiB, less
 * memory/videoram, which the guest does not balloon), the maximum to the
 * hypervisor (hv_domain_set_max_mem) and memory/static-max. The live
 * definition follows: <currentMemory> is the target asked of the guest,
 * <memory> the ceiling; dominfo shows what the guest holds (the
 * hypervisor's figure), which reaches the target once it ballooned.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_resources.h"

#include <glib/gi18n.h>

#include "domain_xs_layout.h"
#include "xs_conn.h"

static guint64
current_kib(const xvmDomainDef *def)
{
    return def->current_memory ? def->current_memory : def->memory;
}

static gboolean
check_target(const xvmDomainDef *def, guint64 kib, GError **error)
{
    if (kib <= def->memory)
        return TRUE;
    xvmConfError(error, VIR_ERR_INVALID_ARG, "%s",
                 _("cannot set memory higher than max memory"));
    return FALSE;
}

/* Call unlocked. */
static gboolean
write_target(xvmDriver *drv, int domid, guint64 kib, GError **error)
{
    g_autofree char *dom = xvmXsDomainPath((guint32)domid);
    g_autofree char *vram_path = g_strdup_printf("%s/memory/videoram", dom);
    g_autofree char *target_path = g_strdup_printf("%s/memory/target", dom);
    g_autofree char *vram = NULL;
    g_autofree char *value = NULL;
    g_autoptr(xvmXsConn) conn = NULL;
    GError *read_err = NULL;
    guint64 videoram = 0;

    if (!(conn = xvmXsConnOpen(drv->cfg.xenstored_path, error)))
        return FALSE;
    vram = xvmXsRead(conn, vram_path, &read_err);
    if (read_err) {
        g_propagate_error(error, read_err);
        return FALSE;
    }
    if (vram)
        videoram = g_ascii_strtoull(vram, NULL, 10);
    value = g_strdup_printf("%" G_GUINT64_FORMAT, kib > videoram ? kib - videoram : kib);
    return xvmXsWrite(conn, target_path, value, error);
}

/* Call unlocked. */
static gboolean
write_max(xvmDriver *drv, int domid, const char *name, guint64 kib, GError **error)
{
    g_autofree char *dom = xvmXsDomainPath((guint32)domid);
    g_autofree char *path = g_strdup_printf("%s/memory/static-max", dom);
    g_autofree char *value = g_strdup_printf("%" G_GUINT64_FORMAT, kib);
    g_autoptr(GError) hv_err = NULL;
    g_autoptr(xvmXsConn) conn = NULL;
    hv_t *hv = xvmDriverHvAcquire(drv, error);
    gboolean ok;

    if (!hv)
        return FALSE;
    ok = hv_domain_set_max_mem(hv, (guint32)domid, kib, &hv_err);
    xvmDriverHvRelease(drv, hv);
    if (!ok) {
        xvmDriverHvError(error, g_steal_pointer(&hv_err), _("set the maximum memory of"),
                         name);
        return FALSE;
    }
    return (conn = xvmXsConnOpen(drv->cfg.xenstored_path, error)) &&
           xvmXsWrite(conn, path, value, error);
}

static gboolean
set_memory_job(xvmDriver *drv, xvmDomainObj *obj, guint64 kib, unsigned int flags,
               GError **error)
{
    gboolean maximum = (flags & VIR_DOMAIN_MEM_MAXIMUM) != 0;
    g_autoptr(xvmDomainDef) next = NULL;
    gboolean ok;
    int domid;

    if (!xvmDomainModificationImpact(obj, &flags, error))
        return FALSE;
    if (flags & VIR_DOMAIN_MEM_LIVE) {
        const xvmDomainDef *live = obj->live_def;

        if (!maximum && !check_target(live, kib, error))
            return FALSE;
        if (maximum && kib < current_kib(live)) {
            xvmConfError(error, VIR_ERR_INVALID_ARG,
                         _("cannot set max memory lower than the current memory (%" G_GUINT64_FORMAT
                           " KiB) of a running domain"), current_kib(live));
            return FALSE;
        }
    }
    if (flags & VIR_DOMAIN_MEM_CONFIG) {
        if (!maximum && !check_target(obj->persistent_def, kib, error))
            return FALSE;
        next = xvmDomainDefCopy(obj->persistent_def);
        if (maximum) {
            next->memory = kib;
            if (current_kib(next) > kib)
                next->current_memory = kib;
        } else {
            next->current_memory = kib;
        }
        if (!xvmDomainDefValidate(next, error))
            return FALSE;
    }
    if (flags & VIR_DOMAIN_MEM_LIVE) {
        domid = obj->domid;
        xvmDomainObjUnlock(obj);
        ok = maximum ? write_max(drv, domid, obj->name, kib, error)
                     : write_target(drv, domid, kib, error);
        xvmDomainObjLock(obj);
        if (!ok)
            return FALSE;
        if (maximum)
            obj->live_def->memory = kib;
        else
            obj->live_def->current_memory = kib;
        xvmDriverSaveStatus(drv, obj);
    }
    if (next && !xvmDomainCommitPersistentDef(drv, obj, &next, error))
        return FALSE;
    return TRUE;
}

gboolean
xvmDomainSetMemory(xvmDriver *drv, xvmDomainObj *obj, guint64 kib, unsigned int flags,
                   GError **error)
{
    const unsigned int known = VIR_DOMAIN_MEM_LIVE | VIR_DOMAIN_MEM_CONFIG |
                               VIR_DOMAIN_MEM_MAXIMUM;
    gboolean ok;

    if (flags & ~known) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                     flags & ~known, "xvmDomainSetMemory");
        return FALSE;
    }
    if (kib == 0) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("%s in %s must not be zero"), "memory",
                     "virDomainSetMemoryFlags");
        return FALSE;
    }
    if (!xvmDriverCheckNotHost(obj, _("change the memory of"), error) ||
        !xvmDriverBeginJob(obj, "setmem", error))
        return FALSE;
    ok = set_memory_job(drv, obj, kib, flags, error);
    xvmDomainObjEndJob(obj);
    return ok;
}
