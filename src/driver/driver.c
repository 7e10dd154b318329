/*
 * driver.c: the driver context (see driver.h) — opening and closing it,
 * the hypervisor handles, event delivery, workers, waiting for guests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "driver.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>

#include "domain_console.h"
#include "domain_stats.h"
#include "driver_internal.h"
#include "stats_source.h"

/* Idle hypervisor handles kept for reuse; more are closed when given back. */
#define HV_IDLE_MAX 4
/* Threads of the driver's own work (shutdown reactions, restarts,
 * autostart): each may wait for a job or for backends. */
#define WORKERS_MAX 4
/* xvmDriverWaitShutdown also polls, in case VIRQ_DOM_EXC is not watched
 * (the main loop not running). */
#define WAIT_POLL_MS 100

/* ---- the hypervisor ------------------------------------------------- */

hv_t *
xvmDriverHvAcquire(xvmDriver *drv, GError **error)
{
    g_autoptr(GError) hv_err = NULL;
    hv_t *hv = NULL;

    g_mutex_lock(&drv->hv_lock);
    if (drv->hv_idle->len)
        hv = g_ptr_array_steal_index_fast(drv->hv_idle, drv->hv_idle->len - 1);
    g_mutex_unlock(&drv->hv_lock);
    if (hv)
        return hv;
    if (!(hv = hv_open(drv->cfg.hv_spec, &hv_err)))
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                     _("cannot open the hypervisor: %s"), hv_err->message);
    return hv;
}

gboolean
xvmDriverOnXen(xvmDriver *drv)
{
    hv_t *hv = xvmDriverHvAcquire(drv, NULL);
    gboolean xen = hv && g_str_equal(hv_backend_name(hv), "xen");

    xvmDriverHvRelease(drv, hv);
    return xen;
}

void
xvmDriverHvRelease(xvmDriver *drv, hv_t *hv)
{
    if (!hv)
        return;
    g_mutex_lock(&drv->hv_lock);
    if (drv->hv_idle->len < HV_IDLE_MAX) {
        g_ptr_array_add(drv->hv_idle, hv);
        hv = NULL;
    }
    g_mutex_unlock(&drv->hv_lock);
    hv_close(hv);
}

void
xvmDriverHvError(GError **error, GError *hv_err, const char *what, const char *name)
{
    int code = hv_err && hv_err->code == ENOENT ? VIR_ERR_NO_DOMAIN : VIR_ERR_INTERNAL_ERROR;

    xvmConfError(error, code, _("cannot %s domain '%s': %s"), what, name,
                 hv_err ? hv_err->message : _("unknown error"));
    g_clear_error(&hv_err);
}

/* ---- checks and jobs ------------------------------------------------- */

gboolean
xvmDriverBeginJob(xvmDomainObj *obj, const char *what, GError **error)
{
    return xvmDomainObjBeginJob(obj, what, XVM_DOMAIN_JOB_WAIT_MS, error);
}

gboolean
xvmDriverCheckActive(const xvmDomainObj *obj, GError **error)
{
    if (xvmDomainObjIsActive(obj))
        return TRUE;
    xvmConfError(error, VIR_ERR_OPERATION_INVALID, "%s", _("domain is not running"));
    return FALSE;
}

gboolean
xvmDriverCheckNotHost(const xvmDomainObj *obj, const char *what, GError **error)
{
    if (obj->domid != XVM_DOMID_HOST)
        return TRUE;
    xvmConfError(error, VIR_ERR_OPERATION_INVALID,
                 _("cannot %s %s: it is the host's domain"), what, XVM_DOMAIN0_NAME);
    return FALSE;
}

void
xvmDriverSaveStatus(xvmDriver *drv, const xvmDomainObj *obj)
{
    g_autoptr(GError) err = NULL;

    if (obj->domid == XVM_DOMID_HOST || !xvmDomainObjIsActive(obj))
        return;
    if (!xvmDomainStatusSave(drv->store, obj, &err))
        g_warning(_("cannot save the status of domain '%s': %s"), obj->name, err->message);
}

/* ---- events ---------------------------------------------------------- */

static void
domain_event_free(xvmDomainEvent *ev)
{
    g_free(ev->name);
    g_free(ev->dev_alias);
    g_free(ev);
}

/* Main context: delivers every queued event, in order. The source is
 * detached once the queue is empty; the next emit attaches a new one. */
