/*
 * driver_reconnect.c: xvmd starting again while domains run — each
 * status file (RUN/NAME.xml) against the hypervisor's table — and
 * Domain-0's entry.
 *
 *   the status's domid exists, same UUID, not dying
 *        -> attached with its recorded id, state and reason; if it shut
 *           down meanwhile, the scan that follows applies its action
 *   otherwise (gone, dying, or the id now belongs to another domain)
 *        -> the status is deleted; a persistent domain stays shut off
 *           with reason unknown (libvirt's reconnect failure); unless the
 *           id is another domain's, its leftovers (a dying domain, its
 *           xenstore entries) are removed
 * An attached domain found suspended (a save cut short with the daemon)
 * has its suspend cancelled: it runs on.
 * Hypervisor domains without a status are not the driver's: left alone,
 * as libxl-based toolstacks leave each other's domains.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "driver.h"

#include <glib/gi18n.h>
#include <string.h>
#include <xen/sched.h>

#include "driver_internal.h"

static const struct hv_dominfo *
find_info(const struct hv_dominfo *list, size_t n, guint32 domid)
{
    for (size_t i = 0; i < n; i++)
        if (list[i].domid == domid)
            return &list[i];
    return NULL;
}

/* A domain the hypervisor no longer runs: forget its status. */
static void
drop_status(xvmDriver *drv, xvmDomainStatus *st, gboolean teardown)
{
    g_autoptr(GError) err = NULL;

    g_info("domain '%s' (id %d) is no longer running", st->def->name, st->domid);
    if (!xvmDomainStatusDelete(drv->store, st->def->name, &err))
        g_warning(_("domain '%s': %s"), st->def->name, err->message);
    if (teardown)
        xvmDomainTeardown(drv, (guint32)st->domid, &st->def->uuid);
}

/* The attached domain (locked) is suspended, by a save that died with
 * the previous daemon (the save holds its job while the domain is
 * suspended): nobody will save it now. It runs again, as after a
 * cancelled suspend, paused again if it was. */
static void
cancel_stale_suspend(xvmDriver *drv, xvmDomainObj *obj)
{
    g_autoptr(GError) err = NULL;
    guint32 domid = (guint32)obj->domid;
    gboolean paused = xvmDomainObjGetState(obj, NULL) == VIR_DOMAIN_PAUSED;
    hv_t *hv = xvmDriverHvAcquire(drv, &err);

    g_info("domain '%s' (id %u) was left suspended: its suspend is cancelled", obj->name,
           domid);
    if (!hv || !hv_domain_resume(hv, domid, &err) ||
        (paused && !hv_domain_pause(hv, domid, &err)))
        g_warning(_("domain '%s': cannot cancel its suspend: %s"), obj->name, err->message);
    xvmDriverHvRelease(drv, hv);
}

static void
reconnect_one(xvmDriver *drv, xvmDomainStatus *st, const struct hv_dominfo *list, size_t n)
{
    const struct hv_dominfo *info = find_info(list, n, (guint32)st->domid);
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj;

    gboolean same = info && memcmp(info->uuid, st->def->uuid.bytes, sizeof(info->uuid)) == 0;

    if (!same || (info->flags & HV_DOMINF_DYING)) {
        /* Its leftovers are removed unless the id is another domain's. */
        drop_status(drv, st, !info || same);
        return;
    }
    if (!(obj = xvmDomainStatusAttach(drv->domains, st, &err))) {
        g_warning(_("cannot attach running domain %d: %s"), st->domid, err->message);
        return;
    }
    g_info("domain '%s' runs as id %d", obj->name, obj->domid);
    if ((info->flags & HV_DOMINF_SHUTDOWN) && info->shutdown_reason == SHUTDOWN_suspend)
        cancel_stale_suspend(drv, obj);
    xvmDomainObjEndAPI(&obj);
}

/* Domain-0's definition from its hypervisor entry. */
static xvmDomainDef *
host_def(const struct hv_dominfo *info)
{
    xvmDomainDef *def = xvmDomainDefNew();

    def->name = g_strdup(XVM_DOMAIN0_NAME);
    memcpy(def->uuid.bytes, info->uuid, sizeof(def->uuid.bytes));
    def->memory = info->max_pages * (HV_PAGE_SIZE / 1024);
    def->current_memory = info->tot_pages * (HV_PAGE_SIZE / 1024);
    if (def->memory < def->current_memory)
        def->memory = def->current_memory;
    def->vcpus = info->max_vcpu_id + 1;
    def->vcpus_current = info->nr_online_vcpus ? info->nr_online_vcpus : def->vcpus;
    def->on_poweroff = XVM_DOMAIN_LIFECYCLE_ACTION_DESTROY;
    def->on_reboot = XVM_DOMAIN_LIFECYCLE_ACTION_RESTART;
    def->on_crash = XVM_DOMAIN_LIFECYCLE_ACTION_RESTART;
    return def;
}

gboolean
xvmDriverReconnect(xvmDriver *drv, GError **error)
{
    g_autofree struct hv_dominfo *list = NULL;
    g_autoptr(GPtrArray) statuses = NULL;
    g_autoptr(GError) err = NULL;
    const struct hv_dominfo *host;
    size_t n = 0;
    hv_t *hv;

    if (!(hv = xvmDriverHvAcquire(drv, error)))
        return FALSE;
    if (!hv_domain_list(hv, &list, &n, &err)) {
        xvmDriverHvRelease(drv, hv);
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                     _("cannot list the hypervisor's domains: %s"), err->message);
        return FALSE;
    }
    xvmDriverHvRelease(drv, hv);

    statuses = xvmDomainStatusLoadAll(drv->store);
    for (guint i = 0; i < statuses->len; i++)
        reconnect_one(drv, g_ptr_array_index(statuses, i), list, n);

    if ((host = find_info(list, n, XVM_DOMID_HOST))) {
        g_autoptr(xvmDomainDef) def = host_def(host);
        xvmDomainObj *obj;

        if (!(obj = xvmDomainListAddHost(drv->domains, &def, &err))) {
            g_warning(_("cannot list %s: %s"), XVM_DOMAIN0_NAME, err->message);
            g_clear_error(&err);
        }
        xvmDomainObjEndAPI(&obj);
    }
    return TRUE;
}
