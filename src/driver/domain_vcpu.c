/*
 * domain_vcpu.c: vCPU count, hotplug and pinning (domain_resources.h).
 *
 * The live count is the live definition's <vcpu current>: what the
 * toolstack asked of the guest through cpu/N/availability. Whether the
 * guest brought them up shows in the hypervisor's vCPU information
 * (xvmDomainGetVcpuInfo), as with libxl.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_resources.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

#include "domain_xs_layout.h"
#include "xs_conn.h"

/* The host's online physical CPUs, for domain `name`. Call unlocked. */
static gboolean
host_cpus(xvmDriver *drv, const char *name, guint *nr, GError **error)
{
    g_autoptr(GError) hv_err = NULL;
    struct hv_physinfo phys;
    hv_t *hv = xvmDriverHvAcquire(drv, error);
    gboolean ok;

    if (!hv)
        return FALSE;
    ok = hv_physinfo(hv, &phys, &hv_err);
    xvmDriverHvRelease(drv, hv);
    if (!ok) {
        xvmDriverHvError(error, g_steal_pointer(&hv_err), _("read the host of"), name);
        return FALSE;
    }
    *nr = phys.nr_cpus;
    return TRUE;
}

/* Same, called with the lock held (dropped meanwhile). */
static gboolean
host_cpus_locked(xvmDriver *drv, xvmDomainObj *obj, guint *nr, GError **error)
{
    gboolean ok;

    xvmDomainObjUnlock(obj);
    ok = host_cpus(drv, obj->name, nr, error);
    xvmDomainObjLock(obj);
    return ok;
}

static guint
current_vcpus(const xvmDomainDef *def)
{
    return def->vcpus_current ? def->vcpus_current : def->vcpus;
}

/* ---- count ------------------------------------------------------------ */

static gboolean
check_count(const xvmDomainDef *def, guint nvcpus, gboolean maximum, guint host,
            GError **error)
{
    guint max = maximum ? host : MIN(host, def->vcpus);

    if (nvcpus > max) {
        xvmConfError(error, VIR_ERR_INVALID_ARG,
                     _("requested vcpus is greater than max allowable vcpus for the domain: %u > %u"),
                     nvcpus, max);
        return FALSE;
    }
    return TRUE;
}

/* cpu/N/availability of every vCPU of the running domain, in one
 * transaction. Call unlocked. */
static gboolean
write_availability(xvmDriver *drv, int domid, guint max, guint online, GError **error)
{
    g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func((GDestroyNotify)xvmXsEntryFree);
    g_autofree char *dom = xvmXsDomainPath((guint32)domid);
    g_autoptr(xvmXsConn) conn = NULL;

    for (guint i = 0; i < max; i++) {
        xvmXsEntry *e = g_new0(xvmXsEntry, 1);

        e->path = g_strdup_printf("%s/cpu/%u/availability", dom, i);
        e->value = g_strdup(i < online ? "online" : "offline");
        g_ptr_array_add(entries, e);
    }
    return (conn = xvmXsConnOpen(drv->cfg.xenstored_path, error)) &&
           xvmXsWriteEntries(conn, entries, error);
}

/* The definition keeps max vCPUs: pins of the others go, and the current
 * count does not exceed it. */
static void
def_set_max_vcpus(xvmDomainDef *def, guint max)
{
    for (guint i = def->vcpupins->len; i > 0; i--) {
        const xvmDomainVcpuPinDef *pin = g_ptr_array_index(def->vcpupins, i - 1);

        if (pin->vcpu >= max)
            g_ptr_array_remove_index(def->vcpupins, i - 1);
    }
    def->vcpus = max;
    if (current_vcpus(def) > max)
        def->vcpus_current = max;
}

static gboolean
set_vcpus_job(xvmDriver *drv, xvmDomainObj *obj, guint nvcpus, unsigned int flags,
              GError **error)
{
    gboolean maximum = (flags & VIR_DOMAIN_VCPU_MAXIMUM) != 0;
    g_autoptr(xvmDomainDef) next = NULL;
    guint host;

    if (!xvmDomainModificationImpact(obj, &flags, error))
        return FALSE;
    if (maximum && (flags & VIR_DOMAIN_VCPU_LIVE)) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("invalid flag combination: (0x%x)"), flags);
        return FALSE;
    }
    if (!host_cpus_locked(drv, obj, &host, error))
        return FALSE;
    /* The lock was dropped, the job kept: active and persistent still
     * hold, the definitions are the same. */
    if ((flags & VIR_DOMAIN_VCPU_LIVE) &&
        !check_count(obj->live_def, nvcpus, FALSE, host, error))
        return FALSE;
    if (flags & VIR_DOMAIN_VCPU_CONFIG) {
        if (!check_count(obj->persistent_def, nvcpus, maximum, host, error))
            return FALSE;
        next = xvmDomainDefCopy(obj->persistent_def);
        if (maximum)
            def_set_max_vcpus(next, nvcpus);
        else
            next->vcpus_current = nvcpus;
        if (!xvmDomainDefValidate(next, error))
            return FALSE;
    }
    if (flags & VIR_DOMAIN_VCPU_LIVE) {
        int domid = obj->domid;
        guint max = obj->live_def->vcpus;
        gboolean ok;

        xvmDomainObjUnlock(obj);
        ok = write_availability(drv, domid, max, nvcpus, error);
        xvmDomainObjLock(obj);
        if (!ok)
            return FALSE;
        obj->live_def->vcpus_current = nvcpus;
        xvmDriverSaveStatus(drv, obj);
    }
    if (next && !xvmDomainCommitPersistentDef(drv, obj, &next, error))
        return FALSE;
    return TRUE;
}

