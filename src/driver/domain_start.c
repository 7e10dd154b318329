/*
 * domain_start.c: booting a domain (virDomainCreate*), as libxl does:
 *
 *   create (paused, empty) -> max memory -> build (kernel or firmware,
 *   memory, xenstore and console pages) -> the xenstore tree in one
 *   transaction -> INTRODUCE -> wait for the backends (hotplug) ->
 *   vCPU affinity, credit weight -> unpause
 *
 * From the moment the hypervisor domain exists the object is active with
 * its domid, PAUSED/STARTING_UP, so that a crash during the start is
 * found by its id and a concurrent listing sees it starting. Any failure
 * tears everything down (xvmDomainStopJob): nothing stays in xenstore or
 * in the hypervisor's table.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_lifecycle.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dom0_block.h"
#include "dom0_net.h"
#include "domain_backends.h"
#include "domain_xs_layout.h"
#include "driver_internal.h"

static enum hv_domain_type
hv_type(const xvmDomainDef *def)
{
    switch (def->os.type) {
    case XVM_DOMAIN_OS_TYPE_HVM:
        return HV_DOMAIN_HVM;
    case XVM_DOMAIN_OS_TYPE_XENPVH:
        return HV_DOMAIN_PVH;
    default:
        return HV_DOMAIN_PV;
    }
}

/* <timer name='tsc' mode=...> as Xen's tsc_mode (libxl's mapping);
 * no timer or mode 'auto' is Xen's default. */
static enum hv_tsc_mode
hv_tsc_mode(const xvmDomainDef *def)
{
    const xvmDomainTimerDef *tsc = &def->clock.timers[XVM_DOMAIN_TIMER_NAME_TSC];

    if (!tsc->set)
        return HV_TSC_DEFAULT;
    switch (tsc->mode) {
    case XVM_DOMAIN_TIMER_MODE_NATIVE:
        return HV_TSC_NATIVE;
    case XVM_DOMAIN_TIMER_MODE_EMULATE:
        return HV_TSC_ALWAYS_EMULATE;
    default:                            /* none, auto; paravirt is refused */
        return HV_TSC_DEFAULT;
    }
}

/* What the driver cannot boot, refused before anything is created. */
static gboolean
check_bootable(const xvmDomainDef *def, GError **error)
{
    const xvmXsBuildInfo probe = { .domid = XVM_DOMID_MIN };
    g_autoptr(GPtrArray) layout = NULL;

    if (def->os.type != XVM_DOMAIN_OS_TYPE_HVM && !def->os.kernel) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("domain '%s' has no <kernel>: booting PV and PVH guests "
                       "through a bootloader is not supported"), def->name);
        return FALSE;
    }
    if (def->os.cmdline && strlen(def->os.cmdline) > 1023) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("domain '%s': the kernel command line is longer than 1023 bytes"),
                     def->name);
        return FALSE;
    }
    /* The timers: the TSC mode is Xen's (set at creation); the driver
     * does not set the HPET parameter, so an HVM guest's HPET is there
     * as Xen makes it. native_paravirt was removed from Xen (4.10). */
    {
        const xvmDomainTimerDef *tsc = &def->clock.timers[XVM_DOMAIN_TIMER_NAME_TSC];
        const xvmDomainTimerDef *hpet = &def->clock.timers[XVM_DOMAIN_TIMER_NAME_HPET];

        if (tsc->set && tsc->mode == XVM_DOMAIN_TIMER_MODE_PARAVIRT) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("domain '%s': <timer name='tsc' mode='paravirt'/> (xl tsc_mode "
                           "native_paravirt) was removed from Xen 4.10"),
                         def->name);
            return FALSE;
        }
        if (hpet->set && hpet->present == XVM_TRISTATE_BOOL_NO) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("domain '%s': <timer name='hpet' present='no'/> (xl hpet = 0) is "
                           "not supported: this driver cannot disable the HPET of an HVM guest"),
                         def->name);
            return FALSE;
        }
    }
    /* The tree is refused for devices the backends cannot serve: known
     * before the domain exists (the domid does not change the verdict). */
    layout = xvmXsDomainLayout(def, &probe, error);
    return layout != NULL;
}