static gboolean
deliver_events(gpointer data)
{
    xvmDriver *drv = data;

    for (;;) {
        xvmDomainEvent *ev;
        xvmDomainEventFunc func;
        void *opaque;

        g_mutex_lock(&drv->event_lock);
        ev = g_queue_pop_head(&drv->events);
        if (!ev) {
            g_clear_pointer(&drv->event_source, g_source_unref);
            g_mutex_unlock(&drv->event_lock);
            return G_SOURCE_REMOVE;
        }
        func = drv->event_func;
        opaque = drv->event_opaque;
        g_mutex_unlock(&drv->event_lock);
        if (func)
            func(ev, opaque);
        domain_event_free(ev);
    }
}

void
xvmDriverSetEventSink(xvmDriver *drv, xvmDomainEventFunc func, void *opaque)
{
    g_mutex_lock(&drv->event_lock);
    drv->event_func = func;
    drv->event_opaque = opaque;
    g_mutex_unlock(&drv->event_lock);
}

static void queue_event(xvmDriver *drv, xvmDomainEvent *ev);

void
xvmDriverEmitLifecycle(xvmDriver *drv, const xvmDomainObj *obj,
                       virDomainEventType event, int detail)
{
    xvmDomainEvent *ev = g_new0(xvmDomainEvent, 1);

    ev->event_id = VIR_DOMAIN_EVENT_ID_LIFECYCLE;
    ev->name = g_strdup(obj->name);
    ev->uuid = obj->uuid;
    ev->id = obj->domid;
    ev->event = event;
    ev->detail = detail;
    g_debug("domain '%s' (id %d): event %d detail %d", ev->name, ev->id, event, detail);
    queue_event(drv, ev);
}

void
xvmDriverEmitDeviceRemoved(xvmDriver *drv, const xvmDomainObj *obj, const char *alias)
{
    xvmDomainEvent *ev = g_new0(xvmDomainEvent, 1);

    ev->event_id = VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED;
    ev->name = g_strdup(obj->name);
    ev->uuid = obj->uuid;
    ev->id = obj->domid;
    ev->dev_alias = g_strdup(alias);
    g_debug("domain '%s' (id %d): device %s removed", ev->name, ev->id, alias);
    queue_event(drv, ev);
}

/* Any thread: to the queue, delivered on the main context. */
static void
queue_event(xvmDriver *drv, xvmDomainEvent *ev)
{
    g_mutex_lock(&drv->event_lock);
    if (drv->events_stopped) {
        g_mutex_unlock(&drv->event_lock);
        domain_event_free(ev);
        return;
    }
    g_queue_push_tail(&drv->events, ev);
    if (!drv->event_source) {
        drv->event_source = g_idle_source_new();
        g_source_set_callback(drv->event_source, deliver_events, drv, NULL);
        g_source_attach(drv->event_source, drv->context);
    }
    g_mutex_unlock(&drv->event_lock);
}

/* ---- workers --------------------------------------------------------- */

typedef struct {
    xvmDriverWorkFunc func;
    gpointer data;
    GDestroyNotify destroy;
} DriverWork;

static void
run_work(gpointer item, gpointer user_data)
{
    DriverWork *w = item;
    xvmDriver *drv = user_data;

    /* Work queued before the driver began closing is dropped. */
    if (!g_atomic_int_get(&drv->closing))
        w->func(drv, w->data);
    if (w->destroy)
        w->destroy(w->data);
    g_free(w);
}

gboolean
xvmDriverSubmit(xvmDriver *drv, xvmDriverWorkFunc func, gpointer data,
                GDestroyNotify destroy)
{
    DriverWork *w;

    if (g_atomic_int_get(&drv->closing)) {
        if (destroy)
            destroy(data);
        return FALSE;
    }
    w = g_new0(DriverWork, 1);
    w->func = func;
    w->data = data;
    w->destroy = destroy;
    /* Never fails for a non-exclusive pool. */
    g_thread_pool_push(drv->workers, w, NULL);
    return TRUE;
}

/* ---- waiting for guests ---------------------------------------------- */

