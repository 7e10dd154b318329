/*
 * domain_sched.c: the credit scheduler's weight and cap of a domain
 * (domain_resources.h).
 *
 * libvirt's libxl driver reads and sets them live only (its
 * Get/SetSchedulerParametersFlags accept no AFFECT flag) and boots a
 * domain with <cputune><shares> as its weight. Here the weight is also
 * kept in the persistent definition as <shares> (what the start applies,
 * domain_start.c), so `virsh schedinfo --config` works for it; the cap
 * has no element in libvirt's domain XML for Xen and stays live only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_resources.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

/* Call unlocked. */
static gboolean
sched_get(xvmDriver *drv, int domid, const char *name, struct hv_sched_credit *sc,
          GError **error)
{
    g_autoptr(GError) hv_err = NULL;
    hv_t *hv = xvmDriverHvAcquire(drv, error);
    gboolean ok;

    if (!hv)
        return FALSE;
    ok = hv_sched_credit_get(hv, (guint32)domid, sc, &hv_err);
    xvmDriverHvRelease(drv, hv);
    if (!ok)
        xvmDriverHvError(error, g_steal_pointer(&hv_err),
                         _("read the scheduler parameters of"), name);
    return ok;
}

/* Call unlocked: the given fields over the hypervisor's. */
static gboolean
sched_set(xvmDriver *drv, int domid, const char *name, const xvmSchedCredit *in,
          GError **error)
{
    g_autoptr(GError) hv_err = NULL;
    struct hv_sched_credit sc;
    hv_t *hv = xvmDriverHvAcquire(drv, error);
    gboolean ok;

    if (!hv)
        return FALSE;
    ok = hv_sched_credit_get(hv, (guint32)domid, &sc, &hv_err);
    if (ok) {
        if (in->has_weight)
            sc.weight = (uint16_t)in->weight;
        if (in->has_cap)
            sc.cap = (uint16_t)in->cap;
        ok = hv_sched_credit_set(hv, (guint32)domid, &sc, &hv_err);
    }
    xvmDriverHvRelease(drv, hv);
    if (ok)
        return TRUE;
    if (g_error_matches(hv_err, HV_ERROR, EINVAL))
        xvmConfError(error, VIR_ERR_INVALID_ARG,
                     _("cannot set the scheduler parameters of domain '%s': %s"), name,
                     hv_err->message);
    else
        xvmDriverHvError(error, g_steal_pointer(&hv_err),
                         _("set the scheduler parameters of"), name);
    return FALSE;
}

gboolean
xvmDomainGetSchedCredit(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags,
                        xvmSchedCredit *out, GError **error)
{
    const unsigned int known = VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                               VIR_TYPED_PARAM_STRING_OKAY;
    struct hv_sched_credit sc;
    gboolean ok;
    int domid;

    memset(out, 0, sizeof(*out));
    if (flags & ~known) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                     flags & ~known, "xvmDomainGetSchedCredit");
        return FALSE;
    }
    /* No parameter is a string: the flag changes nothing. */
    flags &= ~VIR_TYPED_PARAM_STRING_OKAY;
    if (!xvmDomainModificationImpact(obj, &flags, error))
        return FALSE;
    if ((flags & VIR_DOMAIN_AFFECT_LIVE) && (flags & VIR_DOMAIN_AFFECT_CONFIG)) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("invalid flag combination: (0x%x)"), flags);
        return FALSE;
    }
    if (flags & VIR_DOMAIN_AFFECT_CONFIG) {
        const xvmDomainDef *def = obj->persistent_def;

        out->has_weight = TRUE;
        out->weight = def->cputune_shares_set ? def->cputune_shares
                                              : XVM_SCHED_CREDIT_DEFAULT_WEIGHT;
        return TRUE;
    }
    domid = obj->domid;
    xvmDomainObjUnlock(obj);
    ok = sched_get(drv, domid, obj->name, &sc, error);
    xvmDomainObjLock(obj);
    if (!ok)
        return FALSE;
    out->has_weight = out->has_cap = TRUE;
    out->weight = sc.weight;
    out->cap = sc.cap;
    return TRUE;
}

static gboolean
check_values(const xvmSchedCredit *in, guint vcpus, GError **error)
{
    if (in->has_weight &&
        (in->weight < XVM_DOMAIN_CPU_WEIGHT_MIN || in->weight > XVM_DOMAIN_CPU_WEIGHT_MAX)) {
        xvmConfError(error, VIR_ERR_INVALID_ARG,
                     _("weight %u is out of range: the credit scheduler takes %d to %d"),
                     in->weight, XVM_DOMAIN_CPU_WEIGHT_MIN, XVM_DOMAIN_CPU_WEIGHT_MAX);
        return FALSE;
    }
    if (in->has_cap && in->cap > 100 * vcpus) {
        xvmConfError(error, VIR_ERR_INVALID_ARG,
                     _("cap %u is out of range: at most 100 per vCPU, %u for this domain"),
                     in->cap, 100 * vcpus);
        return FALSE;
    }
    return TRUE;
}

static gboolean
set_sched_job(xvmDriver *drv, xvmDomainObj *obj, const xvmSchedCredit *in,
              unsigned int flags, GError **error)
{
    g_autoptr(xvmDomainDef) next = NULL;

    if (!xvmDomainModificationImpact(obj, &flags, error))
        return FALSE;
    if (flags & VIR_DOMAIN_AFFECT_LIVE) {
        /* The hypervisor's bound for the cap is the domain's maximum. */
        if (!check_values(in, obj->live_def->vcpus, error))
            return FALSE;
    }
    if (flags & VIR_DOMAIN_AFFECT_CONFIG) {
        if (in->has_cap) {
            xvmConfError(error, VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                         _("the credit scheduler's cap cannot be kept in the persistent "
                           "configuration: set it on the running domain"));
            return FALSE;
        }
        if (!check_values(in, obj->persistent_def->vcpus, error))
            return FALSE;
        next = xvmDomainDefCopy(obj->persistent_def);
        if (in->has_weight) {
            next->cputune_shares_set = TRUE;
            next->cputune_shares = in->weight;
        }
        if (!xvmDomainDefValidate(next, error))
            return FALSE;
    }
    if (flags & VIR_DOMAIN_AFFECT_LIVE) {
        int domid = obj->domid;
        gboolean ok;

        xvmDomainObjUnlock(obj);
        ok = sched_set(drv, domid, obj->name, in, error);
        xvmDomainObjLock(obj);
        if (!ok)
            return FALSE;
        if (in->has_weight) {
            obj->live_def->cputune_shares_set = TRUE;
            obj->live_def->cputune_shares = in->weight;
            xvmDriverSaveStatus(drv, obj);
        }
    }
    if (next && !xvmDomainCommitPersistentDef(drv, obj, &next, error))
        return FALSE;
    return TRUE;
}

gboolean
xvmDomainSetSchedCredit(xvmDriver *drv, xvmDomainObj *obj, const xvmSchedCredit *in,
                        unsigned int flags, GError **error)
{
    const unsigned int known = VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG;
    gboolean ok;

    if (flags & ~known) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                     flags & ~known, "xvmDomainSetSchedCredit");
        return FALSE;
    }
    if (!xvmDriverCheckNotHost(obj, _("change the scheduler parameters of"), error) ||
        !xvmDriverBeginJob(obj, "schedinfo", error))
        return FALSE;
    ok = set_sched_job(drv, obj, in, flags, error);
    xvmDomainObjEndJob(obj);
    return ok;
}