/* The hard affinity of vCPU `vcpu`: its <vcpupin>, else <vcpu cpuset>,
 * else NULL (any CPU). */
static const xvmBitmap *
vcpu_cpumask(const xvmDomainDef *def, guint vcpu)
{
    for (guint i = 0; def->vcpupins && i < def->vcpupins->len; i++) {
        const xvmDomainVcpuPinDef *pin = g_ptr_array_index(def->vcpupins, i);

        if (pin->vcpu == vcpu)
            return pin->cpumask;
    }
    return def->cpumask;
}

static gboolean
apply_cputune(xvmDriver *drv, hv_t *hv, const xvmDomainDef *def, guint32 domid,
              GError **error)
{
    struct hv_physinfo phys;
    g_autoptr(GError) hv_err = NULL;

    if (!hv_physinfo(hv, &phys, &hv_err)) {
        xvmDriverHvError(error, g_steal_pointer(&hv_err), _("read the host of"), def->name);
        return FALSE;
    }
    for (guint v = 0; v < def->vcpus; v++) {
        const xvmBitmap *mask = vcpu_cpumask(def, v);
        gsize maplen = (phys.nr_cpus + 7) / 8;
        g_autofree guint8 *map = NULL;

        if (!mask)
            continue;
        map = g_malloc0(maplen);
        for (guint cpu = 0; cpu < phys.nr_cpus; cpu++)
            if (xvmBitmapIsSet(mask, cpu))
                map[cpu / 8] |= (guint8)(1u << (cpu % 8));
        if (!hv_vcpu_set_affinity(hv, domid, v, map, maplen, &hv_err)) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("domain '%s': cannot pin vCPU %u: %s"), def->name, v,
                         hv_err->message);
            return FALSE;
        }
    }
    if (def->cputune_shares_set) {
        struct hv_sched_credit sc;

        if (!hv_sched_credit_get(hv, domid, &sc, &hv_err) ||
            (sc.weight = (uint16_t)def->cputune_shares,
             !hv_sched_credit_set(hv, domid, &sc, &hv_err))) {
            xvmDriverHvError(error, g_steal_pointer(&hv_err),
                             _("set the scheduler weight of"), def->name);
            return FALSE;
        }
    }
    return TRUE;
}

/* The debug log's account of a start (xvmd --verbose): how long STEP of
 * domain NAME took since *since, which becomes now. Cheap enough to stay:
 * one clock read per step of an operation that takes seconds. */
static void
log_step(const char *name, const char *step, gint64 *since)
{
    gint64 now = g_get_monotonic_time();

    g_debug("domain '%s': start: %s took %.3f s", name, step,
            (double)(now - *since) / G_USEC_PER_SEC);
    *since = now;
}

/* On real Xen nothing in dom0 runs the hotplug scripts (no udev rule;
 * libxl runs them itself): the driver does the disks' work
 * (dom0_block.h) and runs the vifs' script (dom0_net.h). The simulated
 * machine's backends do it for themselves. */
static gboolean
dom0_hotplug(hv_t *hv, xvmXsConn *conn, const GPtrArray *backends, guint timeout_ms,
             GError **error)
{
    if (strcmp(hv_backend_name(hv), "xen") != 0)
        return TRUE;
    for (guint i = 0; i < backends->len; i++) {
        const xvmBackendRef *ref = g_ptr_array_index((GPtrArray *)backends, i);

        if (strstr(ref->path, "/backend/vbd/") && !xvmDom0BlockAttach(conn, ref->path, error))
            return FALSE;
        if (strstr(ref->path, "/backend/vif/") &&
            !xvmDom0NetOnline(conn, ref->path, ref->what, timeout_ms, error))
            return FALSE;
    }
    return TRUE;
}