gboolean
xvmDomainSetVcpus(xvmDriver *drv, xvmDomainObj *obj, guint nvcpus, unsigned int flags,
                  GError **error)
{
    const unsigned int known = VIR_DOMAIN_VCPU_LIVE | VIR_DOMAIN_VCPU_CONFIG |
                               VIR_DOMAIN_VCPU_MAXIMUM;
    gboolean ok;

    if (flags & ~known) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                     flags & ~known, "xvmDomainSetVcpus");
        return FALSE;
    }
    if (nvcpus == 0) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, "%s", _("nvcpus is zero"));
        return FALSE;
    }
    if (!xvmDriverCheckNotHost(obj, _("change the vCPUs of"), error) ||
        !xvmDriverBeginJob(obj, "setvcpus", error))
        return FALSE;
    ok = set_vcpus_job(drv, obj, nvcpus, flags, error);
    xvmDomainObjEndJob(obj);
    return ok;
}

int
xvmDomainGetVcpuCount(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags, GError **error)
{
    const unsigned int known = VIR_DOMAIN_VCPU_LIVE | VIR_DOMAIN_VCPU_CONFIG |
                               VIR_DOMAIN_VCPU_MAXIMUM;
    const xvmDomainDef *def;

    if (flags & ~known) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                     flags & ~known, "xvmDomainGetVcpuCount");
        return -1;
    }
    if (!(flags & (VIR_DOMAIN_VCPU_LIVE | VIR_DOMAIN_VCPU_CONFIG)))
        flags |= xvmDomainObjIsActive(obj) ? VIR_DOMAIN_VCPU_LIVE : VIR_DOMAIN_VCPU_CONFIG;
    if ((flags & VIR_DOMAIN_VCPU_LIVE) && (flags & VIR_DOMAIN_VCPU_CONFIG)) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("invalid flag combination: (0x%x)"), flags);
        return -1;
    }
    if (flags & VIR_DOMAIN_VCPU_LIVE) {
        if (!xvmDriverCheckActive(obj, error))
            return -1;
        def = obj->live_def;
    } else {
        if (!(def = obj->persistent_def)) {
            xvmConfError(error, VIR_ERR_OPERATION_INVALID, "%s", _("domain is transient"));
            return -1;
        }
    }
    return (flags & VIR_DOMAIN_VCPU_MAXIMUM) ? (int)def->vcpus : (int)current_vcpus(def);
}

/* ---- information -------------------------------------------------------- */

static int
vcpu_state(const struct hv_vcpuinfo *vi)
{
    if (!vi->online)
        return VIR_VCPU_OFFLINE;
    if (vi->blocked && !vi->running)
        return VIR_VCPU_BLOCKED;
    return VIR_VCPU_RUNNING;
}

/* Call unlocked. */
static int
read_vcpus(xvmDriver *drv, int domid, const char *name, guint n, xvmVcpuInfo *info,
           guint8 *cpumaps, int maplen, GError **error)
{
    g_autoptr(GError) hv_err = NULL;
    struct hv_physinfo phys;
    g_autofree guint8 *map = NULL;
    gsize hv_maplen;
    hv_t *hv = xvmDriverHvAcquire(drv, error);
    int ret = -1;

    if (!hv)
        return -1;
    if (!hv_physinfo(hv, &phys, &hv_err)) {
        xvmDriverHvError(error, g_steal_pointer(&hv_err), _("read the host of"), name);
        goto out;
    }
    hv_maplen = (phys.nr_cpus + 7) / 8;
    map = g_malloc0(MAX(hv_maplen, 1));
    for (guint i = 0; i < n; i++) {
        struct hv_vcpuinfo vi;

        if (!hv_vcpu_getinfo(hv, (guint32)domid, i, &vi, &hv_err)) {
            xvmDriverHvError(error, g_steal_pointer(&hv_err), _("read the vCPUs of"), name);
            goto out;
        }
        info[i].number = i;
        info[i].state = vcpu_state(&vi);
        info[i].cpu_time_ns = vi.cpu_time_ns;
        info[i].cpu = (int)vi.cpu;
        if (!cpumaps || maplen <= 0)
            continue;
        if (!hv_vcpu_get_affinity(hv, (guint32)domid, i, map, hv_maplen, &hv_err)) {
            xvmDriverHvError(error, g_steal_pointer(&hv_err), _("read the vCPU affinity of"),
                             name);
            goto out;
        }
        memcpy(cpumaps + (gsize)i * (gsize)maplen, map, MIN((gsize)maplen, hv_maplen));
    }
    ret = (int)n;
 out:
    xvmDriverHvRelease(drv, hv);
    return ret;
}