gboolean
xvmDriverWaitShutdown(xvmDriver *drv, int domid, guint timeout_ms,
                      struct hv_dominfo *info, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;
    hv_t *hv = xvmDriverHvAcquire(drv, error);
    gboolean done = FALSE;

    if (!hv)
        return FALSE;
    for (;;) {
        g_autoptr(GError) hv_err = NULL;
        guint64 seq;
        gint64 wake;

        g_mutex_lock(&drv->exc_lock);
        seq = drv->exc_seq;
        g_mutex_unlock(&drv->exc_lock);

        if (!hv_domain_getinfo(hv, (uint32_t)domid, info, &hv_err)) {
            if (!g_error_matches(hv_err, HV_ERROR, ENOENT)) {
                xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                             _("cannot get the state of domain %d: %s"), domid,
                             hv_err->message);
                break;
            }
            memset(info, 0, sizeof(*info));
            info->domid = (uint32_t)domid;
            info->flags = HV_DOMINF_DYING;
            done = TRUE;
            break;
        }
        if (info->flags & (HV_DOMINF_SHUTDOWN | HV_DOMINF_DYING)) {
            done = TRUE;
            break;
        }
        if (g_get_monotonic_time() >= deadline)
            break;
        wake = MIN(deadline, g_get_monotonic_time() + WAIT_POLL_MS * G_TIME_SPAN_MILLISECOND);
        g_mutex_lock(&drv->exc_lock);
        while (drv->exc_seq == seq && g_cond_wait_until(&drv->exc_cond, &drv->exc_lock, wake))
            ;
        g_mutex_unlock(&drv->exc_lock);
    }
    xvmDriverHvRelease(drv, hv);
    return done;
}

/* ---- open and close -------------------------------------------------- */

static void
config_copy(xvmDriverConfig *dst, const xvmDriverConfig *src)
{
    *dst = *src;
    dst->hv_spec = g_strdup(src->hv_spec);
    dst->xenstored_path = g_strdup(src->xenstored_path);
    dst->state_dir = g_strdup(src->state_dir);
    dst->run_dir = g_strdup(src->run_dir);
    dst->stats_source = g_strdup(src->stats_source);
    dst->context = NULL;
    if (!dst->host_shutdown_timeout_s)
        dst->host_shutdown_timeout_s = 60;
    if (!dst->backend_timeout_ms)
        dst->backend_timeout_ms = XVM_DRIVER_BACKEND_TIMEOUT_MS;
    if (!dst->graceful_timeout_ms)
        dst->graceful_timeout_ms = XVM_DRIVER_GRACEFUL_WAIT_MS;
    if (!dst->suspend_timeout_ms)
        dst->suspend_timeout_ms = XVM_DRIVER_SUSPEND_WAIT_MS;
}

static void
config_clear(xvmDriverConfig *cfg)
{
    g_free((char *)cfg->hv_spec);
    g_free((char *)cfg->xenstored_path);
    g_free((char *)cfg->state_dir);
    g_free((char *)cfg->run_dir);
    g_free((char *)cfg->stats_source);
}

/* Runs where no callback of the driver's sources can be under way: on
 * the context's thread, or with the context acquired. */
static void
destroy_sources(xvmDriver *drv)
{
    xvmDriverEventsStop(drv);
    g_mutex_lock(&drv->event_lock);
    drv->events_stopped = TRUE;
    if (drv->event_source) {
        g_source_destroy(drv->event_source);
        g_clear_pointer(&drv->event_source, g_source_unref);
    }
    g_queue_clear_full(&drv->events, (GDestroyNotify)domain_event_free);
    g_mutex_unlock(&drv->event_lock);
}

typedef struct {
    xvmDriver *drv;
    GMutex lock;
    GCond cond;
    gboolean done;
} StopSources;

static gboolean
destroy_sources_on_loop(gpointer data)
{
    StopSources *ss = data;

    destroy_sources(ss->drv);
    g_mutex_lock(&ss->lock);
    ss->done = TRUE;
    g_cond_signal(&ss->cond);
    g_mutex_unlock(&ss->lock);
    return G_SOURCE_REMOVE;
}

/* Stops the VIRQ_DOM_EXC watch and event delivery so that, once this
 * returns, none of their callbacks runs or will run: directly when the
 * context is free (the loop stopped, or this is its thread), else by the
 * thread iterating it, waited for. Events emitted later are dropped. */
static void
stop_sources(xvmDriver *drv)
{
    StopSources ss = { .drv = drv };

    if (g_main_context_acquire(drv->context)) {
        destroy_sources(drv);
        g_main_context_release(drv->context);
        return;
    }
    g_mutex_init(&ss.lock);
    g_cond_init(&ss.cond);
    g_main_context_invoke(drv->context, destroy_sources_on_loop, &ss);
    g_mutex_lock(&ss.lock);
    while (!ss.done)
        g_cond_wait(&ss.cond, &ss.lock);
    g_mutex_unlock(&ss.lock);
    g_mutex_clear(&ss.lock);
    g_cond_clear(&ss.cond);
}