gboolean
xvmDomainStartFinish(xvmDriver *drv, xvmDomainObj *obj, hv_t *hv,
                     const struct hv_build_result *res, const xvmStartHow *how,
                     GError **error)
{
    const xvmDomainDef *def = obj->live_def;   /* stable while the job is held */
    guint32 domid = (guint32)obj->domid;
    xvmXsBuildInfo bi = {
        .domid = domid,
        .backend_domid = 0,
        .store_gfn = res->store_gfn,
        .store_port = res->store_port,
        .console_gfn = res->console_gfn,
        .console_port = res->console_port,
        .start_time = g_get_real_time() / G_USEC_PER_SEC,
    };
    g_autoptr(GPtrArray) layout = NULL;
    g_autoptr(GPtrArray) backends = NULL;
    g_autoptr(xvmXsConn) conn = NULL;
    g_autoptr(GError) err = NULL;
    gint64 t = g_get_monotonic_time();
    gboolean ok = FALSE;

    xvmDomainObjUnlock(obj);
    if (!(layout = xvmXsDomainLayout(def, &bi, error)) ||
        !(conn = xvmXsConnOpen(drv->cfg.xenstored_path, error)) ||
        !xvmXsWriteEntries(conn, layout, error))
        goto out;
    log_step(def->name, "the xenstore tree", &t);
    if (!xs_introduce(conn->xs, domid, res->store_gfn, res->store_port, &err)) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                     _("cannot introduce domain '%s' to xenstored: %s"), def->name,
                     err->message);
        goto out;
    }
    log_step(def->name, "INTRODUCE", &t);
    backends = xvmDomainBackends(def, domid, 0);
    if (!dom0_hotplug(hv, conn, backends, drv->cfg.backend_timeout_ms, error) ||
        !xvmWaitBackends(conn, backends, drv->cfg.backend_timeout_ms, error))
        goto out;
    log_step(def->name, "the backends", &t);
    if (!apply_cputune(drv, hv, def, domid, error))
        goto out;
    if (!how->paused && !hv_domain_unpause(hv, domid, &err)) {
        xvmDriverHvError(error, g_steal_pointer(&err), _("unpause"), def->name);
        goto out;
    }
    log_step(def->name, "tuning and unpause", &t);
    ok = TRUE;

 out:
    xvmDomainObjLock(obj);
    if (!ok)
        return FALSE;
    /* As libxl: an interface without a name has Xen's, vifDOMID.DEVID
     * (its devid at start is its index: xvmXsDomainLayout). */
    for (guint i = 0; i < obj->live_def->nets->len; i++) {
        xvmDomainNetDef *net = g_ptr_array_index(obj->live_def->nets, i);

        if (!net->ifname)
            net->ifname = g_strdup_printf("vif%u.%u", domid, i);
    }
    if (how->paused)
        xvmDomainObjSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    else
        xvmDomainObjSetState(obj, VIR_DOMAIN_RUNNING, how->reason);
    xvmDriverSaveStatus(drv, obj);
    xvmDriverEmitLifecycle(drv, obj, VIR_DOMAIN_EVENT_STARTED, how->detail);
    if (how->paused)
        xvmDriverEmitLifecycle(drv, obj, VIR_DOMAIN_EVENT_SUSPENDED,
                               VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    log_step(obj->name, "the status file and events", &t);
    return TRUE;
}

gboolean
xvmDomainCreateJob(xvmDriver *drv, xvmDomainObj *obj, hv_t *hv, GError **error)
{
    const xvmDomainDef *def = obj->live_def;   /* stable while the job is held */
    struct hv_create_config cc = {
        .type = hv_type(def),
        .max_vcpus = def->vcpus,
        .tsc_mode = hv_tsc_mode(def),
    };
    g_autoptr(GError) err = NULL;
    gint64 t = g_get_monotonic_time();
    uint32_t domid;

    if (!check_bootable(def, error))
        return FALSE;
    memcpy(cc.uuid, def->uuid.bytes, sizeof(cc.uuid));
    xvmDomainObjUnlock(obj);
    if (!hv_domain_create(hv, &cc, &domid, &err)) {
        xvmDomainObjLock(obj);
        xvmDriverHvError(error, g_steal_pointer(&err), _("create"), obj->name);
        return FALSE;
    }
    xvmDomainObjLock(obj);
    if (!xvmDomainListSetActive(drv->domains, obj, (int)domid, VIR_DOMAIN_PAUSED,
                                VIR_DOMAIN_PAUSED_STARTING_UP, error)) {
        xvmDomainObjUnlock(obj);
        xvmDomainTeardown(drv, domid, &def->uuid);
        xvmDomainObjLock(obj);
        return FALSE;
    }
    xvmDomainObjUnlock(obj);
    if (!hv_domain_set_max_mem(hv, domid, def->memory, &err)) {
        xvmDomainObjLock(obj);
        xvmDriverHvError(error, g_steal_pointer(&err), _("set the memory of"), def->name);
        return FALSE;
    }
    xvmDomainObjLock(obj);
    log_step(def->name, "create", &t);
    return TRUE;
}