int
xvmDomainGetVcpuInfo(xvmDriver *drv, xvmDomainObj *obj, xvmVcpuInfo *info, int maxinfo,
                     guint8 *cpumaps, int maplen, GError **error)
{
    int domid;
    guint n;
    int ret;

    if (!xvmDriverCheckActive(obj, error))
        return -1;
    if (maxinfo < 1) {
        xvmConfError(error, VIR_ERR_INVALID_ARG,
                     _("%s in %s must be greater than zero"), "maxinfo", "virDomainGetVcpus");
        return -1;
    }
    domid = obj->domid;
    n = MIN((guint)maxinfo, obj->live_def->vcpus);
    xvmDomainObjUnlock(obj);
    ret = read_vcpus(drv, domid, obj->name, n, info, cpumaps, maplen, error);
    xvmDomainObjLock(obj);
    return ret;
}

/* ---- pinning ------------------------------------------------------------ */

/* The pin of vCPU `vcpu` becomes `mask` (copied); the array stays sorted. */
static void
def_set_pin(xvmDomainDef *def, guint vcpu, const xvmBitmap *mask)
{
    xvmDomainVcpuPinDef *pin;
    guint i;

    for (i = 0; i < def->vcpupins->len; i++) {
        pin = g_ptr_array_index(def->vcpupins, i);
        if (pin->vcpu == vcpu) {
            xvmBitmapFree(pin->cpumask);
            pin->cpumask = xvmBitmapCopy(mask);
            return;
        }
        if (pin->vcpu > vcpu)
            break;
    }
    pin = xvmDomainVcpuPinDefNew();
    pin->vcpu = vcpu;
    pin->cpumask = xvmBitmapCopy(mask);
    g_ptr_array_insert(def->vcpupins, (gint)i, pin);
}

static xvmBitmap *
cpumap_to_bitmap(const guint8 *cpumap, gsize maplen, GError **error)
{
    g_autoptr(xvmBitmap) mask = xvmBitmapNew(XVM_CPUSET_MAX_CPUS);

    for (gsize byte = 0; byte < maplen; byte++) {
        for (guint bit = 0; bit < 8; bit++) {
            guint cpu = (guint)byte * 8 + bit;

            if (!(cpumap[byte] & (1u << bit)))
                continue;
            if (!xvmBitmapSet(mask, cpu)) {
                xvmConfError(error, VIR_ERR_INVALID_ARG,
                             _("CPU %u is out of range: host CPUs are numbered below %d"),
                             cpu, XVM_CPUSET_MAX_CPUS);
                return NULL;
            }
        }
    }
    if (xvmBitmapIsEmpty(mask)) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, "%s", _("Empty cpu list for pinning"));
        return NULL;
    }
    return g_steal_pointer(&mask);
}

static gboolean
check_vcpu_online(const xvmDomainDef *def, guint vcpu, GError **error)
{
    if (vcpu < current_vcpus(def))
        return TRUE;
    xvmConfError(error, VIR_ERR_INVALID_ARG, _("vcpu '%u' is not active"), vcpu);
    return FALSE;
}

/* Call unlocked. */
static gboolean
set_affinity(xvmDriver *drv, int domid, const char *name, guint vcpu, const guint8 *cpumap,
             gsize maplen, GError **error)
{
    g_autoptr(GError) hv_err = NULL;
    hv_t *hv = xvmDriverHvAcquire(drv, error);
    gboolean ok;

    if (!hv)
        return FALSE;
    ok = hv_vcpu_set_affinity(hv, (guint32)domid, vcpu, cpumap, maplen, &hv_err);
    xvmDriverHvRelease(drv, hv);
    if (ok)
        return TRUE;
    if (g_error_matches(hv_err, HV_ERROR, EINVAL))
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("cannot pin vCPU %u of domain '%s': %s"),
                     vcpu, name, hv_err->message);
    else
        xvmDriverHvError(error, g_steal_pointer(&hv_err), _("pin a vCPU of"), name);
    return FALSE;
}