/* With the sources stopped (stop_sources). */
static void
driver_free(xvmDriver *drv)
{
    if (drv->workers)
        g_thread_pool_free(drv->workers, FALSE, TRUE);
    g_clear_pointer(&drv->hv_exc, hv_close);
    if (drv->hv_idle)
        g_ptr_array_unref(drv->hv_idle);
    g_clear_pointer(&drv->handling, g_hash_table_unref);
    g_clear_pointer(&drv->domains, xvmDomainListFree);
    g_clear_pointer(&drv->store, xvmDomainConfigStoreFree);
    g_clear_pointer(&drv->stats, xvmStatsSourceFree);
    g_clear_pointer(&drv->consoles, xvmConsolesFree);
    g_clear_pointer(&drv->context, g_main_context_unref);
    config_clear(&drv->cfg);
    g_mutex_clear(&drv->hv_lock);
    g_mutex_clear(&drv->exc_lock);
    g_cond_clear(&drv->exc_cond);
    g_mutex_clear(&drv->event_lock);
    g_free(drv);
}

xvmDriver *
xvmDriverOpen(const xvmDriverConfig *cfg, GError **error)
{
    xvmDriver *drv = g_new0(xvmDriver, 1);
    g_autoptr(GError) hv_err = NULL;

    g_mutex_init(&drv->hv_lock);
    g_mutex_init(&drv->exc_lock);
    g_cond_init(&drv->exc_cond);
    g_mutex_init(&drv->event_lock);
    g_queue_init(&drv->events);
    config_copy(&drv->cfg, cfg);
    drv->context = cfg->context ? g_main_context_ref(cfg->context)
                                : g_main_context_ref(g_main_context_default());
    drv->hv_idle = g_ptr_array_new_with_free_func((GDestroyNotify)hv_close);
    drv->handling = g_hash_table_new(NULL, NULL);
    drv->domains = xvmDomainListNew();
    drv->event_func = cfg->event_func;
    drv->event_opaque = cfg->event_opaque;

    if (!drv->cfg.xenstored_path || !drv->cfg.state_dir || !drv->cfg.run_dir) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, "%s",
                     _("the driver needs xenstored's socket, a state and a run directory"));
        goto fail;
    }
    if (!(drv->store = xvmDomainConfigStoreNew(drv->cfg.state_dir, drv->cfg.run_dir, error)))
        goto fail;
    if (drv->cfg.stats_source) {
        if (!(drv->stats = xvmStatsSourceNew(drv->cfg.stats_source, error)))
            goto fail;
    } else {
        g_autofree char *spec = xvmStatsSourceDefaultSpec(drv->cfg.hv_spec);

        drv->stats = xvmStatsSourceNew(spec, NULL);
    }
    drv->consoles = xvmConsolesNew();
    if (!(drv->hv_exc = hv_open(drv->cfg.hv_spec, &hv_err))) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                     _("cannot open the hypervisor: %s"), hv_err->message);
        goto fail;
    }
    drv->workers = g_thread_pool_new(run_work, drv, WORKERS_MAX, FALSE, NULL);

    xvmDomainConfigLoadAll(drv->store, drv->domains);
    if (!xvmDriverReconnect(drv, error))
        goto fail;
    if (!xvmDriverEventsStart(drv, error))
        goto fail;
    /* Domains that shut down while no xvmd watched. */
    xvmDriverQueueScan(drv);
    if (drv->cfg.autostart)
        xvmDriverAutostart(drv);
    return drv;

 fail:
    g_atomic_int_set(&drv->closing, TRUE);
    stop_sources(drv);
    driver_free(drv);
    return NULL;
}

void
xvmDriverClose(xvmDriver *drv)
{
    if (!drv)
        return;
    /* Queued work is dropped, running work ends (a restart finishes). */
    g_atomic_int_set(&drv->closing, TRUE);
    if (drv->cfg.host_shutdown == XVM_DRIVER_HOST_SHUTDOWN_SHUTDOWN)
        xvmDriverShutdownAll(drv);
    /* Then nothing queues work any more: the pool can be freed. */
    stop_sources(drv);
    driver_free(drv);
}