/* Loads the kernel (or firmware) and the memory into the created domain. */
static gboolean
build(xvmDomainObj *obj, hv_t *hv, struct hv_build_result *res, GError **error)
{
    const xvmDomainDef *def = obj->live_def;
    gboolean hvm = def->os.type == XVM_DOMAIN_OS_TYPE_HVM;
    struct hv_build_config bc = {
        .kernel = hvm ? NULL : def->os.kernel,
        .ramdisk = hvm ? NULL : def->os.initrd,
        .cmdline = def->os.cmdline,
        .memory_kib = def->current_memory ? def->current_memory : def->memory,
        .store_domid = 0,
        .console_domid = 0,
    };
    g_autoptr(GError) err = NULL;
    guint32 domid = (guint32)obj->domid;
    gint64 t = g_get_monotonic_time();
    gboolean ok;

    xvmDomainObjUnlock(obj);
    ok = hv_domain_build(hv, domid, &bc, res, &err);
    xvmDomainObjLock(obj);
    if (ok)
        log_step(def->name, "the build", &t);
    else
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("cannot build domain '%s': %s"),
                     def->name, err->message);
    return ok;
}

void
xvmDomainStartAbortJob(xvmDriver *drv, xvmDomainObj *obj)
{
    if (xvmDomainObjIsActive(obj))
        xvmDomainStopJob(drv, obj, VIR_DOMAIN_SHUTOFF_FAILED);
    else
        xvmDomainListSetInactive(drv->domains, obj, VIR_DOMAIN_SHUTOFF_FAILED);
}

gboolean
xvmDomainStartJob(xvmDriver *drv, xvmDomainObj *obj, const xvmStartHow *how,
                  GError **error)
{
    g_autoptr(GError) err = NULL;
    struct hv_build_result res;
    hv_t *hv = NULL;
    gboolean ok;

    /* Refused for an active domain, which stays as it is. */
    if (!xvmDomainObjPrepareLiveDef(obj, error))
        return FALSE;
    ok = (hv = xvmDriverHvAcquire(drv, &err)) &&
         xvmDomainCreateJob(drv, obj, hv, &err) &&
         build(obj, hv, &res, &err) &&
         xvmDomainStartFinish(drv, obj, hv, &res, how, &err);
    xvmDriverHvRelease(drv, hv);
    if (ok)
        return TRUE;
    g_info("domain '%s' failed to start: %s", obj->name, err->message);
    xvmDomainStartAbortJob(drv, obj);
    g_propagate_error(error, g_steal_pointer(&err));
    return FALSE;
}

static const xvmStartHow boot_running = {
    FALSE, VIR_DOMAIN_RUNNING_BOOTED, VIR_DOMAIN_EVENT_STARTED_BOOTED,
};
static const xvmStartHow boot_paused = {
    TRUE, VIR_DOMAIN_RUNNING_BOOTED, VIR_DOMAIN_EVENT_STARTED_BOOTED,
};

gboolean
xvmDomainStart(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags, GError **error)
{
    gboolean ok;

    if (flags & ~(VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_FORCE_BOOT)) {
        xvmConfError(error, VIR_ERR_INVALID_ARG,
                     _("unsupported flags (0x%x) in function %s"),
                     flags & ~(VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_FORCE_BOOT),
                     "xvmDomainStart");
        return FALSE;
    }
    if (!xvmDriverCheckNotHost(obj, _("start"), error) ||
        !xvmDriverBeginJob(obj, "start", error))
        return FALSE;
    if (xvmDomainObjIsActive(obj)) {
        xvmConfError(error, VIR_ERR_OPERATION_INVALID, "%s", _("domain is already running"));
        ok = FALSE;
    } else if (obj->has_managed_save && !(flags & VIR_DOMAIN_START_FORCE_BOOT)) {
        ok = xvmDomainStartManagedJob(drv, obj, (flags & VIR_DOMAIN_START_PAUSED) != 0, error);
    } else if (obj->has_managed_save && !xvmDomainManagedSaveDiscardJob(drv, obj, error)) {
        ok = FALSE;
    } else {
        ok = xvmDomainStartJob(drv, obj, (flags & VIR_DOMAIN_START_PAUSED) ? &boot_paused
                                                                          : &boot_running,
                               error);
    }
    xvmDomainObjEndJob(obj);
    return ok;
}