static gboolean
pin_vcpu_job(xvmDriver *drv, xvmDomainObj *obj, guint vcpu, const guint8 *cpumap,
             gsize maplen, unsigned int flags, GError **error)
{
    g_autoptr(xvmBitmap) mask = NULL;
    g_autoptr(xvmDomainDef) next = NULL;

    if (!xvmDomainModificationImpact(obj, &flags, error) ||
        !(mask = cpumap_to_bitmap(cpumap, maplen, error)))
        return FALSE;
    if ((flags & VIR_DOMAIN_AFFECT_LIVE) && !check_vcpu_online(obj->live_def, vcpu, error))
        return FALSE;
    if (flags & VIR_DOMAIN_AFFECT_CONFIG) {
        if (!check_vcpu_online(obj->persistent_def, vcpu, error))
            return FALSE;
        next = xvmDomainDefCopy(obj->persistent_def);
        def_set_pin(next, vcpu, mask);
        if (!xvmDomainDefValidate(next, error))
            return FALSE;
    }
    if (flags & VIR_DOMAIN_AFFECT_LIVE) {
        int domid = obj->domid;
        gboolean ok;

        xvmDomainObjUnlock(obj);
        ok = set_affinity(drv, domid, obj->name, vcpu, cpumap, maplen, error);
        xvmDomainObjLock(obj);
        if (!ok)
            return FALSE;
        def_set_pin(obj->live_def, vcpu, mask);
        xvmDriverSaveStatus(drv, obj);
    }
    if (next && !xvmDomainCommitPersistentDef(drv, obj, &next, error))
        return FALSE;
    return TRUE;
}

gboolean
xvmDomainPinVcpu(xvmDriver *drv, xvmDomainObj *obj, guint vcpu, const guint8 *cpumap,
                 gsize maplen, unsigned int flags, GError **error)
{
    const unsigned int known = VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG;
    gboolean ok;

    if (flags & ~known) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                     flags & ~known, "xvmDomainPinVcpu");
        return FALSE;
    }
    if (!xvmDriverCheckNotHost(obj, _("pin the vCPUs of"), error) ||
        !xvmDriverBeginJob(obj, "vcpupin", error))
        return FALSE;
    ok = pin_vcpu_job(drv, obj, vcpu, cpumap, maplen, flags, error);
    xvmDomainObjEndJob(obj);
    return ok;
}

int
xvmDomainGetVcpuPinInfo(xvmDriver *drv, xvmDomainObj *obj, int ncpumaps, guint8 *cpumaps,
                        int maplen, unsigned int flags, GError **error)
{
    const unsigned int known = VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG;
    const xvmDomainDef *def;
    guint host;
    guint n, bits;

    if (flags & ~known) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                     flags & ~known, "xvmDomainGetVcpuPinInfo");
        return -1;
    }
    if (ncpumaps < 1 || maplen < 1) {
        xvmConfError(error, VIR_ERR_INVALID_ARG,
                     _("%s in %s must be greater than zero"),
                     ncpumaps < 1 ? "ncpumaps" : "maplen", "virDomainGetVcpuPinInfo");
        return -1;
    }
    if (!xvmDomainModificationImpact(obj, &flags, error))
        return -1;
    if ((flags & VIR_DOMAIN_AFFECT_LIVE) && (flags & VIR_DOMAIN_AFFECT_CONFIG)) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("invalid flag combination: (0x%x)"), flags);
        return -1;
    }
    if (!host_cpus_locked(drv, obj, &host, error))
        return -1;
    /* Both may have changed while the lock was dropped: look again. */
    if (!xvmDomainModificationImpact(obj, &flags, error))
        return -1;
    def = (flags & VIR_DOMAIN_AFFECT_LIVE) ? obj->live_def : obj->persistent_def;
    n = MIN((guint)ncpumaps, def->vcpus);
    /* No bit past the host's CPUs and the masks' capacity is ever set:
     * a huge maplen costs no more than that. */
    bits = MIN((guint64)maplen * 8, (guint64)MAX(host, XVM_CPUSET_MAX_CPUS));
    for (guint i = 0; i < n; i++) {
        const xvmBitmap *mask = def->cpumask;
        guint8 *out = cpumaps + (gsize)i * (gsize)maplen;

        for (guint p = 0; p < def->vcpupins->len; p++) {
            const xvmDomainVcpuPinDef *pin = g_ptr_array_index(def->vcpupins, p);

            if (pin->vcpu == i)
                mask = pin->cpumask;
        }
        for (guint cpu = 0; cpu < bits; cpu++) {
            gboolean set = mask ? xvmBitmapIsSet(mask, cpu) : cpu < host;

            if (set)
                out[cpu / 8] |= (guint8)(1u << (cpu % 8));
        }
    }
    return (int)n;
}