xvmDomainObj *
xvmDomainAddLiveJob(xvmDriver *drv, xvmDomainDef **def, const char *job, GError **error)
{
    g_autoptr(xvmDomainDef) owned = g_steal_pointer(def);
    xvmDomainObj *obj;

    if (!(obj = xvmDomainListFindByUUID(drv->domains, &owned->uuid, NULL))) {
        if (!(obj = xvmDomainListAdd(drv->domains, &owned, XVM_DOMAIN_LIST_ADD_LIVE, NULL,
                                     error)))
            return NULL;
        if (xvmDriverBeginJob(obj, job, error))
            return obj;
        /* Still inactive and never started: undo the add. */
        if (!xvmDomainObjIsActive(obj) && !obj->job)
            xvmDomainListSetInactive(drv->domains, obj, VIR_DOMAIN_SHUTOFF_UNKNOWN);
        xvmDomainObjEndAPI(&obj);
        return NULL;
    }
    /* Known: the job first, so that the live definition of a start or
     * restore under way is never replaced under it. */
    if (!xvmDriverBeginJob(obj, job, error)) {
        xvmDomainObjEndAPI(&obj);
        return NULL;
    }
    if (strcmp(obj->name, owned->name) != 0) {
        char uuidstr[XVM_UUID_STRING_BUFLEN];

        xvmUuidFormat(&obj->uuid, uuidstr);
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("domain '%s' is already defined with uuid %s"), obj->name, uuidstr);
    } else if (xvmDomainObjIsActive(obj)) {
        xvmConfError(error, VIR_ERR_OPERATION_INVALID, _("domain '%s' is already active"),
                     obj->name);
    } else {
        /* Inactive with the job held: no start is under way, and the live
         * definition a failed one may have left is stale. */
        xvmDomainDefFree(obj->live_def);
        obj->live_def = g_steal_pointer(&owned);
        return obj;
    }
    xvmDomainObjEndJob(obj);
    xvmDomainObjEndAPI(&obj);
    return NULL;
}

xvmDomainObj *
xvmDomainCreateXML(xvmDriver *drv, const char *xml, unsigned int flags, GError **error)
{
    g_autoptr(xvmDomainDef) def = NULL;
    xvmDomainObj *obj;
    gboolean ok;

    if (flags & ~VIR_DOMAIN_START_PAUSED) {
        xvmConfError(error, VIR_ERR_INVALID_ARG,
                     _("unsupported flags (0x%x) in function %s"),
                     flags & ~VIR_DOMAIN_START_PAUSED, "xvmDomainCreateXML");
        return NULL;
    }
    if (!xml) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, "%s", _("no domain XML given"));
        return NULL;
    }
    if (!(def = xvmDomainDefParseString(xml, -1, XVM_DOMAIN_PARSE_INACTIVE, error)))
        return NULL;
    if (g_strcmp0(def->name, XVM_DOMAIN0_NAME) == 0) {
        xvmConfError(error, VIR_ERR_OPERATION_INVALID,
                     _("cannot start %s: it is the host's domain"), XVM_DOMAIN0_NAME);
        return NULL;
    }
    if (!(obj = xvmDomainAddLiveJob(drv, &def, "start", error)))
        return NULL;
    ok = xvmDomainStartJob(drv, obj, (flags & VIR_DOMAIN_START_PAUSED) ? &boot_paused
                                                                      : &boot_running,
                           error);
    xvmDomainObjEndJob(obj);
    if (!ok)
        xvmDomainObjEndAPI(&obj);
    return obj;
}
